"""tools/browser_check.py can fail: tiny pages with one fault each are opened in Chromium and the
check must name the fault, while a clean page passes (so the check does not just fail everything).

Needs Debian's Chromium (``make browser``); skipped, with the reason, where /usr/bin/chromium is
missing. Each test opens one browser, for a few seconds.
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


def open_chapter(tmp_path: Path, *, banner_text: str, banner_background: str, extra: str = ""):
    """Build a one-page site, open it at 390 px in dark mode; return (problems of the page,
    problems of the browser itself)."""
    browser_check = load_browser_check()
    site = tmp_path / "html"
    (site / "notebooks").mkdir(parents=True)
    page = site / "notebooks" / "01-chapter.html"
    page.write_text(PAGE.format(banner_text=banner_text, banner_background=banner_background, extra=extra))
    openings, browser_problems, _ = browser_check.check_site(
        site, tmp_path / "shots", pages=[page], widths=(390,), modes=("dark",), notebooks=tmp_path / "none"
    )
    (opening,) = openings
    assert (tmp_path / "shots" / "notebooks__01-chapter__390-dark.png").is_file()
    return opening.problems, browser_problems


def test_banner_text_in_the_colour_of_its_background_is_reported(tmp_path):
    problems, _ = open_chapter(tmp_path, banner_text="#222832", banner_background="#222832")
    ours = [p for p in problems if p.startswith("banner text")]
    assert len(ours) == 2, problems  # the title and the paragraph
    assert all("contrast 1.00:1" in p and "rgb(34, 40, 50) on rgb(34, 40, 50)" in p for p in ours)
    # axe-core sees it too (as text it cannot decide on: a 1:1 ratio), and says so
    assert any(p.startswith("axe color-contrast") for p in problems), problems


def test_weak_banner_contrast_is_reported_by_both_checks(tmp_path):
    problems, _ = open_chapter(tmp_path, banner_text="#999999", banner_background="#ffffff")  # 2.85:1
    assert any(p.startswith("banner text") and "2.85:1" in p for p in problems), problems
    assert any(p.startswith("axe color-contrast") for p in problems), problems


def test_overflow_console_errors_and_outside_requests_are_reported(tmp_path):
    extra = (
        '<div style="width: 600px">a table too wide for a phone</div>'
        "<script>console.error('boom'); console.warn('careful');</script>"
        '<img alt="" src="http://example.org/pixel.png">'
    )
    problems, _ = open_chapter(tmp_path, banner_text="#1a1a1a", banner_background="#fff3cd", extra=extra)
    assert any(p.startswith("page is") and "390 px viewport" in p for p in problems), problems
    assert "console.error: boom" in problems and "console.warning: careful" in problems
    assert "request left 127.0.0.1 (aborted): http://example.org/pixel.png" in problems


def test_a_clean_page_passes_and_the_browser_asks_nothing_outside(tmp_path):
    problems, browser_problems = open_chapter(tmp_path, banner_text="#1a1a1a", banner_background="#fff3cd")
    assert problems == []
    assert browser_problems == []  # Chromium's own services reached no host but 127.0.0.1
