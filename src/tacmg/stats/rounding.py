"""One rounding rule for the whole project, and the one way a number becomes text.

The rule is half away from zero, as a reader rounds by hand. Python's round() and format() round
the binary value half-to-even (31.25 -> 31.2, 0.125 -> 0.12); checking a published mean or
percentage that way would disagree with the printed figure. Every number the package prints goes
through `fixed` or `significant`, which round with this rule, never show exponent notation and
never show a negative zero.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from numpy.typing import ArrayLike, NDArray

MISSING_TEXT = "n/a"


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


def p_text(p: float | None) -> str:
    """A p-value as text: two significant digits, never exponent notation.

    Parameters
    ----------
    p : float or None
        The p-value (0-1).

    Returns
    -------
    str
        ``significant(p, 2)``: e.g. ``'0.00028'``; ``'n/a'`` when `p` is missing.

    Examples
    --------
    >>> p_text(0.000284), p_text(0.0488), p_text(float("nan"))
    ('0.00028', '0.049', 'n/a')
    """
    return significant(p, 2)


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
