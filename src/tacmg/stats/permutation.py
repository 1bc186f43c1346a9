"""The exact conditional (permutation) signed-rank test for tied data and zero differences.

Beside these, `signed_rank_permutation` gives the exact conditional (permutation) signed-rank p for
tied data and zero differences: the distribution of the positive rank sum over all 2^n sign
assignments, given the observed mid-ranks. It is written by hand, by the shift algorithm of
Streitberg and Roehmel (1986), because scipy has no fast exact test for tied data:
`wilcoxon(method="exact")` uses the no-ties distribution and only rounds a tied statistic, and
`wilcoxon(method=PermutationMethod())` (`permutation_test`) enumerates the 2^n sign vectors one by
one, exact only when its `n_resamples` reaches 2^n (4.3e9 at n = 32), and otherwise a random sample.
The shift algorithm counts the same distribution in n steps of an array of length n(n+1) + 1, and
agrees with scipy's enumeration and with brute force wherever those can run (tested).
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np
from scipy import stats

from tacmg.stats.rank_tests import EXACT_MAX_N

# What `signed_rank_permutation`'s p is: exact (counted) up to EXACT_MAX_N pairs, where the counts of
# 2^n sign assignments are still whole numbers in a float64 (n <= 52); beyond it, the normal
# approximation with the tie correction.
PERMUTATION_WORDS = {
    True: "exact conditional (permutation) distribution, given the tied ranks",
    False: f"normal approximation, tie-corrected (over {EXACT_MAX_N} pairs: no exact count)",
}


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


def signed_rank_permutation_batch(diff: np.ndarray, zero_method: str = "wilcox") -> tuple[np.ndarray, np.ndarray]:
    """`signed_rank_permutation` of every row of a batch at once, without a loop over rows.

    The shift algorithm runs on all rows together: step k adds to each row's counts the same
    counts shifted by that row's k-th smallest doubled rank (rows with fewer signed differences
    skip the step), the rows that share that rank at once; a loop over the few distinct ranks of a
    step, not over rows. The counts are whole numbers below 2^53, so every sum is exact and the p
    equals `signed_rank_permutation`'s to the bit (tested).

    Parameters
    ----------
    diff : array_like
        (B, n) paired differences, one cohort per row.
    zero_method : {"wilcox", "pratt"}
        As in `signed_rank_permutation`.

    Returns
    -------
    p, exact : numpy.ndarray
        As `signed_rank_permutation` returns them: (B,) two-sided p-values (NaN where no difference
        is non-zero) and whether each is the exact count (rows of more than `EXACT_MAX_N` signed
        differences get the normal approximation, through `signed_rank_permutation`).

    Examples
    --------
    >>> p, exact = signed_rank_permutation_batch([[-2, -2, -1, 0, 1, -3, -3, -3], [0, 0, 0, 0, 0, 0, 0, 0]])
    >>> p.round(4).tolist(), exact.tolist()
    ([0.0469, nan], [True, True])
    """
    if zero_method not in ("wilcox", "pratt"):
        raise ValueError(f"zero_method must be 'wilcox' or 'pratt', not {zero_method!r}")
    diff = np.atleast_2d(np.asarray(diff, float))
    signed = diff != 0
    n_signed = signed.sum(axis=1)
    magnitude = np.abs(diff)
    if zero_method == "wilcox":  # zeros rank behind every signed difference: as if dropped
        magnitude = np.where(signed, magnitude, np.inf)
    doubled = np.rint(2 * stats.rankdata(magnitude, axis=1)).astype(np.int64)
    doubled = np.where(signed, doubled, 0)
    # smallest ranks first, so that the counts stay short for as long as possible; 0 = skip the step
    ordered = np.sort(doubled, axis=1)
    reach = np.cumsum(ordered, axis=1)  # the largest sum each row can have after each step
    counts = np.zeros((diff.shape[0], int(reach[:, -1].max()) + 1 if diff.size else 1))
    counts[:, 0] = 1.0
    for step in range(diff.shape[1]):
        rank = ordered[:, step]
        if not rank.any():
            continue
        # rows sharing a rank at this step shift together (ranks concentrate on a few values per step)
        for value in np.unique(rank[rank > 0]):
            rows = np.flatnonzero(rank == value)
            width = int(reach[rows, step].max()) + 1
            counts[rows, value:width] += counts[rows, : width - value]
    observed = np.where(diff > 0, doubled, 0).sum(axis=1)
    cumulative = np.cumsum(counts, axis=1)
    total = cumulative[:, -1]
    rows = np.arange(diff.shape[0])
    at_or_below = cumulative[rows, observed]
    below = np.where(observed > 0, cumulative[rows, np.maximum(observed - 1, 0)], 0.0)
    lower, upper = at_or_below / total, (total - below) / total
    p = np.where(n_signed > 0, np.minimum(1.0, 2 * np.minimum(lower, upper)), np.nan)
    exact = np.ones(diff.shape[0], bool)
    large = n_signed > EXACT_MAX_N
    if large.any():  # beyond exact counts: the one-cohort function's normal approximation
        p[large], exact[large] = signed_rank_permutation(diff[large], zero_method)
    return p, exact
