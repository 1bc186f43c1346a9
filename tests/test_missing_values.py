"""A clinic's cohort with drop-outs, blank cells, "NA" spellings, a missing status and values below
the detection limit (`clinic_cohort`, an .xlsx workbook): the loader reads it, each analysis uses
the patients that have what it needs and says its n, the claims use their complete cases, and
every chapter that reads data (00-08 and 11) runs on it with no error, no warning, no "nan" and
nothing that calls the data reconstructed; chapters 01-07 glue its participant flow, and the
flow counts, each analysis's n and the chapters' words are checked against the package.
"""

from __future__ import annotations

import ast
import csv
import html
import re

import nbformat
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from chapter_runs import NOTEBOOKS, glued_values, notebooks_or_fail, run_chapters, shared_root
from clinic_cohort import (
    BLANK_CELLS,
    CENSORED_MOLECULE,
    CONTROL_BLANK,
    DROPPED_OUT,
    N_PATIENTS,
    STATUS_MISSING,
    clinic_tables,
    write_clinic_workbook,
)
from tacmg import load
from tacmg.analyses import cohort, discussion, molecule_change, molecules_vs_controls, scores, status
from tacmg.analyses.correlations import correlation_table
from tacmg.analyses.participant_flow import flow_numbers, participant_flow
from tacmg.claims import consistency
from tacmg.claims.evaluate import evaluate
from tacmg.data.cohorts import STATUS_MISSING as STATUS_INDEX_MISSING
from tacmg.data.cohorts import Cohorts
from tacmg.data.contract import MISSING_VALUES, TABLES
from tacmg.data.loader import check, validate
from tacmg.data.paths import RECONSTRUCTED_DIR
from tacmg.presentation import report
from tacmg.presentation.chapter_values import discussion_values
from tacmg.presentation.prose import counted, words
from tacmg.stats import rank_tests

# The chapters with a participant-flow cell; every chapter that reads data (09 and 10 read none).
FLOW_CHAPTERS = [
    "01-cohort.md",
    "02-clinical-scores.md",
    "03-prednisone.md",
    "04-post-intervention-status.md",
    "05-molecules-vs-controls.md",
    "06-molecule-change.md",
    "07-correlations.md",
]
CHAPTERS = ["00-findings.md", *FLOW_CHAPTERS, "08-scorecard.md", "11-discussion.md"]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("clinic") / "clinic.xlsx"
    limit = write_clinic_workbook(path)
    return path, limit


@pytest.fixture(scope="module")
def dataset(workbook):
    return load(workbook[0])


def _write_csv(directory, tables):
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with (directory / TABLES[name].file).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=TABLES[name].column_names, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


def test_the_workbook_is_valid_without_warnings(workbook):
    report = check(workbook[0])
    assert report.problems == [] and report.warnings == []


def test_missing_month_12_leaves_the_patient_out_of_paired_analyses_only(dataset):
    wide = dataset.paired("mg_adl")
    assert len(wide) == N_PATIENTS and wide.loc[list(DROPPED_OUT), "month_12"].isna().all()
    flow = flow_numbers(participant_flow(dataset))
    assert (flow["enrolled"], flow["month_12"], flow["lost"]) == (N_PATIENTS, N_PATIENTS - 3, 3)
    changes = scores.score_changes(dataset).set_index("score")
    assert changes.loc["mg_adl", "n"] == N_PATIENTS - len(DROPPED_OUT) == flow["mg_adl_n"]
    # Baseline-only analyses keep the drop-outs: against controls, every baseline value is used.
    against = molecules_vs_controls.baseline_against_controls(dataset).set_index("molecule")
    assert against.loc["spd1", "n_patients"] == N_PATIENTS


