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
(integer ends for a count). Its class (`tacmg.analyses.interval_classes.number_class`, which
holds the classes and their noise) says which step narrows it: a step narrows
a number when it leaves less than `interval_classes.NARROWED_BELOW` (three quarters) of the range the step before
allowed. So a number is

- **fixed by the published figures**: the same in every conditioned cohort (range below
  `interval_classes.FIXED_TOLERANCE`);
- **narrowed by the published summaries**, **by the published tests**, or **by the published
  summaries and tests**: the steps that narrow it;
- **not narrowed (priors centred on the report)**: no step narrows it; its place comes from priors
  that were themselves centred on the report (baseline scores on the published medians, effects
  chosen so that the reported molecules move), which the classes cannot credit to the report;
- **borderline**: no step surely narrows it, but one may: the ensembles' Monte Carlo noise decides.

A number a prior sets outright (the share of women, the number of controls, the count of each
status the report does not give) is the same in every reconstruction, but a prior sets it: the
chapters name such numbers (`tacmg.presentation.chapter_numbers.SET_BY_PRIORS`) and they are
classed "set by a prior" whatever their range.

The ensembles are finite, so each class rests on the bootstrap: `interval_classes.interval_table`
resamples every ensemble (`interval_classes.BOOTSTRAP_REPLICATES` bootstrap replicates), credits a step
only where it narrows the number in nearly every replicate (`interval_classes.SURE_SHARE`), and
measures on independent replicates the share that contradicts the class (``class_flips``). The
priors-alone and descriptive ensembles are cheap to draw (few or no candidates rejected), so they are
larger than the conditioned one, which keeps fewer numbers at the threshold.

Reconstruction intervals describe the reconstruction, not the patients: they say what the report
leaves open, not how precisely anything was measured (that is what the sampling intervals, the
Hodges-Lehmann and Clopper-Pearson ones, are for). On a reader's own data they do not apply.
Written by hand because the intervals are a property of this package's generator.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tacmg.analyses import ensemble_numbers
from tacmg.analyses.ensemble_store import stored
from tacmg.analyses.interval_classes import interval_table, set_by_priors
from tacmg.claims.registry import load_claims
from tacmg.data.cohorts import Cohorts
from tacmg.data.loader import Dataset, data_checksum
from tacmg.data.paths import RECONSTRUCTED_DIR
from tacmg.data.tables import cohort_dataset
from tacmg.reconstruction.generator import generate

ENSEMBLE_SIZE = 1000
DESCRIPTIVE_SIZE = 2000
PRIORS_SIZE = 2000
CHUNK_SIZE = 500  # as `tacmg.reconstruction.reconstruct` draws the committed cohort

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
    size: int | None = None,
    descriptive_size: int | None = None,
    priors_size: int | None = None,
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
    size, descriptive_size, priors_size : int, optional
        Cohorts in each ensemble (default: `ENSEMBLE_SIZE`, `DESCRIPTIVE_SIZE`, `PRIORS_SIZE`, read
        when called, so that a test can draw small ensembles through the build step's own code).
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
    size = ENSEMBLE_SIZE if size is None else size
    descriptive_size = DESCRIPTIVE_SIZE if descriptive_size is None else descriptive_size
    priors_size = PRIORS_SIZE if priors_size is None else priors_size
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
    """Every chapter's `interval_classes.interval_table` (bootstrap included), as stored by the build step.

    The bootstrap takes seconds, so it runs once, in the build step, not in every chapter. The
    parameters are those of `numbers_across_ensembles`, which it reads (and, with `build`, stores).

    Returns
    -------
    dict
        ``{chapter: interval_table}``, with no number yet classed
        `tacmg.analyses.interval_classes.SET_BY_PRIOR` (`intervals_for` applies the chapters' list).
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
        Numbers a prior sets outright (see `tacmg.analyses.interval_classes.interval_table`).

    Returns
    -------
    pandas.DataFrame or None
        `tacmg.analyses.interval_classes.interval_table` of the chapter's numbers.
    """
    if not applies(dataset):
        return None
    p = dataset.provenance or {}
    table = class_tables(int(p["seed"]), tuple(p["claims_conditioned_on"]))[chapter]
    return set_by_priors(table, assumed)
