"""Unit tests of the build/test toolchain under tools/ and of the book's configuration."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools"


def load_tool(name: str):
    """Import tools/<name>.py as a module (tools/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"toolchain_{name}", TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- nbval sanitizer
def sanitizer():
    from nbval.plugin import get_sanitize_patterns

    patterns = get_sanitize_patterns((TOOLS / "nbval-sanitize.cfg").read_text())

    def sanitize(text: str) -> str:
        for regex, replacement in patterns:
            text = re.sub(regex, replacement, text)
        return text

    return sanitize


@pytest.mark.parametrize(
    "first, second",
    [
        (
            '<div id="altair-viz-0123456789abcdef0123456789abcdef">',
            '<div id="altair-viz-fedcba9876543210fedcba9876543210">',
        ),
        ("#T_1a2b3_row0_col0 {", "#T_9f8e7_row0_col0 {"),
        ("<function f at 0x7f3a2b1c4d50>", "<function f at 0x7f00deadbeef>"),
        (
            "/work/main/.venv/lib/python3.11/site-packages/scipy/x.py:3: RuntimeWarning",
            "/tmp/clone/.venv/lib/python3.11/site-packages/scipy/x.py:3: RuntimeWarning",
        ),
        ("/work/main/src/tacmg/stats.py:12: UserWarning", "/tmp/x/src/tacmg/stats.py:12: UserWarning"),
        ("100%|##########| 32/32 [00:01<00:00, 27.53it/s]", "100%|##########| 32/32 [00:00<00:00, 91.20it/s]"),
    ],
)
def test_sanitizer_hides_run_to_run_noise(first, second):
    sanitize = sanitizer()
    assert first != second
    assert sanitize(first) == sanitize(second)


@pytest.mark.parametrize(
    "first, second",
    [
        ('"median": 6.0', '"median": 6.5'),
        ("<td>4.5</td>", "<td>4.6</td>"),
        ("p = 4.7e-10", "p = 4.8e-10"),
        ("statistic 0.0123 at 0.05", "statistic 0.0124 at 0.05"),
        ("100%|##########| 32/32 [00:01<00:00]", "100%|##########| 31/32 [00:01<00:00]"),
        ("/work/main/src/tacmg/stats.py:12: UserWarning", "/work/main/src/tacmg/stats.py:13: UserWarning"),
    ],
)
def test_sanitizer_keeps_changed_numbers_visible(first, second):
    sanitize = sanitizer()
    assert sanitize(first) != sanitize(second)


# ------------------------------------------------------------------------------ pair check
MD_NOTEBOOK = """---
jupytext:
  formats: ipynb,md:myst
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Title

```{code-cell} ipython3
x = 1
x
```
"""


def write_pair(directory: Path, stem: str = "nb") -> tuple[Path, Path]:
    md = directory / f"{stem}.md"
    md.write_text(MD_NOTEBOOK)
    ipynb = directory / f"{stem}.ipynb"
    jupytext.write(jupytext.read(md), ipynb, fmt="ipynb")
    return md, ipynb


def test_pairs_in_sync_pass(tmp_path):
    check_pairs = load_tool("check_pairs")
    write_pair(tmp_path)
    assert check_pairs.check_directory(tmp_path) == []
    assert check_pairs.main([str(tmp_path)]) == 0


def test_pairs_report_changed_code_cell(tmp_path, capsys):
    check_pairs = load_tool("check_pairs")
    md, _ = write_pair(tmp_path)
    md.write_text(MD_NOTEBOOK.replace("x = 1", "x = 2"))
    problems = check_pairs.check_directory(tmp_path)
    assert len(problems) == 1 and "nb.md" in problems[0] and "x = 2" in problems[0]
    assert check_pairs.main([str(tmp_path)]) == 1
    assert "not in sync" in capsys.readouterr().out


def test_pairs_report_missing_twin(tmp_path):
    check_pairs = load_tool("check_pairs")
    write_pair(tmp_path)
    (tmp_path / "lonely.md").write_text(MD_NOTEBOOK)
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "orphan.ipynb")
    problems = check_pairs.check_directory(tmp_path)
    assert len(problems) == 2
    assert any("lonely.md" in p and "no paired" in p for p in problems)
    assert any("orphan.ipynb" in p and "no paired" in p for p in problems)


# ------------------------------------------------------------------ deterministic notebooks
def test_cell_and_chart_ids_are_deterministic():
    execute_notebooks = load_tool("execute_notebooks")

    def fresh():
        nb = jupytext.reads(MD_NOTEBOOK, fmt="md:myst")
        nb.cells[1].outputs = [
            nbformat.v4.new_output(
                "display_data",
                data={
                    "text/html": '<div id="altair-viz-%s"></div><script>"altair-viz-%s"</script>'
                    % ((__import__("uuid").uuid4().hex,) * 2)
                },
            )
        ]
        execute_notebooks.stable_cell_ids(nb)
        execute_notebooks.stable_altair_ids(nb, salt="nb")
        return nb

    first, second = fresh(), fresh()
    assert [c.id for c in first.cells] == [c.id for c in second.cells]
    html = first.cells[1].outputs[0].data["text/html"]
    assert html == second.cells[1].outputs[0].data["text/html"]
    ids = re.findall(r"altair-viz-[0-9a-f]{32}", html)
    assert len(ids) == 2 and len(set(ids)) == 1  # renamed consistently within the output


