"""Open every page of the built book in headless Chromium, as readers would, and check it.

Each page of ``_build/html`` is served from 127.0.0.1 and opened with Playwright in Debian's
Chromium (``/usr/bin/chromium``; nothing is downloaded) at two widths (1366 px, a laptop, and
390 px, a phone) and in both colour modes of the theme (pydata-sphinx-theme's stored ``mode`` set to
light or dark, and ``prefers-color-scheme`` emulated to match; at 1366 px in light mode no mode is
stored, as on a reader's first visit). One browser context per width and mode serves every page
(routing every request, as this check does, turns the HTTP cache off, so each page is still loaded
whole). A view is checked once the page says it is ready: the document loaded, its fonts loaded and
every chart container holding a drawn ``svg.marks`` (or an error); the ceiling on that wait only
catches a hang. Every view must show:

1. every Altair chart rendered (vega-embed drew an ``svg``/``canvas`` inside its
   ``<div id="altair-viz-...">``), no chart error, and for a chapter at least as many charts as
   its executed notebook displays (MyST-NB #617: the execution cache once dropped outputs);
2. nothing sideways: the document is no wider than the viewport (``scrollWidth``), and no chart is
   wider than the output box it is drawn in (where it would be cut off or scrolled);
3. the reconstructed-data banner on every chapter, its text at a contrast of at least 4.5:1 with
   what is behind it (computed colours, each composited over the layers beneath, WCAG 2 formula);
4. at 1366 px (light and dark: colours depend on the mode, not on the width), no colour-contrast
   violation found by axe-core (its ``color-contrast`` rule, with the text it leaves "incomplete"
   for having the colour of its background; the script ships in the ``axe-playwright-python``
   wheel, axe-core under MPL-2.0). axe takes seconds a page: the phone views skip it;
5. no console error or warning, no uncaught exception, no response with an error status, and no
   request for anything but 127.0.0.1 (such a request is aborted and reported).

The browser itself is checked too: its network log (``--log-net-log``) must show no DNS query, no
connection and no request to anything but the loopback address. ``CHROMIUM_FLAGS`` holds what keeps
Chromium's own services (sign-in, component updates, network time) from asking.

A full-page screenshot of every view that fails goes to ``_build/browser/`` (CI keeps it when the
check fails); the first-visit weight of every page (the page and everything it loads,
uncompressed and gzipped) is printed at the end.

Usage: python tools/browser_check.py [--html _build/html] [--out _build/browser] [--timeout 120]
Exit status 0 when every page passes, 1 otherwise (one line per problem), 2 on setup errors.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import re
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from reader_checks import reader_problems

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
WIDTHS = (1366, 390)
MODES = ("light", "dark")
HEIGHT = 900
FIRST_VISIT = (WIDTHS[0], MODES[0])  # no colour mode stored: the page's weight is measured here
AXE_WIDTHS = (1366,)  # where axe-core runs (both modes)
MIN_CONTRAST = 4.5
# Ready to check: loaded, fonts in, and every chart drawn (or failed visibly). A page that
# redirects (meta refresh) is ready once the page it leads to is.
READY = """() => document.readyState === "complete" && document.fonts.status === "loaded"
  && !document.querySelector('meta[http-equiv="refresh"]')
  && [...document.querySelectorAll('[id^="altair-viz-"]')]
       .every(d => d.querySelector("svg.marks, canvas.marks") || d.querySelector(".error"))"""
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
PAGE_JS = Path(__file__).with_name("browser_check_page.js").read_text(encoding="utf-8")


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


def axe_problems(page, axe) -> list[str]:
    """axe-core's colour-contrast findings on the page, one line per element: its violations, and
    the text it leaves undecided because it is exactly as dark as its background (axe files a 1:1
    ratio, text one cannot read at all, under "incomplete", not under "violations")."""
    response = axe.run(page, options={"runOnly": {"type": "rule", "values": ["color-contrast"]}}).response
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


def new_context(browser, width: int, mode: str, left: list[str]):
    """A browser context for one width and mode, every request off 127.0.0.1 aborted into `left`."""
    context = browser.new_context(viewport={"width": width, "height": HEIGHT}, color_scheme=mode)
    if (width, mode) != FIRST_VISIT:
        # pydata-sphinx-theme reads the reader's choice from localStorage before the page paints.
        # The first-visit context stores none: the theme follows prefers-color-scheme.
        context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")

    def route(route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    return context


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


def open_page(
    context,
    axe,
    base: str,
    relative: str,
    width: int,
    mode: str,
    timeout: float,
    out: Path,
    banner: bool = False,
    left: list[str] | None = None,
    landing: bool = False,
) -> Opening:
    """Open one page in `context` (at `width`, in `mode`) and check it; `banner`: the page must show
    the data banner (its notebook displays one); `landing`: the page is the book's landing page (its
    first verdict sentence must come early on a phone). Screenshot the page into `out` when it fails."""
    result = Opening(relative, width, mode)
    left = left if left is not None else []
    left.clear()
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda m: m.type in ("error", "warning") and messages.append(f"console.{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"uncaught exception: {e}"))
    responses = []
    page.on("response", lambda r: responses.append(r))
    try:
        page.goto(base + relative, wait_until="load", timeout=timeout * 1000)
    except Exception as error:  # a hang: reported, with what the page shows below
        result.problems.append(f"did not load within {timeout:.0f} s ({type(error).__name__})")
    not_ready = wait_until_ready(page, timeout)
    if not_ready:
        result.problems.append(not_ready)
    audit = page.evaluate(PAGE_JS)
    result.charts, result.rendered = audit["charts"], audit["rendered"]
    if audit["theme"] != mode:
        result.problems.append(f"the theme shows {audit['theme']!r}, not {mode!r}")
    if result.rendered < result.charts:
        result.problems.append(f"{result.rendered} of {result.charts} chart(s) rendered")
    result.problems += [f"chart shows an error: {text[:200]}" for text in audit["chart_errors"]]
    result.problems += audit["charts_too_wide"]
    if audit["scroll_width"] > width:
        wide = "; ".join(audit["too_wide"]) or "?"
        result.problems.append(f"page is {audit['scroll_width']} px wide in a {width} px viewport (widest: {wide})")
    if banner and not audit["banner"]:
        result.problems.append("no data banner (.tacmg-banner), though the chapter's notebook displays one")
    result.problems += contrast_problems(audit)
    if width in AXE_WIDTHS:
        result.problems += axe_problems(page, axe)
    result.problems += reader_problems(page, landing)
    result.problems += list(dict.fromkeys(messages))
    for response in responses:
        if response.status >= 400:
            result.problems.append(f"HTTP {response.status} for {response.url}")
        elif (width, mode) == FIRST_VISIT and is_local(response.url) and response.url.startswith("http"):
            try:
                body = response.body()
            except Exception:  # a redirect or a cancelled request has no body
                continue
            result.bytes_raw += len(body)
            result.bytes_gzip += len(gzip.compress(body, 6))
    result.problems += [f"request left 127.0.0.1 (aborted): {url}" for url in dict.fromkeys(left)]
    if result.problems:
        out.mkdir(parents=True, exist_ok=True)
        shot = out / f"{relative.removesuffix('.html').replace('/', '__')}__{width}-{mode}.png"
        page.screenshot(path=str(shot), full_page=True)
    page.close()
    return result


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
    """Altair charts displayed by an executed notebook (``text/html`` outputs with a chart div)."""
    nb = json.loads(ipynb.read_text(encoding="utf-8"))
    count = 0
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            count += len(set(ALTAIR_DIV.findall(html)))
    return count


@functools.cache
def landing_pages(toc: Path = ROOT / "_toc.yml") -> frozenset[str]:
    """The built pages that show the landing page: the table of contents' root and index.html,
    which redirects to it."""
    lines = toc.read_text(encoding="utf-8").splitlines()
    root = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("root:"))
    return frozenset({"index.html", f"{root}.html"})


def pages_to_check(html_root: Path) -> list[Path]:
    """Every built page: the chapters first, then the rest, without Sphinx's static files."""
    pages = [p for p in sorted(html_root.rglob("*.html")) if not {"_static", "_sources"} & set(p.parts)]
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


