"""The checks behind `tacmg.data.loader.validate`: every problem of the three tables, in order.

`tacmg.data.loader` is the way in (`validate`, `check`, `load`). The
tables are read by `tacmg.data.sources` (CSV files or one .xlsx workbook); then the header, every
cell (by `tacmg.data.cell_rules`, column by column), identifiers (`tacmg.data.privacy`), the
primary and foreign keys, the visit pairs and datapackage.json (`tacmg.data.package_checks`) are
checked, and each problem is kept with its file, row and column. Warnings (`tacmg.data.plausibility`)
and notes (how a file was read) do not make a dataset invalid.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tacmg.data.cell_rules import (
    bound_text,
    censored_limit,
    column_ref,
    has_bad_bytes,
    is_missing,
    letters_only,
    show_value,
)
from tacmg.data.column_rules import checked_column
from tacmg.data.contract import (
    CENSORED_PREFIX,
    CONTROLS_TABLE,
    MOLECULES,
    PATIENTS_TABLE,
    TABLES,
    VISITS,
    VISITS_TABLE,
)
from tacmg.data.folder import (
    LEGACY_SPREADSHEETS,
    account_for_others,
    folder_contents,
    legacy_problem,
    source_problems,
    workbook_path,
)
from tacmg.data.package_checks import read_package
from tacmg.data.privacy import (
    code_identifiers,
    column_identifiers,
    describe_key,
    free_text_rows,
    identifier_name,
    show_code,
)
from tacmg.data.sources import Problem, RawTable, read_csv_table, read_workbook

# The visit every patient must have; the other (month 12) may be missing for a drop-out.
REQUIRED_VISIT = VISITS[0]


def _check_header_cell(raw: RawTable, position: int, name: str) -> Iterator[Problem]:
    ref = column_ref(name, position + 1)
    if has_bad_bytes(name):
        yield raw.problem("column name is not valid UTF-8; save the file as UTF-8", 1, ref)
    elif not name.strip():
        yield raw.problem("column has no name", 1, ref)
    elif raw.header.index(name) < position:
        yield raw.problem("column name appears more than once in the header", 1, ref)
    elif name not in raw.table.column_names and (found := identifier_name(name)):
        language, what = found
        text = (
            f"column name looks like a direct identifier ({what}, {language}); "
            "remove the column: a dataset must not identify anyone"
        )
        yield raw.problem(text, 1, ref)


def _check_header(raw: RawTable) -> Iterator[Problem]:
    for position, name in enumerate(raw.header):
        yield from _check_header_cell(raw, position, name)
    for column in raw.table.column_names:
        if column not in raw.header:
            yield raw.problem(f"required column is missing{_near_miss(raw, column)}", 1, column)


def _near_miss(raw: RawTable, column: str) -> str:
    """Return a hint if the header has the column with other case or spaces, else ''."""
    for name in raw.header:
        if letters_only(name) == letters_only(column) and name != column:
            return f" (found {show_value(name)}: names are case-sensitive, without spaces)"
    return ""


def _check_row_shapes(raw: RawTable) -> Iterator[tuple[int, Problem]]:
    for line, cells in raw.rows:
        # A row whose first cell (a code) is not blank is not blank: no join for most rows.
        if not (cells and cells[0].strip()) and not "".join(cells).strip():
            yield line, raw.problem("row is blank; remove the line" if raw.row_word == "line" else "row is blank", line)
        elif len(cells) != len(raw.header):
            yield line, raw.problem(f"row has {len(cells)} cells but the header has {len(raw.header)}", line)


def _check_cells(raw: RawTable) -> list[Problem]:
    """Every refused cell and row, by row then column."""
    found: list[tuple[int, int, Problem]] = [(line, -1, problem) for line, problem in _check_row_shapes(raw)]
    lines, columns = raw.well_formed()
    contract = {column.name: column for column in raw.table.columns}
    coded = {raw.table.primary_key[0]}
    for position, name in enumerate(raw.header):
        if raw.header.index(name) < position or not name.strip():
            continue
        cells = columns[name]
        ref = column_ref(name, position + 1)
        flagged: set[int] = set()
        if name in coded:
            for index, what in code_identifiers(cells):
                flagged.add(index)
                text = f"code seems to hold {what}; use a pseudonymous code such as P01 or C01 (not shown here)"
                found.append((lines[index], position, raw.problem(text, lines[index], ref)))
        elif name not in contract:
            for index, what in column_identifiers(cells):
                flagged.add(index)
                text = f"cell seems to hold {what}; remove it (its text is not shown here)"
                found.append((lines[index], position, raw.problem(text, lines[index], ref)))
            if free := [index for index in free_text_rows(cells) if index not in flagged]:
                flagged.update(free)
                more = f", as do {len(free) - 1} more cells of the column" if len(free) > 1 else ""
                text = (
                    f"cell holds free text{more}, which may name a person; the data contract does not list "
                    "this column and no analysis reads it: remove the column (its text is not shown here)"
                )
                found.append((lines[free[0]], position, raw.problem(text, lines[free[0]], ref)))
        problems, values = checked_column(contract.get(name), cells)
        if values is not None:
            raw.converted[name] = values
        for index, problem in problems:
            if index not in flagged:
                found.append((lines[index], position, raw.problem(problem, lines[index], ref)))
    return [problem for _, _, problem in sorted(found, key=lambda item: item[:2])]


def _key_rows(raw: RawTable, columns: tuple[str, ...]) -> list[tuple[int, tuple[str, ...]]]:
    """(line, key) of the well-formed rows whose key cells are all present and non-blank."""
    if any(raw.position(column) is None for column in columns):
        return []
    lines, cells = raw.well_formed()
    parts = [cells[column] for column in columns]
    rows = list(zip(lines, zip(*parts)))
    if any("" in set(map(str.strip, part)) for part in parts):
        rows = [(line, key) for line, key in rows if all(part.strip() for part in key)]
    return rows


def _check_primary_key(raw: RawTable) -> Iterator[Problem]:
    columns = raw.table.primary_key
    rows = _key_rows(raw, columns)
    if len({key for _, key in rows}) == len(rows):
        return
    first_line: dict[tuple[str, ...], int] = {}
    for line, key in rows:
        if key in first_line:
            text = f"duplicate {describe_key(columns, key)} (first on {raw.row_word} {first_line[key]})"
            yield raw.problem(text, line, columns[-1])
        else:
            first_line[key] = line


def _check_foreign_keys(raw: RawTable, raws: dict[str, RawTable]) -> Iterator[Problem]:
    for foreign in raw.table.foreign_keys:
        target = raws.get(foreign.reference_table)
        if target is None:
            continue  # the missing or unreadable table is reported already
        known = {key for _, key in _key_rows(target, foreign.reference_columns)}
        rows = _key_rows(raw, foreign.columns)
        if {key for _, key in rows} <= known:
            continue
        for line, key in rows:
            if key not in known:
                text = f"{describe_key(foreign.columns, key)} is not in {target.source}"
                yield raw.problem(text, line, foreign.columns[-1])


def _check_visit_pairs(raws: dict[str, RawTable]) -> Iterator[Problem]:
    """Every patient needs a baseline row in visits.csv; the month-12 row may be absent (a drop-out)."""
    patients, visits = raws.get(PATIENTS_TABLE.name), raws.get(VISITS_TABLE.name)
    if patients is None or visits is None:
        return
    visit_rows, patient_rows = _key_rows(visits, ("patient_id", "visit")), _key_rows(patients, ("patient_id",))
    if {(patient, REQUIRED_VISIT) for _, (patient,) in patient_rows} <= {key for _, key in visit_rows}:
        return
    seen: dict[str, dict[str, int]] = {}
    for line, (patient, visit) in visit_rows:
        seen.setdefault(patient, {}).setdefault(visit, line)
    for line, (patient,) in patient_rows:
        lines = seen.get(patient, {})
        if not lines:
            text = f"patient {show_code(patient)} has no rows in {visits.source} (needs a {REQUIRED_VISIT} row)"
            yield patients.problem(text, line, "patient_id")
        elif REQUIRED_VISIT not in lines:
            text = f"patient {show_code(patient)} has no {REQUIRED_VISIT} row (only the month_12 row may be missing)"
            yield visits.problem(text, min(lines.values()), "visit")


def _limit_cells(raws: dict[str, RawTable], molecule: str) -> Iterator[tuple[RawTable, int, float, bool]]:
    """(table, row, number, is a limit) of every readable cell of a molecule in visits and controls."""
    for name in (VISITS_TABLE.name, CONTROLS_TABLE.name):
        raw = raws.get(name)
        if raw is None or raw.position(molecule) is None:
            continue
        lines, cells = raw.well_formed()
        for line, cell in zip(lines, cells[molecule]):
            limit = censored_limit(cell)
            if limit is not None:
                yield raw, line, limit, True
            elif not is_missing(cell):
                try:
                    yield raw, line, float(cell), False
                except ValueError:
                    continue  # refused by the cell rules already


def _may_hold_limits(raws: dict[str, RawTable], molecule: str) -> bool:
    """False when no cell of the molecule in visits or controls holds ``<`` (so none is ``<X``): one
    search of the joined column instead of reading each cell."""
    tables = [raws.get(name) for name in (VISITS_TABLE.name, CONTROLS_TABLE.name)]
    return any(
        CENSORED_PREFIX in "".join(raw.well_formed()[1][molecule])
        for raw in tables
        if raw is not None and raw.position(molecule) is not None
    )


def censored_counts(raws: dict[str, RawTable]) -> dict[str, int]:
    """How many ``<X`` cells each molecule has across visits and controls (molecules without one left out)."""
    counts = {}
    for molecule in MOLECULES:
        if _may_hold_limits(raws, molecule):
            count = sum(is_limit for _, _, _, is_limit in _limit_cells(raws, molecule))
            if count:
                counts[molecule] = count
    return counts


def detection_limits(raws: dict[str, RawTable]) -> dict[str, float]:
    """Each molecule's detection limit X, from its first ``<X`` cell (molecules without one left out)."""
    found = {}
    for molecule in MOLECULES:
        if not _may_hold_limits(raws, molecule):
            continue
        for _, _, value, is_limit in _limit_cells(raws, molecule):
            if is_limit:
                found[molecule] = value
                break
    return found


