"""What every figure shares: code labels in a chosen language, the codebook's colours, sizes from the data."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qualcoder.project import Project

ROW_PX = 24  # one heatmap row or bar: a 12 px label with room around it
MIN_PLOT_PX = 260  # the plot area of the smallest figure
MARGIN_PX = 150  # title, axis and colour-bar room above and below the rows
LABEL_CHARS = 42  # longer labels are shortened (the full one stays in the hover)
FALLBACK_COLOURS = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C",
                    "#CCB974", "#64B5CD", "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B",
                    "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF", "#393B79", "#637939", "#8C6D31", "#843C39")


@dataclass(frozen=True)
class CodeStyle:
    """Code id -> label (in ``language``) and colour (the codebook's ``color``); unknown codes keep their id.

    >>> style = CodeStyle({"coord": "Coordination"}, {"coord": "#4C72B0"}, "en")
    >>> style.label("coord"), style.colour("coord"), style.label("other")
    ('Coordination', '#4C72B0', 'other')
    """

    labels: Mapping[str, str] = field(default_factory=dict)
    colours: Mapping[str, str] = field(default_factory=dict)
    language: str = "fr"

    @classmethod
    def from_codebook(cls, book, language: str = "fr") -> CodeStyle:
        """Labels in ``language`` (else English, else the id) and colours of every code of ``book``."""
        labels = {c.id: c.label.get(language) or c.label.get("en") or c.label.get("fr") or c.id for c in book.codes}
        return cls(labels, {c.id: c.color for c in book.codes}, language)

    @classmethod
    def of_project(cls, project: Project, language: str = "fr") -> CodeStyle:
        """The project's active codebook (an empty style when it has none)."""
        if not project.has_codebook():
            return cls(language=language)
        return cls.from_codebook(project.codebook(), language)

    def label(self, code: str) -> str:
        return self.labels.get(code, code)

    def colour(self, code: str) -> str:
        return self.colours.get(code) or FALLBACK_COLOURS[hash(code) % len(FALLBACK_COLOURS)]


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, its ``<`` and ``&`` escaped: Plotly reads tags in
    labels, and a code label or a document name is user text.

    >>> short("a" * 50, 10), short("<b>x</b>")
    ('aaaaaaaaa…', '&lt;b&gt;x&lt;/b&gt;')
    """
    text = str(text)
    return html.escape(text if len(text) <= limit else text[: limit - 1] + "…", quote=False)


def rows_height(rows: int, extra: int = MARGIN_PX) -> int:
    """Figure height for ``rows`` horizontal rows (bars, heatmap rows) so that each label has its own line.

    >>> rows_height(1), rows_height(23)
    (410, 702)
    """
    return max(MIN_PLOT_PX, rows * ROW_PX) + extra


def top_labels_margin(labels, angle: float = 40, title_px: int = 56) -> int:
    """The top margin a heatmap needs for its column labels written at the top (at ``angle`` degrees) under a
    title: the title would otherwise sit on the labels.

    >>> top_labels_margin(["short"], 0)
    80
    """
    import math

    longest = max((len(str(label)) for label in labels), default=0)
    slant = math.sin(math.radians(angle)) if angle else 0
    return title_px + int(min(longest, 48) * 6.5 * slant) + 24


def palette(keys) -> dict[str, str]:
    """A distinct colour per key, in order (for topics and groups, which have no colour of their own)."""
    import plotly.express as px

    colours = list(px.colors.qualitative.Alphabet) + list(px.colors.qualitative.Dark24)
    return {key: colours[i % len(colours)] for i, key in enumerate(dict.fromkeys(keys))}


def base_layout(figure, title: str, height: int, *, legend_rows: int = 0):
    """Title, height, white template, margins that fit long labels; a legend below the plot when it has rows."""
    figure.update_layout(title={"text": title, "x": 0, "xanchor": "left", "yref": "container", "y": 1, "yanchor": "top",
                                "pad": {"t": 12}, "automargin": True},
                         height=height, template="plotly_white", margin={"l": 10, "r": 10, "t": 50, "b": 40},
                         font={"size": 12})
    figure.update_yaxes(automargin=True)
    figure.update_xaxes(automargin=True)
    if legend_rows:
        figure.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.08, "x": 0, "xanchor": "left",
                                     "title": None})
    return figure
