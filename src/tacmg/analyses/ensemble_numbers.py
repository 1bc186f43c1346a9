"""Every chapter's numbers across an ensemble of cohorts at once: one row per cohort, one column per number.

The chapters (01-07) compute their numbers one dataset at a time, with pandas and scipy
(`tacmg.presentation.chapter_numbers`). Run on an ensemble of 1,400 reconstructed cohorts, that
rebuilds a dataset and reruns those tables 1,400 times (about 170 ms a cohort). Here the same
numbers are computed on the ensemble's arrays (`tacmg.data.cohorts.Cohorts`, the cohort on axis 0)
with the batched statistics of `tacmg.stats` (the signed-rank, rank-sum and Spearman tests,
Hodges-Lehmann estimates, rank-biserial correlations, Kruskal-Wallis, Benjamini-Hochberg over axis
1), about 1 ms a cohort, every rounding through `tacmg.stats.rounding` as the chapters round. A
test (``tests/test_ensemble_numbers.py``) holds the two ways equal on the committed cohort and on
generated ones, key by key.

One function per chapter (`CHAPTERS`: chapters 01-04 in `ensemble_clinical`, 05-06 in
`ensemble_molecules`, 07 in `ensemble_correlations`) works at the chapter's default parameters
(those of its function in `tacmg.presentation.chapter_numbers`, `ensemble_common`; the
reconstruction intervals are defined for them) and returns a DataFrame with the keys
``<prefix>_<name>`` that the chapter's function returns as numbers. Words and flags (verdicts,
lists, p-value methods, "direction") are not numbers and are left out, as the intervals leave
them out.

Every number key is batched, the exact conditional (permutation) p of the score changes included
(`tacmg.stats.permutation.signed_rank_permutation_batch`); `NOT_BATCHED` would list a key left
out because batching it cost more than it is worth, and is empty.

Generated cohorts are complete and all the same size, so every array is rectangular; a batch with
a missing value (a loaded dataset may have some) is refused with a ValueError: the chapters'
own functions handle missing values.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from tacmg.analyses.ensemble_clinical import cohort_numbers, prednisone_numbers, score_numbers, status_numbers
from tacmg.analyses.ensemble_correlations import correlation_numbers
from tacmg.analyses.ensemble_molecules import change_numbers, vs_controls_numbers
from tacmg.data.cohorts import Cohorts

__all__ = ["CHAPTERS", "NOT_BATCHED", "numbers_across"]

# Number keys of the chapters' functions that are not batched (none).
NOT_BATCHED: tuple[str, ...] = ()

CHAPTERS: dict[str, Callable[[Cohorts], pd.DataFrame]] = {
    "01-cohort": cohort_numbers,
    "02-clinical-scores": score_numbers,
    "03-prednisone": prednisone_numbers,
    "04-post-intervention-status": status_numbers,
    "05-molecules-vs-controls": vs_controls_numbers,
    "06-molecule-change": change_numbers,
    "07-correlations": correlation_numbers,
}


def numbers_across(chapter: str, cohorts: Cohorts) -> pd.DataFrame:
    """A chapter's numbers, at its default parameters, on every cohort of a batch.

    Parameters
    ----------
    chapter : str
        A chapter name of `CHAPTERS` (as `tacmg.presentation.chapter_numbers.CHAPTER_FUNCTIONS`
        names them), e.g. ``"02-clinical-scores"``.
    cohorts : tacmg.data.cohorts.Cohorts
        B complete cohorts (no missing value), e.g. an ensemble of the reconstruction.

    Returns
    -------
    pandas.DataFrame
        One row per cohort (index 0 to B - 1), one float column per number key
        ``<prefix>_<name>`` of the chapter's function, in the chapter's units; counts are whole
        floats. The keys of `NOT_BATCHED` are left out.

    Raises
    ------
    ValueError
        If `chapter` is unknown or the batch has missing values.

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> one = Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR))
    >>> numbers_across("03-prednisone", Cohorts.concat([one, one]))["pred_hl"].tolist()
    [-18.75, -18.75]
    """
    if chapter not in CHAPTERS:
        raise ValueError(f"no batched numbers for chapter {chapter!r}; chapters: {', '.join(CHAPTERS)}")
    return CHAPTERS[chapter](cohorts)
