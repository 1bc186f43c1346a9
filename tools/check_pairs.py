"""Check that every notebooks/*.md has a paired .ipynb (and vice versa) with the same cells.

The .md is what people edit and what the book builds; the .ipynb holds the executed outputs that
nbval compares. If they drift apart, nbval tests something other than what the book shows. Both
files are read with jupytext and their code and markdown cells compared (type and source, in
order). Fix a reported pair with ``make notebooks`` (or ``jupytext --sync`` from JupyterLab).

Usage: python tools/check_pairs.py [directory ...]   (default: notebooks/)
Exit status 1 naming each unsynced or unpaired notebook.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parent.parent
COMPARED = ("code", "markdown")


def cells(path: Path) -> list[tuple[str, str]]:
    """(cell type, source) of the code and markdown cells of a notebook read with jupytext."""
    nb = jupytext.read(path)
    return [(cell.cell_type, cell.source) for cell in nb.cells if cell.cell_type in COMPARED]


def compare_pair(md_path: Path, ipynb_path: Path) -> str | None:
    """Return None when the pair agrees, else a short description of the first difference."""
    md_cells, ipynb_cells = cells(md_path), cells(ipynb_path)
    if md_cells == ipynb_cells:
        return None
    if len(md_cells) != len(ipynb_cells):
        detail = f"{len(md_cells)} cells in .md, {len(ipynb_cells)} in .ipynb"
    else:
        index = next(i for i, (a, b) in enumerate(zip(md_cells, ipynb_cells)) if a != b)
        (md_type, md_source), (nb_type, nb_source) = md_cells[index], ipynb_cells[index]
        if md_type != nb_type:
            detail = f"cell {index} is {md_type} in .md but {nb_type} in .ipynb"
        else:
            diff = difflib.unified_diff(
                nb_source.splitlines(), md_source.splitlines(), ".ipynb", ".md", lineterm="", n=0
            )
            detail = f"{md_type} cell {index} differs:\n    " + "\n    ".join(list(diff)[2:8])
    return detail


def check_directory(directory: Path) -> list[str]:
    """Messages for every unpaired or unsynced notebook in ``directory`` (empty when all agree)."""
    problems = []
    stems = sorted({p.stem for p in directory.glob("*.md")} | {p.stem for p in directory.glob("*.ipynb")})
    for stem in stems:
        md_path, ipynb_path = directory / f"{stem}.md", directory / f"{stem}.ipynb"
        if not ipynb_path.exists():
            problems.append(f"{md_path}: no paired {ipynb_path.name} (run `make notebooks`)")
        elif not md_path.exists():
            problems.append(f"{ipynb_path}: no paired {md_path.name} (the .md is the source)")
        else:
            detail = compare_pair(md_path, ipynb_path)
            if detail:
                problems.append(f"{md_path} and {ipynb_path.name} are not in sync (run `make notebooks`): {detail}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directories", nargs="*", type=Path, default=[ROOT / "notebooks"])
    args = parser.parse_args(argv)
    problems, count = [], 0
    for directory in args.directories:
        count += len({p.stem for p in directory.glob("*.md")} | {p.stem for p in directory.glob("*.ipynb")})
        problems += check_directory(directory)
    for problem in problems:
        print(f"check_pairs: {problem}")
    if problems:
        print(f"check_pairs: FAILED: {len(problems)} of {count} notebook(s) unpaired or unsynced")
        return 1
    print(f"check_pairs: ok: {count} notebook pair(s) in sync")
    return 0


if __name__ == "__main__":
    sys.exit(main())
