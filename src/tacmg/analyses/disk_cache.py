"""Results too slow to recompute on every build (ensembles of cohorts), cached on disk.

A value is stored under ``_build/.tacmg-cache/<name>-<digest>.pkl``. The digest covers the claims
registry, the priors, every source file of the package and the caller's key parts, so a change
to any of them computes afresh, and nothing stale is ever read. While one process computes a
value, another asking for the same one waits for it (a file lock) instead of computing it too:
the book executes two chapters at a time and both may need the same ensemble.
"""

from __future__ import annotations

import fcntl
import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from tacmg.data.paths import CLAIMS_PATH, PRIORS_PATH, REPO_ROOT

CACHE_DIR = REPO_ROOT / "_build" / ".tacmg-cache"
PACKAGE_DIR = Path(__file__).resolve().parents[1]

T = TypeVar("T")


# The layers a value computed in the analyses layer can depend on (imports only go downwards).
BELOW_PRESENTATION = ("stats", "data", "claims", "reconstruction", "analyses")
EVERY_LAYER = (*BELOW_PRESENTATION, "presentation")


def inputs_digest(*parts: Any, layers: tuple[str, ...] = EVERY_LAYER) -> str:
    """A short digest of the claims, the priors, the source of `layers` and `parts` (16 hex digits).

    Parameters
    ----------
    *parts
        Anything with a stable ``repr`` (seeds, sizes, parameters).
    layers : tuple of str
        The subpackages whose code the value depends on (and the package's top-level modules);
        an entry ending in ``.py`` is one module, relative to the package (``"presentation/prose.py"``).

    Returns
    -------
    str

    Examples
    --------
    >>> len(inputs_digest("robustness", 1)), inputs_digest(1) == inputs_digest(1), inputs_digest(1) == inputs_digest(2)
    (16, True, False)
    """
    digest = hashlib.sha256()
    layer_sources = (
        path
        for layer in layers
        for path in ([PACKAGE_DIR / layer] if layer.endswith(".py") else (PACKAGE_DIR / layer).rglob("*.py"))
    )
    sources = sorted(PACKAGE_DIR.glob("*.py")) + sorted(layer_sources)
    for path in (CLAIMS_PATH, PRIORS_PATH, *sources):
        digest.update(str(path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path.name).encode())
        digest.update(path.read_bytes())
    digest.update(repr(parts).encode())
    return digest.hexdigest()[:16]


def cached(
    name: str,
    compute: Callable[[], T],
    *key_parts: Any,
    directory: Path | None = None,
    layers: tuple[str, ...] = EVERY_LAYER,
) -> T:
    """`compute()` cached on disk, keyed on the claims, priors, the package's code and `key_parts`.

    Parameters
    ----------
    name : str
        A file-name stem saying what the value is.
    compute : callable
        Computes the value (pickled).
    *key_parts
        What else the value depends on.
    directory : pathlib.Path, optional
        Where to keep it (default ``_build/.tacmg-cache`` of the repository).
    layers : tuple of str
        The layers whose code `compute` runs: a value of the analyses layer cannot depend on
        the presentation layer, so editing a chart keeps an ensemble cached.

    Returns
    -------
    The value, computed now or read back.

    Examples
    --------
    >>> import tempfile
    >>> calls = []
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     first = cached("demo", lambda: calls.append(1) or 42, 7, directory=Path(folder))
    ...     again = cached("demo", lambda: calls.append(1) or 42, 7, directory=Path(folder))
    >>> first, again, len(calls)
    (42, 42, 1)
    """
    folder = directory or CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{inputs_digest(name, *key_parts, layers=layers)}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if path.exists():  # another process computed it while this one waited
            return pickle.loads(path.read_bytes())
        value = compute()
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(value))
        tmp.replace(path)
    return value
