"""The checks behind `tacmg.data.loader.validate`: read each CSV file as text, list every problem.

Private to the data layer: `tacmg.data.loader` is the way in (`validate`, `load`). Each file is
read as bytes, decoded as UTF-8 (bad bytes kept as lone surrogates so they can be reported cell by
cell) and parsed with the csv module; then the header, every cell (by `tacmg.data.cell_rules`),
the primary and foreign keys, the visit pairs and datapackage.json's provenance are checked, and
each problem is kept with its file, physical line and column.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tacmg.data.cell_rules import (
    cell_problem,
    column_ref,
    has_bad_bytes,
    identifier_match,
    letters_only,
    show_value,
)
from tacmg.data.contract import PATIENTS_TABLE, TABLES, VISITS, VISITS_TABLE, Table
from tacmg.data.datapackage import DATAPACKAGE_FILE


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
