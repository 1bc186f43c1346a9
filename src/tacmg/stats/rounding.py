"""One rounding rule for the whole project, and the one way a number becomes text.

The rule is half away from zero, as a reader rounds by hand. Python's round() and format() round
the binary value half-to-even (31.25 -> 31.2, 0.125 -> 0.12); checking a published mean or
percentage that way would disagree with the printed figure. Every number the package prints goes
through `fixed` or `significant`, which round with this rule, never show exponent notation and
never show a negative zero.

The number format of tables and prose (one rule per quantity):

==================  =====================================================  ================
quantity            rule                                                   example
==================  =====================================================  ================
p-value             three decimals; below 0.001 "< 0.001" (a lower         P = 0.012,
                    floor, e.g. 0.0001, where a published bound needs      P < 0.001
                    it); a p below 0.05 that would round to 0.050 keeps
                    four decimals; `p_exact_text` for the size of a tiny
                    p itself (two significant digits, "x 10" powers)
points (scores)     one decimal (half points are the scale's step)         -3.5 points
mg/day              two decimals (doses step by 1.25 mg)                   13.75 mg/day
pg/mL               three significant digits, thousands separated          57,300 pg/mL
years               one decimal                                            37.8 years
ratio, correlation  two decimals                                           1.69, -0.44
percentage, share   one decimal and "%" (a share 0-1 times 100)            34.4%
boolean             "yes" / "no"                                           yes
==================  =====================================================  ================

A change always carries its unit and an explicit sign (`quantity_text`); no format shows
exponent notation, "-0" or "-0%" (a value that rounds to zero shows as zero, unsigned).
What a reader sees (table cells, glued prose) then passes through `minus_signs`: the true minus
sign (U+2212), never parted from its number; code and CSV files keep the ASCII hyphen-minus.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

MISSING_TEXT = "n/a"
_NUMBER_SIGN = re.compile(r"(?<![\w.\u2212-])-(?=\.?\d|\u221e)")  # a sign; not MG-ADL's or 2022-08-27's hyphen


def minus_signs(text: str) -> str:
    """`text` with each negative number's sign as the true minus sign, U+2212 ('-3.5' -> '−3.5')."""
    return _NUMBER_SIGN.sub("\u2212", text)


def round_half_up(value: float | None, decimals: int = 0) -> float:
    """`value` rounded half away from zero at `decimals` places (NaN stays NaN).

    The decimal text of the float is rounded (through `decimal.Decimal`), so 31.25 becomes 31.3
    as on paper, although the binary value of 31.25 is exact and Python's round gives 31.2.

    Parameters
    ----------
    value : float or None
        The number to round; None or NaN give NaN.
    decimals : int
        Places after the decimal point; negative values round to tens, hundreds, ...

    Returns
    -------
    float
        The rounded value.

    Examples
    --------
    >>> round_half_up(31.25, 1)
    31.3
    >>> round_half_up(-0.125, 2)
    -0.13
    """
    if value is None or math.isnan(float(value)):
        return float("nan")
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def round_half_up_array(values: ArrayLike, decimals: int = 0) -> NDArray[np.float64]:
    """`round_half_up` applied to every element of an array.

    Parameters
    ----------
    values : array_like
        Numbers to round (any shape); NaN stays NaN.
    decimals : int
        Places after the decimal point.

    Returns
    -------
    numpy.ndarray
        Float array of the same shape.

    Examples
    --------
    >>> round_half_up_array([0.125, 2.5, -2.5], 2).tolist()
    [0.13, 2.5, -2.5]
    >>> round_half_up_array([0.5, 1.5, 2.5]).tolist()
    [1.0, 2.0, 3.0]
    """
    return np.vectorize(round_half_up, otypes=[float])(np.asarray(values, float), decimals)


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def _plain(value: float, decimals: int) -> str:
    text = f"{value:.{max(decimals, 0)}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def fixed(value: float | None, decimals: int | None = None) -> str:
    """`value` as text with a fixed number of decimals, rounded half up.

    Parameters
    ----------
    value : float or None
        The number to show.
    decimals : int or None
        Places after the decimal point; None shows at most two places, trailing zeros dropped.

    Returns
    -------
    str
        The text, never in exponent notation and never ``-0``; ``'n/a'`` for a missing (None,
        NaN) or infinite value.

    Examples
    --------
    >>> fixed(0.125, 2), fixed(31.25, 1), fixed(12.5), fixed(12.0), fixed(-0.04, 1)
    ('0.13', '31.3', '12.5', '12', '0.0')
    >>> fixed(float("nan"))
    'n/a'
    """
    if _missing(value):
        return MISSING_TEXT
    if decimals is None:
        text = _plain(round_half_up(value, 2), 2)
        return text.rstrip("0").rstrip(".") if "." in text else text
    return _plain(round_half_up(value, decimals), decimals)


