"""One rounding rule for the whole project: half away from zero, as a reader rounds by hand.

Python's round() and format() round the binary value half-to-even (31.25 -> 31.2); checking a
published mean or percentage that way would disagree with the printed figure.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np


def round_half_up(value: float, decimals: int = 0) -> float:
    """`value` rounded half away from zero at `decimals` places, as printed: 31.25 -> 31.3 (NaN stays NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return float("nan")
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def round_half_up_array(values, decimals: int = 0) -> np.ndarray:
    """`round_half_up` applied to every element of an array."""
    return np.vectorize(round_half_up, otypes=[float])(np.asarray(values, float), decimals)
