"""Adjusting p-values for multiplicity: the package's one Benjamini-Hochberg rule.

A p-value that could not be computed (NaN) is left out of its family: it is not a test that was
run, so it neither counts towards the family size m nor receives an adjusted value (it stays NaN).
Written here rather than called from statsmodels because the robustness ensemble adjusts
thousands of families at once (one per cohort, along the last axis) and because statsmodels'
`multipletests` turns a whole family into NaN when one p is missing; the 1-D results equal
statsmodels' on the finite values (tested).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from statsmodels.stats.multitest import multipletests

NO_CORRECTION = "none"
BENJAMINI_HOCHBERG = "fdr_bh"

CORRECTION_NAMES = {
    "fdr_bh": "Benjamini-Hochberg",
    "fdr_by": "Benjamini-Yekutieli",
    "bonferroni": "Bonferroni",
    "holm": "Holm",
    "hommel": "Hommel",
    "sidak": "Sidak",
    NO_CORRECTION: "no",
}


def benjamini_hochberg(p: ArrayLike) -> NDArray[np.float64]:
    """Benjamini-Hochberg adjusted p-values along the last axis, NaN left out of each family.

    Parameters
    ----------
    p : array_like
        p-values, one family per slice along the last axis (a 1-D array is one family; a (B, m)
        array holds B families of m tests). NaN marks a test that could not be run.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values (0-1), the same shape as `p`; NaN where `p` is NaN. Each family's size
        is its number of finite p-values.

    References
    ----------
    Benjamini Y, Hochberg Y. Controlling the false discovery rate: a practical and powerful
    approach to multiple testing. J R Stat Soc B 1995;57:289-300.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03]).round(3).tolist()
    [0.03, 0.04, 0.04]
    >>> benjamini_hochberg([0.01, float("nan"), 0.04]).round(3).tolist()
    [0.02, nan, 0.04]
    """
    p = np.asarray(p, float)
    finite = np.isfinite(p)
    m = finite.sum(axis=-1, keepdims=True)
    # NaN sorts last, so the finite values take ranks 1..m in every family.
    order = np.argsort(np.where(finite, p, np.inf), axis=-1)
    ranked_p = np.take_along_axis(p, order, axis=-1)
    rank = np.arange(1, p.shape[-1] + 1)
    scaled = np.where(np.isfinite(ranked_p), ranked_p * m / rank, np.inf)
    # Step-up: each adjusted value is the smallest scaled value at its rank or above.
    stepped = np.minimum.accumulate(scaled[..., ::-1], axis=-1)[..., ::-1]
    adjusted = np.empty_like(p)
    np.put_along_axis(adjusted, order, np.minimum(stepped, 1.0), axis=-1)
    return np.where(finite, adjusted, np.nan)


def adjust_p(p: ArrayLike, method: str = BENJAMINI_HOCHBERG) -> NDArray[np.float64]:
    """p-values adjusted for multiplicity within one family, NaN left out of the family.

    Parameters
    ----------
    p : array_like
        One family of p-values (1-D); NaN marks a test that could not be run.
    method : str
        ``"fdr_bh"`` (Benjamini-Hochberg, `benjamini_hochberg`), ``"none"`` (unchanged), or any
        other method name of statsmodels' `multipletests` (applied to the finite values only).

    Returns
    -------
    numpy.ndarray
        Adjusted p-values (0-1), NaN where `p` is NaN.

    Examples
    --------
    >>> adjust_p([0.01, 0.02], "bonferroni").tolist()
    [0.02, 0.04]
    >>> adjust_p([0.01, float("nan")], "none").tolist()
    [0.01, nan]
    """
    p = np.asarray(p, float)
    if method == NO_CORRECTION:
        return p.copy()
    if method == BENJAMINI_HOCHBERG:
        return benjamini_hochberg(p)
    adjusted = np.full(p.shape, np.nan)
    finite = np.isfinite(p)
    if finite.any():
        adjusted[finite] = multipletests(p[finite], method=method)[1]
    return adjusted


def correction_name(method: str) -> str:
    """The name of a correction method for prose.

    Parameters
    ----------
    method : str
        A method code as accepted by `adjust_p`, e.g. ``"fdr_bh"``.

    Returns
    -------
    str
        The method's name (``"no"`` for ``"none"``); an unknown code is returned unchanged.

    Examples
    --------
    >>> correction_name("fdr_bh")
    'Benjamini-Hochberg'
    """
    return CORRECTION_NAMES.get(method, method)