def test_a_blank_cell_leaves_out_that_value_only(dataset):
    # P06 has no baseline MG-QOL15 ("NA"); P09 no month-12 QMG ("N/A"); P02 no month-12 sCD40L ("").
    changes = scores.score_changes(dataset).set_index("score")
    assert changes.loc["qmg", "n"] == N_PATIENTS - len(DROPPED_OUT) - 1
    assert changes.loc["mg_qol15", "n"] == N_PATIENTS - len(DROPPED_OUT) - 1
    change = molecule_change.paired_change(dataset).set_index("molecule")
    assert change.loc["scd40l", "n"] == N_PATIENTS - len(DROPPED_OUT) - 1
    assert change.loc["scd40", "n"] == N_PATIENTS - len(DROPPED_OUT)
    # Correlations are pairwise complete: MG-QOL15 at baseline lacks one patient.
    table = correlation_table(dataset).set_index(["var_x", "var_y"])
    assert table.loc[("mg_qol15", "spd1"), "n"] == N_PATIENTS - 1
    assert table.loc[("qmg", "spd1"), "n"] == N_PATIENTS
    assert not table["rho"].isna().any()


@pytest.mark.parametrize("spelling", MISSING_VALUES)
def test_every_missing_value_spelling_reads_as_missing(tmp_path, spelling):
    tables, _ = clinic_tables()
    tables["visits"][0]["qmg"] = spelling
    _write_csv(tmp_path, tables)
    assert validate(tmp_path) == []
    assert np.isnan(load(tmp_path).paired("qmg").iloc[0]["baseline"])


def test_a_required_cell_stays_required(tmp_path):
    tables, _ = clinic_tables()
    tables["patients"][0]["sex"] = "NA"
    _write_csv(tmp_path, tables)
    assert validate(tmp_path) == ['patients.csv, line 2, column sex: unknown sex code "NA"; allowed: F, M']


def test_values_below_the_detection_limit_rank_tied_at_the_bottom(dataset, workbook):
    limit = workbook[1]
    assert dataset.detection_limits == {CENSORED_MOLECULE: limit}
    tables, _ = clinic_tables()
    written = sum(row[CENSORED_MOLECULE].startswith("<") for name in ("visits", "controls") for row in tables[name])
    baseline = dataset.paired(CENSORED_MOLECULE)["baseline"].to_numpy()
    controls = dataset.controls[CENSORED_MOLECULE].to_numpy()
    month_12 = dataset.paired(CENSORED_MOLECULE)["month_12"].to_numpy()
    found = sum(int(dataset.censored(CENSORED_MOLECULE, v).sum()) for v in (baseline, month_12, controls))
    assert 0 < found == written
    assert (
        np.nanmax(np.concatenate([baseline, controls])[dataset.censored(CENSORED_MOLECULE, np.r_[baseline, controls])])
        < limit
    )
    # Any stand-in below every measured value gives the same ranks, hence the same test.
    patients = baseline[~np.isnan(baseline)]
    other = [np.where(dataset.censored(CENSORED_MOLECULE, a), limit / 100, a) for a in (patients, controls)]
    held = rank_tests.rank_sum(patients[None], controls[None])
    moved = rank_tests.rank_sum(other[0][None], other[1][None])
    assert held.statistic[0] == moved.statistic[0] and held.p_primary[0] == moved.p_primary[0]


def test_an_estimate_that_falls_on_a_censored_value_says_so(dataset, workbook):
    limit = workbook[1]
    table = molecules_vs_controls.baseline_against_controls(dataset).set_index("molecule")
    note = table.loc[CENSORED_MOLECULE, "below_limit"]
    controls = dataset.controls[CENSORED_MOLECULE].to_numpy()
    median_censored = np.median(controls) < limit
    assert ("median of controls <" in note) == median_censored
    assert (table.drop(index=CENSORED_MOLECULE)["below_limit"] == "").all()


def test_detection_limit_rules(tmp_path):
    tables, limit = clinic_tables()
    censored = [row for row in tables["controls"] if row[CENSORED_MOLECULE].startswith("<")]
    censored[-1][CENSORED_MOLECULE] = f"<{limit * 2:g}"  # the first limit (in visits) stays
    measured = next(row for row in tables["controls"] if not row[CENSORED_MOLECULE].startswith("<"))
    measured[CENSORED_MOLECULE] = f"{limit / 4:g}"
    _write_csv(tmp_path, tables)
    problems = validate(tmp_path)
    assert len(problems) == 2
    assert sum("differs from" in p and "use one limit per molecule" in p for p in problems) == 1
    assert sum("is below the detection limit" in p for p in problems) == 1


