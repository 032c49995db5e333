"""Exports: coded segments as CSV, XLSX or Parquet (``tabular``), IRaMuTeQ corpora (``iramuteq``), the codebook
as a Word document (``codebook_docx``). REFI-QDA lives in ``qualcoder.refi``."""
