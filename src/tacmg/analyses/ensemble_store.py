"""The ensemble build step's results on disk: arrays in ``.npz`` files, never pickles.

The ensembles (thousands of generated cohorts, and every chapter's numbers across them) are
computed once, by ``python -m tacmg ensembles`` (`tacmg.ensembles`), before any chapter runs; the
chapters and the landing page only read them. A result is a mapping of names to DataFrames, numpy
arrays, numbers, strings and nested mappings of those; it is stored as one ``.npz`` file (each
column an array, numbers and text as plain dtypes, the layout as JSON in one entry) and read back
with ``allow_pickle=False``, so a stored file can hold nothing but data.

Each file's name carries a digest of everything its content depends on (`inputs_digest`): the
lock (``requirements.txt``: the numbers depend on numpy's and scipy's versions), the claims
registry, the priors, the committed reconstruction, the code of the layers the ensembles run
(`ENSEMBLE_LAYERS`: not the presentation layer) with docstrings and comments stripped (editing a
docstring changes no number) and the caller's own key (seed, sizes, parameters). A changed input
therefore finds no file, and nothing stale is ever read.

Written by hand because no library stores a nested mapping of DataFrames without pickle and
Parquet's engine (pyarrow, about 40 MB) is not otherwise needed.
"""

from __future__ import annotations

import ast
import fcntl
import functools
import hashlib
import io
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from tacmg.data.paths import CLAIMS_PATH, PRIORS_PATH, RECONSTRUCTED_DIR, REPO_ROOT

STORE_DIR = REPO_ROOT / "_build" / "ensembles"
PACKAGE_DIR = Path(__file__).resolve().parents[1]
LOCK_PATH = REPO_ROOT / "requirements.txt"
BUILD_COMMAND = "python -m tacmg ensembles"

T = TypeVar("T")


class EnsemblesMissing(RuntimeError):
    """A chapter asked for an ensemble result that the build step has not stored (or not for these inputs)."""


def code_digest(source: str) -> str:
    """A digest of Python `source` that ignores docstrings, comments and formatting.

    Parameters
    ----------
    source : str
        A module's text.

    Returns
    -------
    str
        16 hex digits.

    Examples
    --------
    >>> a = code_digest('def f(x):\\n    "Old words."\\n    return x + 1  # why\\n')
    >>> b = code_digest("def f(x):\\n    'New words.'\\n\\n    return x + 1\\n")
    >>> a == b, a == code_digest("def f(x):\\n    return x + 2\\n")
    (True, False)
    """
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and body:
            first = body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                node.body = body[1:] or [ast.Pass()]
    return hashlib.sha256(ast.dump(tree).encode()).hexdigest()[:16]


# The layers whose code the ensembles run: the presentation layer (tables, prose, charts) is not
# among them, so editing a chart or a sentence keeps every stored ensemble.
ENSEMBLE_LAYERS = ("stats", "data", "claims", "reconstruction", "analyses")


# `code_digest` of each source the ensembles run, by the SHA-256 of the file's bytes, written by the
# build step (`write_code_digests`): a chapter's kernel then hashes the 79 sources (a few
# milliseconds) instead of parsing them (0.25 s, measured: a quarter of a short chapter's own time).
# A source edited since the build step has no entry and gets its digest computed, so the table can
# only save time.
CODE_DIGESTS = STORE_DIR / "code-digests.json"


def _sources(root: Path) -> list[Path]:
    return [*sorted(root.glob("*.py")), *(p for layer in ENSEMBLE_LAYERS for p in sorted((root / layer).rglob("*.py")))]