def test_a_missing_status_is_in_no_status_group(dataset):
    counts = status.status_counts(dataset)
    assert (counts["n"] == N_PATIENTS - len(STATUS_MISSING)).all()
    cohorts = Cohorts.from_dataset(dataset)
    assert (cohorts.patient["status"] == STATUS_INDEX_MISSING).sum() == len(STATUS_MISSING)


def test_claims_use_their_complete_cases_and_say_n(dataset):
    table = evaluate(dataset).set_index("claim_id")
    assert not table["observed"].str.contains(r"\bnan\b").any()
    n = N_PATIENTS - len(DROPPED_OUT) - 1  # P09's month-12 QMG is missing
    assert f"(n = {n} of {N_PATIENTS} patients with both visits of QMG)" in table.loc["qmg-decrease", "observed"]
    assert "n = " not in table.loc["qmg-median-baseline", "observed"]
    assert "29 of 30 controls" in table.loc["sicos-vs-controls", "observed"]
    # Every variant of the test must reach P < 0.0001; the continuity-corrected normal approximation
    # cannot with so few changes, so the claim is not decided by these data (scipy alone says so).
    wide = dataset.paired("qmg").dropna()
    k = int(np.count_nonzero(wide["month_12"] - wide["baseline"]))
    reachable = stats.wilcoxon(np.arange(1.0, k + 1), method="approx", correction=True).pvalue < 1e-4
    expected = ("holds (tested)", "does not hold") if reachable else ("not computable",)
    assert table.loc["qmg-decrease", "verdict"] in expected


def test_generated_cohorts_stay_complete():
    cohorts = Cohorts.from_dataset(load(RECONSTRUCTED_DIR))
    assert not cohorts.has_missing
    assert "n = " not in " ".join(evaluate(cohorts)["observed"])


def test_blank_cells_in_the_workbook_are_where_the_cohort_put_them(dataset):
    for (patient, visit, column), _ in BLANK_CELLS.items():
        assert np.isnan(dataset.paired(column).loc[patient, visit])


@pytest.fixture(scope="module")
def chapter_runs(workbook, tmp_path_factory):
    """Every data chapter executed on the workbook, once per test run (`chapter_runs.run_chapters`)."""
    root = shared_root(tmp_path_factory)
    return notebooks_or_fail(run_chapters(root, "clinic-workbook", workbook[0], [NOTEBOOKS / n for n in CHAPTERS]))


def _glued_words(notebook) -> dict[str, str]:
    """The glued values as the prose shows them (a glued string's text/plain is its repr)."""
    return {k: ast.literal_eval(v) if v[:1] in "'\"" else v for k, v in glued_values(notebook).items()}


def _outputs(notebook):
    return [o for cell in notebook.cells for o in cell.get("outputs", [])]


def _shown_text(notebook) -> str:
    """Every text and HTML output of a notebook, as one string."""
    parts = []
    for output in _outputs(notebook):
        parts += [str(output.get("data", {}).get(m, "")) for m in ("text/html", "text/markdown", "text/plain")]
    return " ".join(parts)


def test_chapters_run_on_the_clinic_cohort_and_glue_its_flow(chapter_runs, dataset):
    numbers = flow_numbers(participant_flow(dataset))
    for name in FLOW_CHAPTERS:
        glued = glued_values(chapter_runs[name])
        assert int(glued["flow_enrolled"]) == numbers["enrolled"], name
        assert int(glued["flow_month_12"]) == numbers["month_12"], name
        assert int(glued["flow_lost"]) == len(DROPPED_OUT), name
        assert int(glued["flow_status"]) == N_PATIENTS - len(STATUS_MISSING), name


def test_every_data_chapter_runs_clean_on_the_clinic_cohort(chapter_runs):
    for name, notebook in chapter_runs.items():
        for output in _outputs(notebook):
            assert output.get("name") != "stderr", (name, output.get("text", "")[:200])
            assert output.get("output_type") != "error", name
        glued = glued_values(notebook)
        assert glued, name
        for key, value in glued.items():
            assert not re.search(r"\bnan\b", value, flags=re.IGNORECASE), (name, key, value)
            assert "reconstructed patient" not in value, (name, key, value)
        assert "Reconstructed data" not in _shown_text(notebook), name  # the banner says "Your data"


