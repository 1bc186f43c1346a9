"""Column names that announce a direct identifier, in eleven languages: the one table and its matching.

`IDENTIFIER_NAMES` lists, per language (English, Spanish, French, German, Portuguese, Russian,
Chinese, Japanese, Korean, Arabic, Hindi) and kind of identifier, the terms a clinic writes in a
column name, with common hospital terms (record, hospital and NHS numbers, initials). A name and a
term are compared after `normalize_name` (lower case, accents and Arabic vowel marks removed, only
letters and vowel signs kept). A term in the Latin or Cyrillic alphabet of `SUBSTRING_MIN_LENGTH`
letters or more matches anywhere in the name, a shorter one only a whole word of it ("dob", "tel",
"nom", "имя"), so that "patient_id" or "mg_adl" never trip; a term in any other script (Han, kana,
Hangul, Arabic, Devanagari) matches anywhere, as those scripts join words (氏名欄) or attach the
article (الاسم). Applied by `tacmg.data.privacy` to every column the contract does not list.
"""

from __future__ import annotations

import re
import unicodedata

# Terms in the Latin or Cyrillic alphabet of at least this many letters match anywhere inside a
# column name (terms in other scripts always do).
SUBSTRING_MIN_LENGTH = 5

# (language, what it names, terms), terms as a clinic would write them (`normalize_name` is applied).
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
    ("Spanish", "phone or e-mail", ("teléfono", "móvil", "celular", "correo")),
    ("Spanish", "address", ("dirección", "domicilio", "códigopostal", "calle")),
    ("Spanish", "ID number", ("dni", "nie", "nif", "pasaporte", "cédula", "curp", "rut")),
    ("Spanish", "record or hospital number", ("historiaclínica", "númerohistoria", "nhc", "cip", "expediente")),
    ("French", "name", ("nom", "prénom", "nomdefamille", "initiales")),
    ("French", "date of birth", ("datedenaissance", "naissance", "ddn")),
    ("French", "phone or e-mail", ("téléphone", "portable", "courriel")),
    ("French", "address", ("adresse", "rue", "ville")),
    ("French", "ID number", ("sécuritésociale", "numérosécu", "nir", "insee")),
    ("French", "record or hospital number", ("dossier", "ipp")),
    ("German", "name", ("vorname", "nachname", "familienname", "initialen")),
    ("German", "date of birth", ("geburt", "geburtsdatum", "geburtstag", "gebdat")),
    ("German", "phone or e-mail", ("telefon", "handy", "mobilnummer")),
    ("German", "address", ("anschrift", "adresse", "straße", "strasse", "postleitzahl", "plz", "wohnort")),
    ("German", "ID number", ("personalausweis", "ausweis", "steuerid", "versicherungsnummer", "versichertennummer",
                             "sozialversicherung")),
    ("German", "record or hospital number", ("patientennummer", "fallnummer", "aufnahmenummer")),
    ("Portuguese", "name", ("nome", "sobrenome", "nomecompleto", "nomedopaciente", "iniciais")),
    ("Portuguese", "date of birth", ("nascimento", "datadenascimento", "datanasc", "nascido")),
    ("Portuguese", "phone or e-mail", ("telefone", "telemóvel", "celular", "contato", "contacto")),
    ("Portuguese", "address", ("endereço", "morada", "logradouro", "cep", "códigopostal")),
    ("Portuguese", "ID number", ("cpf", "rg", "identidade", "cartãosus", "passaporte", "utente")),
    ("Portuguese", "record or hospital number", ("prontuário", "processoclínico", "númerodoprocesso")),
    ("Russian", "name", ("имя", "фамилия", "отчество", "фио", "инициалы")),
    ("Russian", "date of birth", ("рождения", "датарождения")),
    ("Russian", "phone or e-mail", ("телефон", "мобильный", "почта", "эл почта")),
    ("Russian", "address", ("адрес", "улица", "прописка")),
    ("Russian", "ID number", ("паспорт", "снилс", "инн", "полис", "омс")),
    ("Russian", "record or hospital number", ("историиболезни", "историяболезни", "медкарта", "номеркарты")),
    ("Chinese", "name", ("姓名", "名字", "患者姓名", "病人姓名")),
    ("Chinese", "date of birth", ("出生日期", "出生年月", "生日")),
    ("Chinese", "phone or e-mail", ("电话", "手机", "联系方式", "邮箱", "电子邮件")),
    ("Chinese", "address", ("地址", "住址", "家庭住址")),
    ("Chinese", "ID number", ("身份证", "证件号", "护照", "社保", "医保")),
    ("Chinese", "record or hospital number", ("住院号", "病历号", "病案号", "门诊号", "就诊卡")),
    ("Japanese", "name", ("氏名", "名前", "患者名", "フリガナ", "ふりがな", "イニシャル")),
    ("Japanese", "date of birth", ("生年月日", "誕生日")),
    ("Japanese", "phone or e-mail", ("電話", "携帯", "メール")),
    ("Japanese", "address", ("住所", "郵便番号")),
    ("Japanese", "ID number", ("マイナンバー", "個人番号", "保険証", "被保険者番号", "旅券")),
    ("Japanese", "record or hospital number", ("カルテ番号", "診察券", "患者番号")),
    ("Korean", "name", ("이름", "성명", "환자명", "성함")),
    ("Korean", "date of birth", ("생년월일", "생일")),
    ("Korean", "phone or e-mail", ("전화", "휴대폰", "연락처", "이메일")),
    ("Korean", "address", ("주소", "우편번호")),
    ("Korean", "ID number", ("주민등록", "주민번호", "여권", "외국인등록")),
    ("Korean", "record or hospital number", ("등록번호", "병록번호", "차트번호")),
    ("Arabic", "name", ("اسم", "الاسم", "لقب", "اسم العائلة")),
    ("Arabic", "date of birth", ("تاريخ الميلاد", "ميلاد", "مواليد")),
    ("Arabic", "phone or e-mail", ("هاتف", "جوال", "موبايل", "البريد الإلكتروني", "إيميل")),
    ("Arabic", "address", ("عنوان", "الرمز البريدي")),
    ("Arabic", "ID number", ("رقم الهوية", "الهوية", "الرقم القومي", "الرقم الوطني", "جواز السفر", "جواز")),
    ("Arabic", "record or hospital number", ("رقم الملف", "رقم السجل", "الملف الطبي")),
    ("Hindi", "name", ("नाम", "उपनाम")),
    ("Hindi", "date of birth", ("जन्म", "जन्मतिथि")),
    ("Hindi", "phone or e-mail", ("फ़ोन", "मोबाइल", "ईमेल", "दूरभाष")),
    ("Hindi", "address", ("पता", "पिनकोड")),
    ("Hindi", "ID number", ("आधार", "पासपोर्ट", "पैन")),
    ("Hindi", "record or hospital number", ("पंजीकरण", "भर्ती संख्या")),
)
# fmt: on

