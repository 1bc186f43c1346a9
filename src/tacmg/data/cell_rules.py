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

from tacmg.data.contract import CENSORED_PREFIX, MISSING_VALUES
from tacmg.data.table_spec import Column

# Longest cell value quoted back in a message.
MAX_SHOWN_CHARS = 40
# A value below the detection limit X stands in the data as this fraction of X (`censored_value`).
CENSORED_FRACTION = 0.5


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
        otherwise, ``#<position>`` when blank or not valid UTF-8 (its bytes would print as noise).

    Examples
    --------
    >>> column_ref("qmg", 3), column_ref("  ", 3), column_ref(" qmg", 3)
    ('qmg', '#3', '" qmg"')
    """
    if not name.strip() or has_bad_bytes(name):
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


BOOLEANS = {"true": True, "false": False}


BAD_BYTES = re.compile("[\udc80-\udcff]")


# Per contract type: (does the text have this type?, convert text to value, what is wrong).
_TYPES: dict[str, tuple[Callable[[str], bool], Callable[[str], Any], str]] = {
    "integer": (lambda text: bool(_INTEGER.fullmatch(text)), int, "is not a whole number"),
    "number": (
        lambda text: bool(_NUMBER.fullmatch(text)) and math.isfinite(float(text)),
        float,
        "is not a (finite) number",
    ),
    "boolean": (lambda text: text in BOOLEANS, BOOLEANS.__getitem__, "is not true or false (lower case)"),
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
    return bool(BAD_BYTES.search(text))


_DECIMAL_COMMA = re.compile(r"(<\s*)?[+-]?\d+,\d+", re.ASCII)  # also "<15,6"


def _type_problem(column: Column, text: str) -> str | None:
    has_type, _, wrong = _TYPES[column.type]
    if has_type(text):
        return None
    hint = "; use a decimal point" if column.type == "number" and _DECIMAL_COMMA.fullmatch(text) else ""
    if not hint and not column.required and column.type != "string" and not any(c.isdigit() for c in text):
        hint = f"; missing values: {', '.join(spelling or 'empty' for spelling in MISSING_VALUES)}"
        if column.censorable:
            hint += f"; below a detection limit X: {CENSORED_PREFIX}X"
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


def is_missing(text: str) -> bool:
    """Whether a cell's text is one of the spellings of a missing value.

    Parameters
    ----------
    text : str
        The cell's text; surrounding spaces are ignored.

    Returns
    -------
    bool
        True for the spellings of `tacmg.data.contract.MISSING_VALUES` (a cell of spaces is empty).

    Examples
    --------
    >>> [is_missing(text) for text in ("", " ", "NA", "N/A", ".", "0", "none")]
    [True, True, True, True, True, False, False]
    """
    return text.strip() in MISSING_VALUES


def censored_limit(text: str) -> float | None:
    """The detection limit X of a cell written ``<X``, or None if the cell is not so written.

    Parameters
    ----------
    text : str
        The cell's text, e.g. ``"<15.6"`` (spaces after ``<`` allowed).

    Returns
    -------
    float or None
        X, in the column's unit; None if the text is not ``<`` followed by a finite number.

    Examples
    --------
    >>> censored_limit("<15.6"), censored_limit("< 2"), censored_limit("15.6"), censored_limit("<x")
    (15.6, 2.0, None, None)
    """
    if not text.startswith(CENSORED_PREFIX):
        return None
    number = text[len(CENSORED_PREFIX) :].strip()
    if not _NUMBER.fullmatch(number) or not math.isfinite(float(number)):
        return None
    return float(number)


def censored_value(limit: float) -> float:
    """The number that stands for a value below the detection limit `limit`: half the limit.

    Every measured value of a molecule is at or above its limit (`tacmg.data.loader` refuses
    one below it) and the dataset has one limit per molecule, so half the limit ranks every
    censored value of a molecule tied, below every measured one; the analyses name a median or
    estimate that falls on it as ``< X`` rather than quote the half.

    Examples
    --------
    >>> censored_value(15.6)
    7.8
    """
    return limit * CENSORED_FRACTION


def _censored_problem(column: Column, text: str) -> str | None:
    limit = censored_limit(text)
    unit = f" {column.unit}" if column.unit else ""
    floor = column.exclusive_minimum if column.exclusive_minimum is not None else column.minimum
    if limit is None or (floor is not None and not limit > floor):
        bound = f" greater than {bound_text(floor)}{unit}" if floor is not None else ""
        hint = "; use a decimal point" if _DECIMAL_COMMA.fullmatch(text) else ""  # '<15,6' in a comma file
        return f"{show_value(text)} is not a valid detection limit: it must be a number{bound}{hint}"
    if column.maximum is not None and limit > column.maximum:
        low, high = bound_text(column.minimum or 0), bound_text(column.maximum)
        return f"{text} is outside the {column.label} range {low}-{high}{unit}"
    return None


# Applied in order; the first rule a cell breaks is its one reported problem.
_CELL_RULES: tuple[Callable[[Column, str], str | None], ...] = (
    _type_problem,
    _range_problem,
    _enum_problem,
    _pattern_problem,
)


def cell_problem(column: Column | None, text: str) -> str | None:
    """What is wrong with one cell, as a sentence, or None if nothing.

    The checks run in order (UTF-8, missing, type, range, allowed codes, pattern); the first one
    the cell fails is reported. A missing value (`tacmg.data.contract.MISSING_VALUES`) is allowed
    where the column is not required; ``<X`` (below the detection limit X) where it is censorable.

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
    >>> cell_problem(qmg, "12.5"), cell_problem(qmg, "NA")
    ('"12.5" is not a whole number', None)
    >>> cell_problem(VISITS_TABLE.columns[0], "")
    'cell is blank; every patient_id value is required'
    >>> cell_problem(VISITS_TABLE.columns[-1], "<0.5"), cell_problem(VISITS_TABLE.columns[-1], "<0")
    (None, '"<0" is not a valid detection limit: it must be a number greater than 0 pg/mL')
    """
    if has_bad_bytes(text):
        return "cell is not valid UTF-8; save the file as UTF-8"
    if column is None:
        return None
    if not column.required and is_missing(text):
        return None
    if not text.strip():
        return f"cell is blank; every {column.name} value is required"
    if column.censorable and text.startswith(CENSORED_PREFIX):
        return _censored_problem(column, text)
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
    int, float, bool, str or None
        By the column's type: integer, number, boolean (``true``/``false``) or string. A missing
        value is NaN (None in a text column); ``<X`` is `censored_value` of X.

    Examples
    --------
    >>> from tacmg.data.contract import PATIENTS_TABLE, VISITS_TABLE
    >>> cell_value(VISITS_TABLE.columns[2], "12"), cell_value(PATIENTS_TABLE.columns[6], "true")
    (12, True)
    >>> cell_value(VISITS_TABLE.columns[2], "NA"), cell_value(VISITS_TABLE.columns[-1], "<10")
    (nan, 5.0)
    """
    if not column.required and is_missing(text):
        return None if column.type == "string" else float("nan")
    if column.censorable and (limit := censored_limit(text)) is not None:
        return censored_value(limit)
    return _TYPES[column.type][1](text)
