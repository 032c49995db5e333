"""``qualcoder export ...``: coded segments as CSV, XLSX or Parquet, the codebook as a document, IRaMuTeQ."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import typer

from qualcoder.cli.support import ProjectOption, console, errors, open_project

export_app = typer.Typer(help="Export coded segments, the codebook and the project to other tools.",
                         no_args_is_help=True)

ForceOption = Annotated[bool, typer.Option("--force", help="Replace the output file if it exists.")]


@export_app.command("segments")
def export_segments(
    out: Annotated[Path, typer.Argument(help="File to write: .csv, .xlsx or .parquet.")],
    project: ProjectOption = Path("."),
    wide: Annotated[bool, typer.Option("--wide", help="One row per segment, one 0/1 column per code.")] = False,
    excel: Annotated[bool, typer.Option("--excel", help="CSV for French Excel: BOM, ';' and decimal commas.")]
    = False,
    format: Annotated[str | None, typer.Option("--format", help="csv, xlsx or parquet (default: OUT's suffix).")]
    = None,
    code: Annotated[list[str] | None, typer.Option("--code", help="Only this code and its sub-codes (repeatable).")]
    = None,
    coder: Annotated[list[str] | None, typer.Option("--coder", help="Only this coder's codings (repeatable).")]
    = None,
    source: Annotated[list[str] | None, typer.Option(
        "--source", help="Only codings from manual, import, rules or model (repeatable).")] = None,
    where: Annotated[list[str] | None, typer.Option(
        "--where", help="ATTRIBUTE=VALUE, e.g. profession=neurologue (repeatable).")] = None,
    include_suggestions: Annotated[bool, typer.Option(
        "--include-suggestions", help="Add the model's pending suggestions.")] = False,
    force: ForceOption = False,
) -> None:
    """Export coded segments: one row per coding (or per segment with --wide), with text and attributes."""
    from qualcoder.export import tabular

    p = open_project(project)

    def run() -> int:
        chosen = tabular.table_format(out, format)
        frame = tabular.coded_segments(p, codes=code, coders=coder, sources=source,
                                       where=tabular.parse_where(where or []),
                                       include_suggestions=include_suggestions, wide=wide)
        book = p.codebook() if chosen == "xlsx" and p.has_codebook() else None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", tabular.TruncatedCells)
            tabular.write_table(frame, out, format=chosen, excel=excel, codebook=book, force=force)
        for warning in caught:
            errors.print(f"[yellow]{warning.message}[/yellow]", highlight=False, soft_wrap=True)
        return len(frame)

    rows = run()
    console.print(f"Wrote {rows} row(s) to {out}.")


@export_app.command("codebook")
def export_codebook(
    out: Annotated[Path, typer.Argument(help="File to write: .docx (Word) or .md (Markdown).")],
    project: ProjectOption = Path("."),
    language: Annotated[str, typer.Option("--language", help="fr or en.")] = "fr",
    force: ForceOption = False,
) -> None:
    """Export the codebook as a readable document (definitions, criteria, examples) for an appendix."""
    from qualcoder.coding.codebook import to_markdown
    from qualcoder.export.codebook_docx import write_codebook_docx
    from qualcoder.export.errors import UnsupportedExportFormat, write_bytes

    p = open_project(project)

    def run() -> None:
        book = p.codebook()
        suffix = out.suffix.lower()
        if suffix == ".docx":
            write_codebook_docx(book, out, language, force=force)
        elif suffix == ".md":
            if language not in ("fr", "en"):
                raise UnsupportedExportFormat(f"{language!r} is not a codebook language", place="--language",
                                              fix="Use fr or en.")
            write_bytes(out, to_markdown(book, language).encode("utf-8"), force=force)
        else:
            raise UnsupportedExportFormat(f"cannot write a codebook as {suffix or 'a file without suffix'}",
                                          place=out, fix="End the file name with .docx or .md.")

    run()
    console.print(f"Wrote {out}.")


@export_app.command("iramuteq")
def export_iramuteq(
    out: Annotated[Path, typer.Argument(help="Corpus file to write (.txt, UTF-8).")],
    project: ProjectOption = Path("."),
    by: Annotated[str, typer.Option("--by", help="One text per document, turn or segment.")] = "document",
    attributes: Annotated[str | None, typer.Option(
        "--attributes", help="Star-line variables, comma-separated, e.g. type,profession,date.")] = None,
    force: ForceOption = False,
) -> None:
    """Export the texts as an IRaMuTeQ corpus: star lines of variables, then the text."""
    from qualcoder.export import iramuteq

    p = open_project(project)
    chosen = [a.strip() for a in attributes.split(",") if a.strip()] if attributes else None
    iramuteq.write_corpus(p, out, by=by, attributes=chosen, force=force)
    console.print(f"Wrote {out}.")
