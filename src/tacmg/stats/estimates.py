"""Estimates that go with the rank tests: Hodges-Lehmann shifts with confidence intervals and
rank-biserial effect sizes. scipy tests hypotheses but does not give these, so they are here.

- Paired (one-sample) Hodges-Lehmann: the median of the Walsh averages (d_i + d_j) / 2, i <= j;
  its confidence interval is the pair of Walsh averages cut off by the exact Wilcoxon signed-rank
  critical value (Hollander, Wolfe & Chicken, Nonparametric Statistical Methods, ch. 3).
- Two-sample Hodges-Lehmann: the median of all differences x_i - y_j; interval from the
  Mann-Whitney critical value (normal approximation, adequate for n, m >= 10).
- Matched-pairs rank-biserial correlation (R+ - R-) / (R+ + R-), and the two-sample one
  2 U / (n m) - 1 (Kerby 2014): both run from -1 to 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class ShiftEstimate:
    """A location shift with its confidence interval, in the data's units."""

    estimate: float
    low: float
    high: float
    confidence: float


@lru_cache(maxsize=64)
def _signed_rank_null_counts(n: int) -> np.ndarray:
    """Number of sign assignments giving each signed-rank sum T+ = 0..n(n+1)/2 (no ties)."""
    counts = np.zeros(n * (n + 1) // 2 + 1)
    counts[0] = 1
    for rank in range(1, n + 1):
        counts[rank:] = counts[rank:] + counts[:-rank].copy()
    return counts


def _signed_rank_critical(n: int, confidence: float) -> int:
    """Largest k with P(T+ < k) <= (1 - confidence) / 2 under the null (exact)."""
    cdf = np.cumsum(_signed_rank_null_counts(n)) / 2.0**n
    alpha = (1 - confidence) / 2
    return int(np.searchsorted(cdf, alpha, side="right"))


def paired_shift(before, after, confidence: float = 0.95) -> ShiftEstimate:
    """Hodges-Lehmann median change (after - before) with its exact-critical-value interval.

    Zero differences are dropped, as in the signed-rank test.
    """
    d = np.asarray(after, float) - np.asarray(before, float)
    d = d[d != 0]
    n = d.size
    if n == 0:
        return ShiftEstimate(0.0, 0.0, 0.0, confidence)
    i, j = np.triu_indices(n)
    walsh = np.sort((d[i] + d[j]) / 2)
    k = _signed_rank_critical(n, confidence)
    k = min(max(k, 1), walsh.size)
    return ShiftEstimate(float(np.median(walsh)), float(walsh[k - 1]), float(walsh[walsh.size - k]), confidence)


def two_sample_shift(x, y, confidence: float = 0.95) -> ShiftEstimate:
    """Hodges-Lehmann shift x - y with a Mann-Whitney (normal approximation) interval."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    n, m = x.size, y.size
    diffs = np.sort((x[:, None] - y[None, :]).ravel())
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    k = int(np.floor(n * m / 2 - z * np.sqrt(n * m * (n + m + 1) / 12)))
    k = min(max(k, 1), diffs.size)
    return ShiftEstimate(float(np.median(diffs)), float(diffs[k - 1]), float(diffs[diffs.size - k]), confidence)


def ratio_of_locations(x, y, confidence: float = 0.95) -> ShiftEstimate:
    """Ratio of typical values x / y: the two-sample shift on the log scale, exponentiated."""
    shift = two_sample_shift(np.log(x), np.log(y), confidence)
    return ShiftEstimate(float(np.exp(shift.estimate)), float(np.exp(shift.low)), float(np.exp(shift.high)), confidence)


def paired_rank_biserial(before, after) -> float:
    """(R+ - R-) / (R+ + R-) of after - before: -1 when every patient fell, 1 when every one rose."""
    d = np.asarray(after, float) - np.asarray(before, float)
    d = d[d != 0]
    if d.size == 0:
        return 0.0
    ranks = stats.rankdata(np.abs(d))
    positive, negative = ranks[d > 0].sum(), ranks[d < 0].sum()
    return float((positive - negative) / (positive + negative))


def two_sample_rank_biserial(x, y) -> float:
    """2 U / (n m) - 1: 1 when every x exceeds every y."""
    u = stats.mannwhitneyu(x, y).statistic
    return float(2 * u / (len(x) * len(y)) - 1)
