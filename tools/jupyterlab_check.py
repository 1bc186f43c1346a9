"""Open chapters in JupyterLab, as a reader would, and check that they work there.

For each chapter named below this script:

1. starts JupyterLab from this environment (``.venv``) on 127.0.0.1 with a random token, serving a
   temporary copy of the chapter (so nothing a test run types can be saved into the repository),
   with JupyterLab's user settings, workspaces and runtime files in temporary folders: only what
   ``make venv`` installed into the environment (tools/jupyterlab-overrides.json) configures it;
2. opens the chapter's ``.md`` from its URL in Debian's Chromium (Playwright, no browser download),
   with every request that does not go to 127.0.0.1 blocked and counted as a failure;
3. checks that it opened as a notebook (not as a text file), runs all cells, and checks: no error
   output, every Altair chart rendered (an ``svg.marks`` per chart), no raw MyST syntax
   (``{glue``, ``{cite``, ``{eval``) in the rendered prose;
4. changes one line of the parameter cell, runs all cells again, and checks that a named number in
   a named sentence of the prose changed as the chapter's "Try it" section says.

Every wait is on a state JupyterLab shows (the kernel idle, every cell numbered, every chart
drawn, the sentence re-rendered), never on a stretch of wall-clock time: a loaded machine only
makes the check slower. The ceilings on those waits (``--timeout``, default 20 minutes a run) only
stop a hang. JupyterLab runs as root where the environment's Jupyter server configuration allows
it (``make venv`` writes ``allow_root``), as a reader's ``jupyter lab`` does: no flag here.

Screenshots of each step go to ``_build/jupyterlab/`` for a person to look at. Prints how long
JupyterLab took to open and each chapter to run.

Usage: python tools/jupyterlab_check.py [--out _build/jupyterlab] [--timeout 1200]
Exit status 0 when every check passes, 1 otherwise, 2 when JupyterLab or Chromium cannot start.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Route, sync_playwright

from browser_check import CHROMIUM_FLAGS  # tools/ is on sys.path when a tool runs

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# The same isolation flags as the built-book check (Chromium otherwise reaches out to Google's
# services on start); Playwright sets headless mode and the window itself.
CHROMIUM_ARGS = [flag for flag in CHROMIUM_FLAGS if flag != "--headless" and not flag.startswith("--window-size")]
RAW_SYNTAX = re.compile(r"\{(?:glue|cite|eval)[:}]")
# The notebook in view (JupyterLab keeps other tabs in the page, hidden), and its rendered prose
# (jupyterlab-myst renders a markdown cell into a ".myst" widget).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
PROSE = f"{PANEL} .jp-MarkdownCell .myst"


@dataclass(frozen=True)
class Tweak:
    """One "Try it" change and the sentence it moves."""

    chapter: str
    old_line: str
    new_line: str
    sentence: str  # a regular expression for the part of the prose that must change
    expect_after: str  # a fragment that part must contain afterwards


TWEAKS = (
    Tweak(
        "02-clinical-scores",
        "CONFIDENCE = 0.95",
        "CONFIDENCE = 0.9",
        r"The Hodges-Lehmann change was [^(]*\(\d+% interval [^)]*\)",
        "90% interval",
    ),
    Tweak(
        "06-molecule-change",
        "IMPROVED = None",
        'IMPROVED = ("MM", "I")',
        r"In the \d+ patients of status [A-Za-z ]+?,",
        "patients of status MM and I",
    ),
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_lab(root_dir: Path, scratch: Path, port: int, token: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "JUPYTER_PREFER_ENV_PATH": "1",
        "JUPYTERLAB_SETTINGS_DIR": str(scratch / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
        "JUPYTER_CONFIG_DIR": str(scratch / "config"),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        "--ServerApp.open_browser=False",
    ]
    # Render every cell (JupyterLab 4 otherwise renders only the cells in view), so that every chart
    # and every sentence of the chapter is on the page to be checked.
    tracker = scratch / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True, exist_ok=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    log = open(scratch / "jupyterlab.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root_dir)


def wait_for_server(port: int, token: str, timeout: float) -> None:
    """Poll JupyterLab's status API until it answers (`timeout`: a ceiling against a hang)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"JupyterLab did not answer within {timeout:.0f} s")


