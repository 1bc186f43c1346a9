"""Values on a measurement grid: the doses that can be dispensed, and the pairs of grid values that
can produce a given median. Shared by the reconstruction (which builds medians) and the
consistency checks (which ask whether a published median is possible at all).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def median_pairs(median: float, grid: ArrayLike) -> list[tuple[float, float]]:
    """Every pair of grid values whose mean is `median`: the candidate middle values of an even n.

    With 32 patients the median is the mean of the 16th and 17th values, so a published median is
    possible on a grid only if some such pair exists.

    Parameters
    ----------
    median : float
        The median to reach, in the grid's unit (e.g. mg/day).
    grid : array_like
        The values a measurement can take (compared after rounding to 6 decimals).

    Returns
    -------
    list of tuple of float
        ``(lower, upper)`` pairs with ``lower <= median <= upper`` and ``(lower + upper) / 2 ==
        median``, sorted by ascending `lower`; empty when no pair exists.

    Examples
    --------
    >>> median_pairs(16.25, [0, 2.5, 5, 7.5, 10, 12.5, 15, 17.5, 20])
    [(12.5, 20.0), (15.0, 17.5)]
    >>> median_pairs(3, [0, 2.5, 5])
    []
    """
    grid = np.asarray(grid, float)
    on_grid = set(np.round(grid, 6))
    return [
        (float(a), float(round(2 * median - a, 6)))
        for a in sorted(grid)
        if a <= median + 1e-9 and round(2 * median - a, 6) in on_grid
    ]


def dose_grid(maximum: float) -> np.ndarray:
    """Dispensable daily doses: whole milligrams and multiples of 2.5 mg, from 0 to `maximum`.

    Parameters
    ----------
    maximum : float
        The largest dose, in mg/day.

    Returns
    -------
    numpy.ndarray
        Sorted unique doses in mg/day (float).

    Examples
    --------
    >>> dose_grid(10).tolist()
    [0.0, 1.0, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 7.5, 8.0, 9.0, 10.0]
    """
    return np.unique(np.concatenate([np.arange(0, maximum + 1), np.arange(0, maximum + 0.1, 2.5)]))
