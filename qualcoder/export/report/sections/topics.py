"""The topics of a stored topic run, with its parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from qualcoder.export.report.model import Figure, ReportOptions, Section, Table

if TYPE_CHECKING:
    from qualcoder.project import Project


def build(project: Project, options: ReportOptions) -> Section | None:
    from qualcoder.figures import topic_sizes_figure
    from qualcoder.topics.model import TopicError

    if project.topic_runs_df().empty:
        return None
    try:
        run = project.topic_run(options.topic_run)
    except TopicError as error:
        return Section("topics", "Topics", str(error))
    topics = run.topics[["language", "topic", "label", "top_words", "size", "share"]]
    params = pd.DataFrame([{"parameter": k, "value": str(v)} for k, v in sorted(run.params.items())])
    return Section(
        "topics", f"Topics (run “{run.name}”)",
        f"Topic run “{run.name}” fitted {run.created_at:%Y-%m-%d %H:%M}: one model per language on the segments; "
        "each segment goes to one topic; “share” = the topic's segments / the language's segments. The parameters "
        "below (embeddings, clusterer, seed) reproduce it.",
        tables=[Table("Topics", topics, max_rows=80), Table("Parameters of the run", params)],
        figures=[Figure("Segments per topic (coloured by language)", topic_sizes_figure(run.topics), "topics")])
