"""Chapter 07 across a batch of cohorts: the correlation family and sCD25 between and within patients.

Gives what `tacmg.presentation.chapter_numbers.correlation_numbers` gives as numbers, at the
chapter's defaults, one row per cohort (`tacmg.analyses.ensemble_numbers`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tacmg.analyses.ensemble_common import (
    ALPHA,
    BETWEEN_WITHIN_MOLECULE,
    BETWEEN_WITHIN_SCORES,
    CORRELATION_VISIT,
    Columns,
    below,
    number_frame,
    require_complete,
)
from tacmg.analyses.selection import MOLECULE_COLUMNS, SCORE_COLUMNS, claims_by_variables
from tacmg.claims.registry import load_claims
from tacmg.data.cohorts import Cohorts
from tacmg.stats import batched_tests
from tacmg.stats.multiplicity import benjamini_hochberg


def correlation_numbers(cohorts: Cohorts) -> pd.DataFrame:
    """Chapter 07 across the batch: `chapter_numbers.correlation_numbers`' numbers.

    Parameters
    ----------
    cohorts : tacmg.data.cohorts.Cohorts
        B complete cohorts.

    Returns
    -------
    pandas.DataFrame
        One row per cohort. ``corr_``: n_tests, expected_by_chance, n_significant,
        n_significant_adjusted (Benjamini-Hochberg over the whole family), n_published,
        n_published_matches, n_published_matches_adjusted, n_unpublished_significant, n,
        n_score_tests, n_molecule_tests; ``corr_bw_`` (sCD25 with the QMG): n, rho_baseline,
        p_value_baseline, rho_month_12, p_value_month_12, rho_change, p_value_change,
        molecule_median_ratio, score_median_change (points), share_both_fell, share_molecule_fell,
        share_score_fell (0-1); ``corr_row_<x>_<y>_rho`` for every pair of the family.

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> correlation_numbers(Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR)))["corr_n_tests"].tolist()
    [60.0]
    """
    require_complete(cohorts)
    alpha, visit = ALPHA, CORRELATION_VISIT
    published = claims_by_variables(load_claims(), "correlations")
    pairs = [("score-molecule", s, m) for s in SCORE_COLUMNS for m in MOLECULE_COLUMNS]
    pairs += [("molecule-molecule", a, b) for i, a in enumerate(MOLECULE_COLUMNS) for b in MOLECULE_COLUMNS[i + 1 :]]
    results = [batched_tests.spearman_t(cohorts.values(x, visit), cohorts.values(y, visit)) for _, x, y in pairs]
    rho = np.column_stack([r for r, _ in results])
    p = np.column_stack([q for _, q in results])
    significant = below(p, alpha)
    significant_adjusted = below(benjamini_hochberg(p), alpha)
    signs = np.where(rho > 0, "positive", np.where(rho < 0, "negative", "zero"))
    is_published = np.zeros(len(pairs), bool)
    matches = np.zeros(p.shape, bool)
    matches_adjusted = np.zeros(p.shape, bool)
    for j, (_, x, y) in enumerate(pairs):
        claim = published.get(frozenset([x, y]))
        if claim is None:
            continue
        is_published[j] = True
        same_sign = signs[:, j] == claim.params["sign"]
        matches[:, j] = same_sign & significant[:, j]
        matches_adjusted[:, j] = same_sign & significant_adjusted[:, j]
    n_tests = np.isfinite(p).sum(axis=1)
    columns: Columns = {
        "n_tests": n_tests,
        "expected_by_chance": n_tests * alpha,
        "n_significant": significant.sum(axis=1),
        "n_significant_adjusted": significant_adjusted.sum(axis=1),
        "n_published": int(is_published.sum()),
        "n_published_matches": matches.sum(axis=1),
        "n_published_matches_adjusted": matches_adjusted.sum(axis=1),
        "n_unpublished_significant": (significant & ~is_published).sum(axis=1),
        "n": cohorts.n_patients,
        "n_score_tests": sum(block == "score-molecule" for block, _, _ in pairs),
        "n_molecule_tests": sum(block == "molecule-molecule" for block, _, _ in pairs),
    }
    rows = {f"{x}_{y}_rho": rho[:, j] for j, (_, x, y) in enumerate(pairs)}
    between_within = _between_and_within(cohorts, BETWEEN_WITHIN_MOLECULE, BETWEEN_WITHIN_SCORES[0])
    size = cohorts.size
    return pd.concat(
        [
            number_frame("corr", columns, size),
            number_frame("corr_bw", between_within, size),
            number_frame("corr_row", rows, size),
        ],
        axis=1,
    )


def _between_and_within(cohorts: Cohorts, molecule: str, score: str) -> Columns:
    """`tacmg.analyses.correlations.between_and_within`'s numbers for one score (the chapter's first)."""
    molecule_before, molecule_after = cohorts.values(molecule, "baseline"), cohorts.values(molecule, "month_12")
    score_before, score_after = cohorts.values(score, "baseline"), cohorts.values(score, "month_12")
    log_ratio = np.log(molecule_after / molecule_before)
    score_change = score_after - score_before
    rho_baseline, p_baseline = batched_tests.spearman_t(molecule_before, score_before)
    rho_month_12, p_month_12 = batched_tests.spearman_t(molecule_after, score_after)
    rho_change, p_change = batched_tests.spearman_t(log_ratio, score_change)
    return {
        "n": cohorts.n_patients,
        "rho_baseline": rho_baseline,
        "p_value_baseline": p_baseline,
        "rho_month_12": rho_month_12,
        "p_value_month_12": p_month_12,
        "rho_change": rho_change,
        "p_value_change": p_change,
        # generated cohorts have no value below a detection limit: no censored pair, hence no range
        "n_censored": np.zeros(cohorts.size),
        "molecule_median_ratio": np.exp(np.median(log_ratio, axis=1)),
        "score_median_change": np.median(score_change, axis=1),
        "share_both_fell": np.mean((log_ratio < 0) & (score_change < 0), axis=1),
        "share_molecule_fell": np.mean(log_ratio < 0, axis=1),
        "share_score_fell": np.mean(score_change < 0, axis=1),
    }
