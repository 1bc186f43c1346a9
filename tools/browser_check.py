"""Open the built book's chart pages in headless Chromium and check that every chart rendered.

For each chapter page (``_build/html/notebooks/**/*.html``, plus any other page that holds an
Altair chart) this script:

1. counts the Altair charts in the built HTML (``<div id="altair-viz-...">``) and, for a chapter
   with a paired ``notebooks/NAME.ipynb``, checks the page has at least as many charts as the
   executed notebook (guards against the execution cache silently dropping outputs, MyST-NB #617);
2. loads the page from a local HTTP server (127.0.0.1, a free port, in a thread) in a fresh headless
   Chromium (fresh ``--user-data-dir`` each time), with every other host unresolvable, so a chart
   can only render from the vendored ``_static/vega-bundle.js``;
3. waits until the page shows at least one ``svg.marks`` (or ``canvas.marks``) per chart;
4. reports uncaught exceptions, ``console.error`` calls, error log entries and any request that
   tried to leave 127.0.0.1 (a CDN), except the known harmless ones listed in KNOWN_HARMLESS
   (chiefly Jupyter Book's ``THEBE_JS_URL`` redeclaration);
5. hovers the first mark and notes whether a tooltip appeared (information, not a failure).

Chromium is driven through the DevTools protocol over ``--remote-debugging-pipe`` (null-terminated
JSON on file descriptors 3 and 4): standard library only, nothing to download. This script
installs nothing; ``make browser`` installs Debian's chromium when /usr/bin/chromium is missing.

Usage: python tools/browser_check.py [--html _build/html] [--screenshots DIR] [--timeout 20]
Exit status 0 when every page passes, 1 otherwise (one line per failing page), 2 on setup errors.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import functools
import http.server
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--window-size=1280,2000",
)
ALTAIR_DIV = re.compile(r'<div id="(altair-viz-[0-9a-f]+)"')
# Console messages known to be harmless (upstream, not ours):
KNOWN_HARMLESS = (
    # every Jupyter Book 1.x page declares THEBE_JS_URL twice (thebe itself is never loaded);
    re.compile(r"Identifier 'THEBE_JS_URL' has already been declared"),
    # pydata-sphinx-theme logs this with console.error in a fresh profile (no stored theme mode);
    re.compile(r"^console\.error: Got invalid theme mode: \. Resetting to auto\.$"),
    # the book ships no favicon and the browser asks the server root for one.
    re.compile(r"^log error: Failed to load resource: .*404.* http://127\.0\.0\.1:\d+/favicon\.ico$"),
)
# Sphinx fetches MathJax from a CDN on pages with math: an offline gap outside this check's remit
# (charts); reported as a warning, not a failure.
MATHJAX_URL = re.compile(r"https?://[^ ]*/mathjax(?:@[^/ ]*)?/", re.IGNORECASE)
RENDERED_JS = "document.querySelectorAll('svg.marks, canvas.marks').length"
# Centre of the first visible mark of the first chart (vega draws marks inside g.role-mark).
FIRST_MARK_JS = """(() => {
  for (const el of document.querySelectorAll('svg.marks .role-mark > path, svg.marks .role-mark > *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 2 && r.height > 2) {
      el.scrollIntoView({block: 'center'});
      const q = el.getBoundingClientRect();
      return [q.left + q.width / 2, q.top + q.height / 2];
    }
  }
  return null;
})()"""
TOOLTIP_JS = (
    "(() => { const t = document.getElementById('vg-tooltip-element');"
    " return t && t.classList.contains('visible') ? t.innerText : null; })()"
)
CHART_ERRORS_JS = "Array.from(document.querySelectorAll('[id^=\"altair-viz-\"] .error')).map(e => e.textContent)"


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


# ----------------------------------------------------------------------- DevTools over a pipe
class DevTools:
    """A minimal Chrome DevTools Protocol client over ``--remote-debugging-pipe``."""

    def __init__(self, chromium: str, user_data_dir: str):
        to_chrome_r, self._to_chrome_w = os.pipe()
        self._from_chrome_r, from_chrome_w = os.pipe()

        def child_fds() -> None:
            # Chromium reads commands from fd 3 and writes replies and events to fd 4.
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self.proc = subprocess.Popen(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={user_data_dir}",
                # Every host but the local server is unresolvable: a CDN request fails at once.
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=child_fds,
            close_fds=False,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._next_id = 0
        self._replies: dict[int, queue.Queue] = {}
        self._lock = threading.Lock()
        self.events: list[dict] = []
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    def _read_loop(self) -> None:
        buffer = b""
        with os.fdopen(self._from_chrome_r, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                for raw in messages:
                    message = json.loads(raw)
                    if "id" in message:
                        with self._lock:
                            box = self._replies.get(message["id"])
                        if box is not None:
                            box.put(message)
                    else:
                        self.events.append(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30.0) -> dict:
        """Send one command and return its ``result`` (raise RuntimeError on a protocol error)."""
        with self._lock:
            self._next_id += 1
            message_id = self._next_id
            box: queue.Queue = queue.Queue()
            self._replies[message_id] = box
        message = {"id": message_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome_w, json.dumps(message).encode() + b"\0")
        try:
            reply = box.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"no reply to {method} within {timeout} s") from None
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            self.send("Browser.close", timeout=5)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        with contextlib.suppress(OSError):
            os.close(self._to_chrome_w)


# ------------------------------------------------------------------------------- one page
@dataclass
class PageResult:
    page: str
    expected_charts: int
    rendered_marks: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _is_harmless(text: str) -> bool:
    return any(pattern.search(text) for pattern in KNOWN_HARMLESS)


def _console_problems(events: list[dict], base: str) -> tuple[list[str], list[str], list[str]]:
    """Return (problems, ignored, warnings) from the DevTools events of one page load."""
    problems, ignored, warnings = [], [], []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        text = None
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text", "")
            text = f"uncaught exception: {text.splitlines()[0] if text else '?'}"
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            text = f"console.error: {args}"
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            text = f"log error: {entry.get('text', '')} {entry.get('url', '')}".rstrip()
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if urlparse(url).scheme in ("http", "https") and not url.startswith(base):
                text = f"request left the local server (CDN?): {url}"
        if text is None:
            continue
        if MATHJAX_URL.search(text):
            warnings.append(text)
        elif _is_harmless(text):
            ignored.append(text)
        else:
            problems.append(text)
    return problems, ignored, warnings


def check_page(
    chromium: str, base: str, html_root: Path, page: Path, expected: int, timeout: float, screenshots: Path | None
) -> PageResult:
    relative = page.relative_to(html_root).as_posix()
    result = PageResult(page=relative, expected_charts=expected)
    with tempfile.TemporaryDirectory(prefix="tacmg-chromium-") as profile:
        browser = DevTools(chromium, profile)
        try:
            target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Runtime", "Log", "Network", "Page"):
                browser.send(f"{domain}.enable", session=session)
            browser.events.clear()
            browser.send("Page.navigate", {"url": base + relative}, session=session)
            deadline = time.monotonic() + timeout
            loaded = False
            while time.monotonic() < deadline:
                loaded = loaded or any(e.get("method") == "Page.loadEventFired" for e in browser.events)
                marks = browser.send(
                    "Runtime.evaluate",
                    {"expression": RENDERED_JS, "returnByValue": True},
                    session=session,
                )["result"].get("value", 0)
                result.rendered_marks = marks
                if loaded and marks >= expected:
                    break
                time.sleep(0.25)
            # Let late errors (a chart failing after load) arrive before reading the log.
            time.sleep(0.5)
            chart_errors = browser.send(
                "Runtime.evaluate",
                {"expression": CHART_ERRORS_JS, "returnByValue": True},
                session=session,
            )["result"].get("value", [])
            if expected and result.rendered_marks:
                result.notes.append(_hover_first_mark(browser, session))
            if screenshots is not None:
                shot = browser.send(
                    "Page.captureScreenshot",
                    {"format": "png", "captureBeyondViewport": True},
                    session=session,
                )
                out = screenshots / (relative.replace("/", "__").removesuffix(".html") + ".png")
                out.write_bytes(base64.b64decode(shot["data"]))
                result.notes.append(f"screenshot {out}")
        finally:
            browser.close()
    if not loaded:
        result.problems.append(f"page did not finish loading within {timeout:.0f} s")
    if result.rendered_marks < expected:
        result.problems.append(f"{result.rendered_marks} rendered chart(s) (svg.marks) for {expected} Altair chart(s)")
    for text in chart_errors:
        result.problems.append(f"chart shows an error: {text.strip()[:200]}")
    problems, ignored, warnings = _console_problems(browser.events, base)
    result.problems.extend(problems)
    result.warnings.extend(dict.fromkeys(warnings))
    if ignored:
        result.notes.append(f"{len(ignored)} known harmless console message(s) ignored")
    return result


def _hover_first_mark(browser: DevTools, session: str) -> str:
    """Move the mouse over the first mark; say whether a tooltip appeared (a note, not a check)."""
    point = browser.send("Runtime.evaluate", {"expression": FIRST_MARK_JS, "returnByValue": True}, session=session)[
        "result"
    ].get("value")
    if not point:
        return "no mark to hover"
    browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": point[0], "y": point[1]}, session=session)
    for _ in range(10):
        time.sleep(0.1)
        tooltip = browser.send("Runtime.evaluate", {"expression": TOOLTIP_JS, "returnByValue": True}, session=session)[
            "result"
        ].get("value")
        if tooltip:
            return f"tooltip on hover: {' '.join(tooltip.split())[:80]!r}"
    return "no tooltip on hovering the first mark"


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


def pages_to_check(html_root: Path) -> list[Path]:
    chapters = sorted((html_root / "notebooks").rglob("*.html"))
    others = [
        p
        for p in sorted(html_root.rglob("*.html"))
        if p not in chapters and "_static" not in p.parts and charts_in_html(p)
    ]
    return chapters + others


def find_chromium(explicit: str | None) -> str | None:
    for candidate in ([explicit] if explicit else []) + list(CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--chromium", default=None, help="browser executable (default /usr/bin/chromium)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per page")
    parser.add_argument("--screenshots", type=Path, default=None, help="save a PNG of each page here")
    args = parser.parse_args(argv)

    chromium = find_chromium(args.chromium)
    if chromium is None:
        print("browser_check: no chromium found; run `make browser` (apt-get install chromium)", file=sys.stderr)
        return 2
    html_root = args.html.resolve()
    if not (html_root / "index.html").exists():
        print(f"browser_check: {html_root} holds no built book; run `make book` first", file=sys.stderr)
        return 2
    pages = pages_to_check(html_root)
    if not pages:
        print(f"browser_check: no chapter pages under {html_root / 'notebooks'}", file=sys.stderr)
        return 1
    if args.screenshots is not None:
        args.screenshots.mkdir(parents=True, exist_ok=True)

    server, base = serve(html_root)
    failures = 0
    try:
        for page in pages:
            expected = charts_in_html(page)
            stored_problem = None
            relative = page.relative_to(html_root)
            if relative.parts[0] == "notebooks":
                ipynb = args.notebooks / relative.with_suffix(".ipynb").relative_to("notebooks")
                if ipynb.exists():
                    stored = charts_in_notebook(ipynb)
                    if expected < stored:
                        stored_problem = (
                            f"built page has {expected} Altair chart(s) but {ipynb.name} displays "
                            f"{stored}: outputs lost in the build (execution cache?)"
                        )
            result = check_page(chromium, base, html_root, page, expected, args.timeout, args.screenshots)
            if stored_problem:
                result.problems.insert(0, stored_problem)
            status = "ok  " if not result.problems else "FAIL"
            detail = f"{result.rendered_marks} rendered / {result.expected_charts} chart(s)"
            notes = f" ({'; '.join(result.notes)})" if result.notes else ""
            print(f"browser_check: {status} {result.page}: {detail}{notes}")
            for problem in result.problems:
                print(f"browser_check:      {result.page}: {problem}")
            for warning in result.warnings:
                print(f"browser_check:      {result.page}: warning (offline gap): {warning}")
            failures += bool(result.problems)
    finally:
        server.shutdown()
    print(f"browser_check: {len(pages) - failures} of {len(pages)} page(s) passed in {Path(chromium).name}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
