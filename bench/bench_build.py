"""Benchmark: the book's build, one page at a time against two at a time.

In one run, measures the steps ``make book`` runs after the environment
(``tools/data_cache_key.py``, then ``tools/build_book.py``, which is `jupyter-book build` with
Sphinx reading ``--jobs`` pages at a time; MyST-NB executes each page as it is read):
  (a) a cold build with one job (``_build`` deleted but for the ensembles): what Jupyter Book's
      own CLI does;
  (b) the same cold build with two jobs (what ``make book`` does);
  (c) the same again, unchanged.
Prints each figure, the ratio (b)/(a) (goal: at most 0.8) and (c) (goal: at most 12 s: Sphinx
re-reads only the pages that always change, such as the About page, and writes them). Also prints
how busy the machine was with other processes during each measurement (from /proc/stat), since a
shared machine's load moves these figures. It prints; it asserts nothing. It deletes and rebuilds
``_build`` (keeping ``_build/ensembles``).

    python bench/bench_build.py        (or: make bench)
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
DATA_KEY = [sys.executable, str(ROOT / "tools" / "data_cache_key.py"), "--build", str(BUILD)]
RATIO_GOAL = 0.8
REBUILD_GOAL_S = 12.0


class Machine:
    """Share of both cores used by processes other than this one and its children, over a span."""

    def __enter__(self):
        self.start = self._busy(), self._own(), time.perf_counter()
        return self

    def __exit__(self, *exc):
        busy, own, wall = self._busy(), self._own(), time.perf_counter()
        capacity = (wall - self.start[2]) * (os.cpu_count() or 1)
        others = (busy - self.start[0]) - (own - self.start[1])
        self.others = max(0.0, others / capacity) if capacity and busy >= 0 else float("nan")

    @staticmethod
    def _busy() -> float:
        try:
            fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        except (OSError, ValueError):
            return -1.0
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _own() -> float:
        self_, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return self_.ru_utime + self_.ru_stime + children.ru_utime + children.ru_stime


def build(jobs: int) -> float:
    """Run make book's steps with ``jobs`` pages read at a time; return the seconds they took."""
    command = [sys.executable, str(ROOT / "tools" / "build_book.py"), "--jobs", str(jobs), "build", str(ROOT)]
    start = time.perf_counter()
    for step in (DATA_KEY, [*command, "-W", "-n", "--keep-going"]):
        done = subprocess.run(step, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode != 0:
            print(f"bench_build: {step[1]} failed (exit {done.returncode}); timings below are not meaningful")
            print(done.stdout[-2000:])
    return time.perf_counter() - start


def clear_build() -> None:
    """Delete _build but for the ensembles (a build step of their own, ``make ensembles``)."""
    for path in BUILD.iterdir() if BUILD.is_dir() else ():
        if path.name != "ensembles":
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def main() -> None:
    subprocess.run([sys.executable, str(ROOT / "tools" / "vendor_vega.py")], check=True, stdout=subprocess.DEVNULL)
    figures = {}
    for label, jobs, cold in (
        ("(a)  cold build, one job:  ", 1, True),
        ("(b)  cold build, two jobs: ", 2, True),
        ("(c)  unchanged rebuild:    ", 2, False),
    ):
        if cold:
            clear_build()
        with Machine() as machine:
            figures[label] = build(jobs)
        print(f"{label}{figures[label]:6.1f} s   (others used {machine.others:.0%} of the machine)")
    (serial, parallel, rebuild) = figures.values()
    ratio = parallel / serial if serial else float("nan")
    print(
        f"(b) / (a):                  {ratio:6.2f}     "
        f"(goal <= {RATIO_GOAL}: {'met' if ratio <= RATIO_GOAL else 'missed'})"
    )
    print(
        f"(c):                        {rebuild:6.1f} s   (goal <= {REBUILD_GOAL_S:.0f} s: "
        f"{'met' if rebuild <= REBUILD_GOAL_S else 'missed'})"
    )


if __name__ == "__main__":
    main()
