"""A clinic's folder as it really arrives (issue 23): every file accounted for, identifiers in any
language, warnings that say what to fix, and gaps that cost no more than complete data."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tacmg.data import column_rules
from tacmg.data.cell_rules import cell_problem, cell_value
from tacmg.data.contract import CONTROLS_TABLE, MISSING_VALUES, TABLES, VISITS, VISITS_TABLE
from tacmg.data.identifier_names import IDENTIFIER_NAMES, TERMS, identifier_name, normalize_name
from tacmg.data.loader import check, load, validate
from tacmg.data.privacy import code_identifier, free_text_rows
from tacmg.data.tables import write_template


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "tacmg", *args], capture_output=True, text=True, timeout=300)


def _workbook(directory: Path, target: Path, edit, change=None, extra_sheet: str | None = None) -> Path:
    """The CSV dataset in `directory` saved as a workbook, numbers as numbers; `change(book)` edits it."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for table in TABLES.values():
        sheet = book.create_sheet(table.name)
        types = {column.name: column.type for column in table.columns}
        rows = edit.read_rows(directory / table.file)
        sheet.append(rows[0])
        for row in rows[1:]:
            sheet.append([float(c) if types.get(n) in ("number", "integer") else c for n, c in zip(rows[0], row)])
    if extra_sheet:
        book.create_sheet(extra_sheet)["A1"] = "what the nurse wrote down"
    if change:
        change(book)
    book.save(target)
    return target


# ----------------------------------------------------------------------------- 1. every file accounted for


def test_a_workbook_holding_the_same_data_beside_the_csvs_is_named_and_the_csvs_read(valid_dir, edit):
    _workbook(valid_dir, valid_dir / "cohort-final.xlsx", edit)
    report = check(valid_dir)
    assert report.valid, report.problems
    assert any(n.startswith("cohort-final.xlsx: not read") and "CSV files, which are read" in n for n in report.notes)


def test_a_workbook_holding_other_values_beside_the_csvs_is_refused_without_quoting_them(valid_dir, edit):
    def change(book):
        book["visits"]["C3"] = 31  # qmg of visits.csv line 3 is 6 (the patient's month-12 row)

    _workbook(valid_dir, valid_dir / "cohort-final.xlsx", edit, change)
    problems = validate(valid_dir)
    assert problems == [
        "visits.csv, line 3, column qmg: cohort-final.xlsx, sheet visits, row 3 holds another value; "
        "the folder holds two versions of the data: keep only the one to analyse in it"
    ]
    assert _cli("validate", str(valid_dir)).returncode == 1


def test_a_workbook_with_a_missing_row_beside_the_csvs_is_refused(valid_dir, edit):
    _workbook(valid_dir, valid_dir / "cohort.xlsx", edit, lambda book: book["controls"].delete_rows(3))
    [problem] = validate(valid_dir)
    assert problem.startswith('controls.csv, line 3: control_id "C02" is not in cohort.xlsx, sheet controls')


def test_the_extra_sheets_of_the_workbook_read_are_named_as_not_read(valid_dir, edit, tmp_path):
    (tmp_path / "book").mkdir()
    _workbook(valid_dir, tmp_path / "book" / "cohort.xlsx", edit, extra_sheet="Notes")
    report = check(tmp_path / "book")
    assert report.valid
    assert "cohort.xlsx: sheets patients, visits, controls are read; not read: Notes" in report.notes


@pytest.mark.parametrize("suffix, kind", [(".xls", "Excel 97-2003"), (".ods", "OpenDocument"), (".numbers", "Numbers")])
def test_a_legacy_spreadsheet_alone_gets_one_line_saying_what_to_save_it_as(tmp_path, suffix, kind):
    (tmp_path / f"cohort{suffix}").write_bytes(b"\xd0\xcf\x11\xe0 not a zip")
    [problem] = validate(tmp_path)
    assert problem.startswith(f"cohort{suffix}: ") and kind in problem
    assert "save it as an Excel Workbook (.xlsx)" in problem and "missing" not in problem
    assert validate(tmp_path / f"cohort{suffix}") == [problem]  # given by its path, the same line


