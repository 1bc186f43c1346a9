"""Robustness machinery: batched BH, analysis variants, shares with intervals, the disk cache."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tacmg.analyses import ensemble_store, robustness
from tacmg.claims.evaluate import holds_matrix
from tacmg.claims.registry import load_claims
from tacmg.reconstruction.generator import generate

REGISTRY = load_claims()
INFERENTIAL = REGISTRY.select(kind="inferential")


@pytest.fixture(scope="module")
def ensemble():
    return generate(2, 200, REGISTRY.select(kind="descriptive"), workers=1)


def test_the_chosen_analysis_agrees_with_claim_evaluation(ensemble):
    np.testing.assert_array_equal(
        robustness.holds_under(ensemble.cohorts, INFERENTIAL), holds_matrix(ensemble.cohorts, INFERENTIAL)
    )


def test_correction_never_makes_a_significance_claim_easier(ensemble):
    plain = robustness.holds_under(ensemble.cohorts, INFERENTIAL)
    corrected = robustness.holds_under(ensemble.cohorts, INFERENTIAL, robustness.Analysis(multiplicity="fdr_bh"))
    for j, claim in enumerate(INFERENTIAL):
        if claim.params.get("significant", True) and claim.quantity != "paired_direction":
            assert corrected[:, j].sum() <= plain[:, j].sum(), claim.id


def test_share_table_gives_wilson_intervals_and_readings():
    holds = np.zeros((100, 3), bool)
    holds[:, 0] = True
    holds[:50, 1] = True
    table = robustness.share_table(holds, INFERENTIAL[:3])
    assert table["share"].tolist() == [1.0, 0.5, 0.0]
    assert table["reading"].tolist() == ["holds almost always", "holds sometimes", "holds almost never"]
    assert (table["ci_low"] <= table["share"] + 1e-12).all()
    assert (table["share"] <= table["ci_high"] + 1e-12).all()


def test_the_store_returns_what_the_build_step_stored_without_recomputing(tmp_path, monkeypatch):
    monkeypatch.setattr(ensemble_store, "STORE_DIR", tmp_path)
    calls = []
    with pytest.raises(ensemble_store.EnsemblesMissing):
        ensemble_store.stored("demo", lambda: calls.append(1) or {"x": 1}, 7)
    first = ensemble_store.stored("demo", lambda: calls.append(1) or {"x": 1}, 7, build=True)
    second = ensemble_store.stored("demo", lambda: calls.append(1) or {"x": 2}, 7)
    assert first == second == {"x": 1} and calls == [1]
    assert ensemble_store.stored("demo", lambda: {"x": 3}, 8, build=True) == {"x": 3}
    assert list(tmp_path.glob("demo-*.npz")), "the value is kept as arrays in the store folder"
    assert not list(tmp_path.glob("*.pkl"))


def test_a_smaller_ensemble_is_read_from_the_stored_one_and_equals_one_drawn_afresh(tmp_path, monkeypatch):
    """Chapter 10's "Try it" (fewer cohorts) reads the stored ensemble's first cohorts: the same
    shares as drawing the smaller ensemble, with nothing drawn."""
    from tacmg.analyses import implied

    monkeypatch.setattr(ensemble_store, "STORE_DIR", tmp_path)
    monkeypatch.setattr(robustness, "BUILT_COHORTS", 30)
    monkeypatch.setattr(implied, "BUILT_COHORTS", 30)
    monkeypatch.setattr(robustness, "PRIOR_SCENARIOS", {"as assumed": {}})  # one draw, not seven
    draw = robustness.generate
    robustness.robustness(seed=4, n_cohorts=30, sensitivity_cohorts=5, workers=1, build=True)
    implied.implied_shares(seed=4, n_cohorts=30, workers=1, build=True)
    monkeypatch.setattr(robustness, "generate", None)  # a draw would now fail
    monkeypatch.setattr(implied, "generate", None)
    small = robustness.robustness(seed=4, n_cohorts=12, sensitivity_cohorts=5)
    small_implied = implied.implied_shares(seed=4, n_cohorts=12)
    monkeypatch.setattr(robustness, "generate", draw)
    monkeypatch.setattr(implied, "generate", draw)
    fresh = robustness.robustness(seed=4, n_cohorts=12, sensitivity_cohorts=5, workers=1, use_cache=False)
    fresh_implied = implied.implied_shares(seed=4, n_cohorts=12, workers=1, use_cache=False)
    for key in ("shares", "priors", "analyses"):
        pd.testing.assert_frame_equal(small[key], fresh[key])
    pd.testing.assert_frame_equal(small_implied["shares"], fresh_implied["shares"])
    assert small_implied["cohorts"] == 12 and small_implied["all_hold"] == fresh_implied["all_hold"]


def test_stored_frames_come_back_equal(tmp_path):
    holds = np.zeros((40, 3), bool)
    holds[:30, 0] = True
    value = {"shares": robustness.share_table(holds, INFERENTIAL[:3]), "rate": 0.25, "nested": {"n": 3}}
    ensemble_store.write(tmp_path / "x.npz", value)
    back = ensemble_store.read(tmp_path / "x.npz")
    pd.testing.assert_frame_equal(back["shares"], value["shares"])
    assert back["rate"] == 0.25 and back["nested"] == {"n": 3}


def test_null_priors_make_molecule_claims_a_matter_of_chance():
    ensemble = generate(
        4,
        300,
        REGISTRY.select(kind="descriptive"),
        evaluate=INFERENTIAL,
        workers=1,
        priors_overrides=robustness.PRIOR_SCENARIOS["no molecule effects (null priors)"],
    )
    table = robustness.share_table(ensemble.holds, INFERENTIAL).set_index("claim_id")
    assert table.loc["spd1-vs-controls", "share"] < 0.2
    assert table.loc["qmg-decrease", "share"] > 0.95


def test_summary_quotes_the_results_it_is_given():
    claims = INFERENTIAL[:2]
    holds = np.zeros((10, 2), bool)
    holds[:, 0] = True
    shares = robustness.share_table(holds, claims)
    priors = pd.concat([shares.assign(scenario=robustness.NULL_SCENARIO)])
    chosen = shares.assign(analysis=robustness.CHOSEN_ANALYSIS)
    corrected = robustness.share_table(np.zeros((10, 2), bool), claims).assign(analysis=robustness.CORRECTED_ANALYSIS)
    results = {"shares": shares, "priors": priors, "analyses": pd.concat([chosen, corrected]), "acceptance_rate": 0.5}
    figures = robustness.summary(results)
    assert figures["cohorts"] == 10 and figures["acceptance"] == 50.0
    assert (figures["always"], figures["sometimes"], figures["never"]) == (1, 0, 1)
    assert figures["bh_biggest_drop_claim"] == claims[0].id and figures["bh_biggest_drop"] == 100.0
    assert figures["family_correlations"] == 60 and figures["family_clinical"] == 5