def run_all(page: Page, timeout_s: float) -> float:
    """Run all cells through the menu, as a reader would; return the seconds until every code cell
    ran in this run and every chart is drawn."""
    start = time.monotonic()
    prompts = " ".join(page.locator(f"{PANEL} .jp-CodeCell .jp-InputPrompt").all_inner_texts())
    after = max((int(number) for number in re.findall(r"\[(\d+)\]", prompts)), default=0)
    # Focus the chapter in view: the Run menu acts on the notebook JupyterLab considers current.
    page.locator(f"{PANEL} .jp-InputPrompt").first.click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).first.click()
    # State, polled: every code cell numbered past `after` (none [*] or [ ]) and every chart drawn.
    prompts_now = page.locator(f"{PANEL} .jp-CodeCell .jp-InputPrompt")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        texts = [text.strip() for text in prompts_now.all_inner_texts()]
        ran = texts and all(re.fullmatch(r"\[(\d+)\]:", t) and int(t[1:-2]) > after for t in texts)
        charts = page.locator(f"{PANEL} [id^='altair-viz-']").count()
        if ran and page.locator(f"{PANEL} [id^='altair-viz-'] svg.marks").count() >= charts:
            break
        page.wait_for_timeout(250)  # polling interval, not a wait for something to finish
    else:
        raise TimeoutError(f"cells still running or not run after {timeout_s:.0f} s (a hang?)")
    return time.monotonic() - start


def sentence(page: Page, pattern: str) -> str:
    """The first stretch of the rendered prose that matches `pattern` ('' when none does)."""
    prose = " ".join(" ".join(text.split()) for text in page.locator(PROSE).all_inner_texts())
    match = re.search(pattern, prose)
    return match.group(0) if match else ""


def wait_for_sentence(page: Page, pattern: str, timeout_s: float, differs_from: str = "") -> str:
    """The prose matching `pattern` once it renders (and, given `differs_from`, once it changed):
    jupyterlab-myst renders inline expressions after the cells ran. '' at the ceiling."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = sentence(page, pattern)
        if (found and found != differs_from) or time.monotonic() > deadline:
            return found
        page.wait_for_timeout(250)  # polling interval, not a wait for something to finish


def tooltip_appears(page: Page) -> bool:
    """Hover the first point or bar of the first chart; True when vega's tooltip shows."""
    marks = page.locator(
        f"{PANEL} [id^='altair-viz-'] svg.marks g.mark-symbol path, "
        f"{PANEL} [id^='altair-viz-'] svg.marks g.mark-rect path"
    )
    for index in range(min(marks.count(), 5)):
        marks.nth(index).scroll_into_view_if_needed()
        marks.nth(index).hover(force=True)
        try:
            page.locator("#vg-tooltip-element.visible").wait_for(timeout=10_000)
            return True
        except PlaywrightError:
            continue  # a mark without a tooltip (a rule, a label): try the next
    return False


