"""The molecule analyses: agreement with scipy and statsmodels, with the registry evaluation, and
known answers on small hand-built datasets."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from tacmg.analyses import (
    correlations,
    molecule_change,
    molecule_values,
    molecules_vs_controls,
    plausibility,
    selection,
)
from tacmg.claims.evaluate import IMPROVED_STATUSES, evaluate
from tacmg.claims.registry import load_claims
from tacmg.data.contract import MOLECULES, SCORES
from tacmg.data.loader import Dataset, load
from tacmg.data.paths import RECONSTRUCTED_DIR
from tacmg.presentation import correlation_charts, molecule_charts, molecule_tables, palette, prose, summaries, tables
from tacmg.stats import estimates, multiplicity, permutation, rank_tests, rounding

MOLECULE_COLUMNS = list(MOLECULES)
SCORE_COLUMNS = list(SCORES)


@pytest.fixture(scope="module")
def committed() -> Dataset:
    return load(RECONSTRUCTED_DIR)


@pytest.fixture(scope="module")
def evaluated(committed) -> pd.DataFrame:
    return evaluate(committed).set_index("claim_id")


def build_dataset(statuses, baseline=None, month_12=None, controls=None, n_controls=10, seed=0) -> Dataset:
    """A Dataset from arrays; every column not given is filled with seeded positive noise."""
    rng = np.random.default_rng(seed)
    n = len(statuses)
    ids = [f"P{i:02d}" for i in range(1, n + 1)]
    patients = pd.DataFrame({"patient_id": ids, "post_intervention_status": list(statuses)})

    def visit_frame(visit, given):
        given = given or {}
        frame = {"patient_id": ids, "visit": [visit] * n}
        for column in SCORE_COLUMNS:
            frame[column] = np.asarray(given.get(column, rng.integers(1, 20, n)), float)
        frame["prednisone_mg_day"] = np.full(n, 10.0)
        for column in MOLECULE_COLUMNS:
            frame[column] = np.asarray(given.get(column, rng.lognormal(4, 0.5, n)), float)
        return pd.DataFrame(frame)

    visits = pd.concat([visit_frame("baseline", baseline), visit_frame("month_12", month_12)], ignore_index=True)
    controls = controls or {}
    control_frame = pd.DataFrame(
        {
            "control_id": [f"C{i:02d}" for i in range(n_controls)],
            **{m: np.asarray(controls.get(m, rng.lognormal(4, 0.5, n_controls)), float) for m in MOLECULE_COLUMNS},
        }
    )
    return Dataset(patients, visits, control_frame, Path("synthetic"), "0" * 64)


# ----------------------------------------------------------------------------- helpers


def test_adjust_p_matches_statsmodels_and_leaves_missing_tests_out():
    p = [0.01, np.nan, 0.04, 0.03, 0.5]
    adjusted = multiplicity.adjust_p(p, "fdr_bh")
    expected = multipletests([0.01, 0.04, 0.03, 0.5], method="fdr_bh")[1]
    assert np.isnan(adjusted[1])
    np.testing.assert_allclose(adjusted[[0, 2, 3, 4]], expected)
    np.testing.assert_allclose(multiplicity.adjust_p(p, "none")[[0, 2]], [0.01, 0.04])
    np.testing.assert_allclose(multiplicity.adjust_p([0.01, 0.04], "bonferroni"), [0.02, 0.08])


def test_group_labels_are_the_chart_labels():
    assert selection.GROUP_LABELS == palette.VISIT_LABELS


def test_words_joins_like_prose():
    assert prose.words([]) == "none"
    assert prose.words(["a"]) == "a"
    assert prose.words(["a", "b", "c"]) == "a, b and c"


# ----------------------------------------------------------------------------- against controls


def test_against_controls_agrees_with_scipy_statsmodels_and_the_registry(committed, evaluated):
    table = molecules_vs_controls.baseline_against_controls(committed)
    assert list(table["molecule"]) == MOLECULE_COLUMNS
    baseline = committed.visits[committed.visits["visit"] == "baseline"]
    for row in table.itertuples():
        patients, controls = baseline[row.molecule], committed.controls[row.molecule]
        tied = pd.concat([patients, controls]).duplicated().any()
        # exact without ties; scipy's exact distribution ignores ties, so then the asymptotic p
        expected = (
            stats.mannwhitneyu(patients, controls, method="asymptotic", use_continuity=False)
            if tied
            else stats.mannwhitneyu(patients, controls, method="exact")
        )
        assert row.p_value == pytest.approx(expected.pvalue, rel=1e-12)
        assert row.statistic == expected.statistic
        # the same p as the published-beside-this-data table shows
        assert row.p_value == pytest.approx(evaluated.loc[f"{row.molecule.replace('_', '-')}-vs-controls", "p_value"])
        assert row.hl_ratio_ci_low <= row.hl_ratio <= row.hl_ratio_ci_high
    np.testing.assert_allclose(table["p_value_adjusted"], multipletests(table["p_value"], method="fdr_bh")[1])
    published = dict(zip(table["molecule"], table["published_significant"]))
    assert {m for m, s in published.items() if s} == {"spd1", "sicos", "scd40", "scd40l", "il2"}
    assert set(table.loc[table["in_abstract_list"], "molecule"]) == {"spd1", "scd40", "il2"}


def test_against_controls_known_ratio_and_complete_separation():
    controls = np.linspace(10, 40, 10)
    dataset = build_dataset(
        ["I"] * 10,
        baseline={m: 2 * controls for m in MOLECULE_COLUMNS},
        controls={m: controls for m in MOLECULE_COLUMNS},
    )
    row = molecules_vs_controls.baseline_against_controls(dataset).iloc[0]
    assert row["hl_ratio"] == pytest.approx(2.0)
    assert row["ratio_of_medians"] == pytest.approx(2.0)
    separated = build_dataset(
        ["I"] * 10,
        baseline={m: controls + 100 for m in MOLECULE_COLUMNS},
        controls={m: controls for m in MOLECULE_COLUMNS},
    )
    row = molecules_vs_controls.baseline_against_controls(separated).iloc[0]
    assert row["statistic"] == 100 and row["effect_size"] == 1.0
    assert bool(row["significant"]) and bool(row["matches_published"])


def test_against_controls_summary_reads_the_table(committed):
    table = molecules_vs_controls.baseline_against_controls(committed)
    summary = summaries.against_controls_summary(table)
    assert summary["n_molecules"] == 8 and summary["n_patients"] == 32
    assert summary["n_significant"] == int(table["significant"].sum())
    assert summary["abstract_list"] == "sPD-1, sCD40 and IL-2"
    assert all(isinstance(v, (int, float, str)) and not isinstance(v, np.generic) for v in summary.values())


def test_a_failing_split_is_reported_as_not_holding():
    # patients equal to controls: nothing is significant, so the five published elevations fail
    controls = np.linspace(10, 40, 12)
    dataset = build_dataset(
        ["I"] * 12,
        baseline={m: controls for m in MOLECULE_COLUMNS},
        controls={m: controls for m in MOLECULE_COLUMNS},
        n_controls=12,
    )
    summary = summaries.against_controls_summary(molecules_vs_controls.baseline_against_controls(dataset))
    assert summary["n_significant"] == 0
    assert summary["split_verdict"] == "does not hold"
    assert summary["abstract_verdict"] == "does not hold"


# ----------------------------------------------------------------------------- change


def test_paired_change_agrees_with_scipy_and_the_registry(committed, evaluated):
    table = molecule_change.paired_change(committed)
    subset = molecule_change.paired_change(committed, statuses=IMPROVED_STATUSES)
    assert (table["n"] == 32).all() and (subset["n"] == 16).all()
    wide = committed.paired("spd1")
    expected = stats.wilcoxon(wide["month_12"] - wide["baseline"], method="exact")
    assert table.iloc[0]["p_value"] == pytest.approx(expected.pvalue, rel=1e-12)
    for claim_id in ("spd1-decrease", "sicosl-decrease", "scd40-decrease", "scd25-decrease", "il2-decrease"):
        molecule = claim_id.split("-")[0]
        assert table.set_index("molecule").loc[molecule, "p_value"] == pytest.approx(evaluated.loc[claim_id, "p_value"])
    for claim_id in ("improved-spd1-decrease", "improved-sicosl-decrease", "improved-scd25-decrease"):
        molecule = claim_id.split("-")[1]
        assert subset.set_index("molecule").loc[molecule, "p_value"] == pytest.approx(
            evaluated.loc[claim_id, "p_value"]
        )
    np.testing.assert_allclose(table["p_value_adjusted"], multipletests(table["p_value"], method="fdr_bh")[1])


def test_unlisted_molecules_have_no_verdict_and_a_direction_only_claim_needs_no_p(committed):
    table = molecule_change.paired_change(committed).set_index("molecule")
    assert table.loc["sicos", "published"] == "not listed"
    assert table.loc["sicos", "matches_published"] is pd.NA
    assert table.loc["spdl1", "published_direction"] == "increase"
    assert not table.loc["spdl1", "published_significant"]
    # sPD-L1 only has to rise
    assert table.loc["spdl1", "matches_published"] == (table.loc["spdl1", "direction"] == "increase")


def test_a_constant_fold_change_is_recovered_exactly():
    n = 10
    before = np.linspace(50, 200, n)
    dataset = build_dataset(
        ["I"] * n, baseline={m: before for m in MOLECULE_COLUMNS}, month_12={m: before / 2 for m in MOLECULE_COLUMNS}
    )
    row = molecule_change.paired_change(dataset).iloc[0]
    assert row["hl_ratio"] == pytest.approx(0.5) and row["hl_ratio_ci_low"] == pytest.approx(0.5)
    assert row["direction"] == "decrease" and row["effect_size"] == -1.0
    assert row["p_value"] == pytest.approx(2 / 2**n)  # every sign negative: the most extreme of 2^n
    assert row["hl_change"] == pytest.approx(estimates.paired_shift(before, before / 2).estimate)
    assert row["median_change"] == pytest.approx(np.median(-before / 2))


def test_an_empty_subset_gives_missing_tests_not_an_error():
    dataset = build_dataset(["MM", "MM", "U", "U"])
    table = molecule_change.paired_change(dataset, statuses=("I",))
    assert (table["n"] == 0).all() and table["p_value"].isna().all()
    summary = summaries.change_summary(table)
    assert summary["n"] == 0 and summary["verdict"] == "does not hold"
    assert summary["p_differs_list"] == "none"  # two missing p-values do not differ
    assert summary["p_methods"].startswith("not computable")


def test_change_by_status_medians_and_kruskal_wallis():
    statuses = ["MM"] * 4 + ["I"] * 4 + ["U"] * 3
    before = np.full(11, 100.0)
    after = np.array([50, 49, 51, 50, 80, 79, 81, 80, 100, 101, 99], float)
    dataset = build_dataset(
        statuses, baseline={m: before for m in MOLECULE_COLUMNS}, month_12={m: after for m in MOLECULE_COLUMNS}
    )
    table = molecule_change.change_by_status(dataset).query("molecule == 'spd1'").set_index("status")
    assert list(table.index) == ["MM", "I", "U"]
    assert table.loc["MM", "median_ratio"] == pytest.approx(0.5)
    assert table.loc["I", "pct_change"] == pytest.approx(-20)
    assert table.loc["U", "share_fell"] == pytest.approx(1 / 3)
    test = molecule_change.status_difference_test(dataset).iloc[0]
    expected = stats.kruskal(np.log(after[:4] / 100), np.log(after[4:8] / 100), np.log(after[8:] / 100))
    assert test["p_value"] == pytest.approx(expected.pvalue)
    assert test["groups"] == "MM, I, U" and test["group_sizes"] == "4, 4, 3"
    assert test["largest_fall_status"] == "MM" and test["smallest_fall_status"] == "U"


def test_kruskal_wallis_needs_two_groups():
    dataset = build_dataset(["I"] * 6 + ["U"])
    table = molecule_change.status_difference_test(dataset)
    assert table["p_value"].isna().all() and (table["groups"] == "I").all()


# ----------------------------------------------------------------------------- correlations


def test_correlation_table_counts_tests_and_matches_scipy(committed, evaluated):
    table = correlations.correlation_table(committed)
    assert len(table) == 4 * 8 + 8 * 7 // 2
    baseline = committed.visits[committed.visits["visit"] == "baseline"]
    row = table[(table["var_x"] == "qmg") & (table["var_y"] == "scd25")].iloc[0]
    expected = stats.spearmanr(baseline["qmg"], baseline["scd25"])
    assert row["rho"] == pytest.approx(expected.statistic) and row["p_value"] == pytest.approx(expected.pvalue)
    assert row["p_value"] == pytest.approx(evaluated.loc["scd25-qmg-correlation", "p_value"])
    assert row["published_sign"] == "negative"  # registry order (scd25, qmg) differs from the table's
    assert table["published_sign"].notna().sum() == len(load_claims().select(finding="correlations"))
    np.testing.assert_allclose(table["p_value_adjusted"], multipletests(table["p_value"], method="fdr_bh")[1])
    summary = summaries.multiplicity_summary(table)
    assert summary["n_tests"] == 60 and summary["expected_by_chance"] == pytest.approx(3.0)
    assert summary["n_significant_adjusted"] <= summary["n_significant"]


def test_published_pairs_put_the_score_on_y(committed):
    pairs = correlations.published_pairs(correlations.correlation_table(committed))
    assert ("scd25", "qmg") in pairs and ("spd1", "spdl1") in pairs
    values = molecule_values.pair_values(committed, pairs)
    assert len(values) == 32 * len(pairs) and not values.filter(like="patient").columns.size


def test_between_patient_and_within_patient_associations_can_have_opposite_signs():
    n = 10
    i = np.arange(1, n + 1)
    baseline = {"scd25": 100.0 * (n + 1 - i), "qmg": 10.0 + i}  # more sCD25, lower QMG: rho = -1
    month_12 = {"scd25": baseline["scd25"] * (1 - 0.05 * i), "qmg": baseline["qmg"] - 2 * i}  # both fall together
    dataset = build_dataset(["I"] * n, baseline=baseline, month_12=month_12)
    row = correlations.between_and_within(dataset, "scd25", ("qmg",)).iloc[0]
    assert row["rho_baseline"] == pytest.approx(-1)
    assert row["rho_change"] == pytest.approx(1)
    assert row["share_both_fell"] == 1.0 and row["molecule_median_ratio"] < 1 and row["score_median_change"] < 0


# ----------------------------------------------------------------------------- assay plausibility


def test_claims_resting_on_a_molecule():
    assert set(plausibility.claims_resting_on("sicos")["claim"]) == {
        "sicos-vs-controls",
        "il2-sicos-correlation",
        "spd1-sicos-correlation",
    }
    assert list(plausibility.claims_resting_on("scd40l")["claim"]) == ["scd40l-vs-controls"]
    left = plausibility.without_molecule("sicos")
    assert left["n_resting"] == 3 and left["n_remaining"] == left["n_claims"] - 3


def test_level_against_ceiling():
    dataset = build_dataset(
        ["I"] * 4, baseline={"sicos": [10, 30, 50, 70]}, controls={"sicos": [5, 15, 25, 35]}, n_controls=4
    )
    level = plausibility.level_against_ceiling(dataset, "sicos", ceiling=20)
    assert level["median_patients_baseline"] == 40 and level["fold_patients"] == 2
    assert level["share_above_controls"] == 0.5 and level["share_above_patients"] == 0.75


def test_for_display_formats_p_values_and_flags(committed):
    table = molecules_vs_controls.baseline_against_controls(committed)
    shown = tables.for_display(
        table,
        {"label": "Molecule", "p_value": "P", "significant": "P < 0.05", "hl_ratio": "Ratio"},
        {"hl_ratio": "ratio"},
    )
    assert list(shown.columns) == ["Molecule", "P", "P < 0.05", "Ratio"]
    assert set(shown["P < 0.05"]) <= {"yes", "no"}
    assert shown["P"].iloc[0] == rounding.p_value_text(table["p_value"].iloc[0]) == "< 0.001"
    assert shown["Ratio"].iloc[0] == rounding.quantity_text(table["hl_ratio"].iloc[0], "ratio")
    with pytest.raises(ValueError, match="give its unit"):
        tables.for_display(table, {"hl_ratio": "Ratio"})


# ----------------------------------------------------------------------------- charts


def all_charts(dataset: Dataset, reconstructed: bool) -> dict[str, alt.TopLevelMixin]:
    against = molecules_vs_controls.baseline_against_controls(dataset)
    table = correlations.correlation_table(dataset)
    return {
        "strip": molecule_charts.strip_grid(molecule_values.values_by_group(dataset), "t", reconstructed),
        "forest": molecule_charts.ratio_forest(against, "t", "ratio", reconstructed),
        "forest by subset": molecule_charts.ratio_forest(
            pd.concat(
                [molecule_change.paired_change(dataset), molecule_change.paired_change(dataset, statuses=("I",))]
            ),
            "t",
            "ratio",
            reconstructed,
            group="subset",
        ),
        "paired": molecule_charts.paired_grid(molecule_values.paired_values(dataset), "t", reconstructed),
        "status": molecule_charts.status_change_chart(molecule_values.log_ratios(dataset), "t", reconstructed),
        "heatmap": correlation_charts.correlation_heatmap(table, "t", reconstructed),
        "scatter": correlation_charts.scatter_grid(
            molecule_values.pair_values(dataset, correlations.published_pairs(table)), table, "t", reconstructed
        ),
        "between and within": correlation_charts.between_within_chart(
            molecule_values.trajectories(dataset),
            molecule_values.changes_together(dataset),
            "sCD25",
            "t",
            reconstructed,
        ),
    }


@pytest.mark.parametrize("reconstructed", [True, False])
def test_every_chart_says_whose_data_and_shows_no_patient_code(committed, reconstructed):
    note = "Reconstructed data, not patient data" if reconstructed else "Data supplied by the reader"
    codes = set(committed.patients["patient_id"]) | set(committed.controls["control_id"])
    for name, chart in all_charts(committed, reconstructed).items():
        spec = json.dumps(chart.to_dict())
        assert note in spec, name
        assert not any(f'"{code}"' in spec for code in codes), name
        assert any(unit in spec for unit in ("pg/mL", "ratio", "Spearman rho")), name


def test_heatmap_marks_significance_and_published_pairs(committed):
    table = correlations.correlation_table(committed)
    frame = correlation_charts._heatmap_frame(table, 0.05)
    assert len(frame) == 32 + 2 * 28
    sig = frame["significant"].astype(bool)
    assert (frame.loc[sig, "mark"].str.startswith("*")).all() and (frame.loc[~sig, "mark"] == "").all()
    assert frame["is_published"].sum() == 4 + 2 * 8


def test_a_constant_variable_gives_missing_correlations_without_warnings():
    dataset = build_dataset(["I"] * 8, baseline={"qmg": np.full(8, 5.0)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = correlations.correlation_table(dataset)
    constant = table[(table["var_x"] == "qmg")]
    assert constant["rho"].isna().all() and constant["p_value_adjusted"].isna().all()
    assert (constant["significant"].isna()).all()
    assert summaries.multiplicity_summary(table)["n_tests"] == len(table) - len(constant)


@pytest.mark.parametrize("statuses", [None, IMPROVED_STATUSES])
def test_paired_change_permutation_p_is_the_exact_conditional_p_and_the_exact_p_without_ties(committed, statuses):

    table = molecule_change.paired_change(committed, statuses=statuses).set_index("molecule")
    status = selection.status_by_patient(committed)
    keep = status.index if statuses is None else status.index[status.isin(statuses)]
    for molecule, row in table.iterrows():
        wide = committed.paired(molecule).loc[keep]
        diff = (wide["month_12"] - wide["baseline"]).to_numpy(float)
        assert row["p_value_permutation"] == permutation.signed_rank_permutation(diff)[0][0]
        if row["p_method"] == "exact":  # no ties and no zeros: the two counts are the same distribution
            assert row["p_value_permutation"] == pytest.approx(row["p_value"])
        else:
            assert row["p_method"].startswith("normal approximation")
    assert "P (exact conditional)" in molecule_tables.change_view(table.reset_index()).columns


def test_correlation_intervals_are_bonett_wright_and_contain_rho(committed):
    from tacmg.stats.estimates import spearman_interval

    table = correlations.correlation_table(committed, confidence=0.9)
    n = int(table["n"].iloc[0])
    low, high = spearman_interval(table["rho"].to_numpy(float), n, 0.9)
    np.testing.assert_allclose(table["rho_ci_low"], low)
    np.testing.assert_allclose(table["rho_ci_high"], high)
    assert ((table["rho_ci_low"] < table["rho"]) & (table["rho"] < table["rho_ci_high"])).all()
    assert "Spearman rho (90% CI)" in molecule_tables.correlation_view(table).columns


def test_significance_threshold_separates_significant_from_non_significant_rows(committed):
    thresholds = correlations.correlation_thresholds(committed).set_index("group")
    table = correlations.correlation_table(committed)
    r_all = thresholds.loc["all patients", "significant_rho"]
    assert thresholds.loc["all patients", "n"] == len(selection.status_by_patient(committed))
    assert ((table["rho"].abs() > r_all) == (table["p_value"] < 0.05)).all()
    subset = thresholds.drop("all patients")
    assert subset["n"].item() == int(selection.status_by_patient(committed).isin(IMPROVED_STATUSES).sum())
    assert subset["significant_rho"].item() > r_all  # fewer patients need a larger correlation
    # what 80% power detects lies above what merely reaches significance
    assert (thresholds["detectable_rho"] > thresholds["significant_rho"]).all()


def test_detectable_rho_is_detected_about_80_percent_of_the_time():
    """Checked by simulation, independently of the formula: bivariate normal samples whose
    Spearman rho is the detectable one, tested as the chapter tests them (t approximation)."""
    rng = np.random.default_rng(11)
    n, reps = 32, 3000
    rho_s = correlations.detectable_rho(n)
    assert rho_s == pytest.approx(0.502, abs=0.001)  # Fisher z, Bonett-Wright variance, solved by hand
    pearson = 2 * np.sin(np.pi * rho_s / 6)  # the Pearson r of a bivariate normal with this Spearman rho
    x = rng.normal(size=(reps, n))
    y = pearson * x + np.sqrt(1 - pearson**2) * rng.normal(size=(reps, n))
    rx, ry = stats.rankdata(x, axis=1), stats.rankdata(y, axis=1)
    rx, ry = rx - rx.mean(axis=1, keepdims=True), ry - ry.mean(axis=1, keepdims=True)
    rs = (rx * ry).sum(axis=1) / np.sqrt((rx**2).sum(axis=1) * (ry**2).sum(axis=1))
    power = np.mean(np.abs(rs) > rank_tests.smallest_significant_rho(n))
    assert 0.78 < power < 0.9  # at 50% power (0.36) or with the significance threshold (0.35) it is far below
    with pytest.raises(ValueError):
        correlations.detectable_rho(4)


def test_every_change_row_carries_its_n_and_the_prose_its_range(committed):
    """A missing IL-2 value leaves that patient out of IL-2 only: its row says n - 1, the others n,
    and the words the chapter glues give the range, not "all n patients"."""
    import dataclasses

    visits = committed.visits.copy()
    visits.loc[visits.index[(visits["patient_id"] == "P01") & (visits["visit"] == "month_12")], "il2"] = np.nan
    gap = dataclasses.replace(committed, visits=visits)
    table = molecule_change.paired_change(gap)
    n = len(committed.patients)
    counts = table.set_index("molecule")["n"]
    assert counts["il2"] == n - 1 and (counts.drop("il2") == n).all()
    words = summaries.change_summary(table)["patients_words"]
    assert words == f"{n - 1} to {n} patients (IL-2 {n - 1}, the others {n})"
    assert "Patients (n)" in molecule_tables.change_view(table).columns
    full = summaries.change_summary(molecule_change.paired_change(committed))["patients_words"]
    assert full == f"all {n} patients"