def significant(value: float | None, digits: int = 3) -> str:
    """`value` as text with `digits` significant digits, rounded half up, trailing zeros dropped.

    Parameters
    ----------
    value : float or None
        The number to show.
    digits : int
        Significant digits to keep.

    Returns
    -------
    str
        The text, never in exponent notation; values of ``10**digits`` and more are written as
        whole numbers with thousands separators; ``'n/a'`` for a missing or infinite value.

    Examples
    --------
    >>> significant(218_600), significant(0.000123456), significant(1.0), significant(0.1255, 3)
    ('218,600', '0.000123', '1', '0.126')
    """
    if _missing(value):
        return MISSING_TEXT
    value = float(value)  # type: ignore[arg-type]
    if value == 0:
        return "0"
    if abs(value) >= 10**digits:
        return f"{round_half_up(value, 0):,.0f}"
    decimals = digits - 1 - math.floor(math.log10(abs(value)))
    rounded = round_half_up(value, decimals)
    text = _plain(rounded, decimals)
    return text.rstrip("0").rstrip(".") if "." in text else text


P_FLOOR = 0.001
SIGNIFICANCE = 0.05
# Decimals of each unit's values (None: three significant digits, thousands separated).
UNIT_DECIMALS: dict[str, int | None] = {
    "points": 1,
    "mg/day": 2,
    "pg/mL": None,
    "years": 1,
    "ratio": 2,
    "correlation": 2,
    "%": 1,
    "patients": 0,
}


def _decimals_of(floor: float) -> int:
    return max(0, -math.floor(math.log10(floor) + 1e-9))


def p_value_text(p: float | None, floor: float = P_FLOOR) -> str:
    """A p-value as a table cell shows it: three decimals, or ``'< 0.001'`` below the floor.

    Parameters
    ----------
    p : float or None
        The p-value (0-1).
    floor : float
        The smallest value written as a number (0.001; a power of ten such as 0.0001 where a
        published bound ``P < 0.0001`` must be told apart). Between the floor and 0.001 the value
        is written to the floor's decimals.

    Returns
    -------
    str
        E.g. ``'0.012'``, ``'< 0.001'``; a p below 0.05 that would round to ``'0.050'`` keeps four
        decimals (``'0.0496'``), so it never reads as not significant; ``'n/a'`` when missing.

    Examples
    --------
    >>> p_value_text(0.0123), p_value_text(0.0004), p_value_text(0.0005), p_value_text(1e-12)
    ('0.012', '< 0.001', '< 0.001', '< 0.001')
    >>> p_value_text(0.001), p_value_text(0.0496), p_value_text(1.0), p_value_text(float("nan"))
    ('0.001', '0.0496', '1.000', 'n/a')
    >>> p_value_text(0.00028, floor=0.0001), p_value_text(0.00004, floor=0.0001)
    ('0.0003', '< 0.0001')
    """
    if _missing(p):
        return MISSING_TEXT
    p = max(float(p), 0.0)  # type: ignore[arg-type]
    if p < floor:
        return f"< {_plain(floor, _decimals_of(floor))}"
    if p < P_FLOOR:
        return fixed(p, _decimals_of(floor))
    text = fixed(p, 3)
    if p < SIGNIFICANCE <= float(text):
        text = fixed(p, 4)
    return text


def p_text(p: float | None, floor: float = P_FLOOR) -> str:
    """A p-value as prose and claim texts quote it: ``'P = 0.012'`` or ``'P < 0.001'``.

    Parameters
    ----------
    p : float or None
        The p-value (0-1).
    floor : float
        As in `p_value_text`.

    Returns
    -------
    str
        ``'P '`` and the comparison with `p_value_text`; ``'P not computable'`` when missing.

    Examples
    --------
    >>> p_text(0.000284), p_text(0.0488), p_text(0.00004, 0.0001), p_text(float("nan"))
    ('P < 0.001', 'P = 0.049', 'P < 0.0001', 'P not computable')
    """
    text = p_value_text(p, floor)
    if text == MISSING_TEXT:
        return "P not computable"
    return f"P {text}" if text.startswith("<") else f"P = {text}"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def p_exact_text(p: float | None) -> str:
    """A tiny p-value written out in full (two significant digits), where its size is the point.

    Parameters
    ----------
    p : float or None
        The p-value (0-1).

    Returns
    -------
    str
        `p_value_text` from 0.001 up; below, two significant digits times a power of ten
        (``'4.7 × 10⁻¹⁰'``), never exponent notation.

    Examples
    --------
    >>> p_exact_text(4.66e-10), p_exact_text(0.0123), p_exact_text(0.0)
    ('4.7 × 10⁻¹⁰', '0.012', '0')
    """
    if _missing(p) or float(p) >= P_FLOOR:  # type: ignore[arg-type]
        return p_value_text(p)
    if float(p) <= 0:  # type: ignore[arg-type]
        return "0"
    exponent = math.floor(math.log10(float(p)))  # type: ignore[arg-type]
    mantissa = round_half_up(float(p) / 10**exponent, 1)  # type: ignore[arg-type]
    if mantissa >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{fixed(mantissa, 1)} × 10{str(exponent).translate(_SUPERSCRIPT)}"