def test_chapters_glue_each_analysis_n(chapter_runs, dataset):
    glued = glued_values(chapter_runs["02-clinical-scores.md"])
    changes = scores.score_changes(dataset).set_index("score")
    stems = {"qmg": "qmg", "mmt": "mmt", "mg_adl": "adl", "mg_qol15": "qol"}
    for score, stem in stems.items():
        assert int(glued[f"scores_{stem}_n"]) == changes.loc[score, "n"]
    pred = glued_values(chapter_runs["03-prednisone.md"])
    paired = dataset.paired("prednisone_mg_day").dropna()
    assert int(pred["pred_n"]) == len(paired) == flow_numbers(participant_flow(dataset))["prednisone_mg_day_n"]


def test_chapter_2_says_the_n_of_each_score(chapter_runs, dataset):
    glued = _glued_words(chapter_runs["02-clinical-scores.md"])
    changes = scores.score_changes(dataset).set_index("score")
    assert changes["n"].nunique() > 1  # the cohort is built so that the scores' counts differ
    by_n = {}
    for _score, row in changes.iterrows():
        by_n.setdefault(int(row["n"]), []).append(row["label"])
    for n, labels in by_n.items():  # each count, with the scores that have it
        assert f"{n} " in glued["scores_n_patients"] and words(labels) in glued["scores_n_patients"]
    fewest = int(changes["n"].min())
    assert glued["scores_n_fewest"].startswith(f"{fewest} patients (the fewest, for ")
    assert float(glued["scores_smallest_exact_p"]) == consistency.smallest_signed_rank_p(fewest)
    assert "scores_mmt_mcid" not in glued and "scores_mmt_pct_mcid" not in glued  # the MMT has no MCID


def test_chapters_0_and_8_give_each_claims_verdict_and_n(chapter_runs, dataset):
    table = evaluate(dataset)
    card = report.scorecard(dataset)
    stated, _ = report.stated_and_implied(card)
    counts = report.verdict_counts(stated)
    page = glued_values(chapter_runs["08-scorecard.md"])
    assert (int(page["card_total"]), int(page["card_tested"]), int(page["card_failed"])) == (
        counts["total"],
        counts["tested"],
        counts["failed"],
    )
    assert int(page["card_conditioned"]) == 0  # nothing of a reader's data was built to meet a claim
    landing = _glued_words(chapter_runs["00-findings.md"])
    assert (int(landing["board_tested"]), int(landing["board_failed"])) == (counts["tested"], counts["failed"])
    assert "do not apply" in landing["implied_sentence"]
    shown = {name: html.unescape(_shown_text(chapter_runs[name])) for name in ("00-findings.md", "08-scorecard.md")}
    with_n = [text for text in table.loc[table["claim_id"].isin(stated["claim_id"]), "observed"] if "(n = " in text]
    assert with_n
    for name, text in shown.items():
        for observed in with_n:  # each claim that lacks patients says its n on both pages
            assert observed in text, (name, observed)


def test_chapter_11_uses_the_patients_each_analysis_needs(chapter_runs, dataset):
    glued = _glued_words(chapter_runs["11-discussion.md"])
    dose = discussion.dose_correlations(dataset).set_index("variable")
    # P13's baseline dose is missing, and P06's baseline MG-QOL15: pairwise complete cases.
    assert dose.loc["mg_qol15", "n"] == N_PATIENTS - 2
    assert (dose.drop(index="mg_qol15")["n"] == N_PATIENTS - 1).all()
    assert not dose["rho"].isna().any()
    assert glued["disc_n"] == f"{N_PATIENTS - 2} to {N_PATIENTS - 1} patients"
    for variable, rho in dose["rho"].items():
        assert float(glued[f"disc_rho_{variable}"]) == pytest.approx(rho)
    pairs = discussion.published_pairs_given_dose(dataset)
    assert glued["disc_n_pairs_n"] == counted(pairs["n"]) and not pairs["rho_given_dose"].isna().any()
    entry = discussion.share_at_or_above(dataset, "mg_adl", 6)
    assert entry["n"] == N_PATIENTS and glued["disc_entry_of"] == f"{entry['count']} of {N_PATIENTS} patients"


