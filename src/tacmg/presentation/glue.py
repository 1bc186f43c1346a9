"""The one way a chapter hands values to its prose, in the book and in JupyterLab alike.

A chapter collects its prose values with `ProseValues.add(prefix, values)` on one object, ``v``.
Each value is glued for the book (MyST-NB's glue, key ``<prefix>_<name>``) and kept on ``v`` as
text. The prose reads it with an inline expression, ``{eval}`v.<prefix>_<name>```, optionally with
a format variant, ``{eval}`v.scores_qmg_hl.f1```:

- in JupyterLab, jupyterlab-myst evaluates the expression in the kernel: ``v.scores_qmg_hl`` is a
  `ProseText` (a string) and ``.f1`` its variant;
- in the book, ``tools/prose_eval_ext.py`` reads the glued value of the executed (cached)
  notebook and applies the same `variant_text`, so both show the same characters.

Variants (one rule, `variant_text`; every number goes through `tacmg.stats.rounding`):

========  =====================================================  =============
variant   text                                                   13.756 gives
========  =====================================================  =============
(none)    whole numbers as integers, others to 6 significant      13.756
``fN``    N decimals                                              ``f1``: 13.8
``gN``    N significant digits (``g``: 6)                         ``g2``: 14
``pctN``  the value times 100, N decimals, then "%"               ``pct0``: 1376%
``p``     a p-value as tables show it (`tacmg.stats.rounding`)    0.0123: P = 0.012
``pN``    the same, written down to 10^-N (``p4``: P < 0.0001)    0.00004: P < 0.0001
``px``    a tiny p-value in full, where its size is the point      4.7e-10: P = 4.7 × 10⁻¹⁰
``s...``  any of the above with an explicit sign                  ``sf1``: +13.8
========  =====================================================  =============
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from tacmg.stats.rounding import MISSING_TEXT, P_FLOOR, fixed, minus_signs, p_exact_text, p_text, significant

VARIANT = re.compile(r"(?P<sign>s?)(?P<kind>f|g|pct|px|p)(?P<digits>\d*)")
DEFAULT_SIGNIFICANT = 6


def _plain_value(value: Any) -> Any:
    """numpy scalars as Python values (their repr, 'np.float64(4.9)', would not read as a number)."""
    return value.item() if isinstance(value, np.generic) else value


def variant_text(value: Any, variant: str = "") -> str:
    """`_variant_text` as the reader sees it: negative numbers with a true minus sign
    (`tacmg.stats.rounding.minus_signs`).

    Examples
    --------
    >>> variant_text(-4.5, "g"), variant_text("QMG fell by -4 to -2 points")
    ('−4.5', 'QMG fell by −4 to −2 points')
    """
    return minus_signs(_variant_text(value, variant))


def _variant_text(value: Any, variant: str = "") -> str:
    """`value` as the prose shows it, in one of the variants of the module docstring.

    Parameters
    ----------
    value : int, float, str or bool
        A prose value; strings are returned unchanged (variants apply to numbers only).
    variant : str
        '' (default text), or ``[s](f|g|pct|px|p)[digits]``.

    Returns
    -------
    str
        The text; 'n/a' for a missing number.

    Examples
    --------
    >>> _variant_text(32.0), _variant_text(13.756), _variant_text(-4.5, "g"), _variant_text(0.000284, "g2")
    ('32', '13.756', '-4.5', '0.00028')
    >>> _variant_text(0.125, "f2"), _variant_text(0.3438, "pct0"), _variant_text(3.0, "sf1")
    ('0.13', '34%', '+3.0')
    >>> _variant_text(0.0123, "p"), _variant_text(0.000284, "p"), _variant_text(0.00004, "p4")
    ('P = 0.012', 'P < 0.001', 'P < 0.0001')
    >>> _variant_text(4.66e-10, "px")
    'P = 4.7 × 10⁻¹⁰'
    """
    value = _plain_value(value)
    if isinstance(value, str) or value is None:
        return MISSING_TEXT if value is None else value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and not math.isfinite(value):
        return MISSING_TEXT
    if not variant:
        if isinstance(value, int) or float(value).is_integer():
            return str(int(value))
        return significant(value, DEFAULT_SIGNIFICANT)
    match = VARIANT.fullmatch(variant)
    if match is None:
        raise ValueError(
            f"unknown prose variant {variant!r}: use [s](f|g|pct|p|px)[digits], e.g. f2, g3, pct0, sf1, p, px"
        )
    kind, digits = match["kind"], match["digits"]
    if kind == "px":
        return "P = " + p_exact_text(value) if 0 <= value < P_FLOOR else p_text(value)
    if kind == "p":
        return p_text(value, 10.0 ** -int(digits) if digits else P_FLOOR)
    if kind == "f":
        text = fixed(value, int(digits or 0))
    elif kind == "g":
        text = significant(value, int(digits or DEFAULT_SIGNIFICANT))
    else:
        text = fixed(100 * value, int(digits or 0)) + "%"
    if match["sign"] and not text.startswith("-") and float(value) != 0:
        text = "+" + text
    return text


class ProseText(str):
    """A prose value as text, with its format variants as attributes (``.f2``, ``.g3``, ``.pct0``).

    Shown without quotes (as the prose shows it) in IPython and JupyterLab.
    """

    value: Any

    def __new__(cls, value: Any) -> ProseText:
        text = super().__new__(cls, variant_text(value))
        text.value = _plain_value(value)
        return text

    def __getattr__(self, name: str) -> str:
        if VARIANT.fullmatch(name):
            return ProseText.plain(variant_text(self.value, name))
        raise AttributeError(name)

    @classmethod
    def plain(cls, text: str) -> ProseText:
        """A ProseText that is only text (no variants apply)."""
        return cls(text)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


class ProseValues:
    """The values a chapter's prose quotes: glued for the book, attributes for JupyterLab.

    Examples
    --------
    >>> v = ProseValues(glue=False)
    >>> v.add("scores", {"n": 32, "qmg_hl": -4.5, "p_max": 0.0000340})
    >>> v.scores_n, v.scores_qmg_hl.f1, v.scores_p_max.g2
    (32, −4.5, 0.000034)
    >>> v.add("scores", {"n": 32})  # the same value again: kept, not glued a second time
    >>> v.scores_n
    32
    """

    def __init__(self, glue: bool = True) -> None:
        self._glue = glue
        self._values: dict[str, ProseText] = {}

    def add(self, prefix: str, values: Mapping[str, Any], intervals: Any = None) -> None:
        """Keep each value under ``<prefix>_<name>`` and glue it (MyST-NB) under the same key.

        With `intervals` (a `tacmg.presentation.intervals.SectionIntervals`), each number also gets
        ``<prefix>_<name>_ri``, its compact marker (" [a to b across reconstructions]"), and
        ``<prefix>_<name>_draw``, the words that flag an unusual draw; both "" where they do not
        apply. Returns nothing, so a notebook cell ending with it shows no output.
        """
        if intervals is not None:
            values = {**values, **intervals.prose_values(prefix, values)}
        for name, value in values.items():
            key = f"{prefix}_{name}"
            plain = _plain_value(value)
            # A chapter that glues its numbers section by section may add a value again; gluing it
            # twice unchanged would only make MyST-NB warn. A changed value is glued, and warned about.
            unchanged = key in self._values and repr(self._values[key].value) == repr(plain)
            self._values[key] = ProseText(plain)
            if self._glue and not unchanged:
                from myst_nb import glue

                glue(key, plain, display=False)

    def __getattr__(self, key: str) -> ProseText:
        try:
            return self.__dict__["_values"][key]
        except KeyError:
            raise AttributeError(f"no prose value {key!r}; add it with v.add(prefix, values)") from None

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._values})
