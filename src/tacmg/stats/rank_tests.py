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

The exact conditional signed-rank p for tied data is in `tacmg.stats.permutation`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

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
# Exact distributions are computed only up to this many pairs (signed-rank), or this many values in
# each group (rank-sum): scipy's own switch to the normal approximation in `method="auto"` for the
# signed-rank test. Beyond it the exact and normal p agree closely, and the exact computation grows
# expensive (about 40 s for a signed-rank test of 3,000 pairs, minutes for a rank-sum test of 1,000
# against 1,000): larger samples are tested under the approximate variants only.
EXACT_MAX_N = 50
# What each reported p is, by variant name, for prose.
P_METHOD_WORDS = {
    "exact": "exact",
    "normal": "normal approximation, tie-corrected",
    "asymptotic": "normal approximation, tie-corrected",
    "t approximation": "t approximation",
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
        Samples larger than `EXACT_MAX_N` have no exact variant (see `exact_allowed`).

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

    @property
    def p_method(self) -> list[str]:
        """The name of the variant reported as each cohort's p-value (an entry of `variants`).

        Examples
        --------
        >>> signed_rank(np.array([[3.0, 1.0, 2.0]]), np.array([[1.0, 4.0, 6.5]])).p_method
        ['exact']
        """
        primary = np.zeros(self.p.shape[0], int) if self.primary is None else self.primary
        return [self.variants[int(index)] for index in primary]


def _has_ties(values: np.ndarray) -> np.ndarray:
    """(B,) True where a row has two equal values."""
    ordered = np.sort(values, axis=1)
    return np.any(ordered[:, 1:] == ordered[:, :-1], axis=1)


def exact_allowed(*sizes: int) -> bool:
    """Whether exact p-values are computed for samples of these sizes: each at most `EXACT_MAX_N`.

    Parameters
    ----------
    *sizes : int
        The number of pairs (signed-rank), or of values in each group (rank-sum).

    Returns
    -------
    bool
        True when every size is at most `EXACT_MAX_N`.

    Examples
    --------
    >>> exact_allowed(32, 30), exact_allowed(3000)
    (True, False)
    """
    return all(size <= EXACT_MAX_N for size in sizes)


def _without_exact(variants: dict, exact: bool) -> dict:
    """Return the variants to run: all of them, or all but "exact"."""
    return variants if exact else {name: options for name, options in variants.items() if name != "exact"}


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
    at most `EXACT_MAX_N` pairs (`exact_allowed`); otherwise the normal approximation with the tie correction and no
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
    return ~tied & exact_allowed(diff.shape[1])


def signed_rank(before: np.ndarray, after: np.ndarray, exact: bool | None = None) -> TestResult:
    """Wilcoxon signed-rank test of after - before, under each variant of `WILCOXON_VARIANTS`.

    Parameters
    ----------
    before, after : numpy.ndarray
        (B, n) paired values: row b holds cohort b's patients, in the same order in both.
    exact : bool or None
        Whether to run the exact variant; None: when `exact_allowed` (n). Without it the variants
        are the two normal approximations and `primary` is 0.

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
    exact = exact_allowed(diff.shape[1]) if exact is None else exact
    variants = _without_exact(WILCOXON_VARIANTS, exact)
    statistic, p = _under_variants(stats.wilcoxon, variants, diff)
    primary = np.where(signed_rank_exact(diff), 0, 1) if exact else np.zeros(diff.shape[0], int)
    return TestResult("Wilcoxon signed-rank", np.median(diff, axis=1), statistic, p, tuple(variants), primary=primary)


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
        When `exact_allowed` (n, m) is false only the asymptotic variants run and `primary` is 0.

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
    exact = exact_allowed(patients.shape[1], controls.shape[1])
    variants = _without_exact(MANN_WHITNEY_VARIANTS, exact)
    statistic, p = _under_variants(stats.mannwhitneyu, variants, patients, controls)
    ratio = np.median(patients, axis=1) / np.median(controls, axis=1)
    tied = _has_ties(np.concatenate([patients, controls], axis=1))
    primary = np.where(tied, 1, 0) if exact else np.zeros(patients.shape[0], int)
    return TestResult("Mann-Whitney U", ratio, statistic, p, tuple(variants), primary=primary)


def spearman(x: np.ndarray, y: np.ndarray) -> TestResult:
    """Spearman's rank correlation of x and y per cohort, with its two p-value approximations.

    Parameters
    ----------
    x, y : numpy.ndarray
        (B, n) paired values, one cohort per row.

    Returns
    -------
    TestResult
        `estimate` and `statistic` are both rho (-1 to 1; NaN when a row is constant or n < 3); `p` has
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
    n = x.shape[1]
    if n < 3:  # no correlation test on fewer than three pairs: rho and p are NaN
        nan = np.full((x.shape[0], len(SPEARMAN_VARIANTS)), np.nan)
        return TestResult("Spearman", nan[:, 0], nan[:, 0], nan, SPEARMAN_VARIANTS)
    rank_x = stats.rankdata(x, axis=1)
    rank_y = stats.rankdata(y, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # constant ranks: rho is NaN, reported so
        result = stats.pearsonr(rank_x, rank_y, axis=1)
    rho = np.asarray(result.statistic, float)
    p_normal = 2 * stats.norm.sf(np.abs(rho) * np.sqrt(n - 1))
    return TestResult(
        "Spearman", rho, rho, np.column_stack([np.asarray(result.pvalue, float), p_normal]), SPEARMAN_VARIANTS
    )


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
