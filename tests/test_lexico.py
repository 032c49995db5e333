"""Lexicometry, the method itself: the Reinert CHD on small matrices whose partition is worked out by hand or by
exhaustive search, the form selection, the CA's first factor against prince, context units, the double
classification, text segments and Lexique 3.83."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.stats import chi2_contingency

from qualcoder.lexico import chd as chd_module
from qualcoder.lexico.ca import first_factor
from qualcoder.lexico.chd import bipartition, chd, cut_chi2, select_forms
from qualcoder.lexico.double import cross
from qualcoder.lexico.errors import LexiconUnreadable, NoCrossedClasses
from qualcoder.lexico.lexicon import lexique, read_lexique
from qualcoder.lexico.matrix import context_units, unit_matrix
from qualcoder.lexico.segments import cut_document
from qualcoder.lexico.stats import signed_chi2
from qualcoder.models import Turn
from qualcoder.text.nlp import Parse


def _matrix(rows: list[str], forms: str) -> sparse.csr_matrix:
    """Rows written as the forms they hold: ``["ab", "bc"]`` over forms ``"abc"``."""
    return sparse.csr_matrix(np.array([[1.0 if f in row else 0.0 for f in forms] for row in rows]))


def _table_chi2(matrix: np.ndarray, side: np.ndarray) -> float:
    """The chi-square of the 2 x forms table of column sums, by scipy."""
    table = np.vstack([matrix[side].sum(axis=0), matrix[~side].sum(axis=0)])
    table = table[:, table.sum(axis=0) > 0]
    return float(chi2_contingency(table, correction=False)[0])


def _blocks(sizes: list[int], vocabulary: int = 6, noise: float = 0.0, seed: int = 0) -> tuple[sparse.csr_matrix,
                                                                                                 np.ndarray]:
    """Rows of len(sizes) groups, each drawing most of its forms from its own vocabulary, plus shared forms."""
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(len(sizes)), sizes)
    width = vocabulary * len(sizes) + 4
    dense = np.zeros((len(groups), width))
    for row, group in enumerate(groups):
        own = rng.choice(vocabulary, size=vocabulary // 2 + 1, replace=False) + group * vocabulary
        dense[row, own] = 1
        dense[row, vocabulary * len(sizes) + rng.integers(0, 4)] = 1  # a form every group uses
        dense[row, rng.random(width) < noise] = 1
    return sparse.csr_matrix(dense), groups


# the chi-square of a cut ------------------------------------------------------------------------------------
def test_the_chi2_of_a_split_worked_out_by_hand():
    # rows 1-3 hold a, b, g; rows 4-6 hold c, d, g. Expected counts are half of each column's total (both sides
    # hold 9 of the 18 occurrences): a, b, c, d contribute (3 - 1.5)^2 / 1.5 = 1.5 on each side, g nothing.
    matrix = _matrix(["abg", "abg", "abg", "cdg", "cdg", "cdg"], "abcdg")
    side = np.array([True, True, True, False, False, False])
    assert _table_chi2(matrix.toarray(), side) == pytest.approx(12.0)
    found = bipartition(matrix, min_size=1)
    assert found is not None
    mask, chi2 = found
    assert chi2 == pytest.approx(12.0)
    assert mask.tolist() in (side.tolist(), (~side).tolist())


def test_every_cut_scored_in_one_pass_equals_scipy():
    rng = np.random.default_rng(3)
    dense = (rng.random((15, 9)) < 0.4).astype(float)
    dense[dense.sum(axis=1) == 0, 0] = 1
    dense[0, dense.sum(axis=0) == 0] = 1
    order = rng.permutation(15)
    x = sparse.csr_matrix(dense)
    side = chd_module._best_cut(x, order, min_size=1)
    best = max(range(1, 15), key=lambda i: _table_chi2(dense, np.isin(np.arange(15), order[:i])))
    assert set(np.flatnonzero(side)) == set(order[:best].tolist())
    # the closed form itself, cut by cut
    totals = dense.sum(axis=0)
    for i in range(1, 15):
        chosen = np.isin(np.arange(15), order[:i])
        a = dense[chosen].sum(axis=0)
        q = float(np.sum(a * a / totals))
        assert float(cut_chi2(totals.sum(), q, a.sum())) == pytest.approx(_table_chi2(dense, chosen))


def test_reassignment_leaves_no_move_that_raises_the_chi2():
    rng = np.random.default_rng(5)
    dense = (rng.random((30, 12)) < 0.3).astype(float)
    dense[dense.sum(axis=1) == 0, 1] = 1
    x = sparse.csr_matrix(dense)
    side = np.zeros(30, dtype=bool)
    side[:15] = True
    final = chd_module._reassign(x, side, min_size=3)
    assert final == pytest.approx(_table_chi2(dense, side))
    for row in range(30):
        moved = side.copy()
        moved[row] = not moved[row]
        if 3 <= moved.sum() <= 27:
            assert _table_chi2(dense, moved) <= final + 1e-9


def test_bipartition_reaches_the_exhaustive_optimum_on_small_matrices():
    for seed in range(6):
        matrix, _ = _blocks([4, 5], vocabulary=4, noise=0.1, seed=seed)
        dense = matrix.toarray()
        _mask, chi2 = bipartition(matrix, min_size=1)
        best = max(_table_chi2(dense, np.array(bits, dtype=bool))
                   for bits in itertools.product([False, True], repeat=9) if 0 < sum(bits) < 9)
        assert chi2 == pytest.approx(best), seed


def test_min_class_size_is_respected_by_the_cut_and_the_moves():
    matrix, _ = _blocks([3, 30], seed=1)
    mask, _ = bipartition(matrix, min_size=8)
    assert min(mask.sum(), (~mask).sum()) >= 8
    assert bipartition(matrix[:10], min_size=8) is None  # 10 rows cannot give two sides of 8


def test_form_selection_by_frequency_and_contingency_coefficient():
    # a: only on side A (C = 1 > 0.3): kept in A only; g: everywhere (C = 0): kept on both sides;
    # e: twice on side B (fewer than min_freq = 3 there) and 3 times on A
    matrix = _matrix(["aeg", "aeg", "aeg", "ag", "eg", "eg", "g", "g"], "aeg")
    side = np.array([True] * 4 + [False] * 4)
    keep_a, keep_b = select_forms(matrix, side, min_freq=3, cc_test=0.3)
    assert keep_a.tolist() == [True, True, True]
    assert keep_b.tolist() == [False, False, True]


def test_three_blocks_give_three_classes_and_a_dendrogram():
    matrix, groups = _blocks([20, 20, 20], seed=2)
    hierarchy = chd(matrix, classes=3, min_class_size=5, min_freq=2)
    labels = hierarchy.labels
    assert len(set(labels)) == 3
    # every class is one block exactly
    assert pd.crosstab(labels, groups).gt(0).sum(axis=1).eq(1).all()
    report = hierarchy.to_report()
    assert [n["split_order"] for n in report if n["split_order"]] == [1, 2]
    assert sorted(n["class"] for n in report if n["class"]) == [1, 2, 3]
    assert len(set(hierarchy.partition(2))) == 2
    # a seed gives one result
    again = chd(matrix, classes=3, min_class_size=5, min_freq=2)
    assert again.labels.tolist() == labels.tolist()


def test_a_split_that_would_leave_a_small_side_is_not_made():
    matrix, _ = _blocks([40, 6], seed=4)
    hierarchy = chd(matrix, classes=2, min_class_size=10, min_freq=2)
    sizes = np.bincount(hierarchy.labels)[1:]
    assert sizes.min() >= 10


def test_first_factor_matches_prince():
    import prince

    rng = np.random.default_rng(0)
    dense = (rng.random((30, 12)) < 0.4).astype(float)
    dense[dense.sum(axis=1) == 0, 0] = 1
    ours, eigenvalue = first_factor(sparse.csr_matrix(dense))
    model = prince.CA(n_components=2, n_iter=30, random_state=0).fit(pd.DataFrame(dense))
    theirs = model.row_coordinates(pd.DataFrame(dense))[0].to_numpy()
    assert eigenvalue == pytest.approx(float(model.eigenvalues_[0]), rel=1e-6)
    assert np.allclose(np.abs(ours), np.abs(theirs), atol=1e-6)
    # the sparse path (ARPACK) and the dense one agree
    big = sparse.random(600, 500, density=0.05, random_state=1, format="csr")
    big.data[:] = 1
    big = big[np.asarray(big.sum(axis=1)).ravel() > 0][:, np.asarray(big.sum(axis=0)).ravel() > 0]
    sparse_path, sparse_value = first_factor(big)
    dense_value = np.linalg.svd(_residuals(big.toarray()), compute_uv=False)[0] ** 2
    assert sparse_value == pytest.approx(dense_value, rel=1e-8)
    assert len(sparse_path) == big.shape[0]


def _residuals(dense: np.ndarray) -> np.ndarray:
    p = dense / dense.sum()
    r, c = p.sum(axis=1), p.sum(axis=0)
    return (p - np.outer(r, c)) / np.sqrt(np.outer(r, c))


def test_signed_chi2_equals_scipy_on_a_two_by_two_table():
    chi2 = signed_chi2(12, 30, 20, 100)
    table = [[12, 18], [8, 62]]
    assert float(chi2) == pytest.approx(chi2_contingency(table, correction=False)[0])
    assert float(signed_chi2(2, 30, 20, 100)) < 0  # fewer than the 6 expected


# context units and the double classification ---------------------------------------------------------------
def test_context_units_join_short_segments_within_a_document():
    matrix = _matrix(["a", "b", "cd", "ab", "c"], "abcd")
    units = context_units(np.array([1, 1, 1, 2, 2]), matrix, min_forms=2)
    # 1: a + b reach 2 forms; cd alone; doc 2: ab, then c is short and joins ab (same document)
    assert units.tolist() == [0, 0, 1, 2, 2]
    joined = unit_matrix(units, matrix).toarray()
    assert joined.tolist() == [[1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 1, 0]]
    assert context_units(np.array([1, 2]), _matrix(["a", "b"], "ab"), min_forms=2).tolist() == [0, 1]


def test_double_classification_keeps_the_crossed_classes_both_agree_on():
    matrix, groups = _blocks([25, 25, 25], seed=6)
    first = chd(matrix, classes=3, min_class_size=5, min_freq=2)
    second = chd(matrix, classes=4, min_class_size=5, min_freq=2)
    result = cross(first, second, first.labels, second.labels, max_k=3, min_members=5)
    best = result.best(3)
    labels = result.labels(len(groups), best)
    classified = labels > 0
    assert classified.mean() > 0.9
    assert pd.crosstab(labels[classified], groups[classified]).gt(0).sum(axis=1).eq(1).all()
    assert all(c.chi2 >= 3.84 and c.size >= 5 for c in best.members)
    with pytest.raises(NoCrossedClasses) as error:
        cross(first, second, first.labels, second.labels, max_k=3, min_members=500)
    assert error.value.code == "Q937"


# text segments ------------------------------------------------------------------------------------------------
def _parse(text: str) -> Parse:
    import re

    tokens = [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", text)]
    sentences, start = [], 0
    for match in re.finditer(r"[.!?]", text):
        sentences.append((start, match.end()))
        start = match.end() + 1
    return Parse([s for s, _ in tokens], [e for _, e in tokens], [text[s:e].lower() for s, e in tokens], sentences)


def test_segments_are_cut_at_sentence_ends_near_the_size_and_never_cross_a_turn():
    sentence = "mot " * 9 + "fin."
    text = " ".join([sentence] * 6)  # six sentences of 10 words
    turns = [Turn(0, len(sentence) * 3 + 2, "A"), Turn(len(sentence) * 3 + 3, len(text), "B")]
    spans = cut_document(text, _parse(text), turns, size=20)
    assert [words for *_, words in spans] == [20, 10, 20, 10]
    assert [turn for _, _, turn, _ in spans] == [0, 0, 1, 1]
    for start, end, turn, _ in spans:
        assert text[end - 1] == "." and turns[turn].start <= start < end <= turns[turn].end


def test_a_long_sentence_is_cut_at_the_comma_nearest_the_size():
    text = " ".join(f"w{i}" for i in range(18)) + ", " + " ".join(f"x{i}" for i in range(30)) + "."
    spans = cut_document(text, _parse(text), [Turn(0, len(text), None)], size=20)
    assert spans[0][1] == text.index(",") + 1  # after the comma following 18 words
    assert [words for *_, words in spans] == [18, 30]


# Lexique 3.83 -----------------------------------------------------------------------------------------------
def test_lexique_lemmas_and_parts_of_speech():
    lexicon = lexique()
    assert lexicon.tag_form("infirmières") == ("infirmier", "nom")
    assert lexicon.tag_form("réseaux") == ("réseau", "nom")
    assert lexicon.tag_form("est") == ("être", "aux")
    assert lexicon.tag_form("l'") == ("le", "art")
    assert lexicon.tag_form("faqsv") == ("faqsv", "nr")
    assert lexicon.tag_form("pas")[1] == "adv_sup"
    assert lexicon.pos_of_lemma("coordinateur") == "nom"
    assert lexicon.pos_of_lemma("financer") == "ver"
    assert "Lexique 3.83" in lexicon.version


def test_a_malformed_lexicon_is_an_error_naming_the_file(tmp_path):
    bad = tmp_path / "Lexique383.txt"
    bad.write_text("ortho\tlemme\n", encoding="latin-1")
    with pytest.raises(LexiconUnreadable) as error:
        read_lexique(bad)
    assert error.value.code == "Q932" and str(bad) in str(error.value)
    short = tmp_path / "short.txt"
    short.write_text("1_ortho\t2_phon\t3_lemme\t4_cgram\nchat\tSa\tchat\n", encoding="latin-1")
    with pytest.raises(LexiconUnreadable, match="line 2"):
        read_lexique(short)
