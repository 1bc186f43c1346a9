"""What the validator refuses so that a dataset cannot identify anyone: the one table of rules.

Four kinds of rule, all listed in data here (and the name table) and nowhere else:

- `IDENTIFIER_NAMES` (the table of `tacmg.data.identifier_names`): column names that announce a
  direct identifier, in eleven languages.
- `CELL_DETECTORS`: what an identifier looks like inside a cell (e-mail address, phone number, full
  date, national ID numbers with their check digits where the format has one). They scan every cell
  of the extra (non-contract) columns, and the patient and control codes.
- Free text (`free_text_rows`) in a column the contract does not list is refused as a whole column.
  The alternative, scanning free text for personal names and titles (Dr, Mr, Mrs, 先生, г-н ...),
  was rejected: a name has no pattern ("Zhang Wei" carries no title), so a scan that passes would
  give a clinic false assurance, while the analyses never read an extra column, so deleting one
  costs the clinic nothing. One-word labels (a site, a grade) stay allowed.
- `code_identifier`: a patient or control code must be pseudonymous; one that holds a long run of
  digits (national ID or record numbers have nine or more) or an eight-digit date (a date of birth
  folded into a code) is refused, as well as any `CELL_DETECTORS` finding.

A refusal names the file, row and column and the kind of identifier, never the cell's text.
Written by hand rather than with a PII library: the offline ones need language models (presidio)
or validate one number at a time without saying where to look (python-stdnum); the few formats
here, with their check digits, fit in a tested table.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tacmg.data.cell_rules import show_value
from tacmg.data.identifier_names import IDENTIFIER_NAMES as IDENTIFIER_NAMES
from tacmg.data.identifier_names import identifier_name as identifier_name
from tacmg.data.identifier_names import normalize_name as normalize_name

# ---- What an identifier looks like in a cell.


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text, flags=re.ASCII)


def china_resident_id_valid(text: str) -> bool:
    """Whether 18 characters are a Chinese resident ID: ISO 7064 MOD 11-2 check character.

    Examples
    --------
    >>> china_resident_id_valid("11010519491231002X"), china_resident_id_valid("110105194912310021")
    (True, False)
    """
    if not re.fullmatch(r"\d{17}[\dXx]", text):
        return False
    total = sum(int(digit) * (2 ** (17 - i) % 11) for i, digit in enumerate(text[:17]))
    return "10X98765432"[total % 11] == text[17].upper()


def nhs_number_valid(text: str) -> bool:
    """Whether 10 digits (spaces or hyphens allowed) are an NHS number: modulus 11 check digit.

    Examples
    --------
    >>> nhs_number_valid("943 476 5919"), nhs_number_valid("943 476 5918")
    (True, False)
    """
    digits = _digits(text)
    if len(digits) != 10:
        return False
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9])) % 11
    check = 11 - remainder
    return check != 10 and (0 if check == 11 else check) == int(digits[9])


def spanish_dni_valid(text: str) -> bool:
    """Whether text is a Spanish DNI or NIE: 8 digits (NIE: X, Y or Z and 7) and the mod-23 letter.

    Examples
    --------
    >>> spanish_dni_valid("12345678Z"), spanish_dni_valid("X1234567L"), spanish_dni_valid("12345678A")
    (True, True, False)
    """
    text = text.upper().replace("-", "")
    if not re.fullmatch(r"[XYZ\d]\d{7}[A-Z]", text):
        return False
    number = int(str("XYZ".index(text[0])) + text[1:8] if text[0] in "XYZ" else text[:8])
    return "TRWAGMYFPDXBNJZSQVHLCKE"[number % 23] == text[8]


def french_nir_valid(text: str) -> bool:
    """Whether 15 digits (spaces allowed) are a French social security number: key 97 - (n mod 97).

    Examples
    --------
    >>> french_nir_valid("1 84 12 76 451 089 46"), french_nir_valid("1 84 12 76 451 089 47")
    (True, False)
    """
    digits = _digits(text)
    if len(digits) != 15 or digits[0] not in "12378":
        return False
    return 97 - int(digits[:13]) % 97 == int(digits[13:])


@dataclass(frozen=True)
class CellDetector:
    """One kind of identifier a cell may hold.

    Parameters
    ----------
    what : str
        The identifier's kind, as messages name it ("an e-mail address").
    pattern : re.Pattern
        Where in a cell to look: each match is a candidate.
    confirm : callable or None
        A check a candidate must also pass (check digits); None: any match counts.
    """

    what: str
    pattern: re.Pattern[str]
    confirm: Callable[[str], bool] | None = None

    def found_in(self, text: str) -> bool:
        """Whether the cell holds such an identifier."""
        return any(self.confirm is None or self.confirm(m.group(0)) for m in self.pattern.finditer(text))


_EDGE = r"(?<![\w.,]){}(?![\w]|[.,]\d)"
PHONE = "a phone number"
# fmt: off
CELL_DETECTORS: tuple[CellDetector, ...] = (
    CellDetector("an e-mail address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    CellDetector("a Chinese resident ID number", re.compile(_EDGE.format(r"\d{17}[\dXx]"), re.ASCII),
                 china_resident_id_valid),
    CellDetector("an NHS number", re.compile(_EDGE.format(r"\d{3}[ -]?\d{3}[ -]?\d{4}"), re.ASCII), nhs_number_valid),
    CellDetector("a Spanish DNI or NIE", re.compile(_EDGE.format(r"[XYZxyz]?\d{7,8}-?[A-Za-z]"), re.ASCII),
                 spanish_dni_valid),
    CellDetector("a French social security number",
                 re.compile(_EDGE.format(r"[12378] ?\d{2} ?\d{2} ?\d{2} ?\d{3} ?\d{3} ?\d{2}"), re.ASCII),
                 french_nir_valid),
    CellDetector("a US social security number", re.compile(_EDGE.format(r"(?!000|666|9\d\d)\d{3}-\d{2}-\d{4}"),
                                                           re.ASCII)),
    CellDetector("a full date (possibly a date of birth)", re.compile(
        _EDGE.format(r"(?:(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])"
                     r"|(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?:19|20)\d\d"
                     r"|(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])/(?:19|20)\d\d"
                     r"|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))"), re.ASCII)),
    CellDetector(PHONE, re.compile(_EDGE.format(r"(?:\+|00)?\d(?:[ ()-]{0,2}\d){7,14}"), re.ASCII)),
)
# fmt: on

# A column whose joined text has no match here holds no identifier: each detector needs an "@",
# seven digits in a row, or six or more digits split by spaces, hyphens, dots, slashes or brackets
# (so a run of six digits alone, as in the code P100000, is no trigger).
_TRIGGER = re.compile(r"@|\d{7}|\d[ ()./-]{1,2}\d", re.ASCII)


def cell_identifier(text: str) -> str | None:
    """The kind of identifier a cell seems to hold (the first detector that fires), or None.

    Parameters
    ----------
    text : str
        One cell's text.

    Returns
    -------
    str or None
        The `CellDetector.what` of the first detector of `CELL_DETECTORS` that finds one.

    Examples
    --------
    >>> cell_identifier("call 0161 496 0000"), cell_identifier("born 1961-03-04"), cell_identifier("12.5")
    ('a phone number', 'a full date (possibly a date of birth)', None)
    >>> cell_identifier("11010519491231002X"), cell_identifier("jane@example.org"), cell_identifier("P01")
    ('a Chinese resident ID number', 'an e-mail address', None)
    """
    if not _TRIGGER.search(text):
        return None
    for detector in CELL_DETECTORS:
        if detector.found_in(text):
            return detector.what
    return None


def column_identifiers(cells: Sequence[str]) -> list[tuple[int, str]]:
    """(index, kind) of every cell of a column that seems to hold an identifier.

    Each detector scans the column's joined cells once (no pattern crosses a line break), so a
    column of 100,000 cells costs a few regex passes; a cell's kind is that of the first detector
    of `CELL_DETECTORS` that fires, as in `cell_identifier`.

    Examples
    --------
    >>> column_identifiers(["mild", "fine", "tel 07700 900123"])
    [(2, 'a phone number')]
    """
    joined = "\n".join(cells)
    if not _TRIGGER.search(joined):
        return []
    starts = list(itertools.accumulate((len(cell) + 1 for cell in cells[:-1]), initial=0))
    found: dict[int, int] = {}
    for rank, detector in enumerate(CELL_DETECTORS):
        for match in detector.pattern.finditer(joined):
            index = bisect.bisect_right(starts, match.start()) - 1
            if index not in found and (detector.confirm is None or detector.confirm(match.group(0))):
                found[index] = rank
    return [(index, CELL_DETECTORS[found[index]].what) for index in sorted(found)]


# ---- What a pseudonymous code must not hold, and free text.

# A run of this many digits or more: national ID and record numbers have at least nine (US SSN 9,
# NHS 10, Brazilian CPF 11, Aadhaar and My Number 12, Korean RRN 13, French NIR 15, Chinese ID 18),
# while a sequential code needs eight only past 10 million patients.
CODE_MAX_DIGITS = 8
_LONG_NUMBER = re.compile(rf"\d{{{CODE_MAX_DIGITS + 1},}}", re.ASCII)
# An eight-digit date anywhere in a run of digits (YYYYMMDD or DDMMYYYY, years 1900-2099); looked
# for at every position, as a date folded into a code need not start the run.
_FOLDED_DATE = re.compile(
    r"(?=((?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d\d))",
    re.ASCII,
)
CODE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a date (possibly a date of birth)", _FOLDED_DATE),
    ("a long number (like a national ID or record number)", _LONG_NUMBER),
)


# A code such as "MG-2019-0001" (a letter prefix, a year, a sequence number) has the digit grouping of a
# short phone number. In a code, digits count as a phone number only when the code is nothing else
# (digits, separators and a leading +) or holds more digits than a sequential code needs.
_PHONE_ONLY = re.compile(r"\s*(?:\+|00)?[\d ()-]+\s*", re.ASCII)


def _phone_in_code(code: str) -> bool:
    """Whether a code that the phone detector fires on is really shaped like a phone number."""
    return bool(_PHONE_ONLY.fullmatch(code)) or sum(c.isdigit() for c in code) > CODE_MAX_DIGITS


def code_identifier(code: str) -> str | None:
    """What identifying content a patient or control code holds, or None for a pseudonymous code.

    Parameters
    ----------
    code : str
        One code, e.g. ``"P01"``.

    Returns
    -------
    str or None
        The kind, for a message that does not show the code: the first of `CELL_DETECTORS`
        that fires, else the first of `CODE_RULES`.

    Examples
    --------
    >>> code_identifier("P01"), code_identifier("MG-2019-0001"), code_identifier("P19610304123")
    (None, None, 'a date (possibly a date of birth)')
    >>> code_identifier("0161 496 0000"), code_identifier("P-0161-496-0000")
    ('a phone number', 'a phone number')
    >>> code_identifier("P123456789"), code_identifier("11010519491231002X")
    ('a long number (like a national ID or record number)', 'a Chinese resident ID number')
    """
    found = cell_identifier(code)
    if found and (found != PHONE or _phone_in_code(code)):
        return found
    return next((what for what, pattern in CODE_RULES if pattern.search(code)), None)


def code_identifiers(codes: Sequence[str]) -> list[tuple[int, str]]:
    """(index, kind) of every code of a column that `code_identifier` refuses, in order.

    Examples
    --------
    >>> code_identifiers(["P01", "P20010911", "P02"])
    [(1, 'a date (possibly a date of birth)')]
    """
    joined = "\n".join(codes)
    if not re.search(rf"\d{{{CODE_MAX_DIGITS}}}|@", joined):  # every rule needs eight digits or an "@"
        return [(i, what) for i, what in column_identifiers(codes) if what != PHONE or _phone_in_code(codes[i])]
    return [(index, what) for index, code in enumerate(codes) if (what := code_identifier(code))]


# Two words of two letters or more, side by side (the first may end in punctuation), or four
# characters of a script written without spaces (Han, kana): a cell of text rather than a label.
_FREE_TEXT = re.compile(
    r"[^\W\d_]{2,}[,;:.!?)]*[ \t\u00a0\u3000]+[(\"']*[^\W\d_]{2,}|[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]{4,}"
)


def free_text_rows(cells: Sequence[str]) -> list[int]:
    """Indexes of the cells that hold free text: two words or more, or four Han or kana characters.

    A column the contract does not list is refused when a cell holds free text, since free text
    may name a person (see the module docstring for why it is refused rather than scanned);
    one-word labels such as ``stable``, ``site A`` or ``10 mg`` are not free text.

    Examples
    --------
    >>> free_text_rows(["stable", "Zhang Wei, seen by Dr Li", "site A", "10 mg", "张伟医生看过"])
    [1, 4]
    """
    joined = "\n".join(cells)
    matches = list(_FREE_TEXT.finditer(joined))
    if not matches:
        return []
    starts = list(itertools.accumulate((len(cell) + 1 for cell in cells[:-1]), initial=0))
    return sorted({bisect.bisect_right(starts, match.start()) - 1 for match in matches})


def show_code(code: str) -> str:
    """A patient or control code quoted for a message, unless it identifies someone.

    Such a code is refused by its own message (`tacmg.data.privacy.code_identifier`); every other
    message then says where it is without quoting it.

    Examples
    --------
    >>> print(show_code("P01"), show_code("11010519491231002X"))
    "P01" (code not shown)
    """
    return "(code not shown)" if code_identifier(code) else show_value(code)


def describe_key(columns: tuple[str, ...], key: tuple[str, ...]) -> str:
    """A key (its columns and values) as a message shows it; codes go through `show_code`.

    Examples
    --------
    >>> print(describe_key(("patient_id", "visit"), ("P01", "baseline")))
    patient_id "P01", visit "baseline"
    """
    return ", ".join(
        f"{column} {show_code(part) if column.endswith('_id') else show_value(part)}"
        for column, part in zip(columns, key)
    )
