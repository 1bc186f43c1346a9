"""Open every page of the built book in headless Chromium, as readers would, and check it.

Each page of ``_build/html`` is served from 127.0.0.1 and opened with Playwright in Debian's
Chromium (``/usr/bin/chromium``; nothing is downloaded) and seen at two widths (1366 px, a laptop,
and 390 px, a phone) in both colour modes of the theme: four views from one load. A page is loaded
at one width in one mode (pydata-sphinx-theme's stored ``mode``, and ``prefers-color-scheme``
emulated to match; at 1366 px in light mode no mode is stored, as on a reader's first visit),
checked, switched to the other mode with the theme's own button, as a reader does, checked again,
then resized to the other width (the book's charts redraw for the new column, as when a reader
narrows the window or turns a tablet) and switched back. The pages take turns at the width and mode
they load in, so each of the four views is a first load for a quarter of the pages. Loading each
page once, not once a width, took the whole check from 184 to 147 core-seconds (98 to 82 s on two
browsers; measured: a load cost 0.9 s, most of it the vega bundle and the charts' first drawing).
One tab opens every page in turn, as a reader follows the book's links (`Tab`); the pages are dealt
out to two browsers in two processes (``--browsers``). A view is checked once the page says it is
ready: the document loaded, its fonts loaded, no CSS transition running and every chart container
holding a drawn ``svg.marks`` (or an error), marked by the book's chart layout as drawn in the
page's current mode, and the layout settled (no drawing queued or running, none waiting on a resize
it heard, a frame after a resize); the ceiling on that wait only catches a hang. Every view must
show:

1. every Altair chart rendered (vega-embed drew an ``svg``/``canvas`` inside its
   ``<div id="altair-viz-...">``), no chart error, and for a chapter at least as many charts as
   its executed notebook displays (MyST-NB #617: the execution cache once dropped outputs);
2. nothing sideways: the document is no wider than the viewport (``scrollWidth``), and no chart is
   wider than the output box it is drawn in (where it would be cut off or scrolled);
3. the reconstructed-data banner on every chapter, its text at a contrast of at least 4.5:1 with
   what is behind it (computed colours, each composited over the layers beneath, WCAG 2 formula);
4. at 1366 px, in the first view at that width, no colour-contrast violation found by axe-core
   (its ``color-contrast`` rule, with the text it leaves "incomplete" for having the colour of its
   background; the script ships in the ``axe-playwright-python`` wheel, axe-core under MPL-2.0).
   axe takes 1.5 s a view, half of a view's time: the other views skip it. The pages take turns at
   the mode of that view, so axe sees every page in one mode and the book's stylesheet in both
   (measured: 54 runs took 80 of 165 s on one browser);
5. every icon of the theme drawn (Font Awesome's script replaced each ``<i class="fa-...">``);
6. no console error or warning, no uncaught exception, no response with an error status, and no
   request for anything but 127.0.0.1 (reported; it cannot leave, as no other host resolves).

The browser itself is checked too: its network log (``--log-net-log``) must show no DNS query, no
connection and no request to anything but the loopback address. ``CHROMIUM_FLAGS`` holds what keeps
Chromium's own services (sign-in, component updates, network time) from asking.

A full-page screenshot of every view that fails goes to ``_build/browser/`` (CI keeps it when the
check fails); the weight of every page as loaded (the files it and everything it loads were
served from, uncompressed and gzipped) is printed at the end.

Usage: python tools/browser_check.py [--html _build/html] [--out _build/browser] [--timeout 120]
Exit status 0 when every page passes, 1 otherwise (one line per problem), 2 on setup errors.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import re
import shutil
import sys
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from reader_checks import page_script, reader_problems

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
WIDTHS = (1366, 390)
MODES = ("light", "dark")
HEIGHT = 900
FIRST_VISIT = (WIDTHS[0], MODES[0])  # a page loaded at 1366 px in light mode stores no colour mode
AXE_WIDTHS = (1366,)  # where axe-core runs (in a page's first view at that width)
# The API reference has 26,000 elements: axe took 29 of its 50 s over all pages there. Its entries are
# all drawn by the same autodoc styles, so axe checks the page but for the sections after the second
# at each level (6 s).
AXE_CONTEXT = {"book/api.html": {"exclude": [["article section section:nth-of-type(n+3)"]]}}
MIN_CONTRAST = 4.5
# Ready to check: loaded, fonts in, no CSS transition running (the theme fades colours into a new
# mode: contrast is measured on the colours it ends on), and every chart drawn (or failed visibly), in the page's colour
# mode where the book's chart layout draws it (chart_layout.js marks each chart with the mode once
# it is whole). A page that redirects (meta refresh) is ready once the page it leads to is.
READY = """() => document.readyState === "complete" && document.fonts.status === "loaded"
  && !document.querySelector('meta[http-equiv="refresh"]')
  && document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== "running")
  && [...document.querySelectorAll('[id^="altair-viz-"]')]
       .every(d => d.querySelector(".error") || (d.querySelector("svg.marks, canvas.marks")
         && (!window.tacmgChartLayout || d.dataset.tacmgTheme === document.documentElement.dataset.theme)))
  && (!window.tacmgChartLayout || !window.tacmgChartLayout.settled || window.tacmgChartLayout.settled())"""
# The reader's theme button (pydata-sphinx-theme cycles auto, dark, light): pressed until the page
# shows `target`; false when the page has no button.
SWITCH_MODE = """(target) => {
  for (let press = 0; press < 3 && document.documentElement.dataset.theme !== target; press += 1) {
    const button = document.querySelector(".theme-switch-button");
    if (!button) return false;
    button.click();
  }
  return document.documentElement.dataset.theme === target;
}"""
# The colour mode a page loads in, as a returning reader's browser has it stored: set as a cookie
# before each load, stored by this script before the page's own scripts run ("none": a first visit,
# nothing stored).
MODE_COOKIE = "tacmg-check-mode"
STORE_MODE = """(() => {
  const chosen = document.cookie.match(/(?:^|; )tacmg-check-mode=(\\w+)/);
  if (!chosen) return;
  for (const key of ["mode", "theme"]) {
    if (chosen[1] === "none") localStorage.removeItem(key);
    else localStorage.setItem(key, chosen[1]);
  }
})();"""
NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => done()))"
# A port Chromium refuses to connect to (ERR_UNSAFE_PORT): its own services are pointed here, so
# that what they try ends inside the browser, before any socket is opened.
DEAD_END = "http://127.0.0.1:9"
# Playwright passes its own --disable-features/--enable-features; Chromium keeps only the last of
# each, so these lists repeat Playwright's (1.65) and add the services that otherwise reach out.
_PLAYWRIGHT_DISABLED = (
    "AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,HttpsUpgrades,"
    "HttpsFirstBalancedModeAutoEnable,LensOverlay,MediaRouter,PaintHolding,ThirdPartyStoragePartitioning,"
    "AvoidCorsURLLoaderRestartOnRedirect,TcpPortRandomizationWin,OptimizationHints,NetworkTimeServiceQuerying,"
    "AimEnabled,PreconnectToSearch"
)
_ALSO_DISABLED = (
    "DnsOverHttps,AsyncDns,OptimizationGuideModelDownloading,OptimizationHintsFetching,"
    "OptimizationGuideManifestBroker,BuiltInAIEagerInit,AutofillServerCommunication,CertificateTransparencyComponentUpdater,"
    "InterestFeedContentSuggestions,Translate"
)
# Isolation flags shared with tools/jupyterlab_check.py (Playwright sets headless mode itself).
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-pings",
    "--dns-prefetch-disable",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    f"--disable-features={_PLAYWRIGHT_DISABLED},{_ALSO_DISABLED}",
    "--enable-features=CDPScreenshotNewSurface",
    # Sign-in (accounts: ListAccounts) and the component updater (an on-device model's manifest)
    # ask even so: they are sent to the dead-end port instead.
    f"--gaia-url={DEAD_END}/",
    f"--component-updater=url-source={DEAD_END}/update",
    # Every host but the loopback address is unresolvable, and no DNS query leaves the browser.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
)
ALTAIR_DIV = re.compile(r'<div id="(altair-viz-[0-9a-f]+)"')
PAGE_JS = page_script("browser_check_page.js")


# ----------------------------------------------------------------------------- local web server
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``directory`` on 127.0.0.1 at a free port in a daemon thread; return (server, base)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def is_local(url: str) -> bool:
    """Whether a request stays on this machine's loopback address (or never leaves the page)."""
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "chrome-error"):
        return True
    return parsed.hostname == "127.0.0.1"


