"""Benchmark: the book built on a cohort of 3,000 patients.

Makes the cohort with `bench_sizes.synthetic_cohort` (patients, with both their visits, and
controls drawn with replacement from the committed reconstruction), copies the repository's
tracked files into a temporary folder (with the repository's ``_build/.tacmg-cache``, the
reconstruction ensembles chapters 09 and 10 read, when there is one, and ``_vendor``), and there
runs the steps of ``make book`` with ``MG_DATA_DIR`` set: validate the cohort, the data cache key,
and ``tools/build_book.py`` (`jupyter-book build -W -n --keep-going`, ``--jobs`` chapters at a time).
The copy's own ``src`` is imported (``PYTHONPATH``), so nothing in the repository is read from or
written to after the copy. Prints the wall time of each step, the total, and the seconds each
chapter took to execute (from MyST-NB's lines in the build's output); asserts nothing.

    python bench/bench_book_size.py [--patients 3000] [--seed 1] [--jobs 2] [--keep]

``--patients 0`` builds the book on the committed reconstruction instead (``MG_DATA_DIR`` unset), for
comparison.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_sizes import synthetic_cohort

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def copy_repository(target: Path) -> None:
    """The tracked files (as they are in the work tree), the ensemble cache and the vendored bundle."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for folder in ("_build/.tacmg-cache", "_vendor"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, target / folder)


def steps(data: Path | None, jobs: int) -> dict[str, list[str]]:
    python = sys.executable
    return {
        **({"validate": [python, "-m", "tacmg", "validate", str(data)]} if data else {}),
        "data key": [python, "tools/data_cache_key.py", "--build", "_build"],
        "jupyter-book": [python, "tools/build_book.py", "--jobs", str(jobs), "build", ".", "-W", "-n", "--keep-going"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=3000, help="0: the committed reconstruction")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="chapters executed at a time (make book's JOBS)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy and print where it is")
    args = parser.parse_args()
    temporary = Path(tempfile.mkdtemp(prefix="tacmg-book-size-"))
    try:
        copy, data = temporary / "book", (temporary / "cohort" if args.patients else None)
        start = time.perf_counter()
        if data:
            synthetic_cohort(data, args.patients, args.seed)
        copy_repository(copy)
        if not (copy / "_vendor").is_dir():
            subprocess.run([sys.executable, "tools/vendor_vega.py"], cwd=copy, check=True, stdout=subprocess.DEVNULL)
        what = f"cohort of {args.patients:,} patients and copy" if data else "copy"
        print(f"{what} of the repository: {time.perf_counter() - start:.1f} s")
        env = {key: value for key, value in os.environ.items() if key != "TACMG_TEST_RUN"}  # never seed
        env.pop("MG_DATA_DIR", None)
        env |= {
            **({"MG_DATA_DIR": str(data)} if data else {}),
            "PYTHONPATH": str(copy / "src"),
            "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            "JUPYTER_PREFER_ENV_PATH": "1",
            "PYTHONHASHSEED": "0",
        }
        total, log = 0.0, ""
        for name, command in steps(data, args.jobs).items():
            start = time.perf_counter()
            done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            total += seconds
            log += done.stdout
            failed = f"   FAILED (exit {done.returncode})" if done.returncode else ""
            print(f"{name:>13}: {seconds:7.1f} s{failed}")
            if done.returncode:
                print((done.stdout + done.stderr)[-3000:])
        patients = f"{args.patients:,}" if data else "the committed"
        print(f"{'total':>13}: {total:7.1f} s   ({patients} patients, {args.jobs} chapters at a time)")
        executed = re.findall(r"/([^/\s]+\.md): Executed notebook in ([0-9.]+) seconds", log)
        if executed:
            print("seconds each chapter took to execute:")
            for page, seconds in sorted(executed):
                print(f"  {page:<40} {float(seconds):7.1f}")
    finally:
        if args.keep:
            print(f"kept: {temporary}")
        else:
            shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    main()
