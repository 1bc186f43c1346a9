"""tools/prefill_cache.py and tools/nbval_provenance.py: the book's execution cache.

The prefill must leave exactly the entries MyST-NB looks up (checked against a real
`jupyter-book build` of a small book), a changed code cell must be executed again, a failing cell
must be named, and a stored notebook may stand in for an execution only under every condition of
prefill_cache's docstring, the last of which nbval_provenance establishes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools"
sys.path.insert(0, str(TOOLS))  # the tools import one another as plain modules

import nbval_provenance  # noqa: E402
import prefill_cache  # noqa: E402

BIN = Path(sys.executable).parent
ENV = {
    **os.environ,
    "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    "JUPYTER_PREFER_ENV_PATH": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}
ENV.pop("TACMG_TEST_RUN", None)
ENV.pop("MG_DATA_DIR", None)

CONFIG = """\
title: small book
only_build_toc_files: true
exclude_patterns: ["*.ipynb", "_build"]
parse:
  myst_enable_extensions: [colon_fence, dollarmath, linkify, substitution, tasklist]
execute:
  execute_notebooks: cache
  timeout: 60
  allow_errors: false
"""
TOC = """\
format: jb-book
root: intro
chapters:
  - file: executed
  - file: seeded
"""
TOP_MATTER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---
"""


def chapter(name: str, code: str, prose: str = "Some prose.") -> str:
    return (
        f"{TOP_MATTER}\n# {name}\n\n{prose}\n\n```{{code-cell}} ipython3\nx = 6\n```\n\n"
        f"```{{code-cell}} ipython3\n:tags: [remove-input]\n\n{code}\n```\n\n"
        f"The answer is {{glue:text}}`{name}_answer`.\n"
    )


def glue_code(name: str, text: str) -> str:
    return f'from myst_nb import glue\nglue("{name}_answer", x * 7, display=False)\nprint("{text}")'


@pytest.fixture
def book(tmp_path):
    """A two-chapter book: `executed` has only its .md, `seeded` also a stored, executed .ipynb."""
    root = tmp_path / "book"
    root.mkdir()
    (root / "_config.yml").write_text(CONFIG)
    (root / "_toc.yml").write_text(TOC)
    (root / "intro.md").write_text("# Intro\n\nA page without code.\n")
    (root / "executed.md").write_text(chapter("executed", glue_code("executed", "executed-output")))
    (root / "seeded.md").write_text(chapter("seeded", glue_code("seeded", "fresh-output")))
    return root


def pages_by_name(root: Path) -> dict:
    pages, _ = prefill_cache.book_pages(root)
    return {page.docname: page for page in pages}


def glue_output(name: str, text: str) -> nbformat.NotebookNode:
    """The display_data output `myst_nb.glue(name, value)` writes for a value printed as ``text``."""
    prefix = "application/papermill.record/"
    return nbformat.v4.new_output(
        "display_data",
        data={f"{prefix}text/plain": text},
        metadata={"scrapbook": {"mime_prefix": prefix, "name": name}},
    )


def store_as_if_executed(root: Path, name: str, printed: str = "stored-output") -> nbformat.NotebookNode:
    """Write NAME.ipynb as `make notebooks` would (jupytext, executed), without a kernel.

    The outputs are those executing NAME.md gives, except that the printed text is ``printed``,
    so that a page built from this notebook can be told apart from one built by executing it.
    """
    notebook = jupytext.read(root / f"{name}.md")
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for count, cell in enumerate(code, 1):
        cell.execution_count = count
    code[1].outputs = [
        glue_output(f"{name}_answer", "42"),
        nbformat.v4.new_output("stream", name="stdout", text=f"{printed}\n"),
    ]
    nbformat.write(notebook, root / f"{name}.ipynb")
    return notebook


def verified_record(root: Path, name: str, run: str, inputs_key: str, language_info=None) -> dict:
    """The record nbval_provenance writes when nbval passed and every cell matched in full."""
    notebook = nbformat.read(root / f"{name}.ipynb", as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    return {
        "run": run,
        "mg_data_dir": None,
        "inputs_key": inputs_key,
        "notebooks": {
            f"{name}.ipynb": {
                "digest": prefill_cache.notebook_digest(notebook),
                "code_cells": len(code),
                "failed": False,
                "language_info": language_info or {"name": "python", "version": "3.11.0"},
                "cells": {
                    str(i): {"passed": True, "full_match": True, "masked": False, "seconds": 0.1}
                    for i in range(len(code))
                },
            }
        },
    }


def run_prefill(root: Path, capsys, record: dict | None = None, environ: dict | None = None) -> tuple[int, str]:
    record_path = None
    if record is not None:
        record_path = root / "_build" / "record.json"
        record_path.parent.mkdir(parents=True, exist_ok=True)
        record_path.write_text(json.dumps(record))
    failed = prefill_cache.prefill(root, root / "_build", 2, record_path, environ or {})
    return failed, capsys.readouterr().out


def jupyter_book_build(root: Path) -> str:
    done = subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(root), "-W", "-n"],
        env=ENV,
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    return done.stdout


