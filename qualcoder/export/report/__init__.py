"""The study report: ``qualcoder report study out.docx|out.html`` (and the explorer's button).

Corpus, codebook, frequencies by group, crosstab with residuals, the timeline of themes over the dated chronology,
agreement with intervals, topics (when a run exists) and the framework matrices; each figure with its table and
the sentence that says how it was computed, and the versions and options that reproduce it. One small module per
section (``sections/``); the Word file through python-docx, the HTML page self-contained (inline SVG, no script).

>>> # write_study_report(project, "study.docx"); write_study_report(project, "study.html", force=True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qualcoder.export.errors import ExportError, OutputExists, atomic_write
from qualcoder.export.report.model import ReportOptions, Section, StudyReport

if TYPE_CHECKING:
    from qualcoder.project import Project

_FORMATS = {".docx": "png", ".html": "svg"}  # the figures each file embeds
Progress = Callable[[str, int, int], None]  # (stage, done, total), as the Project's progress


class UnsupportedReportFormat(ExportError):
    code = "Q981"


def build_study_report(project: Project, options: ReportOptions | None = None, progress: Progress | None = None
                       ) -> StudyReport:
    """Every section's tables and figures (nothing written yet)."""
    from qualcoder.export.report.provenance import provenance
    from qualcoder.export.report.sections import SECTIONS

    options = options or ReportOptions()
    sections: list[Section] = []
    for done, module in enumerate(SECTIONS):
        if progress:
            progress("report sections", done, len(SECTIONS))
        section = module.build(project, options)
        if section is not None:
            sections.append(section)
    if progress:
        progress("report sections", len(SECTIONS), len(SECTIONS))
    return StudyReport(f"Study report: {project.config.name}", sections, provenance(project, options))


def write_study_report(project: Project, path: str | Path, *, options: ReportOptions | None = None, force: bool = False,
                       progress: Progress | None = None) -> Path:
    """Write the report to ``path`` (.docx or .html); an existing file is kept unless ``force``.

    >>> # write_study_report(project, "study.html", options=ReportOptions(by="type"))
    """
    return write_study_reports(project, [path], options=options, force=force, progress=progress)[0]


def write_study_reports(project: Project, paths: Sequence[str | Path], *, options: ReportOptions | None = None,
                        force: bool = False, progress: Progress | None = None) -> list[Path]:
    """The same report in several files (``study.docx`` and ``study.html``): computed once, figures drawn in one
    browser session.

    >>> # write_study_reports(project, ["study.docx", "study.html"])
    """
    paths = [Path(path) for path in paths]
    for path in paths:
        _check_output(path, force)
    options = options or ReportOptions()
    report = build_study_report(project, options, progress)
    formats = sorted({_FORMATS[path.suffix.lower()] for path in paths}) if options.figures else []
    images = _images(report, formats, progress)
    return [_write(report, path, images) for path in paths]


def _check_output(path: Path, force: bool) -> None:
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        raise UnsupportedReportFormat(f"a study report is written as .docx or .html, not {suffix or 'no suffix'}",
                                      place=path, fix="Name the output study.docx or study.html.")
    if path.exists() and not force:
        raise OutputExists("the file already exists", place=path, fix="Give another name, or --force to replace it.")


def _write(report: StudyReport, path: Path, images: dict[str, dict[str, bytes]]) -> Path:
    if path.suffix.lower() == ".docx":
        from qualcoder.export.report.docx_writer import report_document

        document = report_document(report, images.get("png", {}))
        return atomic_write(path, lambda temporary: document.save(temporary), force=True)
    from qualcoder.export.report.html_writer import report_html

    page = report_html(report, images.get("svg", {}))
    return atomic_write(path, lambda temporary: temporary.write_text(page, encoding="utf-8"), force=True)


def study_report_bytes(project: Project, suffix: str, *, options: ReportOptions | None = None,
                       progress: Progress | None = None) -> bytes:
    """The report as bytes (the explorer's download): ``suffix`` is docx or html."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return write_study_report(project, Path(folder) / f"study.{suffix}", options=options,
                                  progress=progress).read_bytes()


def _images(report: StudyReport, formats: list[str], progress: Progress | None) -> dict[str, dict[str, bytes]]:
    if not formats:
        return {}
    from qualcoder.export.report.images import render_images

    figures = [figure for section in report.sections for figure in section.figures]
    return render_images(figures, formats, progress)


__all__ = ["ReportOptions", "StudyReport", "build_study_report", "study_report_bytes", "write_study_report",
           "write_study_reports"]
