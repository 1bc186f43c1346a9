"""Benchmark: the reconstruction intervals from scratch (goal: at most 60 s on a 2-core machine).

Draws the two ensembles behind the intervals (the cohorts meeting every claim the committed cohort
was conditioned on, and those meeting the descriptive claims only) and runs every chapter's number
function (chapters 01-07) on every cohort of both, without the disk cache. Prints its figures;
asserts nothing.

    python bench/bench_intervals.py [--size 1000] [--descriptive-size 400] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import time
from functools import partial

from tacmg import load
from tacmg.analyses import reconstruction_intervals as ri
from tacmg.claims.registry import load_claims
from tacmg.data.paths import RECONSTRUCTED_DIR
from tacmg.presentation import chapter_numbers
from tacmg.presentation.intervals import FlatNumbers
from tacmg.reconstruction.generator import generate

CHAPTERS = {
    "01 cohort": chapter_numbers.cohort_numbers,
    "02 clinical scores": chapter_numbers.score_numbers,
    "03 prednisone": chapter_numbers.prednisone_numbers,
    "04 status": chapter_numbers.status_numbers,
    "05 molecules vs controls": chapter_numbers.vs_controls_numbers,
    "06 molecule change": chapter_numbers.change_numbers,
    "07 correlations": chapter_numbers.correlation_numbers,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=ri.ENSEMBLE_SIZE)
    parser.add_argument("--descriptive-size", type=int, default=ri.DESCRIPTIVE_SIZE)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    provenance = load(RECONSTRUCTED_DIR).provenance or {}
    seed, conditioned_on = int(provenance["seed"]), tuple(provenance["claims_conditioned_on"])
    descriptive = tuple(c.id for c in load_claims().select(kind="descriptive"))

    start = time.perf_counter()
    main_ensemble = generate(seed, args.size, conditioned_on, chunk_size=ri.CHUNK_SIZE, workers=args.workers)
    drawn = time.perf_counter()
    loose = generate(seed, args.descriptive_size, descriptive, chunk_size=ri.CHUNK_SIZE, workers=args.workers)
    generated = time.perf_counter()
    print(
        f"conditioned ensemble:  {args.size} cohorts from {main_ensemble.candidates:,} candidates "
        f"(acceptance {main_ensemble.acceptance_rate:.1%}) in {drawn - start:.1f} s"
    )
    print(f"descriptive ensemble:  {args.descriptive_size} cohorts in {generated - drawn:.1f} s")
    evaluate_total = 0.0
    for label, numbers in CHAPTERS.items():
        t0 = time.perf_counter()
        measure = FlatNumbers(partial(numbers))
        a = ri.measure_across(measure, main_ensemble.cohorts, args.workers)
        b = ri.measure_across(measure, loose.cohorts, args.workers)
        table = ri.interval_table(a, b, assumed=set(chapter_numbers.SET_BY_PRIORS))  # as the chapters class them
        elapsed = time.perf_counter() - t0
        evaluate_total += elapsed
        classes = table["number_class"].value_counts().to_dict()
        print(f"  {label:<26} {len(table):>4} numbers in {elapsed:5.1f} s  {classes}")
    total = time.perf_counter() - start
    print(f"numbers evaluated:     {evaluate_total:.1f} s over {args.size + args.descriptive_size} cohorts")
    print(f"total:                 {total:.1f} s (goal: at most 60 s), workers: {args.workers}")


if __name__ == "__main__":
    main()