# ----------------------------------------------------------- the cache MyST-NB looks up
def test_jupyter_book_finds_executed_and_seeded_pages_in_the_cache(book, capsys):
    from data_cache_key import inputs_key

    # Executing seeded.md prints "fresh-output"; its stored notebook says "stored-output", so the
    # page shows which one MyST-NB used.
    store_as_if_executed(book, "seeded", printed="stored-output")
    record = verified_record(book, "seeded", "run-1", inputs_key())

    failed, log = run_prefill(book, capsys, record, {"TACMG_TEST_RUN": "run-1"})
    assert failed == 0
    assert re.search(r"executed\.md +executed in", log)
    assert re.search(r"seeded\.md +seeded from seeded\.ipynb", log)

    build_log = jupyter_book_build(book)
    assert "Executing notebook" not in build_log
    assert build_log.count("Using cached notebook") == 2
    assert prefill_cache.executed_by_the_build(book, book / "_build", build_log) == []
    rerun = f"{book / 'seeded.md'}: Executing notebook using local CWD [mystnb]\n"
    assert prefill_cache.executed_by_the_build(book, book / "_build", build_log + rerun) == ["seeded.md"]
    executed_html = (book / "_build" / "html" / "executed.html").read_text()
    seeded_html = (book / "_build" / "html" / "seeded.html").read_text()
    assert "executed-output" in executed_html and "The answer is <span" in executed_html
    assert ">42<" in executed_html and ">42<" in seeded_html  # glue values, not empty outputs
    assert "stored-output" in seeded_html and "fresh-output" not in seeded_html


def test_the_stored_chapters_have_the_key_mystnb_computes_for_their_md():
    pages = [page for page in prefill_cache.book_pages(ROOT)[0] if page.docname.startswith("notebooks/")]
    assert pages
    for page in pages:
        stored = nbformat.read(ROOT / page.stored_label, as_version=4)
        assert prefill_cache.cache_key(stored) == prefill_cache.cache_key(page.notebook), page.label


def test_a_changed_code_cell_is_executed_again_and_changed_prose_is_not(book, capsys):
    (book / "seeded.md").unlink()
    (book / "_toc.yml").write_text(TOC.replace("  - file: seeded\n", ""))
    failed, log = run_prefill(book, capsys)
    assert failed == 0 and "executed in" in log

    failed, log = run_prefill(book, capsys)
    assert failed == 0 and "already cached" in log and "executed in" not in log
    assert prefill_cache.unchanged(book, book / "_build")

    (book / "executed.md").write_text(
        chapter("executed", glue_code("executed", "executed-output"), prose="Other prose.")
    )
    assert not prefill_cache.unchanged(book, book / "_build")
    failed, log = run_prefill(book, capsys)
    assert failed == 0 and "already cached" in log and "executed in" not in log

    before = prefill_cache.cache_key(pages_by_name(book)["executed"].notebook)
    (book / "executed.md").write_text(chapter("executed", glue_code("executed", "changed-output")))
    changed = pages_by_name(book)["executed"].notebook
    assert prefill_cache.cache_key(changed) != before
    from jupyter_cache import get_cache

    with pytest.raises(KeyError):
        get_cache(str(book / "_build" / ".jupyter_cache")).match_cache_notebook(changed)
    failed, log = run_prefill(book, capsys)
    assert failed == 0 and "executed in" in log and "already cached" not in log


def test_a_failing_cell_is_reported_with_its_page_cell_and_line(book, capsys):
    (book / "_toc.yml").write_text(TOC.replace("  - file: executed\n", ""))
    (book / "seeded.md").write_text(chapter("seeded", "x / 0"))
    failed, log = run_prefill(book, capsys)
    assert failed == 1
    lines = (book / "seeded.md").read_text().splitlines()
    line = [number for number, text in enumerate(lines, 1) if text.startswith("```{code-cell}")][1]
    assert f"FAILED seeded.md, code cell 2 (line {line}): ZeroDivisionError: division by zero" in log
    assert not (book / "_build" / prefill_cache.STATE_FILE).exists()


# ----------------------------------------------------------------- when to seed, or not
@pytest.fixture
def seedable(book):
    """The `seeded` page with a stored notebook, a record proving it, and the matching environment."""
    store_as_if_executed(book, "seeded")
    record = verified_record(book, "seeded", "run-1", "key-1")
    return book, record, {"TACMG_TEST_RUN": "run-1"}


