"""The three rank tests the study's claims need, batched over cohorts, each under its standard variants.

A claim holds only if it holds under every variant of its test, so a finding never
rests on one lucky choice (exact vs normal approximation, with or without continuity correction).
All p-values are two-sided and come from scipy; the batching only stacks cohorts on axis 0.

- Wilcoxon signed-rank (paired change): scipy's exact distribution, and the normal approximation
  with tie correction, without and with continuity correction. Zero differences are dropped
  (Wilcoxon's original treatment, scipy's default). scipy's exact distribution ignores ties, so
  the p-value reported for tied data is the normal approximation's (every variant must still agree).
- Mann-Whitney U (patients against controls): exact, and asymptotic without and with continuity
  correction.
- Spearman rank correlation: the t-distribution approximation (scipy's `spearmanr`) and the normal
  approximation z = rho * sqrt(n - 1); `smallest_significant_rho` inverts the first.

Beside these, `signed_rank_permutation` gives the exact conditional (permutation) signed-rank p for
tied data and zero differences: the distribution of the positive rank sum over all 2^n sign
assignments, given the observed mid-ranks. It is written here, by the shift algorithm of
Streitberg and Roehmel (1986), because scipy has no fast exact test for tied data:
`wilcoxon(method="exact")` uses the no-ties distribution and only rounds a tied statistic, and
`wilcoxon(method=PermutationMethod())` (`permutation_test`) enumerates the 2^n sign vectors one by
one, exact only when its `n_resamples` reaches 2^n (4.3e9 at n = 32), and otherwise a random sample.
The shift algorithm counts the same distribution in n steps of an array of length n(n+1) + 1, and
agrees with scipy's enumeration and with brute force wherever those can run (tested).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import stats

WILCOXON_VARIANTS = {
    "exact": dict(method="exact"),
    "normal": dict(method="approx", correction=False),
    "normal, continuity-corrected": dict(method="approx", correction=True),
}
MANN_WHITNEY_VARIANTS = {
    "exact": dict(method="exact"),
    "asymptotic": dict(method="asymptotic", use_continuity=False),
    "asymptotic, continuity-corrected": dict(method="asymptotic", use_continuity=True),
}
SPEARMAN_VARIANTS = ("t approximation", "normal approximation")
# The exact signed-rank distribution is used for the reported p only up to this many pairs (scipy's
# own switch to the normal approximation in `method="auto"`): beyond it the two agree closely and
# the exact computation grows expensive.
EXACT_MAX_N = 50
# What each reported signed-rank p is, by index of WILCOXON_VARIANTS, for prose.
P_METHOD_WORDS = ("exact", "normal approximation, tie-corrected")
# What `signed_rank_permutation`'s p is: exact (counted) up to EXACT_MAX_N pairs, where the counts of
# 2^n sign assignments are still whole numbers in a float64 (n <= 52); beyond it, the normal
# approximation with the tie correction.
PERMUTATION_WORDS = {
    True: "exact conditional (permutation) distribution, given the tied ranks",
    False: f"normal approximation, tie-corrected (over {EXACT_MAX_N} pairs: no exact count)",
}


@dataclass
class TestResult:
    """One rank test run on a batch of B cohorts, under each of its variants.

    Parameters
    ----------
    test : str
        The test's name, e.g. ``"Wilcoxon signed-rank"``.
    estimate : numpy.ndarray
        (B,) the effect estimate per cohort (its meaning depends on the test; see the functions).
    statistic : numpy.ndarray
        (B,) scipy's test statistic of the first variant.
    p : numpy.ndarray
        (B, V) two-sided p-values (0-1), one column per variant; NaN where not computable.
    variants : tuple of str
        The V variant names, in the column order of `p`.
    primary : numpy.ndarray or None
        (B,) index of the variant reported as each cohort's p-value: the exact one when the
        sample has no ties (nor zero differences), else the normal approximation without
        continuity correction, since scipy's exact distributions ignore ties. None: always 0.

    Examples
    --------
    >>> result = spearman(np.array([[1, 2, 3, 4, 5]]), np.array([[2, 1, 4, 3, 5]]))
    >>> result.variants, result.p.shape
    (('t approximation', 'normal approximation'), (1, 2))
    """

    test: str
    estimate: np.ndarray
    statistic: np.ndarray
    p: np.ndarray
    variants: tuple[str, ...]
    primary: np.ndarray | None = None

    @property
    def p_primary(self) -> np.ndarray:
        """The reported p-value of each cohort, (B,), from column `primary` of `p` (column 0 if None).

        Examples
        --------
        >>> spearman(np.array([[1, 2, 3, 4, 5]]), np.array([[2, 1, 4, 3, 5]])).p_primary.round(3)
        array([0.104])
        """
        if self.primary is None:
            return self.p[:, 0]
        return np.take_along_axis(self.p, self.primary[:, None], axis=1)[:, 0]


def _has_ties(values: np.ndarray) -> np.ndarray:
    """(B,) True where a row has two equal values."""
    ordered = np.sort(values, axis=1)
    return np.any(ordered[:, 1:] == ordered[:, :-1], axis=1)


def _under_variants(test, variants: dict, *samples) -> tuple[np.ndarray, np.ndarray]:
    """Run a scipy test once per variant; returns (statistic of the first variant, p (B, V))."""
    with warnings.catch_warnings():
        # All-zero differences make the normal approximation divide by zero: the p-value is NaN
        # and the claim is reported as not computable, so the warning adds nothing.
        warnings.simplefilter("ignore", RuntimeWarning)
        results = [test(*samples, axis=1, **options) for options in variants.values()]
    statistic = np.asarray(results[0].statistic, float)
    return statistic, np.column_stack([np.asarray(r.pvalue, float) for r in results])


def signed_rank_exact(diff: np.ndarray) -> np.ndarray:
    """(B,) True where the exact signed-rank p is the one to report for a row of differences.

    The package's one rule: exact when no difference is zero, no two magnitudes tie and there are
    at most `EXACT_MAX_N` pairs; otherwise the normal approximation with the tie correction and no
    continuity correction, because scipy's exact distribution assumes neither zeros nor ties.

    Parameters
    ----------
    diff : array_like
        Paired differences, (n,) for one cohort or (B, n) for a batch.

    Returns
    -------
    numpy.ndarray
        (B,) booleans; a 1-D input counts as a batch of one.

    Examples
    --------
    >>> signed_rank_exact([[1, -2, 3], [1, 1, 2], [0, 1, 2]]).tolist()
    [True, False, False]
    """
    diff = np.atleast_2d(np.asarray(diff, float))
    magnitudes = np.where(diff == 0, np.nan, np.abs(diff))
    tied = np.any(diff == 0, axis=1) | _has_ties(magnitudes)
    return ~tied & (diff.shape[1] <= EXACT_MAX_N)


def signed_rank(before: np.ndarray, after: np.ndarray) -> TestResult:
    """Wilcoxon signed-rank test of after - before, under each variant of `WILCOXON_VARIANTS`.

    Parameters
    ----------
    before, after : numpy.ndarray
        (B, n) paired values: row b holds cohort b's patients, in the same order in both.

    Returns
    -------
    TestResult
        `estimate` is the median paired difference (after - before, in the data's unit);
        `statistic` is scipy's (the smaller of the positive and negative rank sums); `primary`
        follows `signed_rank_exact`: 0 (exact) or 1 (normal approximation).

    References
    ----------
    Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bull 1945;1:80-83.

    Examples
    --------
    >>> before = np.array([[10, 12, 9, 14, 11, 13], [10, 12, 9, 14, 11, 13]])
    >>> after = np.array([[7, 11, 5, 12, 5, 18], [7, 11, 5, 12, 5, 13]])
    >>> result = signed_rank(before, after)
    >>> result.estimate.tolist(), result.primary.tolist(), result.p_primary.round(4).tolist()
    ([-2.5, -2.5], [0, 1], [0.3125, 0.0431])
    """
    diff = np.atleast_2d(np.asarray(after, float) - np.asarray(before, float))
    statistic, p = _under_variants(stats.wilcoxon, WILCOXON_VARIANTS, diff)
    return TestResult(
        "Wilcoxon signed-rank",
        np.median(diff, axis=1),
        statistic,
        p,
        tuple(WILCOXON_VARIANTS),
        primary=np.where(signed_rank_exact(diff), 0, 1),
    )


def rank_sum(patients: np.ndarray, controls: np.ndarray) -> TestResult:
    """Mann-Whitney U test of patients against controls, under each variant of `MANN_WHITNEY_VARIANTS`.

    Parameters
    ----------
    patients, controls : numpy.ndarray
        (B, n) and (B, m) values, one cohort per row.

    Returns
    -------
    TestResult
        `estimate` is the ratio of the patients' median to the controls' (unitless); `statistic`
        is U of the patients; `primary` is 0 (exact) without ties in the pooled sample, else 1.

    References
    ----------
    Mann HB, Whitney DR. On a test of whether one of two random variables is stochastically
    larger than the other. Ann Math Stat 1947;18:50-60.

    Examples
    --------
    >>> result = rank_sum(np.array([[4, 6, 7, 9, 12]]), np.array([[1, 2, 3, 5, 8]]))
    >>> result.statistic.tolist(), result.estimate.round(3).tolist(), result.p_primary.round(4).tolist()
    ([21.0], [2.333], [0.0952])
    """
    statistic, p = _under_variants(stats.mannwhitneyu, MANN_WHITNEY_VARIANTS, patients, controls)
    ratio = np.median(patients, axis=1) / np.median(controls, axis=1)
    tied = _has_ties(np.concatenate([patients, controls], axis=1))
    return TestResult("Mann-Whitney U", ratio, statistic, p, tuple(MANN_WHITNEY_VARIANTS), primary=np.where(tied, 1, 0))


def spearman(x: np.ndarray, y: np.ndarray) -> TestResult:
    """Spearman's rank correlation of x and y per cohort, with its two p-value approximations.

    Parameters
    ----------
    x, y : numpy.ndarray
        (B, n) paired values, one cohort per row.

    Returns
    -------
    TestResult
        `estimate` and `statistic` are both rho (-1 to 1; NaN when a row is constant); `p` has
        the t approximation (scipy) and the normal approximation z = rho sqrt(n - 1).

    References
    ----------
    Spearman C. The proof and measurement of association between two things. Am J Psychol
    1904;15:72-101.

    Examples
    --------
    >>> result = spearman(np.array([[1, 2, 3, 4, 5]]), np.array([[2, 1, 4, 3, 5]]))
    >>> result.estimate.tolist(), result.p.round(3).tolist()
    ([0.8], [[0.104, 0.11]])
    """
    rank_x = stats.rankdata(x, axis=1)
    rank_y = stats.rankdata(y, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # constant ranks: rho is NaN, reported so
        result = stats.pearsonr(rank_x, rank_y, axis=1)
    rho = np.asarray(result.statistic, float)
    n = x.shape[1]
    p_normal = 2 * stats.norm.sf(np.abs(rho) * np.sqrt(n - 1))
    return TestResult(
        "Spearman", rho, rho, np.column_stack([np.asarray(result.pvalue, float), p_normal]), SPEARMAN_VARIANTS
    )


@lru_cache(maxsize=4096)
def conditional_null_counts(doubled_ranks: tuple[int, ...]) -> np.ndarray:
    """Counts of the 2^n sign assignments giving each doubled positive rank sum, given the ranks.

    Parameters
    ----------
    doubled_ranks : tuple of int
        Twice the (mid-)ranks of the n absolute differences that carry a sign: whole numbers, as
        mid-ranks are multiples of 1/2. Order does not matter.

    Returns
    -------
    numpy.ndarray
        Entry t is the number of sign assignments whose positive ranks sum to t / 2 (t = 0 to
        sum(doubled_ranks)); the entries sum to 2^n. The shift algorithm: each rank either joins
        the positive sum or not, so each step adds the counts shifted by that rank.

    References
    ----------
    Streitberg B, Roehmel J. Exact distributions for permutation and rank tests: an introduction
    to some recently published algorithms. Stat Software Newsl 1986;12:10-17.

    Examples
    --------
    >>> conditional_null_counts((2, 5, 5)).tolist()  # ranks 1, 2.5, 2.5
    [1.0, 0.0, 1.0, 0.0, 0.0, 2.0, 0.0, 2.0, 0.0, 0.0, 1.0, 0.0, 1.0]
    """
    counts = np.zeros(sum(doubled_ranks) + 1)
    counts[0] = 1.0
    for rank in doubled_ranks:
        shifted = counts.copy()
        shifted[rank:] += counts[: counts.size - rank]
        counts = shifted
    return counts


def signed_rank_permutation(diff: np.ndarray, zero_method: str = "wilcox") -> tuple[np.ndarray, np.ndarray]:
    """Exact conditional (permutation) two-sided signed-rank p of each row of differences.

    Given the observed absolute differences and their mid-ranks, every sign assignment is equally
    likely under the null hypothesis (differences symmetric about zero); the p is the share of the
    2^n assignments whose positive rank sum lies as far out as the observed one, counted exactly
    (`conditional_null_counts`): 2 min(P(T+ <= t), P(T+ >= t)), capped at 1, scipy's two-sided rule.
    Unlike scipy's `method="exact"` it is exact with ties and zeros.

    Parameters
    ----------
    diff : array_like
        Paired differences, (n,) for one cohort or (B, n) for a batch.
    zero_method : {"wilcox", "pratt"}
        ``"wilcox"``: zero differences are dropped before ranking (Wilcoxon's rule, the package's
        reported p). ``"pratt"``: zeros are ranked with the rest, then carry no sign.

    Returns
    -------
    p : numpy.ndarray
        (B,) two-sided p-values (0-1); NaN where no difference is non-zero.
    exact : numpy.ndarray
        (B,) True where p is the exact count, False where the row has more than `EXACT_MAX_N`
        signed differences and p is the normal approximation with the tie correction instead (no
        continuity correction); `PERMUTATION_WORDS` says each in words.

    References
    ----------
    Pratt JW. Remarks on zeros and ties in the Wilcoxon signed rank procedures. J Am Stat Assoc
    1959;54:655-667.

    Examples
    --------
    >>> p, exact = signed_rank_permutation([[-2, -2, -1, 0, 1, -3, -3, -3]])
    >>> p.round(4).tolist(), exact.tolist()
    ([0.0469], [True])
    """
    if zero_method not in ("wilcox", "pratt"):
        raise ValueError(f"zero_method must be 'wilcox' or 'pratt', not {zero_method!r}")
    diff = np.atleast_2d(np.asarray(diff, float))
    p = np.full(diff.shape[0], np.nan)
    exact = np.ones(diff.shape[0], bool)
    for row, d in enumerate(diff):
        ranked = d[d != 0] if zero_method == "wilcox" else d
        ranks = stats.rankdata(np.abs(ranked))
        signed = ranked != 0
        if not signed.any():
            continue
        if signed.sum() > EXACT_MAX_N:
            exact[row] = False
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # scipy's note that zeros/ties force the approximation
                p[row] = stats.wilcoxon(d, zero_method=zero_method, method="approx", correction=False).pvalue
            continue
        doubled = np.rint(2 * ranks).astype(int)
        counts = conditional_null_counts(tuple(sorted(doubled[signed].tolist())))
        observed = int(doubled[ranked > 0].sum())
        total = counts.sum()
        lower, upper = counts[: observed + 1].sum() / total, counts[observed:].sum() / total
        p[row] = min(1.0, 2 * min(lower, upper))
    return p, exact


def smallest_significant_rho(n: int, alpha: float = 0.05) -> float:
    """Smallest absolute Spearman rho whose two-sided p (t approximation, as `spearman` reports) is below `alpha`.

    Parameters
    ----------
    n : int
        Number of pairs (at least 3).
    alpha : float
        Two-sided significance level (0-1).

    Returns
    -------
    float
        r_c = t_c / sqrt(n - 2 + t_c^2), t_c the upper alpha/2 point of t with n - 2 degrees of
        freedom: an absolute rho above r_c gives p < alpha, one below it p > alpha.

    Examples
    --------
    >>> round(smallest_significant_rho(32), 3), round(smallest_significant_rho(10), 3)
    (0.349, 0.632)
    """
    if n < 3:
        raise ValueError("a correlation test needs at least 3 pairs")
    t_critical = stats.t.isf(alpha / 2, n - 2)
    return float(t_critical / np.sqrt(n - 2 + t_critical**2))
