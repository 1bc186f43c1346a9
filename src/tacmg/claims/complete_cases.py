"""Complete cases for a claim on data with missing values: which patients (and controls) a claim's
statistic may use, and the batched tests run row by row on what is left.

Generated cohorts are complete, and their arrays go straight to the batched tests (`missing`
returns None after one ``numpy.isnan`` pass per array, so ensembles keep their speed). A loaded
dataset may hold NaN (`tacmg.data.cohorts.Cohorts`): then a paired claim uses the patients with
both visits of its variable, a claim against controls the patients' and the controls' present
values, a correlation the patients with both variables (pairwise complete), a median the
present values, and a status claim the patients with a status, as a share of them
(`status_share`). The claim's observed text then names its n (`note`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from tacmg.claims.registry import Claim
from tacmg.data.cohorts import STATUS_MISSING, status_mask
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


def sizes(*samples) -> np.ndarray:
    """(B,) the number of values per cohort of a (B, n) array or a list of 1-d arrays.

    Examples
    --------
    >>> sizes(np.zeros((2, 5))).tolist(), sizes([np.zeros(3), np.zeros(4)]).tolist()
    ([5, 5], [3, 4])
    """
    (sample, *_) = samples
    if isinstance(sample, list):
        return np.array([np.asarray(row).size for row in sample], int)
    return np.full(sample.shape[0], sample.shape[1], int)


def nonzero_changes(before, after) -> np.ndarray:
    """(B,) the non-zero paired changes per cohort: the signed-rank test drops the zeros.

    Examples
    --------
    >>> nonzero_changes(np.array([[1.0, 2.0, 3.0]]), np.array([[1.0, 3.0, 5.0]])).tolist()
    [2]
    """
    if isinstance(before, list):
        return np.array([np.count_nonzero(np.asarray(b) - np.asarray(a)) for a, b in zip(before, after)], int)
    return np.count_nonzero(after - before, axis=1)


def accepted_counts(claim: Claim, n: int, published_n: int) -> tuple[int, int]:
    """The whole counts of `n` patients with a status that a status claim accepts, (low, high).

    The claim's ``min`` and ``max`` are counts of the `published_n` patients of the report; as
    shares they become, at `n` patients with a status, every count from the whole number at or just
    below ``min / published_n`` of n to the one at or just above ``max / published_n`` of n (the
    counts that bracket the published share, as `tacmg.analyses.status.share_arithmetic` does).
    At n = published_n these are ``min`` and ``max`` themselves.

    Examples
    --------
    >>> from tacmg.claims.registry import load_claims
    >>> claim = load_claims().by_id("status-mm")  # 10 or 11 of 32
    >>> accepted_counts(claim, 32, 32), accepted_counts(claim, 29, 32), accepted_counts(claim, 20, 32)
    ((10, 11), (9, 10), (6, 7))
    """
    low = (claim.params["min"] * n) // published_n
    high = -((-claim.params["max"] * n) // published_n)
    return int(low), int(high)


def status_share(
    claim: Claim, status: np.ndarray, published_n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A status claim on each cohort, read as a share of the patients with a status.

    Parameters
    ----------
    claim : Claim
        A ``status_count`` claim.
    status : numpy.ndarray
        (B, n) status indices (`tacmg.data.cohorts.Cohorts`, `STATUS_MISSING` where not assessed).
    published_n : int
        The report's cohort size, of which the claim's ``min`` and ``max`` are counts.

    Returns
    -------
    tuple of numpy.ndarray
        (B,) each: the count with the claim's statuses, the patients with a status, whether the
        count is one of `accepted_counts`, and whether the claim is decidable (some patient has a
        status and some count could fail it: with one patient, 0 and 1 both fit "roughly 33%").

    Examples
    --------
    >>> from tacmg.claims.registry import load_claims
    >>> from tacmg.data.contract import STATUS_CODES
    >>> mm, unchanged = STATUS_CODES.index("MM"), STATUS_CODES.index("U")
    >>> status = np.array([[mm] * 9 + [unchanged] * 20 + [STATUS_MISSING] * 3, [STATUS_MISSING] * 32])
    >>> [a.tolist() for a in status_share(load_claims().by_id("status-mm"), status, 32)]
    [[9, 0], [29, 0], [True, False], [True, False]]
    """
    count = status_mask(status, claim.params["statuses"]).sum(axis=1)
    assessed = (status != STATUS_MISSING).sum(axis=1)
    bounds = np.array([accepted_counts(claim, int(n), published_n) for n in assessed]).reshape(-1, 2)
    holds = (count >= bounds[:, 0]) & (count <= bounds[:, 1]) & (assessed > 0)
    could_fail = (bounds[:, 0] > 0) | (bounds[:, 1] < assessed)
    return count, assessed, holds, (assessed > 0) & could_fail


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
