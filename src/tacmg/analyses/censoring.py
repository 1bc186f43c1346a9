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