# Marks removed before comparing: the accents of the Latin, Greek and Cyrillic alphabets, the
# Arabic vowel marks, and the Devanagari nukta (so that "मरीज़" and "मरीज" are one word).
_DROPPED_MARKS = re.compile("[\u0300-\u036f\u064b-\u065f\u0670\u093c]")


def normalize_name(name: str) -> str:
    """A column name lower-cased, without accents, with each run of non-letters as one space.

    Parameters
    ----------
    name : str
        A column name.

    Returns
    -------
    str
        Words of letters (and the vowel signs of scripts that write them as marks) separated by
        single spaces; camelCase is split into words.

    Examples
    --------
    >>> normalize_name("Fecha_Nacimiento"), normalize_name("dateOfBirth"), normalize_name("Hospital No.")
    ('fecha nacimiento', 'date of birth', 'hospital no')
    >>> normalize_name("Дата рождения"), normalize_name("जन्म-तिथि") == "जन्म तिथि"
    ('дата рождения', True)
    """
    name = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    stripped = unicodedata.normalize("NFC", _DROPPED_MARKS.sub("", unicodedata.normalize("NFKD", name)))
    letters = "".join(c if unicodedata.category(c)[0] in "LM" else " " for c in stripped.casefold())
    return " ".join(letters.split())


def _matches_anywhere(term: str) -> bool:
    """Whether a (normalized) term matches inside a word: a long one, or one beyond Cyrillic."""
    return len(term) >= SUBSTRING_MIN_LENGTH or any(ord(character) > 0x052F for character in term)


def _term_table() -> dict[str, tuple[str, list[str]]]:
    """{normalized term: (what it names, languages)}, in the order of `IDENTIFIER_NAMES`."""
    table: dict[str, tuple[str, list[str]]] = {}
    for language, what, terms in IDENTIFIER_NAMES:
        for term in terms:
            key = "".join(normalize_name(term).split())
            entry = table.setdefault(key, (what, []))
            if entry[0] == what and language not in entry[1]:
                entry[1].append(language)
    return table


# Normalised term to (what it identifies, the languages it is written in); one table, tested.
TERMS = _term_table()


def identifier_name(name: str) -> tuple[str, str] | None:
    """(language, what) of the identifier a column name announces, or None.

    Parameters
    ----------
    name : str
        A column name of a dataset.

    Returns
    -------
    tuple of str or None
        The languages (joined by "/" when a term is shared) and meaning of the first matching
        term of `IDENTIFIER_NAMES`, e.g. ``('Spanish', 'date of birth')``.

    Examples
    --------
    >>> identifier_name("fecha_nacimiento"), identifier_name("身份证号"), identifier_name("patient_id")
    (('Spanish', 'date of birth'), ('Chinese', 'ID number'), None)
    >>> identifier_name("NHS number"), identifier_name("Geburtsdatum"), identifier_name("cellularity")
    (('English', 'record or hospital number'), ('German', 'date of birth'), None)
    >>> identifier_name("data_nascimento"), identifier_name("氏名"), identifier_name("اسم المريض")
    (('Portuguese', 'date of birth'), ('Japanese', 'name'), ('Arabic', 'name'))
    """
    words = normalize_name(name).split()
    joined = "".join(words)
    for term, (what, languages) in TERMS.items():
        if term in words or (term in joined and _matches_anywhere(term)):
            return "/".join(languages), what
    return None
