"""tools/reader_checks.py can fail: small pages, each with one fault a reader would meet (tiny chart
text on a phone, a table wider than the column, a claim id in a cell, a white chart in dark mode),
are opened in Chromium and the check must name the fault, while the same page without it passes.

Needs Debian's Chromium (``make browser``); skipped, with the reason, where /usr/bin/chromium is
missing. One page of one browser serves the module.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (make browser installs Debian's chromium)"
)


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"toolchain_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


reader_checks = _load("reader_checks")


@pytest.fixture(scope="module")
def tab():
    """One page of one browser for the module's tests: each test page replaces the document (a new
    page each cost a renderer process, a third of a second)."""
    from playwright.sync_api import sync_playwright

    browser_check = _load("browser_check")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(browser_check.CHROMIUM_FLAGS))
        yield browser.new_page()
        browser.close()


def chart(natural_width: int, shown_width: int, background: str = "#ffffff", label: str = "QMG (points)") -> str:
    """An Altair-like chart: vega-embed's svg, `natural_width` px wide, shown at `shown_width` px."""
    return (
        f'<div id="altair-viz-0a1b2c"><svg class="marks" width="{natural_width}" height="100" '
        f'viewBox="0 0 {natural_width} 100" style="width: {shown_width}px; height: auto">'
        f'<rect width="{natural_width}" height="100" fill="{background}"/>'
        f'<text x="10" y="50" font-size="11px" fill="#222">{label}</text></svg></div>'
    )


def table(width: int, cell: str = "QMG fall", title: str = "") -> str:
    hover = f' title="{title}"' if title else ""
    return (
        f'<table style="width: {width}px"><thead><tr><th>Claim</th><th>Verdict</th></tr></thead>'
        f"<tbody><tr><td{hover}>{cell}</td><td>holds (conditioned)</td></tr></tbody></table>"
    )


def problems(tab, width: int, body: str, theme: str = "light") -> list[str]:
    tab.set_viewport_size({"width": width, "height": 800})
    tab.set_content(
        f'<!doctype html><html data-theme="{theme}"><body style="margin: 0">'
        f'<article class="bd-article" style="width: {min(width, 700)}px; padding: 0">{body}</article></body></html>'
    )
    return reader_checks.reader_problems(tab)


def test_chart_text_shrunk_below_11_px_on_a_phone_is_reported(tab):
    found = problems(tab, 390, chart(natural_width=900, shown_width=340))
    shown = 11 * 340 / 900  # an 11 px label of a 900 px chart squeezed into 340 px
    assert found == [f"chart 1: text 'QMG (points)' drawn at {shown:.1f} px (< 11 px on a phone)"], found
    assert problems(tab, 390, chart(natural_width=340, shown_width=340)) == []
    # on a laptop the same shrunk chart is not the phone rule's business
    assert problems(tab, 1366, chart(natural_width=900, shown_width=340)) == []


def test_a_table_wider_than_the_text_column_on_a_laptop_is_reported(tab):
    found = problems(tab, 1366, table(width=900))
    assert found == ["table 1 ('Claim' ...): 900 px wide in a 700 px text column"], found
    assert problems(tab, 1366, table(width=650)) == []


def test_a_claim_id_in_a_cell_or_a_chart_label_is_reported_but_not_in_a_hover_title(tab):
    claim_id = reader_checks.claim_ids()[-1]
    found = problems(tab, 1366, table(width=400, cell=f"see {claim_id}"))
    assert found == [f"table 1 ('Claim' ...): a claim id in a cell: 'see {claim_id}'"], found
    labelled = problems(tab, 390, chart(340, 340, label=claim_id))
    assert labelled == [f"chart 1: a claim id in a label: {claim_id!r}"], labelled
    assert problems(tab, 1366, table(width=400, cell="QMG fall", title=claim_id)) == []
    # a hyphenated word that merely contains an id is not an id
    assert problems(tab, 1366, table(width=400, cell=f"x{claim_id}-y")) == []


def test_a_near_white_chart_in_dark_mode_is_reported(tab):
    found = problems(tab, 390, chart(340, 340, background="#ffffff"), theme="dark")
    assert found == ["chart 1: drawn on a near-white background rgb(255, 255, 255) in dark mode"], found
    assert problems(tab, 390, chart(340, 340, background="#14181e"), theme="dark") == []
    assert problems(tab, 390, chart(340, 340, background="#ffffff"), theme="light") == []


def landing(gap_px: int, marked_verdict: bool = True) -> str:
    """A landing page whose first verdict sentence comes after `gap_px` px of title and preamble."""
    verdict_class = "tacmg-first-verdict" if marked_verdict else "tacmg-finding-size"
    return (
        f'<div class="tacmg-landing"><h1 style="height: {gap_px}px; margin: 0">Tacrolimus</h1>'
        f'<p class="{verdict_class}" style="margin: 0">QMG fell; the data were built to meet it.</p></div>'
    )


def test_a_landing_page_whose_first_verdict_starts_below_one_and_a_half_phone_screens_fails(tab):
    limit = round(reader_checks.LANDING_VERDICT_SCREENS * reader_checks.PHONE_SCREEN_PX)
    assert limit == 1266  # 1.5 screens of a 390 x 844 phone
    found = problems(tab, 390, landing(gap_px=1400))
    expected = "landing page: the first verdict sentence starts at y = 1400 px, below 1.5 phone screens (1266 px)"
    assert found == [expected], found
    assert problems(tab, 390, landing(gap_px=500)) == []
    # a landing page that lost its marked verdict sentence fails too
    unmarked = problems(tab, 390, landing(gap_px=500, marked_verdict=False))
    assert unmarked == ["landing page: no first verdict sentence (an element of class tacmg-first-verdict)"], unmarked
    # the phone rule only: a laptop shows more of the page
    assert problems(tab, 1366, landing(gap_px=1400)) == []
    # a page that is not marked as the landing page is not held to it ...
    assert problems(tab, 390, "<p>chapter text</p>") == []


def test_the_browser_check_holds_the_toc_root_to_the_landing_rule():
    browser_check = _load("browser_check")
    assert browser_check.landing_pages() == frozenset({"notebooks/00-findings.html"})
