"""Fixtures: a small valid dataset written with the csv module, and helpers to break it.

The dataset does not come from any generator, so the loader's tests stand on their own. Line
numbers used in the tests are physical CSV lines: the header is line 1, the first row line 2.
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import pytest

# The tools import one another as plain modules (tools/ is sys.path[0] when one runs as a script);
# the tests that load a tool by its path need the same.
_TOOLS = str(Path(__file__).resolve().parent.parent / "tools")
if _TOOLS not in sys.path:
    sys.path.insert(0, _TOOLS)

MOLECULE_COLUMNS = ["spd1", "spdl1", "sicos", "sicosl", "scd40", "scd40l", "scd25", "il2"]

PATIENTS_ROWS = [
    [
        "patient_id",
        "sex",
        "age_at_onset_years",
        "disease_duration_years",
        "mgfa_class",
        "antibody_status",
        "thymectomy",
        "post_intervention_status",
    ],
    ["P01", "F", "34", "4.5", "IIa", "AChR", "true", "MM"],
    ["P02", "M", "41", "6", "IIIb", "AChR", "false", "I"],
    ["P03", "F", "29", "2.1", "IIb", "MuSK", "false", "I"],
    ["P04", "F", "47", "7.0", "IVa", "seronegative", "true", "U"],
]

VISITS_ROWS = [
    ["patient_id", "visit", "qmg", "mmt", "mg_adl", "mg_qol15", "prednisone_mg_day", *MOLECULE_COLUMNS],
    [
        "P01",
        "baseline",
        "10",
        "11",
        "5",
        "12",
        "30",
        "310.5",
        "62.1",
        "45.2",
        "300.4",
        "820.0",
        "410.3",
        "1250.7",
        "18.2",
    ],
    [
        "P01",
        "month_12",
        "6",
        "4",
        "2",
        "7",
        "12.5",
        "210.2",
        "70.3",
        "40.1",
        "260.8",
        "610.5",
        "380.9",
        "980.2",
        "11.4",
    ],
    [
        "P02",
        "baseline",
        "12",
        "15",
        "4",
        "10",
        "35",
        "355.0",
        "58.4",
        "51.7",
        "322.1",
        "900.3",
        "450.6",
        "1390.0",
        "20.9",
    ],
    ["P02", "month_12", "7", "5", "2", "8", "15", "240.6", "66.0", "47.9", "270.0", "700.1", "402.2", "1010.4", "12.7"],
    [
        "P03",
        "baseline",
        "9",
        "8",
        "5",
        "11",
        "30",
        "298.7",
        "55.2",
        "43.3",
        "289.5",
        "790.6",
        "399.8",
        "1180.3",
        "17.5",
    ],
    ["P03", "month_12", "5", "3", "1", "6", "10", "201.9", "68.8", "39.6", "251.4", "598.2", "371.0", "940.9", "10.8"],
    [
        "P04",
        "baseline",
        "14",
        "20",
        "6",
        "15",
        "40",
        "380.1",
        "60.0",
        "55.0",
        "340.2",
        "950.0",
        "470.1",
        "1450.6",
        "22.3",
    ],
    [
        "P04",
        "month_12",
        "11",
        "12",
        "4",
        "12",
        "20",
        "290.4",
        "64.5",
        "50.2",
        "300.3",
        "800.7",
        "430.4",
        "1200.5",
        "15.6",
    ],
]

CONTROLS_ROWS = [
    ["control_id", "sex", "age_years", *MOLECULE_COLUMNS],
    ["C01", "F", "38", "120.4", "55.0", "20.3", "250.1", "500.2", "90.4", "800.5", "5.2"],
    ["C02", "M", "45", "135.8", "61.2", "22.8", "262.7", "540.9", "85.1", "760.3", "6.1"],
    ["C03", "F", "31", "110.0", "49.6", "18.9", "240.5", "480.0", "79.9", "820.0", "4.8"],
]

VALID_TABLES = {
    "patients.csv": PATIENTS_ROWS,
    "visits.csv": VISITS_ROWS,
    "controls.csv": CONTROLS_ROWS,
}


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """Write rows as CSV with "\\n" line ends, the way the generator is expected to."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def read_rows(path: Path) -> list[list[str]]:
    """Return all rows of a CSV file, header first."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_valid_dataset(directory: Path) -> Path:
    """Write the three valid CSV files into `directory` and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in VALID_TABLES.items():
        write_rows(directory / name, rows)
    return directory


def set_cell(directory: Path, file: str, line: int, column: str, value: str) -> None:
    """Overwrite one cell, addressed by physical line (header = 1) and column name."""
    path = directory / file
    rows = read_rows(path)
    rows[line - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def copy_dataset(source: Path, target: Path) -> Path:
    """Copy a dataset directory and return the copy."""
    shutil.copytree(source, target)
    return target


@pytest.fixture
def valid_dir(tmp_path: Path) -> Path:
    """A directory holding a small valid dataset: 4 patients (8 visits) and 3 controls."""
    return write_valid_dataset(tmp_path / "dataset")


@pytest.fixture(scope="session")
def write_dataset():
    """The function write_valid_dataset(directory) -> directory, for tests needing many copies."""
    return write_valid_dataset


@pytest.fixture(scope="session")  # stateless, so hypothesis-driven tests may use it too
def edit():
    """The helpers to modify a dataset: edit.set_cell, edit.read_rows, edit.write_rows, edit.copy."""

    class Edit:
        set_cell = staticmethod(set_cell)
        read_rows = staticmethod(read_rows)
        write_rows = staticmethod(write_rows)
        copy = staticmethod(copy_dataset)

    return Edit
