"""Chapters executed on a dataset once per test run, whichever tests and workers read them.

Executing a chapter starts a kernel, imports the package and runs every cell: seconds of CPU each,
and several test modules need the chapters of the same dataset (the second reconstruction, the
clinic's workbook, the edge cohorts). ``run_chapters(name, data_dir, chapters)`` executes each
chapter on ``data_dir`` the first time a dataset ``name`` is asked for in a test run and stores the
executed notebooks under the run's temporary root, which pytest-xdist's workers share; any later
caller, on either worker, reads them. A lock file per dataset makes a second worker that asks at the
same moment wait for the first instead of executing the same chapters again (the tests that read a
dataset also share an ``xdist_group``, so normally one worker owns it and the other never waits).

A chapter that fails is stored as its error message, so that every test reading it fails with that
message, not only the first.

Written by hand because the pieces it needs (pytest's base temporary directory, an exclusive
``fcntl`` lock, nbformat) are a few lines, and no pytest plugin in the lock caches fixtures across
xdist workers.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterable
from pathlib import Path

import jupytext
import nbclient
import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from tacmg.data.paths import REPO_ROOT

NOTEBOOKS = REPO_ROOT / "notebooks"
TIMEOUT_S = 600  # a ceiling against hangs: a chapter takes seconds


def execute_chapter(path: Path, data_dir: Path) -> nbformat.NotebookNode:
    """Execute the chapter ``path`` (a MyST .md) with ``MG_DATA_DIR=data_dir`` in a fresh kernel.

    Raises ``CellExecutionError`` at the first failing cell, as the book build does.
    """
    notebook = jupytext.read(path)
    client = nbclient.NotebookClient(
        notebook, timeout=TIMEOUT_S, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    # The kernel inherits this process's environment: set MG_DATA_DIR for the kernel only.
    previous = os.environ.get("MG_DATA_DIR")
    os.environ["MG_DATA_DIR"] = str(data_dir)
    try:
        client.execute()
    finally:
        if previous is None:
            del os.environ["MG_DATA_DIR"]
        else:
            os.environ["MG_DATA_DIR"] = previous
    return notebook


def shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary directory of this test run that every pytest-xdist worker sees."""
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker's base is <run>/popen-gwN; their parent is the run's own directory.
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def run_chapters(
    root: Path, name: str, data_dir: Path, chapters: Iterable[Path]
) -> dict[str, nbformat.NotebookNode | str]:
    """``{chapter file name: executed notebook, or the error text of a failing one}`` for
    ``chapters`` run on ``data_dir``, executed once per test run under ``root/chapter-runs/name``."""
    store = root / "chapter-runs" / name
    store.mkdir(parents=True, exist_ok=True)
    results: dict[str, nbformat.NotebookNode | str] = {}
    with (store / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        for path in chapters:
            done, failed = store / f"{path.stem}.ipynb", store / f"{path.stem}.error"
            if not done.exists() and not failed.exists():
                try:
                    nbformat.write(execute_chapter(path, data_dir), done)
                except CellExecutionError as error:
                    failed.write_text(str(error), encoding="utf-8")
            results[path.name] = (
                nbformat.read(done, as_version=4) if done.exists() else failed.read_text(encoding="utf-8")
            )
    return results


def notebooks_or_fail(results: dict[str, nbformat.NotebookNode | str]) -> dict[str, nbformat.NotebookNode]:
    """``results`` when every chapter ran; otherwise the test fails with each failing chapter's error."""
    failed = {name: text for name, text in results.items() if isinstance(text, str)}
    if failed:
        pytest.fail("\n\n".join(f"{name} failed:\n{text}" for name, text in failed.items()), pytrace=False)
    return {name: nb for name, nb in results.items() if not isinstance(nb, str)}


def glued_values(notebook) -> dict[str, str]:
    """The text/plain value of every myst-nb glue in an executed notebook."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook", {})
            if record.get("name"):
                prefix = record.get("mime_prefix", "")
                values[record["name"]] = output.get("data", {}).get(f"{prefix}text/plain", "")
    return values
