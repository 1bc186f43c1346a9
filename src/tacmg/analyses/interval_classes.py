"""The classes of reconstruction intervals and their Monte Carlo noise, from values across ensembles.

`tacmg.analyses.reconstruction_intervals` draws the three ensembles and measures the chapters'
numbers on them; this module turns those values into each number's interval and class
(`number_class`, the rule of that module's docstring) and resamples the ensembles for the class's
noise (`interval_table`, `class_summary`). Kept apart because it is pure arithmetic on frames: it
draws nothing and reads nothing stored.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd

LEVEL = 0.95  # the central share of the ensemble the interval covers (2.5-97.5%)
NARROWED_BELOW = 0.75  # a step leaving less than this share of the range before it narrows the number
FIXED_TOLERANCE = 1e-9  # a range no wider than this (relative to the value's size): fixed
BOOTSTRAP_REPLICATES = 200  # resamples of each ensemble behind the class's Monte Carlo noise
BOOTSTRAP_SEED = 20220827
FIXED = "fixed by the published figures"
BY_BOTH = "narrowed by the published summaries and tests"
BY_SUMMARIES = "narrowed by the published summaries"
BY_TESTS = "narrowed by the published tests"
NOT_NARROWED = "not narrowed (priors centred on the report)"
SET_BY_PRIOR = "set by a prior"
CLASSES = (FIXED, BY_BOTH, BY_SUMMARIES, BY_TESTS, NOT_NARROWED, SET_BY_PRIOR)
IMPLIED_CLASSES = (FIXED, BY_BOTH, BY_SUMMARIES, BY_TESTS)  # what the report pins down, at least in part


def _narrows(after: float, before: float) -> bool:
    """Whether a step leaves less than `NARROWED_BELOW` of the range before it (False when unknown)."""
    return math.isfinite(after) and math.isfinite(before) and after < NARROWED_BELOW * before


def number_class(width: float, descriptive_width: float, priors_width: float = math.nan, scale: float = 1.0) -> str:
    """The class of a number from its ranges across the three ensembles (the module docstring's rule).

    Parameters
    ----------
    width, descriptive_width, priors_width : float
        The 2.5-97.5% range across the conditioned, the descriptive and the priors-alone ensemble
        (NaN: the number exists in too few of that ensemble's cohorts; a step from or to an unknown
        range narrows nothing).
    scale : float
        The number's size (its largest absolute value), for the tolerance of "fixed".

    Returns
    -------
    str
        One of `CLASSES` (never `SET_BY_PRIOR`, which `interval_table` gives by name); "" when the
        conditioned range is missing.

    Examples
    --------
    >>> number_class(0.0, 3.0, 3.0), number_class(1.0, 4.0, 4.0), number_class(1.0, 1.2, 4.0)
    ('fixed by the published figures', 'narrowed by the published tests', 'narrowed by the published summaries')
    >>> number_class(1.0, 2.0, 4.0), number_class(3.5, 4.0, 4.2)
    ('narrowed by the published summaries and tests', 'not narrowed (priors centred on the report)')
    """
    if not (math.isfinite(width) and math.isfinite(descriptive_width)):
        return ""
    if width <= FIXED_TOLERANCE * max(1.0, abs(scale)):
        return FIXED
    summaries, tests = _narrows(descriptive_width, priors_width), _narrows(width, descriptive_width)
    return {(True, True): BY_BOTH, (True, False): BY_SUMMARIES, (False, True): BY_TESTS}.get(
        (summaries, tests), NOT_NARROWED
    )


def _is_count(values: np.ndarray) -> bool:
    """Whether every value is a whole number (a count: its interval gets integer ends)."""
    return bool(len(values)) and bool(np.all(np.mod(values, 1) == 0))


def _ends(values: np.ndarray, tail: float, count: bool, axis: int | None = None) -> tuple[Any, Any]:
    """The `tail` and 1 - `tail` quantiles; for counts the observed values just outside them."""
    if count:  # integer ends that cover at least the central share: never "5.0 to 12.6"
        return (
            np.quantile(values, tail, axis=axis, method="lower"),
            np.quantile(values, 1 - tail, axis=axis, method="higher"),
        )
    return np.quantile(values, tail, axis=axis), np.quantile(values, 1 - tail, axis=axis)


def _width(values: np.ndarray, tail: float, count: bool) -> float:
    if len(values) < 20:  # too few cohorts have it for a 2.5-97.5% range
        return math.nan
    low, high = _ends(values, tail, count)
    return float(high - low)


def _bootstrap_widths(
    values: np.ndarray, tail: float, count: bool, rng: np.random.Generator, replicates: int
) -> np.ndarray:
    """The width of each bootstrap resample of `values` (NaN for all when there are too few)."""
    if len(values) < 20:
        return np.full(replicates, math.nan)
    resampled = values[rng.integers(0, len(values), (replicates, len(values)))]
    low, high = _ends(resampled, tail, count, axis=1)
    return np.asarray(high - low, dtype=float)


def _band(ratios: np.ndarray) -> tuple[float, float]:
    finite = ratios[np.isfinite(ratios)]
    if not len(finite):
        return math.nan, math.nan
    low, high = np.quantile(finite, [0.025, 0.975])
    return float(low), float(high)


def _ratio(a: Any, b: Any) -> Any:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.asarray(b) > 0, np.asarray(a, dtype=float) / np.asarray(b, dtype=float), np.nan)


def interval_table(
    conditioned: pd.DataFrame,
    descriptive: pd.DataFrame,
    priors: pd.DataFrame | None = None,
    level: float = LEVEL,
    assumed: Collection[str] = (),
    replicates: int = BOOTSTRAP_REPLICATES,
    seed: int = BOOTSTRAP_SEED,
) -> pd.DataFrame:
    """Each number's reconstruction interval, class and Monte Carlo noise, from its values across the ensembles.

    Parameters
    ----------
    conditioned, descriptive, priors : pandas.DataFrame
        `tacmg.analyses.reconstruction_intervals.measure_across` of the same measure on the
        conditioned, the descriptive and the priors-alone ensemble (None: no priors-alone ensemble,
        so no step is credited to the summaries). The conditioned ensemble's first row is the committed cohort.
    level : float
        Central share covered (0-1).
    assumed : collection of str
        Numbers a prior sets outright (the share of women, the count in each other status): the
        same in every reconstruction, yet set by a prior, not by the report.
    replicates : int
        Bootstrap replicates of each ensemble (0: no noise columns are computed; they are NaN).
    seed : int
        Seed of the resampling.

    Returns
    -------
    pandas.DataFrame
        Indexed by number name: ``ri_low``, ``ri_high`` (the interval, in the number's unit;
        integers for a count), ``ri_width``, ``descriptive_width``, ``priors_width``, ``cohorts``
        (how many conditioned cohorts had the number), ``count`` (whole numbers throughout),
        ``median``, ``committed`` (the committed cohort's value), ``outside`` (it lies outside its
        own interval: a property of the draw), ``share_at_most`` / ``share_at_least`` (conditioned
        cohorts at or below / above the committed value), ``summaries_ratio`` (descriptive /
        priors-alone width) and ``tests_ratio`` (conditioned / descriptive width) with their
        bootstrap bands (``_low``, ``_high``), ``number_class`` and ``class_flips`` (the share of
        bootstrap replicates whose class differs).

    Examples
    --------
    >>> a = pd.DataFrame({"x": [1.0] * 40, "y": np.arange(40.0)})
    >>> b = pd.DataFrame({"x": np.arange(40.0), "y": np.arange(40.0)})
    >>> interval_table(a, b, b, replicates=0)[["ri_low", "ri_high", "number_class"]]
       ri_low  ri_high                                 number_class
    x     1.0      1.0               fixed by the published figures
    y     0.0     39.0  not narrowed (priors centred on the report)
    """
    tail = (1 - level) / 2
    rng = np.random.default_rng(seed)
    empty = pd.Series(dtype=float)
    rows = {}
    for name in conditioned.columns:
        values = conditioned[name].dropna().to_numpy(float)
        loose = descriptive.get(name, empty).dropna().to_numpy(float)
        alone = (priors[name] if priors is not None and name in priors else empty).dropna().to_numpy(float)
        count = _is_count(values)
        if len(values) < 20:
            low = high = math.nan
        else:
            low, high = (float(e) for e in _ends(values, tail, count))
        width, loose_width, alone_width = high - low, _width(loose, tail, count), _width(alone, tail, count)
        scale = float(np.abs(values).max()) if len(values) else 1.0
        committed = float(conditioned[name].iloc[0]) if len(conditioned) else math.nan
        point_class = SET_BY_PRIOR if name in assumed else number_class(width, loose_width, alone_width, scale)
        noise = {
            "summaries_ratio_low": math.nan,
            "summaries_ratio_high": math.nan,
            "tests_ratio_low": math.nan,
            "tests_ratio_high": math.nan,
            "class_flips": math.nan,
        }
        if replicates and point_class not in ("", SET_BY_PRIOR):
            w2, w1, w0 = (_bootstrap_widths(v, tail, count, rng, replicates) for v in (values, loose, alone))
            flips = [number_class(a, b, c, scale) != point_class for a, b, c in zip(w2, w1, w0, strict=True)]
            noise["summaries_ratio_low"], noise["summaries_ratio_high"] = _band(_ratio(w1, w0))
            noise["tests_ratio_low"], noise["tests_ratio_high"] = _band(_ratio(w2, w1))
            noise["class_flips"] = float(np.mean(flips))
        tolerance = FIXED_TOLERANCE * max(1.0, abs(scale))
        rows[name] = {
            "ri_low": low,
            "ri_high": high,
            "ri_width": width,
            "descriptive_width": loose_width,
            "priors_width": alone_width,
            "cohorts": len(values),
            "count": count,
            "median": float(np.median(values)) if len(values) else math.nan,
            "committed": committed,
            "outside": bool(math.isfinite(committed) and (committed < low - tolerance or committed > high + tolerance)),
            "share_at_most": float(np.mean(values <= committed + tolerance)) if len(values) else math.nan,
            "share_at_least": float(np.mean(values >= committed - tolerance)) if len(values) else math.nan,
            "summaries_ratio": float(_ratio(loose_width, alone_width)),
            "tests_ratio": float(_ratio(width, loose_width)),
            **noise,
            "number_class": point_class,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def set_by_priors(table: pd.DataFrame, assumed: Collection[str]) -> pd.DataFrame:
    """`table` with the numbers of `assumed` classed `SET_BY_PRIOR` (and no Monte Carlo noise).

    Examples
    --------
    >>> t = interval_table(pd.DataFrame({"x": [1.0] * 40}), pd.DataFrame({"x": [1.0] * 40}), replicates=0)
    >>> set_by_priors(t, {"x"}).loc["x", "number_class"]
    'set by a prior'
    """
    table = table.copy()
    names = table.index.intersection(list(assumed))
    table.loc[names, "number_class"] = SET_BY_PRIOR
    noise = [c for c in table.columns if c.endswith(("_ratio_low", "_ratio_high")) or c == "class_flips"]
    table.loc[names, noise] = math.nan
    return table


def class_summary(tables: Mapping[str, pd.DataFrame], flip_limit: float = 0.1) -> dict[str, float | int]:
    """The Monte Carlo noise of the classes across every chapter (for the closing note and the methods).

    Parameters
    ----------
    tables : mapping
        `tacmg.analyses.reconstruction_intervals.class_tables` (or `intervals_for` results) by chapter.
    flip_limit : float
        The largest acceptable share of bootstrap replicates in which a class flips.

    Returns
    -------
    dict
        ``numbers`` (with a class), ``max_flips`` (the largest flip share), ``over_limit`` (numbers
        whose class flips in more than `flip_limit` of the replicates), ``outside`` (committed
        values outside their own interval).

    Examples
    --------
    >>> t = pd.DataFrame({"number_class": ["a", "b"], "class_flips": [0.02, 0.3], "outside": [False, True]})
    >>> class_summary({"c": t})
    {'numbers': 2, 'max_flips': 0.3, 'over_limit': 1, 'outside': 1}
    """
    table = pd.concat(list(tables.values()))
    table = table[table["number_class"] != ""]
    flips = table["class_flips"].astype(float)
    return {
        "numbers": len(table),
        "max_flips": float(flips.max()) if flips.notna().any() else math.nan,
        "over_limit": int((flips > flip_limit).sum()),
        "outside": int(table["outside"].astype(bool).sum()),
    }
