"""Fill the book's execution cache before `jupyter-book build`, two notebooks at a time.

`jupyter-book build` (MyST-NB, ``execute_notebooks: cache``) executes every page it reads that
has no entry in the jupyter-cache, one after the other. This tool runs first and leaves it
nothing to execute: it reads every notebook page of ``_toc.yml`` exactly as MyST-NB will
(MyST-NB's own reader with the book's MyST configuration, its kernel aliases and notebook-level
overrides, its exclude patterns), computes the key jupyter-cache will look up (the code cells and
the kernelspec), and for each page not yet cached either

* executes it in a pool of ``--jobs`` processes with the function MyST-NB itself calls
  (``jupyter_cache.executors.utils.single_nb_execution``, working directory = the page's folder,
  the book's timeout and ``allow_errors``) and stores the result as MyST-NB would
  (``cache_notebook_bundle``, ``execution_seconds``); or
* inside ``make test`` only, *seeds* it from the paired, stored ``notebooks/NAME.ipynb``, when nbval
  proved in the same run that a fresh execution reproduces that file (see below).

Each page gets one line in the build log saying which it was and why. A failing cell is reported
with the page, the code cell's number and line in the source, and the error; the tool then exits
1 (the Makefile still runs the Sphinx build, which reports the same failure as a warning, then
fails). ``tools/data_cache_key.py`` runs before this tool and empties the cache when the data or
the package changed, so a changed dataset (``MG_DATA_DIR``) is executed afresh here too.

When is seeding from a stored notebook safe?
--------------------------------------------
Seeding shows, in the book, the outputs stored in ``notebooks/NAME.ipynb`` instead of those of a
new execution. That is the same book only if those stored outputs are what an execution now
produces. The argument, and what each step rests on:

1. ``make nbval`` re-executed ``NAME.ipynb`` cell by cell in a fresh kernel, in this very
   ``make test`` run (the record carries the run's id, ``TACMG_TEST_RUN``, set by ``make test``;
   ``make book`` on its own never seeds), with the same kernelspec, working directory
   (``notebooks/``) and environment (the Makefile's exports) the book's execution uses.
2. nbval's own comparison is partial: it ignores output metadata (where MyST-NB's ``glue`` keeps
   the *name* of every glued value, so two swapped names would pass), stream names
   (stdout/stderr), PNG/JPEG images, the relative order of outputs of different kinds, and cells
   marked to be skipped or not checked. ``tools/nbval_provenance.py`` therefore compares, for
   every cell nbval ran, the *whole* fresh output list with the stored one (after nbval's
   sanitizer, ``tools/nbval-sanitize.cfg``, whose patterns only mask run-to-run noise: Altair
   element ids, object addresses, install paths, progress-bar timings), and records the result
   with a digest of the notebook nbval read and the kernel's ``language_info``. A notebook is
   seeded only if every one of its code cells passed nbval *and* matched completely.
3. The stored notebook is the one nbval read (same digest), its code cells give the same
   jupyter-cache key as the ``.md`` read by MyST-NB (so the cache entry is exactly what the book
   looks up; this re-checks the part of ``make pairs`` that matters here, including cell metadata
   such as tags, which ``make pairs`` does not compare), and its execution counts are those of one
   clean top-to-bottom run (jupyter-cache's validity check).
4. The data, claims, priors and package the chapters read are those nbval ran on (the
   ``tools/data_cache_key.py`` key, recorded at the start and end of the nbval session and
   compared again here), and ``MG_DATA_DIR`` is unset: the stored outputs are of the committed
   reconstruction, so a reader's dataset is always executed.
5. Where nbval's execution differs from MyST-NB's (nbclient), the difference is excluded:
   nbval executes with ``store_history=False``, so a chapter whose code reads IPython's history
   (``_``, ``Out``, ``In``, ``%history``, ...) is executed instead; nbval's cell timeout is not
   the book's, so a chapter with a cell that took longer under nbval than the book's timeout is
   executed instead (and fails there, as it should); nbclient skips cells tagged
   ``skip-execution`` and nbval does not, so such a chapter is executed instead; the notebook's
   ``language_info`` is replaced by the one nbval's kernel reported, as nbclient would set it.

Under these conditions the seeded cache entry equals, up to the sanitizer's noise, the outputs
of the execution nbval performed in this run, i.e. what the book would have executed itself.
When any condition fails the page is executed instead, and the log says which condition failed.

What this leaves: a seeded page shows the stored run's noise (its Altair element ids, say, or an
install path of the machine that executed it) where a fresh build would show this run's; the
sanitizer declares such text meaningless, and the log counts the cells where it differed. Other
differences between nbval's way of running a kernel and nbclient's (nbval ignores clear_output
and update_display_data messages) would make the fresh outputs differ from the stored ones,
which nbclient made, so such a chapter is executed, not seeded.

After the build, ``--check-log LOG`` fails if `jupyter-book build` executed a page this tool had
cached (MyST-NB logs "Executing notebook" for it): a sign that this tool's reading of the pages
or its cache key no longer matches MyST-NB's.

Usage: python tools/prefill_cache.py [--build _build] [--jobs 2] [--nbval-record FILE]
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
RUN_ENV = "TACMG_TEST_RUN"  # set by `make test`: seeding is allowed only inside that run
SKIP_TAG = "skip-execution"  # nbclient's default skip_cells_with_tag
PREFIX = "prefill_cache:"

# IPython's history, which nbval's execution (store_history=False) does not keep up to date.
HISTORY_NAMES = re.compile(r"_{1,3}|_i{1,3}|_\d+|_i\d+|_ih|_oh|_dh|In|Out")
HISTORY_MAGICS = {"hist", "history", "recall", "rerun", "macro", "save"}
HISTORY_ATTRIBUTES = {"execution_count", "history_manager", "user_ns", "displayhook"}
MAGIC_LINE = re.compile(r"^(\s*)(%%?|!)\s*(\w*)")


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

    @property
    def stored_label(self) -> str:
        """The paired, executed notebook a chapter's .md may have (notebooks/NAME.ipynb)."""
        return f"{self.docname}.ipynb"


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


