"""Read and check a dataset directory (patients.csv, visits.csv, controls.csv).

`validate(directory)` lists every problem, one line each; `load(directory)` returns a `Dataset`
or raises `DataError` with the first problem. Every message names the file, the physical line
(header = line 1) and the column, e.g.

    visits.csv, line 3, column qmg: 45 is outside the QMG range 0-39

The rules come from `tacmg.contract.TABLES`: the same specs render `datapackage.json`, so the
loader and the Frictionless schemas agree. Cells are read as text with the csv module and only
converted once every check has passed, so nothing silently becomes NaN.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tacmg.data.cell_rules import (
    cell_problem,
    cell_value,
    column_ref,
    has_bad_bytes,
    identifier_match,
    letters_only,
    show_value,
)
from tacmg.data.contract import (
    PATIENTS_TABLE,
    TABLES,
    VISITS,
    VISITS_TABLE,
    Table,
)

DATAPACKAGE_FILE = "datapackage.json"


class DataError(ValueError):
    """A dataset problem, as one line: '<file>, line <N>, column <col>: <problem>'.

    `file`, `line` and `column` repeat the location for programs (None where not applicable).
    """

    def __init__(
        self, message: str, file: str | None = None, line: int | None = None, column: str | None = None
    ) -> None:
        super().__init__(message)
        self.file, self.line, self.column = file, line, column

    def _render_traceback_(self) -> list[str]:
        """Return the lines IPython shows instead of a traceback: just the message."""
        return [f"DataError: {self}"]


@dataclass(frozen=True, eq=False)  # eq=False: comparing DataFrames with == is ambiguous
class Dataset:
    """A checked dataset. Contract columns have their contract dtype (int64, float64, bool or
    str); extra columns are kept as str. `checksum` is `data_checksum(directory)`; `provenance`
    is the `provenance` object of datapackage.json, or None when there is no datapackage.json.
    """

    patients: pd.DataFrame
    visits: pd.DataFrame
    controls: pd.DataFrame
    directory: Path
    checksum: str
    provenance: dict[str, Any] | None = None

    def paired(self, column: str) -> pd.DataFrame:
        """Return `column` of visits.csv in wide form: index patient_id (sorted), columns
        baseline and month_12.

        Raises KeyError (one line) if visits.csv has no such column.
        """
        if column not in self.visits.columns or column in ("patient_id", "visit"):
            raise KeyError(f"visits.csv has no value column {column!r}")
        wide = self.visits.pivot(index="patient_id", columns="visit", values=column)
        return wide.loc[:, list(VISITS)].sort_index().rename_axis(columns=None)


@dataclass(frozen=True)
class _Problem:
    file: str
    text: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.text}"

    def error(self) -> DataError:
        """Return this problem as a DataError."""
        return DataError(str(self), self.file, self.line, self.column)


@dataclass
class _RawTable:
    """A CSV file read as text: header cells and (physical line, cells) of each data row."""

    table: Table
    data: bytes
    header: list[str]
    rows: list[tuple[int, list[str]]]

    def position(self, column: str) -> int | None:
        """Return the index of `column` in the header, or None if absent."""
        return self.header.index(column) if column in self.header else None

    def well_formed_rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield (line, {column: cell}) for rows with as many cells as the header."""
        for line, cells in self.rows:
            if len(cells) == len(self.header):
                yield line, dict(zip(self.header, cells))


def _read_bytes(path: Path, file: str) -> tuple[bytes | None, list[_Problem]]:
    if not path.is_file():
        what = "is not a file" if path.exists() else "file is missing"
        return None, [_Problem(file, what)]
    try:
        return path.read_bytes(), []
    except OSError as error:
        return None, [_Problem(file, f"cannot be read ({error.strerror or error})")]


