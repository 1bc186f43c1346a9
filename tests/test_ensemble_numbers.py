"""The batched chapter numbers equal the chapters' own, cohort by cohort and key by key.

`tacmg.analyses.ensemble_numbers` computes on arrays what `tacmg.presentation.chapter_numbers`
computes with pandas and scipy one dataset at a time; the reconstruction intervals use the first,
the pages the second. Compared here on the committed cohort, on generated cohorts, and on generated
cohorts altered to reach the rare branches (an empty or one-patient subset, status groups of every
size, no change at all, a constant score): counts exactly, other numbers to 1e-9 relative, NaN
equal to NaN.
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pandas as pd
import pytest

from tacmg import load
from tacmg.analyses import ensemble_common, ensemble_numbers
from tacmg.analyses.ensemble_numbers import NOT_BATCHED, numbers_across
from tacmg.analyses.scores import MCID_POINTS
from tacmg.claims.evaluate import IMPROVED_STATUSES
from tacmg.claims.registry import load_claims
from tacmg.data import contract
from tacmg.data.cohorts import STATUS_INDEX, Cohorts, key, status_mask
from tacmg.data.loader import Dataset
from tacmg.data.paths import RECONSTRUCTED_DIR, REPO_ROOT
from tacmg.data.tables import cohort_dataset
from tacmg.presentation import chapter_numbers
from tacmg.presentation.intervals import FlatNumbers
from tacmg.reconstruction.generator import generate

CHAPTERS = tuple(chapter_numbers.CHAPTER_FUNCTIONS)


def _reference(chapter: str, dataset: Dataset) -> dict[str, tuple[float, bool]]:
    """The chapter's own numbers: key to (value, whether it is a count), words and flags left out."""
    values = FlatNumbers(chapter_numbers.CHAPTER_FUNCTIONS[chapter])(dataset)
    out = {}
    for name, value in values.items():
        if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.integer | np.floating):
            continue
        out[name] = (float(value), isinstance(value, int | np.integer))
    return out


