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
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tacmg.data.contract import (
    IDENTIFIER_PATTERNS,
    PATIENTS_TABLE,
    TABLES,
    VISITS,
    VISITS_TABLE,
    Column,
    Table,
)

DATAPACKAGE_FILE = "datapackage.json"

# Identifier patterns this long are refused anywhere inside a column name; shorter ones
# ("dob", "zip", "name", ...) only as the whole name, so "patient_id" or "mg_adl" never trip.
SUBSTRING_PATTERN_MIN_LENGTH = 5
# Longest cell value quoted back in a message.
MAX_SHOWN_CHARS = 40


class DataError(ValueError):
    """A dataset problem, as one line: '<file>, line <N>, column <col>: <problem>'.

    `file`, `line` and `column` repeat the location for programs (None where not applicable).
    """

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 column: str | None = None) -> None:
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


# ----------------------------------------------------------------------------- problems


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


def _show(value: str) -> str:
    """Return a cell value quoted for a message: one line, bounded length, bad bytes as U+FFFD."""
    text = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if len(text) > MAX_SHOWN_CHARS:
        text = text[:MAX_SHOWN_CHARS] + "..."
    return json.dumps(text, ensure_ascii=False)


def _column_ref(name: str, position: int) -> str:
    """Return how a column is named in messages: its name, or '#<position>' if it has none."""
    if not name.strip():
        return f"#{position}"
    if name.isprintable() and name == name.strip():
        return name
    return _show(name)


def _number(value: float) -> str:
    """Return a bound as text without a trailing '.0'."""
    return str(int(value)) if float(value).is_integer() else str(value)


# ----------------------------------------------------------------------------- reading


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
        return None, problems + [_Problem(table.file, "the header line is blank", line=1)]
    raw = _RawTable(table, data, records[0][1], records[1:])
    if not raw.rows and not problems:
        problems.append(_Problem(table.file, "file has a header but no data rows", line=1))
    return raw, problems


# ----------------------------------------------------------------------------- header checks


def _normalised(name: str) -> str:
    return re.sub("[^a-z]", "", name.lower())


def _identifier_match(name: str) -> str | None:
    """Return the identifier pattern a column name matches, or None."""
    letters = _normalised(name)
    for pattern in IDENTIFIER_PATTERNS:
        if letters == pattern or (len(pattern) >= SUBSTRING_PATTERN_MIN_LENGTH and pattern in letters):
            return pattern
    return None


def _check_header_cell(raw: _RawTable, position: int, name: str) -> Iterator[_Problem]:
    file, ref = raw.table.file, _column_ref(name, position + 1)
    if _has_bad_bytes(name):
        yield _Problem(file, "column name is not valid UTF-8; save the file as UTF-8", 1, ref)
    elif not name.strip():
        yield _Problem(file, "column has no name", 1, ref)
    elif raw.header.index(name) < position:
        yield _Problem(file, "column name appears more than once in the header", 1, ref)
    elif name not in raw.table.column_names and (pattern := _identifier_match(name)):
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
        if _normalised(name) == _normalised(column) and name != column:
            return f" (found {_show(name)}: names are case-sensitive, without spaces)"
    return ""


# ----------------------------------------------------------------------------- cell checks

_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_BOOLEANS = {"true": True, "false": False}
_BAD_BYTES = re.compile("[\udc80-\udcff]")

# Per contract type: (does the text have this type?, convert text to value, what is wrong).
_TYPES: dict[str, tuple[Callable[[str], bool], Callable[[str], Any], str]] = {
    "integer": (lambda text: bool(_INTEGER.fullmatch(text)), int, "is not a whole number"),
    "number": (lambda text: bool(_NUMBER.fullmatch(text)) and math.isfinite(float(text)), float,
               "is not a (finite) number"),
    "boolean": (lambda text: text in _BOOLEANS, _BOOLEANS.__getitem__, "is not true or false (lower case)"),
    "string": (lambda text: True, str, ""),
}


def _has_bad_bytes(text: str) -> bool:
    return bool(_BAD_BYTES.search(text))


def _type_problem(column: Column, text: str) -> str | None:
    has_type, _, wrong = _TYPES[column.type]
    return None if has_type(text) else f"{_show(text)} {wrong}"


def _range_problem(column: Column, text: str) -> str | None:
    if column.minimum is None and column.maximum is None and column.exclusive_minimum is None:
        return None
    value = _TYPES[column.type][1](text)
    unit = f" {column.unit}" if column.unit else ""
    if column.exclusive_minimum is not None and not value > column.exclusive_minimum:
        return f"{text} is not a valid {column.label}: it must be greater than {_number(column.exclusive_minimum)}{unit}"
    low = column.minimum if column.minimum is not None else float("-inf")
    high = column.maximum if column.maximum is not None else float("inf")
    if not low <= value <= high:
        return f"{text} is outside the {column.label} range {_number(low)}-{_number(high)}{unit}"
    return None


def _enum_problem(column: Column, text: str) -> str | None:
    if not column.enum or text in column.enum:
        return None
    return f"unknown {column.label} {_show(text)}; allowed: {', '.join(column.enum)}"


def _pattern_problem(column: Column, text: str) -> str | None:
    if not column.pattern or re.fullmatch(column.pattern, text):
        return None
    return f"{_show(text)} is not a valid {column.label}: use letters, digits, _ and - only"


# Applied in order; the first rule a cell breaks is its one reported problem.
_CELL_RULES: tuple[Callable[[Column, str], str | None], ...] = (
    _type_problem,
    _range_problem,
    _enum_problem,
    _pattern_problem,
)


def _cell_problem(column: Column | None, text: str) -> str | None:
    """Return what is wrong with one cell (None if nothing); extra columns may be blank."""
    if _has_bad_bytes(text):
        return "cell is not valid UTF-8; save the file as UTF-8"
    if column is None:
        return None
    if not text.strip():
        return f"cell is blank; every {column.name} value is required"
    for rule in _CELL_RULES:
        if problem := rule(column, text):
            return problem
    return None


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
        if problem := _cell_problem(columns.get(name), text):
            yield _Problem(file, problem, line, _column_ref(name, position + 1))


def _check_cells(raw: _RawTable) -> Iterator[_Problem]:
    for line, cells in raw.rows:
        yield from _check_row(raw, line, cells)


# ----------------------------------------------------------------------------- key checks


def _key_rows(raw: _RawTable, columns: tuple[str, ...]) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Yield (line, key) for rows whose key cells are all present and non-blank."""
    if any(raw.position(column) is None for column in columns):
        return
    for line, row in raw.well_formed_rows():
        key = tuple(row[column] for column in columns)
        if all(part.strip() for part in key):
            yield line, key


def _describe_key(columns: tuple[str, ...], key: tuple[str, ...]) -> str:
    return ", ".join(f"{column} {_show(part)}" for column, part in zip(columns, key))


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
            text = f"patient {_show(patient)} has no rows in visits.csv (needs {' and '.join(VISITS)})"
            yield _Problem(patients.table.file, text, line, "patient_id")
        elif missing:
            text = f"patient {_show(patient)} has no {' or '.join(missing)} row"
            yield _Problem(visits.table.file, text, min(lines.values()), "visit")


# ----------------------------------------------------------------------------- provenance


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


# ----------------------------------------------------------------------------- entry points


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
        frame[name] = frame[name].map(_TYPES[column.type][1])
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
