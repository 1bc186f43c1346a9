"""Force a full re-execution of the book when the data the chapters read has changed.

MyST-NB executes a page when Sphinx reads it, and Sphinx re-reads only the pages whose source
changed: a changed dataset, or MG_DATA_DIR pointing at another one, would otherwise be served stale
pages. This script hashes what the chapters read besides their source — the chosen dataset, the
claims registry, the priors, the lock and the package's source — and, when that hash differs from
the one recorded at the last build, deletes Sphinx's saved environment and MyST-NB's executed
notebooks (`_build/.doctrees`, `_build/jupyter_execute`) so that every page is read and executed
again.

Usage: python tools/data_cache_key.py [--build _build]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
from pathlib import Path

from tacmg.data.paths import CLAIMS_PATH, PRIORS_PATH, REPO_ROOT
from tacmg.presentation.report import data_directory


def inputs_key() -> str:
    digest = hashlib.sha256()
    directory = data_directory().resolve()
    digest.update(str(directory).encode())
    if directory.is_file():  # MG_DATA_DIR naming an .xlsx workbook
        directory = directory.parent
    files = [
        *sorted(directory.glob("*.csv")),
        *sorted(directory.glob("*.xlsx")),
        *sorted(directory.glob("*.json")),
        CLAIMS_PATH,
        PRIORS_PATH,
        REPO_ROOT / "requirements.txt",  # the numbers depend on the pinned libraries too
        *sorted((REPO_ROOT / "src" / "tacmg").rglob("*.py")),
    ]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(REPO_ROOT / "_build"))
    build = Path(parser.parse_args(argv).build)
    stamp = build / ".data-key"
    key = inputs_key()
    if stamp.exists() and stamp.read_text() == key:
        return
    stale = [build / name for name in (".doctrees", "jupyter_execute")]
    if any(path.exists() for path in stale):
        for path in stale:
            shutil.rmtree(path, ignore_errors=True)
        print(f"data or package changed ({data_directory()}): every page will be executed again")
    build.mkdir(parents=True, exist_ok=True)
    stamp.write_text(key)


if __name__ == "__main__":
    main()
