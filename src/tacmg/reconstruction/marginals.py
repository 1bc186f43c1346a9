"""Marginal distributions with exact published summaries: medians and means of integer data.

All functions work on batches (B, n) and keep each patient's identity (axis 1 is patients, not
sorted order), so values derived per patient (month-12 from baseline) stay paired. Written by
hand: drawing from a distribution and then moving as few values as possible onto a published
median or a sum whose mean rounds to the published mean is specific to this reconstruction.
"""

from __future__ import annotations

import numpy as np

from tacmg.stats.grids import median_pairs
from tacmg.stats.rounding import round_half_up_array


def median_pair(median: float, grid: np.ndarray | None = None) -> tuple[float, float]:
    """Two neighbouring order statistics (lower, upper) whose mean is `median`.

    Parameters
    ----------
    median : float
        The median to reach, in the data's unit.
    grid : numpy.ndarray or None
        The values allowed (e.g. `tacmg.stats.grids.dose_grid`); None for an integer scale.

    Returns
    -------
    tuple of float
        On an integer scale, 10 gives (10, 10) and 4.5 gives (4, 5); on a grid, the closest pair
        (the highest lower value) of `tacmg.stats.grids.median_pairs`.

    Raises
    ------
    ValueError
        If no two grid values have that mean.

    Examples
    --------
    >>> median_pair(10), median_pair(4.5), median_pair(13.75, np.arange(0, 101, 2.5))
    ((10.0, 10.0), (4.0, 5.0), (12.5, 15.0))
    """
    if grid is None:
        lower = np.floor(median)
        return float(lower), float(2 * median - lower)
    pairs = median_pairs(median, grid)
    if not pairs:
        raise ValueError(f"no two grid values have mean {median}")
    return pairs[-1]


def force_median(
    values: np.ndarray,
    median: float,
    rng: np.random.Generator,
    tie_priority: np.ndarray | None = None,
    grid: np.ndarray | None = None,
) -> np.ndarray:
    """Move the fewest values needed so every row's median equals `median` exactly (even n).

    The two middle patients take the pair from `median_pair`; patients below the middle are capped
    at the lower value and those above are raised to the upper one.

    Parameters
    ----------
    values : numpy.ndarray
        (B, n) values, n even.
    median : float
        The median every row must have.
    rng : numpy.random.Generator
        Breaks the remaining ties in rank at random.
    tie_priority : numpy.ndarray, optional
        (B, n) ranks tied values by this first (lower first).
    grid : numpy.ndarray, optional
        The values allowed, passed to `median_pair`.

    Returns
    -------
    numpy.ndarray
        (B, n) float values, patients in their original positions.

    Raises
    ------
    ValueError
        If n is odd.

    Examples
    --------
    >>> values = np.array([[1.0, 2, 3, 4, 5, 6], [9, 9, 9, 9, 9, 9]])
    >>> out = force_median(values, 4.5, np.random.default_rng(0))
    >>> out[0].tolist(), np.median(out, axis=1).tolist()
    ([1.0, 2.0, 4.0, 5.0, 5.0, 6.0], [4.5, 4.5])
    """
    batch, n = values.shape
    if n % 2:
        raise ValueError("force_median needs an even number of patients")
    lower, upper = median_pair(median, grid)
    priority = np.zeros_like(values) if tie_priority is None else tie_priority
    jitter = rng.random(values.shape)
    order = np.lexsort((jitter, priority, values), axis=1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(n)[None].repeat(batch, 0), axis=1)
    half = n // 2
    out = values.astype(float).copy()
    below, above = ranks < half - 1, ranks > half
    out = np.where(below, np.minimum(out, lower), out)
    out = np.where(above, np.maximum(out, upper), out)
    out = np.where(ranks == half - 1, lower, out)
    out = np.where(ranks == half, upper, out)
    return out


