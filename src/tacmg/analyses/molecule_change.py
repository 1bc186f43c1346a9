"""Change of each soluble molecule from baseline to month 12 (chapter 6): in all patients, in a
status subset, and between post-intervention status groups.

Wilcoxon signed-rank of month 12 minus baseline with the package's one exactness rule
(`tacmg.stats.rank_tests.signed_rank_exact`) and, beside it, the exact conditional (permutation) p
given tied ranks (`tacmg.stats.permutation.signed_rank_permutation`); zero changes dropped throughout
(Wilcoxon's convention), also for the Hodges-Lehmann changes and ratios; Kruskal-Wallis across
status groups on the log ratio. Concentrations in pg/mL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from tacmg.analyses import censoring
from tacmg.analyses.molecule_values import log_ratios
from tacmg.analyses.selection import (
    MOLECULE_COLUMNS,
    STATUS_ORDER,
    add_significance,
    and_na,
    claims_by_variables,
    direction_word,
    label,
    status_by_patient,
)
from tacmg.claims.registry import Registry, load_claims
from tacmg.data.loader import Dataset
from tacmg.stats import estimates, permutation, rank_tests


def _signed_rank(before: np.ndarray, after: np.ndarray, method: str) -> tuple[float, float, str]:
    """(statistic, p, what p is) of the Wilcoxon signed-rank test of after - before; "reported" as above."""
    if method != "reported":
        test = stats.wilcoxon(after - before, method=method)
        return float(test.statistic), float(test.pvalue), f"scipy method {method!r}"
    result = rank_tests.signed_rank(before[None], after[None])
    return float(result.statistic[0]), float(result.p_primary[0]), rank_tests.P_METHOD_WORDS[result.p_method[0]]


def paired_change(
    dataset: Dataset,
    *,
    statuses: Sequence[str] | None = None,
    alpha: float = 0.05,
    correction: str = "fdr_bh",
    confidence: float = 0.95,
    method: str = "reported",
    registry: Registry | None = None,
) -> pd.DataFrame:
    """Change from baseline to month 12 per molecule, in all patients or in those with `statuses`.

    With `statuses` given, the published column is the registry's improved-subset finding: that is
    the reading being tested (the chapters pass `evaluate.IMPROVED_STATUSES`, MGFA status I, as
    recorded in the registry's decision 'improved-subset').

    Columns: molecule, label, subset, n, median_baseline, median_month_12 (pg/mL), median_change
    (median of month 12 minus baseline, pg/mL; its sign is the direction, as in the registry
    evaluation), direction, hl_change with hl_change_ci_low / hl_change_ci_high (Hodges-Lehmann
    median change and interval, pg/mL), hl_ratio with hl_ratio_ci_low / hl_ratio_ci_high (the same
    on the log scale, exponentiated: the typical month-12 / baseline ratio, no unit), statistic
    (scipy's Wilcoxon statistic), effect_size (rank-biserial: -1, every patient fell; 1, every one
    rose), p_value (Wilcoxon signed-rank, two-sided, scipy `method`; NaN when fewer than two
    non-zero differences), p_method (what that p is), p_value_permutation / p_method_permutation
    (the exact conditional p given the tied ranks, `tacmg.stats.permutation.signed_rank_permutation`; not
    adjusted), p_value_adjusted, significant, significant_adjusted, published (the registry's figure
    or 'not listed'), published_direction, published_significant (True for 'decrease, P < 0.05',
    False when only a direction was reported, NA when not listed), matches_published,
    matches_published_adjusted, below_limit (the estimates that values below the detection limit
    decide, with their bound; empty when none: `tacmg.analyses.censoring`), and for a molecule
    with values below its detection limit the range of each paired statistic over substitutions
    of those values in (0, limit) (`CENSORED_COLUMNS`: n_censored, n_censored_both, p_value_low /
    _high, p_value_permutation_low / _high, effect_size_low / _high, hl_change_low / _high,
    hl_ratio_low / _high, and censored_ranges in words; NaN and '' without censored values). Each
    row uses the patients of the subset with both visits of its molecule (n).
    """
    registry = registry or load_claims()
    if statuses is None:
        finding, subset_name = "molecule_change", "all patients"
    else:
        statuses = tuple(statuses)
        finding, subset_name = "improved_subset", "status " + " or ".join(statuses)
    published = claims_by_variables(registry, finding)
    status = status_by_patient(dataset)
    keep = status.index if statuses is None else status.index[status.isin(statuses)]
    rows = []
    for molecule in MOLECULE_COLUMNS:
        wide = dataset.paired(molecule).loc[keep].dropna()  # the patients with both visits
        before, after = wide["baseline"].to_numpy(float), wide["month_12"].to_numpy(float)
        diff = after - before
        n_nonzero = int(np.count_nonzero(diff))
        if n_nonzero >= 2:
            w, p, p_method = _signed_rank(before, after, method)
            p_permutation, exact = permutation.signed_rank_permutation(diff)
            conditional = (float(p_permutation[0]), permutation.PERMUTATION_WORDS[bool(exact[0])])
        else:
            w, p, p_method = np.nan, np.nan, "not computable (fewer than two non-zero changes)"
            conditional = (np.nan, p_method)
        if diff.size:
            shift = estimates.paired_shift(before, after, confidence)
            log_shift = estimates.paired_shift(np.log(before), np.log(after), confidence)
            median_change = float(np.median(diff))
        else:
            shift = log_shift = estimates.ShiftEstimate(np.nan, np.nan, np.nan, confidence)
            median_change = np.nan
        claim = published.get(frozenset([molecule]))
        if claim is None:
            pub_text, pub_direction = "not listed", None
            pub_significant: object = pd.NA
        else:
            pub_text, pub_direction = claim.published_text, claim.params["direction"]
            pub_significant = claim.quantity == "paired_change"
        rows.append(
            {
                "molecule": molecule,
                "label": label(molecule),
                "subset": subset_name,
                "n": int(diff.size),
                "median_baseline": float(np.median(before)) if diff.size else np.nan,
                "median_month_12": float(np.median(after)) if diff.size else np.nan,
                "median_change": median_change,
                "direction": direction_word(median_change),
                "hl_change": shift.estimate,
                "hl_change_ci_low": shift.low,
                "hl_change_ci_high": shift.high,
                "hl_ratio": float(np.exp(log_shift.estimate)),
                "hl_ratio_ci_low": float(np.exp(log_shift.low)),
                "hl_ratio_ci_high": float(np.exp(log_shift.high)),
                "statistic": w,
                "effect_size": estimates.paired_rank_biserial(before, after) if diff.size else np.nan,
                "p_value": p,
                "p_method": p_method,
                "p_value_permutation": conditional[0],
                "p_method_permutation": conditional[1],
                "published": pub_text,
                "published_direction": pub_direction,
                "published_significant": pub_significant,
                "below_limit": _below_limit(dataset, molecule, before, after) if diff.size else "",
                **_censored_ranges(dataset, molecule, before, after, method, confidence),
            }
        )
    table = pd.DataFrame(rows)
    add_significance(table, alpha, correction)
    for column, flag in (("matches_published", "significant"), ("matches_published_adjusted", "significant_adjusted")):
        matches: list[object] = []
        for direction, pub_direction, pub_significant, significant in zip(
            table["direction"], table["published_direction"], table["published_significant"], table[flag]
        ):
            if not isinstance(pub_direction, str):  # not listed (None, or NaN once in a frame)
                matches.append(pd.NA)
            elif pub_significant is not pd.NA and bool(pub_significant):
                matches.append(and_na(direction == pub_direction, significant))
            else:
                matches.append(direction == pub_direction)
        table[column] = pd.Series(matches, index=table.index, dtype=object)
    return table[
        [
            "molecule",
            "label",
            "subset",
            "n",
            "median_baseline",
            "median_month_12",
            "median_change",
            "direction",
            "hl_change",
            "hl_change_ci_low",
            "hl_change_ci_high",
            "hl_ratio",
            "hl_ratio_ci_low",
            "hl_ratio_ci_high",
            "statistic",
            "effect_size",
            "p_value",
            "p_method",
            "p_value_permutation",
            "p_method_permutation",
            "p_value_adjusted",
            "significant",
            "significant_adjusted",
            "published",
            "published_direction",
            "published_significant",
            "matches_published",
            "matches_published_adjusted",
            "below_limit",
            *CENSORED_COLUMNS,
        ]
    ]


# The paired statistics recomputed under substitutions of the censored values (`censoring`), with
# the words the table's note gives each.
_RANGED = {
    "p_value": "P",
    "p_value_permutation": "exact conditional P",
    "effect_size": "rank-biserial",
    "hl_change": "HL change",
    "hl_ratio": "HL ratio",
}
CENSORED_COLUMNS = (
    "n_censored",
    "n_censored_both",
    *(f"{name}_{end}" for name in _RANGED for end in ("low", "high")),
    "censored_ranges",
)


def _censored_ranges(
    dataset: Dataset, molecule: str, before: np.ndarray, after: np.ndarray, method: str, confidence: float
) -> dict[str, object]:
    """The paired statistics' ranges over substitutions of censored values (`censoring.paired_range`).

    n_censored (pairs with a value below the detection limit at either visit), n_censored_both (at
    both: X/2 makes their change zero, which the tests drop, while the true change lies anywhere in
    (-X, X)), <statistic>_low / _high for each of `_RANGED` (NaN without censored values), and
    censored_ranges, the ranges in words ('' without censored values).
    """

    def p_value(b: np.ndarray, a: np.ndarray) -> float:
        return _signed_rank(b, a, method)[1] if np.count_nonzero(a - b) >= 2 else np.nan

    def p_permutation(b: np.ndarray, a: np.ndarray) -> float:
        return float(permutation.signed_rank_permutation(a - b)[0][0]) if np.count_nonzero(a - b) >= 2 else np.nan

    measures = {
        "p_value": p_value,
        "p_value_permutation": p_permutation,
        "effect_size": estimates.paired_rank_biserial,
        "hl_change": lambda b, a: estimates.paired_shift(b, a, confidence).estimate,
        "hl_ratio": lambda b, a: float(np.exp(estimates.paired_shift(np.log(b), np.log(a), confidence).estimate)),
    }
    n_censored, n_both = censored_pairs = censoring.censored_pairs(dataset, molecule, before, after)
    row: dict[str, object] = {"n_censored": n_censored, "n_censored_both": n_both}
    texts = []
    for name, measure in measures.items():
        low, high = censoring.paired_range(dataset, molecule, before, after, measure) if n_censored else (np.nan,) * 2
        row[f"{name}_low"], row[f"{name}_high"] = low, high
        texts.append(censoring.range_text(_RANGED[name], low, high))
    if not n_censored:
        row["censored_ranges"] = ""
        return row
    pairs = f"{n_censored} of {before.size} pairs below the detection limit"
    if censored_pairs[1]:
        pairs += f" ({n_both} at both visits, whose change is unknown)"
    row["censored_ranges"] = f"{pairs}; over values in (0, limit): " + "; ".join(t for t in texts if t)
    return row


def _below_limit(dataset: Dataset, molecule: str, before: np.ndarray, after: np.ndarray) -> str:
    """The medians and change estimates of one molecule that censored values decide (see `censoring`)."""
    change = lambda later, earlier: float(np.median(later - earlier))  # noqa: E731
    ratio = lambda later, earlier: censoring.paired_hl_ratio(earlier, later)  # noqa: E731
    estimates = {
        "median at baseline": (np.median, before),
        "median at month 12": (np.median, after),
        "median change": (change, after, before),
        "HL ratio": (ratio, after, before),
    }
    return censoring.note(dataset, molecule, estimates)


def change_by_status(dataset: Dataset, molecules: Sequence[str] = MOLECULE_COLUMNS) -> pd.DataFrame:
    """Median change per molecule and post-intervention status group.

    Columns: molecule, label, status, n, median_log_ratio (natural log of month 12 / baseline),
    median_ratio (exp of it, no unit), pct_change (100 (median_ratio - 1), percent), share_fell
    (fraction of the group whose value fell). Status groups in MGFA order (MM, I, U, ...).
    """
    ratios = log_ratios(dataset, molecules)
    grouped = ratios.groupby(["molecule", "label", "status"], sort=False)
    table = grouped.agg(
        n=("log_ratio", "size"),
        median_log_ratio=("log_ratio", "median"),
        share_fell=("log_ratio", lambda v: float(np.mean(v < 0))),
    ).reset_index()
    table["median_ratio"] = np.exp(table["median_log_ratio"])
    table["pct_change"] = 100 * (table["median_ratio"] - 1)
    order = {code: i for i, code in enumerate(STATUS_ORDER)}
    table["_m"] = table["molecule"].map({m: i for i, m in enumerate(molecules)})
    table["_s"] = table["status"].map(order)
    table = table.sort_values(["_m", "_s"]).drop(columns=["_m", "_s"]).reset_index(drop=True)
    return table[["molecule", "label", "status", "n", "median_log_ratio", "median_ratio", "pct_change", "share_fell"]]


def status_difference_test(
    dataset: Dataset,
    molecules: Sequence[str] = MOLECULE_COLUMNS,
    *,
    alpha: float = 0.05,
    correction: str = "fdr_bh",
    min_group_size: int = 2,
) -> pd.DataFrame:
    """Kruskal-Wallis test per molecule: does the change (log ratio) differ between status groups?

    Only status groups with at least `min_group_size` patients take part. Columns: molecule, label,
    groups (e.g. 'MM, I, U'), group_sizes (e.g. '11, 16, 5'), h_statistic, p (NaN with fewer than
    two groups or all values equal), p_adjusted, significant, significant_adjusted,
    largest_fall_status and smallest_fall_status (groups with the lowest / highest median log ratio),
    n_censored (patients tested with a value below the detection limit at either visit) and
    p_value_low / p_value_high (the p's range over substitutions of those values in (0, limit),
    `tacmg.analyses.censoring.paired_range`; NaN without them).
    """
    ratios = log_ratios(dataset, molecules)
    status = status_by_patient(dataset)
    rows = []
    for molecule in molecules:
        part = ratios[ratios["molecule"] == molecule]
        groups = [
            (s, part.loc[part["status"] == s, "log_ratio"].to_numpy())
            for s in STATUS_ORDER
            if (part["status"] == s).sum() >= min_group_size
        ]
        h, p = _kruskal([g for _, g in groups])
        medians = {s: float(np.median(g)) for s, g in groups}
        # The same test under substitutions of values below the detection limit (`censoring`).
        wide = dataset.paired(molecule).dropna()
        in_groups = status.reindex(wide.index).isin([s for s, _ in groups]).to_numpy()
        wide, labels = wide[in_groups], status.reindex(wide.index)[in_groups].to_numpy()
        before, after = wide["baseline"].to_numpy(float), wide["month_12"].to_numpy(float)

        measure = _kruskal_on_log_ratios(labels, [s for s, _ in groups])
        low, high = censoring.paired_range(dataset, molecule, before, after, measure)
        rows.append(
            {
                "molecule": molecule,
                "label": label(molecule),
                "groups": ", ".join(s for s, _ in groups),
                "group_sizes": ", ".join(str(g.size) for _, g in groups),
                "statistic": h,
                "p_value": p,
                "largest_fall_status": min(medians, key=lambda s: medians[s]) if medians else None,
                "smallest_fall_status": max(medians, key=lambda s: medians[s]) if medians else None,
                "n_censored": censoring.censored_pairs(dataset, molecule, before, after)[0],
                "p_value_low": low,
                "p_value_high": high,
            }
        )
    table = pd.DataFrame(rows)
    add_significance(table, alpha, correction)
    return table[
        [
            "molecule",
            "label",
            "groups",
            "group_sizes",
            "statistic",
            "p_value",
            "p_value_adjusted",
            "significant",
            "significant_adjusted",
            "largest_fall_status",
            "smallest_fall_status",
            "n_censored",
            "p_value_low",
            "p_value_high",
        ]
    ]


def _kruskal_on_log_ratios(labels: np.ndarray, statuses: list[str]) -> Callable[[np.ndarray, np.ndarray], float]:
    """measure(before, after): the Kruskal-Wallis p of log(after / before) across `statuses`."""

    def measure(before: np.ndarray, after: np.ndarray) -> float:
        ratio = np.log(after / before)
        return _kruskal([ratio[labels == s] for s in statuses])[1]

    return measure


def _kruskal(groups: Sequence[np.ndarray]) -> tuple[float, float]:
    """(H, p) of the Kruskal-Wallis test; NaN with fewer than two groups or all values equal."""
    if len(groups) < 2 or np.ptp(np.concatenate(groups)) == 0:
        return np.nan, np.nan
    result = stats.kruskal(*groups)
    return float(result.statistic), float(result.pvalue)