# ----------------------------------------------------------------------------- CDN check
ALTAIR_PAGE = """<html><head>
<script src="../_static/vega-bundle.js?v=1"></script></head><body>
<div id="altair-viz-0123"></div><script>
    const paths = {
      "vega": "https://cdn.jsdelivr.net/npm/vega@6?noext",
      "vega-lite": "https://cdn.jsdelivr.net/npm/vega-lite@6.4.1?noext",
      "vega-embed": "https://cdn.jsdelivr.net/npm/vega-embed@7?noext",
    };
      maybeLoadScript("vega", "6")
        .then(() => maybeLoadScript("vega-lite", "6.4.1"))
        .then(() => maybeLoadScript("vega-embed", "7"))
</script>
<script>const THEBE_JS_URL = "https://unpkg.com/thebe@0.8.2/lib/index.js"; </script>
</body></html>"""
CLAIMS = {"vega_version": "6", "vegalite_version": "6.4.1", "vegaembed_version": "7"}


def test_cdn_check_accepts_neutralised_altair_fallback():
    check_no_cdn = load_tool("check_no_cdn")
    problems, fallbacks = check_no_cdn.check_page(ALTAIR_PAGE, CLAIMS)
    assert problems == [] and fallbacks == 1


@pytest.mark.parametrize(
    "page, claims, expected",
    [
        (
            ALTAIR_PAGE.replace('<script src="../_static/vega-bundle.js?v=1"></script>', ""),
            CLAIMS,
            "does not load _static/vega-bundle.js",
        ),
        (ALTAIR_PAGE, {**CLAIMS, "vegalite_version": "6.1.0"}, "vegalite_version"),
        (
            ALTAIR_PAGE.replace("</head>", '<script src="../_static/vega-bundle.js"></script></head>'),
            CLAIMS,
            "loads vega 2 times",
        ),
        (
            '<html><head><script src="_static/vega-bundle.js?v=1"></script></head><body><p>prose</p></body></html>',
            CLAIMS,
            "shows no chart but loads 1 vega script(s)",
        ),
        (ALTAIR_PAGE, None, "missing from the build"),
        (
            ALTAIR_PAGE.replace("</body>", '<script src="https://cdn.jsdelivr.net/npm/vega@6"></script></body>'),
            CLAIMS,
            "references a CDN",
        ),
        (
            ALTAIR_PAGE.replace(
                "</head>", '<script src="https://cdnjs.cloudflare.com/require.min.js"></script></head>'
            ),
            CLAIMS,
            "require.js",
        ),
        (
            ALTAIR_PAGE.replace("</head>", '<link rel="stylesheet" href="https://example.org/x.css"></head>'),
            CLAIMS,
            "another host",
        ),
    ],
)
def test_cdn_check_rejects_live_cdn_use(page, claims, expected):
    check_no_cdn = load_tool("check_no_cdn")
    problems, _ = check_no_cdn.check_page(page, claims)
    assert any(expected in p for p in problems), problems


def test_cdn_check_only_warns_about_mathjax():
    check_no_cdn = load_tool("check_no_cdn")
    page = ALTAIR_PAGE.replace(
        "</head>", '<script defer src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"></script></head>'
    )
    warnings: list[str] = []
    problems, _ = check_no_cdn.check_page(page, CLAIMS, warnings)
    assert problems == [] and len(warnings) == 1 and "MathJax" in warnings[0]


# ------------------------------------------------------------------------- browser check
def test_browser_check_reads_what_chromium_itself_reached(tmp_path):
    browser_check = load_tool("browser_check")
    types = {"DNS_TRANSACTION": 1, "URL_REQUEST_START_JOB": 2, "TCP_CONNECT": 3, "UDP_CONNECT": 4, "UDP_BYTES_SENT": 5}
    events = [
        {"type": 2, "params": {"url": "http://127.0.0.1:8000/index.html"}},
        {"type": 3, "params": {"remote_address": "127.0.0.1:8000"}},
        {"type": 2, "params": {"url": "http://127.0.0.1:9/ListAccounts"}},  # sent to the dead end
        {"type": 4, "params": {"address": "[2001:4860:4860::8888]:443"}},  # a route probe only
        {"type": 1, "params": {"hostname": "update.googleapis.com"}},
        {"type": 2, "params": {"url": "https://accounts.google.com/ListAccounts"}},
        {"type": 3, "params": {"remote_address": "192.0.2.7:443"}},
        {"type": 5, "params": {"address": "10.0.0.53:53", "byte_count": 30}},
    ]
    log = tmp_path / "netlog.json"
    # as Chromium leaves it when it exits: the closing brackets may be missing
    log.write_text(json.dumps({"constants": {"logEventTypes": types}, "events": events})[:-2] + ",\n")
    problems, notes = browser_check.netlog_problems(log)
    assert problems == [
        "DNS query for update.googleapis.com",
        "request for https://accounts.google.com/ListAccounts",
        "TCP connection to 192.0.2.7:443",
        "UDP datagram to 10.0.0.53:53",
    ]
    assert notes == ["route probe only (UDP connect, no datagram sent) to [2001:4860:4860::8888]:443"]


