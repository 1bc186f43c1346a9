"""Medians of batches whose rows keep different numbers of values (a status group, a subset).

An ensemble is a (B, n) array, one cohort per row; a statistic over a subgroup of patients keeps a
different number of values in each row. Rather than loop over cohorts, the values left out are
sorted behind the others and each row's median is read at its own count. The median is computed
as `numpy.median` computes it (the middle value, or the mean of the two middle values), so the two
agree to the bit, which the tests of the batched chapter numbers rely on.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def sorted_median(ordered: np.ndarray, count: ArrayLike) -> np.ndarray:
    """Median of the first `count` values of each row of a row-sorted (B, n) array.

    Parameters
    ----------
    ordered : numpy.ndarray
        (B, n) values, each row sorted ascending (the values to leave out at its end).
    count : array_like
        (B,) how many leading values of each row to use.

    Returns
    -------
    numpy.ndarray
        (B,) medians; NaN where `count` is 0.

    Examples
    --------
    >>> sorted_median(np.array([[1.0, 2, 4, 9], [1, 2, 4, 9], [1, 2, 4, 9]]), [4, 3, 0]).tolist()
    [3.0, 2.0, nan]
    """
    count = np.asarray(count)
    lower = np.take_along_axis(ordered, np.maximum((count - 1) // 2, 0)[:, None], axis=1)[:, 0]
    upper = np.take_along_axis(ordered, np.maximum(count // 2, 0)[:, None], axis=1)[:, 0]
    with np.errstate(invalid="ignore"):
        middle = np.where(count % 2 == 1, upper, (lower + upper) / 2)
    return np.where(count > 0, middle, np.nan)


def masked_median(values: ArrayLike, keep: ArrayLike) -> np.ndarray:
    """Median of each row's values where `keep` holds.

    Parameters
    ----------
    values : array_like
        (B, n) values, one cohort per row.
    keep : array_like
        (B, n) booleans: the values each row's median uses.

    Returns
    -------
    numpy.ndarray
        (B,) medians in the values' unit; NaN in a row that keeps none.

    Examples
    --------
    >>> values = np.array([[5.0, 1, 3, 8], [5, 1, 3, 8]])
    >>> masked_median(values, [[True, True, True, False], [False, False, False, False]]).tolist()
    [3.0, nan]
    """
    values, keep = np.asarray(values, float), np.asarray(keep, bool)
    ordered = np.sort(np.where(keep, values, np.inf), axis=1)
    return sorted_median(ordered, keep.sum(axis=1))
