"""The clinical chapters' statistics on small hand-checkable cohorts, against scipy and statsmodels."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from tacmg import load
from tacmg.analyses import cohort, prednisone, scores, status
from tacmg.claims import consistency
from tacmg.claims.registry import load_claims, published_number
from tacmg.data import contract
from tacmg.data.loader import Dataset
from tacmg.data.paths import CLAIMS_PATH, RECONSTRUCTED_DIR
from tacmg.presentation import clinical_charts, prose, summaries, tables
from tacmg.reconstruction.priors import load_priors
from tacmg.stats import estimates, rounding

SCORE_COLUMNS = list(contract.SCORES)


def make_dataset(
    before: dict[str, list[float]], after: dict[str, list[float]], statuses=None, patients: dict | None = None
) -> Dataset:
    """A Dataset built in memory: `before`/`after` give columns of visits.csv per patient; every
    other visit column is filled with a constant, every patient column with a plain default."""
    n = len(next(iter(before.values())))
    ids = [f"P{i + 1:02d}" for i in range(n)]
    patient_frame = pd.DataFrame(
        {
            "patient_id": ids,
            "sex": ["F"] * n,
            "age_at_onset_years": [40.0] * n,
            "disease_duration_years": [5.0] * n,
            "mgfa_class": ["IIa"] * n,
            "antibody_status": ["AChR"] * n,
            "thymectomy": [False] * n,
            "post_intervention_status": statuses or ["I"] * n,
            **(patients or {}),
        }
    )
    value_columns = [*contract.SCORES, "prednisone_mg_day", *contract.MOLECULES]
    rows = []
    for visit, values in (("baseline", before), ("month_12", after)):
        for i, pid in enumerate(ids):
            rows.append(
                {
                    "patient_id": pid,
                    "visit": visit,
                    **{c: float(values[c][i]) if c in values else 1.0 for c in value_columns},
                }
            )
    visits = pd.DataFrame(rows)
    controls = pd.DataFrame(
        {"control_id": ["C01"], "sex": ["F"], "age_years": [40.0], **{m: [1.0] for m in contract.MOLECULES}}
    )
    return Dataset(patient_frame, visits, controls, Path("."), "0" * 64, None)


@pytest.fixture(scope="module")
def reconstruction():
    return load(RECONSTRUCTED_DIR)


# ----------------------------------------------------------------------------- helpers


def test_round_half_up_rounds_printed_halves_away_from_zero():
    assert format(31.25, ".1f") == "31.2"  # why the helper exists: binary half-to-even
    assert rounding.round_half_up(31.25, 1) == 31.3
    assert rounding.round_half_up(34.375, 1) == 34.4
    assert rounding.round_half_up(-2.5, 0) == -3.0
    assert math.isnan(rounding.round_half_up(float("nan"), 1))
    assert rounding.percent(10, 32) == 31.3 and math.isnan(rounding.percent(1, 0))


def test_published_number_and_verdict_word():
    assert published_number("roughly 33%") == 33.0
    assert published_number(13.75) == 13.75
    with pytest.raises(ValueError):
        published_number("decrease")
    # the verb only: whether the data were built to meet a claim is said once, by the tally
    assert prose.verdict_word(["holds (conditioned)", "holds (conditioned)"]) == "meets"
    assert prose.verdict_word(["holds (tested)"]) == "meets"
    assert prose.verdict_word(["holds (conditioned)", "holds (tested)"]) == "meets"
    assert prose.verdict_word(["holds (tested)", "does not hold"]) == "does not meet"
    assert prose.verdict_word(["not computable", "holds (tested)"]) == "cannot be checked against"
    assert prose.verdict_word([]) == "does not meet"


@pytest.mark.parametrize("n", [5, 12, 32])
def test_smallest_signed_rank_p_is_scipys_exact_p_when_every_patient_falls(n):
    d = -np.arange(1, n + 1, dtype=float)
    assert consistency.smallest_signed_rank_p(n) == pytest.approx(stats.wilcoxon(d, method="exact").pvalue, rel=1e-9)
    assert consistency.smallest_signed_rank_p(32) == pytest.approx(4.66e-10, rel=1e-3)


# ----------------------------------------------------------------------------- Table 1


def test_table_one_on_a_small_cohort():
    ages = [34.0, 41.0, 29.0, 47.0]
    data = make_dataset(
        {"qmg": [10, 12, 9, 14], "prednisone_mg_day": [30, 35, 30, 40]},
        {"qmg": [6, 7, 5, 11], "prednisone_mg_day": [12.5, 15, 10, 20]},
        patients={
            "sex": ["F", "M", "F", "F"],
            "age_at_onset_years": ages,
            "thymectomy": [True, False, False, True],
            "mgfa_class": ["IIa", "IIIb", "IIb", "IIIb"],
        },
    )
    table = cohort.table_one(data)
    assert list(table.columns) == ["section", "characteristic", "statistic", "value", "summary", "basis", "claim"]
    row = table.set_index(["characteristic", "statistic"])
    assert row.loc[("Patients", "n"), "value"] == 4
    assert row.loc[("Women", "n (%)"), "summary"] == "3 (75.0%)"
    assert row.loc[("Age at onset (years)", "mean (SD)"), "value"] == pytest.approx(np.mean(ages))
    assert row.loc[("Age at onset (years)", "mean (SD)"), "summary"] == f"37.8 ({np.std(ages, ddof=1):.1f})"
    assert row.loc[("Thymectomy before baseline", "n (%)"), "summary"] == "2 (50.0%)"
    # categories in MGFA order, absent ones left out
    classes = [c for c in table["characteristic"] if c.startswith("MGFA class")]
    assert classes == ["MGFA class IIa at baseline", "MGFA class IIb at baseline", "MGFA class IIIb at baseline"]
    qmg = np.array([10, 12, 9, 14], float)
    assert row.loc[("QMG (points)", "median (IQR)"), "summary"] == (  # points to one decimal, half up
        f"{np.median(qmg):.1f} (9.8 to {np.quantile(qmg, 0.75):.1f})"
    )
    assert np.quantile(qmg, 0.25) == 9.75


def test_table_one_basis_takes_published_figures_from_the_registry(tmp_path):
    raw = yaml.safe_load(CLAIMS_PATH.read_text(encoding="utf-8"))
    for claim in raw["claims"]:
        if claim["id"] == "cohort-age-at-onset":
            claim["published"] = 41.2
    changed = tmp_path / "claims.yaml"
    changed.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    data = make_dataset({"qmg": [1, 2]}, {"qmg": [0, 1]})
    basis = cohort.table_one(data, load_claims(changed), reconstructed=True).set_index("characteristic")["basis"]
    assert basis["Age at onset (years)"].startswith("published: mean 41.2 years (news)")
    # the assumptions are named in words, not as priors.yaml keys (issue 22: no YAML keys where a reader looks)
    assert basis["Women"] == f"assumed ({cohort.TABLE_ONE_ASSUMPTIONS['sex']})"
    assert basis["Age at onset (years)"].endswith(f"; SD assumed ({cohort.TABLE_ONE_ASSUMPTIONS['age_sd']})")
    assert not basis.str.contains("priors.yaml|cohort\\.", regex=True).any()
    # data that are not a reconstruction (decided from the data package when not said): nothing is assumed
    own = cohort.table_one(data, load_claims(changed)).set_index("characteristic")["basis"]
    assert own["Women"] == cohort.MEASURED
    assert own["Age at onset (years)"] == "published: mean 41.2 years (news); SD not published"
    assert not own.str.contains("assumed|prior").any()


def test_every_assumption_named_in_table_one_exists_in_priors(reconstruction):
    priors = load_priors()
    bases = " ".join(cohort.table_one(reconstruction)["basis"])
    assert set(cohort.TABLE_ONE_ASSUMPTIONS) == set(cohort.TABLE_ONE_PRIORS)
    for key, words in cohort.TABLE_ONE_ASSUMPTIONS.items():
        assert f"assumed ({words})" in bases, key
        for dotted in cohort.TABLE_ONE_PRIORS[key]:
            priors[dotted]  # raises KeyError if the entry does not exist


def test_table_one_published_rows_match_the_reconstruction(reconstruction):
    registry = load_claims()
    table = cohort.table_one(reconstruction, registry)
    published = table[table["basis"].str.startswith("published")]
    for _, row in published.iterrows():
        claim_id = row["claim"]
        claim = registry.by_id(claim_id)
        decimals = claim.params.get("decimals")
        value = rounding.round_half_up(row["value"], decimals) if decimals is not None else row["value"]
        assert value == pytest.approx(float(claim.published)), claim_id


# ----------------------------------------------------------------------------- score changes


def test_score_changes_hand_checked_values_and_scipy_agreement():
    before = {
        "qmg": [10, 12, 9, 14, 8, 11],
        "mmt": [11, 15, 8, 20, 9, 10],
        "mg_adl": [5, 4, 5, 6, 3, 4],
        "mg_qol15": [12, 10, 11, 15, 9, 14],
    }
    after = {
        "qmg": [6, 7, 5, 11, 8, 13],
        "mmt": [4, 5, 3, 12, 9, 9],
        "mg_adl": [2, 2, 1, 4, 3, 4],
        "mg_qol15": [7, 8, 6, 12, 9, 15],
    }
    table = scores.score_changes(make_dataset(before, after)).set_index("score")
    assert list(table.index) == SCORE_COLUMNS
    qmg = table.loc["qmg"]
    change = np.subtract(after["qmg"], before["qmg"])  # -4 -5 -4 -3 0 +2
    assert qmg["n"] == 6 and qmg["n_nonzero"] == 5
    assert qmg["median_change"] == np.median(change)
    assert (qmg["n_improved"], qmg["n_unchanged"], qmg["n_worse"]) == (4, 1, 1)
    assert qmg["n_mcid"] == 4 and qmg["share_mcid"] == pytest.approx(4 / 6)  # -3 counts: ">= 3 points"
    expected = stats.wilcoxon(change, zero_method="wilcox", method="asymptotic", correction=False)
    assert qmg["p_value"] == pytest.approx(expected.pvalue) and qmg["statistic"] == expected.statistic
    assert qmg["p_method"].startswith("normal approximation")
    shift = estimates.paired_shift(before["qmg"], after["qmg"])
    assert (qmg["hl_change"], qmg["hl_change_ci_low"], qmg["hl_change_ci_high"]) == (
        shift.estimate,
        shift.low,
        shift.high,
    )
    assert qmg["effect_size"] == pytest.approx(estimates.paired_rank_biserial(before["qmg"], after["qmg"]))
    mmt = table.loc["mmt"]
    assert math.isnan(mmt["mcid_points"]) and math.isnan(mmt["share_mcid"])
    assert "none established" in mmt["mcid_basis"]


def test_score_changes_uses_the_exact_p_without_ties_or_zeros():
    before = {s: [20.0] * 8 for s in SCORE_COLUMNS}
    after = {s: [20.0 - k for k in range(1, 9)] for s in SCORE_COLUMNS}
    row = scores.score_changes(make_dataset(before, after)).iloc[0]
    assert row["p_method"] == "exact"
    assert row["p_value"] == pytest.approx(consistency.smallest_signed_rank_p(8))
    assert row["effect_size"] == -1.0


def test_score_changes_thresholds_can_be_overridden():
    before = {s: [10, 10, 10, 10] for s in SCORE_COLUMNS}
    after = {s: [9, 8, 7, 12] for s in SCORE_COLUMNS}
    data = make_dataset(before, after)
    table = scores.score_changes(data, mcid={"qmg": 1, "mg_qol15": None}).set_index("score")
    assert table.loc["qmg", "n_mcid"] == 3 and table.loc["qmg", "mcid_basis"] == "set by the reader"
    assert math.isnan(table.loc["mg_qol15", "n_mcid"])
    assert table.loc["mg_adl", "n_mcid"] == 2  # default 2 points still applies
    assert scores.score_changes(data, confidence=0.8).loc[0, "confidence"] == 0.8
    # passing the defaults explicitly keeps their citations
    restated = scores.score_changes(data, mcid=dict(scores.MCID_POINTS)).set_index("score")
    assert restated.loc["qmg", "mcid_basis"].startswith("Katzberg")
    bases = scores.mcid_table({"qmg": 2}).set_index("score")["basis"]
    assert bases["qmg"] == "set by the reader" and bases["mg_adl"].startswith("Muppidi")


def test_table_view_escapes_published_bounds():
    html = tables.table_view(pd.DataFrame({"published": ["decrease, P < 0.0001"]})).to_html()
    assert "P &lt; 0.0001" in html
    frame = pd.DataFrame({"a": [1.5, float("nan")]})
    assert tables.table_view(frame).to_html() == tables.table_view(frame.copy()).to_html()  # no random ids
    assert "0x" not in repr(tables.table_view(frame)) and "n/a" in tables.table_view(frame).to_html()


def test_table_view_shows_what_a_reader_needs_and_hides_what_is_for_machines():
    """Issue 22: ids only as hover titles, true minus signs, ranges unbroken, at most MAX_COLUMNS
    columns side by side (the rest in a details row under each row, none lost)."""
    columns = {f"Column {i}": [f"-{i}.5 (-{i + 1}.0 to -{i}.0)", "n/a"] for i in range(tables.MAX_COLUMNS + 2)}
    frame = pd.DataFrame({"Claim": ["QMG fall", "MMT fall"], **columns, "Id": ["qmg-decrease", "mmt-decrease"]})
    view = tables.table_view(frame)
    html = view.to_html()
    heads = re.findall(r"<th [^>]*>([^<]*)</th>", html)
    assert heads == ["Claim", *list(columns)[: tables.MAX_COLUMNS - 1]]  # no Id column, seven side by side
    assert 'title="qmg-decrease"' in html and ">qmg-decrease<" not in html
    assert html.count('class="tacmg-details"') == 2
    for heading in list(columns)[tables.MAX_COLUMNS - 1 :]:
        assert f'<span class="tacmg-details-label">{heading}:</span>' in html  # every column is still there
    assert "-1.5" not in html and "\u22121.5 (\u22122.0\u00a0to\u00a0\u22121.0)" in html


def test_score_changes_with_no_change_at_all_is_not_computable():
    data = make_dataset({s: [3, 4, 5] for s in SCORE_COLUMNS}, {s: [3, 4, 5] for s in SCORE_COLUMNS})
    row = scores.score_changes(data).iloc[0]
    assert math.isnan(row["p_value"]) and row["n_unchanged"] == 3 and row["hl_change"] == 0


def test_score_changes_on_the_reconstruction_match_the_published_medians(reconstruction):
    registry = load_claims()
    table = scores.score_changes(reconstruction).set_index("score")
    for claim in registry.select(finding="clinical_scores"):
        if claim.quantity == "median":
            column = "median_baseline" if claim.visits[0] == "baseline" else "median_month_12"
            assert table.loc[claim.variables[0], column] == float(claim.published)
    assert (table["hl_change_ci_high"] < 0).all() and (table["p_value"] < 1e-4).all()


def test_format_changes_prints_intervals_and_mcid_counts():
    before = {s: [10, 10, 10, 10] for s in SCORE_COLUMNS}
    after = {s: [9, 8, 7, 12] for s in SCORE_COLUMNS}
    text = tables.format_changes(scores.score_changes(make_dataset(before, after)))
    assert list(text["Outcome"]) == ["QMG", "MMT", "MG-ADL", "MG-QOL15"]
    assert text.loc[1, "Reached MCID"] == "no MCID"
    assert text.loc[0, "Reached MCID"] == "1 of 4 (fall of 3.0 or more)"
    assert text.loc[0, "Improved at all"] == "3 of 4"


@pytest.mark.parametrize(
    "hl, low, high, mcid, start",
    [
        (-5, -7.5, -3, 3, "lies entirely at or beyond"),
        (-5, -7, -4, 5, "is at or beyond"),
        (-2, -4, -1, 3, "falls short of the minimal clinically important improvement, though"),
        (-1, -2, 0, 3, "lies entirely short"),
        (-1, -2, 0, None, "cannot be set"),
    ],
)
def test_mcid_reading_places_the_interval_against_the_threshold(hl, low, high, mcid, start):
    assert prose.mcid_reading(hl, low, high, mcid).startswith(start)


# ----------------------------------------------------------------------------- prednisone


def test_prednisone_taper_courses_and_tidy_doses():
    before = [30, 20, 10, 15, 25]
    after = [0, 10, 10, 20, 12.5]
    taper = prednisone.prednisone_taper(
        make_dataset({"prednisone_mg_day": before}, {"prednisone_mg_day": after}, statuses=["MM", "I", "U", "U", "I"])
    )
    s = taper.summary.iloc[0]
    assert (s["n_tapered"], s["n_stopped"], s["n_unchanged"], s["n_increased"]) == (3, 1, 1, 1)
    assert s["share_tapered"] == pytest.approx(0.6)
    assert s["median_baseline"] == 20 and s["median_month_12"] == 10
    assert (s["q1_baseline"], s["q3_baseline"]) == (np.quantile(before, 0.25), np.quantile(before, 0.75))
    d = np.subtract(after, before)
    assert s["p_value"] == pytest.approx(stats.wilcoxon(d, method="asymptotic").pvalue)
    doses = taper.doses
    assert len(doses) == 10 and "patient_id" not in doses.columns
    assert list(doses["visit"].unique()) == ["Baseline", "Month 12"]
    first = doses[doses["patient"] == 0].set_index("visit")
    assert first.loc["Month 12", "dose_mg_day"] == 0 and set(first["course"]) == {"stopped"}
    assert set(doses["course"]) <= set(prednisone.COURSES)
    courses = prednisone.course_table(taper.summary).set_index("course")
    assert courses.loc["tapered (stopped included)", "patients"] == 3
    assert courses.loc["increased", "percent"] == 20.0


def test_prednisone_taper_on_the_reconstruction_gives_the_published_medians(reconstruction):
    registry = load_claims()
    s = prednisone.prednisone_taper(reconstruction).summary.iloc[0]
    assert s["median_baseline"] == float(registry.by_id("prednisone-median-baseline").published)
    assert s["median_month_12"] == float(registry.by_id("prednisone-median-month-12").published)


def test_prednisone_rank_biserial_is_not_printed_as_minus_one_when_a_dose_rose(reconstruction):
    s = prednisone.prednisone_taper(reconstruction).summary.iloc[0]
    assert s["n_increased"] >= 1  # the committed cohort has a patient whose dose rose
    # matched-pairs rank-biserial from its definition: (rank sum up - rank sum down) / total rank sum
    doses = reconstruction.paired("prednisone_mg_day").dropna()
    d = (doses["month_12"] - doses["baseline"]).to_numpy(float)
    d = d[d != 0]
    ranks = stats.rankdata(np.abs(d))
    expected = (ranks[d > 0].sum() - ranks[d < 0].sum()) / ranks.sum()
    assert s["effect_size"] == pytest.approx(expected) and expected > -1
    text = summaries.bounded_text(float(s["effect_size"]))
    assert text not in ("-1.00", "-1") and float(text) == pytest.approx(expected, abs=0.0005)
    # when every changed dose fell it is -1, and printed as such
    every_fell = make_dataset({"prednisone_mg_day": [30, 20, 10]}, {"prednisone_mg_day": [10, 10, 10]})
    r = prednisone.prednisone_taper(every_fell).summary.iloc[0]["effect_size"]
    assert summaries.bounded_text(float(r)) == "-1.00"


def test_median_explained_names_the_middle_values():
    doses = [15, 12.5, 5, 40]
    assert prose.median_explained(doses, "mg/day") == (
        "the mean of the two middle values, ranked 2 and 3 of 4: 12.5 and 15 mg/day"
    )
    assert prose.median_explained([3, 1, 2], "points") == "the middle value, ranked 2 of 3: 2 points"


# ----------------------------------------------------------------------------- status


def test_status_counts_clopper_pearson_against_beta_quantiles():
    statuses = ["MM"] * 3 + ["I"] * 5 + ["U"] * 2
    data = make_dataset({"qmg": [1] * 10}, {"qmg": [0] * 10}, statuses=statuses)
    table = status.status_counts(data, confidence=0.9)
    assert list(table["status"]) == list(contract.STATUS_CODES)
    assert table["count"].sum() == 10
    mm = table.set_index("status").loc["MM"]
    alpha = 0.1
    assert mm["share_ci_low"] == pytest.approx(stats.beta.ppf(alpha / 2, 3, 10 - 3 + 1))
    assert mm["share_ci_high"] == pytest.approx(stats.beta.ppf(1 - alpha / 2, 3 + 1, 10 - 3))
    worse = table.set_index("status").loc["W"]
    assert worse["share_ci_low"] == 0 and worse["share_ci_high"] == pytest.approx(1 - (alpha / 2) ** (1 / 10))
    assert status.share_interval(3, 10, 0.9) == (mm["share_ci_low"], mm["share_ci_high"])
    text = tables.format_status(table).set_index("Status")
    assert text.loc["MM", "Patients"] == "3 of 10" and text.loc["MM", "Share (%)"] == "30.0"
    assert (
        text.loc["W", "Exact 90% interval (%)"]
        == f"0.0 to {rounding.round_half_up(100 * worse['share_ci_high'], 1):.1f}"
    )
    present = status.status_counts(data, include_absent=False)
    assert list(present["status"]) == ["MM", "I", "U"]


def test_changes_by_status_takes_medians_within_each_status():
    data = make_dataset(
        {"qmg": [10, 12, 9, 14, 8], "prednisone_mg_day": [30, 20, 10, 15, 25]},
        {"qmg": [2, 6, 5, 14, 9], "prednisone_mg_day": [0, 10, 10, 20, 12.5]},
        statuses=["MM", "I", "I", "U", "U"],
    )
    table = status.changes_by_status(data, ["qmg", "prednisone_mg_day"]).set_index("status")
    assert list(table.index) == ["MM", "I", "U"] and list(table["n"]) == [1, 2, 2]
    assert table.loc["MM", "QMG (points)"] == -8
    assert table.loc["I", "QMG (points)"] == np.median([-6, -4])
    assert table.loc["U", "Prednisone (mg/day)"] == np.median([5, -12.5])


def test_status_counts_on_the_reconstruction_agree_with_statsmodels(reconstruction):
    table = status.status_counts(reconstruction)
    low, high = proportion_confint(table["count"], table["n"], alpha=0.05, method="beta")
    assert np.allclose(table["share_ci_low"], low) and np.allclose(table["share_ci_high"], high)
    assert status.claim_bounds(load_claims(), "status-mm")[0] <= table.set_index("status").loc["MM", "count"]


def test_share_arithmetic_of_roughly_a_third_of_32():
    table = status.share_arithmetic(32, 33, observed=11)
    at_32 = table[table["denominator"] == 32].set_index("count")
    assert at_32.loc[10, "percent_1dp"] == 31.3 and at_32.loc[11, "percent_1dp"] == 34.4
    assert not at_32["rounds_to_published"].any()
    assert list(at_32.index[at_32["brackets_published"]]) == [10, 11]
    assert at_32.loc[11, "in_data"] and not at_32.loc[10, "in_data"]
    matches = table[table["rounds_to_published"]]
    assert list(zip(matches["count"], matches["denominator"])) == [(10, 30)]
    assert matches["percent_1dp"].iloc[0] == 33.3
    assert set(table["denominator"]) == {30, 31, 32}
    assert (abs(table["count"] - 0.33 * table["denominator"]) < 2).all()


# ----------------------------------------------------------------------------- charts


def test_clinical_charts_build_and_carry_no_patient_codes(reconstruction):
    panels = [
        dict(
            label=contract.SCORES[s][0],
            unit="points",
            paired=scores.paired_with_status(reconstruction, s),
            mcid=scores.MCID_POINTS[s],
        )
        for s in SCORE_COLUMNS
    ]
    built = [
        clinical_charts.score_change_grid(panels, True),
        clinical_charts.dose_chart(prednisone.prednisone_taper(reconstruction).doses, True),
        clinical_charts.status_intervals(status.status_counts(reconstruction), True),
        clinical_charts.share_arithmetic_chart(status.share_arithmetic(observed=11), 33, True),
        clinical_charts.mean_against_published(
            reconstruction.patients["age_at_onset_years"], "Age at onset", "years", True, published_mean=37.8
        ),
    ]
    for chart in built:
        spec = json.dumps(chart.to_dict())
        assert not re.search(r'"P\d{2}"', spec)
        assert "Reconstructed data, not patient data" in spec


def _conventions_cohort():
    before = {
        "qmg": [10, 12, 9, 14, 8, 11, 10, 9],
        "mmt": [11, 15, 8, 20, 9, 10, 12, 13],
        "mg_adl": [5, 4, 5, 6, 3, 4, 6, 5],
        "mg_qol15": [12, 10, 11, 15, 9, 14, 13, 12],
    }
    after = {
        "qmg": [6, 7, 5, 11, 8, 13, 10, 9],  # three zero changes
        "mmt": [4, 5, 3, 12, 8, 7, 10, 9],  # no zero and no tie
        "mg_adl": [2, 2, 1, 4, 3, 4, 5, 4],
        "mg_qol15": [7, 8, 6, 12, 9, 15, 13, 11],
    }
    return before, after, make_dataset(before, after)


def test_score_changes_carry_the_exact_conditional_p_beside_the_reported_one():
    before, after, dataset = _conventions_cohort()
    table = scores.score_changes(dataset).set_index("score")
    for column in SCORE_COLUMNS:
        change = np.subtract(after[column], before[column], dtype=float)
        assert table.loc[column, "p_value_permutation"] == pytest.approx(
            stats.wilcoxon(change, method=stats.PermutationMethod()).pvalue  # a full enumeration at n = 8
        )
        assert table.loc[column, "p_method_permutation"].startswith("exact conditional")
    assert "P (exact conditional)" in tables.format_changes(table.reset_index()).columns
    large = table.reset_index().assign(n=3000)
    assert "P (conditional; exact up to 50 pairs, normal approximation above)" in tables.format_changes(large).columns


def test_hl_conventions_are_paired_shift_under_each_convention_and_interval():
    before, after, dataset = _conventions_cohort()
    table = scores.hl_conventions(dataset, confidence=0.9).set_index("score")
    qmg = table.loc["qmg"]
    dropped = estimates.paired_shift(before["qmg"], after["qmg"], 0.9)
    textbook = estimates.paired_shift(before["qmg"], after["qmg"], 0.9, zeros="keep")
    conditional = estimates.paired_shift(before["qmg"], after["qmg"], 0.9, interval="conditional")
    assert (qmg["n"], qmg["n_nonzero"]) == (8, 5)
    assert qmg["ties_or_zeros"] and not table.loc["mmt", "ties_or_zeros"]
    assert (qmg["hl_change"], qmg["hl_change_ci_low"], qmg["hl_change_ci_high"]) == (
        dropped.estimate,
        dropped.low,
        dropped.high,
    )
    assert (qmg["hl_change_all_n"], qmg["hl_change_all_n_ci_low"], qmg["hl_change_all_n_ci_high"]) == (
        textbook.estimate,
        textbook.low,
        textbook.high,
    )
    assert (qmg["hl_change_conditional_ci_low"], qmg["hl_change_conditional_ci_high"]) == (
        conditional.low,
        conditional.high,
    )
    assert qmg["hl_change"] != qmg["hl_change_all_n"]  # the three zeros pull the textbook estimate to 0
    mmt = table.loc["mmt"]  # no zero change: both conventions are the same estimator
    assert (mmt["hl_change"], mmt["hl_change_ci_low"]) == (mmt["hl_change_all_n"], mmt["hl_change_all_n_ci_low"])


def test_convention_readings_flag_a_reading_that_moves_across_the_threshold():
    *_, dataset = _conventions_cohort()
    conventions = scores.hl_conventions(dataset)
    readings = prose.convention_readings(conventions, scores.MCID_POINTS).set_index("score")
    row = conventions.set_index("score").loc["qmg"]
    for column in SCORE_COLUMNS:
        r = conventions.set_index("score").loc[column]
        expected = prose.mcid_reading(
            r["hl_change"], r["hl_change_ci_low"], r["hl_change_ci_high"], scores.MCID_POINTS[column]
        ) != prose.mcid_reading(
            r["hl_change_all_n"], r["hl_change_all_n_ci_low"], r["hl_change_all_n_ci_high"], scores.MCID_POINTS[column]
        )
        assert readings.loc[column, "changes"] == expected
    assert not readings.loc["mmt", "changes"]  # no threshold, no reading to change
    # a threshold between the two QMG estimates moves the reading
    between = (row["hl_change"] + row["hl_change_all_n"]) / 2
    moved = prose.convention_readings(conventions, {**scores.MCID_POINTS, "qmg": -between})
    assert moved.set_index("score").loc["qmg", "changes"]
    view = tables.hl_conventions_view(conventions, {**scores.MCID_POINTS, "qmg": -between})
    assert view.loc[view["Outcome"] == "QMG", "MCID reading"].item() == "changes"
    assert view.loc[view["Outcome"] == "MMT", "MCID reading"].item() == "no MCID"