def _decide(book, record, environ, key="key-1"):
    page = pages_by_name(book)["seeded"]
    return prefill_cache.seed_notebook(page, record, environ, lambda: key)


def test_a_notebook_nbval_reproduced_in_full_is_seeded_with_the_kernels_language_info(seedable):
    book, record, environ = seedable
    record["notebooks"]["seeded.ipynb"]["language_info"] = {"name": "python", "version": "3.99.1"}
    stored, reason = _decide(book, record, environ)
    assert stored is not None, reason
    assert reason.startswith("seeded from seeded.ipynb")
    assert stored.metadata.language_info.version == "3.99.1"


def _cell(record, number=1):
    return record["notebooks"]["seeded.ipynb"]["cells"][str(number)]


@pytest.mark.parametrize(
    "change, reason",
    [
        (lambda book, record, environ: environ.pop("TACMG_TEST_RUN"), "outside `make test`"),
        (lambda book, record, environ: record.update(run="run-0"), "from another run"),
        (lambda book, record, environ: environ.update(MG_DATA_DIR="private-data/x"), "MG_DATA_DIR is set"),
        (lambda book, record, environ: record.update(inputs_key="key-0"), "differ from those nbval ran on"),
        (lambda book, record, environ: record["notebooks"].clear(), "nbval did not run it"),
        (lambda book, record, environ: _cell(record).update(passed=False), "nbval failed on code cell 2"),
        (lambda book, record, environ: _cell(record).update(full_match=False), "code cell 2: the fresh outputs differ"),
        (
            lambda book, record, environ: record["notebooks"]["seeded.ipynb"]["cells"].pop("1"),
            "nbval did not run code cell 2",
        ),
        (lambda book, record, environ: _cell(record).update(seconds=61.0), "more than the book's timeout"),
        (
            lambda book, record, environ: record["notebooks"]["seeded.ipynb"].update(language_info=None),
            "no language_info",
        ),
    ],
)
def test_a_notebook_is_executed_when_a_condition_fails(seedable, change, reason):
    book, record, environ = seedable
    change(book, record, environ)
    stored, why = _decide(book, record, environ)
    assert stored is None and reason in why


def test_a_stored_notebook_changed_since_nbval_or_out_of_pair_is_executed(seedable):
    book, record, environ = seedable
    stored = nbformat.read(book / "seeded.ipynb", as_version=4)
    code = [cell for cell in stored.cells if cell.cell_type == "code"]
    code[1].outputs[0]["text"] = "edited after nbval\n"
    nbformat.write(stored, book / "seeded.ipynb")
    assert "changed after nbval read it" in _decide(book, record, environ)[1]

    code[0].source = "x = 7"
    nbformat.write(stored, book / "seeded.ipynb")
    record = verified_record(book, "seeded", "run-1", "key-1")
    assert "code cells of seeded.ipynb and seeded.md differ" in _decide(book, record, environ)[1]


def test_a_chapter_with_a_cell_nbclient_skips_is_executed(seedable):
    book, _, environ = seedable
    (book / "seeded.md").write_text(
        chapter("seeded", glue_code("seeded", "x")).replace(
            ":tags: [remove-input]", ":tags: [remove-input, skip-execution]"
        )
    )
    store_as_if_executed(book, "seeded")
    record = verified_record(book, "seeded", "run-1", "key-1")
    assert "code cell 2 (line" in _decide(book, record, environ)[1]
    assert "is tagged skip-execution" in _decide(book, record, environ)[1]


def test_a_chapter_reading_ipython_history_is_executed(seedable):
    book, _, environ = seedable
    (book / "seeded.md").write_text(chapter("seeded", glue_code("seeded", "x").replace("x * 7", "_ * 7")))
    store_as_if_executed(book, "seeded")
    record = verified_record(book, "seeded", "run-1", "key-1")
    assert "may read IPython's history" in _decide(book, record, environ)[1]


@pytest.mark.parametrize(
    "source, reads",
    [
        ("x = _", True),
        ("print(Out[3])", True),
        ("y = In[-1]", True),
        ("z = _i2 + _5", True),
        ("%history -n 1-3", True),
        ("n = get_ipython().execution_count", True),
        ("x = !ls", True),
        ("for _, row in rows:\n    print(row)", False),
        ('f"{a}_{b}"', False),
        ('s = "_"', False),
        ("%matplotlib inline\nx = 1", False),
        ("!ls", False),
        ("Output = 1\nprint(Output)", False),
    ],
)
def test_reads_history(source, reads):
    assert prefill_cache.reads_history(source) is reads


