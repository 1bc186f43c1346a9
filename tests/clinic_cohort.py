"""A clinic's cohort as real data look: 20 patients, 3 lost to follow-up, blank cells, "NA"
spellings and sCD40L below its detection limit, written as one .xlsx workbook.

Built from the first 20 patients of the committed reconstruction so that its numbers are
plausible; every change is listed in the constants below, so the tests can count what each
analysis must leave out.
"""

from __future__ import annotations

import csv
from pathlib import Path

from tacmg.data.contract import TABLES
from tacmg.data.paths import RECONSTRUCTED_DIR

N_PATIENTS = 20
DROPPED_OUT = ("P04", "P11", "P17")  # no month-12 row
STATUS_MISSING = {"P11": "", "P17": "NA"}  # post-intervention status not assessed
# (patient, visit, column) -> the missing-value spelling written in the cell.
BLANK_CELLS = {
    ("P02", "month_12", "scd40l"): "",
    ("P06", "baseline", "mg_qol15"): "NA",
    ("P09", "month_12", "qmg"): "N/A",
    ("P13", "baseline", "prednisone_mg_day"): ".",
    ("P15", "month_12", "mmt"): "na",
}
CONTROL_BLANK = {("C05", "sicos"): "NA"}
CENSORED_MOLECULE = "scd40l"
CENSORED_QUANTILE = 0.2  # the limit: this share of sCD40L values falls below it


def _read(table: str) -> list[dict[str, str]]:
    with (RECONSTRUCTED_DIR / TABLES[table].file).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def detection_limit(visits: list[dict[str, str]], controls: list[dict[str, str]]) -> float:
    """A round limit below which about `CENSORED_QUANTILE` of the sCD40L values lie."""
    values = sorted(float(row[CENSORED_MOLECULE]) for row in [*visits, *controls])
    return float(round(values[int(CENSORED_QUANTILE * len(values))]))


def clinic_tables() -> tuple[dict[str, list[dict[str, str]]], float]:
    """The three tables as rows of text, and the sCD40L detection limit used."""
    keep = {f"P{i:02d}" for i in range(1, N_PATIENTS + 1)}
    patients = [row for row in _read("patients") if row["patient_id"] in keep]
    visits = [
        row
        for row in _read("visits")
        if row["patient_id"] in keep and not (row["patient_id"] in DROPPED_OUT and row["visit"] == "month_12")
    ]
    controls = _read("controls")
    limit = detection_limit(visits, controls)
    for row in [*visits, *controls]:
        if float(row[CENSORED_MOLECULE]) < limit:
            row[CENSORED_MOLECULE] = f"<{limit:g}"
    for row in patients:
        row["post_intervention_status"] = STATUS_MISSING.get(row["patient_id"], row["post_intervention_status"])
    for row in visits:
        for (patient, visit, column), spelling in BLANK_CELLS.items():
            if (row["patient_id"], row["visit"]) == (patient, visit):
                row[column] = spelling
    for row in controls:
        for (control, column), spelling in CONTROL_BLANK.items():
            if row["control_id"] == control:
                row[column] = spelling
    return {"patients": patients, "visits": visits, "controls": controls}, limit


def write_clinic_workbook(path: Path) -> float:
    """Write the cohort as an .xlsx workbook (numbers as numbers, the rest as text); return the limit."""
    from openpyxl import Workbook

    tables, limit = clinic_tables()
    book = Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        columns = TABLES[name].column_names
        sheet.append(list(columns))
        for row in rows:
            sheet.append([_cell(row[column]) for column in columns])
    book.save(path)
    return limit


def _cell(text: str) -> object:
    """A spreadsheet cell: a number where the text is one, None for an empty cell, else the text."""
    if text == "":
        return None
    try:
        return int(text) if text.lstrip("-").isdigit() else float(text)
    except ValueError:
        return text