def code_digests(root: Path = PACKAGE_DIR, table: Path = CODE_DIGESTS) -> dict[str, str]:
    """{path relative to `root`: `code_digest`} of every source of `root` the ensembles run, each
    read from the build step's `table` where it holds the file's bytes, else computed."""
    try:
        known = json.loads(table.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    known = known if isinstance(known, dict) else {}
    digests = {}
    for path in _sources(root):
        source = path.read_bytes()
        digest = known.get(hashlib.sha256(source).hexdigest())
        digests[str(path.relative_to(root))] = digest or code_digest(source.decode("utf-8"))
    return digests


def write_code_digests(root: Path = PACKAGE_DIR, table: Path = CODE_DIGESTS) -> None:
    """Store the `table` that `code_digests` reads (the build step calls this)."""
    sources = [source.read_bytes() for source in _sources(root)]
    digests = {hashlib.sha256(source).hexdigest(): code_digest(source.decode("utf-8")) for source in sources}
    table.parent.mkdir(parents=True, exist_ok=True)
    tmp = table.with_suffix(".tmp")
    tmp.write_text(json.dumps(digests, indent=0, sort_keys=True), encoding="utf-8")
    tmp.replace(table)


@functools.cache
def _inputs(root: Path) -> str:
    digest = hashlib.sha256()
    files = [LOCK_PATH, CLAIMS_PATH, PRIORS_PATH, *sorted(RECONSTRUCTED_DIR.glob("*"))]
    for path in files:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    for relative, code in code_digests(root).items():
        digest.update(relative.encode())
        digest.update(code.encode())
    return digest.hexdigest()


def inputs_digest(*key_parts: Any) -> str:
    """A digest of the lock, claims, priors, committed reconstruction, package code and `key_parts`.

    Read once per process (a chapter's kernel, the build step): the inputs do not change while a
    chapter runs.

    Examples
    --------
    >>> len(inputs_digest("robustness", 1)), inputs_digest(1) == inputs_digest(1), inputs_digest(1) == inputs_digest(2)
    (16, True, False)
    """
    digest = hashlib.sha256(_inputs(PACKAGE_DIR).encode())
    digest.update(repr(key_parts).encode())
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------------------- arrays on disk
def _encode(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    """The JSON layout of `value`; its arrays go into `arrays` under fresh names."""

    def put(array: np.ndarray) -> str:
        name = f"a{len(arrays)}"
        if array.dtype == object:
            array = array.astype(str)
        arrays[name] = array
        return name

    if isinstance(value, pd.DataFrame):
        columns = {str(c): put(_column_array(value[c])) for c in value.columns}
        index = None if isinstance(value.index, pd.RangeIndex) else put(_column_array(value.index.to_series()))
        return {"frame": columns, "order": [str(c) for c in value.columns], "index": index}
    if isinstance(value, np.ndarray):
        return {"array": put(value)}
    if isinstance(value, Mapping):
        return {"map": {str(k): _encode(v, arrays) for k, v in value.items()}}
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | int | float | str):
        return {"value": value}
    raise TypeError(f"cannot store a {type(value).__name__} (only frames, arrays, numbers, text and mappings)")


def _column_array(column: pd.Series) -> np.ndarray:
    if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
        if column.map(lambda x: isinstance(x, str)).all():
            return column.to_numpy(dtype=str)
        return column.astype(float).to_numpy()  # numbers held as objects (with None for missing)
    return column.to_numpy()


def _decode(layout: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> Any:
    if "frame" in layout:
        frame = pd.DataFrame({c: _from_array(arrays[layout["frame"][c]]) for c in layout["order"]})
        if layout["index"] is not None:
            frame.index = pd.Index(_from_array(arrays[layout["index"]]))
        return frame
    if "array" in layout:
        return arrays[layout["array"]]
    if "map" in layout:
        return {k: _decode(v, arrays) for k, v in layout["map"].items()}
    return layout["value"]


def _from_array(array: np.ndarray) -> Any:
    return array.astype(object) if array.dtype.kind == "U" else array


def write(path: Path, value: Any) -> None:
    """Store `value` (frames, arrays, numbers, text, mappings of them) as one ``.npz`` file.

    Examples
    --------
    >>> import tempfile
    >>> value = {"table": pd.DataFrame({"claim": ["a", "b"], "share": [0.5, 1.0]}, index=["x", "y"]), "n": 3}
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write(Path(folder) / "demo.npz", value)
    ...     back = read(Path(folder) / "demo.npz")
    >>> back["n"], float(back["table"].loc["y", "share"]), back["table"]["claim"].tolist()
    (3, 1.0, ['a', 'b'])
    """
    arrays: dict[str, np.ndarray] = {}
    layout = _encode(value, arrays)
    buffer = io.BytesIO()
    arrays["__layout__"] = np.frombuffer(json.dumps(layout).encode(), dtype=np.uint8)
    np.savez(buffer, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds as its bool flag
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(path)


def read(path: Path) -> Any:
    """What `write` stored at `path` (no pickle is ever loaded)."""
    with np.load(path, allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    layout = json.loads(arrays.pop("__layout__").tobytes().decode())
    return _decode(layout, arrays)


# ------------------------------------------------------------------------------ the store
def path_of(name: str, *key_parts: Any, directory: Path | None = None) -> Path:
    """Where the result `name` for `key_parts` is stored (whether or not it is there yet)."""
    return (directory or STORE_DIR) / f"{name}-{inputs_digest(name, *key_parts)}.npz"


def stored_or_none(name: str, *key_parts: Any, directory: Path | None = None) -> Any:
    """The stored result `name` for `key_parts`, or None when it has not been built (never computes).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     stored_or_none("demo", 7, directory=Path(folder))
    """
    path = path_of(name, *key_parts, directory=directory)
    return read(path) if path.exists() else None


def stored(
    name: str,
    compute: Callable[[], T],
    *key_parts: Any,
    build: bool = False,
    directory: Path | None = None,
) -> T:
    """The stored result `name` for `key_parts`; computed and stored first only when `build` is true.

    Parameters
    ----------
    name : str
        A file-name stem saying what the result is.
    compute : callable
        Computes the result (called only with `build`).
    *key_parts
        What else the result depends on (seed, sizes, parameters).
    build : bool
        The build step (`tacmg.ensembles`) computes what is missing; a chapter only reads, and a
        missing result raises `EnsemblesMissing`, which names the command to run.
    directory : pathlib.Path, optional
        Where results are kept (default ``_build/ensembles`` of the repository).

    Returns
    -------
    The result, read back from disk (so a chapter sees exactly what the build step stored).

    Examples
    --------
    >>> import tempfile
    >>> calls = []
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     first = stored("demo", lambda: calls.append(1) or {"x": 42}, 7, build=True, directory=Path(folder))
    ...     again = stored("demo", lambda: calls.append(1) or {"x": 0}, 7, directory=Path(folder))
    >>> first, again, len(calls)
    ({'x': 42}, {'x': 42}, 1)
    """
    path = path_of(name, *key_parts, directory=directory)
    if path.exists():
        return read(path)
    if not build:
        raise EnsemblesMissing(
            f"the ensemble result '{name}' for these inputs has not been built: run `{BUILD_COMMAND}` "
            f"(or `make ensembles`) from the repository, then run this cell again"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second build step waits, then reads
        if not path.exists():
            write(path, compute())
    return read(path)