def notebook_digest(notebook) -> str:
    """A digest of a notebook's whole content, as nbformat writes it."""
    import nbformat

    return hashlib.sha256(nbformat.writes(notebook).encode()).hexdigest()


# ------------------------------------------------------------------------------- execution
def execute(path: str, notebook_json: str, timeout: int, allow_errors: bool, in_temp: bool) -> dict:
    """Execute one notebook as MyST-NB's cache client does; runs in a worker process."""
    import tempfile
    from contextlib import nullcontext

    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

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


# --------------------------------------------------------------------------------- seeding
def reads_history(source: str) -> bool:
    """Whether a code cell may read IPython's history: ``_``, ``Out``, ``In``, ``%history``, ...

    Magic and shell lines are checked by name, then replaced by ``pass``; the rest is parsed and
    every *read* of a history name, and any use of the shell's execution count, history manager,
    user namespace or display hook, counts. Code that does not parse counts too (no proof).
    """
    import ast

    lines = []
    for line in source.splitlines():
        magic = MAGIC_LINE.match(line)
        if magic:
            if magic.group(2) != "!" and magic.group(3) in HISTORY_MAGICS:
                return True
            line = magic.group(1) + "pass"
        lines.append(line)
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and HISTORY_NAMES.fullmatch(node.id):
            return True
        if isinstance(node, ast.Attribute) and node.attr in HISTORY_ATTRIBUTES:
            return True
    return False