def force_integer_sum(values: np.ndarray, target_sum: int, low: int, high: int, rng: np.random.Generator) -> np.ndarray:
    """Add or remove single units at random patients until each row sums to `target_sum`.

    Parameters
    ----------
    values : numpy.ndarray
        (B, n) whole numbers in the caller's unit (e.g. tenths of a year).
    target_sum : int
        The sum every row must have.
    low, high : int
        No value is moved below `low` or above `high`.
    rng : numpy.random.Generator
        Picks the patients.

    Returns
    -------
    numpy.ndarray
        (B, n) int64; the adjustment touches as few units as the deficit requires.

    Raises
    ------
    RuntimeError
        If the sum cannot be reached within [low, high].

    Examples
    --------
    >>> force_integer_sum(np.array([[3, 4, 5, 6]]), 20, 0, 10, np.random.default_rng(0)).sum(axis=1).tolist()
    [20]
    """
    out = values.astype(np.int64).copy()
    _batch, n = out.shape
    for _ in range(100 * n):
        deficit = target_sum - out.sum(axis=1)
        if not deficit.any():
            return out
        step = np.sign(deficit)
        movable = np.where(step[:, None] > 0, out < high, out > low) & (deficit != 0)[:, None]
        # One random movable patient per unfinished row.
        pick = np.argmax(rng.random(out.shape) * movable, axis=1)
        rows = np.flatnonzero(deficit != 0)
        out[rows, pick[rows]] += step[rows]
    raise RuntimeError("could not reach the target sum within the allowed range")


def target_sum_for_mean(mean: float, decimals: int, n: int, unit: float) -> int:
    """The integer sum, counted in steps of `unit`, whose mean over n rounds to `mean`, nearest to it.

    Parameters
    ----------
    mean : float
        The published mean.
    decimals : int
        The decimals it was printed with (rounded half up).
    n : int
        The number of values.
    unit : float
        The step of the values, e.g. 1.0 for whole years or 0.1 for tenths.

    Returns
    -------
    int
        The sum, counted in steps of `unit`.

    Raises
    ------
    ValueError
        If no such sum exists.

    Examples
    --------
    >>> target_sum_for_mean(37.8, 1, 32, 1.0), target_sum_for_mean(4.9, 1, 32, 0.1)
    (1210, 1568)
    """
    exact = mean * n / unit
    candidates = np.arange(np.floor(exact) - n, np.ceil(exact) + n + 1)
    rounds = round_half_up_array(candidates * unit / n, decimals)
    valid = candidates[np.isclose(rounds, mean)]
    if valid.size == 0:
        raise ValueError(f"no sum of {n} values in steps of {unit} has a mean rounding to {mean}")
    return int(valid[np.argmin(np.abs(valid - exact))])


def counts_from_shares(shares: dict[str, float], n: int) -> dict[str, int]:
    """Whole-patient counts from shares by the largest-remainder method (they sum to n).

    Parameters
    ----------
    shares : dict of str to float
        Label to share (0-1); the shares sum to 1.
    n : int
        The number of patients.

    Returns
    -------
    dict of str to int
        Label to count: the floor of share * n, plus one for the largest remainders (ties by
        label, in reverse order) until the counts sum to n.

    Examples
    --------
    >>> counts_from_shares({"AChR": 0.8, "MuSK": 0.05, "seronegative": 0.15}, 32)
    {'AChR': 26, 'MuSK': 1, 'seronegative': 5}
    """
    raw = {k: v * n for k, v in shares.items()}
    counts = {k: int(np.floor(v)) for k, v in raw.items()}
    leftover = n - sum(counts.values())
    for k in sorted(raw, key=lambda k: (raw[k] - counts[k], k), reverse=True)[:leftover]:
        counts[k] += 1
    return counts


def snap(values: np.ndarray, step: float) -> np.ndarray:
    """Round to the nearest multiple of `step` (halves to even, as numpy rounds).

    Parameters
    ----------
    values : numpy.ndarray
        Values in any unit, e.g. mg/day.
    step : float
        The grid step, e.g. 2.5.

    Returns
    -------
    numpy.ndarray
        Multiples of `step`, same shape.

    Examples
    --------
    >>> snap(np.array([31.0, 33.9, 1.2]), 2.5).tolist()
    [30.0, 35.0, 0.0]
    """
    return np.round(values / step) * step


def round_significant(values: np.ndarray, digits: int) -> np.ndarray:
    """Round positive values to `digits` significant digits.

    Parameters
    ----------
    values : numpy.ndarray
        Strictly positive values (e.g. concentrations in pg/mL).
    digits : int
        Significant digits to keep.

    Returns
    -------
    numpy.ndarray
        Rounded values, same shape.

    Examples
    --------
    >>> round_significant(np.array([1234.5, 0.012345]), 3).tolist()
    [1230.0, 0.0123]
    """
    magnitude = np.floor(np.log10(values))
    scale = 10.0 ** (digits - 1 - magnitude)
    return np.round(values * scale) / scale
