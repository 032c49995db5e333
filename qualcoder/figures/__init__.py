"""Figures for papers and for the explorer: Plotly builders over the analysis DataFrames, and ``save_figure``.

Each builder takes the DataFrame the API returns (``qualcoder.analysis``, ``TopicRun``) and a ``CodeStyle``
(code labels in one language and the codebook's colours), and sizes the figure from the data: one row per code
or topic, legends that fit beside the plot or labels on the marks.

>>> from qualcoder import analysis, figures
>>> # style = figures.CodeStyle.from_codebook(project.codebook(), "en")
>>> # fig = figures.frequencies_figure(analysis.code_frequencies(project, "profession", level=1), style)
>>> # figures.save_figure(fig, "frequencies.svg")
"""

from importlib import import_module

# plotly is imported with the builders, not by `import qualcoder.figures` (the CLI's --help must stay quick)
_HOMES = {"CodeStyle": "style", "frequencies_figure": "codes", "crosstab_figure": "codes",
          "cooccurrence_figure": "codes", "timeline_figure": "timeline", "topics_by_group_figure": "topics",
          "topics_over_time_figure": "topics",
          "chronology_figure": "chronology", "topic_code_figure": "topics", "topic_sizes_figure": "topics",
          "save_figure": "save", "figure_bytes": "save", "FORMATS": "save", "FigureError": "save",
          "UnsupportedFigureFormat": "save", "RendererMissing": "save"}


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'qualcoder.figures' has no attribute {name!r}")
    return getattr(import_module(f"qualcoder.figures.{_HOMES[name]}"), name)


__all__ = sorted(_HOMES)
