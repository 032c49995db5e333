"""Inter-coder agreement: percent agreement, Cohen's and Fleiss' kappa, Krippendorff's alpha with bootstrap CIs.

Point estimates come from the field's libraries: ``krippendorff.alpha`` (nominal, any number of coders,
missing data), ``sklearn.metrics.cohen_kappa_score`` and ``statsmodels``' ``fleiss_kappa``. The bootstrap
resamples units (segments) and recomputes alpha from the units' coincidence counts (Krippendorff 2011,
"Computing Krippendorff's alpha-reliability", eq. for nominal data), all replicates in one matrix product.

Units. At segment level a code is present in a segment for a coder when one of the coder's codings of it
covers at least half of the segment or half of the coding. At character level each character is a unit, so
partly overlapping codings agree partly; its bootstrap resamples segments (blocks of characters). By default
only documents that every compared coder worked on count (a coder who never opened a document is missing,
not disagreeing), and only text that at least one of them coded; ``include_uncoded`` adds the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa

from qualcoder.coding.overlap import covered_segments
from qualcoder.errors import QualcoderError

THRESHOLDS = ((0.800, "reliable (α ≥ 0.800)"), (0.667, "tentative only (0.667 ≤ α < 0.800)"))
BOOTSTRAP = 1000


class AgreementError(QualcoderError):
    code = "Q701"


class AlreadyDecided(AgreementError):
    """A disagreement decided before is decided again without saying that the new decision replaces it."""

    code = "Q702"


def interpret(alpha: float) -> str:
    """Krippendorff's (2004) reading of alpha: ≥ .800 reliable, ≥ .667 tentative conclusions, else not."""
    if alpha is None or np.isnan(alpha):
        return "undefined (no variation)"
    for threshold, words in THRESHOLDS:
        if alpha >= threshold:
            return words
    return "unreliable (α < 0.667)"


# -- the statistics -------------------------------------------------------------------------------------

def coincidences(value_counts: np.ndarray) -> np.ndarray:
    """Per-unit coincidence contributions, flattened: ``o_u(c,k) = n_uc (n_uk - [c=k]) / (m_u - 1)``.

    ``value_counts`` is units × values (how many coders gave each value); units with < 2 values add nothing.
    """
    counts = value_counts.astype(float)
    m = counts.sum(axis=1)
    pairable = m >= 2
    outer = counts[:, :, None] * counts[:, None, :]
    outer[:, np.arange(counts.shape[1]), np.arange(counts.shape[1])] -= counts
    contributions = np.zeros_like(outer)
    contributions[pairable] = outer[pairable] / (m[pairable] - 1)[:, None, None]
    return contributions.reshape(len(counts), -1)


def alpha_from_coincidences(summed: np.ndarray, n_values: int) -> np.ndarray:
    """Nominal alpha from summed coincidence matrices (rows: replicates). ``1 - (n-1) Σo_ck / Σ n_c n_k``."""
    matrices = summed.reshape(-1, n_values, n_values)
    n_c = matrices.sum(axis=2)
    n = n_c.sum(axis=1)
    off_diagonal = matrices.sum(axis=(1, 2)) - np.trace(matrices, axis1=1, axis2=2)
    expected = n**2 - (n_c**2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1 - (n - 1) * off_diagonal / expected, np.nan)