def check_site(
    html_root: Path,
    out: Path,
    pages: list[Path] | None = None,
    widths: tuple[int, ...] = WIDTHS,
    modes: tuple[str, ...] = MODES,
    timeout: float = 120.0,
    notebooks: Path = ROOT / "notebooks",
) -> tuple[list[Opening], list[str], list[str]]:
    """Open `pages` (default: every built page) at each width and mode; return (openings,
    browser-level problems, notes)."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    pages = pages if pages is not None else pages_to_check(html_root)
    server, base = serve(html_root)
    openings: list[Opening] = []
    with tempfile.TemporaryDirectory(prefix="tacmg-netlog-") as scratch:
        netlog = Path(scratch) / "netlog.json"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=[*CHROMIUM_FLAGS, f"--log-net-log={netlog}"]
                )
                axe = Axe()
                for width in widths:
                    for mode in modes:
                        left: list[str] = []
                        context = new_context(browser, width, mode, left)
                        for page in pages:
                            relative = page.relative_to(html_root).as_posix()
                            ipynb = stored_notebook(html_root, page, notebooks)
                            banner = bool(ipynb) and "tacmg-banner" in ipynb.read_text(encoding="utf-8")
                            landing = relative in landing_pages()
                            opening = open_page(
                                context, axe, base, relative, width, mode, timeout, out, banner, left, landing
                            )
                            if (width, mode) == FIRST_VISIT:
                                lost = lost_outputs(page, ipynb)
                                if lost:
                                    opening.problems.insert(0, lost)
                            openings.append(opening)
                        context.close()
                browser.close()
        finally:
            server.shutdown()
        problems, notes = netlog_problems(netlog)
    order = {page.relative_to(html_root).as_posix(): number for number, page in enumerate(pages)}
    openings.sort(key=lambda o: order[o.page])  # each page's views together, for the report
    return openings, problems, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "browser", help="screenshots of failing views")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--timeout", type=float, default=120.0, help="ceiling per view, against hangs only")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"browser_check: {CHROMIUM} is missing; run `make browser` (apt-get install chromium)", file=sys.stderr)
        return 2
    html_root = args.html.resolve()
    if not (html_root / "index.html").exists():
        print(f"browser_check: {html_root} holds no built book; run `make book` first", file=sys.stderr)
        return 2
    shutil.rmtree(args.out, ignore_errors=True)  # screenshots of this run's failures only
    openings, browser_problems, notes = check_site(html_root, args.out, timeout=args.timeout, notebooks=args.notebooks)
    for o in openings:
        status = "ok  " if not o.problems else "FAIL"
        print(f"browser_check: {status} {o.page} at {o.width} px, {o.mode}: {o.rendered}/{o.charts} chart(s)")
        for problem in o.problems:
            print(f"browser_check:      {problem}")
    print("browser_check: first visit (the page and all it loads), uncompressed / gzipped:")
    for o in openings:
        if (o.width, o.mode) == FIRST_VISIT:
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