def _parse_csv(text: str, file: str) -> tuple[list[tuple[int, list[str]]], list[_Problem]]:
    """Return (start line, cells) of every record; blank lines become records with no cells."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return records, []
        except csv.Error as error:
            return records, [_Problem(file, f"not valid CSV ({error})", line=start)]
        records.append((start, cells))


def _read_table(directory: Path, table: Table) -> tuple[_RawTable | None, list[_Problem]]:
    """Return the file as a _RawTable (None if unusable) and the file-level problems."""
    data, problems = _read_bytes(directory / table.file, table.file)
    if data is None:
        return None, problems
    if not data:
        return None, [_Problem(table.file, "file is empty (0 bytes); a header line and data rows are needed")]
    # A byte-order mark (as Excel writes) is allowed; bad bytes become lone surrogates here and
    # are reported cell by cell, with line and column.
    text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8", "surrogateescape")
    records, problems = _parse_csv(text, table.file)
    if not records or not records[0][1]:
        return None, [*problems, _Problem(table.file, "the header line is blank", line=1)]
    raw = _RawTable(table, data, records[0][1], records[1:])
    if not raw.rows and not problems:
        problems.append(_Problem(table.file, "file has a header but no data rows", line=1))
    return raw, problems


def _check_header_cell(raw: _RawTable, position: int, name: str) -> Iterator[_Problem]:
    file, ref = raw.table.file, column_ref(name, position + 1)
    if has_bad_bytes(name):
        yield _Problem(file, "column name is not valid UTF-8; save the file as UTF-8", 1, ref)
    elif not name.strip():
        yield _Problem(file, "column has no name", 1, ref)
    elif raw.header.index(name) < position:
        yield _Problem(file, "column name appears more than once in the header", 1, ref)
    elif name not in raw.table.column_names and (pattern := identifier_match(name)):
        yield _Problem(
            file,
            f'column name looks like a direct identifier (matches "{pattern}"); '
            "remove the column: a dataset must not identify anyone",
            1,
            ref,
        )


def _check_header(raw: _RawTable) -> Iterator[_Problem]:
    for position, name in enumerate(raw.header):
        yield from _check_header_cell(raw, position, name)
    for column in raw.table.column_names:
        if column not in raw.header:
            yield _Problem(raw.table.file, f"required column is missing{_near_miss(raw, column)}", 1, column)


def _near_miss(raw: _RawTable, column: str) -> str:
    """Return a hint if the header has the column with other case or spaces, else ''."""
    for name in raw.header:
        if letters_only(name) == letters_only(column) and name != column:
            return f" (found {show_value(name)}: names are case-sensitive, without spaces)"
    return ""


def _check_row(raw: _RawTable, line: int, cells: list[str]) -> Iterator[_Problem]:
    file = raw.table.file
    if not any(cell.strip() for cell in cells):
        yield _Problem(file, "row is blank; remove the line", line)
        return
    if len(cells) != len(raw.header):
        yield _Problem(file, f"row has {len(cells)} cells but the header has {len(raw.header)}", line)
        return
    columns = {column.name: column for column in raw.table.columns}
    for position, (name, text) in enumerate(zip(raw.header, cells)):
        if problem := cell_problem(columns.get(name), text):
            yield _Problem(file, problem, line, column_ref(name, position + 1))


def _check_cells(raw: _RawTable) -> Iterator[_Problem]:
    for line, cells in raw.rows:
        yield from _check_row(raw, line, cells)


def _key_rows(raw: _RawTable, columns: tuple[str, ...]) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Yield (line, key) for rows whose key cells are all present and non-blank."""
    if any(raw.position(column) is None for column in columns):
        return
    for line, row in raw.well_formed_rows():
        key = tuple(row[column] for column in columns)
        if all(part.strip() for part in key):
            yield line, key


def _describe_key(columns: tuple[str, ...], key: tuple[str, ...]) -> str:
    return ", ".join(f"{column} {show_value(part)}" for column, part in zip(columns, key))


def _check_primary_key(raw: _RawTable) -> Iterator[_Problem]:
    columns = raw.table.primary_key
    first_line: dict[tuple[str, ...], int] = {}
    for line, key in _key_rows(raw, columns):
        if key in first_line:
            text = f"duplicate {_describe_key(columns, key)} (first on line {first_line[key]})"
            yield _Problem(raw.table.file, text, line, columns[-1])
        else:
            first_line[key] = line


def _check_foreign_keys(raw: _RawTable, raws: dict[str, _RawTable]) -> Iterator[_Problem]:
    for foreign in raw.table.foreign_keys:
        target = raws.get(foreign.reference_table)
        if target is None:
            continue  # the missing or unreadable file is reported already
        known = {key for _, key in _key_rows(target, foreign.reference_columns)}
        for line, key in _key_rows(raw, foreign.columns):
            if key not in known:
                text = f"{_describe_key(foreign.columns, key)} is not in {target.table.file}"
                yield _Problem(raw.table.file, text, line, foreign.columns[-1])


