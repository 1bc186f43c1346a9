"""Tests of tacmg.loader: the valid fixture loads; each kind of bad input gives one clear line."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tacmg.data.contract import TABLES
from tacmg.data.loader import DataError, Dataset, data_checksum, load, validate

# ----------------------------------------------------------------------------- valid data


def test_valid_dataset_loads_with_contract_dtypes(valid_dir):
    dataset = load(valid_dir)
    assert validate(valid_dir) == []
    assert isinstance(dataset, Dataset)
    assert (len(dataset.patients), len(dataset.visits), len(dataset.controls)) == (4, 8, 3)
    assert dataset.visits["qmg"].dtype == "int64"
    assert dataset.visits["il2"].dtype == "float64"
    assert dataset.patients["thymectomy"].dtype == bool
    assert dataset.patients["thymectomy"].tolist() == [True, False, False, True]
    assert pd.api.types.is_string_dtype(dataset.visits["visit"])
    assert pd.api.types.is_string_dtype(dataset.patients["post_intervention_status"])
    assert dataset.directory == valid_dir
    assert dataset.provenance is None


def test_every_contract_column_has_its_type_and_nothing_is_missing(valid_dir):
    dataset = load(valid_dir)
    frames = {"patients": dataset.patients, "visits": dataset.visits, "controls": dataset.controls}
    expected_kind = {"integer": "i", "number": "f", "boolean": "b"}
    for name, table in TABLES.items():
        frame = frames[name]
        assert list(frame.columns) == list(table.column_names)
        assert not frame.isna().any().any()
        for column in table.columns:
            dtype = frame[column.name].dtype
            if column.type == "string":
                assert pd.api.types.is_string_dtype(dtype), column.name
            else:
                assert dtype.kind == expected_kind[column.type], column.name


def test_paired_is_wide_and_sorted_by_patient(valid_dir, edit):
    # Shuffle the rows so that sorting is really tested.
    rows = edit.read_rows(valid_dir / "visits.csv")
    edit.write_rows(valid_dir / "visits.csv", [rows[0], *reversed(rows[1:])])
    paired = load(valid_dir).paired("qmg")
    assert list(paired.columns) == ["baseline", "month_12"]
    assert paired.index.name == "patient_id"
    assert paired.index.tolist() == ["P01", "P02", "P03", "P04"]
    assert paired.loc["P01"].tolist() == [10, 6]
    assert load(valid_dir).paired("prednisone_mg_day").loc["P01", "month_12"] == 12.5


def test_paired_refuses_an_unknown_column(valid_dir):
    with pytest.raises(KeyError, match="no value column"):
        load(valid_dir).paired("nonsense")


def test_checksum_is_stable_and_changes_with_one_byte(valid_dir, tmp_path, edit):
    first = load(valid_dir).checksum
    copy = edit.copy(valid_dir, tmp_path / "copy")
    assert load(copy).checksum == first == data_checksum(valid_dir)
    assert len(first) == 64
    edit.set_cell(copy, "controls.csv", 4, "il2", "4.9")  # 4.8 -> 4.9: one byte
    assert load(copy).checksum != first


def test_extra_columns_are_kept_as_text(valid_dir, edit):
    rows = edit.read_rows(valid_dir / "patients.csv")
    edit.write_rows(
        valid_dir / "patients.csv",
        [rows[0] + ["site"]] + [[*row, "A"] for row in rows[1:3]] + [[*row, ""] for row in rows[3:]],
    )
    patients = load(valid_dir).patients
    assert patients["site"].tolist() == ["A", "A", "", ""]


def test_provenance_is_read_from_datapackage_json(valid_dir):
    (valid_dir / "datapackage.json").write_text(json.dumps({"provenance": {"seed": 7}}))
    assert load(valid_dir).provenance == {"seed": 7}


def test_byte_order_mark_is_accepted(valid_dir):
    path = valid_dir / "patients.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert validate(valid_dir) == []


# ----------------------------------------------------------------------------- bad input
# Each case: how to break the valid fixture, and the exact one-line message expected.


def _set(file, line, column, value):
    return lambda directory, edit: edit.set_cell(directory, file, line, column, value)


def _drop_column(file, column):
    def mutate(directory, edit):
        rows = edit.read_rows(directory / file)
        index = rows[0].index(column)
        edit.write_rows(directory / file, [row[:index] + row[index + 1 :] for row in rows])

    return mutate


def _add_column(file, name, value="x"):
    def mutate(directory, edit):
        rows = edit.read_rows(directory / file)
        edit.write_rows(directory / file, [rows[0] + [name]] + [[*row, value] for row in rows[1:]])

    return mutate


def _drop_lines(file, *lines):
    def mutate(directory, edit):
        rows = edit.read_rows(directory / file)
        edit.write_rows(directory / file, [row for number, row in enumerate(rows, 1) if number not in lines])

    return mutate


def _append_line(file, copy_of_line):
    def mutate(directory, edit):
        rows = edit.read_rows(directory / file)
        edit.write_rows(directory / file, [*rows, rows[copy_of_line - 1]])

    return mutate


def _keep_header_only(file):
    def mutate(directory, edit):
        edit.write_rows(directory / file, edit.read_rows(directory / file)[:1])

    return mutate


def _write_bytes(file, content):
    return lambda directory, edit: (directory / file).write_bytes(content)


def _replace_bytes(file, old, new):
    def mutate(directory, edit):
        path = directory / file
        path.write_bytes(path.read_bytes().replace(old, new, 1))

    return mutate


def _remove(file):
    return lambda directory, edit: (directory / file).unlink()


BAD_INPUTS = {
    "missing file": (_remove("visits.csv"), "visits.csv: file is missing"),
    "empty file": (
        _write_bytes("controls.csv", b""),
        "controls.csv: file is empty (0 bytes); a header line and data rows are needed",
    ),
    "header only": (_keep_header_only("controls.csv"), "controls.csv, line 1: file has a header but no data rows"),
    "not utf-8": (
        _replace_bytes("patients.csv", b"P03,F,29", b"P03,F,2\xe9"),
        "patients.csv, line 4, column age_at_onset_years: cell is not valid UTF-8; save the file as UTF-8",
    ),
    "missing column": (
        _drop_column("visits.csv", "mg_adl"),
        "visits.csv, line 1, column mg_adl: required column is missing",
    ),
    "column in wrong case": (
        _replace_bytes("visits.csv", b",mg_adl,", b",MG_ADL,"),
        "visits.csv, line 1, column mg_adl: required column is missing "
        '(found "MG_ADL": names are case-sensitive, without spaces)',
    ),
    "text in a score": (
        _set("visits.csv", 3, "qmg", "abc"),
        'visits.csv, line 3, column qmg: "abc" is not a whole number; missing values: empty, NA, na, N/A, n/a, .',
    ),
    "decimal in a score": (
        _set("visits.csv", 4, "mg_adl", "3.5"),
        'visits.csv, line 4, column mg_adl: "3.5" is not a whole number',
    ),
    "non-ASCII digit in a score": (
        _set("visits.csv", 2, "qmg", "\u0663"),
        'visits.csv, line 2, column qmg: "\u0663" is not a whole number',
    ),
    "text in a number": (
        _set("patients.csv", 2, "age_at_onset_years", "34y"),
        'patients.csv, line 2, column age_at_onset_years: "34y" is not a (finite) number',
    ),
    "not a finite number": (
        _set("visits.csv", 2, "spd1", "nan"),
        'visits.csv, line 2, column spd1: "nan" is not a (finite) number; '
        "missing values: empty, NA, na, N/A, n/a, .; below a detection limit X: <X",
    ),
    "overflowing number": (
        _set("controls.csv", 2, "spd1", "1e400"),
        'controls.csv, line 2, column spd1: "1e400" is not a (finite) number',
    ),
    "boolean not lower case": (
        _set("patients.csv", 5, "thymectomy", "yes"),
        'patients.csv, line 5, column thymectomy: "yes" is not true or false (lower case)',
    ),
    "score above its scale": (
        _set("visits.csv", 2, "qmg", "45"),
        "visits.csv, line 2, column qmg: 45 is outside the QMG range 0-39",
    ),
    "score below its scale": (
        _set("visits.csv", 9, "mg_qol15", "-1"),
        "visits.csv, line 9, column mg_qol15: -1 is outside the MG-QOL15 range 0-60",
    ),
    "prednisone above maximum": (
        _set("visits.csv", 2, "prednisone_mg_day", "250"),
        "visits.csv, line 2, column prednisone_mg_day: 250 is outside the prednisone dose range 0-100 mg/day",
    ),
    "age out of range": (
        _set("controls.csv", 3, "age_years", "130"),
        "controls.csv, line 3, column age_years: 130 is outside the age range 0-120 years",
    ),
    "zero concentration": (
        _set("visits.csv", 6, "il2", "0"),
        "visits.csv, line 6, column il2: 0 is not a valid IL-2 concentration: it must be greater than 0 pg/mL",
    ),
    "negative concentration": (
        _set("controls.csv", 2, "scd40l", "-5.5"),
        "controls.csv, line 2, column scd40l: -5.5 is not a valid sCD40L "
        "concentration: it must be greater than 0 pg/mL",
    ),
    "missing concentration spelled otherwise": (
        _set("visits.csv", 7, "spdl1", "n.d."),
        'visits.csv, line 7, column spdl1: "n.d." is not a (finite) number; missing values: '
        "empty, NA, na, N/A, n/a, .; below a detection limit X: <X",
    ),
    "missing patient code": (
        _set("visits.csv", 7, "patient_id", "NA"),
        'visits.csv, line 7, column patient_id: patient_id "NA" is not in patients.csv',
    ),
    "unknown visit code": (
        _set("visits.csv", 3, "visit", "month_6"),
        ('visits.csv, line 3, column visit: unknown visit code "month_6"; allowed: baseline, month_12',),
    ),
    "unknown status": (
        _set("patients.csv", 3, "post_intervention_status", "better"),
        "patients.csv, line 3, column post_intervention_status: unknown "
        'post-intervention status "better"; allowed: CSR, PR, MM, I, U, W, E, D',
    ),
    "unknown sex": (
        _set("controls.csv", 4, "sex", "female"),
        'controls.csv, line 4, column sex: unknown sex code "female"; allowed: F, M',
    ),
    "unknown MGFA class": (
        _set("patients.csv", 2, "mgfa_class", "2a"),
        'patients.csv, line 2, column mgfa_class: unknown MGFA class "2a"; '
        "allowed: I, IIa, IIb, IIIa, IIIb, IVa, IVb, V",
    ),
    "unknown antibody": (
        _set("patients.csv", 4, "antibody_status", "AChR+"),
        "patients.csv, line 4, column antibody_status: unknown antibody status "
        '"AChR+"; allowed: AChR, MuSK, LRP4, seronegative',
    ),
    "bad control code": (
        _set("controls.csv", 2, "control_id", "C 01"),
        'controls.csv, line 2, column control_id: "C 01" is not a valid control_id: use letters, digits, _ and - only',
    ),
    "duplicate visit": (
        _set("visits.csv", 3, "visit", "baseline"),
        ('visits.csv, line 3, column visit: duplicate patient_id "P01", visit "baseline" (first on line 2)',),
    ),
    "duplicate patient": (
        _append_line("patients.csv", 3),
        'patients.csv, line 6, column patient_id: duplicate patient_id "P02" (first on line 3)',
    ),
    "duplicate control": (
        _set("controls.csv", 4, "control_id", "C01"),
        'controls.csv, line 4, column control_id: duplicate control_id "C01" (first on line 2)',
    ),
    "unknown patient in visits": (
        _replace_bytes("visits.csv", b"P04,month_12", b"P05,month_12"),
        ('visits.csv, line 9, column patient_id: patient_id "P05" is not in patients.csv',),
    ),
    "patient lacks the baseline visit": (
        _drop_lines("visits.csv", 4),
        'visits.csv, line 4, column visit: patient "P02" has no baseline row (only the month_12 row may be missing)',
    ),
    "patient lacks all visits": (
        _drop_lines("visits.csv", 8, 9),
        'patients.csv, line 5, column patient_id: patient "P04" has no rows in visits.csv (needs a baseline row)',
    ),
    "blank cell": (
        _set("patients.csv", 3, "sex", " "),
        "patients.csv, line 3, column sex: cell is blank; every sex value is required",
    ),
    "short row": (
        _replace_bytes("controls.csv", b"C02,M,45,", b"C02,45,"),
        "controls.csv, line 3: row has 10 cells but the header has 11",
    ),
    "blank row": (
        _replace_bytes("patients.csv", b"\nP02,", b"\n\nP02,"),
        "patients.csv, line 3: row is blank; remove the line",
    ),
    "duplicate column name": (
        _add_column("controls.csv", "sex", "F"),
        "controls.csv, line 1, column sex: column name appears more than once in the header",
    ),
    "unnamed column": (_add_column("controls.csv", ""), "controls.csv, line 1, column #12: column has no name"),
    "bad json": (
        _write_bytes("datapackage.json", b'{\n  "provenance": \n'),
        "datapackage.json, line 3: not valid JSON (Expecting value)",
    ),
}


@pytest.mark.parametrize("mutate, expected", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_gives_one_line_naming_file_line_and_column(valid_dir, edit, mutate, expected):
    # `expected` is the one problem, or all problems when the first has a true consequence
    # (a duplicated visit also leaves the other visit missing).
    expected = [expected] if isinstance(expected, str) else list(expected)
    mutate(valid_dir, edit)
    assert validate(valid_dir) == expected
    with pytest.raises(DataError) as caught:
        load(valid_dir)
    assert str(caught.value) == expected[0]
    assert str(caught.value).startswith(caught.value.file)


def test_missing_directory(tmp_path):
    missing = tmp_path / "nowhere"
    assert validate(missing) == [f"{missing}: directory is missing"]
    with pytest.raises(DataError, match="directory is missing"):
        load(missing)


def test_a_directory_in_place_of_a_file_is_reported(valid_dir):
    (valid_dir / "controls.csv").unlink()
    (valid_dir / "controls.csv").mkdir()
    assert validate(valid_dir) == ["controls.csv: is not a file"]


IDENTIFYING_NAMES = [
    "Name",
    "patient_name",
    "date_of_birth",
    "Phone",
    "home address",
    "ID number",
    "national_id",
    "E-mail",
    "zip",
    "MRN",
    "hospital_number_2",
]


@pytest.mark.parametrize("file", ["patients.csv", "visits.csv", "controls.csv"])
@pytest.mark.parametrize("name", IDENTIFYING_NAMES)
def test_identifying_column_names_are_refused(valid_dir, edit, file, name):
    _add_column(file, name)(valid_dir, edit)
    problems = validate(valid_dir)
    assert len(problems) == 1
    assert problems[0].startswith(f"{file}, line 1, column {name}: column name looks like a direct identifier")
    with pytest.raises(DataError, match="direct identifier"):
        load(valid_dir)


@pytest.mark.parametrize("name", ["site", "username", "cellularity", "notes", "dose_mg"])
def test_harmless_extra_column_names_are_allowed(valid_dir, edit, name):
    _add_column("visits.csv", name)(valid_dir, edit)
    assert validate(valid_dir) == []
    assert name in load(valid_dir).visits.columns


def test_contract_columns_never_look_like_identifiers():
    # patient_id and control_id contain "id" and "name"-like fragments; they must pass.
    from tacmg.data.privacy import identifier_name

    for table in TABLES.values():
        for column in table.column_names:
            assert identifier_name(column) is None, column


def test_validate_lists_every_problem_in_file_order(valid_dir, edit):
    edit.set_cell(valid_dir, "patients.csv", 2, "sex", "X")
    edit.set_cell(valid_dir, "visits.csv", 2, "qmg", "45")
    edit.set_cell(valid_dir, "visits.csv", 5, "mmt", "abc")
    edit.set_cell(valid_dir, "controls.csv", 3, "il2", "0")
    (valid_dir / "controls.csv").unlink()
    edit.write_rows(valid_dir / "controls.csv", [["control_id", "sex", "age_years"]])
    problems = validate(valid_dir)
    assert problems[:3] == [
        'patients.csv, line 2, column sex: unknown sex code "X"; allowed: F, M',
        "visits.csv, line 2, column qmg: 45 is outside the QMG range 0-39",
        'visits.csv, line 5, column mmt: "abc" is not a whole number; missing values: empty, NA, na, N/A, n/a, .',
    ]
    assert "controls.csv, line 1: file has a header but no data rows" in problems
    assert "controls.csv, line 1, column spd1: required column is missing" in problems
    with pytest.raises(DataError) as caught:
        load(valid_dir)
    assert str(caught.value) == problems[0]


def test_messages_are_single_lines_without_tracebacks(valid_dir, edit):
    edit.set_cell(valid_dir, "visits.csv", 2, "qmg", "line one\nline two")
    edit.set_cell(valid_dir, "visits.csv", 4, "spd1", "x" * 500)
    problems = validate(valid_dir)
    assert len(problems) == 2
    for problem in problems:
        assert "\n" not in problem and "Traceback" not in problem and "dtype" not in problem
        assert len(problem) < 200
    assert (
        problems[0] == r'visits.csv, line 2, column qmg: "line one\nline two" is not a whole number; '
        "missing values: empty, NA, na, N/A, n/a, ."
    )
    # The row after a multi-line cell starts one physical line later.
    assert problems[1].startswith("visits.csv, line 5, column spd1:")


def test_render_traceback_is_one_line(valid_dir, edit):
    edit.set_cell(valid_dir, "visits.csv", 2, "qmg", "45")
    with pytest.raises(DataError) as caught:
        load(valid_dir)
    error = caught.value
    assert error._render_traceback_() == [f"DataError: {error}"]
    assert (error.file, error.line, error.column) == ("visits.csv", 2, "qmg")
    assert isinstance(error, ValueError)


def test_validate_accepts_str_paths(valid_dir):
    assert validate(str(valid_dir)) == []
    assert load(str(valid_dir)).directory == Path(valid_dir)


@settings(max_examples=60, deadline=None)
@given(
    file=st.sampled_from(["patients.csv", "visits.csv", "controls.csv"]),
    position=st.floats(min_value=0, max_value=1),
    junk=st.binary(min_size=1, max_size=8),
)
def test_validate_never_raises_on_damaged_bytes(write_dataset, file, position, junk):
    # A fresh directory per example: hypothesis reruns the body, tmp_path would be shared.
    with tempfile.TemporaryDirectory() as temporary:
        directory = write_dataset(Path(temporary) / "dataset")
        path = directory / file
        data = path.read_bytes()
        cut = int(position * len(data))
        path.write_bytes(data[:cut] + junk + data[cut:])
        problems = validate(directory)
        for problem in problems:
            assert isinstance(problem, str) and "\n" not in problem and "\r" not in problem
            assert problem.split(",")[0].split(":")[0] in {"patients.csv", "visits.csv", "controls.csv"}
        if problems:
            with pytest.raises(DataError):
                load(directory)
        else:
            load(directory)
