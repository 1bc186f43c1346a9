"""The status-score link: read from priors.yaml, relaxed by the scenarios, and the improved-subset readings."""

from __future__ import annotations

import numpy as np
import pytest

from tacmg import load
from tacmg.analyses import improved_subset, status_link
from tacmg.claims.evaluate import holds_matrix
from tacmg.claims.registry import load_claims
from tacmg.data import contract
from tacmg.data.cohorts import STATUS_INDEX, Cohorts, key
from tacmg.data.paths import RECONSTRUCTED_DIR
from tacmg.presentation import claim_tables, prose, summaries
from tacmg.reconstruction.generator import draw_candidates, generate, status_consistent
from tacmg.reconstruction.priors import load_priors
from tacmg.reconstruction.targets import Targets

PRIORS = load_priors()
REGISTRY = load_claims()
DESCRIPTIVE = REGISTRY.select(kind="descriptive")
NO_TARGETS = Targets({}, {})  # nothing forced, so the link alone shapes month 12


def _draw(overrides=None, batch=200, seed=3):
    return draw_candidates(np.random.default_rng(seed), batch, NO_TARGETS, PRIORS.with_overrides(overrides))


def _of_status(cohorts, code):
    return cohorts.patient["status"] == STATUS_INDEX[code]


def test_the_minimal_manifestation_cap_is_read_from_the_priors():
    default, _ = _draw()
    lowered, _ = _draw({"status_link.minimal_manifestation_max": {"qmg": 1, "mmt": 1, "mg_adl": 0, "mg_qol15": 2}})
    mm = _of_status(default, "MM")
    assert default.visit[key("qmg", "month_12")][mm].max() > 1
    assert lowered.visit[key("qmg", "month_12")][_of_status(lowered, "MM")].max() <= 1


def test_the_dose_fractions_by_status_are_read_from_the_priors():
    fractions = {"MM": [0.0, 0.6], "I": [0.2, 0.8], "U": [1.0, 1.0]}
    cohorts, _ = _draw({"status_link.prednisone_fraction_kept": fractions})
    u = _of_status(cohorts, "U")
    before, after = (
        cohorts.visit[key("prednisone_mg_day", "baseline")],
        cohorts.visit[key("prednisone_mg_day", "month_12")],
    )
    np.testing.assert_allclose(after[u], before[u])
    default, _ = _draw()
    u = _of_status(default, "U")
    assert (
        default.visit[key("prednisone_mg_day", "month_12")][u] < default.visit[key("prednisone_mg_day", "baseline")][u]
    ).any()


def test_the_consistency_rule_follows_the_priors():
    cohorts, consistent = _draw()
    np.testing.assert_array_equal(status_consistent(cohorts), consistent)
    # Allowing an improved patient one worsened score accepts at least as many candidates.
    loose = status_consistent(cohorts, PRIORS.with_overrides({"status_link.improved_max_worsened_scores": 1}))
    assert np.all(loose >= consistent)
    # Dropping the required fall accepts candidates it rejected before, or at least no fewer.
    no_fall = status_consistent(cohorts, PRIORS.with_overrides({"status_link.improved_min_change": {}}))
    assert np.all(no_fall >= consistent)
    strict = status_consistent(
        cohorts, PRIORS.with_overrides({"status_link.unchanged_max_change": dict.fromkeys(contract.SCORES, 0)})
    )
    assert strict.sum() < consistent.sum()


def _ensemble(scenario: str):
    return generate(
        7, 25, DESCRIPTIVE, chunk_size=200, workers=1, priors_overrides=status_link.LINK_SCENARIOS[scenario]
    ).cohorts


def _improved_worse_counts(cohorts):
    is_i = _of_status(cohorts, "I")
    worse = sum(
        (cohorts.visit[key(s, "month_12")] > cohorts.visit[key(s, "baseline")]).astype(int) for s in contract.SCORES
    )
    return np.where(is_i, worse, 0)


def test_as_assumed_no_accepted_cohort_leaves_the_link():
    cohorts = _ensemble("as assumed")
    assert status_consistent(cohorts).all()
    assert _improved_worse_counts(cohorts).max() == 0


def test_scenario_a_draws_scores_regardless_of_status_but_keeps_the_mm_cap():
    cohorts = _ensemble("(a) scores independent of status")
    assert not status_consistent(cohorts).all()
    assert _improved_worse_counts(cohorts).max() >= 1
    mm = _of_status(cohorts, "MM")
    for score, cap in PRIORS["status_link.minimal_manifestation_max"].items():
        assert cohorts.visit[key(score, "month_12")][mm].max() <= cap


def test_scenario_b_lets_improved_patients_improve_by_dose_alone():
    cohorts = _ensemble("(b) improved by a dose cut alone")
    is_i = _of_status(cohorts, "I")
    fell = np.zeros(is_i.shape, bool)
    for score, points in PRIORS["status_link.improved_min_change"].items():
        fell |= cohorts.visit[key(score, "baseline")] - cohorts.visit[key(score, "month_12")] >= points
    dose_only = is_i & ~fell
    assert dose_only.any()
    halved = (
        cohorts.visit[key("prednisone_mg_day", "month_12")] <= 0.5 * cohorts.visit[key("prednisone_mg_day", "baseline")]
    )
    assert halved[dose_only].all()


def test_scenario_c_lets_improved_patients_worsen_on_one_score_only():
    cohorts = _ensemble("(c) improved may worsen on one score")
    counts = _improved_worse_counts(cohorts)
    assert counts.max() == 1
    assert (counts == 1).any(axis=1).mean() > 0.5


