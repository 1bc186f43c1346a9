"""Benchmark: the reconstruction intervals from scratch (goal: at most 30 s on a 2-core machine).

Draws the two ensembles behind the intervals (the cohorts meeting every claim the committed cohort
was conditioned on, and those meeting the descriptive claims only), then computes every chapter's
numbers (chapters 01-07) on every cohort of both, batched over cohorts
(`tacmg.analyses.ensemble_numbers.numbers_across`), and their interval table, without the disk
cache. With ``--reference``, also times the chapters' own per-cohort functions (a dataset rebuilt per
cohort, `tacmg.presentation.chapter_numbers`, the path the intervals took before) on the first
``--reference-size`` cohorts, and extrapolates them to the whole ensembles for comparison.

The machine is shared, so beside wall-clock times it prints CPU times: this process's, and that of
the worker processes drawing the ensembles. Prints its figures; asserts nothing.

    python bench/bench_intervals.py [--size 1000] [--descriptive-size 400] [--workers 2]
                                    [--reference] [--reference-size 20]
"""

from __future__ import annotations

import argparse
import os
import time

from tacmg import load
from tacmg.analyses import interval_classes as ic
from tacmg.analyses import reconstruction_intervals as ri
from tacmg.analyses.ensemble_numbers import numbers_across
from tacmg.claims.registry import load_claims
from tacmg.data.paths import RECONSTRUCTED_DIR
from tacmg.data.tables import cohort_dataset
from tacmg.presentation import chapter_numbers
from tacmg.presentation.intervals import FlatNumbers
from tacmg.reconstruction.generator import generate


class Clock:
    """Wall-clock and CPU seconds since it was made: this process's, and its finished children's."""

    def __init__(self) -> None:
        self.wall, self.cpu, self.children = time.perf_counter(), time.process_time(), self._children()

    @staticmethod
    def _children() -> float:
        t = os.times()
        return t.children_user + t.children_system

    def read(self) -> tuple[float, float, float]:
        return (
            time.perf_counter() - self.wall,
            time.process_time() - self.cpu,
            self._children() - self.children,
        )

    def text(self) -> str:
        wall, cpu, children = self.read()
        workers = f" + {children:.1f} s in workers" if children > 0.05 else ""
        return f"{wall:5.1f} s (CPU {cpu:.1f} s{workers})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=ri.ENSEMBLE_SIZE)
    parser.add_argument("--descriptive-size", type=int, default=ri.DESCRIPTIVE_SIZE)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--reference", action="store_true", help="also time the per-cohort chapter functions")
    parser.add_argument("--reference-size", type=int, default=20, help="cohorts of each ensemble for --reference")
    args = parser.parse_args()
    provenance = load(RECONSTRUCTED_DIR).provenance or {}
    seed, conditioned_on = int(provenance["seed"]), tuple(provenance["claims_conditioned_on"])
    descriptive = tuple(c.id for c in load_claims().select(kind="descriptive"))

    total = Clock()
    clock = Clock()
    main_ensemble = generate(seed, args.size, conditioned_on, chunk_size=ri.CHUNK_SIZE, workers=args.workers)
    print(
        f"conditioned ensemble:  {args.size} cohorts from {main_ensemble.candidates:,} candidates "
        f"(acceptance {main_ensemble.acceptance_rate:.1%}) in {clock.text()}"
    )
    clock = Clock()
    loose = generate(seed, args.descriptive_size, descriptive, chunk_size=ri.CHUNK_SIZE, workers=args.workers)
    print(f"descriptive ensemble:  {args.descriptive_size} cohorts in {clock.text()}")
    drawn = total.read()[0]

    cohorts = args.size + args.descriptive_size
    numbers_clock = Clock()
    for chapter in chapter_numbers.CHAPTER_FUNCTIONS:
        clock = Clock()
        a = numbers_across(chapter, main_ensemble.cohorts)
        b = numbers_across(chapter, loose.cohorts)
        table = ic.interval_table(a, b, assumed=set(chapter_numbers.SET_BY_PRIORS))  # as the chapters class them
        classes = table["number_class"].value_counts().to_dict()
        print(f"  {chapter:<28} {len(table):>4} numbers in {clock.text()}  {classes}")
    numbers_wall, numbers_cpu, _ = numbers_clock.read()
    print(
        f"numbers, batched:      {numbers_wall:.1f} s (CPU {numbers_cpu:.1f} s) over {cohorts} cohorts, "
        f"{1000 * numbers_wall / cohorts:.2f} ms a cohort"
    )
    print(f"total:                 {total.text()} (goal: at most 30 s; drawing {drawn:.1f} s), workers: {args.workers}")

    if args.reference:
        k = args.reference_size
        print(f"reference: the chapters' per-cohort functions on {k} cohorts of each ensemble, extrapolated")
        reference_wall = reference_cpu = 0.0
        for chapter, function in chapter_numbers.CHAPTER_FUNCTIONS.items():
            measure = FlatNumbers(function)
            clock = Clock()
            for ensemble in (main_ensemble.cohorts, loose.cohorts):
                for i in range(min(k, ensemble.size)):
                    measure(cohort_dataset(ensemble, i))
            wall, cpu, _ = clock.read()
            measured = min(k, args.size) + min(k, args.descriptive_size)
            per_cohort = wall / measured
            reference_wall += per_cohort * cohorts
            reference_cpu += cpu / measured * cohorts
            print(
                f"  {chapter:<28} {1000 * per_cohort:6.1f} ms a cohort (CPU {1000 * cpu / measured:.1f} ms), "
                f"about {per_cohort * cohorts:5.1f} s for {cohorts} cohorts"
            )
        print(
            f"numbers, per cohort:   about {reference_wall:.0f} s (CPU {reference_cpu:.0f} s) over {cohorts} cohorts "
            f"in one process, against {numbers_wall:.1f} s (CPU {numbers_cpu:.1f} s) batched: "
            f"{reference_wall / numbers_wall:.0f} times faster ({reference_cpu / numbers_cpu:.0f} times in CPU time)"
        )


if __name__ == "__main__":
    main()
