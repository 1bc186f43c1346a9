"""How the book's charts fit a phone and follow the page's dark mode: a script that wraps
vega-embed in the browser.

**Why in the browser, and why this mechanism.** A chart built for a laptop's 757 px column and
shrunk whole to a phone's column (the book's CSS scales an SVG to its column rather than cut it)
shows its text at 4-6 CSS px. The alternatives:

* *Build every chart phone-narrow.* Panels that sit side by side on a laptop (a score's slopes
  beside its changes, two heatmaps) would be stacked everywhere, and the laptop page would be
  twice as long for nothing.
* *Vega-Lite's ``width: "container"``.* It resizes single views only; most of the book's charts
  are concatenations or grids, and resizing alone keeps a wide grid wide.
* *Two renderings of each chart, switched by a CSS media query.* Twice the data in every page,
  twice the charts for the browser and the notebook checks to count, and a media query knows the
  viewport, not the column the chart sits in.

So each chart is drawn as built, and only when it is wider than its column is it drawn again in a
*phone layout* (`chart_layout.js`, ``phoneLayout``): panels side by side are stacked (hconcat ->
vconcat), grids and facets take one column, legends go under the chart one entry a line, long
titles break between words; then fixed widths are cut by what still overflows (``fitWidths``),
at most a few times. The chart is then drawn at its natural size, so its text is as large as the
Altair theme sets it (`tacmg.presentation.palette.chart_config`: at least
`~tacmg.presentation.palette.MIN_FONT_PX` px). The same rewriting of the spec gives the dark
mode (``darkSpec``): when pydata-sphinx-theme sets ``<html data-theme="dark">``, each role colour
is swapped for its counterpart in `~tacmg.presentation.palette.DARK_COUNTERPARTS` and the chart is
drawn on the page's background; switching the mode (or resizing the window) redraws the charts.

The script is appended to the vendored vega bundle (`tacmg.presentation.vega_bundle`), so the
built book and JupyterLab both run it, and the notebooks' stored outputs (Altair's own HTML, which
calls ``vegaEmbed`` by its global name) need no change. The PDF (vl-convert) draws the charts as
built. Written by hand: neither Altair nor vega-embed offers a layout per width.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from tacmg.presentation.chart_theme import FONT_SIZES
from tacmg.presentation.palette import DARK_COUNTERPARTS, DARK_PAGE

# The text colours of dark mode: pydata-sphinx-theme's text and border colours in its dark theme.
DARK_TEXT = "#CED6DD"
DARK_GRID = "#364150"

SETTINGS: dict[str, Any] = {
    # average character width as a share of the font size (the theme's sans-serif), for breaking titles
    "charWidth": 0.58,
    "fonts": {
        "title": FONT_SIZES["title"],
        "subtitle": FONT_SIZES["subtitle"],
        "axisTitle": FONT_SIZES["axis title"],
        "label": FONT_SIZES["label"],
    },
    # no plot narrower than this (px); no heatmap cell narrower than this step (px): a cell holds
    # "100%" at the smallest text size
    "minWidth": 120,
    "minStep": 29,
    # on a phone a row's name takes at most this share of the column, in lines; a row is then at
    # least this tall (px), room for two lines
    "rowLabelShare": 0.37,
    "rowStep": 28,
    "fitAttempts": 4,
    "dark": DARK_COUNTERPARTS,
    "darkConfig": {
        "background": DARK_PAGE,
        "view": {"stroke": DARK_GRID},
        "axis": {
            "labelColor": DARK_TEXT,
            "titleColor": DARK_TEXT,
            "domainColor": DARK_TEXT,
            "tickColor": DARK_TEXT,
            "gridColor": DARK_GRID,
        },
        "legend": {"labelColor": DARK_TEXT, "titleColor": DARK_TEXT},
        "header": {"labelColor": DARK_TEXT, "titleColor": DARK_TEXT},
        "title": {"color": DARK_TEXT, "subtitleColor": DARK_TEXT},
        "text": {"color": DARK_TEXT},
    },
}


@functools.cache
def script() -> str:
    """The layout script with its settings filled in, ready to follow the vega libraries.

    Examples
    --------
    >>> text = script()
    >>> "phoneLayout" in text, "/*SETTINGS*/ {})" in text
    (True, False)
    """
    source = resources.files("tacmg.presentation").joinpath("chart_layout.js").read_text(encoding="utf-8")
    if "/*SETTINGS*/ {}" not in source:
        raise RuntimeError("chart_layout.js has lost its /*SETTINGS*/ placeholder")
    return source.replace("/*SETTINGS*/ {}", json.dumps(SETTINGS, sort_keys=True))