# ------------------------------------------------------------------------------- one opening
@dataclass
class Opening:
    """What one page showed at one width and in one mode."""

    page: str
    width: int
    mode: str
    problems: list[str] = field(default_factory=list)
    charts: int = 0
    rendered: int = 0
    bytes_raw: int = 0
    bytes_gzip: int = 0


def contrast_problems(audit: dict) -> list[str]:
    """Problems in the banner part of ``browser_check_page.js``'s audit."""
    problems = []
    for item in audit["banner"]:
        if item["ratio"] < MIN_CONTRAST:
            problems.append(
                f"banner text {item['what']!r} has contrast {item['ratio']:.2f}:1 (< {MIN_CONTRAST}:1): "
                f"text {item['text']} on {item['background']}"
            )
    return problems


def axe_problems(page, axe, context: dict | None = None) -> list[str]:
    """axe-core's colour-contrast findings on the page, one line per element: its violations, and
    the text it leaves undecided because it is exactly as dark as its background (axe files a 1:1
    ratio, text one cannot read at all, under "incomplete", not under "violations")."""
    # resultTypes: axe then details only what fails or is undecided, not the thousands of text nodes
    # that pass (a fifth to a third less time per page, measured on the built chapters)
    options = {"runOnly": {"type": "rule", "values": ["color-contrast"]}, "resultTypes": ["violations", "incomplete"]}
    response = axe.run(page, context=context, options=options).response
    problems = []
    for kind in ("violations", "incomplete"):
        for rule in response[kind]:
            for node in rule["nodes"]:
                undecided_why = {(check.get("data") or {}).get("messageKey") for check in node.get("any", [])}
                if kind == "incomplete" and "equalRatio" not in undecided_why:
                    continue  # e.g. text over an image: axe cannot tell, and says so
                summary = " ".join((node.get("failureSummary") or "").split())
                problems.append(f"axe {rule['id']}: {', '.join(map(str, node['target']))}: {summary[:220]}")
    return problems


