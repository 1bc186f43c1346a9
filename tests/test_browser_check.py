"""tools/browser_check.py can fail: tiny pages with one fault each are opened in Chromium and the
check must name the fault, while a clean page passes (so the check does not just fail everything).

Needs Debian's Chromium (``make browser``); skipped, with the reason, where /usr/bin/chromium is
missing. One browser serves the module's tests (a launch costs about a second), but for the test
of the browser's own network log, which launches its own as the check does.
"""

from __future__ import annotations

import importlib.util
import itertools
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (make browser installs Debian's chromium)"
)

# A chapter-like page: the theme's way of choosing the colour mode, and the data banner.
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Chapter</title>
<link rel="icon" href="data:,">
<script>document.documentElement.dataset.theme = localStorage.getItem("theme") || "light";</script>
<style>
  body {{ background: #ffffff; color: #222222; font: 16px sans-serif; margin: 0; padding: 8px; }}
  .tacmg-banner {{ background: {banner_background}; color: {banner_text}; padding: 8px; }}
</style></head>
<body><main>
<div class="admonition warning tacmg-banner"><p class="admonition-title">Reconstructed data</p>
<p>Reconstructed data, not patient data.</p></div>
<p>Some prose of the chapter.</p>
{extra}
</main></body></html>"""


def load_browser_check():
    spec = importlib.util.spec_from_file_location("toolchain_browser_check", ROOT / "tools" / "browser_check.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright):
    flags = list(load_browser_check().CHROMIUM_FLAGS)
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=flags)
    yield browser
    browser.close()


def open_chapter(
    tmp_path: Path,
    browser,
    *,
    banner_text: str,
    banner_background: str,
    extra: str = "",
    width: int = 1366,
    playwright=None,
):
    """Build a one-page site, open it at `width` in dark mode (in `browser`, or, when it is None, in a
    browser of its own launched from `playwright`, as the check does); return (problems of the
    page, problems of the browser itself)."""
    browser_check = load_browser_check()
    site = tmp_path / "html"
    (site / "notebooks").mkdir(parents=True)
    page = site / "notebooks" / "01-chapter.html"
    page.write_text(PAGE.format(banner_text=banner_text, banner_background=banner_background, extra=extra))
    openings, browser_problems, _ = browser_check.check_site(
        site,
        tmp_path / "shots",
        pages=[page],
        widths=(width,),
        modes=("dark",),
        notebooks=tmp_path / "none",
        browser=browser,
        playwright=playwright,
    )
    (opening,) = openings
    # a full-page screenshot of a failing view, and of no other
    assert (tmp_path / "shots" / f"notebooks__01-chapter__{width}-dark.png").is_file() == bool(opening.problems)
    return opening.problems, browser_problems


def test_banner_text_in_the_colour_of_its_background_is_reported(tmp_path, browser):
    problems, _ = open_chapter(tmp_path, browser, banner_text="#222832", banner_background="#222832")
    ours = [p for p in problems if p.startswith("banner text")]
    assert len(ours) == 2, problems  # the title and the paragraph
    assert all("contrast 1.00:1" in p and "rgb(34, 40, 50) on rgb(34, 40, 50)" in p for p in ours)
    # axe-core sees it too (as text it cannot decide on: a 1:1 ratio), and says so
    assert any(p.startswith("axe color-contrast") for p in problems), problems


def test_weak_banner_contrast_is_reported_by_both_checks(tmp_path, browser):
    problems, _ = open_chapter(tmp_path, browser, banner_text="#999999", banner_background="#ffffff")  # 2.85:1
    assert any(p.startswith("banner text") and "2.85:1" in p for p in problems), problems
    assert any(p.startswith("axe color-contrast") for p in problems), problems


def test_overflow_console_errors_outside_requests_and_undrawn_icons_are_reported(tmp_path, browser):
    extra = (
        '<div style="width: 600px">a table too wide for a phone</div>'
        "<script>console.error('boom'); console.warn('careful');</script>"
        '<img alt="" src="http://example.org/pixel.png">'
        '<i class="fa-solid fa-sun"></i>'  # an icon Font Awesome's script never drew
    )
    problems, _ = open_chapter(
        tmp_path, browser, banner_text="#1a1a1a", banner_background="#fff3cd", extra=extra, width=390
    )
    assert any(p.startswith("page is") and "390 px viewport" in p for p in problems), problems
    assert "console.error: boom" in problems and "console.warning: careful" in problems
    assert "request for something off 127.0.0.1: http://example.org/pixel.png" in problems
    assert "1 icon(s) of the theme not drawn (Font Awesome)" in problems


def test_a_clean_page_passes_and_the_browser_asks_nothing_outside(tmp_path, playwright):
    problems, browser_problems = open_chapter(
        tmp_path, None, banner_text="#1a1a1a", banner_background="#fff3cd", playwright=playwright
    )
    assert problems == []
    assert browser_problems == []  # Chromium's own services reached no host but 127.0.0.1


def test_a_chart_that_never_draws_is_reported_once_the_ceiling_is_reached(tmp_path, browser):
    browser_check = load_browser_check()
    site = tmp_path / "html"
    site.mkdir()
    (site / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>x</title><link rel="icon" href="data:,">'
        '</head><body><main><div id="altair-viz-0a1b"></div></main></body></html>'
    )
    openings, _, _ = browser_check.check_site(
        site,
        tmp_path / "shots",
        pages=[site / "index.html"],
        widths=(390,),
        modes=("light",),
        timeout=2,
        browser=browser,
        playwright=playwright,
    )
    (opening,) = openings
    assert "0 of 1 chart(s) rendered" in opening.problems, opening.problems
    assert any(p.startswith("not ready") for p in opening.problems), opening.problems


# The theme's button as pydata-sphinx-theme wires it, reduced to what the check relies on: a click
# changes <html data-theme> and stores the choice.
THEME_BUTTON = (
    '<button class="theme-switch-button" onclick="const d = document.documentElement.dataset; '
    "d.theme = d.theme === 'dark' ? 'light' : 'dark'; localStorage.setItem('theme', d.theme);\">mode</button>"
)


def test_each_page_is_seen_in_both_modes_by_switching_with_the_theme_button(tmp_path, browser):
    browser_check = load_browser_check()
    site = tmp_path / "html"
    (site / "notebooks").mkdir(parents=True)
    with_button, without = site / "notebooks" / "01-a.html", site / "notebooks" / "02-b.html"
    colours = {"banner_text": "#1a1a1a", "banner_background": "#fff3cd"}
    with_button.write_text(PAGE.format(extra=THEME_BUTTON, **colours))
    without.write_text(PAGE.format(extra="", **colours))
    openings, _, _ = browser_check.check_site(
        site,
        tmp_path / "shots",
        pages=[with_button, without],
        widths=(1366,),
        notebooks=tmp_path / "none",
        browser=browser,
    )
    views = {(o.page, o.mode): o.problems for o in openings}
    # the first page loads light and is switched to dark by its button; the second loads dark
    assert views[("notebooks/01-a.html", "light")] == [] and views[("notebooks/01-a.html", "dark")] == []
    assert views[("notebooks/02-b.html", "dark")] == []
    assert views[("notebooks/02-b.html", "light")] == [
        "the theme button did not switch the page to light mode",
        "the theme shows 'dark', not 'light'",
    ]


def test_four_views_from_one_load_and_the_pages_take_turns_at_the_load():
    browser_check = load_browser_check()
    every = {(width, mode) for width in browser_check.WIDTHS for mode in browser_check.MODES}
    first_loads = []
    for number in range(4):
        views = browser_check.views_of(number)
        assert set(views) == every and len(views) == 4, views
        # each step is one thing a reader does: press the theme button, or resize
        assert all(len(set(a) ^ set(b)) == 2 for a, b in itertools.pairwise(views)), views
        first_loads.append(views[0])
    assert set(first_loads) == every


# A chart whose layout redraws it narrower 0.4 s after the window is resized, as the book's chart
# layout does, and says when it is done (window.tacmgChartLayout.settled).
RESIZED_CHART = """<!doctype html><html lang="en" data-theme="light"><head><meta charset="utf-8"><title>x</title>
<link rel="icon" href="data:,"></head><body style="margin: 0"><main>
<div id="altair-viz-0a1b" data-tacmg-theme="light"><svg class="marks" width="600" height="50"
 style="width: 600px; height: 50px"></svg></div></main>
<script>
let busy = false;
window.tacmgChartLayout = { settled: () => !busy };
addEventListener("resize", () => {
  busy = true;
  setTimeout(() => {
    const svg = document.querySelector("svg.marks");
    svg.setAttribute("width", "300");
    svg.style.width = "300px";
    busy = false;
  }, 400);
});
</script></body></html>"""


def test_after_a_resize_the_check_waits_for_the_charts_to_be_redrawn(tmp_path, browser):
    browser_check = load_browser_check()
    site = tmp_path / "html"
    site.mkdir()
    (site / "chart.html").write_text(RESIZED_CHART)
    openings, _, _ = browser_check.check_site(
        site,
        tmp_path / "shots",
        pages=[site / "chart.html"],
        modes=("light",),
        notebooks=tmp_path / "none",
        browser=browser,
    )
    assert [(o.width, o.problems) for o in openings] == [(1366, []), (390, [])]
