"""Benchmark: what the book build costs on top of running its notebooks.

In one run, measures
  (a) raw execution: every notebooks/*.md converted with jupytext and executed with nbclient,
      one after the other, after deleting ``_build`` (the floor any cold build has to pay);
  (b) a cold ``jupyter-book build`` with execution (``_build`` deleted first);
  (c) an unchanged rebuild right after (b).
Prints the three times, the ratio (b)/(a) (goal: at most 1.5) and (c) (goal: at most 3 s).
It prints; it asserts nothing. It deletes and rebuilds ``_build``.

    python bench/bench_build.py        (or: make bench)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import jupytext
import nbclient
import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD_CMD = [
    str(Path(sys.executable).parent / "jupyter-book"),
    "build",
    str(ROOT),
    "-W",
    "-n",
    "--keep-going",
]
RATIO_GOAL = 1.5
REBUILD_GOAL_S = 3.0


def raw_execution() -> float:
    start = time.perf_counter()
    for md_path in sorted((ROOT / "notebooks").glob("*.md")):
        nb = jupytext.read(md_path)
        nbclient.NotebookClient(
            nb,
            record_timing=False,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(md_path.parent)}},
        ).execute()
    return time.perf_counter() - start


def build() -> float:
    start = time.perf_counter()
    done = subprocess.run(BUILD_CMD, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        print(f"bench_build: the build failed (exit {done.returncode}); timings below are not meaningful")
        print(done.stderr[-2000:])
    return elapsed


def toc_files() -> set[str]:
    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                yield from ([value] if key in ("file", "root") else walk(value))
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    return set(walk(yaml.safe_load((ROOT / "_toc.yml").read_text())))


def main() -> None:
    subprocess.run([sys.executable, str(ROOT / "tools" / "vendor_vega.py")], check=True, stdout=subprocess.DEVNULL)
    notebooks = sorted((ROOT / "notebooks").glob("*.md"))
    # Both cold runs start without _build: notebooks may keep their own caches there.
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    raw = raw_execution()
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    cold = build()
    rebuild = build()
    ratio = cold / raw if raw else float("nan")
    print(f"notebooks executed:              {len(notebooks)}")
    outside = [p.name for p in notebooks if f"notebooks/{p.stem}" not in toc_files()]
    if outside:
        print(f"note: not in _toc.yml, so executed in (a) but not built in (b): {', '.join(outside)}")
    print(f"(a) raw nbclient execution:      {raw:6.1f} s")
    print(f"(b) cold jupyter-book build:     {cold:6.1f} s")
    print(
        f"(c) unchanged rebuild:           {rebuild:6.1f} s   (goal <= {REBUILD_GOAL_S:.0f} s: "
        f"{'met' if rebuild <= REBUILD_GOAL_S else 'missed'})"
    )
    print(
        f"cold build / raw execution:      {ratio:6.2f}     (goal <= {RATIO_GOAL}: "
        f"{'met' if ratio <= RATIO_GOAL else 'missed'})"
    )


if __name__ == "__main__":
    main()
