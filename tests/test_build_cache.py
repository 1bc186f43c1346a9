"""tools/prefill_cache.py: the book's execution cache, filled two notebooks at a time.

The prefill must leave exactly the entries MyST-NB looks up (checked against a real
`jupyter-book build` of a small book), a changed code cell must be executed again, and a failing
cell must be named.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools"
sys.path.insert(0, str(TOOLS))  # the tools import one another as plain modules

import prefill_cache  # noqa: E402

BIN = Path(sys.executable).parent
ENV = {
    **os.environ,
    "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    "JUPYTER_PREFER_ENV_PATH": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}
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
  - file: second
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
    """A two-chapter book of MyST notebooks."""
    root = tmp_path / "book"
    root.mkdir()
    (root / "_config.yml").write_text(CONFIG)
    (root / "_toc.yml").write_text(TOC)
    (root / "intro.md").write_text("# Intro\n\nA page without code.\n")
    (root / "executed.md").write_text(chapter("executed", glue_code("executed", "executed-output")))
    (root / "second.md").write_text(chapter("second", glue_code("second", "fresh-output")))
    return root


def pages_by_name(root: Path) -> dict:
    pages, _ = prefill_cache.book_pages(root)
    return {page.docname: page for page in pages}


def run_prefill(root: Path, capsys) -> tuple[int, str]:
    failed = prefill_cache.prefill(root, root / "_build", 2)
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
def test_jupyter_book_finds_the_prefilled_pages_in_the_cache(book, capsys):
    failed, log = run_prefill(book, capsys)
    assert failed == 0
    assert re.search(r"executed\.md +executed in", log)
    assert re.search(r"second\.md +executed in", log)

    build_log = jupyter_book_build(book)
    assert "Executing notebook" not in build_log
    assert build_log.count("Using cached notebook") == 2
    assert prefill_cache.executed_by_the_build(book, book / "_build", build_log) == []
    rerun = f"{book / 'second.md'}: Executing notebook using local CWD [mystnb]\n"
    assert prefill_cache.executed_by_the_build(book, book / "_build", build_log + rerun) == ["second.md"]
    executed_html = (book / "_build" / "html" / "executed.html").read_text()
    second_html = (book / "_build" / "html" / "second.html").read_text()
    assert "executed-output" in executed_html and "The answer is <span" in executed_html
    assert ">42<" in executed_html and ">42<" in second_html  # glue values, not empty outputs
    assert "fresh-output" in second_html


def test_a_changed_code_cell_is_executed_again_and_changed_prose_is_not(book, capsys):
    (book / "second.md").unlink()
    (book / "_toc.yml").write_text(TOC.replace("  - file: second\n", ""))
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
    (book / "second.md").write_text(chapter("second", "x / 0"))
    failed, log = run_prefill(book, capsys)
    assert failed == 1
    lines = (book / "second.md").read_text().splitlines()
    line = [number for number, text in enumerate(lines, 1) if text.startswith("```{code-cell}")][1]
    assert f"FAILED second.md, code cell 2 (line {line}): ZeroDivisionError: division by zero" in log
    assert not (book / "_build" / prefill_cache.STATE_FILE).exists()