# ------------------------------------------------------------------ nbval_provenance
def _display(name, value, html=None):
    data = {"application/papermill.record/text/plain": value}
    if html is not None:
        data["text/html"] = html
    return {
        "output_type": "display_data",
        "data": data,
        "metadata": {"scrapbook": {"mime_prefix": "application/papermill.record/", "name": name}},
    }


def sanitizer():
    from nbval.plugin import get_sanitize_patterns

    patterns = get_sanitize_patterns((TOOLS / "nbval-sanitize.cfg").read_text())

    def sanitize(text):
        for regex, replacement in patterns:
            text = re.sub(regex, replacement, text)
        return text

    return sanitize


@pytest.mark.parametrize(
    "fresh, stored, expected",
    [
        ([_display("a", "1"), _display("b", "2")], [_display("a", "1"), _display("b", "2")], (True, False)),
        (
            [_display("a", "1", '<div id="altair-viz-0123456789abcdef0123456789abcdef">')],
            [_display("a", "1", '<div id="altair-viz-fedcba9876543210fedcba9876543210">')],
            (True, True),
        ),
        # nbval itself passes these three: it does not compare metadata, stream names or order.
        ([_display("a", "1"), _display("b", "1")], [_display("b", "1"), _display("a", "1")], (False, True)),
        (
            [{"output_type": "stream", "name": "stderr", "text": "x\n"}],
            [{"output_type": "stream", "name": "stdout", "text": "x\n"}],
            (False, True),
        ),
        (
            [{"output_type": "stream", "name": "stdout", "text": "x\n"}, _display("a", "1")],
            [_display("a", "1"), {"output_type": "stream", "name": "stdout", "text": "x\n"}],
            (False, True),
        ),
        ([_display("a", "1")], [_display("a", "2")], (False, True)),
    ],
)
def test_compare_in_full(fresh, stored, expected):
    assert nbval_provenance.compare_in_full(fresh, stored, sanitizer()) == expected


def test_nbval_record_tells_a_full_match_from_what_nbval_alone_lets_through(tmp_path):
    folder = tmp_path / "nb"
    folder.mkdir()
    notebook = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    glue_cell = nbformat.v4.new_code_cell(
        'from myst_nb import glue\nglue("a", 1, display=False)\nglue("b", 1, display=False)',
        execution_count=1,
        outputs=[glue_output("a", "1"), glue_output("b", "1")],
    )
    print_cell = nbformat.v4.new_code_cell(
        'print("hello")', execution_count=2, outputs=[nbformat.v4.new_output("stream", name="stdout", text="hello\n")]
    )
    notebook.cells = [glue_cell, print_cell]
    nbformat.write(notebook, folder / "faithful.ipynb")
    outputs = notebook.cells[0].outputs
    outputs[0].metadata, outputs[1].metadata = outputs[1].metadata, outputs[0].metadata  # swap glue names
    nbformat.write(notebook, folder / "swapped.ipynb")

    record_path = tmp_path / "record.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-n",
            "2",
            "--dist",
            "loadfile",
            "-p",
            "nbval_provenance",
            "--nbval",
            str(folder),
            "-p",
            "no:cacheprovider",
            "--nbval-record",
            str(record_path),
            "--rootdir",
            str(tmp_path),
            "-c",
            os.devnull,
        ],
        env={**ENV, "PYTHONPATH": str(TOOLS), "TACMG_TEST_RUN": "run-7"},
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:]  # nbval passes both notebooks
    record = json.loads(record_path.read_text())
    assert record["run"] == "run-7" and record["inputs_key"]
    faithful, swapped = record["notebooks"]["nb/faithful.ipynb"], record["notebooks"]["nb/swapped.ipynb"]
    assert faithful["digest"] == prefill_cache.notebook_digest(nbformat.read(folder / "faithful.ipynb", 4))
    assert faithful["code_cells"] == 2 and faithful["language_info"]["name"] == "python"
    assert all(cell["passed"] and cell["full_match"] for cell in faithful["cells"].values())
    assert swapped["cells"]["0"]["passed"] and not swapped["cells"]["0"]["full_match"]
    assert swapped["cells"]["1"]["full_match"]


def test_a_stored_notebook_that_is_not_one_clean_run_is_executed(seedable, capsys):
    book, _, environ = seedable
    stored = nbformat.read(book / "seeded.ipynb", as_version=4)
    [cell for cell in stored.cells if cell.cell_type == "code"][1].execution_count = 5
    nbformat.write(stored, book / "seeded.ipynb")
    from data_cache_key import inputs_key

    record = verified_record(book, "seeded", "run-1", inputs_key())
    (book / "_toc.yml").write_text(TOC.replace("  - file: executed\n", ""))
    failed, log = run_prefill(book, capsys, record, environ)
    assert failed == 0
    assert re.search(r"seeded\.md +executed in .*not seeded: the stored notebook is not one clean run", log)
