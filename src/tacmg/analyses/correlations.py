"""Spearman correlations among the molecules and the clinical scores (chapter 7), and the
between-patient against within-patient reading of one molecule's association with the scores.

Each correlation carries a Fisher-z interval with the Bonett-Wright standard error
(`tacmg.stats.estimates.spearman_interval`), and `correlation_thresholds` gives, at a cohort's size,
the smallest absolute rho that reaches significance (`tacmg.stats.rank_tests.smallest_significant_rho`)
and the absolute rho detected with 80% power (`detectable_rho`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from types import SimpleNamespace

import numpy as np
import pandas as pd
from scipy import optimize, stats

from tacmg.analyses import censoring
from tacmg.analyses.selection import (
    MOLECULE_COLUMNS,
    SCORE_COLUMNS,
    add_significance,
    and_na,
    claims_by_variables,
    label,
    status_by_patient,
    visit_rows,
)
from tacmg.claims.evaluate import IMPROVED_STATUSES
from tacmg.claims.registry import Registry, load_claims
from tacmg.data.loader import Dataset
from tacmg.stats.estimates import spearman_interval, spearman_z_se
from tacmg.stats.rank_tests import smallest_significant_rho


def _spearman(x, y):
    """scipy's Spearman test on the pairwise complete values; a constant variable, or fewer than
    three pairs, gives rho = p = NaN (reported as not computable). Returns (result, n)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    keep = ~(np.isnan(x) | np.isnan(y))
    if keep.sum() < 3:
        return SimpleNamespace(statistic=np.nan, pvalue=np.nan), int(keep.sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.ConstantInputWarning)
        return stats.spearmanr(x[keep], y[keep]), int(keep.sum())


def correlation_table(
    dataset: Dataset,
    *,
    visit: str = "baseline",
    alpha: float = 0.05,
    correction: str = "fdr_bh",
    confidence: float = 0.95,
    registry: Registry | None = None,
) -> pd.DataFrame:
    """Spearman correlations among patients at one visit, long form, one row per test.

    Two blocks: 'score-molecule' (each of the 4 clinical scores with each of the 8 molecules) and
    'molecule-molecule' (each unordered pair of distinct molecules). The adjustment runs over
    every row of the table: the family is everything the chapter looks at.

    Columns: block, var_x, var_y, label_x, label_y, n, rho, rho_ci_low / rho_ci_high (Fisher z
    with the Bonett-Wright standard error, at `confidence`), confidence, p_value (scipy
    `spearmanr`, t approximation), p_value_adjusted, significant, significant_adjusted,
    published_sign ('positive' / 'negative', missing if none; registry correlations are read at
    baseline, decision 'correlation-visit'), matches_published and matches_published_adjusted
    (sign as published and significant; NA where none published).
    """
    registry = registry or load_claims()
    published = claims_by_variables(registry, "correlations")
    rows_frame = visit_rows(dataset, visit)
    pairs = [("score-molecule", s, m) for s in SCORE_COLUMNS for m in MOLECULE_COLUMNS]
    pairs += [("molecule-molecule", a, b) for i, a in enumerate(MOLECULE_COLUMNS) for b in MOLECULE_COLUMNS[i + 1 :]]
    rows = []
    for block, x, y in pairs:
        result, n = _spearman(rows_frame[x].to_numpy(float), rows_frame[y].to_numpy(float))
        claim = published.get(frozenset([x, y]))
        rows.append(
            {
                "block": block,
                "var_x": x,
                "var_y": y,
                "label_x": label(x),
                "label_y": label(y),
                "n": n,
                "rho": float(result.statistic),
                "p_value": float(result.pvalue),
                "published_sign": claim.params["sign"] if claim else None,
            }
        )
    table = pd.DataFrame(rows)
    # Fewer than 4 pairs: the Fisher-z interval is not defined, so it is left missing (shown as words)
    nan = (np.array([np.nan]), np.array([np.nan]))
    intervals = [
        spearman_interval(np.array([rho]), n, confidence) if n >= 4 else nan for rho, n in zip(table["rho"], table["n"])
    ]
    table["rho_ci_low"] = [float(low[0]) for low, _ in intervals]
    table["rho_ci_high"] = [float(high[0]) for _, high in intervals]
    table["confidence"] = float(confidence)
    add_significance(table, alpha, correction)
    sign = np.where(table["rho"] > 0, "positive", np.where(table["rho"] < 0, "negative", "zero"))
    for column, flag in (("matches_published", "significant"), ("matches_published_adjusted", "significant_adjusted")):
        table[column] = pd.Series(
            [
                pd.NA if not isinstance(pub, str) else and_na(s == pub, sig)
                for s, pub, sig in zip(sign, table["published_sign"], table[flag])
            ],
            index=table.index,
            dtype=object,
        )
    return table[
        [
            "block",
            "var_x",
            "var_y",
            "label_x",
            "label_y",
            "n",
            "rho",
            "rho_ci_low",
            "rho_ci_high",
            "confidence",
            "p_value",
            "p_value_adjusted",
            "significant",
            "significant_adjusted",
            "published_sign",
            "matches_published",
            "matches_published_adjusted",
        ]
    ]