def _grouped_significant(value: float, digits: int) -> str:
    """`value` to `digits` significant digits, thousands separated (57346 -> '57,300')."""
    if value == 0:
        return "0"
    decimals = digits - 1 - math.floor(math.log10(abs(value)))
    rounded = round_half_up(value, decimals)
    return f"{rounded:,.0f}" if decimals <= 0 else _plain(rounded, decimals)


def quantity_text(value: float | None, unit: str, sign: bool = False, with_unit: bool = True) -> str:
    """A value in its quantity's format (`UNIT_DECIMALS`), with its unit.

    Parameters
    ----------
    value : float or None
        The value; for ``unit='%'`` already in percent.
    unit : str
        One of `UNIT_DECIMALS` (``'points'``, ``'mg/day'``, ``'pg/mL'``, ``'years'``, ``'ratio'``,
        ``'correlation'``, ``'%'``, ``'patients'``); ratios and correlations have no unit text.
    sign : bool
        Write an explicit ``+`` before a positive value (a change); zero stays unsigned.
    with_unit : bool
        Append the unit (``'%'`` without a space, other units after one).

    Returns
    -------
    str
        E.g. ``'-3.5 points'``, ``'+57,300 pg/mL'``, ``'0.0%'``; ``'n/a'`` when missing.

    Examples
    --------
    >>> quantity_text(-3.5, "points", sign=True), quantity_text(-57346.0, "pg/mL", sign=True)
    ('-3.5 points', '-57,300 pg/mL')
    >>> quantity_text(13.75, "mg/day"), quantity_text(-0.04, "%", sign=True), quantity_text(81.63, "pg/mL")
    ('13.75 mg/day', '0.0%', '81.6 pg/mL')
    >>> quantity_text(-0.004, "correlation"), quantity_text(1.6852, "ratio"), quantity_text(None, "points")
    ('0.00', '1.69', 'n/a')
    """
    if _missing(value):
        return MISSING_TEXT
    value = float(value)  # type: ignore[arg-type]
    decimals = UNIT_DECIMALS[unit]
    text = _grouped_significant(value, 3) if decimals is None else _plain(round_half_up(value, decimals), decimals)
    if sign and not text.startswith("-") and text.strip("0.,") != "":
        text = "+" + text
    if not with_unit or unit in ("ratio", "correlation"):
        return text
    return text + unit if unit == "%" else f"{text} {unit}"


def share_text(share: float | None, sign: bool = False) -> str:
    """A share (0-1) as a percentage with one decimal (`quantity_text` of 100 x share, unit '%').

    Examples
    --------
    >>> share_text(0.34375), share_text(1.0), share_text(-0.0001, sign=True), share_text(None)
    ('34.4%', '100.0%', '0.0%', 'n/a')
    """
    return MISSING_TEXT if _missing(share) else quantity_text(100 * float(share), "%", sign)  # type: ignore[arg-type]


def yes_no(value: object) -> str:
    """A boolean as a word: ``'yes'``, ``'no'``, or ``'n/a'`` when missing (None, NA, NaN).

    Examples
    --------
    >>> yes_no(True), yes_no(False), yes_no(None)
    ('yes', 'no', 'n/a')
    """
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return MISSING_TEXT
    return "yes" if value else "no"


def percent(count: float, total: float, decimals: int = 1) -> float:
    """count / total in percent, rounded half up to `decimals` places (NaN when total is 0).

    Parameters
    ----------
    count, total : float
        The part and the whole (e.g. patients with a status, and all patients).
    decimals : int
        Places after the decimal point.

    Returns
    -------
    float
        The percentage (0-100 when count <= total), or NaN when `total` is 0.

    Examples
    --------
    >>> percent(11, 32)
    34.4
    """
    return round_half_up(100.0 * count / total, decimals) if total else float("nan")
