"""Every rule the validator applies, in one table, generated from where each rule lives.

The cell rules come from the contract (`tacmg.data.contract.TABLES`), the identifier rules from
`tacmg.data.privacy`, the plausibility warnings from `tacmg.data.plausibility`; the rules about
files, rows, keys and the data package are listed here, next to the module that applies them
(`tacmg.data.sources`, `tacmg.data.csv_checks`, `tacmg.data.package_checks`). The book's "Use
your own data" page and ``python -m tacmg rules`` show this table.
"""

from __future__ import annotations

import pandas as pd

from tacmg.data.contract import CENSORED_PREFIX, MISSING_VALUES, TABLES, Column
from tacmg.data.datapackage import datapackage_fields_table
from tacmg.data.folder import LEGACY_SPREADSHEETS
from tacmg.data.plausibility import PLAUSIBILITY_RULES
from tacmg.data.privacy import CELL_DETECTORS, CODE_MAX_DIGITS, CODE_RULES, IDENTIFIER_NAMES
from tacmg.data.sources import OTHER_SEPARATORS, SEPARATORS

# The missing-value spellings as the rules table words them.
_MISSING_WORDS = ", ".join(f'"{spelling}"' if spelling else "empty" for spelling in MISSING_VALUES)

# (kind, applies to, rule): the rules that are not generated from a table elsewhere.
STRUCTURE_RULES = (
    (
        "problem",
        "dataset",
        "a folder with patients.csv, visits.csv and controls.csv, or one .xlsx workbook "
        "(in the folder, or given itself) with the sheets patients, visits and controls",
    ),
    (
        "problem",
        "folder",
        "the CSV files are read when present, else the one .xlsx workbook; a workbook beside the CSV files "
        "must hold the same data on the sheets it shares with them (else two versions: refused); two "
        f"workbooks without CSV files are refused; {', '.join(LEGACY_SPREADSHEETS)} files cannot be read "
        "and are refused with what to save them as when they are the only data",
    ),
    (
        "warning",
        "folder",
        f"a {', '.join(LEGACY_SPREADSHEETS)} file beside readable data, or a workbook beside the CSV files "
        "that cannot be read, is not read",
    ),
    ("note", "folder", "other .csv and .tsv files, and the extra sheets of the workbook read, are not read"),
    (
        "problem",
        "file",
        "not empty; UTF-8 (a byte-order mark is allowed; UTF-16, Excel's 'Unicode Text', is refused in one "
        "line); valid CSV (quotes closed)",
    ),
    (
        "problem",
        "file",
        f"separated by {', '.join(SEPARATORS.values())}; a header separated by "
        f"{', '.join(f'{name}s' for name in OTHER_SEPARATORS.values())} is refused with the separator named",
    ),
    (
        "note",
        "file",
        "a semicolon- or tab-separated file is read as such; decimal commas in its number "
        "columns are read as decimal points",
    ),
    (
        "problem",
        "header",
        "not blank; every column named, each name once; every contract column present "
        "(names are case-sensitive; a near miss is pointed out)",
    ),
    ("problem", "rows", "at least one data row; no blank row; as many cells in each row as in the header"),
    (
        "problem",
        "cells",
        "every cell of a contract column valid for its column (type, range, allowed codes: the data "
        "dictionary) and filled in, except where the column's rule says it may be missing; cells of "
        "extra columns valid UTF-8",
    ),
    (
        "note",
        "missing values",
        f"a cell that may be missing is missing when it reads {_MISSING_WORDS} (nothing else); "
        "each analysis then uses the patients that have what it needs and gives its n",
    ),
    (
        "problem",
        "detection limits",
        f"a molecule cell {CENSORED_PREFIX}X means below the detection limit X (in pg/mL, X > 0); one limit per "
        "molecule across visits.csv and controls.csv, and no measured value below it",
    ),
    (
        "problem",
        "keys",
        "patient_id unique in patients.csv; (patient_id, visit) unique in visits.csv; "
        "control_id unique in controls.csv",
    ),
    (
        "problem",
        "keys",
        "every patient_id of visits.csv in patients.csv; every patient with a baseline row "
        "(the month_12 row may be absent: a patient lost to follow-up)",
    ),
    ("problem", "datapackage.json", "if present: valid UTF-8 JSON, an object; its provenance an object"),
    (
        "warning",
        "datapackage.json",
        "a resource for each CSV file whose columns (names, types) and "
        "sha256 hash match the file; otherwise, or when a package says 'reconstructed' without a hash of "
        "every file, the data are treated as the reader's own, never labelled as the reconstruction",
    ),
)


def _column_rule(column: Column, allowed: str) -> str:
    words = {"integer": "a whole number", "number": "a number", "boolean": "true or false", "string": "text"}
    rule = f"{words[column.type]}"
    if allowed and column.type != "boolean":
        rule += f": {allowed}"
    rule += f" {column.unit}" if column.unit and column.type != "string" else ""
    if column.censorable:
        rule += f", or {CENSORED_PREFIX}X below the detection limit X"
    if not column.required:
        rule += f"; may be missing ({_MISSING_WORDS})"
    return rule


def rules_table() -> pd.DataFrame:
    """Every rule the validator applies, one per row.

    Returns
    -------
    pandas.DataFrame
        Columns ``kind`` (``problem``: the dataset is refused; ``warning``: printed, the dataset
        still valid; ``note``: how a file was read), ``applies to`` and ``rule``.

    Examples
    --------
    >>> table = rules_table()
    >>> sorted(table["kind"].unique())
    ['note', 'problem', 'warning']
    >>> "visits.csv qmg" in set(table["applies to"])
    True
    """
    rows = [dict(zip(("kind", "applies to", "rule"), rule)) for rule in STRUCTURE_RULES]
    allowed = datapackage_fields_table().set_index(["table", "column"])["allowed"]
    for table in TABLES.values():
        for column in table.columns:
            rule = _column_rule(column, allowed[(table.file, column.name)])
            rows.append({"kind": "problem", "applies to": f"{table.file} {column.name}", "rule": rule})
    for language, what, terms in IDENTIFIER_NAMES:
        rule = f"no extra column whose name means {what} ({language}): {', '.join(terms)}"
        rows.append({"kind": "problem", "applies to": "column names", "rule": rule})
    for detector in CELL_DETECTORS:
        check = " (checked with its check digits)" if detector.confirm else ""
        rule = f"no cell of an extra column, and no patient or control code, holding {detector.what}{check}"
        rows.append({"kind": "problem", "applies to": "cells", "rule": rule})
    (date, _), (number, _) = CODE_RULES
    for rule in (
        f"no patient or control code holding {date}: eight digits reading YYYYMMDD or DDMMYYYY",
        f"no patient or control code holding {number}: more than {CODE_MAX_DIGITS} digits in a row",
    ):
        rows.append({"kind": "problem", "applies to": "codes", "rule": rule})
    rule = (
        "no free text (two words or more, or four Han or kana characters) in a column the contract does "
        "not list: it may name a person and no analysis reads it"
    )
    rows.append({"kind": "problem", "applies to": "cells", "rule": rule})
    for rule_id, text in PLAUSIBILITY_RULES.items():
        rows.append({"kind": "warning", "applies to": f"plausibility ({rule_id})", "rule": text})
    return pd.DataFrame(rows, columns=["kind", "applies to", "rule"])