@dataclass
class Tab:
    """The one tab of a browser that opens every page in turn, as a reader follows the book's links
    in one tab, and what the browser said and fetched since the view before (the view being checked
    takes it). A new tab for every page cost a renderer process and every script compiled again:
    in one tab the 26 pages' loads took 12 to 15 core-seconds, not 35 to 40, and the whole check on
    one browser 81 to 97, not 109 to 136 (two runs each).

    Requests are watched, not routed: Playwright's routing turns the HTTP cache off. A request for
    anything but 127.0.0.1 is noted in `left`; it cannot leave, as ``CHROMIUM_FLAGS`` resolve no
    other host, and the network log (`netlog_problems`) shows any connection the browser opened."""

    page: Any
    messages: list[str] = field(default_factory=list)
    responses: list = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    crashed: bool = False

    def forget(self) -> None:
        """Drop what the browser said and fetched so far (it belonged to the page before)."""
        self.messages.clear()
        self.responses.clear()
        self.left.clear()


def new_tab(browser, width: int) -> Tab:
    """A tab in a fresh browser context (its own storage and cache) at `width`."""
    context = browser.new_context(viewport={"width": width, "height": HEIGHT})
    page = context.new_page()
    tab = Tab(page)
    context.on("request", lambda request: None if is_local(request.url) else tab.left.append(request.url))
    page.on("console", lambda m: m.type in ("error", "warning") and tab.messages.append(f"console.{m.type}: {m.text}"))
    page.on("pageerror", lambda e: tab.messages.append(f"uncaught exception: {e}"))
    page.on("response", lambda r: tab.responses.append(r))
    page.on("crash", lambda _: setattr(tab, "crashed", True))
    page.add_init_script(STORE_MODE)
    return tab


def wait_until_ready(page, timeout: float) -> str | None:
    """Wait for READY; the problem when the ceiling is reached (a hang), else None."""
    for _ in range(3):  # a redirect replaces the document once (and its scripts' context with it)
        try:
            page.wait_for_function(READY, timeout=timeout * 1000, polling=100)
            return None
        except Exception as error:
            if "context was destroyed" not in str(error) and "navigation" not in str(error):
                return f"not ready (loaded, fonts, charts drawn) after {timeout:.0f} s ({type(error).__name__})"
    return "kept navigating"