def check_rendered(page: Page, name: str) -> list[str]:
    problems = []
    errors = page.locator(f"{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count()
    tracebacks = page.locator(f"{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count()
    if errors or tracebacks:
        problems.append(f"{name}: {tracebacks} error and {errors} stderr output(s)")
    charts = page.locator(f"{PANEL} [id^='altair-viz-']").count()
    rendered = page.locator(f"{PANEL} [id^='altair-viz-'] svg.marks").count()
    if charts == 0 or rendered < charts:
        problems.append(f"{name}: {rendered} of {charts} chart(s) rendered")
    if rendered and not tooltip_appears(page):
        problems.append(f"{name}: hovering a chart's mark shows no tooltip")
    prose = " ".join(page.locator(PROSE).all_inner_texts())
    raw = sorted(set(RAW_SYNTAX.findall(prose)))
    if len(prose) < 500:
        problems.append(f"{name}: the prose did not render ({len(prose)} characters)")
    if raw:
        problems.append(f"{name}: raw MyST syntax in the prose: {', '.join(raw)}")
    return problems


def set_parameter(page: Page, old_line: str, new_line: str) -> None:
    """Replace one line of the parameter cell by typing into its editor. The parameter cell is the
    first code cell holding `old_line`: it comes after the cell that keeps the card's place."""
    editors = page.locator(f"{PANEL} .jp-CodeCell .cm-content")
    sources = [editors.nth(i).inner_text() for i in range(min(editors.count(), 4))]
    found = next((i for i, text in enumerate(sources) if old_line in text), None)
    if found is None:
        raise AssertionError(f"no parameter cell among the first code cells has the line {old_line!r}: {sources!r}")
    editor, source = editors.nth(found), sources[found]
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source.replace(old_line, new_line))
    page.keyboard.press("Escape")


def check_chapter(page: Page, base: str, tweak: Tweak, out: Path, timeout_s: float) -> tuple[list[str], str]:
    name = tweak.chapter
    page.goto(f"{base}/lab/tree/{name}.md?reset")  # a fresh workspace: only this chapter open
    page.wait_for_selector(f"{PANEL} .jp-Notebook .jp-Cell, .jp-FileEditor", timeout=timeout_s * 1000)
    problems = []
    if page.locator(".jp-FileEditor").count():
        problems.append(f"{name}: opened as a text file, not as a notebook")
    # Either the chapter's own kernel comes up idle, or JupyterLab asks which kernel to start.
    idle = f"{PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']"
    page.wait_for_selector(f"{idle}, .jp-Dialog", timeout=timeout_s * 1000)
    select = page.get_by_role("button", name="Select", exact=True)
    if select.count():  # a kernel dialog means the chapters' kernel did not start by itself
        problems.append(f"{name}: JupyterLab asked for a kernel instead of starting the chapter's own")
        select.click()
    page.wait_for_selector(idle, timeout=timeout_s * 1000)
    seconds = run_all(page, timeout_s)
    before = wait_for_sentence(page, tweak.sentence, timeout_s)
    page.screenshot(path=str(out / f"{name}-run.png"), full_page=False)
    problems += check_rendered(page, name)
    set_parameter(page, tweak.old_line, tweak.new_line)
    seconds_again = run_all(page, timeout_s)
    after = wait_for_sentence(page, tweak.sentence, timeout_s, differs_from=before)
    page.screenshot(path=str(out / f"{name}-tweaked.png"), full_page=False)
    problems += check_rendered(page, f"{name} (tweaked)")
    if not before or before == after or tweak.expect_after not in after:
        problems.append(
            f"{name}: after {tweak.new_line!r} the prose matching {tweak.sentence!r} should contain "
            f"{tweak.expect_after!r}; before: {before!r}; after: {after!r}"
        )
    timing = f"{name}: run all {seconds:.1f} s, after the change {seconds_again:.1f} s"
    return problems, timing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "jupyterlab")
    parser.add_argument("--timeout", type=float, default=1200, help="ceiling per wait, against hangs only")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"jupyterlab_check: {CHROMIUM} is missing (make browser installs it)")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="tacmg-lab-"))
    root_dir = scratch / "chapters"
    root_dir.mkdir()
    for tweak in TWEAKS:
        shutil.copy(ROOT / "notebooks" / f"{tweak.chapter}.md", root_dir)
    port, token = free_port(), secrets.token_hex(16)
    started = time.monotonic()
    lab = start_lab(root_dir, scratch, port, token)
    problems: list[str] = []
    left: list[str] = []
    try:
        try:
            wait_for_server(port, token, args.timeout)
        except TimeoutError as exc:
            print(f"jupyterlab_check: {exc}; see {scratch / 'jupyterlab.log'}")
            return 2
        base = f"http://127.0.0.1:{port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1366, "height": 900})

            def only_loopback(route: Route) -> None:
                host = route.request.url.split("/")[2].split(":")[0] if "://" in route.request.url else ""
                if host in ("127.0.0.1", "") or route.request.url.startswith(("data:", "blob:")):
                    route.continue_()
                else:
                    left.append(f"{route.request.url} (from {page.url if page else '?'})")
                    route.abort()

            page = None
            context.route("**/*", only_loopback)
            page = context.new_page()
            page.goto(f"{base}/lab?token={token}")
            page.wait_for_selector(".jp-LabShell", timeout=args.timeout * 1000)
            print(f"jupyterlab_check: JupyterLab open after {time.monotonic() - started:.1f} s")
            for tweak in TWEAKS:
                try:
                    found, timing = check_chapter(page, base, tweak, args.out, args.timeout)
                except (AssertionError, TimeoutError, PlaywrightError) as exc:
                    page.screenshot(path=str(args.out / f"{tweak.chapter}-failed.png"))
                    found, timing = [f"{tweak.chapter}: {exc}"], f"{tweak.chapter}: stopped"
                problems += found
                print(f"jupyterlab_check: {timing}; {'ok' if not found else 'FAILED'}")
            browser.close()
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=20)
        except subprocess.TimeoutExpired:
            lab.kill()
        shutil.rmtree(scratch, ignore_errors=True)
    if left:
        problems.append(f"{len(left)} request(s) tried to leave 127.0.0.1, e.g. {left[0]}")
    for problem in problems:
        print(f"jupyterlab_check: FAIL {problem}")
    print(f"jupyterlab_check: screenshots in {args.out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
