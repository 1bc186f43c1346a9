"""Colour arithmetic for the charts: WCAG contrast, the colour of a cell of the book's diverging
scale, and the text colour readable on it (issue 22: every heatmap label at least 4.5:1).

Written by hand (a few lines of the WCAG 2 formulas) rather than adding a colour library.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tacmg.presentation.palette import CELL_TEXT, DIVERGING_STOPS, diverging_domain


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


def relative_luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG 2 relative luminance of sRGB colours (last axis: red, green, blue, 0-255).

    Examples
    --------
    >>> float(relative_luminance(np.array([255.0, 255, 255]))), float(relative_luminance(np.zeros(3)))
    (1.0, 0.0)
    """
    channel = np.asarray(rgb, float) / 255
    linear = np.where(channel <= 0.04045, channel / 12.92, ((channel + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def _luminance(colour: str) -> float:
    return float(relative_luminance(_rgb(colour)))


def _ratio(first: float | np.ndarray, second: float | np.ndarray) -> float | np.ndarray:
    """WCAG 2 contrast ratio of two relative luminances (element-wise)."""
    return (np.maximum(first, second) + 0.05) / (np.minimum(first, second) + 0.05)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21).

    Examples
    --------
    >>> round(contrast_ratio("#000000", "#FFFFFF"), 1), round(contrast_ratio("#777777", "#777777"), 1)
    (21.0, 1.0)
    """
    return float(_ratio(_luminance(first), _luminance(second)))


def diverging_colour(value: float, low: float, high: float, middle: float) -> str:
    """The colour `diverging_scale(low, high, middle)` gives `value`, as ``#rrggbb``.

    Examples
    --------
    >>> diverging_colour(0, -1, 1, 0), diverging_colour(1, -1, 1, 0), diverging_colour(-0.9, -1, 1, 0)
    ('#F7F7F7', '#00441B', '#5B1567')
    """
    return "#" + "".join(f"{int(c):02X}" for c in _diverging_rgb(value, low, high, middle))


def _diverging_rgb(values: float | np.ndarray, low: float, high: float, middle: float) -> np.ndarray:
    """The sRGB levels (last axis) `diverging_scale(low, high, middle)` gives `values`, rounded to
    whole levels as a colour is written."""
    stops = np.array([_rgb(c) for c in DIVERGING_STOPS])
    domain = diverging_domain(low, high, middle)
    return np.round(np.stack([np.interp(values, domain, stops[:, i]) for i in range(3)], axis=-1))


def text_on_diverging(field: str, middle: float, half_range: float) -> dict[str, Any]:
    """Text colour for a `diverging_scale` cell centred on `middle` and spanning `half_range` on
    each side: white where white contrasts more with the cell than black does, black elsewhere,
    so every label reaches at least 4.58:1 (the worst case of the better of black and white).

    The cells where white is better are found on a fine grid of the scale (the scale is piecewise
    linear in RGB, its luminance monotone on each side of the middle): the test names the two
    values beyond which the text turns white.

    Examples
    --------
    >>> colour = text_on_diverging("rho", 0, 1)
    >>> colour["condition"]["value"], colour["value"]
    ('#FFFFFF', '#000000')
    >>> colour["condition"]["test"]
    "datum['rho'] <= -0.636 || datum['rho'] >= 0.751"
    """
    low, high = middle - half_range, middle + half_range
    grid = np.linspace(low, high, 2001)
    white = CELL_TEXT["on dark"]
    black = CELL_TEXT["on light"]
    # each cell's luminance as `contrast_ratio` computes it for one colour (a matrix product over
    # the whole grid differs in the last bit, which could move a threshold)
    cell = np.array([float(relative_luminance(rgb)) for rgb in _diverging_rgb(grid, low, high, middle)])
    prefers_white = _ratio(_luminance(white), cell) > _ratio(_luminance(black), cell)
    below = grid[(grid < middle) & prefers_white]
    above = grid[(grid > middle) & prefers_white]
    tests = []
    if below.size:
        tests.append(f"datum['{field}'] <= {float(below.max()):.4g}")
    if above.size:
        tests.append(f"datum['{field}'] >= {float(above.min()):.4g}")
    dark = " || ".join(tests) or "false"
    return {"condition": {"test": dark, "value": white}, "value": black}
