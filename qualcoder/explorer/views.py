"""Tables the pages show, computed from the Project and the SegmentIndex: no Streamlit here."""

from __future__ import annotations

import pandas as pd

from qualcoder.coding import HUMAN_SOURCES
from qualcoder.coding.codebook import Codebook
from qualcoder.explorer.filters import SegmentIndex

SOURCE_GROUPS = {"manual": "human", "import": "human", "rules": "rules", "model": "model"}


def label(book: Codebook | None, code: str, language: str = "fr") -> str:
    """``id — label`` for pick lists."""
    if book is None:
        return code
    try:
        found = book.code(code)
    except KeyError:
        return code
    text = found.label.get(language) or next(iter(found.label.values()), "")
    return f"{code} — {text}" if text else code


def keep(frame: pd.DataFrame, column: str, values: list) -> pd.DataFrame:
    """Rows whose ``column`` is one of ``values``; all rows when none is chosen."""
    return frame[frame[column].isin(values)] if values else frame


# codebook --------------------------------------------------------------------------------------------------
def code_counts(index: SegmentIndex) -> pd.DataFrame:
    """Per code: segments coded by humans (manual, import), by rules and by the model (accepted)."""
    links = index.links.assign(group=index.links["source"].astype(str).map(SOURCE_GROUPS).fillna("other"))
    counts = (links.drop_duplicates(["segment_id", "code", "group"])
              .groupby(["code", "group"], observed=True).size().unstack(fill_value=0))
    for group in ("human", "rules", "model"):
        if group not in counts.columns:
            counts[group] = 0
    counts.index = counts.index.astype(str)
    return counts[["human", "rules", "model"]]


def codebook_table(book: Codebook, counts: pd.DataFrame, language: str = "fr") -> pd.DataFrame:
    """One row per code in tree order: depth-indented label, definition and the segment counts."""
    rows = []

    def visit(parent: str | None, depth: int) -> None:
        for code in book.children(parent):
            row = counts.loc[code.id] if code.id in counts.index else None
            rows.append({"code": code.id, "label": "\u2003" * depth + code.label.get(language, ""),
                         "definition": code.definition.get(language, ""),
                         "human": int(row["human"]) if row is not None else 0,
                         "rules": int(row["rules"]) if row is not None else 0,
                         "model": int(row["model"]) if row is not None else 0,
                         "colour": code.color})
            visit(code.id, depth + 1)

    visit(None, 0)
    return pd.DataFrame(rows, columns=["code", "label", "definition", "human", "rules", "model", "colour"])


def coverage(index: SegmentIndex, book: Codebook | None) -> pd.DataFrame:
    """Codebook coverage: per top-level code, the segments coded (human, rules) with it or a descendant, and
    the share of all segments; a last row for any code at all."""
    total = max(len(index.segments), 1)
    links = index.links.assign(group=index.links["source"].astype(str).map(SOURCE_GROUPS))
    rows = []
    tops = [c.id for c in book.codes if c.parent is None] if book else []
    for code in tops:
        family = index.families.get(code, {code})
        found = links[links["code"].isin(family)]
        rows.append(_coverage_row(code, book.code(code).label.get("fr", ""), found, total))
    rows.append(_coverage_row("(any code)", "", links, total))
    return pd.DataFrame(rows)


def _coverage_row(code: str, text: str, links: pd.DataFrame, total: int) -> dict:
    human = links.loc[links["group"] == "human", "segment_id"].nunique()
    rules = links.loc[links["group"] == "rules", "segment_id"].nunique()
    return {"code": code, "label": text, "segments_human": human, "segments_rules": rules,
            "share_human": round(human / total, 3), "share_rules": round(rules / total, 3)}




def human_coders(codings: pd.DataFrame) -> list[str]:
    """Coders with manual or imported codings (the consensus left out): those agreement compares."""
    human = codings[codings["source"].isin(HUMAN_SOURCES) & (codings["coder"] != "consensus")]
    return sorted(human["coder"].unique())


def disagreement_caption(row) -> str:
    return f"segment {row.segment_id} · {row.code} · applied by {row.applied_by}, not by {row.not_by}"


def agreement_figure(table: pd.DataFrame):
    """Alpha per code with its bootstrap interval, and Krippendorff's thresholds."""
    import plotly.graph_objects as go

    frame = table.dropna(subset=["alpha"])
    figure = go.Figure(go.Scatter(
        x=frame["alpha"], y=frame[frame.columns[0]].astype(str), mode="markers",
        error_x={"type": "data", "symmetric": False, "array": frame["alpha_high"] - frame["alpha"],
                 "arrayminus": frame["alpha"] - frame["alpha_low"]}))
    for threshold in (0.667, 0.8):
        figure.add_vline(x=threshold, line_dash="dot", line_color="grey")
    figure.update_layout(height=max(300, 22 * len(frame)), xaxis_title="Krippendorff's alpha (95% interval)",
                         yaxis={"autorange": "reversed"}, margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return figure
