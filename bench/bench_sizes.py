"""Benchmark: validate, load and evaluate times of a dataset of 32, 3,000 and 100,000 patients,
complete and with gaps.

Goals at 100,000 patients with gaps: validate, load and evaluate in one process in at most 15
processor seconds, and ``python -m tacmg validate DIR && python -m tacmg evaluate DIR`` in at most
25 s of wall time. Printed per size and kind of cohort: wall-clock seconds of each step, the processor
seconds of the three together (the better figure on a shared machine, which a busy neighbour
disturbs less) and, with ``--cli``, the wall and child-processor seconds of the two commands.

The cohorts are made here, in a temporary folder, by drawing patients (with both their visits) and
controls with replacement from the committed reconstruction and giving them new codes. "With gaps"
then blanks `GAP_SHARE` of the cells that may be missing (written in each of the contract's missing
spellings in turn) and removes the month-12 row of `DROPOUT_SHARE` of the patients. Nothing is
written to the repository. Prints its figures; asserts nothing.

    python bench/bench_sizes.py [--sizes 32,3000,100000] [--seed 1] [--kinds complete,gaps] [--cli]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from tacmg.claims.evaluate import evaluate
from tacmg.data.contract import MISSING_VALUES, TABLES, VISITS
from tacmg.data.loader import load, validate
from tacmg.data.paths import RECONSTRUCTED_DIR

GAP_SHARE = 0.10  # of the cells that may be missing
DROPOUT_SHARE = 0.05  # of the patients: no month-12 row


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _blank_cells(name: str, header: list[str], rows: list[list[str]], rng: np.random.Generator) -> None:
    """Blank `GAP_SHARE` of the cells of the columns that may be missing, in place."""
    optional = [header.index(c.name) for c in TABLES[name].columns if not c.required]
    if not rows or not optional:
        return
    hits = np.argwhere(rng.random((len(rows), len(optional))) < GAP_SHARE)
    for count, (row, column) in enumerate(hits):
        rows[row][optional[column]] = MISSING_VALUES[count % len(MISSING_VALUES)]


def synthetic_cohort(directory: Path, n_patients: int, seed: int, gaps: bool = False) -> Path:
    """Write a cohort of `n_patients` patients (and as many controls) drawn from the reconstruction.

    With `gaps`, `GAP_SHARE` of the optional cells are blank and `DROPOUT_SHARE` of the patients
    have no month-12 row.
    """
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
    if gaps:
        gap_rng = np.random.default_rng([seed, 1])
        dropped = {new_patients[i][0] for i in np.flatnonzero(gap_rng.random(n_patients) < DROPOUT_SHARE)}
        new_visits = [row for row in new_visits if not (row[1] == VISITS[-1] and row[0] in dropped)]
        for name, header, rows in (
            ("patients", p_header, new_patients),
            ("visits", v_header, new_visits),
            ("controls", c_header, new_controls),
        ):
            _blank_cells(name, header, rows, gap_rng)
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def command_line(directory: Path) -> tuple[float, float, bool]:
    """(wall s, processor s, success) of ``validate DIR && evaluate DIR``, each a new process."""
    environment = {**os.environ, "PYTHONWARNINGS": "ignore"}
    start, cpu = time.perf_counter(), _children_cpu()
    ok = True
    for command in ("validate", "evaluate"):
        result = subprocess.run(
            [sys.executable, "-m", "tacmg", command, str(directory)], capture_output=True, env=environment
        )
        if result.returncode != 0:
            ok = False
            break
    return time.perf_counter() - start, _children_cpu() - cpu, ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="32,3000,100000", help="comma-separated numbers of patients")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", default="complete,gaps", help="complete, gaps or both (comma-separated)")
    parser.add_argument("--cli", action="store_true", help="also time validate && evaluate on the command line")
    args = parser.parse_args()
    sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    kinds = [part.strip() for part in args.kinds.split(",") if part.strip()]
    header = f"{'patients':>9} {'kind':>8} {'validate s':>11} {'load s':>8} {'evaluate s':>11} {'total s':>8}"
    header += f" {'cpu s':>7}" + (f" {'cli wall s':>11} {'cli cpu s':>10}" if args.cli else "") + "  warnings"
    print(header, flush=True)
    with tempfile.TemporaryDirectory() as temporary:
        for size in sizes:
            for kind in kinds:
                directory = synthetic_cohort(Path(temporary) / f"{size}-{kind}", size, args.seed, kind == "gaps")
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    problems, t_validate = _timed(validate, directory)
                    dataset, t_load = _timed(load, directory)
                    _, t_evaluate = _timed(evaluate, dataset)
                del dataset
                total, cpu = t_validate + t_load + t_evaluate, sum(_CPU[-3:])
                line = f"{size:>9,} {kind:>8} {t_validate:>11.2f} {t_load:>8.2f} {t_evaluate:>11.2f} {total:>8.2f}"
                line += f" {cpu:>7.2f}"
                if args.cli:
                    wall, cli_cpu, ok = command_line(directory)
                    line += f" {wall:>11.2f} {cli_cpu:>10.2f}" + ("" if ok else " (failed)")
                note = f"{len(caught)}" + (f"; {len(problems)} problems" if problems else "")
                print(f"{line}  {note}", flush=True)


if __name__ == "__main__":
    main()
