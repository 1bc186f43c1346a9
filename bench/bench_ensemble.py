"""Benchmark: cohorts generated and fully evaluated per second (goal: 10,000 in at most 30 s).

Generates an ensemble conditioned on the descriptive claims only (as the robustness chapter does)
and evaluates every claim of the registry on every accepted cohort, using both cores.
Prints its figures; asserts nothing.

    python bench/bench_ensemble.py [--cohorts 10000] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import time

from tacmg.claims.registry import load_claims
from tacmg.reconstruction.generator import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cohorts", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--chunk-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    registry = load_claims()
    start = time.perf_counter()
    ensemble = generate(
        args.seed,
        args.cohorts,
        registry.select(kind="descriptive"),
        evaluate="all",
        chunk_size=args.chunk_size,
        workers=args.workers,
    )
    elapsed = time.perf_counter() - start
    n, k = ensemble.holds.shape
    print(f"cohorts accepted:          {n}")
    print(f"candidates drawn:          {ensemble.candidates} (acceptance {ensemble.acceptance_rate:.1%})")
    print(f"claims evaluated per cohort: {k}")
    print(f"workers:                   {args.workers}")
    print(f"wall time:                 {elapsed:.2f} s (goal: at most 30 s for 10,000)")
    print(f"cohorts per second:        {n / elapsed:,.0f} generated and fully evaluated")


if __name__ == "__main__":
    main()