def bootstrap_weights(n_units: int, replicates: int = BOOTSTRAP, seed: int = 0) -> np.ndarray:
    """Replicates × units resampling counts (each row: units drawn with replacement)."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_units, size=(replicates, n_units))
    return np.stack([np.bincount(row, minlength=n_units) for row in draws]).astype(np.float32)


def alpha_interval(contributions: np.ndarray, n_values: int, weights: np.ndarray) -> tuple[float, float]:
    """95 % percentile bootstrap interval of alpha over the units (or blocks) whose contributions are given."""
    replicates = alpha_from_coincidences(weights @ contributions.astype(np.float32), n_values)
    replicates = replicates[~np.isnan(replicates)]
    if not len(replicates):
        return np.nan, np.nan
    low, high = np.percentile(replicates, [2.5, 97.5])
    return float(low), float(high)


def figures(ratings: np.ndarray, weights: np.ndarray | None = None, blocks: np.ndarray | None = None,
            unit_weights: np.ndarray | None = None) -> dict:
    """All figures for one variable. ``ratings``: coders × units of value indices, NaN where missing.

    ``unit_weights`` lets identical units (characters with the same ratings) be given once with a count;
    ``blocks`` maps units to bootstrap blocks (segments).
    """
    coders, n_units = ratings.shape
    unit_weights = np.ones(n_units) if unit_weights is None else unit_weights
    valued = ~np.isnan(ratings)
    n_values = int(np.nanmax(ratings)) + 1 if valued.any() else 2
    n_values = max(n_values, 2)
    value_counts = np.stack([(ratings == v).sum(axis=0) for v in range(n_values)], axis=1)
    pairable = value_counts.sum(axis=1) >= 2
    result = {"units": int(unit_weights[pairable].sum())}
    if not pairable.any():
        return {**result, "percent_agreement": np.nan, "cohen_kappa": np.nan, "fleiss_kappa": np.nan,
                "alpha": np.nan, "alpha_low": np.nan, "alpha_high": np.nan}
    agree = (value_counts.max(axis=1) == value_counts.sum(axis=1)) & pairable
    result["percent_agreement"] = float(unit_weights[agree].sum() / unit_weights[pairable].sum())
    if np.allclose(unit_weights, 1):
        result["alpha"] = _library_alpha(value_counts[pairable])
    else:  # the library wants one row per unit; identical units are summed through their coincidences
        result["alpha"] = float(alpha_from_coincidences(
            (coincidences(value_counts[pairable]) * unit_weights[pairable, None]).sum(axis=0), n_values)[0])
    result["cohen_kappa"] = _cohen(ratings, unit_weights) if coders == 2 else np.nan
    result["fleiss_kappa"] = _fleiss(value_counts, valued.all(axis=0), unit_weights)
    if weights is not None:
        contributions = coincidences(value_counts) * unit_weights[:, None]
        if blocks is not None:
            contributions = np.stack([np.bincount(blocks, contributions[:, j], minlength=weights.shape[1])
                                      for j in range(contributions.shape[1])], axis=1)
        result["alpha_low"], result["alpha_high"] = alpha_interval(contributions, n_values, weights)
    return result


def _library_alpha(value_counts: np.ndarray) -> float:
    if (value_counts.sum(axis=0) > 0).sum() < 2:
        return np.nan  # a single value everywhere: alpha is undefined
    return float(krippendorff.alpha(value_counts=value_counts, level_of_measurement="nominal"))


def _cohen(ratings: np.ndarray, unit_weights: np.ndarray) -> float:
    both = ~np.isnan(ratings).any(axis=0)
    if both.sum() == 0:
        return np.nan
    first, second = ratings[0, both].astype(int), ratings[1, both].astype(int)
    if len(set(first) | set(second)) < 2:
        return np.nan
    return float(cohen_kappa_score(first, second, sample_weight=unit_weights[both]))


def _fleiss(value_counts: np.ndarray, complete: np.ndarray, unit_weights: np.ndarray) -> float:
    table = value_counts[complete]
    if len(table) == 0 or (table.sum(axis=0) > 0).sum() < 2:
        return np.nan
    if not np.allclose(unit_weights, 1):
        table = np.repeat(table, unit_weights[complete].astype(int), axis=0)
    return float(fleiss_kappa(table, method="fleiss"))


# -- from codings to ratings ------------------------------------------------------------------------------

@dataclass
class Units:
    """The segments that count, and for each coder the codes present in each."""

    segments: pd.DataFrame  # segment_id, doc_id, doc, start, end, text
    coders: list[str]
    present: dict[str, dict[int, set[str]]]  # coder -> segment_id -> codes
    documents: list[int]
    scope: str


def present_codes(segments: pd.DataFrame, codings: pd.DataFrame) -> dict[int, set[str]]:
    """segment_id -> codes whose coding covers half the segment or half the coding."""
    return covered_segments(segments, codings, "half_either")


def build_units(segments: pd.DataFrame, codings: pd.DataFrame, coders: list[str], include_uncoded: bool) -> Units:
    if len(coders) < 2:
        raise AgreementError("agreement needs at least two coders", place="--coders",
                             fix="Name two or more coders, e.g. --coders coder_a,coder_b.")
    known = set(codings["coder"])
    for coder in coders:
        if coder not in known:
            raise AgreementError(f"the coder {coder!r} has no codings", place="--coders",
                                 fix=f"Coders with codings: {', '.join(sorted(known)) or 'none'}.")
    codings = codings[codings["coder"].isin(coders)]
    worked = [set(codings.loc[codings["coder"] == c, "doc_id"]) for c in coders]
    documents = sorted(set.intersection(*worked))
    segments = segments[segments["doc_id"].isin(documents)]
    present = {c: present_codes(segments, codings[codings["coder"] == c]) for c in coders}
    if not include_uncoded:
        coded = set().union(*(p.keys() for p in present.values()))
        segments = segments[segments["segment_id"].isin(coded)]
    skipped = len(set().union(*worked)) - len(documents)
    scope = (f"{len(segments)} segments in the {len(documents)} documents that all of {', '.join(coders)} coded"
             + (f" ({skipped} documents coded by only some of them are left out)" if skipped else "")
             + ("; uncoded text included" if include_uncoded else "; text that none of them coded is left out"))
    return Units(segments.reset_index(drop=True), coders, present, documents, scope)


def code_ratings(units: Units, codes: list[str]) -> np.ndarray:
    """coders × units × codes, 1 where the coder applied the code, 0 where not."""
    ids = units.segments["segment_id"].tolist()
    ratings = np.zeros((len(units.coders), len(ids), len(codes)), dtype=float)
    index = {code: j for j, code in enumerate(codes)}
    for i, coder in enumerate(units.coders):
        for u, segment_id in enumerate(ids):
            for code in units.present[coder].get(segment_id, ()):
                if code in index:
                    ratings[i, u, index[code]] = 1
    return ratings


def variable_ratings(units: Units, values: list[str]) -> tuple[np.ndarray, int]:
    """coders × units of the exclusive group's value index; NaN where uncoded, or where a coder broke the
    exclusivity (two values), which is counted and returned."""
    ids = units.segments["segment_id"].tolist()
    ratings = np.full((len(units.coders), len(ids)), np.nan)
    conflicts = 0
    for i, coder in enumerate(units.coders):
        for u, segment_id in enumerate(ids):
            chosen = [v for v in values if v in units.present[coder].get(segment_id, set())]
            if len(chosen) == 1:
                ratings[i, u] = values.index(chosen[0])
            elif len(chosen) > 1:
                conflicts += 1
    return ratings, conflicts


# -- the report ---------------------------------------------------------------------------------------------

COLUMNS = ["units", "percent_agreement", "cohen_kappa", "fleiss_kappa", "alpha", "alpha_low", "alpha_high"]


def agreement_table(segments: pd.DataFrame, codings: pd.DataFrame, texts: dict[int, str], coders: list[str],
                    codes: list[str], level: str = "segment", by: str = "code", include_uncoded: bool = False,
                    replicates: int = BOOTSTRAP, seed: int = 0) -> pd.DataFrame:
    """Figures per code (or per document) and overall, with the interpretation; ``attrs['scope']`` says
    which text counted."""
    if level not in ("segment", "character"):
        raise AgreementError(f"level {level!r} is not known", place="--level", fix="Use segment or character.")
    if by not in ("code", "document"):
        raise AgreementError(f"--by {by!r} is not known", place="--by", fix="Use code or document.")
    units = build_units(segments, codings, coders, include_uncoded)
    if units.segments.empty:
        raise AgreementError("no segment is coded by these coders in documents they all worked on",
                             place="--coders", fix="Check the coder names and that they coded the same documents.")
    codings = codings[codings["coder"].isin(coders)]
    if level == "segment":
        rows = _segment_level(units, codes, by, replicates, seed)
    else:
        rows = _character_level(units, codings, texts, codes, by, include_uncoded, replicates, seed)
    frame = pd.DataFrame(rows)
    for column in [c for c in frame.columns if c.startswith("applied_by_")]:
        frame[column] = frame[column].astype("Int64")
    frame.insert(frame.columns.get_loc("alpha_high") + 1, "interpretation", frame["alpha"].map(interpret))
    frame.attrs["scope"] = units.scope + f"; unit: {level}"
    return frame


def _segment_level(units: Units, codes: list[str], by: str, replicates: int, seed: int) -> list[dict]:
    ratings = code_ratings(units, codes)
    n_units = ratings.shape[1]
    weights = bootstrap_weights(n_units, replicates, seed)
    blocks = np.repeat(np.arange(n_units), len(codes))
    rows = []
    if by == "code":
        for k, code in enumerate(codes):
            applied = {f"applied_by_{c}": int(ratings[i, :, k].sum()) for i, c in enumerate(units.coders)}
            rows.append({"code": code, **figures(ratings[:, :, k], weights), **applied})
    else:
        doc_of = units.segments["doc"].to_numpy()
        for doc in dict.fromkeys(doc_of):
            mine = doc_of == doc
            local = bootstrap_weights(int(mine.sum()), replicates, seed)
            pooled = ratings[:, mine, :].reshape(len(units.coders), -1)
            rows.append({"document": doc, **figures(pooled, local, np.repeat(np.arange(mine.sum()), len(codes)))})
    pooled = ratings.reshape(len(units.coders), -1)
    rows.append({by if by == "code" else "document": "(all)", **figures(pooled, weights, blocks)})
    return rows


def _character_level(units: Units, codings: pd.DataFrame, texts: dict[int, str], codes: list[str], by: str,
                     include_uncoded: bool, replicates: int, seed: int) -> list[dict]:
    coders = units.coders
    width = 2 ** len(coders)
    segments = units.segments.reset_index(drop=True)
    weights = bootstrap_weights(len(segments), replicates, seed)
    # per code: counts of (segment, coder pattern) over the characters that count
    table = {code: np.zeros(len(segments) * width) for code in codes}
    for doc_id, group in segments.groupby("doc_id"):
        length = len(texts[int(doc_id)])
        block = np.full(length, -1)
        for index, row in group.iterrows():
            block[row.start:row.end] = index
        mine = codings[codings["doc_id"] == doc_id]
        coded = np.zeros(length, dtype=bool)
        masks = {code: np.zeros(length, dtype=np.int64) for code in codes}
        for i, coder in enumerate(coders):
            for start, end, code in mine.loc[mine["coder"] == coder, ["start", "end", "code"]].itertuples(index=False):
                coded[start:end] = True
                if code in masks:
                    covered = np.zeros(length, dtype=bool)
                    covered[start:end] = True
                    masks[code] |= covered.astype(np.int64) << i
        counts = (block >= 0) & (coded | include_uncoded)
        for code in codes:
            keys = block[counts] * width + masks[code][counts]
            table[code] += np.bincount(keys, minlength=len(segments) * width)
    patterns = np.array([[(mask >> i) & 1 for mask in range(width)] for i in range(len(coders))], dtype=float)

    def unpack(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        present = np.nonzero(counts)[0]
        return patterns[:, present % width], counts[present], present // width

    rows = []
    if by == "code":
        for code in codes:
            ratings, unit_weights, blocks = unpack(table[code])
            rows.append({"code": code, **figures(ratings, weights, blocks, unit_weights)})
    else:
        for doc in segments["doc"].unique():
            mine = np.nonzero(segments["doc"].to_numpy() == doc)[0]
            local = bootstrap_weights(len(mine), replicates, seed)
            remap = np.full(len(segments), -1)
            remap[mine] = np.arange(len(mine))
            parts = [unpack(table[code]) for code in codes]
            keep = [np.isin(b, mine) for _, _, b in parts]
            ratings = np.concatenate([r[:, k] for (r, _, _), k in zip(parts, keep)], axis=1)
            unit_weights = np.concatenate([w[k] for (_, w, _), k in zip(parts, keep)])
            blocks = np.concatenate([remap[b[k]] for (_, _, b), k in zip(parts, keep)])
            rows.append({"document": doc, **figures(ratings, local, blocks, unit_weights)})
    parts = [unpack(table[code]) for code in codes]
    ratings = np.concatenate([r for r, _, _ in parts], axis=1)
    unit_weights = np.concatenate([w for _, w, _ in parts])
    blocks = np.concatenate([b for _, _, b in parts])
    rows.append({by if by == "code" else "document": "(all)", **figures(ratings, weights, blocks, unit_weights)})
    return rows


def variable_table(segments: pd.DataFrame, codings: pd.DataFrame, coders: list[str], group: str,
                   values: list[str], include_uncoded: bool = False, replicates: int = BOOTSTRAP,
                   seed: int = 0) -> pd.DataFrame:
    """An exclusive code group as one nominal variable; a unit a coder left uncoded is missing for them."""
    units = build_units(segments, codings, coders, include_uncoded)
    ratings, conflicts = variable_ratings(units, values)
    valued = ~np.isnan(ratings).all(axis=0)
    ratings = ratings[:, valued]
    weights = bootstrap_weights(ratings.shape[1], replicates, seed)
    row = {"variable": group, "values": len(values), **figures(ratings, weights),
           "exclusivity_conflicts": conflicts}
    frame = pd.DataFrame([row])
    frame["interpretation"] = frame["alpha"].map(interpret)
    frame.attrs["scope"] = (units.scope + f"; {int(valued.sum())} segments where at least one coder chose a value"
                            f" of {group}; a coder who chose none is missing")
    return frame