def view_problems(page, axe, result: Opening, banner: bool, landing: bool = False) -> None:
    """Check the view `page` shows now (ready) into `result`: charts, width, banner, contrast, reader
    (and axe-core's contrast, when `axe` is given)."""
    width, mode = result.width, result.mode
    audit = page.evaluate(PAGE_JS)
    result.charts, result.rendered = audit["charts"], audit["rendered"]
    if audit["theme"] != mode:
        result.problems.append(f"the theme shows {audit['theme']!r}, not {mode!r}")
    if result.rendered < result.charts:
        result.problems.append(f"{result.rendered} of {result.charts} chart(s) rendered")
    result.problems += [f"chart shows an error: {text[:200]}" for text in audit["chart_errors"]]
    result.problems += audit["charts_too_wide"]
    if audit["icons_undrawn"]:
        result.problems.append(f"{audit['icons_undrawn']} icon(s) of the theme not drawn (Font Awesome)")
    if audit["scroll_width"] > width:
        wide = "; ".join(audit["too_wide"]) or "?"
        result.problems.append(f"page is {audit['scroll_width']} px wide in a {width} px viewport (widest: {wide})")
    if banner and not audit["banner"]:
        result.problems.append("no data banner (.tacmg-banner), though the chapter's notebook displays one")
    result.problems += contrast_problems(audit)
    if axe is not None:
        result.problems += axe_problems(page, axe, AXE_CONTEXT.get(result.page))
    result.problems += reader_problems(page, landing)


