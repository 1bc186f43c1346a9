"""Benchmark: validate, load and evaluate times of a dataset of 32, 3,000 and 100,000 patients.

Goal: all three together under 15 s at 100,000 patients. Wall-clock seconds of each step, and the
processor seconds of the three together (the better figure on a shared machine). The large cohorts are made here, in a
temporary folder, by drawing patients (with both their visits) and controls with replacement from
the committed reconstruction and giving them new codes; nothing is written to the repository.
Prints its figures; asserts nothing.

    python bench/bench_sizes.py [--sizes 32,3000,100000] [--seed 1]
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from tacmg.claims.evaluate import evaluate
from tacmg.data.loader import load, validate
from tacmg.data.paths import RECONSTRUCTED_DIR


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def synthetic_cohort(directory: Path, n_patients: int, seed: int) -> Path:
    """Write a cohort of `n_patients` patients (and as many controls) drawn from the reconstruction."""
    rng = np.random.default_rng(seed)
    p_header, patients = _read(RECONSTRUCTED_DIR / "patients.csv")
    v_header, visits = _read(RECONSTRUCTED_DIR / "visits.csv")
    c_header, controls = _read(RECONSTRUCTED_DIR / "controls.csv")
    visits_of: dict[str, list[list[str]]] = {}
    for row in visits:
        visits_of.setdefault(row[0], []).append(row)
    width = len(str(n_patients))
    new_patients, new_visits = [], []
    for i, source in enumerate(rng.integers(len(patients), size=n_patients)):
        code = f"P{i + 1:0{width}d}"
        row = patients[source]
        new_patients.append([code, *row[1:]])
        new_visits += [[code, *visit[1:]] for visit in visits_of[row[0]]]
    new_controls = [
        [f"C{i + 1:0{width}d}", *controls[source][1:]]
        for i, source in enumerate(rng.integers(len(controls), size=n_patients))
    ]
    directory.mkdir(parents=True, exist_ok=True)
    _write(directory / "patients.csv", p_header, new_patients)
    _write(directory / "visits.csv", v_header, new_visits)
    _write(directory / "controls.csv", c_header, new_controls)
    return directory


def _timed(function, *args):
    start, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    _CPU.append(time.process_time() - cpu)
    return result, time.perf_counter() - start


_CPU: list[float] = []  # processor seconds of each timed call: less sensitive to a busy machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="32,3000,100000", help="comma-separated numbers of patients")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    print(f"{'patients':>9} {'validate s':>11} {'load s':>8} {'evaluate s':>11} {'total s':>8} {'cpu s':>7}  warnings")
    with tempfile.TemporaryDirectory() as temporary:
        for size in sizes:
            directory = synthetic_cohort(Path(temporary) / str(size), size, args.seed)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                problems, t_validate = _timed(validate, directory)
                dataset, t_load = _timed(load, directory)
                _, t_evaluate = _timed(evaluate, dataset)
            total, cpu = t_validate + t_load + t_evaluate, sum(_CPU[-3:])
            note = f"{len(caught)}" + (f"; {len(problems)} problems" if problems else "")
            print(
                f"{size:>9,} {t_validate:>11.2f} {t_load:>8.2f} {t_evaluate:>11.2f} {total:>8.2f} {cpu:>7.2f}  {note}"
            )


if __name__ == "__main__":
    main()
