"""Complete cases for a claim on data with missing values: which patients (and controls) a claim's
statistic may use, and the batched tests run row by row on what is left.

Generated cohorts are complete, and their arrays go straight to the batched tests (`missing`
returns None after one ``numpy.isnan`` pass per array, so ensembles keep their speed). A loaded
dataset may hold NaN (`tacmg.data.cohorts.Cohorts`): then a paired claim uses the patients with
both visits of its variable, a claim against controls the patients' and the controls' present
values, a correlation the patients with both variables (pairwise complete), and a median the
present values. The claim's observed text then names its n (`note`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from tacmg.stats import rank_tests


def missing(*arrays: np.ndarray) -> np.ndarray | None:
    """(B, n) True where any of the arrays is NaN, or None when none is (the common, fast case).

    Parameters
    ----------
    *arrays : numpy.ndarray
        (B, n) arrays of the same shape.

    Returns
    -------
    numpy.ndarray or None

    Examples
    --------
    >>> missing(np.array([[1.0, 2.0]])) is None, missing(np.array([[1.0, np.nan]])).tolist()
    (True, [[False, True]])
    """
    found = None
    for array in arrays:
        if np.isnan(array).any():
            found = np.isnan(array) if found is None else found | np.isnan(array)
    return found


def rows(array: np.ndarray, keep: np.ndarray) -> list[np.ndarray]:
    """The kept values of each row of `array`, as a list of 1-d arrays (ragged).

    Examples
    --------
    >>> [r.tolist() for r in rows(np.array([[1.0, 2.0, 3.0]]), np.array([[True, False, True]]))]
    [[1.0, 3.0]]
    """
    return [np.asarray(row, float)[k] for row, k in zip(array, keep)]


def per_row(
    test: Callable[..., rank_tests.TestResult], first: Sequence[np.ndarray], second: Sequence[np.ndarray]
) -> rank_tests.TestResult:
    """Run a batched test row by row on ragged samples and join the rows into one result.

    The test's variants must be the same in every row (they are, below `rank_tests.EXACT_MAX_N`
    observations, and always for a batch of one).

    Examples
    --------
    >>> result = per_row(rank_tests.spearman, [np.arange(5.0), np.arange(4.0)], [np.arange(5.0), -np.arange(4.0)])
    >>> result.estimate.tolist()
    [1.0, -1.0]
    """
    results = [test(np.asarray(a, float)[None], np.asarray(b, float)[None]) for a, b in zip(first, second)]
    variants = results[0].variants
    if any(r.variants != variants for r in results):
        raise ValueError("rows of different sizes ran under different variants; evaluate them one by one")
    primary = [np.zeros(1, int) if r.primary is None else r.primary for r in results]
    return rank_tests.TestResult(
        results[0].test,
        np.concatenate([r.estimate for r in results]),
        np.concatenate([r.statistic for r in results]),
        np.concatenate([r.p for r in results]),
        variants,
        primary=np.concatenate(primary),
    )


def note(
    used: Sequence[int], total: int, what: str, controls: Sequence[int] = (), total_controls: int = 0
) -> list[str]:
    """Per cohort, the words saying how many observations a claim used, if fewer than the cohort's.

    Parameters
    ----------
    used : sequence of int
        Patients used in each cohort.
    total : int
        Patients in the cohort.
    what : str
        Which patients, e.g. ``"with both visits of QMG"``.
    controls, total_controls : sequence of int, int
        Controls used and in the cohort, for a claim against controls.

    Returns
    -------
    list of str
        Empty text where nothing was left out.

    Examples
    --------
    >>> note([17, 20], 20, "with both visits")
    ['n = 17 of 20 patients with both visits', '']
    """
    texts = []
    for b, n in enumerate(used):
        m = controls[b] if len(controls) else total_controls
        if n == total and m == total_controls:
            texts.append("")
            continue
        text = f"n = {n} of {total} patients {what}"
        if total_controls:
            text += f" and {m} of {total_controls} controls"
        texts.append(text)
    return texts
