"""A document as HTML: speaker turns marked, coded spans highlighted in their code's colour.

Overlapping codings are handled by cutting the text at every coding and turn boundary: each piece is
highlighted with the colour of the first coding covering it and underlined once per further coding. Each
coding opens with a small tag naming its code, coder and source; hovering a piece lists every coding on it.
All document text goes through ``html.escape``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

STYLE = """<style>
.qc-doc { white-space: pre-wrap; line-height: 1.9; font-size: 0.95rem; }
.qc-speaker { font-weight: 600; background: #eef1f5; border-radius: 4px; padding: 0 4px; margin-right: 4px; }
.qc-tag { font-size: 0.68rem; border: 1px solid; border-radius: 4px; padding: 0 3px; margin: 0 2px;
          vertical-align: super; white-space: nowrap; }
.qc-legend span { display: inline-block; margin: 0 8px 4px 0; padding: 0 6px; border-radius: 4px; }
</style>"""
DEFAULT_COLOUR = "#888888"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    code: str
    coder: str
    source: str

    @property
    def caption(self) -> str:
        return f"{self.code} · {self.coder} · {self.source}"


def spans_from(codings: pd.DataFrame) -> list[Span]:
    """Spans from a ``codings_df`` frame (one document's codings)."""
    return [Span(int(r.start), int(r.end), str(r.code), str(r.coder), str(r.source))
            for r in codings.sort_values(["start", "end", "code"]).itertuples()]


def rgba(colour: str, alpha: float) -> str:
    """``#4C72B0`` -> ``rgba(76, 114, 176, 0.25)``; an unreadable colour falls back to grey."""
    value = colour.lstrip("#") if isinstance(colour, str) else ""
    if len(value) != 6:
        value = DEFAULT_COLOUR.lstrip("#")
    try:
        red, green, blue = (int(value[i:i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        red, green, blue = 136, 136, 136
    return f"rgba({red}, {green}, {blue}, {alpha})"


def document_html(text: str, spans: Iterable[Span], colours: Mapping[str, str],
                  turns: Iterable[tuple[int, str]] = ()) -> str:
    """The document's HTML. ``turns`` are (start offset, speaker caption) pairs."""
    spans = sorted(spans, key=lambda s: (s.start, -s.end, s.code))
    turn_at: dict[int, list[str]] = {}
    for start, caption in turns:
        turn_at.setdefault(start, []).append(caption)
    starts_at: dict[int, list[Span]] = {}
    for span in spans:
        starts_at.setdefault(span.start, []).append(span)
    cuts = sorted({0, len(text), *turn_at, *(s.start for s in spans), *(s.end for s in spans)})
    cuts = [c for c in cuts if 0 <= c <= len(text)]
    parts = [STYLE, '<div class="qc-doc">']
    for left, right in zip(cuts, cuts[1:]):
        parts.extend(f'<span class="qc-speaker">{html.escape(caption)}</span>' for caption in turn_at.get(left, []))
        parts.extend(_tag(span, colours) for span in starts_at.get(left, []))
        active = [s for s in spans if s.start <= left < s.end]
        parts.append(_piece(text[left:right], active, colours))
    parts.append("</div>")
    return "".join(parts)


def legend_html(codes: Iterable[tuple[str, str]], colours: Mapping[str, str]) -> str:
    """Coloured chips for (code id, label) pairs."""
    chips = "".join(f'<span style="background:{rgba(colours.get(code, DEFAULT_COLOUR), 0.3)}" '
                    f'title="{html.escape(label)}">{html.escape(code)}</span>' for code, label in codes)
    return f'{STYLE}<div class="qc-legend">{chips}</div>'


def _tag(span: Span, colours: Mapping[str, str]) -> str:
    colour = colours.get(span.code, DEFAULT_COLOUR)
    return (f'<span class="qc-tag" style="border-color:{colour}; color:{colour}">'
            f"{html.escape(span.caption)}</span>")


def _piece(text: str, active: list[Span], colours: Mapping[str, str]) -> str:
    escaped = html.escape(text)
    if not active:
        return escaped
    background = rgba(colours.get(active[0].code, DEFAULT_COLOUR), 0.28)
    underlines = ", ".join(f"inset 0 -{3 * i}px 0 {rgba(colours.get(s.code, DEFAULT_COLOUR), 0.9)}"
                           for i, s in enumerate(active[1:], start=1))
    shadow = f" box-shadow: {underlines};" if underlines else ""
    title = html.escape("; ".join(s.caption for s in active), quote=True)
    return f'<span class="qc-coded" style="background:{background};{shadow}" title="{title}">{escaped}</span>'
