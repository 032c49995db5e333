"""Memos out: a table (CSV/XLSX/Parquet through the one table writer) or a Markdown journal grouped by what they
are on, for a paper's appendix or an audit trail."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qualcoder.export.errors import atomic_write

TITLES = {"project": "Project journal", "code": "Codes", "document": "Documents", "coding": "Codings",
          "speaker": "Speakers"}


def memos_markdown(memos: pd.DataFrame) -> str:
    """``memos`` (``Project.memos_df()``) as Markdown: one section per kind of target, newest last.

    >>> memos_markdown(pd.DataFrame([{"target": "project", "on": "", "coder": "alice", "text": "Début.",
    ...                               "created_at": pd.Timestamp("2026-12-01 10:00")}]))
    '# Memos\\n\\n## Project journal\\n\\n- **alice**, 2026-12-01 10:00\\n\\n  Début.\\n'
    """
    lines = ["# Memos", ""]
    for target, title in TITLES.items():
        mine = memos[memos["target"] == target].sort_values("created_at")
        if mine.empty:
            continue
        lines += [f"## {title}", ""]
        for memo in mine.itertuples():
            where = f" — {memo.on}" if memo.on else ""
            body = "\n".join(f"  {line}" if line else "" for line in str(memo.text).splitlines())
            lines += [f"- **{memo.coder}**, {memo.created_at:%Y-%m-%d %H:%M}{where}", "", body]
    return "\n".join(lines) + "\n"


def write_memos(memos: pd.DataFrame, path: str | Path, *, force: bool = False) -> Path:
    """Write memos as Markdown (``.md``) or as a table (``.csv``, ``.xlsx``, ``.parquet``)."""
    if Path(path).suffix.lower() == ".md":
        return atomic_write(path, lambda temporary: temporary.write_text(memos_markdown(memos), encoding="utf-8"),
                            force=force)
    from qualcoder.export.tabular import write_table

    return write_table(memos, path, force=force)
