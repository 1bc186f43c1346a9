"""Open chapters in JupyterLab, as a reader would, and check that they work there.

For each chapter named below this script:

1. starts JupyterLab from this environment (``.venv``) on 127.0.0.1 with a random token, serving a
   temporary copy of the chapter's ``.md`` and its paired ``.ipynb`` with the stored outputs (so
   nothing a test run types or saves reaches the repository),
   with JupyterLab's user settings, workspaces and runtime files in temporary folders: only what
   ``make venv`` installed into the environment (tools/jupyterlab-overrides.json) configures it;
2. opens the chapter's ``.md`` in Debian's Chromium (Playwright, no browser download): the first
   from its URL, the others with a double click in JupyterLab's file browser, in the same session,
   with every request that does not go to 127.0.0.1 blocked and counted as a failure;
3. checks that it opened as a notebook (not as a text file) and, before anything runs, that the
   prose shows the stored values (no inline expression such as ``v.scores_n`` left as code) and
   the stored charts are drawn, as a reader sees the chapter on opening it (a screenshot,
   ``NAME-before-run.png``), and no citation reads as a bare key nor a glossary term as a dead link;
4. runs all cells, and checks: no error output, every chart rendered (an ``svg.marks`` per chart),
   no raw MyST syntax (``{glue``, ``{cite``, ``{eval``) in the rendered prose and no directive
   jupyterlab-myst does not know (its red "Unknown Directive" box);
5. changes one line of the parameter cell, runs all cells again, and checks that a named number in
   a named sentence of the prose changed as the chapter's "Try it" section says;
6. saves, as JupyterLab's autosave would, and checks what reached the two files: the ``.md`` holds
   no ``user_expressions`` (run-specific values), the ``.ipynb`` no vendored vega library and no
   PNG snapshot of a chart (``chart_display.drop_chart_snapshots``), and, for the first chapter,
   nbval passes on the saved ``.ipynb`` (its outputs are those of a plain kernel). JupyterLab
   writes every chapter's outputs the same way, and nbval on a saved chapter costs a pytest
   process, a kernel and the chapter again (8 s, measured): once is enough.

The landing chapter (``00-findings``) is only opened, not run: its prose must render without an
"Unknown Directive" box, bare citation key or dead glossary link.

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
import json
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
RAW_SYNTAX = re.compile(r"\{(?:glue|cite|eval)[:}]")
# An inline expression jupyterlab-myst has no value for: it shows the expression itself, as code.
PLACEHOLDER = re.compile(r"^v\.[A-Za-z_][A-Za-z0-9_.]*$")
UNKNOWN_DIRECTIVE = "Unknown Directive"
# What only the vendored vega bundle contains (its version claim for Altair's HTML output).
VEGA_LIBRARY_MARK = "VEGA_DEBUG"
VEGALITE_MIME = "application/vnd.vegalite.v5+json"  # the charts' type in a notebook (chart_display)
OPEN_ONLY = ("00-findings",)
# The notebook in view (JupyterLab keeps other tabs in the page, hidden), and its rendered prose
# (jupyterlab-myst renders a markdown cell into a ".myst" widget).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
PROSE = f"{PANEL} .jp-MarkdownCell .myst"
# A chart: Altair's HTML output (the book's), or JupyterLab's own Vega-Lite renderer.
CHART = f"{PANEL} [id^='altair-viz-'], {PANEL} .jp-RenderedVegaLite"
DRAWN = f"{PANEL} [id^='altair-viz-'] svg.marks, {PANEL} .jp-RenderedVegaLite svg.marks"


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


def clear_outputs(page: Page, timeout_s: float) -> None:
    """Clear every output through the Edit menu, as a reader may, and wait until no cell is
    numbered: the stored outputs carry execution counts of their own, which `run_all` would
    otherwise take for this session's."""
    page.locator(f"{PANEL} .jp-InputPrompt").first.click()
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Clear Outputs of All Cells$")).first.click()
    prompts = page.locator(f"{PANEL} .jp-CodeCell .jp-InputPrompt")
    deadline = time.monotonic() + timeout_s
    while re.search(r"\[\d+\]", " ".join(prompts.all_inner_texts())):
        if time.monotonic() > deadline:
            raise TimeoutError(f"outputs still numbered {timeout_s:.0f} s after clearing them")
        page.wait_for_timeout(250)  # polling interval, not a wait for something to finish


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
        if ran and charts_drawn(page)[0] >= charts_drawn(page)[1]:
            break
        page.wait_for_timeout(250)  # polling interval, not a wait for something to finish
    else:
        raise TimeoutError(f"cells still running or not run after {timeout_s:.0f} s (a hang?)")
    return time.monotonic() - start


