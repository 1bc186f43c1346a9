"""The four clinical scores from baseline to month 12 (chapter 2), and the paired-change summary the
prednisone chapter shares.

Paired changes are month 12 minus baseline, so a fall (an improvement on all four scores and for
the prednisone dose) is negative. The Wilcoxon signed-rank test is two-sided with zero differences
dropped (Wilcoxon's rule, as in the claims evaluation); its p follows the package's one exactness
rule (`tacmg.stats.rank_tests.signed_rank_exact`); `p_method` names which p it is. Beside it
stands the exact conditional (permutation) p given the tied ranks
(`permutation.signed_rank_permutation`), which the normal approximation only approximates. The
Hodges-Lehmann change follows the same zero convention: the median of the Walsh averages of the
non-zero changes, with the interval cut at the no-ties signed-rank critical value
(`tacmg.stats.estimates.paired_shift`); `hl_conventions` sets it beside the textbook estimator over
all n changes and the interval inverted from the exact conditional test. The matched-pairs
rank-biserial correlation (Kerby 2014) also comes from `tacmg.stats.estimates`. Quartiles use
numpy's default (Hyndman and Fan type 7).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from tacmg.data import contract
from tacmg.data.loader import Dataset
from tacmg.stats import estimates, permutation, rank_tests

# Minimal clinically important improvement, in points (a fall of at least this much, month 12
# minus baseline <= -threshold). None: no threshold is established, and only the share improving
# at all is reported.
MCID_POINTS: dict[str, float | None] = {
    # Katzberg HD, Barnett C, Merkies ISJ, Bril V. Muscle Nerve 2014;49:661-665
    # (doi 10.1002/mus.23988): every anchor- and distribution-based MCID cut-off of the QMG fell
    # below a 3-point change; 2 points are often used in mild disease. Refractory patients are not
    # mild, so the conservative 3 points is used.
    "qmg": 3,
    # MG-MMT (Sanders DB et al. Ann N Y Acad Sci 2003;998:440-444): no MCID has been established,
    # and scaling another score's MCID to its 0-120 range (10 points) would be meaningless where
    # most totals lie near the floor. Only the share improving at all is reported.
    "mmt": None,
    # Muppidi S, Wolfe GI, Conaway M, Burns TM. Muscle Nerve 2011;44:727-731
    # (doi 10.1002/mus.22140): a 2-point fall best predicted clinical improvement.
    "mg_adl": 2,
    # MG-QOL15, original 0-60 version (Burns 2008): no anchor-based MCID is established. 5 points
    # is a working threshold: the MG-ADL's 2 of 24 points in proportion to the 60-point range
    # (2/24 = 5/60). Not a validated value; the chapter shows the share improving at all beside it.
    "mg_qol15": 5,
}


# Katzberg et al. 2014: the QMG threshold often used in mild disease (not the default here).
QMG_MCID_MILD = 2


MCID_BASIS = {
    "qmg": "Katzberg et al. 2014: all MCID cut-offs below 3 points (2 in mild disease)",
    "mmt": "none established for the MG-MMT (Sanders et al. 2003); any improvement reported instead",
    "mg_adl": "Muppidi et al. 2011: a 2-point fall best predicted clinical improvement",
    "mg_qol15": (
        "none established for the 0-60 MG-QOL15; working threshold = MG-ADL MCID scaled to the range (2/24 = 5/60)"
    ),
}


def _is_default(column: str, thresholds: dict) -> bool:
    """Whether the threshold in use for `column` is the cited default of MCID_POINTS."""
    return thresholds.get(column) == MCID_POINTS.get(column)


def signed_rank_test(before: ArrayLike, after: ArrayLike) -> dict[str, float | int | str]:
    """Two-sided Wilcoxon signed-rank test of after - before, with the package's one exactness rule.

    Returns {'n_nonzero', 'statistic' (scipy's W: the smaller of R+ and R-), 'p_value',
    'p_method'}; p is NaN when every difference is zero. The p is exact when no difference is zero,
    no two tie and n <= `rank_tests.EXACT_MAX_N`, otherwise the normal approximation with the tie
    correction (`rank_tests.signed_rank_exact`); the claims evaluation reports the same p.

    Examples
    --------
    >>> result = signed_rank_test([10, 12, 9, 14, 11], [8, 9, 9, 10, 6])
    >>> result["n_nonzero"], result["p_method"], round(result["p_value"], 3)
    (4, 'normal approximation, tie-corrected', 0.068)
    """
    before, after = np.asarray(before, float), np.asarray(after, float)
    d = after - before
    nonzero = int(np.count_nonzero(d))
    if nonzero == 0:
        return {
            "n_nonzero": 0,
            "statistic": float("nan"),
            "p_value": float("nan"),
            "p_method": "not computable (no non-zero change)",
        }
    result = rank_tests.signed_rank(before[None], after[None])
    return {
        "n_nonzero": nonzero,
        "statistic": float(result.statistic[0]),
        "p_value": float(result.p_primary[0]),
        "p_method": rank_tests.P_METHOD_WORDS[result.p_method[0]],
    }


def paired_change_summary(before: ArrayLike, after: ArrayLike, confidence: float) -> dict[str, float | int | str]:
    """Medians, Hodges-Lehmann change, signed-rank test and effect size of one paired outcome.

    Keys (in the outcome's unit; changes are after - before): n, median_baseline, median_month_12,
    median_change, hl_change, hl_change_ci_low, hl_change_ci_high, confidence, then the keys of
    `signed_rank_test` (n_nonzero, statistic, p_value, p_method) and effect_size (matched-pairs
    rank-biserial correlation, -1 when every non-zero change is a fall).
    """
    before, after = np.asarray(before, float), np.asarray(after, float)
    change = after - before
    shift = estimates.paired_shift(before, after, confidence)
    return {
        "n": int(change.size),
        "median_baseline": float(np.median(before)),
        "median_month_12": float(np.median(after)),
        "median_change": float(np.median(change)),
        "hl_change": shift.estimate,
        "hl_change_ci_low": shift.low,
        "hl_change_ci_high": shift.high,
        "confidence": float(confidence),
        **signed_rank_test(before, after),
        "effect_size": estimates.paired_rank_biserial(before, after),
    }


def score_changes(
    dataset: Dataset, confidence: float = 0.95, mcid: dict[str, float | None] | None = None
) -> pd.DataFrame:
    """Change of each clinical score from baseline to month 12: one row per score (QMG, MMT,
    MG-ADL, MG-QOL15, in the contract's order).

    Each row uses the patients with both visits of its score (n: complete pairs).
    Columns (scores in points; changes are month 12 minus baseline, negative = better):
    score (column name), label, n, median_baseline, median_month_12, median_change (median of the
    paired changes), hl_change / hl_change_ci_low / hl_change_ci_high (Hodges-Lehmann change, zero
    changes dropped, and its `confidence` interval at the no-ties critical value), confidence,
    n_nonzero, statistic (scipy's Wilcoxon W), p_value, p_method, p_value_permutation /
    p_method_permutation (the exact conditional p given the tied ranks), effect_size (-1 when
    every non-zero change is a fall), mcid_points (None -> NaN: no threshold), mcid_basis,
    n_mcid / share_mcid (patients whose score fell by at least mcid_points; NaN without a
    threshold), n_improved / share_improved (fell by at least 1 point), n_unchanged, n_worse
    (rose). Shares are fractions of n (0-1).

    `mcid` overrides entries of `MCID_POINTS`, e.g. {'mg_qol15': None}.
    """
    thresholds = {**MCID_POINTS, **(mcid or {})}
    rows = []
    for column, (label, *_rest) in contract.SCORES.items():
        paired = dataset.paired(column).dropna()  # the patients with both visits of this score
        change = (paired["month_12"] - paired["baseline"]).to_numpy(float)
        n = change.size
        threshold = thresholds.get(column)
        row = {
            "score": column,
            "label": label,
            **paired_change_summary(paired["baseline"], paired["month_12"], confidence),
        }
        p_permutation, exact = permutation.signed_rank_permutation(change)
        row["p_value_permutation"] = float(p_permutation[0])
        row["p_method_permutation"] = permutation.PERMUTATION_WORDS[bool(exact[0])]
        reached = int((change <= -threshold).sum()) if threshold is not None else float("nan")
        row.update(
            {
                "mcid_points": float(threshold) if threshold is not None else float("nan"),
                "mcid_basis": MCID_BASIS.get(column, "") if _is_default(column, thresholds) else "set by the reader",
                "n_mcid": reached,
                "share_mcid": reached / n if threshold is not None else float("nan"),
                "n_improved": int((change < 0).sum()),
                "share_improved": float((change < 0).mean()),
                "n_unchanged": int((change == 0).sum()),
                "n_worse": int((change > 0).sum()),
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


def hl_conventions(dataset: Dataset, confidence: float = 0.95) -> pd.DataFrame:
    """The Hodges-Lehmann change of each clinical score under both zero conventions, and two intervals.

    One row per score, in the contract's order. Columns (points; month 12 minus baseline): score,
    label, n, n_nonzero, hl_change / hl_change_ci_low / hl_change_ci_high (zero changes dropped,
    Wilcoxon's convention, as `score_changes` reports), hl_change_all_n / hl_change_all_n_ci_low /
    hl_change_all_n_ci_high (the textbook estimator: Walsh averages of all n changes, critical
    value for n), hl_change_conditional_ci_low / hl_change_conditional_ci_high (the interval of
    hl_change inverted from the exact conditional signed-rank test, exact with ties and zeros; see
    `tacmg.stats.estimates.paired_shift`), confidence, ties_or_zeros (True where a change is zero or
    two non-zero changes tie in size: the critical-value interval is then not exact).

    Examples
    --------
    >>> from tacmg import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> table = hl_conventions(load(RECONSTRUCTED_DIR))
    >>> table["label"].tolist(), bool((table["hl_change"] <= table["hl_change_ci_high"]).all())
    (['QMG', 'MMT', 'MG-ADL', 'MG-QOL15'], True)
    """
    rows = []
    for column, (label, *_rest) in contract.SCORES.items():
        paired = dataset.paired(column).dropna()  # the patients with both visits of this score
        before, after = paired["baseline"].to_numpy(float), paired["month_12"].to_numpy(float)
        dropped = estimates.paired_shift(before, after, confidence)
        textbook = estimates.paired_shift(before, after, confidence, zeros="keep")
        conditional = estimates.paired_shift(before, after, confidence, interval="conditional")
        change = after - before
        sizes = np.abs(change[change != 0])
        rows.append(
            {
                "score": column,
                "label": label,
                "n": int(before.size),
                "n_nonzero": int(sizes.size),
                "hl_change": dropped.estimate,
                "hl_change_ci_low": dropped.low,
                "hl_change_ci_high": dropped.high,
                "hl_change_all_n": textbook.estimate,
                "hl_change_all_n_ci_low": textbook.low,
                "hl_change_all_n_ci_high": textbook.high,
                "hl_change_conditional_ci_low": conditional.low,
                "hl_change_conditional_ci_high": conditional.high,
                "confidence": float(confidence),
                "ties_or_zeros": bool(sizes.size < change.size or np.unique(sizes).size < sizes.size),
            }
        )
    return pd.DataFrame(rows)


def mcid_table(mcid: dict[str, float | None] | None = None) -> pd.DataFrame:
    """The thresholds in use: score, label, mcid_points (NaN = none), basis (with its citation)."""
    thresholds = {**MCID_POINTS, **(mcid or {})}
    return pd.DataFrame(
        [
            {
                "score": c,
                "label": contract.SCORES[c][0],
                "mcid_points": float(threshold) if (threshold := thresholds.get(c)) is not None else float("nan"),
                "basis": MCID_BASIS[c] if _is_default(c, thresholds) else "set by the reader",
            }
            for c in contract.SCORES
        ]
    )


def paired_with_status(dataset: Dataset, column: str) -> pd.DataFrame:
    """`column` at baseline and month 12 with each patient's post-intervention status, for charts:
    columns baseline, month_12, post_intervention_status; one row per patient with both visits of
    `column`, without codes."""
    paired = dataset.paired(column).dropna()
    status = dataset.patients.set_index("patient_id")["post_intervention_status"]
    return paired.assign(post_intervention_status=status.reindex(paired.index)).reset_index(drop=True)
