"""Reconstruction intervals: how far the published figures pin down each number a chapter derives.

The committed cohort is one of many that meet every claim it was conditioned on. A number the
chapters derive from it (a Hodges-Lehmann change, an effect size, a share above a threshold, an
unpublished correlation) may be fixed by the published figures, narrowed by them, or left to the
assumptions. To tell which, the same generator draws two ensembles from the committed cohort's own
seed:

- the **conditioned ensemble**: the first `ENSEMBLE_SIZE` cohorts that meet every claim the committed
  cohort was conditioned on (its ``claims_conditioned_on``; the committed cohort is the first of them);
- the **descriptive ensemble**: the first `DESCRIPTIVE_SIZE` cohorts that meet only the descriptive
  claims (counts, medians, means), what the priors alone allow around the published summaries.

A number's *reconstruction interval* is its 2.5-97.5% range across the conditioned ensemble. Its
class (`number_class`) compares that range with the range across the descriptive ensemble:

- **fixed by the report**: the same in every conditioned cohort (range below `FIXED_TOLERANCE`);
- **set by the assumptions**: the conditioned range is at least `NARROWED_BELOW` (three quarters) of
  the descriptive range: the published tests and correlations barely constrain it, the priors do;
- **narrowed by the report**: in between.

A number a prior sets outright (the share of women, the number of controls, the count of each
status the report does not give) is the same in every reconstruction, but the assumptions set it:
the chapters name such numbers (`tacmg.presentation.chapter_numbers.SET_BY_PRIORS`) and they are
classed "set by the assumptions" whatever their range.

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
LEVEL = 0.95  # the central share of the ensemble the interval covers (2.5-97.5%)
NARROWED_BELOW = 0.75  # conditioned range / descriptive range at or above this: set by the assumptions
FIXED_TOLERANCE = 1e-9  # a range no wider than this (relative to the value's size): fixed
CHUNK_SIZE = 500  # as `tacmg.reconstruction.reconstruct` draws the committed cohort
CLASSES = ("fixed by the report", "narrowed by the report", "set by the assumptions")

Measure = Callable[[Dataset], Mapping[str, Any]]


@dataclass(frozen=True)
class Ensembles:
    """The two ensembles behind the reconstruction intervals.

    Parameters
    ----------
    conditioned, descriptive : tacmg.data.cohorts.Cohorts
        Cohorts meeting every claim the committed cohort was conditioned on, and cohorts meeting
        the descriptive claims only.
    conditioned_on : tuple of str
        The claim ids of the first ensemble.
    seed : int
        The seed both were drawn from.
    candidates : int
        Candidates drawn for the conditioned ensemble.
    """

    conditioned: Cohorts
    descriptive: Cohorts
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
    workers: int | None = None,
    progress: bool = False,
) -> Ensembles:
    """The conditioned and the descriptive ensemble of `seed` (drawn now: the build step calls it once).

    Parameters
    ----------
    seed : int
        The committed cohort's seed.
    conditioned_on : tuple of str
        The claims the committed cohort was conditioned on.
    size, descriptive_size : int
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
    >>> e = ensembles(20220827, ("cohort-n", "qmg-median-baseline"), size=3, descriptive_size=2, workers=1)
    >>> e.conditioned.size, e.descriptive.size
    (3, 2)
    """
    conditioned_on = tuple(conditioned_on)
    descriptive_ids = tuple(c.id for c in load_claims().select(kind="descriptive"))
    main = generate(seed, size, conditioned_on, chunk_size=CHUNK_SIZE, workers=workers, progress=progress)
    loose = generate(seed, descriptive_size, descriptive_ids, chunk_size=CHUNK_SIZE, workers=workers, progress=progress)
    return Ensembles(main.cohorts, loose.cohorts, conditioned_on, seed, main.candidates)


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
    >>> e = ensembles(20220827, ("cohort-n",), size=2, descriptive_size=1, workers=1)
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


def number_class(width: float, descriptive_width: float, scale: float = 1.0) -> str:
    """The class of a number from its range across the two ensembles (the module docstring's rule).

    Parameters
    ----------
    width, descriptive_width : float
        The 2.5-97.5% range across the conditioned and the descriptive ensemble.
    scale : float
        The number's size (its largest absolute value), for the tolerance of "fixed".

    Returns
    -------
    str
        One of `CLASSES`; "" when a width is missing (the number exists in too few cohorts).

    Examples
    --------
    >>> number_class(0.0, 3.0), number_class(1.0, 4.0), number_class(3.5, 4.0), number_class(1.0, 0.5)
    ('fixed by the report', 'narrowed by the report', 'set by the assumptions', 'set by the assumptions')
    """
    if not (math.isfinite(width) and math.isfinite(descriptive_width)):
        return ""
    if width <= FIXED_TOLERANCE * max(1.0, abs(scale)):
        return CLASSES[0]
    if width >= NARROWED_BELOW * descriptive_width:
        return CLASSES[2]
    return CLASSES[1]


def interval_table(
    conditioned: pd.DataFrame, descriptive: pd.DataFrame, level: float = LEVEL, assumed: Collection[str] = ()
) -> pd.DataFrame:
    """Each number's reconstruction interval and class, from its values across both ensembles.

    Parameters
    ----------
    conditioned, descriptive : pandas.DataFrame
        `measure_across` of the same measure on the two ensembles.
    level : float
        Central share covered (0-1).
    assumed : collection of str
        Numbers a prior sets outright (the share of women, the count in each other status): the
        same in every reconstruction, yet set by the assumptions, not by the report.

    Returns
    -------
    pandas.DataFrame
        Indexed by number name: ``ri_low``, ``ri_high`` (the interval, in the number's unit),
        ``ri_width``, ``descriptive_width``, ``cohorts`` (how many conditioned cohorts had the
        number) and ``number_class``.

    Examples
    --------
    >>> a = pd.DataFrame({"x": [1.0] * 40, "y": np.arange(40.0)})
    >>> b = pd.DataFrame({"x": np.arange(40.0), "y": np.arange(40.0)})
    >>> interval_table(a, b)[["ri_low", "ri_high", "number_class"]]
       ri_low  ri_high            number_class
    x   1.000    1.000     fixed by the report
    y   0.975   38.025  set by the assumptions
    """
    tail = (1 - level) / 2
    rows = {}
    for name in conditioned.columns:
        values = conditioned[name].dropna()
        loose = descriptive[name].dropna() if name in descriptive else pd.Series(dtype=float)
        if len(values) < 20:  # too few cohorts have it for a 2.5-97.5% range
            low = high = math.nan
        else:
            low, high = (float(q) for q in values.quantile([tail, 1 - tail]))
        loose_width = float(np.diff(loose.quantile([tail, 1 - tail]))[0]) if len(loose) >= 20 else math.nan
        scale = float(values.abs().max()) if len(values) else 1.0
        rows[name] = {
            "ri_low": low,
            "ri_high": high,
            "ri_width": high - low,
            "descriptive_width": loose_width,
            "cohorts": len(values),
            "number_class": CLASSES[2] if name in assumed else number_class(high - low, loose_width, scale),
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
    """Every chapter's numbers on every cohort of both ensembles, as stored by the build step.

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
        ``{chapter: {"conditioned": frame, "descriptive": frame}}``.
    """
    conditioned_on = tuple(conditioned_on)

    def compute() -> dict[str, dict[str, pd.DataFrame]]:
        e = ensembles(seed, conditioned_on, workers=workers, progress=progress)
        out = {}
        for chapter in _progress(chapters, progress, "chapter numbers"):
            out[chapter] = {
                "conditioned": measure(chapter, e.conditioned),
                "descriptive": measure(chapter, e.descriptive),
            }
        return out

    key = (seed, conditioned_on, ENSEMBLE_SIZE, DESCRIPTIVE_SIZE, tuple(chapters))
    return stored("reconstruction-intervals", compute, *key, build=build)


def _progress(items: Sequence[str], show: bool, what: str) -> Iterable[str]:
    if not show:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=what, unit="chapter")


def intervals_for(chapter: str, dataset: Dataset, assumed: Collection[str] = ()) -> pd.DataFrame | None:
    """The reconstruction intervals of `chapter`'s numbers, or None where they do not apply.

    Reads what the build step stored (`numbers_across_ensembles`); computes no ensemble.

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
    numbers = numbers_across_ensembles(int(p["seed"]), tuple(p["claims_conditioned_on"]))[chapter]
    return interval_table(numbers["conditioned"], numbers["descriptive"], assumed=assumed)
