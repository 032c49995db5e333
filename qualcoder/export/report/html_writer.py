"""The study report as one self-contained HTML page: inline CSS and inline SVG figures, nothing fetched."""

from __future__ import annotations

import html

from qualcoder.export.report.model import Section, StudyReport, Table

STYLE = """
body {font-family: Arial, Helvetica, sans-serif; max-width: 1180px; margin: 2rem auto; padding: 0 1rem; color: #222}
h1 {font-size: 1.8rem} h2 {border-bottom: 1px solid #ccc; padding-bottom: 4px; margin-top: 2.5rem}
.method {background: #f4f6fa; border-left: 4px solid #3168bd; padding: 6px 10px; font-style: italic}
.note {color: #8a4b00; font-style: italic}
table {border-collapse: collapse; font-size: 0.8rem; margin: 0.4rem 0 1.2rem; max-width: 100%; display: block;
       overflow-x: auto}
th, td {border: 1px solid #d0d4dc; padding: 2px 6px; text-align: left; vertical-align: top}
th {background: #f3f4f7} caption {text-align: left; font-weight: 600; padding: 4px 0}
figure {margin: 1rem 0} figure svg {max-width: 100%; height: auto} figcaption {font-size: 0.85rem; color: #555}
nav li {margin: 2px 0}
"""


def report_html(report: StudyReport, images: dict[str, bytes]) -> str:
    """The whole page; ``images`` maps each figure's name to its SVG."""
    toc = "".join(f'<li><a href="#{s.key}">{i}. {html.escape(s.title)}</a></li>'
                  for i, s in enumerate(report.sections, start=1))
    body = "".join(_section(i, s, images) for i, s in enumerate(report.sections, start=1))
    provenance = _table(Table("Versions and parameters", report.provenance, max_rows=500))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(report.title)}</title>'
            f'<style>{STYLE}</style></head><body><h1>{html.escape(report.title)}</h1><nav><ol>{toc}'
            '<li><a href="#provenance">Reproducibility</a></li></ol></nav>'
            f'{body}<section id="provenance"><h2>Reproducibility: versions and parameters</h2>{provenance}</section>'
            '</body></html>')


def _section(number: int, section: Section, images: dict[str, bytes]) -> str:
    parts = [f'<section id="{section.key}"><h2>{number}. {html.escape(section.title)}</h2>',
             f'<p class="method"><b>How it was computed.</b> {html.escape(section.method)}</p>']
    parts += [f"<p>{html.escape(text)}</p>" for text in section.paragraphs]
    parts += [f'<p class="note">Note: {html.escape(note)}</p>' for note in section.notes]
    for index, figure in enumerate(section.figures, start=1):
        if figure.name in images:
            svg = images[figure.name].decode("utf-8")
            svg = svg[svg.find("<svg"):]  # the XML prolog is not allowed inside HTML
            parts.append(f'<figure id="figure-{figure.name}">{svg}<figcaption>Figure {number}.{index}. '
                         f'{html.escape(figure.caption)}</figcaption></figure>')
    parts += [_table(table) for table in section.tables]
    return "".join(parts) + "</section>"


def _table(table: Table) -> str:
    frame = table.frame.head(table.max_rows)
    rendered = frame.to_html(index=False, escape=True, na_rep="", float_format=lambda v: f"{v:.4g}", border=0)
    rendered = rendered.replace('<table class="dataframe">', f"<table><caption>{html.escape(table.caption)}</caption>",
                                1)
    more = (f'<p class="note">{len(table.frame) - table.max_rows} more rows are left out here (the CSV exports of '
            "`qualcoder report` hold them all).</p>") if len(table.frame) > table.max_rows else ""
    return rendered + more

