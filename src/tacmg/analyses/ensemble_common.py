"""What the batched chapter numbers share: the chapters' defaults and the few rules of every table.

`tacmg.analyses.ensemble_numbers` computes every chapter's numbers across a batch of cohorts; its
chapter modules (`ensemble_clinical`, `ensemble_molecules`, `ensemble_correlations`) build on these
helpers: a batch is refused when it has missing values, numbers become one float column per key,
a p-value is significant below alpha (never where it is missing), shares are rounded with
`tacmg.stats.rounding.percent` as the chapters round them, and a paired outcome is summarised
as `tacmg.analyses.scores.paired_change_summary` summarises it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tacmg.data.cohorts import Cohorts
from tacmg.stats import batched_estimates, rank_tests
from tacmg.stats.rounding import percent

# The chapters' default parameters (the defaults of `tacmg.presentation.chapter_numbers`' functions;
# a test holds them equal).
CONFIDENCE = 0.95
ALPHA = 0.05
CORRECTION = "fdr_bh"
CORRELATION_VISIT = "baseline"
BETWEEN_WITHIN_MOLECULE = "scd25"
BETWEEN_WITHIN_SCORES = ("qmg", "mmt")
# Short stems of the score columns in the keys ('scores_qmg_hl', 'scores_adl_p', ...), as the chapter.
SCORE_STEMS = {"qmg": "qmg", "mmt": "mmt", "mg_adl": "adl", "mg_qol15": "qol"}
# name to a (B,) array, or a constant the same in every cohort (broadcast by `number_frame`)
Columns = dict[str, Any]
# `tacmg.stats.rounding.percent` of every element: count / total in percent, rounded half up.
percents = np.vectorize(percent, otypes=[float])


def require_complete(cohorts: Cohorts) -> None:
    """Refuse a batch with missing values: the batched numbers assume rectangular, complete arrays."""
    if cohorts.has_missing:
        raise ValueError(
            "the batched chapter numbers need complete cohorts (generated ones are); this batch has "
            "missing values: use the chapter's own function (tacmg.presentation.chapter_numbers) on it"
        )


def number_frame(prefix: str, columns: Columns, size: int) -> pd.DataFrame:
    """The columns as floats under ``<prefix>_<name>``, a constant broadcast to every cohort."""
    return pd.DataFrame(
        {f"{prefix}_{name}": np.broadcast_to(np.asarray(value, float), (size,)) for name, value in columns.items()}
    )


def below(p: np.ndarray, alpha: float) -> np.ndarray:
    """p below `alpha`; False where p is NaN (the chapters' NA flag, counted as not significant)."""
    with np.errstate(invalid="ignore"):
        return p < alpha


def paired_summary(before: np.ndarray, after: np.ndarray, confidence: float, min_nonzero: int) -> Columns:
    """`tacmg.analyses.scores.paired_change_summary`'s numbers for every row, as (B,) arrays.

    p is NaN in a row with fewer than `min_nonzero` non-zero changes (the score chapter asks for
    one, the molecule chapter for two).
    """
    change = after - before
    n_nonzero = (change != 0).sum(axis=1)
    shift = batched_estimates.paired_shift_batch(before, after, confidence)
    p = np.full(before.shape[0], np.nan)
    if before.shape[1] >= 2:
        p = rank_tests.signed_rank(before, after).p_primary
    return {
        "n": np.full(before.shape[0], before.shape[1]),
        "median_baseline": np.median(before, axis=1),
        "median_month_12": np.median(after, axis=1),
        "median_change": np.median(change, axis=1),
        "hl_change": shift.estimate,
        "hl_change_ci_low": shift.low,
        "hl_change_ci_high": shift.high,
        "n_nonzero": n_nonzero,
        "p_value": np.where(n_nonzero >= min_nonzero, p, np.nan),
        "effect_size": batched_estimates.paired_rank_biserial_batch(before, after),
    }
