"""Read a dataset's three tables as text: from CSV files or from the sheets of one .xlsx workbook.

Private to the data layer (`tacmg.data.loader` is the way in). Each table becomes a `RawTable`:
its header and the cells of each row, all as text, with the row's position (the physical line of a
CSV file, the row number of a sheet), so that every later check can say where a problem is.

CSV files are decoded as UTF-8 (bad bytes kept as lone surrogates, reported cell by cell). The
separator is read from the header line, as spreadsheets save "CSV" with the separator of their
locale: comma; semicolon (then decimal commas in number columns, detection limits ``<X`` included,
are read as decimal points, and a note says so); or tab. A header line with none of these but
another separator is refused with a message naming it, never with "required column is missing".
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tacmg.data.contract import TABLES, Table

# Separators a header line is read with, by name; the first is the contract's.
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
# Other characters a header line may be separated by; named in the refusal.
OTHER_SEPARATORS = {"|": "vertical bar", ":": "colon", " ": "space"}
# A number with a decimal comma, also as a detection limit ("<15,6", "< 15,6"): read like "15,6".
_DECIMAL_COMMA = re.compile(r"(<\s*)?[+-]?\d+,\d+", re.ASCII)
WORKBOOK_SUFFIX = ".xlsx"


@dataclass(frozen=True)
class Problem:
    """One finding: where (source, row or line, column) and what.

    Examples
    --------
    >>> str(Problem("visits.csv", "45 is outside the QMG range 0-39", 3, "qmg"))
    'visits.csv, line 3, column qmg: 45 is outside the QMG range 0-39'
    """

    file: str
    text: str
    line: int | None = None
    column: str | None = None
    row_word: str = "line"

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"{self.row_word} {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.text}"


@dataclass
class RawTable:
    """A table read as text: header cells and (row position, cells) of each data row.

    `source` names it in messages (``visits.csv`` or ``cohort.xlsx, sheet visits``) and
    `row_word` says what the positions are (``line`` of a file, ``row`` of a sheet).
    """

    table: Table
    data: bytes
    header: list[str]
    rows: list[tuple[int, list[str]]]
    source: str = ""
    row_word: str = "line"
    notes: list[Problem] = field(default_factory=list)
    # Column values converted while checking (`tacmg.data.column_rules.checked_column`), for `load`.
    converted: dict[str, Any] = field(default_factory=dict, repr=False)
    _columns: tuple[list[int], dict[str, tuple[str, ...]]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.source = self.source or self.table.file

    def problem(self, text: str, line: int | None = None, column: str | None = None) -> Problem:
        """A problem located in this table."""
        return Problem(self.source, text, line, column, self.row_word)

    def position(self, column: str) -> int | None:
        """Return the index of `column` in the header, or None if absent."""
        return self.header.index(column) if column in self.header else None

    def well_formed(self) -> tuple[list[int], dict[str, tuple[str, ...]]]:
        """(positions, {column: cells}) of the rows with as many cells as the header.

        A duplicated column name keeps its first column. Computed once (the rows must not change after).
        """
        if self._columns is None:
            self._columns = self._transpose()
        return self._columns

    def _transpose(self) -> tuple[list[int], dict[str, tuple[str, ...]]]:
        width = len(self.header)
        good = [(line, cells) for line, cells in self.rows if len(cells) == width]
        lines = [line for line, _ in good]
        columns = list(zip(*(cells for _, cells in good))) if good else [() for _ in self.header]
        by_name: dict[str, tuple[str, ...]] = {}
        for name, cells in zip(self.header, columns):
            by_name.setdefault(name, tuple(cells))
        return lines, by_name


def read_bytes(path: Path, file: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a file, or None and the problem."""
    if not path.is_file():
        what = "is not a file" if path.exists() else "file is missing"
        return None, [Problem(file, what)]
    try:
        return path.read_bytes(), []
    except OSError as error:
        return None, [Problem(file, f"cannot be read ({error.strerror or error})")]


def _parse_csv(text: str, file: str, delimiter: str) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """Return (start line, cells) of every record; blank lines become records with no cells."""
    if '"' not in text and "\r" not in text.replace("\r\n", "\n"):
        # Without quotes, a record is a physical line: read them all at once.
        try:
            reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter)
            return list(enumerate(reader, start=1)), []
        except csv.Error:
            pass  # read again record by record, to say where
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return records, []
        except csv.Error as error:
            return records, [Problem(file, f"not valid CSV ({error})", line=start)]
        records.append((start, cells))


def detect_separator(header_line: str) -> str:
    """The separator of a CSV header line: the most frequent of comma, semicolon and tab.

    Parameters
    ----------
    header_line : str
        The first line of the file.

    Returns
    -------
    str
        ``","``, ``";"`` or ``"\\t"``; a comma when the line has none of them.

    Examples
    --------
    >>> detect_separator("patient_id;sex;age"), detect_separator("patient_id,sex"), detect_separator("x")
    (';', ',', ',')
    """
    counts = {separator: header_line.count(separator) for separator in SEPARATORS}
    best = max(counts, key=lambda separator: counts[separator])
    return best if counts[best] > counts[","] else ","


def _foreign_separator(header_line: str) -> str | None:
    """Return the name of another separator the header line seems to use, or None."""
    for separator, name in OTHER_SEPARATORS.items():
        if header_line.count(separator) >= 2:
            return name
    return None


