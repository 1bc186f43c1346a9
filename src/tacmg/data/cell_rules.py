"""What a dataset's header names and cells must look like: one rule per check, each returning the
problem as a sentence (or None), never raising. `tacmg.data.loader` applies them cell by cell and
adds the file, line and column. Written by hand because the messages must say what a clinician
should change ("12.5 is outside the QMG range 0-39 points"), which schema validators do not.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from tacmg.data.contract import ID_PATTERN, Column

# Longest cell value quoted back in a message.
MAX_SHOWN_CHARS = 40


def show_value(value: str) -> str:
    """A cell value quoted for a message: one line, bounded length, bad bytes as U+FFFD.

    Parameters
    ----------
    value : str
        The cell's text, as read with the ``surrogateescape`` error handler.

    Returns
    -------
    str
        JSON string literal (double quotes, control characters escaped) of at most
        `MAX_SHOWN_CHARS` characters, followed by ``...`` when cut.

    Examples
    --------
    >>> print(show_value("AChR"))
    "AChR"
    >>> print(show_value("x" * 50))
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."
    """
    text = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if len(text) > MAX_SHOWN_CHARS:
        text = text[:MAX_SHOWN_CHARS] + "..."
    return json.dumps(text, ensure_ascii=False)


def column_ref(name: str, position: int) -> str:
    """How a column is named in messages: its name, or ``#<position>`` if it has none.

    Parameters
    ----------
    name : str
        The header cell.
    position : int
        The column's 1-based position in the header.

    Returns
    -------
    str
        The name as is when printable and without surrounding spaces, quoted by `show_value`
        otherwise, ``#<position>`` when blank.

    Examples
    --------
    >>> column_ref("qmg", 3), column_ref("  ", 3), column_ref(" qmg", 3)
    ('qmg', '#3', '" qmg"')
    """
    if not name.strip():
        return f"#{position}"
    if name.isprintable() and name == name.strip():
        return name
    return show_value(name)


def bound_text(value: float) -> str:
    """A bound as text, without a trailing ``.0`` for whole numbers.

    Parameters
    ----------
    value : float
        The bound.

    Returns
    -------
    str
        E.g. ``'39'`` or ``'0.5'``.

    Examples
    --------
    >>> bound_text(39.0), bound_text(0.5)
    ('39', '0.5')
    """
    return str(int(value)) if float(value).is_integer() else str(value)


def letters_only(name: str) -> str:
    """The lower-case letters of a name, without digits, spaces or punctuation (for fuzzy matching).

    Parameters
    ----------
    name : str
        A column name.

    Returns
    -------
    str
        Only the ASCII letters a-z of the lower-cased name.

    Examples
    --------
    >>> letters_only("MG-ADL 2")
    'mgadl'
    """
    return re.sub("[^a-z]", "", name.lower())


_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


_BOOLEANS = {"true": True, "false": False}


_BAD_BYTES = re.compile("[\udc80-\udcff]")


# Per contract type: (does the text have this type?, convert text to value, what is wrong).
_TYPES: dict[str, tuple[Callable[[str], bool], Callable[[str], Any], str]] = {
    "integer": (lambda text: bool(_INTEGER.fullmatch(text)), int, "is not a whole number"),
    "number": (
        lambda text: bool(_NUMBER.fullmatch(text)) and math.isfinite(float(text)),
        float,
        "is not a (finite) number",
    ),
    "boolean": (lambda text: text in _BOOLEANS, _BOOLEANS.__getitem__, "is not true or false (lower case)"),
    "string": (lambda text: True, str, ""),
}


def has_bad_bytes(text: str) -> bool:
    """Whether text read with ``surrogateescape`` holds bytes that were not valid UTF-8.

    Parameters
    ----------
    text : str
        Text decoded with ``errors="surrogateescape"``.

    Returns
    -------
    bool
        True if any byte could not be decoded.

    Examples
    --------
    >>> latin_1 = "café".encode("latin-1")
    >>> has_bad_bytes("café"), has_bad_bytes(latin_1.decode("utf-8", "surrogateescape"))
    (False, True)
    """
    return bool(_BAD_BYTES.search(text))


_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+", re.ASCII)


def _type_problem(column: Column, text: str) -> str | None:
    has_type, _, wrong = _TYPES[column.type]
    if has_type(text):
        return None
    hint = "; use a decimal point" if column.type == "number" and _DECIMAL_COMMA.fullmatch(text) else ""
    return f"{show_value(text)} {wrong}{hint}"


def _range_problem(column: Column, text: str) -> str | None:
    if column.minimum is None and column.maximum is None and column.exclusive_minimum is None:
        return None
    value = _TYPES[column.type][1](text)
    unit = f" {column.unit}" if column.unit else ""
    if column.exclusive_minimum is not None and not value > column.exclusive_minimum:
        bound = bound_text(column.exclusive_minimum)
        return f"{text} is not a valid {column.label}: it must be greater than {bound}{unit}"
    low = column.minimum if column.minimum is not None else float("-inf")
    high = column.maximum if column.maximum is not None else float("inf")
    if not low <= value <= high:
        return f"{text} is outside the {column.label} range {bound_text(low)}-{bound_text(high)}{unit}"
    return None


def _enum_problem(column: Column, text: str) -> str | None:
    if not column.enum or text in column.enum:
        return None
    return f"unknown {column.label} {show_value(text)}; allowed: {', '.join(column.enum)}"


def _pattern_problem(column: Column, text: str) -> str | None:
    if not column.pattern or re.fullmatch(column.pattern, text):
        return None
    return f"{show_value(text)} is not a valid {column.label}: use letters, digits, _ and - only"


# Applied in order; the first rule a cell breaks is its one reported problem.
_CELL_RULES: tuple[Callable[[Column, str], str | None], ...] = (
    _type_problem,
    _range_problem,
    _enum_problem,
    _pattern_problem,
)


def cell_problem(column: Column | None, text: str) -> str | None:
    """What is wrong with one cell, as a sentence, or None if nothing.

    The checks run in order (UTF-8, blank, type, range, allowed codes, pattern); the first one
    the cell fails is reported.

    Parameters
    ----------
    column : Column or None
        The contract's column, or None for a column the contract does not know (an extra
        column, which may be blank).
    text : str
        The cell's text, as read with the ``surrogateescape`` error handler.

    Returns
    -------
    str or None
        The problem, without file, line or column (the loader adds them).

    Examples
    --------
    >>> from tacmg.data.contract import VISITS_TABLE
    >>> qmg = VISITS_TABLE.columns[2]
    >>> cell_problem(qmg, "45"), cell_problem(qmg, "12")
    ('45 is outside the QMG range 0-39', None)
    >>> cell_problem(qmg, "12.5")
    '"12.5" is not a whole number'
    """
    if has_bad_bytes(text):
        return "cell is not valid UTF-8; save the file as UTF-8"
    if column is None:
        return None
    if not text.strip():
        return f"cell is blank; every {column.name} value is required"
    for rule in _CELL_RULES:
        if problem := rule(column, text):
            return problem
    return None


def cell_value(column: Column, text: str) -> Any:
    """The Python value of a cell that passed `cell_problem`.

    Parameters
    ----------
    column : Column
        The contract's column.
    text : str
        The cell's text.

    Returns
    -------
    int, float, bool or str
        By the column's type: integer, number, boolean (``true``/``false``) or string.

    Examples
    --------
    >>> from tacmg.data.contract import PATIENTS_TABLE, VISITS_TABLE
    >>> cell_value(VISITS_TABLE.columns[2], "12"), cell_value(PATIENTS_TABLE.columns[6], "true")
    (12, True)
    """
    return _TYPES[column.type][1](text)


# The characters a cell of each type may hold: with them, `float` / `int` accept exactly the cells
# that the type's regular expression accepts, so a column can be checked at C speed.
_CHARACTERS = {
    "integer": frozenset("0123456789+-"),
    "number": frozenset("0123456789.eE+-"),
    "id": frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"),
}


def _fast_mask(column: Column, cells: tuple[str, ...] | list[str]) -> np.ndarray | None:
    """(n,) True where a cell is certainly valid, or None if the column needs the cell-by-cell path.

    The column's characters are checked as one set and its numbers converted by `float` in one
    pass, the range by numpy: about 20 times faster than `cell_problem` on every cell, for the
    same verdicts (any doubt sends the column to `cell_problem`).
    """
    if not all(cells):
        return None  # a blank cell
    if column.enum:
        return np.ones(len(cells), bool) if set(cells) <= set(column.enum) else None
    if column.type == "boolean":
        return np.ones(len(cells), bool) if set(cells) <= set(_BOOLEANS) else None
    kind = "id" if column.pattern == ID_PATTERN else column.type
    if kind not in _CHARACTERS or not set("".join(cells)) <= _CHARACTERS[kind]:
        return None
    if kind == "id":
        return np.ones(len(cells), bool)
    try:
        values = np.fromiter(map(float, cells), float, len(cells))
    except ValueError:
        return None
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(values)
        if column.exclusive_minimum is not None:
            ok &= values > column.exclusive_minimum
        if column.minimum is not None:
            ok &= values >= column.minimum
        if column.maximum is not None:
            ok &= values <= column.maximum
    return ok


def column_problems(column: Column | None, cells: tuple[str, ...] | list[str]) -> list[tuple[int, str]]:
    """(index, problem) of every cell of one column that `cell_problem` refuses, in order.

    Parameters
    ----------
    column : Column or None
        The contract's column, or None for an extra column.
    cells : sequence of str
        The column's cells, top to bottom.

    Returns
    -------
    list of tuple
        Pairs of the 0-based index of each refused cell (int) and its problem (str), as `cell_problem`
        words it.

    Examples
    --------
    >>> from tacmg.data.contract import VISITS_TABLE
    >>> column_problems(VISITS_TABLE.columns[2], ["12", "45", "3"])
    [(1, '45 is outside the QMG range 0-39')]
    """
    if column is None:
        joined = "\n".join(cells)
        if not _BAD_BYTES.search(joined):
            return []
        mask = None
    else:
        mask = _fast_mask(column, cells)
    suspects = range(len(cells)) if mask is None else np.flatnonzero(~mask).tolist()
    found = ((index, cell_problem(column, cells[index])) for index in suspects)
    return [(index, problem) for index, problem in found if problem]


def column_values(column: Column, cells: tuple[str, ...] | list[str]) -> np.ndarray:
    """The values of a column whose every cell passed `cell_problem`, as a numpy array.

    Examples
    --------
    >>> from tacmg.data.contract import PATIENTS_TABLE
    >>> column_values(PATIENTS_TABLE.columns[6], ["true", "false"]).tolist()
    [True, False]
    """
    if column.type == "integer":
        return np.fromiter(map(int, cells), np.int64, len(cells))
    if column.type == "number":
        return np.fromiter(map(float, cells), float, len(cells))
    if column.type == "boolean":
        return np.fromiter((cell == "true" for cell in cells), bool, len(cells))
    return np.array(cells, dtype=object)
