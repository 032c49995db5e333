"""One module per section of the study report, each ``build(project, options) -> Section | None`` (None: the
project has nothing for it, e.g. no topic run); ``SECTIONS`` is their order in the report."""

from qualcoder.export.report.sections import (
    agreement,
    codebook,
    corpus,
    crosstab,
    framework,
    frequencies,
    timeline,
    topics,
)

SECTIONS = (corpus, codebook, frequencies, crosstab, timeline, agreement, topics, framework)