def _decimal_commas(raw: RawTable) -> int:
    """Read decimal commas of number columns as points, in place; return how many."""
    numeric = {raw.header.index(c.name) for c in raw.table.columns if c.type == "number" and c.name in raw.header}
    converted = 0
    for _, cells in raw.rows:
        for index in numeric:
            if index < len(cells) and _DECIMAL_COMMA.fullmatch(cells[index]):
                cells[index] = cells[index].replace(",", ".")
                converted += 1
    return converted


def _is_utf16(data: bytes) -> bool:
    """Whether a file is UTF-16: its byte-order mark, or a NUL byte beside every character of its
    first line (UTF-16 without a mark); never decoded, since its header would read as binary noise.

    Examples
    --------
    >>> _is_utf16("patient_id,sex".encode("utf-16")), _is_utf16("patient_id,sex".encode("utf-16-le"))
    (True, True)
    >>> _is_utf16(b"patient_id,sex"), _is_utf16(b"patient_id," + bytes(1) + b"sex")
    (False, False)
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    head = data[:64]
    return len(head) >= 4 and (head[0::2].count(0) == len(head[0::2]) or head[1::2].count(0) == len(head[1::2]))


def read_csv_table(directory: Path, table: Table) -> tuple[RawTable | None, list[Problem]]:
    """Return the CSV file of `table` as a RawTable (None if unusable) and the file-level problems."""
    data, problems = read_bytes(directory / table.file, table.file)
    if data is None:
        return None, problems
    if not data:
        return None, [Problem(table.file, "file is empty (0 bytes); a header line and data rows are needed")]
    if _is_utf16(data):
        text = 'file is UTF-16 text (as Excel saves "Unicode Text"); save it as "CSV UTF-8 (comma delimited)"'
        return None, [Problem(table.file, text)]
    # A byte-order mark (as Excel writes) is allowed.
    text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8", "surrogateescape")
    header_line = text.split("\n", 1)[0].rstrip("\r")
    delimiter = detect_separator(header_line)
    if delimiter == "," and "," not in header_line and (foreign := _foreign_separator(header_line)):
        text = f"the header line is separated by {foreign}s; save the file comma-separated (CSV)"
        return None, [Problem(table.file, text, line=1)]
    records, problems = _parse_csv(text, table.file, delimiter)
    if not records or not records[0][1]:
        return None, [*problems, Problem(table.file, "the header line is blank", line=1)]
    raw = RawTable(table, data, records[0][1], records[1:])
    if delimiter != ",":
        note = f"read as {SEPARATORS[delimiter]}-separated"
        if converted := _decimal_commas(raw):
            note += f"; {converted} decimal commas read as decimal points"
        raw.notes.append(Problem(table.file, note))
    if not raw.rows and not problems:
        problems.append(raw.problem("file has a header but no data rows", line=1))
    return raw, problems


def _cell_text(value: object) -> str:
    """A workbook cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _sheet_rows(sheet) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells as text) of a sheet, without trailing empty cells or rows."""
    pending: list[tuple[int, list[str]]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell_text(value) for value in values]
        while cells and cells[-1] == "":
            cells.pop()
        pending.append((number, cells))
        if cells:
            yield from pending
            pending = []


def read_workbook(path: Path, compare_only: bool = False) -> tuple[dict[str, RawTable], list[Problem]]:
    """Read the sheets patients, visits and controls of an .xlsx workbook (names case-insensitive).

    With `compare_only` (a workbook beside the CSV files, read to compare), the sheets it has are
    returned and only an unreadable workbook is a problem. Otherwise a note on the first table read
    names the sheets that are not read.
    """
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # imported here: only for workbooks

    data, problems = read_bytes(path, path.name)
    if data is None:
        return {}, problems
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        return {}, [Problem(path.name, f"cannot be read as an .xlsx workbook ({type(error).__name__})")]
    sheets = {name.strip().lower(): name for name in book.sheetnames}
    raws: dict[str, RawTable] = {}
    for name, table in TABLES.items():
        source = f"{path.name}, sheet {name}"
        if name not in sheets:
            if not compare_only:
                found = ", ".join(book.sheetnames)
                problems.append(Problem(path.name, f"sheet {name} is missing (sheets found: {found})"))
            continue
        records = list(_sheet_rows(book[sheets[name]]))
        if not records or not records[0][1]:
            if not compare_only:
                problems.append(Problem(source, "the header row is blank", 1, row_word="row"))
            continue
        # A sheet has no row length: empty cells at the end of a row are missing values, not absent.
        width = len(records[0][1])
        rows = [(number, cells + [""] * (width - len(cells))) for number, cells in records[1:]]
        raw = RawTable(table, data, records[0][1], rows, source=source, row_word="row")
        if not raw.rows and not compare_only:
            problems.append(raw.problem("sheet has a header but no data rows", line=records[0][0]))
        raws[name] = raw
    book.close()
    extra = [name for name in book.sheetnames if name.strip().lower() not in TABLES]
    if extra and raws and not compare_only:
        shown = ", ".join(extra)
        text = f"sheets {', '.join(raws)} are read; not read: {shown}"
        next(iter(raws.values())).notes.append(Problem(path.name, text))
    return raws, problems