def history_dependent(notebook) -> int | None:
    """Index of the first code cell that may read IPython's history (see reads_history)."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and reads_history(cell.source):
            return index
    return None


def seed_notebook(page: Page, record: dict | None, environ: dict, inputs_key_now) -> tuple[object | None, str]:
    """The stored notebook to seed ``page`` with, or None; and the reason, for the build log.

    ``inputs_key_now`` is a function returning tools/data_cache_key.py's key (called only when
    needed: it imports the package). The conditions are those of the module docstring.
    """
    import nbformat

    ipynb = page.path.with_suffix(".ipynb")
    if page.path.suffix != ".md" or not ipynb.is_file():
        return None, "no stored notebook"
    run = environ.get(RUN_ENV)
    if not run:
        return None, "outside `make test`"
    if record is None:
        return None, "no nbval record"
    if record.get("run") != run:
        return None, "the nbval record is from another run"
    if environ.get("MG_DATA_DIR"):
        return None, "MG_DATA_DIR is set (the stored outputs are of the committed reconstruction)"
    if record.get("mg_data_dir"):
        return None, "nbval ran with MG_DATA_DIR set"
    if not record.get("inputs_key") or record["inputs_key"] != inputs_key_now():
        return None, "the data, claims, priors or package differ from those nbval ran on"
    entry = record.get("notebooks", {}).get(page.stored_label)
    if entry is None:
        return None, "nbval did not run it in this run"
    cells = entry.get("cells", {})
    for number in range(entry.get("code_cells", 0)):
        cell = cells.get(str(number))
        if cell is None:
            return None, f"nbval did not run code cell {number + 1}"
        if not cell["passed"]:
            return None, f"nbval failed on code cell {number + 1}"
        if not cell["full_match"]:
            return None, (
                f"code cell {number + 1}: the fresh outputs differ from the stored ones "
                "where nbval does not compare (metadata, stream name, order or images)"
            )
    if entry.get("failed") or not entry.get("code_cells"):
        return None, "nbval reported a failure for it"
    stored = nbformat.read(ipynb, as_version=4)
    if notebook_digest(stored) != entry.get("digest"):
        return None, f"{ipynb.name} changed after nbval read it"
    if cache_key(stored) != cache_key(page.notebook):
        return None, f"the code cells of {ipynb.name} and {page.path.name} differ (run `make notebooks`)"
    skipped = [
        index
        for index, cell in enumerate(stored.cells)
        if cell.cell_type == "code" and SKIP_TAG in cell.metadata.get("tags", [])
    ]
    if skipped:
        return None, f"{in_source(page, stored, skipped[0])} is tagged {SKIP_TAG}, which nbval executes anyway"
    index = history_dependent(stored)
    if index is not None:
        return None, (
            f"{in_source(page, stored, index)} may read IPython's history, which nbval's execution does not record"
        )
    timeout = page.nb_config.execution_timeout
    slowest = max((cell["seconds"] for cell in cells.values()), default=0.0)
    if timeout and timeout > 0 and slowest > timeout:
        return None, f"a cell took {slowest:.0f} s under nbval, more than the book's timeout ({timeout} s)"
    if not entry.get("language_info"):
        return None, "nbval recorded no language_info for its kernel"
    stored.metadata["language_info"] = entry["language_info"]
    masked = sum(1 for cell in cells.values() if cell.get("masked"))
    noise = f"; {masked} only up to nbval-sanitize noise" if masked else ""
    return stored, (
        f"seeded from {ipynb.name}: nbval re-executed it in this run and all "
        f"{entry['code_cells']} code cells' outputs matched in full{noise}"
    )


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
def read_timings(build: Path, record: dict | None) -> dict[str, float]:
    """Seconds per page label: from the last prefill, else from nbval's record of this run."""
    timings = {}
    for path, entry in (record or {}).get("notebooks", {}).items():
        timings[str(Path(path).with_suffix(".md"))] = sum(cell["seconds"] for cell in entry["cells"].values())
    with contextlib.suppress(OSError, ValueError):
        timings.update(json.loads((build / TIMINGS_FILE).read_text()))
    return timings


def prefill(root: Path, build: Path, jobs: int, record_path: Path | None, environ: dict | None = None) -> int:
    """Fill the cache; return the number of pages that failed to execute."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.cache.main import NbValidityError

    environ = dict(os.environ if environ is None else environ)
    (build / STATE_FILE).unlink(missing_ok=True)  # written again only if every page is cached
    pages, docnames = book_pages(root)
    if not pages:
        print(f"{PREFIX} no notebook pages in the table of contents")
        return 0
    cache_path = cache_dir(build, pages[0].nb_config)
    cache = get_cache(str(cache_path))
    record = None
    if record_path is not None and record_path.is_file():
        try:
            record = json.loads(record_path.read_text())
        except ValueError:
            print(f"{PREFIX} note: {record_path} is not valid JSON; nothing is seeded")
    inputs_key_cached: list[str] = []

    def inputs_key_now() -> str:
        if not inputs_key_cached:
            from data_cache_key import inputs_key

            inputs_key_cached.append(inputs_key())
        return inputs_key_cached[0]

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
        stored, reason = seed_notebook(page, record, environ, inputs_key_now)
        if stored is not None:
            seconds = sum(cell["seconds"] for cell in record["notebooks"][page.stored_label]["cells"].values())
            try:
                entry = cache.cache_notebook_bundle(
                    CacheBundleIn(stored, str(page.path), data={"execution_seconds": seconds}),
                    check_validity=True,
                    overwrite=True,
                    description=reason,
                )
            except NbValidityError as error:
                reason = f"the stored notebook is not one clean run ({error})"
            else:
                keys.append(entry.hashkey)
                print(f"{PREFIX} {page.label:<{width}}  {reason} (ID={entry.pk})")
                continue
        to_execute.append((page, key, reason))

    if to_execute:
        # Longest first (as last measured, here or by nbval), so that no long notebook starts last
        # and leaves a worker idle; pages never measured go first, in table-of-contents order.
        timings = read_timings(build, record)
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
                ): (page, key, reason)
                for page, key, reason in to_execute
            }
            for future in concurrent.futures.as_completed(futures):
                page, key, reason = futures[future]
                why = f" (not seeded: {reason})" if reason != "no stored notebook" else ""
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
                print(f"{PREFIX} {page.label:<{width}}  executed in {result['seconds']:.1f} s{why} (ID={entry.pk})")
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
        "--nbval-record",
        type=Path,
        default=None,
        help="the record tools/nbval_provenance.py wrote; used only inside `make test`",
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
    failed = prefill(ROOT, args.build, args.jobs, args.nbval_record)
    if failed:
        print(f"{PREFIX} {failed} notebook(s) failed to execute: the book build will fail")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