def _check_detection_limits(raws: dict[str, RawTable]) -> Iterator[Problem]:
    """One detection limit per molecule, and no measured value below it (else ranks would be wrong)."""
    limits = detection_limits(raws)
    for molecule, limit in limits.items():
        first = next((raw, line) for raw, line, _, is_limit in _limit_cells(raws, molecule) if is_limit)
        where = f"{first[0].source}, {first[0].row_word} {first[1]}"
        for raw, line, value, is_limit in _limit_cells(raws, molecule):
            if is_limit and value != limit:
                text = (
                    f"detection limit <{bound_text(value)} differs from <{bound_text(limit)} ({where}); "
                    f"use one limit per molecule"
                )
                yield raw.problem(text, line, molecule)
            elif not is_limit and value < limit:
                text = (
                    f"{bound_text(value)} is below the detection limit <{bound_text(limit)} ({where}); "
                    f"write <{bound_text(limit)}, or one lower limit in every <X cell of {molecule}"
                )
                yield raw.problem(text, line, molecule)


@dataclass
class Inspection:
    """Everything `inspect` found: the readable tables, the data package, problems, warnings, notes."""

    raws: dict[str, RawTable]
    provenance: dict[str, Any] | None
    problems: list[Problem]
    warnings: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    verified: bool = False  # datapackage.json records a matching hash of every data file
    workbook: Path | None = None