def detectable_rho(n: int, alpha: float = 0.05, power: float = 0.8) -> float:
    """The absolute Spearman rho a two-sided test at `alpha` detects with probability `power` in `n` pairs.

    Fisher's z with Bonett and Wright's variance for Spearman's rho, (1 + rho^2 / 2) / (n - 3),
    the standard error of the chapter's intervals (`tacmg.stats.estimates.spearman_interval`):
    the rho whose atanh(rho) / se(rho) equals z(1 - alpha / 2) + z(power), solved with scipy's
    ``brentq``. The plain Fisher variance 1 / (n - 3) is too small for Spearman's rho and gives a
    smaller value (0.478 instead of 0.502 at n = 32). Both are approximations: in simulated
    bivariate normal samples of 32, tested as `correlation_table` tests them, 0.502 is detected
    about 84% of the time and 0.478 about 79%, so the value given errs towards asking more of a
    study, not less.

    Parameters
    ----------
    n : int
        Pairs (at least 5).
    alpha, power : float
        Two-sided significance level and the wanted power (0-1).

    Returns
    -------
    float
        Between 0 and 1.

    References
    ----------
    Bonett DG, Wright TA. Sample size requirements for estimating Pearson, Kendall and Spearman
    correlations. Psychometrika 2000;65:23-28.

    Examples
    --------
    >>> round(detectable_rho(32), 3), round(detectable_rho(16), 3), round(detectable_rho(32, power=0.5), 3)
    (0.502, 0.7, 0.359)
    """
    if n < 5:
        raise ValueError("a power calculation for a correlation needs at least 5 pairs")
    target = stats.norm.isf(alpha / 2) + stats.norm.ppf(power)

    def excess(rho: float) -> float:
        return float(np.arctanh(rho) / spearman_z_se(rho, n) - target)

    return float(optimize.brentq(excess, 0.0, 1 - 1e-12))


def correlation_thresholds(
    dataset: Dataset, alpha: float = 0.05, statuses: Sequence[str] = IMPROVED_STATUSES, power: float = 0.8
) -> pd.DataFrame:
    """Two thresholds of the absolute Spearman rho, in all patients and in a subset.

    Columns: group ('all patients', 'status I'), n (patients), significant_rho (the smallest
    absolute rho that reaches two-sided p < `alpha`, from the t approximation `correlation_table`
    reports: `tacmg.stats.rank_tests.smallest_significant_rho`), detectable_rho (the absolute rho
    detected with probability `power`: `detectable_rho`), alpha, power. A correlation just above
    the first reaches significance in only about half of samples; the second is what a study of
    this size could expect to find. The subset is the patients whose post-intervention status is
    in `statuses` (by default the registry's improved subset, decision 'improved-subset'); NaN
    where a group is too small (fewer than 3 patients, or 5 for the power).

    Examples
    --------
    >>> from tacmg import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> table = correlation_thresholds(load(RECONSTRUCTED_DIR))
    >>> table["group"].tolist(), table["n"].tolist()
    (['all patients', 'status I'], [32, 16])
    >>> table["significant_rho"].round(3).tolist(), table["detectable_rho"].round(3).tolist()
    ([0.349, 0.497], [0.502, 0.7])
    """
    status = status_by_patient(dataset)
    groups = {"all patients": len(status), "status " + " or ".join(statuses): int(status.isin(statuses).sum())}
    return pd.DataFrame(
        [
            {
                "group": group,
                "n": n,
                "significant_rho": smallest_significant_rho(n, alpha) if n >= 3 else float("nan"),
                "detectable_rho": detectable_rho(n, alpha, power) if n >= 5 else float("nan"),
                "alpha": float(alpha),
                "power": float(power),
            }
            for group, n in groups.items()
        ]
    )


