"""The document view's model (runs.py): runs partition the stored text, carry exactly the codings covering them, and
any selection maps back to exact offsets, characters outside the BMP included."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qualcoder.explorer.components.runs import (
    ViewCoding,
    assign_lanes,
    build_view,
    offset_in_run,
    runs_of,
    safe_colour,
    selected_text,
    selection_offsets,
    utf16_length,
)

ALPHABET = st.sampled_from(list("ab cé\n\n\t:😀𝄞«»") + ["Dr X : ", "\n\n", "  "])
TEXTS = st.lists(ALPHABET, min_size=1, max_size=80).map("".join)


@st.composite
def documents(draw):
    text = draw(TEXTS)
    size = len(text)
    spans = st.tuples(st.integers(0, size), st.integers(0, size)).map(sorted).filter(lambda s: s[0] < s[1])
    codings = [ViewCoding(i + 1, start, end, draw(st.sampled_from(["a", "b", "c"])), "ann", "manual", "applied",
                          "mine") for i, (start, end) in enumerate(draw(st.lists(spans, max_size=12)))]
    turn_starts = sorted(set(draw(st.lists(st.integers(0, size), max_size=5))))
    turns = [(start, min(start + 5, size), draw(st.sampled_from(["Dr X", None, "Y"]))) for start in turn_starts]
    sections = [(start, draw(st.sampled_from(["Cas 1", "Point 2", ""]))) for start in
                sorted(set(draw(st.lists(st.integers(0, size), max_size=3))))]
    return text, codings, turns, sections


@settings(max_examples=300, deadline=None)
@given(documents())
def test_runs_partition_the_text_and_carry_exactly_their_codings(document):
    text, codings, turns, sections = document
    view = build_view(text, codings, turns=turns, sections=sections, professions={"Dr X": "GP"})
    runs = runs_of(view)
    assert "".join(run[2] for run in runs) == text
    assert [run[0] for run in runs] == [0] + [run[1] for run in runs[:-1]]
    assert all(run[1] - run[0] == len(run[2]) > 0 for run in runs)
    assert [block[0] for block in view["blocks"]] == [0] + [block[1] for block in view["blocks"][:-1]]
    assert view["blocks"][-1][1] == len(text) == view["length"]
    shown = {c[0]: c for c in view["codings"]}
    for run in runs:
        covering = {shown_id for shown_id, c in shown.items() if c[7] <= run[0] and run[1] <= c[8]}
        assert {view["codings"][i][0] for i in run[3]} == covering
        # no coding starts or ends inside a run
        assert not [c for c in shown.values() if run[0] < c[7] < run[1] or run[0] < c[8] < run[1]]
        assert [view["codings"][i][2] for i in run[3]] == sorted(view["codings"][i][2] for i in run[3])
    assert {c.id for c in codings} == set(shown)


@settings(max_examples=300, deadline=None)
@given(documents(), st.data())
def test_a_selection_maps_back_to_exact_offsets(document, data):
    text, codings, turns, sections = document
    runs = runs_of(build_view(text, codings, turns=turns, sections=sections))
    start, end = sorted(data.draw(st.tuples(st.integers(0, len(text)), st.integers(0, len(text)))))

    def dom_point(offset: int, at_end: bool) -> tuple[int, int]:
        """Where a browser may report ``offset``: in the run holding it, or at the end of the run before it."""
        for i, run in enumerate(runs):
            if run[0] <= offset < run[1] or (offset == run[1] and (at_end or i == len(runs) - 1)):
                return i, utf16_length(run[2][:offset - run[0]])
        raise AssertionError(offset)

    anchor, focus = dom_point(start, False), dom_point(end, True)
    assert selection_offsets(runs, anchor, focus) == (start, end)
    assert selection_offsets(runs, focus, anchor) == (start, end)  # dragged backwards
    assert selected_text(runs, start, end) == text[start:end]


def test_labels_professions_and_titles_are_marked_not_added_to_the_text():
    text = "Cas n°1 : Mme D.\n\nDr Morel : Le MMSE est à 18.\nSuite.\n\nIl est convenu."
    turns = [(text.index("Le MMSE"), text.index("Suite.") + 6, "Dr Morel"), (text.index("Il est"), len(text), "Y")]
    view = build_view(text, [], turns=turns, sections=[(16, "Cas n°1 : Mme D."), (text.index("Suite."), "Absent")],
                      professions={"Dr Morel": "neurologue"})
    runs = runs_of(view)
    assert [run[2] for run in runs if run[4] == "h"] == ["Cas n°1 : Mme D."]
    assert [(run[2], run[5]) for run in runs if run[4] == "l"] == [("Dr Morel : ", "neurologue")]
    assert [run[5] for run in runs if run[4] == "" and run[5]] == ["§ Absent", "Y"]  # not in the text: a caption
    assert [run[2] for run in runs if run[4] == "s"] == ["\n\n", "\n\n"]
    assert [text[block[0]:block[1]].split("\n")[0] for block in view["blocks"]] == [
        "Cas n°1 : Mme D.", "Dr Morel : Le MMSE est à 18.", "Suite.", "Il est convenu."]


def test_overlapping_codings_get_their_own_lanes():
    codings = [ViewCoding(1, 0, 10, "a", "x", "manual", "applied"), ViewCoding(2, 5, 15, "b", "x", "manual", "applied"),
               ViewCoding(3, 10, 20, "c", "x", "manual", "applied"), ViewCoding(4, 6, 8, "d", "y", "rules", "applied")]
    assert assign_lanes(codings) == {1: 0, 2: 1, 3: 0, 4: 2}
    view = build_view("x" * 20, codings)
    middle = next(run for run in runs_of(view) if run[0] == 6)
    assert [view["codings"][i][0] for i in middle[3]] == [1, 2, 4]


def test_offsets_count_code_points_not_utf16_units():
    assert utf16_length("a😀b") == 4 and offset_in_run(5, "a😀b", 3) == 7
    assert selected_text([[0, 3, "a😀b"]], 1, 2) == "😀"


def test_only_plain_colours_reach_the_browser():
    assert safe_colour("#4C72B0") == "#4C72B0"
    assert safe_colour("red); background: url(http://h/x.png") == "#888888" and safe_colour(None) == "#888888"


def test_codings_outside_the_text_are_not_drawn():
    view = build_view("abc", [ViewCoding(1, 2, 9, "a", "x", "manual", "applied")])
    assert view["codings"] == [] and runs_of(view) == [[0, 3, "abc", [], "", None]]
