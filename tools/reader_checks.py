"""What a reader sees of a page's charts and tables, checked in the browser (issue 22).

`reader_problems(page)` takes a Playwright page that has finished drawing and returns one line
per problem (none: an empty list). The width and colour mode are read from the page itself:

* on a phone (viewport at most `PHONE_MAX` px wide): any chart whose smallest text is drawn
  under `MIN_CHART_TEXT_PX` CSS px (its font size times the scale the chart is shown at);
* on a laptop (viewport at least `LAPTOP_MIN` px): any table wider than the text column (its key
  columns must be visible without scrolling sideways);
* always: a claim's registry id in the visible text of a table cell or a chart label (a hover
  ``title`` attribute may carry it; visible text may not);
* in dark mode: a chart drawn on a near-white background (relative luminance above
  `NEAR_WHITE_LUMINANCE`): a white slab in a dark page;
* on the landing page, on a phone: a first verdict sentence (the element of class
  ``tacmg-first-verdict``) missing, or starting below `LANDING_VERDICT_SCREENS` phone screens of
  `PHONE_SCREEN_PX` px: a reader must learn what was found, and how far to trust it, without
  scrolling far. A page is the landing page when the caller says so or when it carries an element
  of class ``tacmg-landing``.

The numbers are gathered by ``reader_checks_page.js``; this module decides. Used by
``tools/browser_check.py`` at every width and mode; tested on small pages, each with one fault,
by ``tests/test_reader_checks.py``.
"""

from __future__ import annotations

import functools
from pathlib import Path


def page_script(name: str) -> str:
    """The page script ``tools/NAME`` with the shared colour helpers (``page_colours.js``) written in
    where it says ``// @colours``: one copy of the colour arithmetic for both page scripts."""
    here = Path(__file__).parent
    colours = (here / "page_colours.js").read_text(encoding="utf-8")
    return (here / name).read_text(encoding="utf-8").replace("  // @colours\n", colours, 1)


PAGE_JS = page_script("reader_checks_page.js")
PHONE_MAX = 480
LAPTOP_MIN = 1200
MIN_CHART_TEXT_PX = 11.0
# A text size may come out a hair under its nominal size from the scale's rounding.
TOLERANCE_PX = 0.05
NEAR_WHITE_LUMINANCE = 0.8
# A phone screen is 844 CSS px tall (390 x 844, a common phone); the first verdict sentence of the
# landing page must start within the first one and a half.
PHONE_SCREEN_PX = 844
LANDING_VERDICT_SCREENS = 1.5


@functools.cache
def claim_ids() -> tuple[str, ...]:
    """Every claim id of the registry, longest first (a longer id is reported, not its prefix)."""
    from tacmg.claims.registry import load_claims

    return tuple(sorted((claim.id for claim in load_claims()), key=len, reverse=True))


def problems_in(audit: dict, landing: bool = False) -> list[str]:
    """The problems in `reader_checks_page.js`'s `audit` of one page (see the module docstring);
    `landing`: the page is the book's landing page (it must show a verdict early on a phone).

    Examples
    --------
    >>> audit = {"width": 390, "theme": "dark", "columnWidth": 350, "tables": [],
    ...          "charts": [{"index": 1, "drawn": True, "smallest": {"px": 4.1, "text": "QMG"},
    ...                      "background": [255, 255, 255], "backgroundLuminance": 1.0, "ids": []}]}
    >>> for line in problems_in(audit):
    ...     print(line)
    chart 1: text 'QMG' drawn at 4.1 px (< 11 px on a phone)
    chart 1: drawn on a near-white background rgb(255, 255, 255) in dark mode
    >>> audit = {"width": 390, "theme": "light", "columnWidth": 350, "tables": [], "charts": [],
    ...          "landing": {"marked": True, "verdictTop": 1400}}
    >>> problems_in(audit)
    ['landing page: the first verdict sentence starts at y = 1400 px, below 1.5 phone screens (1266 px)']
    """
    problems = []
    phone, laptop, dark = audit["width"] <= PHONE_MAX, audit["width"] >= LAPTOP_MIN, audit["theme"] == "dark"
    for chart in audit["charts"]:
        if not chart["drawn"]:
            continue  # browser_check reports a chart that did not render
        name = f"chart {chart['index']}"
        smallest = chart["smallest"]
        if phone and smallest and smallest["px"] < MIN_CHART_TEXT_PX - TOLERANCE_PX:
            size = f"{smallest['px']:.1f} px (< {MIN_CHART_TEXT_PX:g} px on a phone)"
            problems.append(f"{name}: text {smallest['text']!r} drawn at {size}")
        if dark and chart["backgroundLuminance"] > NEAR_WHITE_LUMINANCE:
            problems.append(f"{name}: drawn on a near-white background rgb{tuple(chart['background'])} in dark mode")
        problems += [f"{name}: a claim id in a label: {label!r}" for label in chart["ids"]]
    for table in audit["tables"]:
        name = f"table {table['index']} ({table['heading']!r} ...)"
        if laptop and table["width"] > audit["columnWidth"] + 1:
            problems.append(f"{name}: {table['width']} px wide in a {audit['columnWidth']} px text column")
        problems += [f"{name}: a claim id in a cell: {cell!r}" for cell in table["ids"]]
    found = audit.get("landing") or {"marked": False, "verdictTop": None}
    if phone and (landing or found["marked"]):
        limit = round(LANDING_VERDICT_SCREENS * PHONE_SCREEN_PX)
        if found["verdictTop"] is None:
            problems.append("landing page: no first verdict sentence (an element of class tacmg-first-verdict)")
        elif found["verdictTop"] > limit:
            where = f"starts at y = {found['verdictTop']} px"
            screens = f"{LANDING_VERDICT_SCREENS:g} phone screens ({limit} px)"
            problems.append(f"landing page: the first verdict sentence {where}, below {screens}")
    return problems


def reader_problems(page, landing: bool = False) -> list[str]:
    """What a reader would find wrong with the charts and tables of a Playwright `page` (drawn);
    `landing`: the page is the book's landing page."""
    return problems_in(page.evaluate(PAGE_JS, list(claim_ids())), landing)
