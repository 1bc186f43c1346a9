"""Benchmark: what the book build costs on top of running its notebooks.

In one run, measures
  (a) serial raw execution: every notebooks/*.md converted with jupytext and executed with
      nbclient, one after the other, after deleting ``_build`` (what a serial build has to pay);
  (b) a cold build (``_build`` deleted first) made of the steps ``make book`` runs after the
      environment: ``tools/data_cache_key.py``, ``tools/prefill_cache.py`` (the notebooks, two at a
      time, in table-of-contents order: nothing tells it yet which are long) and
      ``jupyter-book build``;
  (b') the same cold build again, ``_build`` deleted but for the seconds each notebook took in (b)
      (``_build/.prefill-timings.json``), so that the prefill starts the longest first, as it does
      on every build after the first one (a changed dataset, a changed chapter);
  (c) the same steps again, unchanged.
Prints each figure with its steps, the ratios (b)/(a) and (b')/(a) (goal: at most 0.8) and (c)
(goal: at most 3 s). The goals are read on the prefill plus ``jupyter-book build``; ``tools/data_cache_key.py`` is
shown beside them (it imports the package, about 1 s, before and after this change alike). Also
prints how busy the machine was with other processes during each measurement (from /proc/stat),
since a shared machine's load moves these figures. It prints; it asserts nothing. It deletes and
rebuilds ``_build``.

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

import jupytext
import nbclient
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STEPS = {
    "data key": [sys.executable, str(ROOT / "tools" / "data_cache_key.py"), "--build", str(ROOT / "_build")],
    "prefill": [
        sys.executable,
        str(ROOT / "tools" / "prefill_cache.py"),
        "--build",
        str(ROOT / "_build"),
        "--jobs",
        "2",
    ],
    "jupyter-book": [str(BIN / "jupyter-book"), "build", str(ROOT), "-W", "-n", "--keep-going"],
}
RATIO_GOAL = 0.8
REBUILD_GOAL_S = 3.0


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


def build() -> dict[str, float]:
    """Run make book's steps in turn; return the seconds of each."""
    env = {key: value for key, value in os.environ.items() if key != "TACMG_TEST_RUN"}  # never seed
    times = {}
    for name, command in STEPS.items():
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        times[name] = time.perf_counter() - start
        if done.returncode != 0:
            print(f"bench_build: {name} failed (exit {done.returncode}); timings below are not meaningful")
            print(done.stdout[-2000:])
        if name == "jupyter-book" and "Executing notebook" in done.stdout:
            print("bench_build: note: jupyter-book executed notebooks itself (the prefill missed them)")
    return times


def toc_files() -> set[str]:
    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                yield from ([value] if key in ("file", "root") else walk(value))
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    return set(walk(yaml.safe_load((ROOT / "_toc.yml").read_text())))


def line(label: str, times: dict[str, float], others: float) -> str:
    measured = times["prefill"] + times["jupyter-book"]
    steps = " + ".join(f"{name} {seconds:.1f}" for name, seconds in times.items() if name != "data key")
    return (
        f"{label}{measured:6.1f} s   ({steps}; data key {times['data key']:.1f} s more; "
        f"others used {others:.0%} of the machine)"
    )


def main() -> None:
    subprocess.run([sys.executable, str(ROOT / "tools" / "vendor_vega.py")], check=True, stdout=subprocess.DEVNULL)
    notebooks = sorted((ROOT / "notebooks").glob("*.md"))
    build_dir = ROOT / "_build"
    # Every cold run starts without _build: notebooks may keep their own caches there.
    shutil.rmtree(build_dir, ignore_errors=True)
    with Machine() as machine_raw:
        raw = raw_execution()
    shutil.rmtree(build_dir, ignore_errors=True)
    with Machine() as machine_cold:
        cold = build()
    timings = build_dir / ".prefill-timings.json"
    hints = timings.read_bytes() if timings.exists() else None
    shutil.rmtree(build_dir, ignore_errors=True)
    if hints is not None:
        build_dir.mkdir()
        timings.write_bytes(hints)
    with Machine() as machine_hinted:
        hinted = build()
    with Machine() as machine_rebuild:
        rebuild = build()
    print(f"notebooks in (a):                {len(notebooks)}")
    outside = [p.name for p in notebooks if f"notebooks/{p.stem}" not in toc_files()]
    if outside:
        print(f"note: not in _toc.yml, so executed in (a) but not built in (b): {', '.join(outside)}")
    print(f"(a)  serial raw execution:       {raw:6.1f} s   (others used {machine_raw.others:.0%} of the machine)")
    print(line("(b)  cold build (parallel):     ", cold, machine_cold.others))
    print(line("(b') cold, longest first:       ", hinted, machine_hinted.others))
    print(line("(c)  unchanged rebuild:         ", rebuild, machine_rebuild.others))
    for label, times in (("(b) ", cold), ("(b')", hinted)):
        ratio = (times["prefill"] + times["jupyter-book"]) / raw if raw else float("nan")
        print(
            f"{label} / (a):                     {ratio:6.2f}     (goal <= {RATIO_GOAL}: "
            f"{'met' if ratio <= RATIO_GOAL else 'missed'})"
        )
    rebuild_s = rebuild["prefill"] + rebuild["jupyter-book"]
    print(
        f"(c)  unchanged rebuild:          {rebuild_s:6.1f} s   (goal <= {REBUILD_GOAL_S:.0f} s: "
        f"{'met' if rebuild_s <= REBUILD_GOAL_S else 'missed'})"
    )


if __name__ == "__main__":
    main()