def test_the_three_readings_select_the_right_patients():
    status = np.array([[STATUS_INDEX[c] for c in ("MM", "I", "U", "I", "U")]])
    adl_before, adl_after = np.array([[5.0, 4, 6, 3, 2]]), np.array([[1.0, 3, 3, 1, 2]])
    cohorts = Cohorts(
        {"status": status}, {key("mg_adl", "baseline"): adl_before, key("mg_adl", "month_12"): adl_after}, {}
    )
    masks = {r: improved_subset.subset_mask(cohorts, r)[0].tolist() for r in improved_subset.READINGS}
    assert masks == {
        "status I": [False, True, False, True, False],
        "status MM or I": [True, True, False, True, False],
        "MG-ADL fall of 2 or more": [True, False, True, True, False],
    }
    with pytest.raises(KeyError):
        improved_subset.subset_mask(cohorts, "improved somehow")


def test_the_registry_reading_agrees_with_claim_evaluation():
    cohorts = generate(2, 40, DESCRIPTIVE, workers=1).cohorts
    claims = REGISTRY.select(finding="improved_subset")
    np.testing.assert_array_equal(
        improved_subset.subset_holds(cohorts, claims, "status I"), holds_matrix(cohorts, claims)
    )


def test_the_readings_table_on_the_committed_cohort():
    table = improved_subset.readings_table(load(RECONSTRUCTED_DIR))
    assert table.groupby("reading", sort=False)["n"].first().to_dict() == {
        "status I": 16,
        "status MM or I": 27,
        "MG-ADL fall of 2 or more": 26,
    }
    stated = table[table["kind"] == "stated"]
    assert set(stated.loc[stated["reading"] == "status I", "verdict"]) == {"holds (conditioned)"}
    assert "holds (conditioned)" not in set(table.loc[table["reading"] != "status I", "verdict"])
    # the implied subset claims are never conditioned on
    assert "holds (conditioned)" not in set(table.loc[table["kind"] == "implied", "verdict"])


def test_the_implied_subset_claims_tell_the_readings_apart():
    """Under MM or I, a molecule the summary leaves off the subset's list falls significantly: checked
    against scipy's signed-rank test on the subset, computed here from the data directly."""
    from scipy import stats

    dataset = load(RECONSTRUCTED_DIR)
    table = improved_subset.readings_table(dataset)
    implied = table[table["kind"] == "implied"]
    assert set(implied["claim_id"]) == {c.id for c in REGISTRY.select(finding="implied_subset")}
    status = dataset.patients.set_index("patient_id")["post_intervention_status"]
    for reading, statuses in (("status I", {"I"}), ("status MM or I", {"MM", "I"})):
        for row in implied[implied["reading"] == reading].itertuples():
            claim = REGISTRY.by_id(row.claim_id)
            paired = dataset.paired(claim.variables[0]).dropna()
            paired = paired[paired.index.map(status).isin(statuses)]
            change = paired["month_12"] - paired["baseline"]
            p = min(stats.wilcoxon(change, method="approx", correction=c).pvalue for c in (False, True))
            falls = np.median(change) < 0 and p < claim.params["p_below"]
            assert (row.verdict == "does not hold") == falls, (reading, row.claim_id)
    figures = improved_subset.readings_summary(table)
    assert figures["implied_failed_i"] == 0 < figures["implied_failed_mm_i"]
    words = summaries.readings_words(table)["implied_failed_mm_i_list"]
    failed = implied[(implied["reading"] == "status MM or I") & (implied["verdict"] == "does not hold")]
    assert words == prose.words(failed["label"])
    # on the reconstruction an implied claim that holds says that the priors lean towards it
    shown = claim_tables.readings_view(implied, reconstructed=True)
    assert shown["Verdict"].str.contains("the priors lean towards it").any()
    assert not claim_tables.readings_view(implied)["Verdict"].str.contains("lean").any()


def test_repairing_keeps_each_cohorts_values_and_changes_the_pairs():
    cohorts = generate(2, 5, DESCRIPTIVE, workers=1).cohorts
    shuffled = status_link.repaired(cohorts, np.random.default_rng(0))
    name = key("qmg", "month_12")
    np.testing.assert_array_equal(np.sort(shuffled.visit[name], axis=1), np.sort(cohorts.visit[name], axis=1))
    assert not np.array_equal(shuffled.visit[name], cohorts.visit[name])
    np.testing.assert_array_equal(shuffled.visit[key("qmg", "baseline")], cohorts.visit[key("qmg", "baseline")])


def test_the_share_tables_have_a_row_per_claim_scenario_and_reading():
    result = status_link.link_robustness(n_cohorts=3, repairings=20, workers=1, use_cache=False, chunk_size=100)
    clinical_ids = {
        c.id
        for c in REGISTRY
        if c.finding in ("clinical_scores", "prednisone", "status")
        and (c.kind == "inferential" or c.finding == "status")
    }
    clinical = result["clinical"]
    assert set(clinical["claim_id"]) == clinical_ids
    assert len(clinical) == len(clinical_ids) * (len(status_link.LINK_SCENARIOS) + 1)
    # the stated subset claims; the implied ones (which tell the readings apart) come beside them
    subset = result["subset"][result["subset"]["finding"] == "improved_subset"]
    assert len(subset) == 3 * len(improved_subset.READINGS) * len(status_link.LINK_SCENARIOS)
    assert set(subset["claim_id"]) == {c.id for c in REGISTRY.select(finding="improved_subset")}
    assert len(result["subset"]) > len(subset)
    assert list(result["scenarios"]["scenario"]) == list(status_link.LINK_SCENARIOS)
    assert set(result["committed"]["cohorts"]) == {20}
    figures = status_link.summary(result)
    assert figures["assumed_broken"] == 0.0 and figures["c_worse"] > 0