def _checked(raw: RawTable) -> list[Problem]:
    return [*_check_header(raw), *_check_cells(raw), *_check_primary_key(raw)]


@contextmanager
def no_garbage_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector: reading 100,000 rows creates millions of containers
    (none cyclic), and its repeated full scans would make reading time grow with their square.
    Callers let the rows go before the block ends, so that no full scan follows it either."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def inspect(directory: Path) -> Inspection:
    """Read and check everything; return the readable tables and all findings, in file order."""
    if directory.is_file() and directory.suffix.lower() in LEGACY_SPREADSHEETS:
        return Inspection({}, None, [legacy_problem(directory)])
    if not directory.exists() or not (directory.is_dir() or workbook_path(directory)):
        what = "directory is missing" if not directory.exists() else "is not a directory or an .xlsx workbook"
        return Inspection({}, None, [Problem(str(directory), what)])
    contents = folder_contents(directory)
    if unreadable := source_problems(directory, contents):
        return Inspection({}, None, unreadable)
    book = workbook_path(directory)
    raws: dict[str, RawTable] = {}
    if book is not None:
        raws, ordered = read_workbook(book)
        for raw in raws.values():
            ordered += _checked(raw)
    else:
        ordered = []
        for name, table in TABLES.items():
            read, file_problems = read_csv_table(directory, table)
            ordered += file_problems
            if read is not None:
                raws[name] = read
                ordered += _checked(read)
    for raw in raws.values():
        ordered += _check_foreign_keys(raw, raws)
    ordered += _check_visit_pairs(raws)
    ordered += _check_detection_limits(raws)
    others, other_warnings, other_notes = account_for_others(contents, raws, book)
    package = read_package(directory if book is None else book.parent, raws, book is None)
    inspection = Inspection(raws, package.provenance, ordered + others + package.problems)
    inspection.warnings = other_warnings + package.warnings
    inspection.notes = [note for raw in raws.values() for note in raw.notes] + other_notes
    inspection.verified, inspection.workbook = package.verified, book
    return inspection