def test_a_legacy_spreadsheet_beside_the_csvs_is_a_warning(valid_dir):
    (valid_dir / "cohort.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    report = check(valid_dir)
    assert report.valid and any(
        w.startswith("cohort.xls: not read (an Excel 97-2003 workbook)") for w in report.warnings
    )


def test_two_workbooks_without_csvs_are_refused_by_name(valid_dir, edit, tmp_path):
    (tmp_path / "two").mkdir()
    for name in ("a.xlsx", "b.xlsx"):
        _workbook(valid_dir, tmp_path / "two" / name, edit)
    [problem] = validate(tmp_path / "two")
    assert "holds 2 workbooks (a.xlsx, b.xlsx)" in problem


@pytest.mark.parametrize("name", ["cohort.xlsx", "cohort.xls", "cohort.ods"])
def test_template_refuses_a_folder_holding_a_workbook_and_writes_nothing(valid_dir, edit, tmp_path, name):
    folder = tmp_path / "clinic"
    folder.mkdir()
    if name.endswith(".xlsx"):
        _workbook(valid_dir, folder / name, edit)
    else:
        (folder / name).write_bytes(b"\xd0\xcf\x11\xe0")
    result = _cli("template", str(folder))
    assert result.returncode == 1 and f"already holds data ({name})" in result.stderr
    with pytest.raises(FileExistsError):
        write_template(folder, force=True)
    assert [path.name for path in folder.iterdir()] == [name]


# ----------------------------------------------------------------------------- 2. identifiers in any language

LANGUAGES = {"English", "Spanish", "French", "German", "Chinese", "Portuguese", "Japanese", "Arabic", "Korean"}
LANGUAGES |= {"Russian", "Hindi"}
KINDS = {"name", "date of birth", "phone or e-mail", "address", "ID number", "record or hospital number"}


def _key(term: str) -> str:
    return "".join(normalize_name(term).split())


def test_the_name_table_covers_every_language_and_kind_and_each_term_is_found():
    assert {(language, what) for language, what, _ in IDENTIFIER_NAMES} == {
        (lang, k) for lang in LANGUAGES for k in KINDS
    }
    for language, what, terms in IDENTIFIER_NAMES:
        for term in terms:
            meaning, languages = TERMS[_key(term)]
            assert language in languages and meaning == what, term
            for name in (term, f"patient_{term}_2"):  # alone, and as a word of a longer name
                found = identifier_name(name)
                assert found is not None and found[1] == what, (name, found)


NAMES_IN_ANY_LANGUAGE = {
    "data_nascimento": ("Portuguese", "date of birth"),
    "Nome do paciente": ("Portuguese", "name"),
    "氏名": ("Japanese", "name"),
    "患者の生年月日": ("Japanese", "date of birth"),
    "اسم المريض": ("Arabic", "name"),
    "تاريخ الميلاد": ("Arabic", "date of birth"),
    "환자 이름": ("Korean", "name"),
    "주민등록번호": ("Korean", "ID number"),
    "Дата рождения": ("Russian", "date of birth"),
    "ФИО пациента": ("Russian", "name"),
    "मरीज़ का नाम": ("Hindi", "name"),
    "जन्म तिथि": ("Hindi", "date of birth"),
}


@pytest.mark.parametrize("name", NAMES_IN_ANY_LANGUAGE)
def test_identifier_columns_in_any_language_are_refused(valid_dir, edit, name):
    rows = edit.read_rows(valid_dir / "patients.csv")
    edit.write_rows(valid_dir / "patients.csv", [rows[0] + [name]] + [[*row, "x"] for row in rows[1:]])
    language, what = NAMES_IN_ANY_LANGUAGE[name]
    [problem] = validate(valid_dir)
    assert problem.startswith("patients.csv, line 1, column ")
    assert f"looks like a direct identifier ({what}, {language})" in problem


@pytest.mark.parametrize(
    "name", ["idade", "sexo", "peso", "年齢", "体重", "薬剤名", "나이", "체중", "возраст", "вес", "العمر", "आयु"]
)
def test_harmless_names_in_those_languages_pass(name):
    assert identifier_name(name) is None


def test_normalisation_keeps_the_vowel_signs_of_devanagari_and_hangul_syllables():
    assert normalize_name("जन्म-तिथि") == "जन्म तिथि" and normalize_name("생년월일") == "생년월일"


def test_free_text_in_an_unlisted_column_is_refused_once_without_echo(valid_dir, edit):
    rows = edit.read_rows(valid_dir / "visits.csv")
    rows = [rows[0] + ["comment"]] + [[*row, "stable"] for row in rows[1:]]
    rows[3][-1] = "Zhang Wei, seen by Dr Li"
    rows[5][-1] = "患者张伟病情稳定"
    edit.write_rows(valid_dir / "visits.csv", rows)
    [problem] = validate(valid_dir)
    assert problem.startswith("visits.csv, line 4, column comment: cell holds free text, as do 1 more cells")
    assert "Zhang" not in problem and "Dr" not in problem and "remove the column" in problem


def test_one_word_labels_are_not_free_text():
    assert free_text_rows(["stable", "site A", "10 mg", "AChR+", "稳定", "", "NA"]) == []
    assert free_text_rows(["Mrs Smith", "ok"]) == [0]


def test_codes_holding_a_birth_date_or_a_national_id_length_number_are_refused_without_echo(valid_dir, edit):
    code = "11019610304012345"  # 17 digits with the birth date 1961-03-04 inside
    for line in (2, 3):  # both visits rows of P01, and its patients row
        edit.set_cell(valid_dir, "visits.csv", line, "patient_id", code)
    edit.set_cell(valid_dir, "patients.csv", 2, "patient_id", code)
    problems = validate(valid_dir)
    assert problems and all(code not in p and "19610304" not in p for p in problems)
    expected = "code seems to hold a date (possibly a date of birth); use a pseudonymous code such as P01 or C01"
    assert f"patients.csv, line 2, column patient_id: {expected} (not shown here)" in problems
    assert code_identifier("P123456789") == "a long number (like a national ID or record number)"
    assert code_identifier("P0001") is None and code_identifier("MG-014") is None


def test_a_duplicated_identifying_code_is_not_quoted_by_the_duplicate_message(valid_dir, edit):
    code = "P123456789"
    edit.set_cell(valid_dir, "controls.csv", 2, "control_id", code)
    edit.set_cell(valid_dir, "controls.csv", 3, "control_id", code)
    problems = validate(valid_dir)
    assert any("duplicate control_id (code not shown)" in p for p in problems)
    assert all(code not in p for p in problems)


# ----------------------------------------------------------------------------- 3. warnings that say what to fix


def test_the_overlap_warning_names_the_code_and_the_patients_line(valid_dir, edit):
    edit.set_cell(valid_dir, "controls.csv", 4, "control_id", "P03")
    report = check(valid_dir)
    assert report.valid
    text = 'control code "P03" is also a patient code (patients.csv, line 4): recode one, or drop the control'
    assert any(w.startswith(f"controls.csv, line 4, column control_id: {text}") for w in report.warnings)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_refused_in_one_clean_line(valid_dir, encoding):
    path = valid_dir / "visits.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace(",", "\t").encode(encoding))
    [problem] = validate(valid_dir)
    assert problem.startswith("visits.csv: file is UTF-16") and "CSV UTF-8" in problem
    assert problem.isprintable() and "\ufffd" not in problem and "\\u" not in problem


def test_a_header_name_of_bad_bytes_is_named_by_position(valid_dir):
    path = valid_dir / "patients.csv"
    lines = path.read_bytes().splitlines()
    lines = [lines[0] + b",\xff\xfeextra"] + [line + b",x" for line in lines[1:]]
    path.write_bytes(b"\n".join(lines) + b"\n")
    [problem] = validate(valid_dir)
    assert problem == "patients.csv, line 1, column #9: column name is not valid UTF-8; save the file as UTF-8"


# ----------------------------------------------------------------------------- 4. gaps at the speed of complete data


def test_missing_cells_are_not_sent_to_the_cell_by_cell_rules(monkeypatch):
    calls = []
    monkeypatch.setattr(
        column_rules, "cell_problem", lambda column, text: calls.append(text) or cell_problem(column, text)
    )
    monkeypatch.setattr(column_rules, "cell_value", lambda column, text: calls.append(text) or cell_value(column, text))
    rng = np.random.default_rng(3)
    cells = [
        MISSING_VALUES[i % len(MISSING_VALUES)] if rng.random() < 0.1 else f"{v:.4g}"
        for i, v in enumerate(rng.lognormal(3, 1, 5000))
    ]
    column = VISITS_TABLE.columns[-1]
    assert column_rules.column_problems(column, cells) == []
    values = column_rules.column_values(column, cells)
    assert calls == []
    assert np.isnan(values).sum() == sum(cell in MISSING_VALUES for cell in cells)


PIECES = [
    "12",
    "0.5",
    "-3",
    "1e3",
    "NA",
    "na",
    "N/A",
    "n/a",
    ".",
    "",
    " ",
    "NA ",
    "<4",
    "< 4",
    "<0",
    "<x",
    "x",
    ".5",
    "45",
    "nan",
]


@pytest.mark.parametrize("column", [*VISITS_TABLE.columns[2:], CONTROLS_TABLE.columns[-1]], ids=lambda c: c.name)
def test_the_column_rules_agree_with_the_cell_rules_cell_by_cell(column):
    rng = np.random.default_rng(len(column.name))
    for _ in range(200):
        cells = [PIECES[int(i)] for i in rng.integers(len(PIECES), size=rng.integers(1, 6))]
        expected = [(i, p) for i, cell in enumerate(cells) if (p := cell_problem(column, cell))]
        assert column_rules.column_problems(column, cells) == expected, cells
        problems, kept = column_rules.checked_column(column, cells)
        assert problems == expected, cells
        if not expected:
            got = column_rules.column_values(column, cells)
            want = np.array([cell_value(column, cell) for cell in cells], dtype=float)
            np.testing.assert_array_equal(np.asarray(got, float), want, err_msg=str(cells))
            if kept is not None:  # the values kept while checking are the ones load would read
                assert kept.dtype == got.dtype, cells
                np.testing.assert_array_equal(kept, got, err_msg=str(cells))


def test_the_benchmark_cohort_with_gaps_has_its_share_of_missing_cells_and_dropouts(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "bench_sizes", Path(__file__).parent.parent / "bench" / "bench_sizes.py"
    )
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    directory = bench.synthetic_cohort(tmp_path / "gaps", 2000, 5, gaps=True)
    dataset = load(directory)
    dropped = 2000 - int((dataset.visits["visit"] == VISITS[-1]).sum())
    assert 0.03 < dropped / 2000 < 0.07
    optional = [c.name for c in VISITS_TABLE.columns if not c.required]
    share = float(dataset.visits[optional].isna().to_numpy().mean())
    assert 0.08 < share < 0.12
