"""A real clinic's files: template safety, honest labels, spreadsheet habits, privacy beyond
English, plausibility warnings, tiny and large cohorts (issue 12)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

from tacmg.claims.evaluate import evaluate
from tacmg.data.contract import TABLES
from tacmg.data.datapackage import write_datapackage
from tacmg.data.loader import check, load, validate
from tacmg.data.paths import RECONSTRUCTED_DIR
from tacmg.data.privacy import (
    CELL_DETECTORS,
    cell_identifier,
    china_resident_id_valid,
    identifier_name,
    nhs_number_valid,
)
from tacmg.data.rules import rules_table
from tacmg.presentation.report import Banner, is_reconstructed
from tacmg.stats import rank_tests


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "tacmg", *args], capture_output=True, text=True, timeout=300)


# ----------------------------------------------------------------------------- 1. template


def test_template_refuses_to_overwrite_filled_in_tables(valid_dir):
    before = {path.name: path.read_bytes() for path in valid_dir.glob("*.csv")}
    result = _cli("template", str(valid_dir))
    assert result.returncode != 0
    assert "already hold data" in result.stderr and "--force" in result.stderr
    assert {path.name: path.read_bytes() for path in valid_dir.glob("*.csv")} == before


def test_template_writes_again_on_a_template_and_replaces_data_only_with_force(valid_dir, tmp_path):
    assert _cli("template", str(tmp_path / "new")).returncode == 0
    assert _cli("template", str(tmp_path / "new")).returncode == 0  # a template is not data
    assert _cli("template", str(valid_dir), "--force").returncode == 0
    assert (valid_dir / "patients.csv").read_text(encoding="utf-8").count("\n") == 1


# ----------------------------------------------------------------------------- 2. honest labels


@pytest.fixture
def reconstruction_copy(tmp_path):
    return shutil.copytree(RECONSTRUCTED_DIR, tmp_path / "copy")


def test_an_unedited_copy_of_the_reconstruction_is_the_reconstruction(reconstruction_copy):
    assert is_reconstructed(load(reconstruction_copy))
    assert check(reconstruction_copy).warnings == []


def test_edited_csvs_under_a_copied_datapackage_are_the_readers_data(reconstruction_copy):
    path = reconstruction_copy / "visits.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",baseline,10,", ",baseline,11,", 1), encoding="utf-8")
    report = check(reconstruction_copy)
    assert report.valid
    assert any(w.startswith("datapackage.json:") and "visits.csv" in w and "hash" in w for w in report.warnings)
    dataset = load(reconstruction_copy)
    assert not is_reconstructed(dataset)
    assert "Reconstructed" not in Banner(dataset)._repr_html_()
    result = _cli("validate", str(reconstruction_copy))
    assert result.returncode == 0 and "warning: datapackage.json" in result.stdout


def test_copied_provenance_without_hashes_does_not_make_a_reconstruction(valid_dir):
    descriptor = json.loads((RECONSTRUCTED_DIR / "datapackage.json").read_text(encoding="utf-8"))
    (valid_dir / "datapackage.json").write_text(json.dumps({"provenance": descriptor["provenance"]}))
    assert not is_reconstructed(load(valid_dir))
    assert any("records no hash" in w for w in check(valid_dir).warnings)


def test_a_package_whose_columns_differ_from_the_file_is_reported(valid_dir):
    write_datapackage(valid_dir, {"reconstructed": True})
    assert is_reconstructed(load(valid_dir))
    rows = (valid_dir / "controls.csv").read_text(encoding="utf-8").splitlines()
    (valid_dir / "controls.csv").write_text("\n".join(r + ",x" for r in rows) + "\n", encoding="utf-8")
    warnings = check(valid_dir).warnings
    assert any("controls.csv" in w and "columns differ" in w for w in warnings)
    assert not is_reconstructed(load(valid_dir))


# ----------------------------------------------------------------------------- 3. spreadsheet habits


def _resave(directory, file, separator, decimal=".", quote_all=False):
    path = directory / file
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        cells = [cell.replace(".", decimal) if cell[:1].isdigit() else cell for cell in line.split(",")]
        out.append(separator.join(f'"{c}"' if quote_all else c for c in cells))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_semicolon_files_with_decimal_commas_are_read_with_a_note(valid_dir):
    expected = load(valid_dir)
    for file in ("patients.csv", "visits.csv", "controls.csv"):
        _resave(valid_dir, file, ";", decimal=",")
    report = check(valid_dir)
    assert report.problems == []
    assert any(n.startswith("visits.csv: read as semicolon-separated") and "decimal commas" in n for n in report.notes)
    assert load(valid_dir).visits.equals(expected.visits)
    assert "note: visits.csv: read as semicolon-separated" in _cli("validate", str(valid_dir)).stdout


def _write_tables(directory, tables, separator=",", decimal="."):
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        columns = TABLES[name].column_names
        lines = [separator.join(columns)]
        for row in rows:
            cells = [row[c] for c in columns]
            lines.append(
                separator.join(c.replace(".", decimal) if c[:1].isdigit() or c[:1] == "<" else c for c in cells)
            )
        (directory / TABLES[name].file).write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("space", ["", " "])
def test_a_detection_limit_with_a_decimal_comma_is_read_like_any_decimal_comma(tmp_path, space):
    from clinic_cohort import CENSORED_MOLECULE, clinic_tables

    tables, limit = clinic_tables()
    fractional = f"{limit - 0.4:.1f}"  # "<15.6": every measured value stays above the limit
    for row in [*tables["visits"], *tables["controls"]]:
        if row[CENSORED_MOLECULE].startswith("<"):
            row[CENSORED_MOLECULE] = f"<{space}{fractional}"
    _write_tables(tmp_path / "points", tables)
    _write_tables(tmp_path / "commas", tables, ";", ",")
    assert "<" + space + fractional.replace(".", ",") in (tmp_path / "commas" / "controls.csv").read_text()
    report = check(tmp_path / "commas")
    assert report.problems == []
    expected, read = load(tmp_path / "points"), load(tmp_path / "commas")
    assert read.detection_limits == expected.detection_limits == {CENSORED_MOLECULE: float(fractional)}
    assert read.visits.equals(expected.visits) and read.controls.equals(expected.controls)


def test_a_detection_limit_with_a_decimal_comma_in_a_comma_file_gets_a_hint(valid_dir, edit):
    edit.set_cell(valid_dir, "visits.csv", 2, "scd40l", "<15,6")
    problems = validate(valid_dir)
    assert len(problems) == 1 and problems[0].endswith("; use a decimal point"), problems


def test_tab_separated_files_are_read(valid_dir):
    expected = load(valid_dir)
    _resave(valid_dir, "controls.csv", "\t")
    assert validate(valid_dir) == []
    assert load(valid_dir).controls.equals(expected.controls)


@pytest.mark.parametrize("separator, name", [("|", "vertical bar"), (" ", "space")])
def test_another_separator_is_named_never_a_missing_column(valid_dir, separator, name):
    _resave(valid_dir, "patients.csv", separator)
    problems = validate(valid_dir)
    text = f"the header line is separated by {name}s; save the file comma-separated (CSV)"
    assert problems == [f"patients.csv, line 1: {text}"]
    assert not any("required column is missing" in p for p in problems)


def test_a_decimal_comma_in_a_comma_file_gets_a_hint(valid_dir, edit):
    edit.set_cell(valid_dir, "visits.csv", 2, "il2", "18,2")
    text = '"18,2" is not a (finite) number; use a decimal point'
    assert validate(valid_dir) == [f"visits.csv, line 2, column il2: {text}"]


def _workbook(directory, target, edit, mutate=None):
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for table in TABLES.values():
        sheet = book.create_sheet(table.name.capitalize())
        rows = edit.read_rows(directory / table.file)
        types = {column.name: column.type for column in table.columns}
        for row in rows:
            if row is not rows[0]:
                row = [
                    float(cell) if types.get(name) == "number" else int(cell) if types.get(name) == "integer" else cell
                    for name, cell in zip(rows[0], row)
                ]
                row = [c == "true" if types.get(n) == "boolean" else c for n, c in zip(rows[0], row)]
            sheet.append(row)
    if mutate:
        mutate(book)
    target.mkdir()
    book.save(target / "cohort.xlsx")
    return target / "cohort.xlsx"


def test_an_xlsx_workbook_is_read_like_the_three_csvs(valid_dir, tmp_path, edit):
    expected = load(valid_dir)
    path = _workbook(valid_dir, tmp_path / "book", edit)
    assert validate(tmp_path / "book") == [] == validate(path)
    dataset = load(tmp_path / "book")
    for name in TABLES:
        assert getattr(dataset, name).equals(getattr(expected, name)), name
    assert _cli("validate", str(path)).returncode == 0


def test_a_workbook_problem_names_sheet_row_and_column(valid_dir, tmp_path, edit):
    def break_it(book):
        book["Visits"]["C3"] = 45  # qmg of the second data row

    path = _workbook(valid_dir, tmp_path / "book", edit, break_it)
    assert validate(path) == ["cohort.xlsx, sheet visits, row 3, column qmg: 45 is outside the QMG range 0-39"]


# ----------------------------------------------------------------------------- 4. privacy

NAMES_REFUSED = [
    "Hospital No.",
    "NHS number",
    "telefono",
    "nombre",
    "fecha_nacimiento",
    "姓名",
    "身份证号",
    "initials",
    "Geburtsdatum",
    "adresse",
    "Record number",
    "Tel.",
    "E-Mail",
    "Prénom",
    "住院号",
    "dateOfBirth",
]


@pytest.mark.parametrize("name", NAMES_REFUSED)
def test_identifier_names_in_five_languages_are_refused(valid_dir, edit, name):
    rows = edit.read_rows(valid_dir / "patients.csv")
    edit.write_rows(valid_dir / "patients.csv", [rows[0] + [name]] + [[*row, "x"] for row in rows[1:]])
    [problem] = validate(valid_dir)
    assert problem.startswith("patients.csv, line 1, column ") and "direct identifier" in problem


@pytest.mark.parametrize("name", ["site", "username", "cellularity", "notes", "dose_mg", "crp", "telomere", "nominal"])
def test_harmless_names_pass(name):
    assert identifier_name(name) is None


CELLS = {
    "phone": ("+44 161 496 0000", "a phone number"),
    "e-mail": ("write to jane.doe@example.org", "an e-mail address"),
    "date of birth": ("born 04/03/1961", "a full date (possibly a date of birth)"),
    "Chinese ID": ("11010519491231002X", "a Chinese resident ID number"),
    "NHS number": ("NHS 943 476 5919", "an NHS number"),
    "DNI": ("12345678Z", "a Spanish DNI or NIE"),
}


@pytest.mark.parametrize("text, what", CELLS.values(), ids=CELLS.keys())
def test_identifiers_in_extra_cells_are_refused_without_echo(valid_dir, edit, text, what):
    rows = edit.read_rows(valid_dir / "visits.csv")
    rows = [rows[0] + ["comment"]] + [[*row, "stable"] for row in rows[1:]]
    rows[3][-1] = text
    edit.write_rows(valid_dir / "visits.csv", rows)
    problems = validate(valid_dir)
    message = f"cell seems to hold {what}; remove it (its text is not shown here)"
    assert problems == [f"visits.csv, line 4, column comment: {message}"]
    assert all(text not in p and text.split()[-1] not in p for p in problems)


def test_check_digits_decide_and_numbers_in_measurements_pass():
    assert china_resident_id_valid("11010519491231002X") and not china_resident_id_valid("110105194912310021")
    assert nhs_number_valid("9434765919") and not nhs_number_valid("9434765918")
    assert cell_identifier("110105194912310021") is None  # 18 digits, wrong check digit
    for harmless in ("12.5", "1250.7001", "P01", "IIa", "3 tablets", "2019", "0.000123456"):
        assert cell_identifier(harmless) is None, harmless
    assert len({d.what for d in CELL_DETECTORS}) == len(CELL_DETECTORS)


def test_a_code_that_looks_like_a_phone_number_is_refused_without_echo(valid_dir, edit):
    edit.set_cell(valid_dir, "controls.csv", 3, "control_id", "07700900123")
    assert validate(valid_dir) == [
        "controls.csv, line 3, column control_id: code seems to hold a phone number; "
        "use a pseudonymous code such as P01 or C01 (not shown here)"
    ]


def test_study_codes_with_a_year_and_a_sequence_number_are_accepted(valid_dir, edit):
    """Codes such as MG-2019-0001 group their digits like a short phone number; they are no phone
    number, while the same grouping with more digits than a sequential code needs still is."""
    edit.set_cell(valid_dir, "controls.csv", 3, "control_id", "MG-2019-0001")
    assert validate(valid_dir) == []
    edit.set_cell(valid_dir, "controls.csv", 3, "control_id", "C-0161-496-0000")
    (problem,) = validate(valid_dir)
    assert problem.startswith("controls.csv, line 3, column control_id: code seems to hold a phone number")


# ----------------------------------------------------------------------------- 5. plausibility


def test_plausibility_warnings_do_not_block(valid_dir, edit):
    edit.set_cell(valid_dir, "controls.csv", 3, "control_id", "P02")
    edit.set_cell(valid_dir, "patients.csv", 4, "age_at_onset_years", "90")
    edit.set_cell(valid_dir, "patients.csv", 4, "disease_duration_years", "30")
    report = check(valid_dir)
    assert report.valid
    overlap = 'control code "P02" is also a patient code (patients.csv, line 3): recode one, or drop the control'
    assert any(w.startswith(f"controls.csv, line 3, column control_id: {overlap}") for w in report.warnings)
    text = "age at onset plus disease duration is 120 years, above 100"
    assert f"patients.csv, line 4, column disease_duration_years: {text}" in report.warnings
    assert "patients.csv: 4 patients: fewer than 6 patients: no signed-rank test can reach p < 0.05" in report.warnings
    result = _cli("validate", str(valid_dir))
    assert result.returncode == 0 and result.stdout.count("warning: ") == len(report.warnings)


# ----------------------------------------------------------------------------- 6. tiny cohorts


def _evaluate_cli_is_clean(directory):
    result = subprocess.run(
        [sys.executable, "-W", "default", "-m", "tacmg", "evaluate", str(directory)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert "nan" not in result.stdout.lower()
    return result.stdout


def test_one_patient_and_one_control_evaluate_in_words(tmp_path):
    for table in TABLES.values():
        lines = (RECONSTRUCTED_DIR / table.file).read_text(encoding="utf-8").splitlines()
        (tmp_path / table.file).write_text("\n".join(lines[: 3 if table.name == "visits" else 2]) + "\n")
    assert validate(tmp_path) == []
    assert "not computable" in _evaluate_cli_is_clean(tmp_path)


def test_a_cohort_without_improved_patients_evaluates_in_words(reconstruction_copy):
    path = reconstruction_copy / "patients.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",I\n", ",U\n"), encoding="utf-8")
    table = evaluate(load(reconstruction_copy)).set_index("claim_id")
    assert table.loc["improved-spd1-decrease", "observed"].startswith("not computable")
    assert table.loc["improved-spd1-decrease", "verdict"] == "not computable"
    _evaluate_cli_is_clean(reconstruction_copy)


# ----------------------------------------------------------------------------- 7. size


def test_large_samples_skip_the_exact_distributions_and_stay_fast():
    rng = np.random.default_rng(1)
    n = 3000
    start = time.perf_counter()
    paired = rank_tests.signed_rank(rng.normal(size=(1, n)), rng.normal(size=(1, n)))
    two_sample = rank_tests.rank_sum(rng.normal(size=(1, n)), rng.normal(size=(1, n)))
    assert time.perf_counter() - start < 5
    assert "exact" not in paired.variants and "exact" not in two_sample.variants
    assert paired.p_method == ["normal"] and not np.isnan(paired.p).any()
    small = rank_tests.signed_rank(rng.normal(size=(1, 20)), rng.normal(size=(1, 20)))
    assert small.variants[0] == "exact" and small.p_method == ["exact"]


# ----------------------------------------------------------------------------- the rules table


def test_the_rules_table_lists_every_kind_of_rule():
    table = rules_table()
    assert {"problem", "warning", "note"} == set(table["kind"])
    for table_spec in TABLES.values():
        for column in table_spec.column_names:
            assert f"{table_spec.file} {column}" in set(table["applies to"])
    text = " ".join(table["rule"])
    for term in ("身份证", "geburtsdatum", "nombre", "nhsnumber", "initials", "NHS number", "e-mail"):
        assert term in text, term
    result = _cli("rules")
    assert result.returncode == 0 and len(result.stdout.splitlines()) == len(table)
