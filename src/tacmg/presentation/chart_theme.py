"""The Altair theme of the book's charts (``tacmg``, enabled on import): text sizes a phone can
read. Imported by `tacmg.presentation.palette`, so every chart module gets it.
"""

from __future__ import annotations

from typing import Any, Final

import altair as alt

# Text sizes (CSS px at the chart's own scale) below which no chart text goes: the phone layout
# of `tacmg.presentation.chart_layout` draws charts unscaled, so these are the sizes a reader sees.
MIN_FONT_PX: Final = 11
FONT_SIZES = {"label": 11, "axis title": 12, "panel title": 12, "title": 14, "subtitle": 12}


def chart_config() -> dict[str, Any]:
    """The Vega-Lite ``config`` of every chart (the ``tacmg`` Altair theme): Altair's default
    view size and text no smaller than `MIN_FONT_PX`.

    Examples
    --------
    >>> config = chart_config()
    >>> config["axis"]["labelFontSize"], config["legend"]["labelFontSize"], config["text"]["fontSize"]
    (11, 11, 11)
    """
    label, heading = FONT_SIZES["label"], FONT_SIZES["axis title"]
    return {
        "view": {"continuousWidth": 300, "continuousHeight": 300},
        "axis": {"labelFontSize": label, "titleFontSize": heading},
        "legend": {"labelFontSize": label, "titleFontSize": heading},
        "header": {"labelFontSize": FONT_SIZES["panel title"], "titleFontSize": heading},
        "title": {"fontSize": FONT_SIZES["title"], "subtitleFontSize": FONT_SIZES["subtitle"]},
        "text": {"fontSize": label},
    }


@alt.theme.register("tacmg", enable=True)
def _tacmg_theme() -> alt.theme.ThemeConfig:
    return {"config": chart_config()}  # type: ignore[typeddict-item]
