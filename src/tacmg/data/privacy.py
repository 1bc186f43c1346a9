"""What the validator refuses so that a dataset cannot identify anyone: the one table of rules.

Two kinds of rule, both listed in data here and nowhere else:

- `IDENTIFIER_NAMES`: column names that announce a direct identifier, in English, Spanish, French,
  German and Chinese, with common hospital terms (record, hospital and NHS numbers, initials). A
  name is compared after lower-casing, removing accents and keeping only its letters: a term of
  `SUBSTRING_MIN_LENGTH` letters or more (or any Chinese term) matches anywhere in the name, a
  shorter one only a whole word of it ("dob", "tel", "nom"), so that "patient_id" or "mg_adl" never
  trip.
- `CELL_DETECTORS`: what an identifier looks like inside a cell (e-mail address, phone number, full
  date, national ID numbers with their check digits where the format has one). They scan every cell
  of the extra (non-contract) columns, and the patient and control codes.

A refusal names the file, row and column and the kind of identifier, never the cell's text.
Written by hand rather than with a PII library: the offline ones need language models (presidio)
or validate one number at a time without saying where to look (python-stdnum); the few formats
here, with their check digits, fit in a tested table.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Terms of at least this many letters match anywhere inside a column name.
SUBSTRING_MIN_LENGTH = 5

# (language, what it names, terms). Terms are written as `normalize_name` leaves them.
# fmt: off
IDENTIFIER_NAMES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("English", "name", ("name", "names", "firstname", "surname", "lastname", "fullname", "forename", "initials")),
    ("English", "date of birth", ("dob", "dateofbirth", "birthdate", "birthday", "birth", "born")),
    ("English", "phone or e-mail", ("phone", "telephone", "tel", "mobile", "cell", "fax", "email", "mail")),
    ("English", "address", ("address", "street", "postcode", "zipcode", "zip", "city", "town")),
    ("English", "ID number", ("ssn", "socialsecurity", "nationalid", "idnumber", "idno", "idcard", "passport",
                              "nino", "nationalinsurance")),
    ("English", "record or hospital number", ("mrn", "medicalrecord", "recordnumber", "recordno", "casenumber",
                                              "hospitalnumber", "hospitalno", "hospno", "nhsnumber", "nhsno", "nhs",
                                              "chinumber", "insurancenumber", "admissionnumber")),
    ("Spanish", "name", ("nombre", "apellido", "iniciales")),
    ("Spanish", "date of birth", ("fechanacimiento", "nacimiento", "nacido")),
    ("Spanish", "phone or e-mail", ("telefono", "movil", "celular", "correo")),
    ("Spanish", "address", ("direccion", "domicilio", "codigopostal", "calle")),
    ("Spanish", "ID number", ("dni", "nie", "nif", "pasaporte", "cedula", "curp", "rut")),
    ("Spanish", "record or hospital number", ("historiaclinica", "numerohistoria", "nhc", "cip", "expediente")),
    ("French", "name", ("nom", "prenom", "nomdefamille", "initiales")),
    ("French", "date of birth", ("datedenaissance", "naissance", "ddn")),
    ("French", "phone or e-mail", ("telephone", "portable", "courriel")),
    ("French", "address", ("adresse", "rue", "ville")),
    ("French", "ID number", ("securitesociale", "numerosecu", "nir", "insee")),
    ("French", "record or hospital number", ("dossier", "ipp")),
    ("German", "name", ("vorname", "nachname", "familienname", "initialen")),
    ("German", "date of birth", ("geburt", "geburtsdatum", "geburtstag", "gebdat")),
    ("German", "phone or e-mail", ("telefon", "handy", "mobilnummer")),
    ("German", "address", ("anschrift", "adresse", "strasse", "postleitzahl", "plz", "wohnort")),
    ("German", "ID number", ("personalausweis", "ausweis", "steuerid", "versicherungsnummer", "versichertennummer",
                             "sozialversicherung")),
    ("German", "record or hospital number", ("patientennummer", "fallnummer", "aufnahmenummer")),
    ("Chinese", "name", ("姓名", "名字", "患者姓名", "病人姓名")),
    ("Chinese", "date of birth", ("出生日期", "出生年月", "生日")),
    ("Chinese", "phone or e-mail", ("电话", "手机", "联系方式", "邮箱", "电子邮件")),
    ("Chinese", "address", ("地址", "住址", "家庭住址")),
    ("Chinese", "ID number", ("身份证", "证件号", "护照", "社保", "医保")),
    ("Chinese", "record or hospital number", ("住院号", "病历号", "病案号", "门诊号", "就诊卡")),
)
# fmt: on


def normalize_name(name: str) -> str:
    """A column name lower-cased, without accents, with each run of non-letters as one space.

    Parameters
    ----------
    name : str
        A column name.

    Returns
    -------
    str
        Words of letters separated by single spaces; camelCase is split into words.

    Examples
    --------
    >>> normalize_name("Fecha_Nacimiento"), normalize_name("dateOfBirth"), normalize_name("Hospital No.")
    ('fecha nacimiento', 'date of birth', 'hospital no')
    """
    name = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    stripped = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W\d_]+", " ", stripped.casefold()).split())


def _is_cjk(term: str) -> bool:
    return any(ord(character) > 0x2E7F for character in term)


def identifier_name(name: str) -> tuple[str, str] | None:
    """(language, what) of the identifier a column name announces, or None.

    Parameters
    ----------
    name : str
        A column name of a dataset.

    Returns
    -------
    tuple of str or None
        The matching entry's language and meaning in `IDENTIFIER_NAMES`, e.g.
        ``('Spanish', 'date of birth')``.

    Examples
    --------
    >>> identifier_name("fecha_nacimiento"), identifier_name("身份证号"), identifier_name("patient_id")
    (('Spanish', 'date of birth'), ('Chinese', 'ID number'), None)
    >>> identifier_name("NHS number"), identifier_name("Geburtsdatum"), identifier_name("cellularity")
    (('English', 'record or hospital number'), ('German', 'date of birth'), None)
    """
    words = normalize_name(name).split()
    joined = "".join(words)
    for language, what, terms in IDENTIFIER_NAMES:
        for term in terms:
            if term in words or (term in joined and (len(term) >= SUBSTRING_MIN_LENGTH or _is_cjk(term))):
                return language, what
    return None


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
    CellDetector("a phone number", re.compile(_EDGE.format(r"(?:\+|00)?\d(?:[ ()-]{0,2}\d){7,14}"), re.ASCII)),
)
# fmt: on

# A column whose joined text has no match here holds no identifier: the detectors need an "@",
# or seven digits in a row, possibly split by spaces, hyphens, dots, slashes or brackets.
_TRIGGER = re.compile(r"@|\d(?:[ ()./-]{0,2}\d){5}", re.ASCII)


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