def views_of(number: int, widths: tuple[int, ...] = WIDTHS, modes: tuple[str, ...] = MODES) -> list[tuple[int, str]]:
    """The views of the `number`-th page, in the order they are seen: loaded at one width in one mode,
    switched to the other mode, resized to the other width, switched back. The pages take turns
    at the width and mode they load in, so that each of the four is a first load for a quarter of
    the pages and reached by a switch or a resize for the others."""
    mode_turn, width_turn = number % len(modes), (number // len(modes)) % len(widths)
    order = widths[width_turn:] + widths[:width_turn]
    mode_order = modes[mode_turn:] + modes[:mode_turn]
    views = []
    for step, width in enumerate(order):
        # the mode carries on from the view before: a resize keeps the mode, a switch keeps the width
        views += [(width, mode) for mode in (mode_order if step % 2 == 0 else mode_order[::-1])]
    return views


@functools.cache
def file_weight(path: Path) -> tuple[int, int]:
    """(bytes, gzipped bytes) of a served file: the same stylesheets and scripts load on every page."""
    body = path.read_bytes()
    return len(body), len(gzip.compress(body, 6))


def served_file(html_root: Path, url: str) -> Path | None:
    """The file under `html_root` that the local server answered `url` with (None: not a file)."""
    path = html_root / unquote(urlparse(url).path).lstrip("/")
    path = path / "index.html" if path.is_dir() else path
    return path if path.is_file() else None


def open_page(
    tab: Tab,
    axe,
    base: str,
    relative: str,
    views: list[tuple[int, str]],
    timeout: float,
    out: Path,
    banner: bool = False,
    html_root: Path | None = None,
    landing: bool = False,
) -> list[Opening]:
    """Open one page in `tab` at the width and in the mode of the first of `views`, check it,
    then reach each further view as a reader does (the theme button switches the mode; a resize
    changes the width, as turning a tablet or narrowing a window does) and check it again once its
    charts are redrawn: one Opening per view. axe-core runs in the first view at a width of
    AXE_WIDTHS. `banner`: the page must show the data banner (its notebook displays one);
    `html_root`: weigh the page and all it loads (from the files served); `landing`: the page is
    the book's landing page (its first verdict sentence must come early on a phone). A failing
    view is screenshot into `out`."""
    page = tab.page
    width, start = views[0]
    page.set_viewport_size({"width": width, "height": HEIGHT})
    page.emulate_media(color_scheme=start)
    # pydata-sphinx-theme reads the reader's stored choice before the page paints; on a first
    # visit (1366 px, light) none is stored and the theme follows prefers-color-scheme. STORE_MODE
    # stores (or clears) it from this cookie before the page's own scripts run.
    stored = "none" if views[0] == FIRST_VISIT else start
    page.context.add_cookies([{"name": MODE_COOKIE, "value": stored, "url": base}])
    tab.forget()
    results = []
    axe_view = next((view for view in views if view[0] in AXE_WIDTHS), None)
    for number, (width, mode) in enumerate(views):
        result = Opening(relative, width, mode)
        if number == 0:
            try:
                page.goto(base + relative, wait_until="load", timeout=timeout * 1000)
            except Exception as error:  # a hang: reported, with what the page shows below
                result.problems.append(f"did not load within {timeout:.0f} s ({type(error).__name__})")
        elif width != views[number - 1][0]:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            # the page's resize event comes with its next frame: once a frame is drawn, the charts'
            # layout has heard of it, and READY waits on the layout's own state from then on
            page.evaluate(NEXT_FRAME)
        elif not page.evaluate(SWITCH_MODE, mode):
            result.problems.append(f"the theme button did not switch the page to {mode} mode")
        not_ready = wait_until_ready(page, timeout)
        if not_ready:
            result.problems.append(not_ready)
        view_problems(page, axe if (width, mode) == axe_view else None, result, banner, landing)
        # what the browser said and fetched since the previous view belongs to this one
        result.problems += list(dict.fromkeys(tab.messages))
        for response in tab.responses:
            if response.status >= 400:
                result.problems.append(f"HTTP {response.status} for {response.url}")
            elif html_root is not None and number == 0 and is_local(response.url) and response.url.startswith("http"):
                served = served_file(html_root, response.url)
                if served is not None:
                    raw, gzipped = file_weight(served)
                    result.bytes_raw += raw
                    result.bytes_gzip += gzipped
        result.problems += [f"request for something off 127.0.0.1: {url}" for url in dict.fromkeys(tab.left)]
        tab.forget()
        if result.problems:
            out.mkdir(parents=True, exist_ok=True)
            shot = out / f"{relative.removesuffix('.html').replace('/', '__')}__{width}-{mode}.png"
            page.screenshot(path=str(shot), full_page=True)
        results.append(result)
    return results


# ----------------------------------------------------------------------- the browser's own log
def netlog_problems(path: Path) -> tuple[list[str], list[str]]:
    """(problems, notes) from Chromium's network log: what the browser itself tried to reach."""
    text = path.read_text(encoding="utf-8", errors="replace").rstrip()
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # a log cut at the browser's exit lacks its closing brackets
        log = json.loads(text.rstrip(",") + "]}")
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    problems: dict[str, None] = {}
    probes: dict[str, None] = {}
    for event in log["events"]:
        name, params = names.get(event["type"], "?"), event.get("params") or {}
        if name == "DNS_TRANSACTION" and params.get("hostname"):
            problems[f"DNS query for {params['hostname']}"] = None
        elif name == "URL_REQUEST_START_JOB" and params.get("url") and not is_local(params["url"]):
            problems[f"request for {params['url'][:120]}"] = None
        elif name == "TCP_CONNECT" and params.get("remote_address", "127.0.0.1").split(":")[0] != "127.0.0.1":
            problems[f"TCP connection to {params['remote_address']}"] = None
        elif name == "UDP_BYTES_SENT" and params.get("address") and not params["address"].startswith("127.0.0.1:"):
            problems[f"UDP datagram to {params['address']}"] = None
        elif name == "UDP_CONNECT" and params.get("address") and not params["address"].startswith("127.0.0.1:"):
            # connect() on a UDP socket sends nothing: Chromium asks the kernel for a route to
            # learn whether IPv6 is reachable. A datagram would be UDP_BYTES_SENT, above.
            probes[params["address"]] = None
    notes = [f"route probe only (UDP connect, no datagram sent) to {', '.join(probes)}"] if probes else []
    return list(problems), notes


# --------------------------------------------------------------------------- which pages
def charts_in_html(page: Path) -> int:
    return len(set(ALTAIR_DIV.findall(page.read_text(encoding="utf-8", errors="replace"))))


def charts_in_notebook(ipynb: Path) -> int:
    """Altair charts displayed by an executed notebook: Vega-Lite outputs (as the stored notebooks
    hold them, `tacmg.presentation.chart_display`), or ``text/html`` outputs with a chart div (as
    the book's own kernels display them)."""
    nb = json.loads(ipynb.read_text(encoding="utf-8"))
    count = 0
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if any(mime.startswith("application/vnd.vegalite.") for mime in data):
                count += 1
                continue
            html = data.get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            count += len(set(ALTAIR_DIV.findall(html)))
    return count


@functools.cache
def landing_pages(toc: Path = ROOT / "_toc.yml") -> frozenset[str]:
    """The built page that shows the landing page: the table of contents' root (index.html only
    redirects to it, and is not opened: `pages_to_check`)."""
    lines = toc.read_text(encoding="utf-8").splitlines()
    root = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("root:"))
    return frozenset({f"{root}.html"})


