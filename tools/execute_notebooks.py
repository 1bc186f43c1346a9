"""Regenerate each notebooks/*.ipynb from its MyST-markdown twin and execute it in place.

The .md file is the source of truth; the .ipynb beside it carries the executed outputs that nbval
compares against. Output is kept deterministic so that regenerating an unchanged notebook leaves
git clean: no execution timestamps (``record_timing=False``) and cell ids derived from the cell's
position and content instead of jupytext's random ones.

Usage: python tools/execute_notebooks.py [notebooks/NAME.md ...]   (default: notebooks/*.md)
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from pathlib import Path

import jupytext
import nbclient
import nbformat
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
KERNEL_NAME = "python3"
ALTAIR_ID = re.compile(r"altair-viz-[0-9a-f]{32}")
TIMEOUT_S = 600


def stable_cell_ids(nb: nbformat.NotebookNode) -> None:
    """Replace cell ids by a hash of (position, type, source): same input, same ids."""
    for index, cell in enumerate(nb.cells):
        key = f"{index}\0{cell.cell_type}\0{cell.source}".encode()
        cell["id"] = hashlib.sha1(key).hexdigest()[:8]


def stable_altair_ids(nb: nbformat.NotebookNode, salt: str) -> None:
    """Rename Altair's random ``altair-viz-<uuid4>`` div ids to ids derived from ``salt``.

    Each id is used only inside the one HTML output that defines it, so renaming every
    occurrence consistently changes nothing a reader sees; it only stops git churn. The new ids
    keep the same shape, so the nbval sanitizer treats both alike.
    """
    mapping: dict[str, str] = {}

    def rename(match: re.Match) -> str:
        old = match.group(0)
        if old not in mapping:
            digest = hashlib.md5(f"{salt}:{len(mapping)}".encode()).hexdigest()
            mapping[old] = f"altair-viz-{digest}"
        return mapping[old]

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mimetype, value in data.items():
                if isinstance(value, str):
                    data[mimetype] = ALTAIR_ID.sub(rename, value)
                elif isinstance(value, list):
                    data[mimetype] = [ALTAIR_ID.sub(rename, v) if isinstance(v, str) else v for v in value]


def execute(nb: nbformat.NotebookNode, cwd: Path) -> nbformat.NotebookNode:
    """Execute ``nb`` in a fresh python3 kernel running in ``cwd``; raise on a failing cell."""
    client = nbclient.NotebookClient(
        nb,
        record_timing=False,
        timeout=TIMEOUT_S,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    return nb


def regenerate(md_path: Path) -> Path:
    """Read ``md_path`` with jupytext, execute it, write the paired .ipynb; return its path."""
    nb = jupytext.read(md_path)
    stable_cell_ids(nb)
    execute(nb, md_path.parent)
    stable_altair_ids(nb, salt=md_path.stem)
    ipynb_path = md_path.with_suffix(".ipynb")
    jupytext.write(nb, ipynb_path, fmt="ipynb")
    return ipynb_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.paths or sorted((ROOT / "notebooks").glob("*.md"))
    if not paths:
        print("execute_notebooks: no notebooks/*.md found")
        return 0
    failed = []
    for md_path in paths:
        start = time.perf_counter()
        try:
            ipynb_path = regenerate(md_path)
        except CellExecutionError as err:
            failed.append(md_path)
            print(f"execute_notebooks: FAILED {md_path}\n{err}", file=sys.stderr)
            continue
        print(f"execute_notebooks: {md_path} -> {ipynb_path.name} ({time.perf_counter() - start:.1f} s)")
    if failed:
        print("execute_notebooks: failing notebooks: " + ", ".join(map(str, failed)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