def test_chapter_11_words_for_correlations_that_cannot_be_computed():
    dose = pd.DataFrame(
        {
            "variable": ["qmg"],
            "label": ["QMG"],
            "n": [1],
            "rho": [np.nan],
            "significant": [pd.NA],
            "significant_adjusted": [pd.NA],
        }
    )
    pairs = pd.DataFrame({"label_x": ["QMG"], "label_y": ["IL-2"], "n": [1], "change": [np.nan]})
    entry = {"count": 0, "n": 0, "share": np.nan, "share_ci_low": np.nan, "share_ci_high": np.nan, "median": np.nan}
    values = discussion_values(dose, pairs, entry)
    assert values["n"] == "1 patient" and values["strongest"].startswith("none")
    assert "cannot be computed" in values["shift"] and "rho_qmg" not in values
    assert values["entry_of"] == "0 of 0 patients" and values["entry_share"] == "no patient has a value at that visit"
    assert not any(isinstance(v, float) and np.isnan(v) for v in values.values())


def test_no_committed_chapter_glues_nan():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        glued = glued_values(nbformat.read(path, as_version=4))
        bad = {k: v for k, v in glued.items() if re.search(r"\bnan\b", v, flags=re.IGNORECASE)}
        assert bad == {}, path.name


def test_validate_says_what_the_data_hold(workbook):
    path, limit = workbook
    summary = check(path).summary
    kept = N_PATIENTS - len(DROPPED_OUT)
    assert summary.startswith(f"{N_PATIENTS} patients, {kept} with a month-12 visit ({len(DROPPED_OUT)} without)")
    missing = len(BLANK_CELLS) + len(STATUS_MISSING) + len(CONTROL_BLANK)
    assert f"; {missing} cells missing;" in summary
    dataset = load(path)
    below = int(dataset.censored(CENSORED_MOLECULE, dataset.visits[CENSORED_MOLECULE]).sum()) + int(
        dataset.censored(CENSORED_MOLECULE, dataset.controls[CENSORED_MOLECULE]).sum()
    )
    assert summary.endswith(f"below the detection limit: sCD40L (< {limit:g} pg/mL, {below} cells)")


def test_on_a_readers_data_no_verdict_sentence_speaks_of_data_built_to_meet_claims(dataset):
    from tacmg.presentation import report

    values = report.verdict_values(dataset, report.published_vs_data(dataset, "clinical_scores"))
    assert values["n_conditioned"] == values["conditioned"] == 0
    assert values["tally"].startswith("These data were not built to meet any claim")
    assert "conditioned" not in values["tally"] and f"{values['total']} claims of this finding" in values["tally"]


def test_table_one_calls_none_of_a_clinics_values_assumed(dataset):
    """Chapter 01's Table 1 built from the clinic's workbook: its values are measured, never assumed,
    while the committed reconstruction's same lines name the assumption behind them."""
    table = cohort.table_one(dataset)
    assert not report.is_reconstructed(dataset)
    assert not table["basis"].str.contains("assumed|prior", case=False).any(), table["basis"].tolist()
    unpublished = table["claim"].isna() & (table["characteristic"] != "Patients")
    assert (table.loc[unpublished, "basis"] == cohort.MEASURED).all()
    women = table.set_index("characteristic").loc["Women", "basis"]
    assert women == cohort.MEASURED
    rebuilt = cohort.table_one(load(RECONSTRUCTED_DIR)).set_index("characteristic")["basis"]
    assert rebuilt["Women"].startswith("assumed (")


def test_chapter_01_says_nothing_assumed_about_the_clinics_data(chapter_runs):
    notebook = chapter_runs["01-cohort.md"]
    assert "assumed (" not in _shown_text(notebook)
    glued = _glued_words(notebook)
    for key in (
        "basis_unreported",
        "basis_other",
        "basis_unpublished_rows",
        "cohort_tail_reading",
        "cohort_assumed_lead",
        "cohort_women_basis",
    ):
        assert not re.search(r"assum|prior", glued[key], flags=re.IGNORECASE), (key, glued[key])