REDIRECT = re.compile(r'^\s*<meta http-equiv="refresh" content="0; url=([^"]+)"\s*/?>\s*$', re.IGNORECASE)


def redirects_to(page: Path) -> Path | None:
    """The page a redirect page (Jupyter Book's index.html: only a meta refresh) leads to."""
    match = REDIRECT.match(page.read_text(encoding="utf-8", errors="replace"))
    return (page.parent / match.group(1)).resolve() if match else None


def pages_to_check(html_root: Path) -> list[Path]:
    """Every built page: the chapters first, then the rest, without Sphinx's static files, nor a page
    that only redirects to another page checked here (its views would be that page's again; one
    that leads nowhere is kept, and fails)."""
    pages = [p for p in sorted(html_root.rglob("*.html")) if not {"_static", "_sources"} & set(p.parts)]
    resolved = {p.resolve() for p in pages}
    pages = [p for p in pages if redirects_to(p) not in resolved]
    return sorted(pages, key=lambda p: (p.relative_to(html_root).parts[0] != "notebooks", p))


def stored_notebook(html_root: Path, page: Path, notebooks: Path) -> Path | None:
    """The executed notebook a chapter page was built from (None for other pages)."""
    relative = page.relative_to(html_root)
    if relative.parts[0] != "notebooks":
        return None
    ipynb = notebooks / relative.with_suffix(".ipynb").relative_to("notebooks")
    return ipynb if ipynb.exists() else None


def lost_outputs(page: Path, ipynb: Path | None) -> str | None:
    built, stored = charts_in_html(page), charts_in_notebook(ipynb) if ipynb else 0
    if ipynb and built < stored:
        return f"built page has {built} chart(s) but {ipynb.name} displays {stored}: outputs lost in the build"
    return None


