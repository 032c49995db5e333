"""A code as the Codebook page shows it: its colour, label, definition, criteria, examples and counts, as escaped
HTML (a definition or an example is user text: never Markdown)."""

from __future__ import annotations

import pandas as pd

from qualcoder.coding.codebook import Codebook
from qualcoder.explorer.safe import esc

STYLE = """<style>
.qc-card { line-height: 1.5; margin: 0.2rem 0 0.8rem; }
.qc-card .qc-chip { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 3px; margin-right: 6px;
                    vertical-align: -0.1em; }
.qc-card p, .qc-card li, .qc-card blockquote { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.2rem 0; }
.qc-card blockquote { border-left: 3px solid #ccd; padding-left: 0.6rem; color: #444; }
.qc-card .qc-muted { color: #666; font-size: 0.9em; }
</style>"""


def code_html(book: Codebook, code_id: str, language: str, counts: pd.DataFrame) -> str:
    """A code's card. ``counts``: segments per code coded by people, rules and the model (``views.code_counts``)."""
    code = book.code(code_id)
    parts = [STYLE, '<div class="qc-card">',
             f'<p><span class="qc-chip" style="background:{esc(code.color)}"></span><b>{esc(code.id)}</b> — '
             f"{esc(code.label.get(language, ''))}</p>", f"<p>{esc(code.definition.get(language, ''))}</p>"]
    if code.id in counts.index:
        row = counts.loc[code.id]
        parts.append(f'<p class="qc-muted">Segments: {int(row["human"])} coded by people, {int(row["rules"])} by '
                     f'rules, {int(row["model"])} accepted from the model.</p>')
    for title, items in (("Include", code.include.get(language, ())), ("Exclude", code.exclude.get(language, ()))):
        if items:
            parts.append(f"<p><i>{title}:</i></p><ul>" + "".join(f"<li>{esc(item)}</li>" for item in items) + "</ul>")
    if code.examples:
        parts.append("<p><i>Examples:</i></p>" + "".join(
            f"<blockquote>{esc(e.get('text', ''))} <span class='qc-muted'>({esc(e.get('source', ''))})</span>"
            "</blockquote>" for e in code.examples))
    parts.append("</div>")
    return "".join(parts)
