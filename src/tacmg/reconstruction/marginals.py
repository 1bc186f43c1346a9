"""Marginal distributions with exact published summaries: medians and means of integer data.

All functions work on batches (B, n) and keep each patient's identity (axis 1 is patients, not
sorted order), so values derived per patient (month-12 from baseline) stay paired.
"""

from __future__ import annotations

import numpy as np

from tacmg.stats.grids import median_pairs
from tacmg.stats.rounding import round_half_up_array


def median_pair(median: float, grid: np.ndarray | None = None) -> tuple[float, float]:
    """Two neighbouring order statistics (lower, upper) whose mean is `median`.

    On an integer scale (grid None) 10 gives (10, 10) and 4.5 gives (4, 5). With a dose grid, the
    closest such pair on the grid (the highest lower value) is used.
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
    at the lower value and those above are raised to the upper one. Ties in rank are broken by
    `tie_priority` (lower first), then at random.
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

    Values are integers (in whatever unit the caller uses, e.g. tenths of a year) within
    [low, high]; the adjustment touches as few units as the deficit requires.
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
    """The integer sum (in `unit`s) whose mean over n rounds to `mean` and is nearest to it."""
    exact = mean * n / unit
    candidates = np.arange(np.floor(exact) - n, np.ceil(exact) + n + 1)
    rounds = round_half_up_array(candidates * unit / n, decimals)
    valid = candidates[np.isclose(rounds, mean)]
    if valid.size == 0:
        raise ValueError(f"no sum of {n} values in steps of {unit} has a mean rounding to {mean}")
    return int(valid[np.argmin(np.abs(valid - exact))])


def counts_from_shares(shares: dict[str, float], n: int) -> dict[str, int]:
    """Whole-patient counts from shares by the largest-remainder method (they sum to n)."""
    raw = {k: v * n for k, v in shares.items()}
    counts = {k: int(np.floor(v)) for k, v in raw.items()}
    leftover = n - sum(counts.values())
    for k in sorted(raw, key=lambda k: (raw[k] - counts[k], k), reverse=True)[:leftover]:
        counts[k] += 1
    return counts


def snap(values: np.ndarray, step: float) -> np.ndarray:
    """Round to the nearest multiple of `step`."""
    return np.round(values / step) * step


def round_significant(values: np.ndarray, digits: int) -> np.ndarray:
    """Round positive values to `digits` significant digits."""
    magnitude = np.floor(np.log10(values))
    scale = 10.0 ** (digits - 1 - magnitude)
    return np.round(values * scale) / scale
