"""The classes of reconstruction intervals and their Monte Carlo noise, from values across ensembles.

`tacmg.analyses.reconstruction_intervals` draws the three ensembles and measures the chapters'
numbers on them; this module turns those values into each number's interval and class
(`number_class`, the rule of that module's docstring) and resamples the ensembles for the class's
noise (`interval_table`, `class_summary`). Kept apart because it is pure arithmetic on frames: it
draws nothing and reads nothing stored.

The ensembles are finite, so a step whose width ratio lies near `NARROWED_BELOW` could be read
either way by another draw. The class therefore rests on the bootstrap, not on the point ratio: a
step narrows a number when it narrows it in at least `SURE_SHARE` of the bootstrap replicates, does
not when it narrows it in at most 1 - `SURE_SHARE`, and otherwise sits at the threshold. A number
that no step surely narrows but one step may is `AT_THRESHOLD`; a step at the threshold is never
credited. Each class's stability is then measured on a second, independent set of replicates
(``class_flips``: the share whose class contradicts a step the class is sure of), so that figure
checks the rule instead of restating it.
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
BOOTSTRAP_REPLICATES = 1000  # resamples of each ensemble behind the class's Monte Carlo noise
BOOTSTRAP_SEED = 20220827
SURE_SHARE = 0.95  # a step narrows (or does not) when at least this share of replicates agree
FLIP_LIMIT = 0.1  # the largest acceptable share of check replicates contradicting a class
FIXED = "fixed by the published figures"
BY_BOTH = "narrowed by the published summaries and tests"
BY_SUMMARIES = "narrowed by the published summaries"
BY_TESTS = "narrowed by the published tests"
NOT_NARROWED = "not narrowed (priors centred on the report)"
AT_THRESHOLD = "borderline: narrowed in some resamples of the ensembles only"
SET_BY_PRIOR = "set by a prior"
CLASSES = (FIXED, BY_BOTH, BY_SUMMARIES, BY_TESTS, AT_THRESHOLD, NOT_NARROWED, SET_BY_PRIOR)
NARROWS, KEEPS, UNSURE = "narrows", "does not narrow", "at the threshold"  # a step's verdict
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


def step_verdict(narrowed_share: float) -> str:
    """A step's verdict from the share of bootstrap replicates in which it narrows the number.

    Examples
    --------
    >>> step_verdict(0.99), step_verdict(0.01), step_verdict(0.6), step_verdict(float("nan"))
    ('narrows', 'does not narrow', 'at the threshold', '')
    """
    if not math.isfinite(narrowed_share):
        return ""
    if narrowed_share >= SURE_SHARE:
        return NARROWS
    return KEEPS if narrowed_share <= 1 - SURE_SHARE else UNSURE


def class_from_steps(summaries: str, tests: str) -> str:
    """The class of a number that is not fixed, from the verdicts (`step_verdict`) of its two steps.

    Only a step that surely narrows is credited; a number no step surely narrows is `AT_THRESHOLD`
    when a step may narrow it, `NOT_NARROWED` otherwise.

    Examples
    --------
    >>> class_from_steps("narrows", "at the threshold"), class_from_steps("does not narrow", "at the threshold")
    ('narrowed by the published summaries', 'borderline: narrowed in some resamples of the ensembles only')
    >>> class_from_steps("", "does not narrow")
    'not narrowed (priors centred on the report)'
    """
    sure = (summaries == NARROWS, tests == NARROWS)
    if any(sure):
        return {(True, True): BY_BOTH, (True, False): BY_SUMMARIES, (False, True): BY_TESTS}[sure]
    return AT_THRESHOLD if UNSURE in (summaries, tests) else NOT_NARROWED


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
    """The width of each of `replicates` bootstrap resamples of `values` (NaN for all when there are too few).

    Drawn through the resample's order statistics instead of the resample itself. A resample of n
    values is the empirical quantile function at n uniform draws; its k-th smallest value is that
    function at the k-th smallest uniform, which follows Beta(k, n - k + 1), and given it the next
    rank needed follows the same law on what is left (the uniform spacings are Dirichlet). The
    interval's ends need at most four ranks, so a replicate costs four Beta draws instead of n
    draws and a sort: the same distribution as resampling (tested against it), about a hundred
    times faster on ensembles of thousands, which is what lets the build step afford larger
    ensembles and more replicates. Written by hand because numpy and scipy offer no bootstrap of
    quantiles by this route.
    """
    n = len(values)
    if n < 20:
        return np.full(replicates, math.nan)
    ordered = np.sort(values)
    h_low, h_high = (n - 1) * tail, (n - 1) * (1 - tail)  # numpy's positions of the two quantiles
    if count:  # numpy's "lower" and "higher" methods
        positions = [math.floor(h_low), math.ceil(h_high)]
    else:  # linear interpolation between two neighbours at each end
        positions = [math.floor(h_low), math.floor(h_low) + 1, math.floor(h_high), math.floor(h_high) + 1]
    positions = sorted({min(p, n - 1) for p in positions})
    drawn: dict[int, np.ndarray] = {}
    u, previous = np.zeros(replicates), 0
    for position in positions:
        rank = position + 1
        u = u + (1 - u) * rng.beta(rank - previous, n - rank + 1, replicates)
        drawn[position] = ordered[np.clip(np.ceil(n * u).astype(int) - 1, 0, n - 1)]
        previous = rank

    def linear(h: float) -> np.ndarray:
        below = math.floor(h)
        return drawn[below] + (h - below) * (drawn[min(below + 1, n - 1)] - drawn[below])

    if count:
        low, high = drawn[math.floor(h_low)], drawn[min(math.ceil(h_high), n - 1)]
    else:
        low, high = linear(h_low), linear(h_high)
    return np.asarray(high - low, dtype=float)


def _narrowed(after: np.ndarray, before: np.ndarray) -> np.ndarray:
    """Per replicate, whether a step narrows (`_narrows` on arrays)."""
    with np.errstate(invalid="ignore"):
        return np.isfinite(after) & np.isfinite(before) & (after < NARROWED_BELOW * before)


def _noise(
    widths: tuple[np.ndarray, np.ndarray, np.ndarray],
    check: tuple[np.ndarray, np.ndarray, np.ndarray],
    point_class: str,
    tolerance: float,
    has_priors: bool,
) -> dict[str, Any]:
    """The class from the bootstrap widths and its stability on the independent `check` widths.

    `widths` and `check` hold the conditioned, descriptive and priors-alone widths of each replicate.
    """
    w2, w1, w0 = widths
    shares = {
        "summaries": float(np.mean(_narrowed(w1, w0))) if has_priors else math.nan,
        "tests": float(np.mean(_narrowed(w2, w1))),
    }
    steps = {step: step_verdict(share) for step, share in shares.items()}
    c2, c1, c0 = check
    if point_class == FIXED:
        number_class, flipped = FIXED, ~(c2 <= tolerance)
    else:
        # a replicate in which the number is fixed contradicts every other class
        number_class, flipped = class_from_steps(steps["summaries"], steps["tests"]), c2 <= tolerance
        for step, narrowed in (("summaries", _narrowed(c1, c0)), ("tests", _narrowed(c2, c1))):
            if steps[step] in (NARROWS, KEEPS):  # a step at the threshold claims neither side
                flipped |= narrowed != (steps[step] == NARROWS)
    out: dict[str, Any] = {"class_flips": float(np.mean(flipped)), "number_class": number_class}
    for step, ratios in (("summaries", _ratio(w1, w0)), ("tests", _ratio(w2, w1))):
        out[f"{step}_ratio_low"], out[f"{step}_ratio_high"] = _band(ratios)
        out[f"{step}_narrowed_share"], out[f"{step}_step"] = shares[step], steps[step]
    return out


NOISE_COLUMNS = (
    *(f"{step}_{what}" for what in ("ratio_low", "ratio_high", "narrowed_share") for step in ("summaries", "tests")),
    "class_flips",
)


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
        Seed of the resampling (the check replicates use `seed` + 1).

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
        bootstrap bands (``_low``, ``_high``), ``summaries_narrowed_share`` / ``tests_narrowed_share``
        (the share of replicates in which each step narrows the number), ``summaries_step`` /
        ``tests_step`` (`step_verdict` of those shares), ``number_class`` (from the steps, see the
        module docstring; from the point ratios when `replicates` is 0) and ``class_flips`` (the
        share of a second, independent set of replicates, drawn from `seed` + 1, that contradicts
        the class).

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
    rng, check_rng = np.random.default_rng(seed), np.random.default_rng(seed + 1)
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
        tolerance = FIXED_TOLERANCE * max(1.0, abs(scale))
        noise: dict[str, Any] = {**dict.fromkeys(NOISE_COLUMNS, math.nan), "summaries_step": "", "tests_step": ""}
        noise["number_class"] = point_class
        if replicates and point_class not in ("", SET_BY_PRIOR):
            widths, check = (
                (
                    _bootstrap_widths(values, tail, count, r, replicates),
                    _bootstrap_widths(loose, tail, count, r, replicates),
                    _bootstrap_widths(alone, tail, count, r, replicates),
                )
                for r in (rng, check_rng)
            )
            noise = _noise(widths, check, point_class, tolerance, priors is not None and name in priors)
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
    table.loc[names, [c for c in NOISE_COLUMNS if c in table.columns]] = math.nan
    table.loc[names, [c for c in ("summaries_step", "tests_step") if c in table.columns]] = ""
    return table


def class_summary(tables: Mapping[str, pd.DataFrame], flip_limit: float = FLIP_LIMIT) -> dict[str, float | int]:
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
        whose class flips in more than `flip_limit` of the check replicates), ``borderline``
        (numbers classed `AT_THRESHOLD`), ``outside`` (committed values outside their own interval).

    Examples
    --------
    >>> t = pd.DataFrame({"number_class": ["a", AT_THRESHOLD], "class_flips": [0.02, 0.3], "outside": [False, True]})
    >>> class_summary({"c": t})
    {'numbers': 2, 'max_flips': 0.3, 'over_limit': 1, 'borderline': 1, 'outside': 1}
    """
    table = pd.concat(list(tables.values()))
    table = table[table["number_class"] != ""]
    flips = table["class_flips"].astype(float)
    return {
        "numbers": len(table),
        "max_flips": float(flips.max()) if flips.notna().any() else math.nan,
        "over_limit": int((flips > flip_limit).sum()),
        "borderline": int((table["number_class"] == AT_THRESHOLD).sum()),
        "outside": int(table["outside"].astype(bool).sum()),
    }