def _altered(cohorts: Cohorts) -> Cohorts:
    """Generated cohorts changed to reach every branch the generator's cohorts never take."""
    rng = np.random.default_rng(19)
    patient = {name: values.copy() for name, values in cohorts.patient.items()}
    visit = {name: values.copy() for name, values in cohorts.visit.items()}
    n = cohorts.n_patients
    status = rng.integers(0, len(contract.STATUS_CODES), size=patient["status"].shape)
    status[0] = STATUS_INDEX["MM"]  # nobody in the improved subset
    status[1] = STATUS_INDEX["U"]
    status[1, 3] = STATUS_INDEX["I"]  # a subset of one
    status[2, : n // 2] = STATUS_INDEX["I"]
    patient["status"] = status
    for molecule in ("spd1", "scd25"):  # no change at all
        visit[key(molecule, "month_12")][2] = visit[key(molecule, "baseline")][2]
    visit[key("il2", "month_12")][3, 1:] = visit[key("il2", "baseline")][3, 1:]  # a single change
    visit[key("qmg", "baseline")][3] = 10.0  # a constant score: its correlations are not computable
    visit[key("qmg", "month_12")][3] = 10.0
    visit[key("mmt", "month_12")][4, 1:] = visit[key("mmt", "baseline")][4, 1:]
    visit[key("prednisone_mg_day", "baseline")][5] = 0.0  # nobody on prednisone
    visit[key("prednisone_mg_day", "month_12")][5] = 0.0
    return Cohorts(patient, visit, dict(cohorts.control))


@pytest.fixture(scope="module")
def committed() -> tuple[Cohorts, list[Dataset]]:
    dataset = load(RECONSTRUCTED_DIR)
    return Cohorts.from_dataset(dataset), [dataset]


@pytest.fixture(scope="module")
def generated() -> tuple[Cohorts, list[Dataset]]:
    descriptive = tuple(c.id for c in load_claims().select(kind="descriptive"))
    cohorts = generate(20250101, 20, descriptive, workers=1).cohorts
    return cohorts, [cohort_dataset(cohorts, i) for i in range(cohorts.size)]


@pytest.fixture(scope="module")
def altered(generated) -> tuple[Cohorts, list[Dataset]]:
    cohorts = _altered(generated[0].take(slice(0, 8)))
    return cohorts, [cohort_dataset(cohorts, i) for i in range(cohorts.size)]


def _compare(chapter: str, cohorts: Cohorts, datasets: list[Dataset]) -> None:
    batched = numbers_across(chapter, cohorts)
    assert len(batched) == cohorts.size
    for i, dataset in enumerate(datasets):
        reference = _reference(chapter, dataset)
        expected = [name for name in reference if name not in NOT_BATCHED]
        # the same keys in the same order: a drop-in for the per-cohort rows of the intervals
        assert list(batched.columns) == expected, f"{chapter}: keys differ: {set(batched.columns) ^ set(expected)}"
        for name, (value, is_count) in reference.items():
            if name in NOT_BATCHED:
                continue
            got = float(batched.at[i, name])
            if is_count:
                assert got == value, f"{chapter}, cohort {i}, {name}: {got} != {value}"
            else:
                same = np.isclose(got, value, rtol=1e-9, atol=0, equal_nan=True)
                assert same, f"{chapter}, cohort {i}, {name}: {got!r} != {value!r}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_equal_on_committed_cohort(chapter, committed):
    _compare(chapter, *committed)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_equal_on_generated_cohorts(chapter, generated):
    _compare(chapter, *generated)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_equal_on_altered_cohorts(chapter, altered):
    _compare(chapter, *altered)


def test_altered_cohorts_reach_the_rare_branches(altered):
    """The altered batch does what `_altered` says, so the comparison above covers those branches."""
    cohorts, _ = altered
    subset_sizes = status_mask(cohorts.patient["status"], IMPROVED_STATUSES).sum(axis=1)
    assert {0, 1} <= set(subset_sizes.tolist()) and len(set(subset_sizes.tolist())) >= 4
    numbers = numbers_across("06-molecule-change", cohorts)
    assert np.isnan(numbers.at[0, "change_sub_spd1_hl_ratio"]) and np.isnan(numbers.at[3, "change_row_all_il2_p_value"])
    assert np.isnan(numbers_across("07-correlations", cohorts).at[3, "corr_row_qmg_spd1_rho"])
    assert numbers_across("04-post-intervention-status", cohorts)[["status_mm_qmg", "status_i_qmg"]].isna().any().any()


def test_defaults_are_the_chapters():
    """The batched numbers are defined at the chapters' default parameters."""
    defaults = {
        name: parameter.default
        for function in chapter_numbers.CHAPTER_FUNCTIONS.values()
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }
    assert defaults["confidence"] == ensemble_common.CONFIDENCE
    assert defaults["alpha"] == ensemble_common.ALPHA
    assert defaults["correction"] == ensemble_common.CORRECTION
    assert tuple(defaults["statuses"]) == IMPROVED_STATUSES
    assert defaults["visit"] == ensemble_common.CORRELATION_VISIT
    assert defaults["molecule"] == ensemble_common.BETWEEN_WITHIN_MOLECULE
    assert tuple(defaults["scores_between"]) == ensemble_common.BETWEEN_WITHIN_SCORES
    assert dict(defaults["mcid"]) == MCID_POINTS
    assert set(ensemble_numbers.CHAPTERS) == set(chapter_numbers.CHAPTER_FUNCTIONS)


def test_every_number_the_book_shows_an_interval_for_is_batched(committed):
    """The keys whose intervals the chapters show: in the prose, in the tables, derived or set by priors."""
    cohorts, _ = committed
    batched = set().union(*(numbers_across(chapter, cohorts).columns for chapter in CHAPTERS))
    prose = {
        found[2:].rsplit("_", 1)[0]
        for path in sorted((REPO_ROOT / "notebooks").glob("*.md"))
        for found in re.findall(r"v\.[a-z0-9_]*_(?:ri|draw)\b", path.read_text(encoding="utf-8"))
    }
    assert len(prose) > 30
    tables = {f"scores_{stem}_hl" for stem in ensemble_common.SCORE_STEMS.values()} | {"pred_hl"}
    tables |= {f"status_pct_{code.lower()}" for code in contract.STATUS_CODES}
    tables |= {f"vsctl_row_all_{m}_hl_ratio" for m in contract.MOLECULES}
    tables |= {f"change_row_{subset}_{m}_hl_ratio" for subset in ("all", "sub") for m in contract.MOLECULES}
    derived = {name for labels in chapter_numbers.DERIVED.values() for name in labels}
    shown = prose | tables | derived | set(chapter_numbers.SET_BY_PRIORS)
    assert not shown - batched, f"not batched: {sorted(shown - batched)}"
    assert not set(NOT_BATCHED) & shown


def test_refuses_missing_values_and_unknown_chapters(committed):
    cohorts, _ = committed
    visit = dict(cohorts.visit)
    visit[key("qmg", "month_12")] = np.where(np.arange(cohorts.n_patients) == 0, np.nan, visit[key("qmg", "month_12")])
    with pytest.raises(ValueError, match="missing values"):
        numbers_across("02-clinical-scores", Cohorts(cohorts.patient, visit, cohorts.control))
    with pytest.raises(ValueError, match="no batched numbers"):
        numbers_across("99-nothing", cohorts)


def test_one_row_per_cohort_in_batch_order(generated):
    cohorts, _ = generated
    whole = numbers_across("05-molecules-vs-controls", cohorts)
    part = numbers_across("05-molecules-vs-controls", cohorts.take(np.array([3, 1])))
    pd.testing.assert_frame_equal(part, whole.iloc[[3, 1]].reset_index(drop=True))
