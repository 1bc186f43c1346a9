"""Chapters executed on a dataset once per test run, whichever tests and workers read them.

Several test modules need every chapter executed on the same dataset (the second reconstruction,
the clinic's workbook, the edge cohorts). ``run_chapters(root, name, data_dir, chapters)``
executes them the first time a dataset ``name`` is asked for in a test run and stores the executed
notebooks under the run's temporary root, which pytest-xdist's workers share; any later caller, on
either worker, reads them. A lock file per dataset makes a second worker that asks at the same
moment wait for the first instead of executing the same chapters again (normally it never asks:
each dataset's tests are in one module, and ``make unit`` sends a module's tests to one worker,
``--dist loadfile``).

The chapters of one dataset run one after the other in one kernel, its namespace emptied before
each: starting a kernel and importing the package cost about as much as a chapter's own cells, and
the imported modules hold no chapter's state (no pandas or Altair option is set by a chapter). The
namespace is emptied as ``%reset -f`` empties it, without the garbage collection ``%reset`` runs
after (0.25 s a chapter once pandas, scipy and Altair are loaded, measured: 2.8 s of the 18 s ten
chapters took). The book, nbval and ``execute_chapter`` give each chapter a fresh kernel, so
a chapter that only ran after another would still fail there. A chapter that fails is stored as
its error message, so that every test reading it fails with that message, and the chapters after
it still run.

Written by hand because the pieces it needs (pytest's base temporary directory, an exclusive
``fcntl`` lock, nbclient's kernel set-up) are a few lines, and no pytest plugin in the lock caches
fixtures across xdist workers.
"""

from __future__ import annotations

import contextlib
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
# Every name a chapter's cells defined goes; IPython's own (In, Out, get_ipython ...) stay.
EMPTY_NAMESPACE = (
    "for _name in [n for n in get_ipython().user_ns if n not in get_ipython().user_ns_hidden]:\n"
    "    del get_ipython().user_ns[_name]"
)


@contextlib.contextmanager
def data_directory(data_dir: Path):
    """``MG_DATA_DIR=data_dir`` in this process's environment, which a kernel started inside inherits."""
    previous = os.environ.get("MG_DATA_DIR")
    os.environ["MG_DATA_DIR"] = str(data_dir)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["MG_DATA_DIR"]
        else:
            os.environ["MG_DATA_DIR"] = previous


def execute_chapter(path: Path, data_dir: Path) -> nbformat.NotebookNode:
    """Execute the chapter ``path`` (a MyST .md) with ``MG_DATA_DIR=data_dir`` in a fresh kernel.

    Raises ``CellExecutionError`` at the first failing cell, as the book build does.
    """
    notebook = jupytext.read(path)
    client = nbclient.NotebookClient(
        notebook, timeout=TIMEOUT_S, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    with data_directory(data_dir):
        client.execute()
    return notebook


def execute_chapters(paths: list[Path], data_dir: Path) -> dict[str, nbformat.NotebookNode | str]:
    """``{chapter file name: executed notebook, or the error text}``: ``paths`` (MyST .md files of
    one folder) executed one after the other in one kernel, emptied before each chapter."""
    if not paths:
        return {}
    reset = nbformat.v4.new_code_cell(EMPTY_NAMESPACE)
    client = nbclient.NotebookClient(
        nbformat.v4.new_notebook(),
        timeout=TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(paths[0].parent)}},
    )
    results: dict[str, nbformat.NotebookNode | str] = {}
    with data_directory(data_dir), client.setup_kernel():
        for path in paths:
            notebook = jupytext.read(path)
            client.nb = notebook
            try:
                client.execute_cell(reset, 0)
                for index, cell in enumerate(notebook.cells):
                    client.execute_cell(cell, index)
            except CellExecutionError as error:
                results[path.name] = str(error)
                continue
            results[path.name] = notebook
    return results


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
        chapters = list(chapters)
        missing = [p for p in chapters if not (store / f"{p.stem}.ipynb").exists()]
        missing = [p for p in missing if not (store / f"{p.stem}.error").exists()]
        for chapter, outcome in execute_chapters(missing, data_dir).items():
            stem = Path(chapter).stem
            if isinstance(outcome, str):
                (store / f"{stem}.error").write_text(outcome, encoding="utf-8")
            else:
                nbformat.write(outcome, store / f"{stem}.ipynb")
        for path in chapters:
            done, failed = store / f"{path.stem}.ipynb", store / f"{path.stem}.error"
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