def _check_visit_pairs(raws: dict[str, _RawTable]) -> Iterator[_Problem]:
    """Every patient needs one row per visit code in visits.csv."""
    patients, visits = raws.get(PATIENTS_TABLE.name), raws.get(VISITS_TABLE.name)
    if patients is None or visits is None:
        return
    seen: dict[str, dict[str, int]] = {}
    for line, (patient, visit) in _key_rows(visits, ("patient_id", "visit")):
        seen.setdefault(patient, {}).setdefault(visit, line)
    for line, (patient,) in _key_rows(patients, ("patient_id",)):
        lines = seen.get(patient, {})
        missing = [visit for visit in VISITS if visit not in lines]
        if not lines:
            text = f"patient {show_value(patient)} has no rows in visits.csv (needs {' and '.join(VISITS)})"
            yield _Problem(patients.table.file, text, line, "patient_id")
        elif missing:
            text = f"patient {show_value(patient)} has no {' or '.join(missing)} row"
            yield _Problem(visits.table.file, text, min(lines.values()), "visit")


def _read_provenance(directory: Path) -> tuple[dict[str, Any] | None, list[_Problem]]:
    """Return the `provenance` object of datapackage.json (None if there is no file)."""
    path = directory / DATAPACKAGE_FILE
    if not path.exists():
        return None, []
    try:
        descriptor = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        return None, [_Problem(DATAPACKAGE_FILE, f"cannot be read ({error.strerror or error})")]
    except UnicodeDecodeError:
        return None, [_Problem(DATAPACKAGE_FILE, "not valid UTF-8")]
    except json.JSONDecodeError as error:
        return None, [_Problem(DATAPACKAGE_FILE, f"not valid JSON ({error.msg})", error.lineno)]
    provenance = descriptor.get("provenance") if isinstance(descriptor, dict) else None
    if provenance is not None and not isinstance(provenance, dict):
        return None, [_Problem(DATAPACKAGE_FILE, '"provenance" must be a JSON object')]
    return provenance, []


@dataclass
class _Inspection:
    raws: dict[str, _RawTable]
    provenance: dict[str, Any] | None
    problems: list[_Problem]


def _inspect(directory: Path) -> _Inspection:
    """Read and check everything; return the readable tables and all problems, in file order."""
    if not directory.is_dir():
        what = "is not a directory" if directory.exists() else "directory is missing"
        return _Inspection({}, None, [_Problem(str(directory), what)])
    raws: dict[str, _RawTable] = {}
    problems: list[_Problem] = []
    for name, table in TABLES.items():
        raw, file_problems = _read_table(directory, table)
        problems += file_problems
        if raw is not None:
            raws[name] = raw
            problems += [*_check_header(raw), *_check_cells(raw), *_check_primary_key(raw)]
    for raw in raws.values():
        problems += _check_foreign_keys(raw, raws)
    problems += _check_visit_pairs(raws)
    provenance, provenance_problems = _read_provenance(directory)
    return _Inspection(raws, provenance, problems + provenance_problems)


def validate(directory: str | Path) -> list[str]:
    """Return every problem of the dataset in `directory`, one line each; [] means valid."""
    return [str(problem) for problem in _inspect(Path(directory)).problems]


def _to_frame(raw: _RawTable) -> pd.DataFrame:
    """Return the table with contract columns converted to their dtype; extras stay str."""
    columns = {column.name: column for column in raw.table.columns}
    frame = pd.DataFrame([cells for _, cells in raw.rows], columns=raw.header, dtype=str)
    for name, column in columns.items():
        frame[name] = frame[name].map(lambda text, column=column: cell_value(column, text))
    return frame.astype({name: _DTYPES[column.type] for name, column in columns.items()})


_DTYPES = {"integer": "int64", "number": "float64", "boolean": "bool", "string": "str"}


def _checksum(data: list[tuple[str, bytes]]) -> str:
    # Each file is framed by its name and length so that moving bytes from one file to the
    # next changes the checksum.
    digest = hashlib.sha256()
    for file, content in data:
        digest.update(f"{file}\n{len(content)}\n".encode())
        digest.update(content)
    return digest.hexdigest()


def data_checksum(directory: str | Path) -> str:
    """Return the sha256 (hex) of patients.csv, visits.csv and controls.csv, in that order.

    Raises DataError if a file is missing or unreadable.
    """
    contents = []
    for table in TABLES.values():
        data, problems = _read_bytes(Path(directory) / table.file, table.file)
        if data is None:
            raise problems[0].error()
        contents.append((table.file, data))
    return _checksum(contents)


def load(directory: str | Path) -> Dataset:
    """Return the checked Dataset in `directory`; raise DataError with the first problem."""
    directory = Path(directory)
    inspection = _inspect(directory)
    if inspection.problems:
        raise inspection.problems[0].error()
    raws = inspection.raws
    return Dataset(
        patients=_to_frame(raws["patients"]),
        visits=_to_frame(raws["visits"]),
        controls=_to_frame(raws["controls"]),
        directory=directory,
        checksum=_checksum([(raw.table.file, raw.data) for raw in raws.values()]),
        provenance=inspection.provenance,
    )
