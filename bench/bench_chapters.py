"""Benchmark: each chapter's Run All, and each of its "Try it" changes, as a reader's kernel runs them.

A reader opens a chapter in JupyterLab, runs it, changes one line of its parameter cell and runs it
again; the goal is an answer within 10 s on a 2-core machine once the ensemble build step has run
(``make ensembles``). This executes every chapter with nbclient, as JupyterLab's kernel would:
first as it stands, then once per "Try it" change. The changes are read from the chapter itself:
each ```NAME = value``` quoted in its "Try it" section that differs from the parameter cell's line
for NAME. Prints wall and kernel CPU seconds per run; asserts nothing.

    python bench/bench_chapters.py [notebooks/02-clinical-scores.md ...]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import jupytext
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = re.compile(r"`([A-Z][A-Z0-9_]*) = ([^`]+)`")
CPU_PROBE = "import resource as _r; _u = _r.getrusage(_r.RUSAGE_SELF); print(_u.ru_utime + _u.ru_stime)"


def try_it_changes(text: str, parameters: str) -> list[tuple[str, str]]:
    """(line in the parameter cell, line to put instead) for each change the "Try it" section names.

    Examples
    --------
    >>> page = "## Try it\\n- Change `CONFIDENCE = 0.95` to `CONFIDENCE = 0.9`.\\n"
    >>> try_it_changes(page, "CONFIDENCE = 0.95\\nDATA_DIR = None")
    [('CONFIDENCE = 0.95', 'CONFIDENCE = 0.9')]
    """
    section = text.split("## Try it", 1)[-1] if "## Try it" in text else ""
    current = {m.group(1): m.group(0) for m in re.finditer(r"^([A-Z][A-Z0-9_]*) = .*$", parameters, re.M)}
    changes = []
    for name, value in ASSIGNMENT.findall(section):
        line = f"{name} = {value}"
        if name in current and current[name].split("#")[0].strip() != line and (current[name], line) not in changes:
            changes.append((current[name], line))
    return changes


def run(path: Path, change: tuple[str, str] | None) -> tuple[float, float]:
    """Wall and kernel CPU seconds of one Run All, with `change` applied to the parameter cell."""
    notebook = jupytext.read(path)
    if change:
        cell = next(c for c in notebook.cells if c.cell_type == "code" and change[0] in c.source)
        cell.source = cell.source.replace(change[0], change[1])
    notebook.cells.append(jupytext.reads(f"```{{code-cell}} ipython3\n{CPU_PROBE}\n```", fmt="md:myst").cells[0])
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": path.parent}})
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    cpu = float(notebook.cells[-1].outputs[0]["text"])
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", type=Path, help="default: every notebooks/*.md")
    chapters = parser.parse_args().chapters or sorted((ROOT / "notebooks").glob("*.md"))
    print(f"{'chapter':<34} {'run':<44} {'wall s':>7} {'cpu s':>6}")
    slowest = 0.0
    for path in chapters:
        text = path.read_text(encoding="utf-8")
        notebook = jupytext.reads(text, fmt="md:myst")
        parameters = next(
            (c.source for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", [])), ""
        )
        for change in [None, *try_it_changes(text, parameters)]:
            label = "Run All" if change is None else f"Try it: {change[1]}"
            wall, cpu = run(path, change)
            slowest = max(slowest, wall)
            print(f"{path.stem:<34} {label[:44]:<44} {wall:7.1f} {cpu:6.1f}", flush=True)
    print(f"slowest: {slowest:.1f} s (goal: at most 10 s, once `make ensembles` has run)")


if __name__ == "__main__":
    sys.exit(main())
