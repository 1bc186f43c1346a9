"""The book's one visual language for charts, defined once: every colour a chart may use, the
subtitle that says whose data a chart shows, and the small helpers every chart module shares
(panel titles, units, log scales, alternative text).

The colour system (documented in ``book/developer-guide.md``; ``tests/test_charts.py`` fails on a
chart that uses a colour or colour scheme not defined here):

* visits and groups: baseline blue, month 12 orange, healthy controls grey (Okabe-Ito);
* post-intervention statuses: eight colours none of which shares a hue with a visit, greens for
  remission and minimal manifestations, reddish purple for improved, black for unchanged, reds
  for worse, exacerbation and death (Okabe-Ito and Paul Tol);
* one diverging scale, purple to green (ColorBrewer PRGn, safe for colour-blind readers, not
  red-green), for every quantity with a meaningful middle (a correlation, a share of cohorts);
* dark against light grey for "meets the criterion" against "does not" (adjusted p below the
  level, a count the registry accepts), and neutral inks for rules, lines and text.

Colour is never the only carrier: visits also sit at their own x position, a change's direction
is also its marker's shape, and every colour encoding has a legend. Tooltips on every point; axis
titles with units. Charts never show patient codes: points are identified by their values only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Final, Literal

import altair as alt
import numpy as np
import pandas as pd

from tacmg.data.contract import MOLECULE_UNIT, SCORES, STATUS_MEANINGS
from tacmg.presentation.chart_theme import FONT_SIZES

# What a single chart function returns: Altair's `properties()` widens a layer to layer-or-facet.
SingleChart = alt.Chart | alt.LayerChart | alt.FacetChart

VISIT_LABELS = {"baseline": "Baseline", "month_12": "Month 12", "control": "Healthy controls"}


VISIT_COLOURS = {"Baseline": "#0072B2", "Month 12": "#E69F00", "Healthy controls": "#999999"}


# In MGFA order, best to worst.
STATUS_COLOURS = {
    "CSR": "#117733",
    "PR": "#999933",
    "MM": "#009E73",
    "I": "#CC79A7",
    "U": "#000000",
    "W": "#CC6677",
    "E": "#882255",
    "D": "#663333",
}


# Neutral inks: text and emphasised marks, reference rules, the lines joining a patient's
# visits, de-emphasised marks, shaded bands, text on a dark cell.
NEUTRALS = {
    "ink": "#222222",
    "rule": "#555555",
    "track": "#A0A0A0",
    "muted": "#B0B0B0",
    "band": "#DDDDDD",
    "paper": "#FFFFFF",
}


# Meets a criterion (adjusted p below the level; a count the claims registry accepts) or not.
CRITERION_COLOURS = {"yes": NEUTRALS["ink"], "no": NEUTRALS["muted"]}


# The one diverging scale (Vega's name for ColorBrewer PRGn): purple low, green high; its two
# strong ends name "high" and "low" where a chart sorts values into bands (a claim that holds in
# almost every cohort, or almost none).
DIVERGING_SCHEME: Final = "purplegreen"
DIVERGING_ENDS = {"low": "#762A83", "high": "#1B7837"}
# ColorBrewer's eleven PRGn classes, low to high: the diverging scale interpolates them in RGB
# (rather than naming Vega's scheme) so that the colour of every cell is known here, and the text
# drawn on it can be chosen for contrast (`text_on_diverging`).
DIVERGING_STOPS: Final = (
    "#40004B", "#762A83", "#9970AB", "#C2A5CF", "#E7D4E8", "#F7F7F7",
    "#D9F0D3", "#A6DBA0", "#5AAE61", "#1B7837", "#00441B",
)  # fmt: skip
# Text on a cell of the diverging scale: black or white, whichever contrasts more with the cell
# (at least 4.58:1 for any cell colour). Kept apart from the inks: a cell keeps its colour in dark
# mode, so the text on it keeps its colour too.
CELL_TEXT = {"on light": "#000000", "on dark": "#FFFFFF"}


# The colour of the data note under every chart title (text, not a data encoding).
NOTE_COLOUR = "#AA3333"


# A change's direction is drawn as the marker's shape (no colour: charts that show changes also
# colour statuses).
CHANGE_SHAPES = {"fell": "triangle-down", "no change": "circle", "rose": "triangle-up"}


# Dark mode (the book's page in pydata-sphinx-theme's dark theme): each colour that marks a role
# against the page (inks, reference lines, the data note, statuses and reading ends too dark to
# see on a dark page) has a dark-mode counterpart of the same hue and role, and the chart is drawn
# on the page's own dark background. Data cells of the diverging scale keep their colours (their
# text is chosen for them: `CELL_TEXT`, `tacmg.presentation.colour_contrast`). Applied in the
# browser by `tacmg.presentation.chart_layout`.
DARK_PAGE = "#14181E"  # pydata-sphinx-theme's --pst-color-background in dark mode
DARK_COUNTERPARTS = {
    NEUTRALS["ink"]: "#E6E6E6",
    NEUTRALS["rule"]: "#B4B4B4",
    NEUTRALS["track"]: "#8A8A8A",
    NEUTRALS["muted"]: "#5C5C5C",
    NEUTRALS["band"]: "#3A3F47",
    STATUS_COLOURS["CSR"]: "#44AA77",
    STATUS_COLOURS["U"]: "#FFFFFF",
    STATUS_COLOURS["E"]: "#CC6699",
    STATUS_COLOURS["D"]: "#AA7766",
    DIVERGING_ENDS["low"]: "#C2A5CF",
    DIVERGING_ENDS["high"]: "#5AAE61",
    NOTE_COLOUR: "#F28B82",
}
WIDTH = 320


HEIGHT = 260


def palette_colours() -> set[str]:
    """Every colour a chart may use, as lower-case ``#rrggbb``.

    Examples
    --------
    >>> colours = palette_colours()
    >>> "#0072b2" in colours, "#4c72b0" in colours
    (True, False)
    """
    groups = (VISIT_COLOURS, STATUS_COLOURS, NEUTRALS, CRITERION_COLOURS, DIVERGING_ENDS, CELL_TEXT)
    stops = {c.lower() for c in DIVERGING_STOPS}
    return {c.lower() for group in groups for c in group.values()} | stops | {NOTE_COLOUR.lower()}


def visit_scale(groups: Iterable[str] | None = None) -> alt.Scale:
    """The colour scale of the visits (baseline, month 12, healthy controls), the same in every chart.

    `groups` (VISIT_LABELS values) limits the scale to the groups a chart shows, in the usual order.

    Examples
    --------
    >>> visit_scale(["Month 12", "Baseline"]).to_dict()["domain"]
    ['Baseline', 'Month 12']
    """
    shown = list(VISIT_COLOURS) if groups is None else [g for g in VISIT_COLOURS if g in set(groups)]
    return alt.Scale(domain=shown, range=[VISIT_COLOURS[g] for g in shown])


def status_scale(codes: Iterable[str]) -> alt.Scale:
    """The colour scale of the post-intervention statuses present in `codes`, in MGFA order.

    Examples
    --------
    >>> status_scale(["U", "MM", "I"]).to_dict()["range"]
    ['#009E73', '#CC79A7', '#000000']
    """
    codes = [c for c in STATUS_COLOURS if c in set(codes)]
    return alt.Scale(domain=codes, range=[STATUS_COLOURS[c] for c in codes])


def criterion_scale(yes: str, no: str) -> alt.Scale:
    """Dark for the category that meets a criterion (`yes`), light grey for the one that does not.

    Examples
    --------
    >>> criterion_scale("significant", "not").to_dict()["range"]
    ['#222222', '#B0B0B0']
    """
    return alt.Scale(domain=[yes, no], range=[CRITERION_COLOURS["yes"], CRITERION_COLOURS["no"]])


def diverging_scale(low: float, high: float, middle: float) -> alt.Scale:
    """The book's diverging colour scale from `low` to `high`, neutral at `middle`: the PRGn
    classes (`DIVERGING_STOPS`) spread evenly on each side of `middle`, interpolated in RGB.

    Examples
    --------
    >>> scale = diverging_scale(-1, 1, 0).to_dict()
    >>> scale["domain"][:2], scale["domain"][5], scale["range"][5], scale["interpolate"]
    ([-1.0, -0.8], 0.0, '#F7F7F7', 'rgb')
    """
    return alt.Scale(domain=list(diverging_domain(low, high, middle)), range=list(DIVERGING_STOPS), interpolate="rgb")


def diverging_domain(low: float, high: float, middle: float) -> np.ndarray:
    """The values at which `diverging_scale` reaches each of `DIVERGING_STOPS`."""
    half = len(DIVERGING_STOPS) // 2
    return np.concatenate([np.linspace(low, middle, half + 1), np.linspace(middle, high, half + 1)[1:]]).round(12)


def legend(
    title: str | None, orient: Literal["left", "right", "top", "bottom"] = "right", **options: Any
) -> alt.Legend:
    """A legend whose labels are never cut (no label limit), with opaque symbols, placed at `orient`.

    Examples
    --------
    >>> legend("Status", "bottom").to_dict()["labelLimit"]
    0
    """
    return alt.Legend(title=title, orient=orient, labelLimit=0, titleLimit=0, symbolOpacity=1, **options)


def status_legend(
    title: str | None, orient: Literal["left", "right", "top", "bottom"] = "right", **options: Any
) -> alt.Legend:
    """A `legend` for the status colours whose labels spell each code out ("MM: minimal
    manifestation status", "I: improved"): a reader need not know the MGFA codes.

    Examples
    --------
    >>> status_legend("Status").to_dict()["labelExpr"].split(", ")[2]
    "'MM': 'MM: minimal manifestation status'"
    """
    words = ", ".join(f"'{code}': '{code}: {meaning}'" for code, meaning in STATUS_MEANINGS.items())
    if orient in ("top", "bottom"):
        options.setdefault("columns", 2)  # spelled-out labels in one row would outgrow the column
    return legend(title, orient, labelExpr=f"{{{words}}}[datum.label] || datum.label", **options)


def direction(changes: Iterable[float]) -> list[str]:
    """The direction of each change ('fell', 'no change', 'rose'), the keys of `CHANGE_SHAPES`.

    Examples
    --------
    >>> direction([-2, 0, 0.5])
    ['fell', 'no change', 'rose']
    """
    return ["fell" if c < 0 else "rose" if c > 0 else "no change" for c in changes]


def data_note(reconstructed: bool) -> str:
    """The subtitle every chart carries: whether its data are reconstructed or the reader's."""
    return "Reconstructed data, not patient data" if reconstructed else "Data supplied by the reader"


def titled(title: str, reconstructed: bool) -> alt.TitleParams:
    """A chart title with the `data_note` subtitle."""
    return alt.TitleParams(
        title,
        subtitle=[data_note(reconstructed)],
        anchor="start",
        subtitleColor=NOTE_COLOUR,
        subtitleFontStyle="italic",
    )


def panel_title(text: str) -> alt.TitleParams:
    """The title of one small-multiple panel."""
    return alt.TitleParams(text, anchor="start", fontSize=FONT_SIZES["panel title"])


def with_notes(title: str, reconstructed: bool, *notes: str) -> alt.TitleParams:
    """`titled` plus explanatory lines under the data note."""
    params = titled(title, reconstructed)
    params.subtitle = [*params.subtitle, *notes]
    return params


# Altair refuses to embed more rows than this in one chart (its MaxRowsError; the check stays on).
CHART_MAX_ROWS: Final = 5000
# A chart whose data exceed CHART_MAX_ROWS shows a random sample of about this many rows instead,
# drawn with this seed (the same sample on every run), and says so under its title.
CHART_SAMPLE_ROWS: Final = 2000
CHART_SAMPLE_SEED: Final = 20221112


def chart_rows(frame: pd.DataFrame, unit: str | None = None, what: str = "patients") -> tuple[pd.DataFrame, list[str]]:
    """The rows a chart draws, and the title note that says when they are a sample: the book's one
    rule for cohorts too large for a chart.

    Parameters
    ----------
    frame : pandas.DataFrame
        The chart's data.
    unit : str, optional
        The column whose values group rows drawn together (a patient's two visits, a patient's
        values of several molecules): a sample keeps or drops each group whole. None: each row alone.
    what : str
        What the units are, for the note ("patients", "values").

    Returns
    -------
    rows : pandas.DataFrame
        `frame` itself when it has at most `CHART_MAX_ROWS` rows; otherwise the rows of a random
        sample of its units (seed `CHART_SAMPLE_SEED`) of about `CHART_SAMPLE_ROWS` rows, in their order.
    notes : list of str
        Empty, or one line for `with_notes`: how many of how many units are shown.

    Examples
    --------
    >>> small = pd.DataFrame({"patient": [1, 1, 2, 2], "value": [3.0, 4.0, 5.0, 6.0]})
    >>> chart_rows(small, "patient")[1]
    []
    >>> large = pd.DataFrame({"patient": np.repeat(np.arange(3000), 2), "value": 1.0})
    >>> rows, notes = chart_rows(large, "patient")
    >>> len(rows), notes
    (2000, ['A random 1,000 of 3,000 patients shown (a chart holds at most 5,000 rows)'])
    """
    if len(frame) <= CHART_MAX_ROWS:
        return frame, []
    keys = frame[unit].to_numpy() if unit else np.arange(len(frame))
    units = pd.unique(keys)
    shown = max(1, int(CHART_SAMPLE_ROWS * len(units) // len(frame)))
    chosen = np.random.default_rng(CHART_SAMPLE_SEED).choice(units, size=shown, replace=False)
    note = f"A random {shown:,} of {len(units):,} {what} shown (a chart holds at most {CHART_MAX_ROWS:,} rows)"
    return frame[np.isin(keys, chosen)], [note]


def notes_of(*charts: Any) -> list[str]:
    """The notes under the data note of these charts' titles, each once: what a chart that
    combines panels (and gives them titles of its own) must repeat under its own title.

    Examples
    --------
    >>> a = alt.Chart().properties(title=with_notes("A", True, "A random 10 of 90 patients shown"))
    >>> notes_of(a, a, alt.Chart().properties(title="B"))
    ['A random 10 of 90 patients shown']
    """
    notes: dict[str, None] = {}
    for chart in charts:
        title = getattr(chart, "title", None)
        subtitle = getattr(title, "subtitle", None)
        if isinstance(subtitle, list):
            notes.update(dict.fromkeys(str(line) for line in subtitle[1:]))
    return list(notes)


def unit_of(variable: str) -> str:
    """The unit of a contract variable: points for a clinical score, pg/mL for a molecule."""
    return "points" if variable in SCORES else MOLECULE_UNIT


def is_score(variable: str) -> bool:
    """Whether a contract variable is one of the four clinical scores."""
    return variable in SCORES


def log_scale(values) -> alt.Scale:
    """A log scale spanning the data (not whole decades), so small panels use their space."""
    values = pd.Series(values, dtype=float)
    return alt.Scale(type="log", domain=[float(values.min()) / 1.15, float(values.max()) * 1.15], nice=False)


def number(value: Any, digits: int = 3) -> str:
    """A number for alternative text: `digits` significant digits, no trailing zeros.

    Examples
    --------
    >>> number(37.8125), number(-4.0), number(0.000123456), number(240123.0), number(float("nan"))
    ('37.8', '-4', '0.000123', '240000', 'not computable')
    """
    if not math.isfinite(float(value)):
        return "not computable"
    rounded = float(f"{float(value):.{digits}g}")
    return f"{rounded:.0f}" if abs(rounded) >= 10**digits else f"{rounded:g}"


def listing(items: Iterable[str]) -> str:
    """Items joined for a sentence: 'a', 'a and b', 'a, b and c'.

    Examples
    --------
    >>> listing(["QMG", "MMT", "MG-ADL"])
    'QMG, MMT and MG-ADL'
    """
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


LOG_AXIS = alt.Axis(labelSeparation=6, tickCount=5)
