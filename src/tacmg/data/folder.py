"""Every file of a dataset's folder accounted for: which source is read, and what the others are.

A clinic's folder holds what its software saved: the three CSV files, an .xlsx workbook, often both
(the workbook the CSVs were exported from, or a later version), legacy spreadsheets, old copies.
Private to the data layer (`tacmg.data.loader` is the way in); the rules:

- The three CSV files are read when any of them is present; else the one .xlsx workbook. Two
  workbooks and no CSV file are refused (which one is meant?).
- A workbook beside the CSV files is compared with them, table by table, on the sheets it shares
  with them: if any value, row or column differs, the folder holds two versions of the data and is
  refused (`compare_tables`); if none does, a note says the CSV files are read.
- A legacy spreadsheet (`LEGACY_SPREADSHEETS`), which cannot be read, is refused with what to save it
  as when it is the only data; beside readable data it is a warning.
- Other tables (``.csv``, ``.tsv``) and the extra sheets of the workbook read get a note: not read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from tacmg.data.cell_rules import censored_limit, is_missing
from tacmg.data.contract import TABLES
from tacmg.data.privacy import describe_key
from tacmg.data.sources import WORKBOOK_SUFFIX, Problem, RawTable, read_workbook

# Spreadsheets that cannot be read, by suffix: what each is, as a message names it.
LEGACY_SPREADSHEETS = {
    ".xls": "an Excel 97-2003 workbook",
    ".ods": "an OpenDocument spreadsheet (LibreOffice, OpenOffice)",
    ".numbers": "an Apple Numbers spreadsheet",
}
SAVE_AS = (
    "save it as an Excel Workbook (.xlsx) with the sheets patients, visits and controls, "
    "or save each of them as CSV UTF-8"
)
# Files of other names with these suffixes are tables the contract does not read.
OTHER_TABLE_SUFFIXES = (".csv", ".tsv")
TWO_VERSIONS = "the folder holds two versions of the data: keep only the one to analyse in it"


@dataclass(frozen=True)
class FolderContents:
    """The files of a folder that may hold data.

    Parameters
    ----------
    csv_files : tuple of str
        The contract's CSV files present (patients.csv, visits.csv, controls.csv).
    workbooks : tuple of pathlib.Path
        The .xlsx workbooks (not the ``~$`` lock files Excel leaves while one is open).
    legacy : tuple of pathlib.Path
        The spreadsheets of `LEGACY_SPREADSHEETS`.
    other_tables : tuple of str
        Other ``.csv`` and ``.tsv`` files.
    """

    csv_files: tuple[str, ...] = ()
    workbooks: tuple[Path, ...] = ()
    legacy: tuple[Path, ...] = ()
    other_tables: tuple[str, ...] = ()


def folder_contents(directory: Path) -> FolderContents:
    """What `directory` holds that may be data (nothing if it is not a folder).

    Examples
    --------
    >>> folder_contents(Path("no-such-folder"))
    FolderContents(csv_files=(), workbooks=(), legacy=(), other_tables=())
    """
    if not directory.is_dir():
        return FolderContents()
    names = sorted(p.name for p in directory.iterdir() if not p.name.startswith((".", "~$")))
    contract_files = [table.file for table in TABLES.values()]
    suffix = {name: Path(name).suffix.lower() for name in names}
    return FolderContents(
        csv_files=tuple(name for name in contract_files if name in names),
        workbooks=tuple(directory / n for n in names if suffix[n] == WORKBOOK_SUFFIX),
        legacy=tuple(directory / n for n in names if suffix[n] in LEGACY_SPREADSHEETS),
        other_tables=tuple(n for n in names if suffix[n] in OTHER_TABLE_SUFFIXES and n not in contract_files),
    )


def legacy_problem(path: Path) -> Problem:
    """The refusal of a spreadsheet that cannot be read, saying what to save it as.

    Examples
    --------
    >>> print(legacy_problem(Path("cohort.xls")))  # doctest: +ELLIPSIS
    cohort.xls: an Excel 97-2003 workbook cannot be read; save it as an Excel Workbook (.xlsx) ...
    """
    return Problem(path.name, f"{LEGACY_SPREADSHEETS[path.suffix.lower()]} cannot be read; {SAVE_AS}")


def workbook_path(directory: Path) -> Path | None:
    """The .xlsx workbook a dataset is read from: `directory` itself, or the one .xlsx in a folder
    that has none of the three CSV files; None if the CSV files are to be read.

    Examples
    --------
    >>> workbook_path(Path("no-such-folder")) is None
    True
    """
    if directory.suffix.lower() == WORKBOOK_SUFFIX and directory.is_file():
        return directory
    contents = folder_contents(directory)
    if contents.csv_files or len(contents.workbooks) != 1:
        return None
    return contents.workbooks[0]


def source_problems(directory: Path, contents: FolderContents) -> list[Problem]:
    """Why no source of the folder can be read (two workbooks; only legacy spreadsheets), or [].

    Examples
    --------
    >>> source_problems(Path("d"), FolderContents(legacy=(Path("d/cohort.ods"),)))[0].file
    'cohort.ods'
    """
    if contents.csv_files or len(contents.workbooks) == 1:
        return []
    if len(contents.workbooks) > 1:
        names = ", ".join(path.name for path in contents.workbooks)
        text = (
            f"holds {len(contents.workbooks)} workbooks ({names}) and none of the CSV files; "
            "keep one workbook in the folder, or validate one workbook by its path"
        )
        return [Problem(str(directory), text)]
    return [legacy_problem(path) for path in contents.legacy]


def _same_cell(read: str, other: str) -> bool:
    """Whether two cells hold one value: the same text, number, missing value or detection limit
    (a workbook writes 7 where a CSV file may write 7.0)."""
    if read == other:
        return True
    read, other = read.strip(), other.strip()
    if read == other or (is_missing(read) and is_missing(other)):
        return True
    limits = censored_limit(read), censored_limit(other)
    if limits[0] is not None:
        return limits[0] == limits[1]
    try:
        first, second = float(read), float(other)
    except ValueError:
        return read.lower() == other.lower() and read.lower() in ("true", "false")
    return first == second or (math.isnan(first) and math.isnan(second))


def _keyed(raw: RawTable) -> dict[tuple[str, ...], int]:
    """{primary key: index in the well-formed rows} (first row of each key)."""
    _, cells = raw.well_formed()
    parts = [[part.strip() for part in cells.get(column, ())] for column in raw.table.primary_key]
    keyed: dict[tuple[str, ...], int] = {}
    for index, key in enumerate(zip(*parts)):
        keyed.setdefault(key, index)
    return keyed


def compare_tables(read: RawTable, other: RawTable) -> list[Problem]:
    """Where `other` (a sheet not read) holds other data than `read` (the CSV file read), at most one
    problem per kind: other columns, rows missing from either, other values (located at the
    first, with the count). Rows are matched by primary key; no value is quoted.

    Examples
    --------
    >>> from tacmg.data.contract import CONTROLS_TABLE as table
    >>> read = RawTable(table, b"", ["control_id", "sex"], [(2, ["C01", "F"]), (3, ["C02", "M"])])
    >>> other = RawTable(table, b"", ["control_id", "sex"], [(2, ["C01", "F"]), (3, ["C02", "F"])], "b.xlsx", "row")
    >>> print(compare_tables(read, other)[0])  # doctest: +ELLIPSIS
    controls.csv, line 3, column sex: b.xlsx, row 3 holds another value; the folder holds two versions ...
    """
    found = []
    read_lines, read_cells = read.well_formed()
    other_lines, other_cells = other.well_formed()
    only_read = [c for c in read_cells if c.strip() and c not in other_cells]
    only_other = [c for c in other_cells if c.strip() and c not in read_cells]
    if only_read or only_other:
        sides = [
            f"only in {source}: {', '.join(names)}"
            for source, names in ((read.source, only_read), (other.source, only_other))
            if names
        ]
        found.append(read.problem(f"the columns of {other.source} differ ({'; '.join(sides)}); {TWO_VERSIONS}", 1))
    read_keys, other_keys = _keyed(read), _keyed(other)
    for first, second, keys, lines in ((read, other, other_keys, read_lines), (other, read, read_keys, other_lines)):
        missing = [(key, index) for key, index in _keyed(first).items() if key not in keys]
        if missing:
            key, index = missing[0]
            more = f" (nor are {len(missing) - 1} more rows)" if len(missing) > 1 else ""
            text = f"{describe_key(first.table.primary_key, key)} is not in {second.source}{more}; {TWO_VERSIONS}"
            found.append(first.problem(text, lines[index]))
    pairs = [(i, other_keys[key]) for key, i in read_keys.items() if key in other_keys]
    differing: list[tuple[int, str, int]] = []  # (read row, column, other row)
    for column in (c for c in read_cells if c in other_cells and c.strip()):
        mine, theirs = read_cells[column], other_cells[column]
        differing += [(i, column, j) for i, j in pairs if not _same_cell(mine[i], theirs[j])]
    if differing:
        i, column, j = min(differing)
        more = f" (as do {len(differing) - 1} more cells)" if len(differing) > 1 else ""
        where = f"{other.source}, {other.row_word} {other_lines[j]}"
        found.append(read.problem(f"{where} holds another value{more}; {TWO_VERSIONS}", read_lines[i], column))
    return found


def account_for_others(
    contents: FolderContents, raws: dict[str, RawTable], book: Path | None
) -> tuple[list[Problem], list[Problem], list[Problem]]:
    """(problems, warnings, notes) about the files of the folder that are not read.

    Parameters
    ----------
    contents : FolderContents
        The folder's files.
    raws : dict of str to RawTable
        The tables read.
    book : pathlib.Path or None
        The workbook read, None when the CSV files are.
    """
    problems: list[Problem] = []
    warnings: list[Problem] = []
    notes: list[Problem] = []
    read_from = book.name if book else "the CSV files"
    for path in contents.workbooks if book is None and contents.csv_files else ():
        sheets, sheet_problems = read_workbook(path, compare_only=True)
        if sheet_problems:
            warnings.append(Problem(path.name, f"not read ({sheet_problems[0].text}); {read_from} are read"))
            continue
        if not sheets:
            notes.append(Problem(path.name, "not read: it has no sheet patients, visits or controls"))
            continue
        differences = [p for name, sheet in sheets.items() if name in raws for p in compare_tables(raws[name], sheet)]
        problems += differences
        if not differences:
            shared = ", ".join(sheets)
            notes.append(
                Problem(path.name, f"not read: its sheets {shared} hold the same data as the CSV files, which are read")
            )
    for path in contents.legacy:
        kind = LEGACY_SPREADSHEETS[path.suffix.lower()]
        verb = "are" if book is None else "is"
        text = f"not read ({kind}); {read_from} {verb} read. If it holds the data to analyse, {SAVE_AS}"
        warnings.append(Problem(path.name, text))
    for name in contents.other_tables:
        notes.append(
            Problem(
                name,
                "not read: the data are read from patients.csv, visits.csv and controls.csv"
                if book is None
                else f"not read: the data are read from {book.name}",
            )
        )
    return problems, warnings, notes
