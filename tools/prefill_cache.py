"""Fill the book's execution cache before `jupyter-book build`, two notebooks at a time.

`jupyter-book build` (MyST-NB, ``execute_notebooks: cache``) executes every page it reads that
has no entry in the jupyter-cache, one after the other. This tool runs first and leaves it
nothing to execute: it reads every notebook page of ``_toc.yml`` exactly as MyST-NB will
(MyST-NB's own reader with the book's MyST configuration, its kernel aliases and notebook-level
overrides, its exclude patterns), computes the key jupyter-cache will look up (the code cells and
the kernelspec), and executes each page not yet cached in a pool of ``--jobs`` processes with the
function MyST-NB itself calls (``jupyter_cache.executors.utils.single_nb_execution``, working
directory = the page's folder, the book's timeout and ``allow_errors``) and stores the result as
MyST-NB would (``cache_notebook_bundle``, ``execution_seconds``).

Each page gets one line in the build log. A failing cell is reported with the page, the code
cell's number and line in the source, and the error; the tool then exits 1 (the Makefile still
runs the Sphinx build, which reports the same failure as a warning, then fails).
``tools/data_cache_key.py`` runs before this tool and empties the cache when the data or the
package changed, so a changed dataset (``MG_DATA_DIR``) is executed afresh here too.

After the build, ``--check-log LOG`` fails if `jupyter-book build` executed a page this tool had
cached (MyST-NB logs "Executing notebook" for it): a sign that this tool's reading of the pages
or its cache key no longer matches MyST-NB's.

Why a tool at all: Jupyter Book 1 executes the pages one after another (its CLI does not expose
Sphinx's parallel build, jupyter-book issue 1735), and the chapters, a few seconds each now that the
ensembles are a build step of their own, still add up: two at a time halves the book's execution on
a 2-core machine (see bench/bench_build.py).

Usage: python tools/prefill_cache.py [--build _build] [--jobs 2]
       python tools/prefill_cache.py [--build _build] --check-log _build/book-build.log
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import dataclasses
import hashlib
import json
import multiprocessing
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_SUFFIXES = (".ipynb", ".md", ".myst", ".rst")  # the suffixes a Jupyter Book page can have
STATE_FILE = ".prefill-state.json"
TIMINGS_FILE = ".prefill-timings.json"  # seconds each page took last time: the longest start first
PREFIX = "prefill_cache:"


# --------------------------------------------------------------------- the pages, as MyST-NB
@dataclasses.dataclass
class Page:
    """A notebook page of the book, read the way MyST-NB reads it."""

    docname: str
    path: Path
    notebook: object  # nbformat.NotebookNode
    nb_config: object  # myst_nb.core.config.NbParserConfig, after notebook-level overrides
    skip: str | None = None  # why MyST-NB will not execute it (None: it will, via the cache)

    @property
    def label(self) -> str:
        """The page's file, relative to the book's root (as nbval's test ids name notebooks)."""
        return f"{self.docname}{self.path.suffix}"


def book_config(root: Path) -> dict:
    """The Sphinx configuration `jupyter-book build root` derives from _config.yml."""
    from jupyter_book.config import get_final_config

    config, _ = get_final_config(
        user_yaml=root / "_config.yml",
        sourcedir=root,
        validate=False,
        cli_config={"latex_individualpages": False, "external_toc_path": "_toc.yml"},
    )
    return config


def parser_configs(config: dict):
    """MyST's and MyST-NB's parser configurations, built from the Sphinx values as their extensions do."""
    from myst_nb.core.config import NbParserConfig
    from myst_parser.config.main import MdParserConfig

    md_fields = {field.name for field in dataclasses.fields(MdParserConfig)}
    md_config = MdParserConfig(
        **{key[5:]: value for key, value in config.items() if key.startswith("myst_") and key[5:] in md_fields}
    )
    nb_values = {}
    for name, _, field in NbParserConfig().as_triple():
        if not field.metadata.get("sphinx_exclude") and f"nb_{name}" in config:
            nb_values[name] = config[f"nb_{name}"]
    return md_config, NbParserConfig(**nb_values)


def toc_docnames(root: Path, config: dict) -> list[str]:
    from sphinx_external_toc.parsing import parse_toc_yaml

    site_map = parse_toc_yaml(root / config.get("external_toc_path", "_toc.yml"))
    if site_map.globs():
        print(f"{PREFIX} note: glob entries in _toc.yml are not prefilled: {sorted(site_map.globs())}")
    return list(site_map.keys())


def source_path(root: Path, docname: str, config: dict) -> Path | None:
    """The one file Sphinx will read for ``docname`` (excluded files and other suffixes skipped)."""
    from sphinx.util.matching import Matcher

    excluded = Matcher(config.get("exclude_patterns", []))
    found = [
        root / f"{docname}{suffix}"
        for suffix in SOURCE_SUFFIXES
        if (root / f"{docname}{suffix}").is_file() and not excluded(f"{docname}{suffix}")
    ]
    return found[0] if len(found) == 1 else None  # several: Sphinx refuses the book anyway


def read_page(path: Path, docname: str, md_config, nb_config) -> Page | None:
    """``path`` read as MyST-NB's parser does (myst_nb/sphinx_.py), or None if not a notebook."""
    from pathlib import PurePosixPath

    from myst_nb.core.nb_to_tokens import nb_node_to_dict
    from myst_nb.core.read import create_nb_reader

    text = path.read_text(encoding="utf-8")
    reader = create_nb_reader(str(path), md_config, nb_config, text)
    if reader is None:
        return None
    notebook = reader.read(text)
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    if kernel is not None:
        for pattern, alias in nb_config.kernel_rgx_aliases.items():
            if re.fullmatch(pattern, kernel):
                notebook.metadata["kernelspec"]["name"] = alias
                break
    if nb_config.metadata_key in notebook.metadata:
        overrides = nb_node_to_dict(notebook.metadata[nb_config.metadata_key])
        overrides.pop("output_folder", None)
        nb_config = nb_config.copy(**overrides)
    page = Page(docname, path, notebook, nb_config)
    posix = PurePosixPath(path.as_posix())
    for pattern in nb_config.execution_excludepatterns:
        if posix.match(pattern):
            page.skip = f"excluded from execution by {pattern!r}"
    if page.skip is None and nb_config.execution_mode != "cache":
        page.skip = f"execution mode {nb_config.execution_mode!r}, not 'cache'"
    return page


def book_pages(root: Path = ROOT) -> tuple[list[Page], list[str]]:
    """Every notebook page of the book, in table-of-contents order; and every page's docname."""
    config = book_config(root)
    md_config, nb_config = parser_configs(config)
    pages = []
    docnames = toc_docnames(root, config)
    for docname in docnames:
        path = source_path(root, docname, config)
        if path is not None:
            page = read_page(path, docname, md_config, nb_config)
            if page is not None:
                pages.append(page)
    return pages, docnames


def cache_dir(build: Path, nb_config) -> Path:
    """Where MyST-NB keeps the cache: nb_execution_cache_path, else <build>/.jupyter_cache."""
    return Path(nb_config.execution_cache_path) if nb_config.execution_cache_path else build / ".jupyter_cache"


def cache_key(notebook) -> str:
    """The key jupyter-cache files an executed notebook under and looks a notebook up by."""
    from jupyter_cache.cache.main import JupyterCacheBase

    # create_hashed_notebook reads nothing from the cache folder, so any path will do.
    return JupyterCacheBase(str(ROOT)).create_hashed_notebook(notebook)[1]


# ------------------------------------------------------------------------------- execution
def execute(path: str, notebook_json: str, timeout: int, allow_errors: bool, in_temp: bool) -> dict:
    """Execute one notebook as MyST-NB's cache client does; runs in a worker process."""
    import tempfile
    from contextlib import nullcontext

    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    from tacmg.presentation.chart_display import BOOK_BUILD_VARIABLE

    # The book's pages draw Altair's HTML charts, not the notebooks' Vega-Lite mimebundles
    # (tacmg.presentation.chart_display); the kernel inherits this process's environment.
    os.environ[BOOK_BUILD_VARIABLE] = "1"
    notebook = nbformat.reads(notebook_json, as_version=4)
    with tempfile.TemporaryDirectory() if in_temp else nullcontext(str(Path(path).parent)) as cwd:
        result = single_nb_execution(
            notebook, cwd=os.path.abspath(cwd), timeout=timeout, allow_errors=allow_errors, meta_override=True
        )
    failure = None
    if result.err is not None:
        error = type(result.err).__name__
        if getattr(result.err, "ename", None):  # nbclient's CellExecutionError: the cell's own error
            error = f"{result.err.ename}: {result.err.evalue}"
        failure = {"error": error, "message": str(result.err), "cell": failing_cell(notebook)}
    return {"notebook": nbformat.writes(notebook), "seconds": result.time, "failure": failure}


def failing_cell(notebook) -> int | None:
    """Index (in notebook.cells) of the cell that raised, else of the last cell that started."""
    started = None
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            return index
        if cell.get("execution_count") is not None:
            started = index
    return started


def describe_cell(notebook, index: int | None) -> str:
    """'code cell 5 (line 42)': its number among the code cells, and where MyST-NB's reader found it."""
    if index is None:
        return "a cell"
    number = sum(1 for cell in notebook.cells[: index + 1] if cell.cell_type == "code")
    source_map = notebook.metadata.get("source_map")
    line = f" (line {source_map[index]})" if source_map and index < len(source_map) else ""
    return f"code cell {number}{line}"


def in_source(page: Page, stored, index: int) -> str:
    """describe_cell for cell ``index`` of the stored notebook, located in the page's source."""
    ordinal = sum(1 for cell in stored.cells[: index + 1] if cell.cell_type == "code")
    code = [i for i, cell in enumerate(page.notebook.cells) if cell.cell_type == "code"]
    return describe_cell(page.notebook, code[ordinal - 1]) if ordinal <= len(code) else f"code cell {ordinal}"


def failure_report(page: Page, failure: dict) -> str:
    where = describe_cell(page.notebook, failure["cell"])
    message = re.sub(r"\x1b\[[0-9;]*m", "", failure["message"]).strip()
    indented = "\n".join("    " + line for line in message.splitlines())
    return f"{PREFIX} FAILED {page.label}, {where}: {failure['error']}\n{indented}"


# ------------------------------------------------------------------------- fast no-op check
def fingerprint(root: Path, sources: list[str]) -> str:
    """What the full run reads besides the cache: this tool, the environment, the book config, the pages."""
    digest = hashlib.sha256()
    for path in [
        Path(__file__),
        root / "requirements.txt",
        root / "_config.yml",
        root / "_toc.yml",
        *(root / name for name in sources),
    ]:
        digest.update(str(path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"\0missing")
    return digest.hexdigest()


def unchanged(root: Path, build: Path) -> bool:
    """True when nothing the full run reads changed and every entry it left is still cached."""
    try:
        state = json.loads((build / STATE_FILE).read_text())
    except (OSError, ValueError):
        return False
    if state.get("fingerprint") != fingerprint(root, state.get("sources", [])):
        return False
    cache = Path(state["cache"])
    return all((cache / "executed" / key / "base.ipynb").is_file() for key in state["keys"])


def write_state(
    root: Path, build: Path, docnames: list[str], cache: Path, keys: list[str], prefilled: list[str]
) -> None:
    sources = sorted({f"{docname}{suffix}" for docname in docnames for suffix in SOURCE_SUFFIXES})
    state = {
        "fingerprint": fingerprint(root, sources),
        "sources": sources,
        "cache": str(cache.resolve()),
        "keys": keys,
        "prefilled": prefilled,
    }
    (build / STATE_FILE).write_text(json.dumps(state, indent=1))


def executed_by_the_build(root: Path, build: Path, log: str) -> list[str]:
    """The prefilled pages that `jupyter-book build` nevertheless executed, from its log."""
    try:
        prefilled = set(json.loads((build / STATE_FILE).read_text())["prefilled"])
    except (OSError, ValueError, KeyError):
        return []  # the prefill did not complete: the build had to execute what failed
    executed = []
    for match in re.finditer(r"^(?:\x1b\[[0-9;]*m)*(.+?): Executing notebook", log, re.MULTILINE):
        path = Path(match.group(1))
        label = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        if label in prefilled:
            executed.append(label)
    return executed


# ------------------------------------------------------------------------------------ main
def read_timings(build: Path) -> dict[str, float]:
    """Seconds per page label, from the last prefill."""
    timings: dict[str, float] = {}
    with contextlib.suppress(OSError, ValueError):
        timings.update(json.loads((build / TIMINGS_FILE).read_text()))
    return timings


def prefill(root: Path, build: Path, jobs: int) -> int:
    """Fill the cache; return the number of pages that failed to execute."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    (build / STATE_FILE).unlink(missing_ok=True)  # written again only if every page is cached
    pages, docnames = book_pages(root)
    if not pages:
        print(f"{PREFIX} no notebook pages in the table of contents")
        return 0
    cache_path = cache_dir(build, pages[0].nb_config)
    cache = get_cache(str(cache_path))
    width = max(len(page.label) for page in pages)
    keys, to_execute, failed = [], [], 0
    for page in pages:
        if page.skip:
            print(f"{PREFIX} {page.label:<{width}}  not executed: {page.skip}")
            continue
        key = cache_key(page.notebook)
        try:
            found = cache.match_cache_notebook(page.notebook)
        except KeyError:
            found = None
        if found is not None:
            keys.append(key)
            print(f"{PREFIX} {page.label:<{width}}  already cached (ID={found.pk})")
            continue
        to_execute.append((page, key))

    if to_execute:
        # Longest first (as last measured), so that no long notebook starts last and leaves a
        # worker idle; pages never measured go first, in table-of-contents order.
        timings = read_timings(build)
        to_execute.sort(key=lambda item: -timings.get(item[0].label, float("inf")))
        workers = max(1, min(jobs, len(to_execute)))
        print(f"{PREFIX} executing {len(to_execute)} notebook(s), {workers} at a time")
        start = time.perf_counter()
        context = multiprocessing.get_context("spawn")
        import nbformat

        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = {
                pool.submit(
                    execute,
                    str(page.path),
                    nbformat.writes(page.notebook),
                    page.nb_config.execution_timeout,
                    page.nb_config.execution_allow_errors,
                    page.nb_config.execution_in_temp,
                ): (page, key)
                for page, key in to_execute
            }
            for future in concurrent.futures.as_completed(futures):
                page, key = futures[future]
                try:
                    result = future.result()
                except Exception as error:  # the kernel died, or the worker could not run it
                    failed += 1
                    print(f"{PREFIX} FAILED {page.label}: {type(error).__name__}: {error}")
                    continue
                if result["failure"] is not None:
                    failed += 1
                    print(failure_report(page, result["failure"]))
                    continue
                executed = nbformat.reads(result["notebook"], as_version=4)
                entry = cache.cache_notebook_bundle(
                    CacheBundleIn(executed, str(page.path), data={"execution_seconds": result["seconds"]}),
                    check_validity=False,
                    overwrite=True,
                )
                if entry.hashkey != key:
                    print(
                        f"{PREFIX} warning: {page.label} was cached under another key than the book "
                        "will look up; jupyter-book will execute it again"
                    )
                keys.append(entry.hashkey)
                timings[page.label] = result["seconds"]
                print(f"{PREFIX} {page.label:<{width}}  executed in {result['seconds']:.1f} s (ID={entry.pk})")
        print(f"{PREFIX} ran {len(to_execute)} notebook(s) in {time.perf_counter() - start:.1f} s")
        (build / TIMINGS_FILE).write_text(json.dumps(timings, indent=1, sort_keys=True))
    if not failed:
        write_state(root, build, docnames, cache_path, keys, [page.label for page in pages if not page.skip])
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "_build", help="the build folder (default: _build)")
    parser.add_argument(
        "--jobs", type=int, default=min(2, os.cpu_count() or 1), help="notebooks executed at a time (default: 2)"
    )
    parser.add_argument(
        "--check-log",
        type=Path,
        default=None,
        metavar="LOG",
        help="instead: fail if the jupyter-book build that wrote LOG executed a prefilled page",
    )
    args = parser.parse_args(argv)
    if args.check_log is not None:
        executed = executed_by_the_build(ROOT, args.build, args.check_log.read_text(errors="replace"))
        for label in executed:
            print(
                f"{PREFIX} FAILED: jupyter-book executed {label} although it was prefilled: MyST-NB did "
                "not find the entry, so this tool's cache keys and MyST-NB's disagree (see "
                "tests/test_build_cache.py)"
            )
        return 1 if executed else 0
    args.build.mkdir(parents=True, exist_ok=True)
    if unchanged(ROOT, args.build):
        print(f"{PREFIX} every notebook page is cached and nothing changed since the last prefill")
        return 0
    failed = prefill(ROOT, args.build, args.jobs)
    if failed:
        print(f"{PREFIX} {failed} notebook(s) failed to execute: the book build will fail")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