def published_pairs(table: pd.DataFrame) -> list[tuple[str, str]]:
    """The pairs of a `correlation_table` that carry a published sign, as (x, y) for a scatter:
    a molecule on x and the clinical score on y; molecule pairs in the table's order."""
    rows = table[table["published_sign"].notna()]
    return [(y, x) if x in SCORE_COLUMNS else (x, y) for x, y in zip(rows["var_x"], rows["var_y"])]


def _change_correlation(score_change: np.ndarray, which: int) -> Callable[[np.ndarray, np.ndarray], float]:
    """measure(before, after) of the molecule: Spearman rho (`which` 0) or p (1) of its log ratio
    with `score_change`, for `tacmg.analyses.censoring.paired_range`."""

    def measure(before: np.ndarray, after: np.ndarray) -> float:
        result = _spearman(np.log(after / before), score_change)[0]
        return float((result.statistic, result.pvalue)[which])

    return measure


def between_and_within(
    dataset: Dataset, molecule: str = "scd25", scores: Sequence[str] = ("qmg", "mmt")
) -> pd.DataFrame:
    """Cross-sectional (between-patient) against longitudinal (within-patient) association of one
    molecule with clinical scores, one row per score.

    Columns: molecule, score, label_molecule, label_score, n, rho_baseline / p_baseline and
    rho_month_12 / p_month_12 (Spearman across patients at one visit), rho_change / p_change
    (Spearman of each patient's log ratio of the molecule, month 12 / baseline, with the patient's
    change in score, points), n_censored (patients with a molecule value below the detection limit
    at either visit), rho_change_low / _high and p_value_change_low / _high (their ranges over
    substitutions of those values in (0, limit), `tacmg.analyses.censoring.paired_range`; NaN
    without them), molecule_median_ratio (median month 12 / baseline, no unit),
    score_median_change (median change, points), share_both_fell (fraction of patients in whom the
    molecule and the score both fell), share_molecule_fell, share_score_fell.
    """
    status_index = status_by_patient(dataset).index
    rows = []
    for score in scores:
        # The patients with both visits of the molecule and of the score (complete cases).
        wide_molecule = dataset.paired(molecule).loc[status_index]
        wide_score = dataset.paired(score).loc[status_index]
        keep = (wide_molecule.notna().all(axis=1) & wide_score.notna().all(axis=1)).to_numpy()
        wide_molecule, wide_score = wide_molecule[keep], wide_score[keep]
        log_ratio = np.log((wide_molecule["month_12"] / wide_molecule["baseline"]).to_numpy(float))
        score_change = (wide_score["month_12"] - wide_score["baseline"]).to_numpy(float)
        at = {
            visit: _spearman(wide_molecule[visit].to_numpy(float), wide_score[visit].to_numpy(float))[0]
            for visit in ("baseline", "month_12")
        }
        change = _spearman(log_ratio, score_change)[0]
        # The changes' correlation under substitutions of values below the detection limit.
        before, after = wide_molecule["baseline"].to_numpy(float), wide_molecule["month_12"].to_numpy(float)
        ranges = {
            name: censoring.paired_range(dataset, molecule, before, after, _change_correlation(score_change, i))
            for i, name in enumerate(("rho_change", "p_value_change"))
        }
        rows.append(
            {
                "molecule": molecule,
                "score": score,
                "label_molecule": label(molecule),
                "label_score": label(score),
                "n": int(keep.sum()),
                "rho_baseline": float(at["baseline"].statistic),
                "p_value_baseline": float(at["baseline"].pvalue),
                "rho_month_12": float(at["month_12"].statistic),
                "p_value_month_12": float(at["month_12"].pvalue),
                "rho_change": float(change.statistic),
                "p_value_change": float(change.pvalue),
                "n_censored": censoring.censored_pairs(dataset, molecule, before, after)[0],
                "rho_change_low": ranges["rho_change"][0],
                "rho_change_high": ranges["rho_change"][1],
                "p_value_change_low": ranges["p_value_change"][0],
                "p_value_change_high": ranges["p_value_change"][1],
                "molecule_median_ratio": float(np.exp(np.median(log_ratio))),
                "score_median_change": float(np.median(score_change)),
                "share_both_fell": float(np.mean((log_ratio < 0) & (score_change < 0))),
                "share_molecule_fell": float(np.mean(log_ratio < 0)),
                "share_score_fell": float(np.mean(score_change < 0)),
            }
        )
    return pd.DataFrame(rows)
