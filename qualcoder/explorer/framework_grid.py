"""The framework matrix drawn as one HTML table: each cell its count (shaded by it) and the start of its summary.

Every piece of user text (case names, code labels, summaries) is escaped; the table wraps inside the page width.
"""

from __future__ import annotations

from qualcoder.analysis.framework import FrameworkMatrix
from qualcoder.explorer.components.runs import safe_colour
from qualcoder.explorer.safe import esc

SUMMARY_SHOWN = 140  # characters of a summary shown in its cell (the whole of it below the table)
STYLE = """<style>
.qc-fw {width: 100%; border-collapse: collapse; font-size: 0.85rem}
.qc-fw th, .qc-fw td {border: 1px solid #d0d4dc; padding: 3px 5px; vertical-align: top; hyphens: auto}
.qc-fw thead th {font-size: 0.8rem}
.qc-fw thead th {background: #f3f4f7; font-weight: 600; text-align: left}
.qc-fw tbody th {background: #fafbfc; text-align: left; overflow-wrap: anywhere}
.qc-fw .qc-n {font-weight: 700}
.qc-fw .qc-sum {display: block; color: #1f3b64; font-style: italic; margin-top: 2px}
.qc-fw .qc-swatch {display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px}
</style>"""


def _shade(count: int, top: int) -> str:
    """A blue background whose strength follows the count (white for an empty cell)."""
    if not count or not top:
        return "#ffffff"
    alpha = 0.12 + 0.5 * count / top
    return f"rgba(49, 104, 189, {alpha:.2f})"


def grid_html(matrix: FrameworkMatrix, colours: dict[str, str] | None = None, language: str = "fr") -> str:
    """The whole matrix as a table: cases in rows, codes (their labels, a colour swatch) in columns.

    >>> # st.html(grid_html(project.framework_matrix("speaker", level=2)))
    """
    colours = colours or {}
    counts = matrix.counts()
    top = int(counts.to_numpy().max()) if counts.size else 0
    head = "".join(
        f'<th><span class="qc-swatch" style="background:{safe_colour(colours.get(code))}"></span>'
        f'{esc(matrix.labels.get(code, code))}</th>' for code in matrix.codes)
    body = []
    for row in matrix.row_values:
        cells = []
        for code in matrix.codes:
            count = int(counts.loc[row, code])
            summary = matrix.summary(row, code)
            shown = summary if len(summary) <= SUMMARY_SHOWN else summary[:SUMMARY_SHOWN].rstrip() + "…"
            note = f'<span class="qc-sum">{esc(shown)}</span>' if summary else ""
            cells.append(f'<td style="background:{_shade(count, top)}" title="{esc(row)} × {esc(code)}">'
                         f'<span class="qc-n">{count}</span>{note}</td>')
        body.append(f"<tr><th>{esc(row)}</th>{''.join(cells)}</tr>")
    return (f'{STYLE}<table class="qc-fw" lang="{esc(language)}"><thead><tr><th>{esc(matrix.rows)}</th>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')