def charts_drawn(page: Page) -> tuple[int, int]:
    """(charts drawn, charts) in the notebook in view."""
    return page.locator(DRAWN).count(), page.locator(CHART).count()


def wait_for_prose(page: Page, timeout_s: float) -> None:
    """Wait until every markdown cell of the notebook in view is rendered by jupyterlab-myst."""
    cells, rendered = page.locator(f"{PANEL} .jp-MarkdownCell"), page.locator(PROSE)
    deadline = time.monotonic() + timeout_s
    while not (cells.count() and rendered.count() >= cells.count()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{rendered.count()} of {cells.count()} markdown cells rendered after {timeout_s:.0f} s")
        page.wait_for_timeout(250)  # polling interval, not a wait for something to finish


def wait_for_charts(page: Page, timeout_s: float) -> tuple[int, int]:
    """(charts drawn, charts) once every chart in view is drawn, or at the ceiling."""
    deadline = time.monotonic() + timeout_s
    while True:
        drawn, charts = charts_drawn(page)
        if (charts and drawn >= charts) or time.monotonic() > deadline:
            return drawn, charts
        page.wait_for_timeout(250)  # polling interval, not a wait for something to finish


def placeholders(page: Page) -> list[str]:
    """The inline expressions the rendered prose shows as code instead of a value."""
    codes = page.locator(f"{PROSE} code").all_inner_texts()
    return sorted({code.strip() for code in codes if PLACEHOLDER.match(code.strip())})


def unknown_directives(page: Page) -> int:
    return page.locator(f"{PANEL} .jp-MarkdownCell", has_text=UNKNOWN_DIRECTIVE).count()


def unresolved_references(page: Page, name: str) -> list[str]:
    """Citations that read as a bare key or as nothing, and glossary terms left as dead links (link
    colour, or taking a click, on an href of "#"). jupyterlab-myst resolves neither; the
    environment's custom.css (tools/jupyterlab-custom.css) makes both plain text."""
    readings = page.locator(f"{PROSE} .cite-group").evaluate_all(
        "groups => groups.map(g => getComputedStyle(g, '::before').content + g.innerText)"
    )
    bare = [reading for reading in readings if " " not in reading.strip()]  # one token: `"("key` or nothing
    dead = page.locator(f"{PROSE} a[href='#']").evaluate_all(
        "links => links.filter(a => getComputedStyle(a).pointerEvents !== 'none'"
        " || getComputedStyle(a).color !== getComputedStyle(a.parentElement).color).map(a => a.textContent)"
    )
    problems = [f"{name}: {len(bare)} citation(s) read as a bare key or nothing, e.g. {bare[0]}"] if bare else []
    return problems + ([f"{name}: {len(dead)} glossary term(s) are dead links, e.g. {dead[0]}"] if dead else [])


def check_before_run(page: Page, tweak: Tweak, out: Path, timeout_s: float) -> list[str]:
    """What a reader sees on opening the chapter, before running anything: the prose with the
    stored values (the "Try it" sentence among them) and the stored charts."""
    name = tweak.chapter
    wait_for_prose(page, timeout_s)
    # Stored charts are drawn from the .ipynb's outputs without a kernel; a ceiling of a minute
    # (not the run's) so that a chart that cannot draw does not hold the check for long.
    drawn, charts = wait_for_charts(page, min(timeout_s, 60))
    # Screenshots: the prose holding the "Try it" sentence (values from the stored notebook), then
    # the first chart.
    stored = sentence(page, tweak.sentence)
    cells = page.locator(PROSE)
    texts = [" ".join(text.split()) for text in cells.all_inner_texts()]
    holding = next((i for i, text in enumerate(texts) if re.search(tweak.sentence, text)), 1 if len(texts) > 1 else 0)
    if texts:
        cells.nth(holding).evaluate("element => element.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(out / f"{name}-before-run.png"), full_page=False)
    if charts:
        page.locator(CHART).first.evaluate("element => element.scrollIntoView({block: 'center'})")
        page.screenshot(path=str(out / f"{name}-before-run-chart.png"), full_page=False)
    problems = []
    if not charts or drawn < charts:
        problems.append(f"{name} before Run All: {drawn} of {charts} stored chart(s) drawn")
    raw = placeholders(page)
    if not stored:
        problems.append(f"{name} before Run All: no prose matches {tweak.sentence!r}")
    if raw:
        problems.append(
            f"{name} before Run All: {len(raw)} inline expression(s) shown as code, not values, "
            f"e.g. {', '.join(raw[:3])}"
        )
    if unknown_directives(page):
        problems.append(f"{name}: {unknown_directives(page)} cell(s) with an {UNKNOWN_DIRECTIVE!r} box")
    problems += unresolved_references(page, name)
    print(f"jupyterlab_check: {name} before Run All: {drawn} of {charts} chart(s) drawn, {len(raw)} placeholder(s)")
    return problems


def code_lines(path: Path) -> list[str]:
    """The lines of the code cells of the .ipynb at `path` ([] while it is missing or half
    written), or of the whole file for a .md (a prose line is never a whole line of code)."""
    if path.suffix == ".md":
        return path.read_text().splitlines()
    try:
        cells = json.loads(path.read_text())["cells"]
    except (OSError, ValueError, KeyError):
        return []
    return [line for cell in cells if cell["cell_type"] == "code" for line in "".join(cell["source"]).splitlines()]


def save_and_check_files(
    page: Page, name: str, root_dir: Path, new_line: str, out: Path, timeout_s: float
) -> list[str]:
    """Save the notebook (as autosave would) and check what reached its .md and .ipynb (copied to
    `out` as NAME-saved.md and NAME-saved.ipynb for a person to look at)."""
    md, ipynb = root_dir / f"{name}.md", root_dir / f"{name}.ipynb"
    sizes = {path.suffix: path.stat().st_size if path.exists() else 0 for path in (md, ipynb)}
    page.locator(f"{PANEL} .jp-InputPrompt").first.click()
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + timeout_s
    # State: both files, completely written, hold the changed parameter as a line of code.
    while not (new_line in code_lines(md) and new_line in code_lines(ipynb)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{name}: saving did not write the .md and the .ipynb within {timeout_s:.0f} s")
        page.wait_for_timeout(250)  # polling interval, not a wait for something to finish
    text, notebook = md.read_text(), ipynb.read_text()
    (out / f"{name}-saved.md").write_text(text)
    (out / f"{name}-saved.ipynb").write_text(notebook)
    # Cell metadata in the body (MyST writes a markdown cell's as JSON after its "+++"); the
    # header names the key in its filter, which is what keeps it out.
    body = text.split("\n---\n", 1)[-1]
    print(
        f"jupyterlab_check: {name} saved: .md {sizes['.md'] / 1e3:.0f} -> {len(text.encode()) / 1e3:.0f} KB, "
        f".ipynb {sizes['.ipynb'] / 1e3:.0f} -> {len(notebook.encode()) / 1e3:.0f} KB"
    )
    problems = []
    if "user_expressions" in body:
        problems.append(f"{name}: saving wrote jupyterlab-myst's user_expressions into the .md")
    if VEGA_LIBRARY_MARK in notebook:
        problems.append(f"{name}: saving wrote the vega library into the .ipynb")
    outputs = [o for cell in json.loads(notebook)["cells"] for o in cell.get("outputs", [])]
    snapshots = sum(1 for o in outputs if {VEGALITE_MIME, "image/png"} <= set(o.get("data", {})))
    if snapshots:
        problems.append(f"{name}: saving wrote {snapshots} PNG snapshot(s) of charts into the .ipynb")
    # The saved .ipynb (with the reader's change) still passes nbval: JupyterLab's outputs are the
    # ones a plain kernel gives, so a chapter saved in JupyterLab can be committed and checked.
    if name != TWEAKS[0].chapter:
        return problems
    sanitizer = ROOT / "tools" / "nbval-sanitize.cfg"
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(root_dir)]
    nbval = subprocess.run(
        [*pytest, "--nbval", str(ipynb), "--nbval-sanitize-with", str(sanitizer)],
        capture_output=True,
        text=True,
        cwd=root_dir,
    )
    if nbval.returncode != 0:
        tail = " | ".join(nbval.stdout.strip().splitlines()[-3:])
        problems.append(f"{name}: nbval fails on the .ipynb JupyterLab saved: {tail}")
    return problems


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
        ", ".join(f"{drawn} g.mark-{mark} path" for drawn in DRAWN.split(", ") for mark in ("symbol", "rect"))
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
    rendered, charts = charts_drawn(page)
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
    if unknown_directives(page):
        problems.append(f"{name}: {unknown_directives(page)} cell(s) with an {UNKNOWN_DIRECTIVE!r} box")
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


def open_chapter(page: Page, name: str, timeout_s: float) -> list[str]:
    """Open the chapter as a reader does, by a double click in the file browser, unless it is the
    one JupyterLab opened on (from its URL, `main`). JupyterLab is loaded once: loading it again for
    each chapter cost 4 to 5 core-seconds (its scripts, its extensions) and added nothing."""
    current = page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel", has_text=f"{name}.md")
    if not current.count():
        if not page.locator(".jp-DirListing-content").is_visible():  # the file browser is folded away
            page.locator(".jp-SideBar [data-id='filebrowser']").click()
        item = page.locator(".jp-DirListing-itemText", has_text=f"{name}.md")
        page.locator(".jp-DirListing-item", has=item).dblclick()
        current.first.wait_for(timeout=timeout_s * 1000)
    page.wait_for_selector(f"{PANEL} .jp-Notebook .jp-Cell, .jp-FileEditor:visible", timeout=timeout_s * 1000)
    if page.locator(".jp-FileEditor:visible").count():
        return [f"{name}: opened as a text file, not as a notebook"]
    return []


def check_opened(page: Page, name: str, timeout_s: float) -> list[str]:
    """Open a chapter without running it: its prose renders, with no unknown directive."""
    problems = open_chapter(page, name, timeout_s)
    wait_for_prose(page, timeout_s)
    if unknown_directives(page):
        problems.append(f"{name}: {unknown_directives(page)} cell(s) with an {UNKNOWN_DIRECTIVE!r} box")
    return problems + unresolved_references(page, name)


def check_chapter(page: Page, tweak: Tweak, out: Path, root_dir: Path, timeout_s: float) -> tuple[list[str], str]:
    name = tweak.chapter
    problems = open_chapter(page, name, timeout_s)
    problems += check_before_run(page, tweak, out, timeout_s)
    clear_outputs(page, timeout_s)
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
    problems += save_and_check_files(page, name, root_dir, tweak.new_line, out, timeout_s)
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
    parser.add_argument(
        "--notebooks", type=Path, default=ROOT / "notebooks", help="where the chapters (.md, .ipynb) are copied from"
    )
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"jupyterlab_check: {CHROMIUM} is missing (make browser installs it)")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="tacmg-lab-"))
    root_dir = scratch / "chapters"
    root_dir.mkdir()
    for chapter in [tweak.chapter for tweak in TWEAKS] + list(OPEN_ONLY):
        for suffix in (".md", ".ipynb"):
            if (args.notebooks / f"{chapter}{suffix}").exists():
                shutil.copy(args.notebooks / f"{chapter}{suffix}", root_dir)
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
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS))
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
            # JupyterLab opens on the first chapter (the token in the URL becomes a cookie)
            page.goto(f"{base}/lab/tree/{TWEAKS[0].chapter}.md?reset&token={token}")
            page.wait_for_selector(f".jp-LabShell {PANEL} .jp-Cell, .jp-FileEditor", timeout=args.timeout * 1000)
            print(f"jupyterlab_check: JupyterLab open after {time.monotonic() - started:.1f} s")
            for tweak in TWEAKS:
                try:
                    found, timing = check_chapter(page, tweak, args.out, root_dir, args.timeout)
                except (AssertionError, TimeoutError, PlaywrightError) as exc:
                    page.screenshot(path=str(args.out / f"{tweak.chapter}-failed.png"))
                    found, timing = [f"{tweak.chapter}: {exc}"], f"{tweak.chapter}: stopped"
                problems += found
                print(f"jupyterlab_check: {timing}; {'ok' if not found else 'FAILED'}")
            for chapter in OPEN_ONLY:
                try:
                    found = check_opened(page, chapter, args.timeout)
                except (TimeoutError, PlaywrightError) as exc:
                    page.screenshot(path=str(args.out / f"{chapter}-failed.png"))
                    found = [f"{chapter}: {exc}"]
                problems += found
                print(f"jupyterlab_check: {chapter} opened; {'ok' if not found else 'FAILED'}")
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
