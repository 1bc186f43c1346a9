"""Estimates that go with the rank tests: Hodges-Lehmann shifts with confidence intervals and
rank-biserial effect sizes. scipy tests the hypotheses but gives neither the shift nor its interval
nor these effect sizes, so they are written here by hand, each in a few lines of numpy.

- Paired (one-sample) Hodges-Lehmann: the median of the Walsh averages (d_i + d_j) / 2, i <= j.
  Zero differences: by default dropped first, as Wilcoxon's test drops them (`zeros="drop"`);
  `zeros="keep"` gives the textbook estimator over all n differences. Its interval is by default
  the pair of Walsh averages cut off by the signed-rank critical value of the no-ties
  distribution (Hollander, Wolfe & Chicken, Nonparametric Statistical Methods, ch. 3): exact
  (conservative) for untied data without zeros, only approximate with ties or zeros.
  `interval="conditional"` inverts the exact conditional (permutation) signed-rank test instead,
  which keeps its coverage with ties and zeros.
- Two-sample Hodges-Lehmann: the median of all differences x_i - y_j; interval from the
  Mann-Whitney critical value (normal approximation, adequate for n, m >= 10).
- Spearman's rho: a Fisher-z interval (`spearman_interval`) with the Bonett-Wright standard error (`spearman_z_se`).
- Matched-pairs rank-biserial correlation (R+ - R-) / (R+ + R-), and the two-sample one
  2 U / (n m) - 1 (Kerby 2014): both run from -1 to 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from tacmg.stats.permutation import signed_rank_permutation
from tacmg.stats.rank_tests import exact_allowed

ZERO_CONVENTIONS = {
    "drop": "zero differences dropped (Wilcoxon's convention)",
    "keep": "all n differences (the textbook estimator)",
}
INTERVALS = {
    "critical value": "Walsh averages cut at the no-ties signed-rank critical value",
    "conditional": "inverted exact conditional (permutation) signed-rank test",
}


@dataclass(frozen=True)
class ShiftEstimate:
    """A location shift (or ratio) with its confidence interval, in the data's units.

    Parameters
    ----------
    estimate : float
        The point estimate: a Hodges-Lehmann shift, or a ratio for `ratio_of_locations`.
    low, high : float
        Lower and upper limits of the confidence interval.
    confidence : float
        Nominal two-sided coverage of the interval (0-1), e.g. 0.95.

    Examples
    --------
    >>> ShiftEstimate(estimate=-3.0, low=-5.0, high=1.0, confidence=0.95).high
    1.0
    """

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


def signed_rank_critical(n: int, confidence: float) -> int:
    """Largest k with P(T+ < k) <= (1 - confidence) / 2 under the null: exact while
    `exact_allowed` (n), else from the normal approximation (the exact counts overflow a float64
    beyond about 1,000 pairs and cost O(n^3)). The Hodges-Lehmann interval of n non-zero changes
    runs from the k-th smallest to the k-th largest Walsh average.

    Examples
    --------
    >>> signed_rank_critical(6, 0.95), signed_rank_critical(32, 0.95)
    (1, 160)
    """
    alpha = (1 - confidence) / 2
    if not exact_allowed(n):
        z = stats.norm.ppf(1 - alpha)
        return int(np.floor(n * (n + 1) / 4 - z * np.sqrt(n * (n + 1) * (2 * n + 1) / 24)))
    cdf = np.cumsum(_signed_rank_null_counts(n)) / 2.0**n
    return int(np.searchsorted(cdf, alpha, side="right"))


# How many candidates either side of the median Walsh average are tried for an accepted shift.
NEAR_CENTRE = 50


def _conditional_interval(d: np.ndarray, confidence: float, zero_method: str) -> tuple[float, float]:
    """Hull of the shifts c that the exact conditional signed-rank test of d - c does not reject.

    The test's p changes only where c crosses a Walsh average (a sign or a tie of |d - c| changes
    there), so it is evaluated at each distinct Walsh average and between neighbours, from the
    outside in; a side accepted beyond every Walsh average is unbounded (infinite). Over
    `exact_allowed` pairs the test is the normal approximation, whose acceptance region is one
    interval around the estimate: each side is then found by bisection rather than a scan of the
    O(n^2) candidates, from an accepted candidate within `NEAR_CENTRE` of the median Walsh average;
    when there is none, the interval is empty (NaN, NaN), as with a large, heavily tied sample.
    """
    i, j = np.triu_indices(d.size)
    points = np.unique((d[i] + d[j]) / 2)
    candidates = np.empty(2 * points.size + 1)
    candidates[1::2] = points
    candidates[2:-1:2] = (points[:-1] + points[1:]) / 2
    candidates[0], candidates[-1] = points[0] - 1, points[-1] + 1
    # Rounding to a grid far below the data's resolution makes the ties at Walsh averages exact in
    # floating point (|d_i - c| = |d_j - c| at c = (d_i + d_j) / 2).
    grid = 1e-9 * max(float(np.ptp(d)), 1.0)

    def accepted(c: float) -> bool:
        shifted = np.round((d - c) / grid) * grid
        p = signed_rank_permutation(shifted, zero_method)[0][0]
        return bool(np.isnan(p) or p > 1 - confidence)

    if exact_allowed(d.size):
        first = next(k for k in range(candidates.size) if accepted(candidates[k]))
        last = next(k for k in range(candidates.size - 1, -1, -1) if accepted(candidates[k]))
    else:
        centre = int(np.searchsorted(candidates, float(np.median((d[i] + d[j]) / 2))))
        near = range(max(centre - NEAR_CENTRE, 0), min(centre + NEAR_CENTRE + 1, candidates.size))
        middle = next((k for k in sorted(near, key=lambda k: abs(k - centre)) if accepted(candidates[k])), None)
        if middle is None:  # no shift accepted: possible with a large sample of heavily tied values
            return float("nan"), float("nan")
        first = _first_true(lambda k: accepted(float(candidates[k])), 0, middle)
        last = _first_true(lambda k: not accepted(float(candidates[k])), middle, candidates.size) - 1
    low = -np.inf if first == 0 else candidates[first if first % 2 else first - 1]
    high = np.inf if last == candidates.size - 1 else candidates[last if last % 2 else last + 1]
    return float(low), float(high)


def _first_true(predicate, low: int, high: int) -> int:
    """The smallest k in [low, high) where a monotone (False, then True) `predicate` holds; high if none."""
    while low < high:
        middle = (low + high) // 2
        if predicate(middle):
            high = middle
        else:
            low = middle + 1
    return low


def paired_shift(
    before: ArrayLike,
    after: ArrayLike,
    confidence: float = 0.95,
    zeros: str = "drop",
    interval: str = "critical value",
) -> ShiftEstimate:
    """Hodges-Lehmann median change (after - before) with its signed-rank interval.

    Parameters
    ----------
    before, after : array_like
        Paired measurements, one value per patient in the same order, in any unit.
    confidence : float
        Two-sided coverage of the interval (0-1).
    zeros : {"drop", "keep"}
        ``"drop"`` (the package's convention): zero differences are dropped before the Walsh
        averages are formed and the critical value is that of the non-zero count, as the
        Wilcoxon test drops them. ``"keep"``: the textbook estimator, the median of the Walsh
        averages of all n differences, with the critical value for n.
    interval : {"critical value", "conditional"}
        ``"critical value"``: the k-th smallest and largest Walsh averages, k from the signed-rank
        distribution without ties; exact (conservative) only when no difference is zero and no two
        tie. ``"conditional"``: every shift c that the exact conditional (permutation) signed-rank
        test of the n differences d - c does not reject at 1 - `confidence` (`rank_tests.
        signed_rank_permutation`; zeros of d - c dropped for ``zeros="drop"``, ranked for
        ``"keep"``, Pratt's rule); exact with ties and zeros, and may be unbounded (infinite) when
        n is very small.

    Returns
    -------
    ShiftEstimate
        The median of the Walsh averages, in the data's unit, and its interval; all zeros when
        every difference is 0.

    References
    ----------
    Hodges JL, Lehmann EL. Estimates of location based on rank tests. Ann Math Stat 1963;34:598-611.

    Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bull 1945;1:80-83.

    Examples
    --------
    >>> before, after = [12, 15, 9, 20, 14, 11], [8, 13, 9, 15, 10, 12]
    >>> paired_shift(before, after)
    ShiftEstimate(estimate=-3.0, low=-5.0, high=1.0, confidence=0.95)
    >>> paired_shift(before, after, zeros="keep").estimate
    -2.0
    >>> paired_shift(before, after, interval="conditional", confidence=0.8)
    ShiftEstimate(estimate=-3.0, low=-4.0, high=-1.0, confidence=0.8)
    """
    if zeros not in ZERO_CONVENTIONS or interval not in INTERVALS:
        raise ValueError(f"zeros must be one of {list(ZERO_CONVENTIONS)}, interval one of {list(INTERVALS)}")
    everything = np.asarray(after, float) - np.asarray(before, float)
    d = everything[everything != 0] if zeros == "drop" else everything
    n = d.size
    if not d.any():
        return ShiftEstimate(0.0, 0.0, 0.0, confidence)
    i, j = np.triu_indices(n)
    walsh = np.sort((d[i] + d[j]) / 2)
    estimate = float(np.median(walsh))
    if interval == "conditional":
        low, high = _conditional_interval(everything, confidence, "wilcox" if zeros == "drop" else "pratt")
        return ShiftEstimate(estimate, low, high, confidence)
    k = signed_rank_critical(n, confidence)
    k = min(max(k, 1), walsh.size)
    return ShiftEstimate(estimate, float(walsh[k - 1]), float(walsh[walsh.size - k]), confidence)


def two_sample_shift(x: ArrayLike, y: ArrayLike, confidence: float = 0.95) -> ShiftEstimate:
    """Hodges-Lehmann shift x - y with a Mann-Whitney (normal approximation) interval.

    Parameters
    ----------
    x, y : array_like
        Two independent samples in the same unit (e.g. patients and controls).
    confidence : float
        Two-sided coverage of the interval (0-1).

    Returns
    -------
    ShiftEstimate
        Median of all differences x_i - y_j, in the data's unit, with the interval from the normal
        approximation to the Mann-Whitney critical value (adequate for n, m >= 10).

    References
    ----------
    Hodges JL, Lehmann EL. Estimates of location based on rank tests. Ann Math Stat 1963;34:598-611.

    Examples
    --------
    >>> two_sample_shift([4, 6, 7, 9, 12], [1, 2, 3, 5, 8])
    ShiftEstimate(estimate=4.0, low=-1.0, high=9.0, confidence=0.95)
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    n, m = x.size, y.size
    diffs = np.sort((x[:, None] - y[None, :]).ravel())
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    k = int(np.floor(n * m / 2 - z * np.sqrt(n * m * (n + m + 1) / 12)))
    k = min(max(k, 1), diffs.size)
    return ShiftEstimate(float(np.median(diffs)), float(diffs[k - 1]), float(diffs[diffs.size - k]), confidence)


def ratio_of_locations(x: ArrayLike, y: ArrayLike, confidence: float = 0.95) -> ShiftEstimate:
    """Ratio of typical values x / y: the two-sample shift on the log scale, exponentiated.

    Parameters
    ----------
    x, y : array_like
        Two independent samples of strictly positive values (e.g. concentrations in pg/mL).
    confidence : float
        Two-sided coverage of the interval (0-1).

    Returns
    -------
    ShiftEstimate
        The ratio (unitless; 1 = same level) and its interval, from `two_sample_shift` on log x, log y.

    Examples
    --------
    >>> r = ratio_of_locations([20, 40, 80], [10, 20, 40], confidence=0.9)
    >>> round(r.estimate, 6), round(r.low, 6), round(r.high, 6)
    (2.0, 0.5, 8.0)
    """
    shift = two_sample_shift(np.log(x), np.log(y), confidence)
    return ShiftEstimate(float(np.exp(shift.estimate)), float(np.exp(shift.low)), float(np.exp(shift.high)), confidence)


def paired_rank_biserial(before: ArrayLike, after: ArrayLike) -> float:
    """Matched-pairs rank-biserial correlation (R+ - R-) / (R+ + R-) of the changes after - before.

    Parameters
    ----------
    before, after : array_like
        Paired measurements, one value per patient in the same order.

    Returns
    -------
    float
        From -1 (every patient fell) to 1 (every patient rose); 0 when no value changed. R+ and R-
        are the sums of the ranks of the positive and negative non-zero changes.

    References
    ----------
    Kerby DS. The simple difference formula: an approach to teaching nonparametric correlation.
    Compr Psychol 2014;3:11.IT.3.1.

    Examples
    --------
    >>> round(paired_rank_biserial([12, 15, 9, 20, 14, 11], [8, 13, 9, 15, 10, 12]), 3)
    -0.867
    """
    d = np.asarray(after, float) - np.asarray(before, float)
    d = d[d != 0]
    if d.size == 0:
        return 0.0
    ranks = stats.rankdata(np.abs(d))
    positive, negative = ranks[d > 0].sum(), ranks[d < 0].sum()
    return float((positive - negative) / (positive + negative))


def two_sample_rank_biserial(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Two-sample rank-biserial correlation 2 U / (n m) - 1, U being the Mann-Whitney U of `x`.

    Parameters
    ----------
    x, y : array_like
        Two independent samples of sizes n and m.

    Returns
    -------
    float
        From -1 (every x below every y) to 1 (every x above every y).

    References
    ----------
    Kerby DS. The simple difference formula: an approach to teaching nonparametric correlation.
    Compr Psychol 2014;3:11.IT.3.1.

    Mann HB, Whitney DR. On a test of whether one of two random variables is stochastically
    larger than the other. Ann Math Stat 1947;18:50-60.

    Examples
    --------
    >>> round(two_sample_rank_biserial([4, 6, 7, 9, 12], [1, 2, 3, 5, 8]), 2)
    0.68
    """
    u = stats.mannwhitneyu(x, y).statistic
    return float(2 * u / (len(x) * len(y)) - 1)


def spearman_z_se(rho: ArrayLike, n: int) -> np.ndarray:
    """Bonett and Wright's standard error of atanh(Spearman's rho) from `n` pairs.

    sqrt((1 + rho^2 / 2) / (n - 3)); `spearman_interval` explains the choice.

    Examples
    --------
    >>> round(float(spearman_z_se(0.5, 32)), 4)
    0.197
    """
    rho = np.asarray(rho, float)
    return np.sqrt((1 + rho**2 / 2) / (n - 3))


def spearman_interval(rho: ArrayLike, n: int, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval of Spearman's rho: Fisher's z with the Bonett-Wright standard error.

    Parameters
    ----------
    rho : array_like
        Spearman correlations (-1 to 1), any shape; NaN stays NaN.
    n : int
        Number of pairs behind each rho (at least 4).
    confidence : float
        Two-sided coverage (0-1).

    Returns
    -------
    low, high : numpy.ndarray
        tanh(atanh(rho) -/+ z sqrt((1 + rho^2 / 2) / (n - 3))), z the normal quantile: the shape of
        `rho`, within -1 to 1. Bonett and Wright's variance (1 + rho^2 / 2) / (n - 3) replaces
        Pearson's 1 / (n - 3), which is too small for Spearman's rho; their simulations found
        coverage close to nominal for n >= 10 and absolute rho up to 0.9. Chosen over a bootstrap because it
        needs no random draws (the same interval on every run, for every row of a large table)
        and its coverage was checked by simulation for Spearman's rho specifically.

    References
    ----------
    Bonett DG, Wright TA. Sample size requirements for estimating Pearson, Kendall and Spearman
    correlations. Psychometrika 2000;65:23-28.

    Examples
    --------
    >>> low, high = spearman_interval([0.5, -0.2], 32)
    >>> low.round(3).tolist(), high.round(3).tolist()
    ([0.162, -0.516], [0.733, 0.163])
    """
    if n < 4:
        raise ValueError("the Fisher-z interval needs at least 4 pairs")
    rho = np.asarray(rho, float)
    z = stats.norm.isf((1 - confidence) / 2)
    with np.errstate(divide="ignore"):  # |rho| = 1: atanh is infinite and the interval is the point
        centre = np.arctanh(rho)
    half_width = z * spearman_z_se(rho, n)
    return np.tanh(centre - half_width), np.tanh(centre + half_width)
