"""Values below the detection limit in the molecule analyses: which medians and Hodges-Lehmann
ratios they decide, and how to say so.

A ``<X`` cell stands in the data as X/2 (`tacmg.data.cell_rules.censored_value`): below every
measured value of its molecule (none may be below X) and tied with every other censored value,
so rank tests, rank correlations and their p-values are exactly those of the true values' order
with the censored ones tied at the bottom. A median or a Hodges-Lehmann estimate uses magnitudes,
though: if it moves when the censored values move anywhere below X, it is not determined by the
data, and the analyses report a bound instead of a number. Since each of these estimates can only
grow when a value of the first sample grows (and shrink when one of the second grows), placing the
censored values at X gives the bound: the estimate is below it (``< U``) when the censored values
are in the first sample only, above it (``> L``) when in the second only.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tacmg.data.loader import Dataset
from tacmg.stats.rounding import significant


def at_limit(dataset: Dataset, molecule: str, values: np.ndarray) -> np.ndarray:
    """`values` of `molecule` with every censored value moved up to its detection limit.

    Examples
    --------
    >>> from tacmg import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> at_limit(load(RECONSTRUCTED_DIR), "scd40l", np.array([3.0, 40.0])).tolist()
    [3.0, 40.0]
    """
    values = np.asarray(values, float)
    limit = dataset.detection_limits.get(molecule)
    return values if limit is None else np.where(dataset.censored(molecule, values), limit, values)


def bound(
    dataset: Dataset, molecule: str, estimate: Callable[..., float], first: np.ndarray, second: np.ndarray | None = None
) -> str:
    """How an estimate depends on censored values: ``""`` (it does not), ``"< U"``, ``"> L"`` or
    ``"not determined"`` (censored values in both samples move it both ways).

    Parameters
    ----------
    dataset : tacmg.data.loader.Dataset
        Holds the molecule's detection limit.
    molecule : str
        The molecule column.
    estimate : callable
        ``estimate(first)`` or ``estimate(first, second)``: non-decreasing in `first`,
        non-increasing in `second` (a median, a Hodges-Lehmann shift or ratio).
    first, second : numpy.ndarray
        The samples as the dataset holds them (censored values at half their limit).

    Returns
    -------
    str
        The bound as text, three significant digits.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from tacmg import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> dataset = replace(load(RECONSTRUCTED_DIR), detection_limits={"il2": 10.0})
    >>> bound(dataset, "il2", np.median, np.array([5.0, 5.0, 30.0]))
    '< 10'
    >>> bound(dataset, "il2", np.median, np.array([5.0, 20.0, 30.0]))
    ''
    >>> ratio = lambda x, y: np.median(x) / np.median(y)
    >>> bound(dataset, "il2", ratio, np.array([20.0, 30.0]), np.array([5.0, 5.0, 40.0]))
    '> 2.5'
    >>> bound(dataset, "il2", ratio, np.array([5.0, 5.0, 30.0]), np.array([5.0, 5.0, 40.0]))
    'not determined'
    """
    samples = [np.asarray(first, float)] + ([] if second is None else [np.asarray(second, float)])
    value = estimate(*samples)
    moved = []  # the estimate with one sample's censored values at the limit, where that moves it
    for index, sample in enumerate(samples):
        if not bool(dataset.censored(molecule, sample).any()):
            continue
        shifted = [at_limit(dataset, molecule, s) if i == index else s for i, s in enumerate(samples)]
        if not np.isclose(new := estimate(*shifted), value, rtol=1e-12, atol=0):
            moved.append((index, new))
    if not moved:
        return ""
    if len(moved) == 2:
        return "not determined"
    index, new = moved[0]
    return f"{'<' if index == 0 else '>'} {significant(new, 3)}"


def note(dataset: Dataset, molecule: str, estimates: dict[str, tuple]) -> str:
    """The estimates of a table row that values below the detection limit decide, as one text.

    Parameters
    ----------
    dataset : tacmg.data.loader.Dataset
        Holds the molecule's detection limit.
    molecule : str
        The molecule column.
    estimates : dict of str to tuple
        Name (as the table's reader knows it) to ``(estimate, first)`` or
        ``(estimate, first, second)``, as for `bound`.

    Returns
    -------
    str
        E.g. ``"median at baseline < 76; HL ratio not determined"``; ``""`` when none depends on them.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from tacmg import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> dataset = replace(load(RECONSTRUCTED_DIR), detection_limits={"il2": 10.0})
    >>> note(dataset, "il2", {"median": (np.median, np.array([5.0, 5.0, 30.0]))})
    'median < 10'
    """
    parts = []
    for name, (estimate, *samples) in estimates.items():
        if text := bound(dataset, molecule, estimate, *samples):
            parts.append(f"{name} {text}")
    return "; ".join(parts)


def median_ratio(first: np.ndarray, second: np.ndarray) -> float:
    """The ratio of the medians, first over second.

    Examples
    --------
    >>> median_ratio(np.array([2.0, 4.0, 6.0]), np.array([1.0, 2.0, 3.0]))
    2.0
    """
    return float(np.median(first) / np.median(second))


def hl_ratio(first: np.ndarray, second: np.ndarray) -> float:
    """The two-sample Hodges-Lehmann ratio, first over second (median of all pairwise log ratios).

    Examples
    --------
    >>> hl_ratio(np.array([2.0, 4.0]), np.array([1.0, 2.0]))
    2.0
    """
    return float(np.exp(np.median(np.log(first)[:, None] - np.log(second)[None, :])))


def paired_hl_ratio(before: np.ndarray, after: np.ndarray) -> float:
    """The paired Hodges-Lehmann ratio after / before (median of Walsh averages of the log ratios).

    Non-decreasing in `after` and non-increasing in `before`: `bound` takes ``(after, before)``.

    Examples
    --------
    >>> paired_hl_ratio(np.array([1.0, 2.0]), np.array([2.0, 4.0]))
    2.0
    """
    d = np.log(after) - np.log(before)
    walsh = (d[:, None] + d[None, :])[np.triu_indices(d.size)] / 2
    return float(np.exp(np.median(walsh)))


# Paired data. X/2 keeps the order of a censored value against the measured ones, but a paired
# change mixes a censored value with a measured one (or two censored ones): its size, and so its
# rank among the changes, depends on where in (0, X) the true value lies, and a pair censored at
# both visits becomes a zero change that the signed-rank test drops. So every paired statistic on
# a molecule with censored values is also computed under substitutions of them, and reported as a
# range. The substitutions: each visit's censored values all at LOW_FRACTION X, X/2 or just below X
# (nine combinations: the orders that put every censored value lowest or highest against the
# others, and a censored pair's change at its most negative, zero or most positive), plus
# RANDOM_DRAWS draws with each censored value uniform on that interval, which mix the orders among
# censored values. A monotone estimate (a Hodges-Lehmann change or ratio) reaches its bounds at the
# grid's corners, so its range is exact over [LOW_FRACTION X, X); for a rank statistic the range is
# what these substitutions reach, an inner bound of the range over every substitution. Substitutes
# stop at LOW_FRACTION X because a ratio to a value near 0 is unbounded.
LOW_FRACTION = 0.01
RANDOM_DRAWS = 40
_TOP = 1 - 1e-6  # just below the limit, so a substitute never ties a value measured at X


def substitutions(
    dataset: Dataset, molecule: str, before: np.ndarray, after: np.ndarray, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Copies of paired values with their censored values replaced within (0, X), as described above.

    Parameters
    ----------
    dataset : tacmg.data.loader.Dataset
        Holds the molecule's detection limit.
    molecule : str
        The molecule column.
    before, after : numpy.ndarray
        The two visits' values as the dataset holds them (censored values at X/2), aligned.
    seed : int
        Seed of the random draws.

    Returns
    -------
    list of (numpy.ndarray, numpy.ndarray)
        The substituted (before, after) pairs; empty when no value is censored.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from tacmg import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> dataset = replace(load(RECONSTRUCTED_DIR), detection_limits={"il2": 10.0})
    >>> pairs = substitutions(dataset, "il2", np.array([5.0, 20.0]), np.array([5.0, 30.0]))
    >>> len(pairs), sorted({float(b[0]) for b, _ in pairs[:9]})
    (49, [0.1, 5.0, 9.99999])
    >>> substitutions(dataset, "il2", np.array([15.0]), np.array([20.0]))
    []
    """
    before, after = np.asarray(before, float), np.asarray(after, float)
    limit = dataset.detection_limits.get(molecule)
    low_b, low_a = dataset.censored(molecule, before), dataset.censored(molecule, after)
    if limit is None or not (low_b.any() or low_a.any()):
        return []
    grid = (LOW_FRACTION * limit, limit / 2, _TOP * limit)
    pairs = [(np.where(low_b, b, before), np.where(low_a, a, after)) for b in grid for a in grid]
    rng = np.random.default_rng(seed)
    for _ in range(RANDOM_DRAWS):
        draw_b = rng.uniform(grid[0], grid[2], before.shape)
        draw_a = rng.uniform(grid[0], grid[2], after.shape)
        pairs.append((np.where(low_b, draw_b, before), np.where(low_a, draw_a, after)))
    return pairs


def paired_range(
    dataset: Dataset,
    molecule: str,
    before: np.ndarray,
    after: np.ndarray,
    measure: Callable[[np.ndarray, np.ndarray], float],
) -> tuple[float, float]:
    """(low, high) of `measure(before, after)` over the `substitutions` of the censored values.

    NaN, NaN when no value is censored (the measure is what the data give) or it is never defined.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from tacmg import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> dataset = replace(load(RECONSTRUCTED_DIR), detection_limits={"il2": 10.0})
    >>> change = lambda b, a: float(np.median(a - b))
    >>> low, high = paired_range(dataset, "il2", np.array([5.0]), np.array([30.0]), change)
    >>> round(low, 3), round(high, 3)
    (20.0, 29.9)
    """
    values = [measure(b, a) for b, a in substitutions(dataset, molecule, before, after)]
    finite = [v for v in values if np.isfinite(v)]
    return (float(min(finite)), float(max(finite))) if finite else (np.nan, np.nan)


def censored_pairs(dataset: Dataset, molecule: str, before: np.ndarray, after: np.ndarray) -> tuple[int, int]:
    """(pairs with a censored value at either visit, pairs censored at both visits).

    Examples
    --------
    >>> from dataclasses import replace
    >>> from tacmg import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> dataset = replace(load(RECONSTRUCTED_DIR), detection_limits={"il2": 10.0})
    >>> censored_pairs(dataset, "il2", np.array([5.0, 5.0, 20.0]), np.array([5.0, 30.0, 40.0]))
    (2, 1)
    """
    low_b, low_a = dataset.censored(molecule, before), dataset.censored(molecule, after)
    return int((low_b | low_a).sum()), int((low_b & low_a).sum())


def range_text(name: str, low: float, high: float) -> str:
    """One range for a table's note, e.g. ``'P 0.00097 to 0.0011'``; ``''`` when there is none.

    Examples
    --------
    >>> range_text("P", 0.000975, 0.001068), range_text("P", float("nan"), float("nan"))
    ('P 0.000975 to 0.00107', '')
    """
    if not (np.isfinite(low) and np.isfinite(high)):
        return ""
    return f"{name} {significant(low, 3)} to {significant(high, 3)}"