def check_pages(
    browser, html_root: Path, base: str, out: Path, pages: list[Path], widths, modes, timeout: float, notebooks: Path
) -> list[Opening]:
    """Every view of `pages` (served from `html_root` at `base`) in `browser`, one context for all."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    tab = new_tab(browser, widths[0])
    openings: list[Opening] = []
    for page_number, page in enumerate(pages):
        if tab.crashed:  # the pages after a crash get a tab of their own
            tab.page.context.close()
            tab = new_tab(browser, widths[0])
        relative = page.relative_to(html_root).as_posix()
        ipynb = stored_notebook(html_root, page, notebooks)
        banner = bool(ipynb) and "tacmg-banner" in ipynb.read_text(encoding="utf-8")
        views = views_of(page_number, widths, modes)
        seen = open_page(tab, axe, base, relative, views, timeout, out, banner, html_root, relative in landing_pages())
        lost = lost_outputs(page, ipynb)
        if lost:
            seen[0].problems.insert(0, lost)
        openings += seen
    tab.page.context.close()
    return openings


def check_site(
    html_root: Path,
    out: Path,
    pages: list[Path] | None = None,
    widths: tuple[int, ...] = WIDTHS,
    modes: tuple[str, ...] = MODES,
    timeout: float = 120.0,
    notebooks: Path = ROOT / "notebooks",
    browser=None,
    playwright=None,
) -> tuple[list[Opening], list[str], list[str]]:
    """Open `pages` (default: every built page) at each width and mode; return (openings,
    browser-level problems, notes). A Chromium is launched (from `playwright`, a started sync
    Playwright, or one started here) and its network log checked, unless `browser` (launched with
    CHROMIUM_FLAGS) is given: then the browser-level lists are empty."""
    from playwright.sync_api import sync_playwright

    pages = pages if pages is not None else pages_to_check(html_root)
    server, base = serve(html_root)
    problems: list[str] = []
    notes: list[str] = []
    try:
        if browser is not None:
            openings = check_pages(browser, html_root, base, out, pages, widths, modes, timeout, notebooks)
        else:
            with tempfile.TemporaryDirectory(prefix="tacmg-netlog-") as scratch, contextlib.ExitStack() as stack:
                netlog = Path(scratch) / "netlog.json"
                playwright = playwright or stack.enter_context(sync_playwright())
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=[*CHROMIUM_FLAGS, f"--log-net-log={netlog}"]
                )
                openings = check_pages(browser, html_root, base, out, pages, widths, modes, timeout, notebooks)
                browser.close()
                problems, notes = netlog_problems(netlog)
    finally:
        server.shutdown()
    return in_page_order(openings, pages, html_root), problems, notes


def in_page_order(openings: list[Opening], pages: list[Path], html_root: Path) -> list[Opening]:
    """Each page's views together, in the order of `pages`, the wider view first, then MODES' order."""
    order = {page.relative_to(html_root).as_posix(): number for number, page in enumerate(pages)}
    return sorted(openings, key=lambda o: (order[o.page], -o.width, MODES.index(o.mode)))


def check_site_in_browsers(
    html_root: Path, out: Path, browsers: int, timeout: float, notebooks: Path
) -> tuple[list[Opening], list[str], list[str]]:
    """`check_site` over every built page, the pages dealt out to `browsers` browsers in as many
    processes: a view spends most of its time waiting on one process (Chromium drawing, axe in
    the page, this script deciding), so two browsers keep two cores busy. Each browser's own
    network log is checked as in `check_site`."""
    pages = pages_to_check(html_root)
    if browsers <= 1:
        return check_site(html_root, out, pages, timeout=timeout, notebooks=notebooks)
    shares = [pages[start::browsers] for start in range(browsers)]
    with ProcessPoolExecutor(browsers) as pool:
        futures = [
            pool.submit(check_site, html_root, out, share, WIDTHS, MODES, timeout, notebooks) for share in shares
        ]
        results = [future.result() for future in futures]
    openings = in_page_order([o for r in results for o in r[0]], pages, html_root)
    return openings, [p for r in results for p in r[1]], list(dict.fromkeys(n for r in results for n in r[2]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "browser", help="screenshots of failing views")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--timeout", type=float, default=120.0, help="ceiling per view, against hangs only")
    parser.add_argument("--browsers", type=int, default=2, help="browsers (processes) sharing the pages")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"browser_check: {CHROMIUM} is missing; run `make browser` (apt-get install chromium)", file=sys.stderr)
        return 2
    html_root = args.html.resolve()
    if not (html_root / "index.html").exists():
        print(f"browser_check: {html_root} holds no built book; run `make book` first", file=sys.stderr)
        return 2
    shutil.rmtree(args.out, ignore_errors=True)  # screenshots of this run's failures only
    openings, browser_problems, notes = check_site_in_browsers(
        html_root, args.out, args.browsers, args.timeout, args.notebooks
    )
    for o in openings:
        status = "ok  " if not o.problems else "FAIL"
        print(f"browser_check: {status} {o.page} at {o.width} px, {o.mode}: {o.rendered}/{o.charts} chart(s)")
        for problem in o.problems:
            print(f"browser_check:      {problem}")
    print("browser_check: each page as loaded (the page and all it loads), uncompressed / gzipped:")
    for o in openings:
        if o.bytes_raw:
            print(f"browser_check:   {o.page}: {o.bytes_raw / 1e6:.2f} MB / {o.bytes_gzip / 1e6:.2f} MB")
    for problem in browser_problems:
        print(f"browser_check: FAIL the browser itself: {problem}")
    for note in notes:
        print(f"browser_check: note: the browser itself: {note}")
    failed = sum(bool(o.problems) for o in openings)
    print(
        f"browser_check: {len(openings) - failed} of {len(openings)} opening(s) passed "
        f"({len(openings) // max(1, len(WIDTHS) * len(MODES))} page(s) x {len(WIDTHS)} widths x {len(MODES)} modes); "
        f"{f'screenshots of the failing views in {args.out}' if failed else 'no screenshots (nothing failed)'}"
    )
    return 1 if failed or browser_problems else 0


if __name__ == "__main__":
    sys.exit(main())
