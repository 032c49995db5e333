"""Tables the pages show, computed from the Project and the SegmentIndex: no Streamlit here."""

from __future__ import annotations

import pandas as pd

from qualcoder.codebook import Codebook
from qualcoder.coding import HUMAN_SOURCES
from qualcoder.explorer.filters import SegmentIndex
from qualcoder.project import Project

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


def colours(book: Codebook | None) -> dict[str, str]:
    return {c.id: c.color for c in book.codes} if book else {}


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


# documents -------------------------------------------------------------------------------------------------
def turn_captions(project: Project, doc_id: int, turns: list, speakers: pd.DataFrame) -> list[tuple[int, str]]:
    """(start, "speaker · profession") for each turn of a document that has a speaker."""
    mine = speakers[speakers["doc_id"] == doc_id].set_index("speaker")["profession"].to_dict()
    captions = []
    for turn in turns:
        if turn.speaker:
            profession = mine.get(turn.speaker)
            captions.append((turn.start, f"{turn.speaker} · {profession}" if isinstance(profession, str)
                             else turn.speaker))
    return captions


# workbench -------------------------------------------------------------------------------------------------
def next_uncoded(index: SegmentIndex, coder: str, after: int | None) -> int | None:
    """The first segment after ``after`` (wrapping round) that ``coder`` has not coded."""
    mine = index.links.loc[index.links["coder"] == coder, "segment_id"].unique()
    ids = index.segments["segment_id"]
    open_ids = ids[~ids.isin(mine)].to_numpy()
    if not len(open_ids):
        return None
    later = open_ids[open_ids > after] if after is not None else open_ids
    return int(later[0] if len(later) else open_ids[0])


def uncertain_suggestions(index: SegmentIndex, codings: pd.DataFrame) -> pd.DataFrame:
    """Open model suggestions, the most uncertain first (confidence nearest 0.5), with their segment."""
    open_ = codings[codings["status"] == "suggested"].copy()
    if open_.empty:
        return pd.DataFrame(columns=["segment_id", "coding_id", "code", "confidence", "doc", "text"])
    segments = index.segments[["segment_id", "doc_id", "start", "end"]]
    # the segment holding the suggestion's start
    merged = pd.merge_asof(open_.sort_values("start"), segments.sort_values("start"), on="start",
                           by="doc_id", suffixes=("", "_segment"), direction="backward")
    merged = merged.dropna(subset=["segment_id"]).astype({"segment_id": "int64"})
    merged["margin"] = (merged["confidence"] - 0.5).abs()
    merged = merged.sort_values(["margin", "segment_id", "code"])
    return merged[["segment_id", "coding_id", "code", "confidence", "doc", "text"]].reset_index(drop=True)


def segment_codings(index: SegmentIndex, codings: pd.DataFrame, segment_id: int) -> pd.DataFrame:
    """Every coding (suggestions included) overlapping the segment."""
    segment = index.segments.loc[index.segments["segment_id"] == segment_id].iloc[0]
    found = codings[(codings["doc_id"] == segment["doc_id"]) & (codings["start"] < segment["end"])
                    & (codings["end"] > segment["start"])]
    return found[["coding_id", "code", "label_fr", "coder", "source", "status", "confidence", "memo"]]


def context(index: SegmentIndex, segment_id: int, around: int = 2) -> pd.DataFrame:
    """The segment and its ``around`` neighbours on each side in the same document."""
    frame = index.segments
    position = frame.index[frame["segment_id"] == segment_id][0]
    doc_id = frame.at[position, "doc_id"]
    window = frame.iloc[max(position - around, 0): position + around + 1]
    return window[window["doc_id"] == doc_id]


def is_human(source: str) -> bool:
    return source in HUMAN_SOURCES


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