def test_browser_check_opens_every_built_page_chapters_first_and_no_redirect_twice(tmp_path):
    browser_check = load_tool("browser_check")
    for name in ("index.html", "book/about.html", "notebooks/01-x.html", "_static/x.html", "_sources/y.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("<html></html>")
    pages = [p.relative_to(tmp_path).as_posix() for p in browser_check.pages_to_check(tmp_path)]
    assert pages == ["notebooks/01-x.html", "book/about.html", "index.html"]
    # a page that only redirects to a checked page is that page's views again; one to nowhere stays
    (tmp_path / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=notebooks/01-x.html" />\n')
    (tmp_path / "old.html").write_text('<meta http-equiv="Refresh" content="0; url=gone.html" />\n')
    pages = [p.relative_to(tmp_path).as_posix() for p in browser_check.pages_to_check(tmp_path)]
    assert pages == ["notebooks/01-x.html", "book/about.html", "old.html"]


def test_page_assets_load_vega_only_with_a_chart_and_each_script_once():
    from sphinx.builders.html._assets import _JavaScript

    page_assets = load_tool("page_assets_ext")
    assert page_assets.has_chart('<div class="x"><div id="altair-viz-3f2a"></div>')
    assert not page_assets.has_chart("<p>No chart; the word altair-viz in prose.</p>")
    thebe = 'const THEBE_JS_URL = "x"'
    scripts = [
        _JavaScript(None, body=thebe, priority=500),
        _JavaScript("doctools.js", priority=200),
        _JavaScript("", body=thebe, priority=500),  # Sphinx 7's second copy of the same script
        _JavaScript("doctools.js", priority=200),
        _JavaScript("", body="var other = 1", priority=500),
    ]
    kept = page_assets.unique_scripts(scripts)
    assert [(s.filename, s.attributes.get("body")) for s in kept] == [
        (None, thebe),
        ("doctools.js", None),
        ("", "var other = 1"),
    ]


def test_browser_check_counts_charts_in_notebook(tmp_path):
    browser_check = load_tool("browser_check")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("chart")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": '<div id="altair-viz-ab12"></div>'}),
        nbformat.v4.new_output("display_data", data={"text/plain": "altair-viz-not-a-div"}),
        nbformat.v4.new_output("display_data", data={"application/vnd.vegalite.v5+json": {"mark": "point"}}),
    ]
    nb.cells.append(cell)
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    assert browser_check.charts_in_notebook(path) == 2  # the book's HTML chart and a stored Vega-Lite one


# --------------------------------------------------------------------- offline vega bundle
def test_vendored_versions_agree_with_altair():
    import altair as alt

    from tacmg.presentation import vega_bundle

    vega_bundle.check_compatible()
    assert vega_bundle.pick_vegalite_version() == ".".join(alt.VEGALITE_VERSION.split(".")[:2])


# ------------------------------------------------------------------------ book configuration
def toc_files(node) -> list[str]:
    files = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("file", "root"):
                files.append(value)
            else:
                files += toc_files(value)
    elif isinstance(node, list):
        for item in node:
            files += toc_files(item)
    return files


def test_every_toc_entry_exists():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    missing = [f for f in toc_files(toc) if not any((ROOT / f).with_suffix(s).exists() for s in (".md", ".ipynb"))]
    assert missing == []


def test_package_versions_directive_reads_installed_versions():
    ext = load_tool("package_versions_ext")
    import platform

    import pandas

    assert ext.installed_version("python") == platform.python_version()
    assert ext.installed_version("pandas") == pandas.__version__
    assert ext.installed_version("no-such-package-for-tacmg") is None


# --------------------------------------------------------------------- generated files
def test_git_tracks_no_file_the_build_writes():
    """What `make venv`, `make vendor` and `make book` write (.gitignore lists it) is never committed:
    a committed copy goes stale, and a stray _static/*.js is loaded by every page of the book."""
    import shutil
    import subprocess

    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout (an unpacked archive): nothing is tracked")
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    written = [p for p in listed if p.split("/")[0] in {"_build", "_vendor", ".venv"} or p.endswith("vega-bundle.js")]
    assert written == []
    ignored = subprocess.run(
        ["git", "ls-files", "--cached", "--ignored", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert ignored == [], "tracked although .gitignore says the build writes it: git rm --cached"
