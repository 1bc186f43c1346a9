"""Reconstruction intervals: how far the published figures pin down each number a chapter derives.

The committed cohort is one of many that meet every claim it was conditioned on. A number the
chapters derive from it (a Hodges-Lehmann change, an effect size, a share above a threshold, an
unpublished correlation) may be fixed by the published figures, narrowed by them, or only placed
by the priors. To tell which, and which published figures do it, the same generator draws three
ensembles from the committed cohort's own seed, each adding one step of what the report gives:

- the **priors-alone ensemble**: the first `PRIORS_SIZE` cohorts the priors draw, conditioned on
  no claim (no median forced, no test required);
- the **descriptive ensemble**: the first `DESCRIPTIVE_SIZE` cohorts that meet the descriptive
  claims (counts, medians, means): the priors plus the published summaries;
- the **conditioned ensemble**: the first `ENSEMBLE_SIZE` cohorts that meet every claim the
  committed cohort was conditioned on (its ``claims_conditioned_on``; the committed cohort is the
  first of them): the summaries plus the published tests.

A number's *reconstruction interval* is its 2.5-97.5% range across the conditioned ensemble
(integer ends for a count). Its class (`number_class`) says which step narrows it: a step narrows
a number when it leaves less than `NARROWED_BELOW` (three quarters) of the range the step before
allowed. So a number is

- **fixed by the published figures**: the same in every conditioned cohort (range below
  `FIXED_TOLERANCE`);
- **narrowed by the published summaries**, **by the published tests**, or **by the published
  summaries and tests**: the steps that narrow it;
- **not narrowed (priors centred on the report)**: no step narrows it; its place comes from priors
  that were themselves centred on the report (baseline scores on the published medians, effects
  chosen so that the reported molecules move), which the classes cannot credit to the report.

A number a prior sets outright (the share of women, the number of controls, the count of each
status the report does not give) is the same in every reconstruction, but a prior sets it: the
chapters name such numbers (`tacmg.presentation.chapter_numbers.SET_BY_PRIORS`) and they are
classed "set by a prior" whatever their range.

The ensembles are finite, so each class carries its Monte Carlo noise: `interval_table`
resamples every ensemble (`BOOTSTRAP_REPLICATES` bootstrap replicates), gives the 2.5-97.5% band
of each width ratio and the share of replicates in which the class differs (``class_flips``).

Reconstruction intervals describe the reconstruction, not the patients: they say what the report
leaves open, not how precisely anything was measured (that is what the sampling intervals, the
Hodges-Lehmann and Clopper-Pearson ones, are for). On a reader's own data they do not apply.
Written by hand because the intervals are a property of this package's generator.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tacmg.analyses import ensemble_numbers
from tacmg.analyses.ensemble_store import stored
from tacmg.claims.registry import load_claims
from tacmg.data.cohorts import Cohorts
from tacmg.data.loader import Dataset, data_checksum
from tacmg.data.paths import RECONSTRUCTED_DIR
from tacmg.data.tables import cohort_dataset
from tacmg.reconstruction.generator import generate

ENSEMBLE_SIZE = 1000
DESCRIPTIVE_SIZE = 400
PRIORS_SIZE = 400
LEVEL = 0.95  # the central share of the ensemble the interval covers (2.5-97.5%)
NARROWED_BELOW = 0.75  # a step leaving less than this share of the range before it narrows the number
FIXED_TOLERANCE = 1e-9  # a range no wider than this (relative to the value's size): fixed
CHUNK_SIZE = 500  # as `tacmg.reconstruction.reconstruct` draws the committed cohort
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

Measure = Callable[[Dataset], Mapping[str, Any]]


@dataclass(frozen=True)
class Ensembles:
    """The three ensembles behind the reconstruction intervals.

    Parameters
    ----------
    conditioned, descriptive, priors : tacmg.data.cohorts.Cohorts
        Cohorts meeting every claim the committed cohort was conditioned on, cohorts meeting the
        descriptive claims only, and cohorts conditioned on no claim (the priors alone).
    conditioned_on : tuple of str
        The claim ids of the first ensemble.
    seed : int
        The seed both were drawn from.
    candidates : int
        Candidates drawn for the conditioned ensemble.
    """

    conditioned: Cohorts
    descriptive: Cohorts
    priors: Cohorts
    conditioned_on: tuple[str, ...]
    seed: int
    candidates: int


def applies(dataset: Dataset) -> bool:
    """Whether reconstruction intervals apply to `dataset`: it is the committed reconstruction.

    Decided by content (the files' checksum equals the committed cohort's), not by the provenance
    a data package may have been copied with: a reader's own data, or another draw of the
    generator, gets no intervals.

    Examples
    --------
    >>> from tacmg import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> applies(load(RECONSTRUCTED_DIR))
    True
    """
    p = dataset.provenance or {}
    recorded = bool(p.get("reconstructed")) and "seed" in p and bool(p.get("claims_conditioned_on"))
    return recorded and dataset.checksum == data_checksum(RECONSTRUCTED_DIR)


def ensembles(
    seed: int,
    conditioned_on: tuple[str, ...],
    size: int = ENSEMBLE_SIZE,
    descriptive_size: int = DESCRIPTIVE_SIZE,
    priors_size: int = PRIORS_SIZE,
    workers: int | None = None,
    progress: bool = False,
) -> Ensembles:
    """The conditioned, descriptive and priors-alone ensembles of `seed` (drawn now, by the build step).

    Parameters
    ----------
    seed : int
        The committed cohort's seed.
    conditioned_on : tuple of str
        The claims the committed cohort was conditioned on.
    size, descriptive_size, priors_size : int
        Cohorts in each ensemble.
    workers : int, optional
        Processes drawing candidates (default: up to 2; they do not change the result).
    progress : bool
        Show the generator's progress bars.

    Returns
    -------
    Ensembles

    Examples
    --------
    >>> e = ensembles(20220827, ("cohort-n", "qmg-median-baseline"), size=3, descriptive_size=2, priors_size=2,
    ...               workers=1)
    >>> e.conditioned.size, e.descriptive.size, e.priors.size
    (3, 2, 2)
    """
    conditioned_on = tuple(conditioned_on)
    descriptive_ids = tuple(c.id for c in load_claims().select(kind="descriptive"))
    main = generate(seed, size, conditioned_on, chunk_size=CHUNK_SIZE, workers=workers, progress=progress)
    loose = generate(seed, descriptive_size, descriptive_ids, chunk_size=CHUNK_SIZE, workers=workers, progress=progress)
    alone = generate(seed, priors_size, (), chunk_size=CHUNK_SIZE, workers=workers, progress=progress)
    return Ensembles(main.cohorts, loose.cohorts, alone.cohorts, conditioned_on, seed, main.candidates)


def _numeric(values: Mapping[str, Any]) -> dict[str, float]:
    """The finite-or-NaN numbers of a measure's values (words and flags are not intervals' business)."""
    out = {}
    for name, value in values.items():
        if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.integer | np.floating):
            continue
        out[name] = float(value)
    return out


def _measure_chunk(args: tuple[Measure, Cohorts]) -> list[dict[str, float]]:
    measure, cohorts = args
    return [_numeric(measure(cohort_dataset(cohorts, i))) for i in range(cohorts.size)]


def measure_across(measure: Measure, cohorts: Cohorts, workers: int | None = None) -> pd.DataFrame:
    """`measure` evaluated on every cohort: a row per cohort, a column per number.

    Parameters
    ----------
    measure : callable
        Dataset to a mapping of names to values (module-level, so worker processes can run it);
        values that are not numbers are dropped.
    cohorts : tacmg.data.cohorts.Cohorts
        The ensemble.
    workers : int, optional
        Processes (default: up to 2).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> e = ensembles(20220827, ("cohort-n",), size=2, descriptive_size=1, priors_size=1, workers=1)
    >>> measure_across(lambda d: {"n": len(d.patients), "word": "x"}, e.conditioned, workers=1)
          n
    0  32.0
    1  32.0
    """
    workers = workers or min(2, os.cpu_count() or 1)
    if workers == 1 or cohorts.size < 4 * workers:
        rows = _measure_chunk((measure, cohorts))
    else:
        bounds = np.linspace(0, cohorts.size, 4 * workers + 1).astype(int)
        chunks = [(measure, cohorts.take(slice(a, b))) for a, b in itertools.pairwise(bounds)]
        with ProcessPoolExecutor(workers) as pool:
            rows = [row for part in pool.map(_measure_chunk, chunks) for row in part]
    return pd.DataFrame(rows)


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
        `measure_across` of the same measure on the conditioned, the descriptive and the
        priors-alone ensemble (None: no priors-alone ensemble, so no step is credited to the
        summaries). The conditioned ensemble's first row is the committed cohort.
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


ChapterMeasure = Callable[[str, Cohorts], pd.DataFrame]


def numbers_across_ensembles(
    seed: int,
    conditioned_on: tuple[str, ...],
    chapters: Sequence[str] = tuple(ensemble_numbers.CHAPTERS),
    measure: ChapterMeasure = ensemble_numbers.numbers_across,
    build: bool = False,
    workers: int | None = None,
    progress: bool = False,
) -> dict[str, dict[str, pd.DataFrame]]:
    """Every chapter's numbers on every cohort of the three ensembles, as stored by the build step.

    Parameters
    ----------
    seed : int
        The committed cohort's seed.
    conditioned_on : tuple of str
        The claims it was conditioned on.
    chapters : sequence of str
        The chapters whose numbers are measured (part of the stored result's key; default every
        chapter of `tacmg.analyses.ensemble_numbers`).
    measure : callable
        ``measure(chapter, cohorts)``: a frame with a row per cohort and a column per number, at the
        chapter's default parameters (default the batched `ensemble_numbers.numbers_across`, tested
        equal to the chapters' own functions).
    build : bool
        Draw and measure what is not stored yet (the build step); otherwise only read, and raise
        `tacmg.analyses.ensemble_store.EnsemblesMissing` when nothing is stored.
    workers : int, optional
        Processes drawing the ensembles.
    progress : bool
        Progress bars while drawing and measuring.

    Returns
    -------
    dict
        ``{chapter: {"conditioned": frame, "descriptive": frame, "priors": frame}}``.
    """
    conditioned_on = tuple(conditioned_on)

    def compute() -> dict[str, dict[str, pd.DataFrame]]:
        e = ensembles(seed, conditioned_on, workers=workers, progress=progress)
        out = {}
        for chapter in _progress(chapters, progress, "chapter numbers"):
            out[chapter] = {
                "conditioned": measure(chapter, e.conditioned),
                "descriptive": measure(chapter, e.descriptive),
                "priors": measure(chapter, e.priors),
            }
        return out

    key = (seed, conditioned_on, ENSEMBLE_SIZE, DESCRIPTIVE_SIZE, PRIORS_SIZE, tuple(chapters))
    return stored("reconstruction-intervals", compute, *key, build=build)


def class_tables(
    seed: int,
    conditioned_on: tuple[str, ...],
    chapters: Sequence[str] = tuple(ensemble_numbers.CHAPTERS),
    measure: ChapterMeasure = ensemble_numbers.numbers_across,
    build: bool = False,
    workers: int | None = None,
    progress: bool = False,
) -> dict[str, pd.DataFrame]:
    """Every chapter's `interval_table` (bootstrap included), as stored by the build step.

    The bootstrap takes seconds, so it runs once, in the build step, not in every chapter. The
    parameters are those of `numbers_across_ensembles`, which it reads (and, with `build`, stores).

    Returns
    -------
    dict
        ``{chapter: interval_table}``, with no number yet classed `SET_BY_PRIOR` (`intervals_for`
        applies the chapters' list).
    """
    conditioned_on = tuple(conditioned_on)

    def compute() -> dict[str, pd.DataFrame]:
        numbers = numbers_across_ensembles(seed, conditioned_on, chapters, measure, build, workers, progress)
        return {
            chapter: interval_table(n["conditioned"], n["descriptive"], n.get("priors"))
            for chapter, n in numbers.items()
        }

    key = (seed, conditioned_on, ENSEMBLE_SIZE, DESCRIPTIVE_SIZE, PRIORS_SIZE, tuple(chapters))
    return stored("reconstruction-classes", compute, *key, build=build)


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
        `class_tables` (or `intervals_for` results) by chapter.
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


def _progress(items: Sequence[str], show: bool, what: str) -> Iterable[str]:
    if not show:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=what, unit="chapter")


def intervals_for(chapter: str, dataset: Dataset, assumed: Collection[str] = ()) -> pd.DataFrame | None:
    """The reconstruction intervals of `chapter`'s numbers, or None where they do not apply.

    Reads what the build step stored (`class_tables`); computes no ensemble.

    Parameters
    ----------
    chapter : str
        The chapter whose numbers are wanted, e.g. ``"02-clinical-scores"``.
    dataset : Dataset
        The data a chapter shows; None is returned unless `applies`.
    assumed : collection of str
        Numbers a prior sets outright (see `interval_table`).

    Returns
    -------
    pandas.DataFrame or None
        `interval_table` of the chapter's numbers.
    """
    if not applies(dataset):
        return None
    p = dataset.provenance or {}
    table = class_tables(int(p["seed"]), tuple(p["claims_conditioned_on"]))[chapter]
    return set_by_priors(table, assumed)
