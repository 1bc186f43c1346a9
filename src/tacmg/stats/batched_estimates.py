"""Batched forms of the estimates of `tacmg.stats.estimates`: one row per cohort, (B, n) arrays.

The same Hodges-Lehmann shifts and ratios (critical-value intervals) and rank-biserial correlations
as `tacmg.stats.estimates` gives one cohort at a time, equal to them row by row (tested), so that an
ensemble's numbers need no loop over cohorts. Rows that keep different numbers of values (zero
changes dropped) are handled by masking: the values a row leaves out sort behind the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from tacmg.stats.estimates import ZERO_CONVENTIONS, signed_rank_critical
from tacmg.stats.rows import sorted_median


@dataclass(frozen=True)
class ShiftEstimates:
    """Location shifts (or ratios) of B cohorts with their confidence intervals: (B,) arrays.

    Parameters
    ----------
    estimate, low, high : numpy.ndarray
        Point estimates and interval limits, in the data's units, as `estimates.ShiftEstimate` gives them one
        cohort at a time.
    confidence : float
        Nominal two-sided coverage of the intervals (0-1).

    Examples
    --------
    >>> ShiftEstimates(np.array([-3.0]), np.array([-5.0]), np.array([1.0]), 0.95).high.tolist()
    [1.0]
    """

    estimate: np.ndarray
    low: np.ndarray
    high: np.ndarray
    confidence: float


def paired_shift_batch(
    before: ArrayLike, after: ArrayLike, confidence: float = 0.95, zeros: str = "drop"
) -> ShiftEstimates:
    """`estimates.paired_shift` (critical-value interval) of every row of a batch: Hodges-Lehmann change after - before.

    Parameters
    ----------
    before, after : array_like
        (B, n) paired measurements, one cohort per row, patients in the same order in both.
    confidence : float
        Two-sided coverage of the intervals (0-1).
    zeros : {"drop", "keep"}
        As in `estimates.paired_shift`: zero differences dropped before the Walsh averages are formed
        (Wilcoxon's convention, the package's) or kept (the textbook estimator).

    Returns
    -------
    ShiftEstimates
        Per row, the median of the Walsh averages of the (non-zero) differences and the Walsh
        averages cut at the signed-rank critical value of their count; all zeros in a row whose
        differences are all 0, as `estimates.paired_shift`. Equal to `estimates.paired_shift` row by row: the Walsh
        averages of the differences a row drops are masked, not removed, so that every row keeps the
        same width.

    Examples
    --------
    >>> before = [[12, 15, 9, 20, 14, 11], [1, 1, 1, 1, 1, 1]]
    >>> after = [[8, 13, 9, 15, 10, 12], [1, 1, 1, 1, 1, 1]]
    >>> shifts = paired_shift_batch(before, after)
    >>> shifts.estimate.tolist(), shifts.low.tolist(), shifts.high.tolist()
    ([-3.0, 0.0], [-5.0, 0.0], [1.0, 0.0])
    >>> paired_shift_batch(before, after, zeros="keep").estimate.tolist()
    [-2.0, 0.0]
    """
    if zeros not in ZERO_CONVENTIONS:
        raise ValueError(f"zeros must be one of {list(ZERO_CONVENTIONS)}")
    d = np.atleast_2d(np.asarray(after, float) - np.asarray(before, float))
    kept = d != 0 if zeros == "drop" else np.ones(d.shape, bool)
    used = kept.sum(axis=1)
    i, j = np.triu_indices(d.shape[1])
    # a masked Walsh average sorts last (+inf), behind the used[b] (used[b] + 1) / 2 real ones
    walsh = np.where(kept[:, i] & kept[:, j], (d[:, i] + d[:, j]) / 2, np.inf)
    walsh.sort(axis=1)
    count = used * (used + 1) // 2
    critical = np.array([signed_rank_critical(m, confidence) for m in range(d.shape[1] + 1)])
    k = np.clip(critical[used], 1, np.maximum(count, 1))
    low = np.take_along_axis(walsh, (k - 1)[:, None], axis=1)[:, 0]
    high = np.take_along_axis(walsh, np.maximum(count - k, 0)[:, None], axis=1)[:, 0]
    none = ~(d != 0).any(axis=1)  # every difference zero: the estimate and its interval are 0
    estimate = np.where(none, 0.0, sorted_median(walsh, count))
    return ShiftEstimates(estimate, np.where(none, 0.0, low), np.where(none, 0.0, high), confidence)


def two_sample_shift_batch(x: ArrayLike, y: ArrayLike, confidence: float = 0.95) -> ShiftEstimates:
    """`estimates.two_sample_shift` of every row of a batch: Hodges-Lehmann shift x - y with its interval.

    Parameters
    ----------
    x, y : array_like
        (B, n) and (B, m) independent samples in the same unit, one cohort per row.
    confidence : float
        Two-sided coverage (0-1).

    Returns
    -------
    ShiftEstimates
        Per row, the median of the n m differences x_i - y_j and the Mann-Whitney (normal
        approximation) interval, equal to `estimates.two_sample_shift` row by row.

    Examples
    --------
    >>> shifts = two_sample_shift_batch([[4, 6, 7, 9, 12]], [[1, 2, 3, 5, 8]])
    >>> shifts.estimate.tolist(), shifts.low.tolist(), shifts.high.tolist()
    ([4.0], [-1.0], [9.0])
    """
    x, y = np.atleast_2d(np.asarray(x, float)), np.atleast_2d(np.asarray(y, float))
    n, m = x.shape[1], y.shape[1]
    diffs = np.sort((x[:, :, None] - y[:, None, :]).reshape(x.shape[0], n * m), axis=1)
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    k = int(np.floor(n * m / 2 - z * np.sqrt(n * m * (n + m + 1) / 12)))
    k = min(max(k, 1), n * m)
    return ShiftEstimates(np.median(diffs, axis=1), diffs[:, k - 1], diffs[:, n * m - k], confidence)


def ratio_of_locations_batch(x: ArrayLike, y: ArrayLike, confidence: float = 0.95) -> ShiftEstimates:
    """`estimates.ratio_of_locations` of every row of a batch: typical x / y, the log-scale shift exponentiated.

    Parameters
    ----------
    x, y : array_like
        (B, n) and (B, m) strictly positive values (e.g. pg/mL), one cohort per row.
    confidence : float
        Two-sided coverage (0-1).

    Returns
    -------
    ShiftEstimates
        Ratios (unitless) and their intervals, equal to `estimates.ratio_of_locations` row by row.

    Examples
    --------
    >>> r = ratio_of_locations_batch([[20, 40, 80]], [[10, 20, 40]], confidence=0.9)
    >>> r.estimate.round(6).tolist(), r.low.round(6).tolist(), r.high.round(6).tolist()
    ([2.0], [0.5], [8.0])
    """
    shift = two_sample_shift_batch(np.log(x), np.log(y), confidence)
    return ShiftEstimates(np.exp(shift.estimate), np.exp(shift.low), np.exp(shift.high), confidence)


def paired_rank_biserial_batch(before: ArrayLike, after: ArrayLike) -> np.ndarray:
    """`estimates.paired_rank_biserial` of every row: (R+ - R-) / (R+ + R-) of the changes after - before.

    Parameters
    ----------
    before, after : array_like
        (B, n) paired measurements, one cohort per row.

    Returns
    -------
    numpy.ndarray
        (B,) correlations from -1 to 1; 0 in a row where no value changed. Zero changes are left
        out of the ranking (ranked behind every non-zero one, which leaves the others' ranks as if
        they had been dropped).

    Examples
    --------
    >>> before = [[12, 15, 9, 20, 14, 11], [1, 2, 3, 4, 5, 6]]
    >>> after = [[8, 13, 9, 15, 10, 12], [1, 2, 3, 4, 5, 6]]
    >>> paired_rank_biserial_batch(before, after).round(3).tolist()
    [-0.867, 0.0]
    """
    d = np.atleast_2d(np.asarray(after, float) - np.asarray(before, float))
    ranks = stats.rankdata(np.where(d == 0, np.inf, np.abs(d)), axis=1)
    positive = np.where(d > 0, ranks, 0.0).sum(axis=1)
    negative = np.where(d < 0, ranks, 0.0).sum(axis=1)
    total = positive + negative
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (positive - negative) / np.where(total > 0, total, 1.0), 0.0)


def two_sample_rank_biserial_batch(x: ArrayLike, y: ArrayLike) -> np.ndarray:
    """`estimates.two_sample_rank_biserial` of every row: 2 U / (n m) - 1, U the Mann-Whitney U of x.

    Parameters
    ----------
    x, y : array_like
        (B, n) and (B, m) independent samples, one cohort per row.

    Returns
    -------
    numpy.ndarray
        (B,) correlations from -1 to 1; U from the mid-ranks of the pooled row, as scipy computes it.

    Examples
    --------
    >>> two_sample_rank_biserial_batch([[4, 6, 7, 9, 12]], [[1, 2, 3, 5, 8]]).round(2).tolist()
    [0.68]
    """
    x, y = np.atleast_2d(np.asarray(x, float)), np.atleast_2d(np.asarray(y, float))
    n, m = x.shape[1], y.shape[1]
    ranks = stats.rankdata(np.concatenate([x, y], axis=1), axis=1)
    u = ranks[:, :n].sum(axis=1) - n * (n + 1) / 2
    return 2 * u / (n * m) - 1
