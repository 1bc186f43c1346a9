"""Batched forms of two scipy tests the chapters run one cohort at a time: `spearmanr` and `kruskal`.

`tacmg.stats.rank_tests` holds the claims' tests under their variants; the chapters' tables report
scipy's `spearmanr` p (t approximation) and the Kruskal-Wallis test across status groups. These
compute what scipy gives for each row of a (B, n) batch (tested against scipy row by row), with
scipy's arithmetic (mid-ranks, `numpy.corrcoef`'s order of operations, the tie correction), so
that an ensemble's numbers need no loop over cohorts.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats


def spearman_t(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spearman's rho and scipy's `spearmanr` p (t approximation) of every row, with ties.

    `tacmg.stats.rank_tests.spearman` gives the claims' variants; this gives exactly what scipy's `spearmanr` gives one
    cohort at a time (the chapters' tables report it), batched: mid-ranks, Pearson's correlation of
    the ranks as `numpy.corrcoef` computes it, t = rho sqrt((n - 2) / ((1 + rho)(1 - rho))) on
    n - 2 degrees of freedom, two-sided.

    Parameters
    ----------
    x, y : numpy.ndarray
        (B, n) paired values, one cohort per row, complete (no NaN).

    Returns
    -------
    rho, p : numpy.ndarray
        (B,) correlations (-1 to 1) and two-sided p-values; both NaN in a row where x or y is
        constant or n < 2, as scipy returns them.

    Examples
    --------
    >>> rho, p = spearman_t(np.array([[1, 2, 3, 4, 5], [1, 1, 1, 1, 1]]), np.array([[2, 1, 4, 3, 5], [1, 2, 3, 4, 5]]))
    >>> rho.round(3).tolist(), p.round(3).tolist()
    ([0.8, nan], [0.104, nan])
    """
    x, y = np.atleast_2d(np.asarray(x, float)), np.atleast_2d(np.asarray(y, float))
    n = x.shape[1]
    if n <= 1:
        nan = np.full(x.shape[0], np.nan)
        return nan, nan.copy()
    constant = np.all(x == x[:, :1], axis=1) | np.all(y == y[:, :1], axis=1)
    rank_x = stats.rankdata(x, axis=1)
    rank_y = stats.rankdata(y, axis=1)
    # numpy.corrcoef's arithmetic: centred values, covariances over n - 1, divided by each sd in turn
    centred_x = rank_x - rank_x.mean(axis=1, keepdims=True)
    centred_y = rank_y - rank_y.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov_xy = np.einsum("ij,ij->i", centred_x, centred_y) / (n - 1)
        sd_x = np.sqrt(np.einsum("ij,ij->i", centred_x, centred_x) / (n - 1))
        sd_y = np.sqrt(np.einsum("ij,ij->i", centred_y, centred_y) / (n - 1))
        rho = np.clip(cov_xy / sd_x / sd_y, -1, 1)
        dof = n - 2
        t = rho * np.sqrt((dof / ((rho + 1.0) * (1.0 - rho))).clip(0))
        p = 2 * special.stdtr(dof, -np.abs(t))
    return np.where(constant, np.nan, rho), np.where(constant, np.nan, p)


def kruskal_wallis(
    values: np.ndarray, groups: np.ndarray, n_groups: int, min_group_size: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Kruskal-Wallis H test of every row, among the groups with at least `min_group_size` members.

    Parameters
    ----------
    values : numpy.ndarray
        (B, n) values, one cohort per row, complete (no NaN).
    groups : numpy.ndarray
        (B, n) group index (0 to `n_groups` - 1) of each value; any other index (e.g. -1) is in no
        group and left out.
    n_groups : int
        How many groups there can be.
    min_group_size : int
        Groups smaller than this in a row take no part in its test.

    Returns
    -------
    h, p : numpy.ndarray
        (B,) tie-corrected H and its chi-squared p on (groups taking part - 1) degrees of freedom,
        as scipy's `kruskal` computes them on the groups of the row; NaN where fewer than two
        groups take part or their values are all equal (scipy would raise).

    Examples
    --------
    >>> values = np.array([[1.0, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]])
    >>> groups = np.array([[0, 0, 1, 1, 1, 2], [0, 0, 0, 1, 1, 1]])
    >>> h, p = kruskal_wallis(values, groups, n_groups=3)
    >>> h.round(4).tolist(), p.round(4).tolist()
    ([3.0, 3.8571], [0.0833, 0.0495])
    """
    values = np.atleast_2d(np.asarray(values, float))
    groups = np.atleast_2d(groups)
    member = [groups == g for g in range(n_groups)]
    sizes = np.stack([m.sum(axis=1) for m in member], axis=1)  # (B, n_groups)
    taking_part = sizes >= min_group_size
    included = np.zeros(values.shape, bool)
    for g, m in enumerate(member):
        included |= m & taking_part[:, g : g + 1]
    total = included.sum(axis=1).astype(float)
    # values left out rank behind every value taking part, so those get the ranks of their own test
    ranked = stats.rankdata(np.where(included, values, np.inf), axis=1)
    equal = (values[:, :, None] == values[:, None, :]) & included[:, :, None] & included[:, None, :]
    tie_sizes = equal.sum(axis=2).astype(float)  # per value, how many values of the test equal it
    # sum over tie groups of t^3 - t = sum over values of t^2 - 1 (each group has t values)
    tie_term = np.where(included, tie_sizes**2 - 1, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ties = 1 - tie_term / (total**3 - total)
        ssbn = np.zeros(values.shape[0])
        for g, m in enumerate(member):
            rank_sum = np.where(m & taking_part[:, g : g + 1], ranked, 0.0).sum(axis=1)
            ssbn = ssbn + np.where(taking_part[:, g], rank_sum**2 / np.maximum(sizes[:, g], 1), 0.0)
        h = 12.0 / (total * (total + 1)) * ssbn - 3 * (total + 1)
        h /= ties
        df = taking_part.sum(axis=1) - 1.0
        p = special.chdtrc(df, h)
    lowest = np.where(included, values, np.inf).min(axis=1)
    highest = np.where(included, values, -np.inf).max(axis=1)
    testable = (taking_part.sum(axis=1) >= 2) & (highest > lowest)
    return np.where(testable, h, np.nan), np.where(testable, p, np.nan)
