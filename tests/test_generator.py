"""The reconstruction engine: reproducible, fast enough to batch, and true to its invariants."""

from __future__ import annotations

import filecmp
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tacmg import load
from tacmg.claims.evaluate import holds_matrix
from tacmg.claims.registry import load_claims
from tacmg.data import contract
from tacmg.data.cohorts import STATUS_INDEX, key
from tacmg.data.paths import RECONSTRUCTED_DIR, REPO_ROOT
from tacmg.reconstruction.column_draws import PREDNISONE_GRID
from tacmg.reconstruction.generator import draw_candidates, generate
from tacmg.reconstruction.marginals import (
    force_integer_sum,
    force_median,
    median_pair,
    target_sum_for_mean,
)
from tacmg.reconstruction.priors import load_priors
from tacmg.reconstruction.targets import Targets

PRIORS = load_priors()
REGISTRY = load_claims()
DESCRIPTIVE = REGISTRY.select(kind="descriptive")


def test_committed_data_regenerates_byte_for_byte(tmp_path):
    provenance = load(RECONSTRUCTED_DIR).provenance
    seed = provenance["seed"]
    subprocess.run(
        [sys.executable, "-m", "tacmg", "reconstruct", "--seed", str(seed), "--out", str(tmp_path), "--quiet"],
        check=True,
        cwd=REPO_ROOT,
        capture_output=True,
    )
    for name in ("patients.csv", "visits.csv", "controls.csv", "datapackage.json"):
        assert filecmp.cmp(tmp_path / name, RECONSTRUCTED_DIR / name, shallow=False), name


def test_provenance_says_reconstructed_and_names_the_conditioned_claims():
    provenance = load(RECONSTRUCTED_DIR).provenance
    assert provenance["reconstructed"] is True
    assert set(provenance["claims_conditioned_on"]) == {c.id for c in REGISTRY.conditionable()}
    assert not {c.id for c in REGISTRY.select(kind="implied")} & set(provenance["claims_conditioned_on"])


def test_accepted_cohorts_do_not_depend_on_the_number_of_workers():
    one = generate(5, 3, DESCRIPTIVE, chunk_size=50, workers=1)
    two = generate(5, 3, DESCRIPTIVE, chunk_size=50, workers=2)
    for name, values in one.cohorts.visit.items():
        np.testing.assert_array_equal(values, two.cohorts.visit[name])


def test_generation_conditions_on_any_subset_of_claims():
    chosen = ["qmg-decrease", "scd25-vs-controls", "il2-mg-adl-correlation"]
    ensemble = generate(11, 20, chosen, chunk_size=200, workers=1)
    assert ensemble.cohorts.size == 20
    assert holds_matrix(ensemble.cohorts, REGISTRY.select(chosen)).all()
    # Medians were not conditioned on, so they are not forced.
    medians = np.median(ensemble.cohorts.visit[key("qmg", "baseline")], axis=1)
    assert not np.all(medians == 10)


def test_unknown_claim_to_condition_on_is_refused():
    from tacmg.claims.registry import ClaimsError

    with pytest.raises(ClaimsError, match="unknown claim id"):
        generate(1, 1, ["no-such-claim"], workers=1)


def test_median_pairs_fit_even_n_and_the_dose_grid():
    assert median_pair(4.5) == (4.0, 5.0)
    assert median_pair(10) == (10.0, 10.0)
    assert median_pair(13.75, PREDNISONE_GRID) == (12.5, 15.0)
    assert median_pair(32, PREDNISONE_GRID) == (32.0, 32.0)


def test_target_sum_makes_the_mean_round_to_the_published_figure():
    assert target_sum_for_mean(37.8, 1, 32, 1.0) == 1210
    assert target_sum_for_mean(4.9, 1, 32, 0.1) == 1568


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_candidate_invariants_hold_across_seeds(seed):
    """Ranges, exact medians and means, pairing and status consistency of every accepted cohort."""
    rng = np.random.default_rng(seed)
    cohorts, consistent = draw_candidates(rng, 40, Targets.from_claims(DESCRIPTIVE), PRIORS)
    cohorts = cohorts.take(np.flatnonzero(consistent))
    if cohorts.size == 0:
        return
    n = PRIORS.n_patients
    for score, (_, low, high, _) in contract.SCORES.items():
        for visit in contract.VISITS:
            values = cohorts.visit[key(score, visit)]
            assert values.shape == (cohorts.size, n)  # every patient has both visits
            assert np.all((values >= low) & (values <= high))
            assert np.all(values == np.round(values))
    for claim in DESCRIPTIVE:
        if claim.quantity == "median":
            medians = np.median(cohorts.values(claim.variables[0], claim.visits[0]), axis=1)
            assert np.all(medians == float(claim.published)), claim.id
    assert np.all(np.round(cohorts.patient["age_at_onset_years"].mean(axis=1), 1) == 37.8)
    for visit in contract.VISITS:
        dose = cohorts.visit[key("prednisone_mg_day", visit)]
        assert np.all(np.isin(dose, PREDNISONE_GRID))
    for molecule in contract.MOLECULES:
        assert np.all(cohorts.visit[key(molecule, "baseline")] > 0)
        assert np.all(cohorts.control[molecule] > 0)
    status = cohorts.patient["status"]
    mm = status == STATUS_INDEX["MM"]
    unchanged = status == STATUS_INDEX["U"]
    for score in contract.SCORES:
        month_12 = cohorts.visit[key(score, "month_12")]
        change = month_12 - cohorts.visit[key(score, "baseline")]
        assert np.all(month_12[mm] <= PRIORS["status_link.minimal_manifestation_max"][score])
        assert np.all(np.abs(change[unchanged]) <= PRIORS["status_link.unchanged_max_change"][score])
    assert holds_matrix(cohorts, DESCRIPTIVE).all()


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), median=st.sampled_from([2, 4.5, 6, 10, 10.5]))
def test_force_median_moves_values_only_toward_the_median(seed, median):
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 25, size=(5, 32)).astype(float)
    forced = force_median(values, median, rng)
    assert np.all(np.median(forced, axis=1) == median)
    moved = forced != values
    assert np.all(np.abs(forced - median)[moved] <= np.abs(values - median)[moved])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), target=st.integers(200, 600))
def test_force_integer_sum_hits_the_target_within_range(seed, target):
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 30, size=(4, 20))
    out = force_integer_sum(values, target, 0, 40, rng)
    assert np.all(out.sum(axis=1) == target)
    assert out.min() >= 0 and out.max() <= 40
