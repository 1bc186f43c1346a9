"""The ensemble build step: every ensemble the book reads, computed once, before any chapter runs.

``python -m tacmg ensembles`` (``make ensembles``; ``make book``, ``make nbval`` and ``make unit``
run it first) draws

- the robustness ensembles of chapter 10 and the landing page (`tacmg.analyses.robustness`):
  cohorts conditioned on the descriptive claims only, each inferential claim tested in each, under
  the assumed priors and under the prior and analysis scenarios;
- the status-link ensembles (`tacmg.analyses.status_link`): the clinical claims under relaxed links
  between post-intervention status and the score changes, and the sensitivity curves over each
  relaxation's prior (`tacmg.analyses.status_link_sensitivity.link_sensitivity`);
- the implied-claims ensemble (`tacmg.analyses.implied`);
- the reconstruction-interval ensembles (`tacmg.analyses.reconstruction_intervals`: conditioned,
  descriptive and priors alone) and every number chapters 01-07 derive, measured on each of their
  cohorts at once (`tacmg.analyses.ensemble_numbers`, arrays over cohorts, tested equal to the
  chapters' own functions), with each number's class and its bootstrap noise,

and stores each as arrays (`tacmg.analyses.ensemble_store`), keyed on the lock, the claims, the
priors, the committed cohort and the code of the layers below the presentation layer (docstrings and
comments aside). What is stored already is not recomputed, so the step costs a second when nothing
changed. Chapters only read it; the one exception is chapter 10, whose parameters are ensemble
sizes: a reader who changes them gets a new ensemble computed there.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from tacmg.analyses import (
    ensemble_store,
    implied,
    reconstruction_intervals,
    robustness,
    status_link,
    status_link_sensitivity,
)
from tacmg.data.loader import load
from tacmg.data.paths import RECONSTRUCTED_DIR


def build(progress: bool = True, workers: int | None = None) -> dict[str, float]:
    """Compute and store every ensemble result the book reads that is not stored yet.

    Parameters
    ----------
    progress : bool
        Progress bars on the command line.
    workers : int, optional
        Worker processes (default: up to 2; they do not change any result).

    Returns
    -------
    dict
        Seconds each part took (reading a stored part takes a fraction of a second).
    """
    provenance = load(RECONSTRUCTED_DIR).provenance or {}
    seed, conditioned_on = int(provenance["seed"]), tuple(provenance["claims_conditioned_on"])
    parts: dict[str, Callable[[], object]] = {
        "robustness": lambda: robustness.robustness(workers=workers, build=True),
        "status link": lambda: status_link.link_robustness(workers=workers, build=True),
        "implied claims": lambda: implied.implied_shares(workers=workers, build=True),
        "status-link sensitivity": lambda: status_link_sensitivity.link_sensitivity(workers=workers, build=True),
        "reconstruction intervals": lambda: reconstruction_intervals.class_tables(
            seed, conditioned_on, build=True, workers=workers, progress=progress
        ),
    }
    ensemble_store.write_code_digests()
    seconds = {}
    for label, part in parts.items():
        start = time.perf_counter()
        if progress:
            print(f"ensembles: {label} ...", flush=True)
        part()
        seconds[label] = time.perf_counter() - start
    return seconds
