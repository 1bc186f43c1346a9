"""Command line: reconstruct a cohort, validate a dataset, evaluate the claims on it.

python -m tacmg reconstruct --seed N --out DIR [--condition-on descriptive|all|ID,ID...]
python -m tacmg validate DIR        (exit 0 if valid, 1 with one line per problem)
python -m tacmg evaluate DIR        (the claims table; exit 0 whatever the verdicts)
python -m tacmg template DIR        (header-only CSVs to fill in with your own cohort)
"""

from __future__ import annotations

import argparse
import sys

from tacmg.claims.registry import ClaimsError, load_claims
from tacmg.data.loader import DataError, load, validate
from tacmg.reconstruction.reconstruct import DEFAULT_SEED, reconstruct


def _claim_selection(text: str):
    registry = load_claims()
    if text == "all":
        return None
    if text in ("descriptive", "inferential"):
        return [c.id for c in registry.select(kind=text)]
    return [part.strip() for part in text.split(",") if part.strip()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tacmg", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    rec = commands.add_parser("reconstruct", help="generate a reconstructed dataset")
    rec.add_argument("--seed", type=int, default=DEFAULT_SEED)
    rec.add_argument("--out", required=True, help="directory to write the CSVs and datapackage.json")
    rec.add_argument(
        "--condition-on", default="all", help="'all' (default), 'descriptive', or comma-separated claim ids"
    )
    rec.add_argument("--quiet", action="store_true", help="no progress bar")
    val = commands.add_parser("validate", help="check a dataset against the data contract")
    val.add_argument("directory")
    ev = commands.add_parser("evaluate", help="evaluate every published claim on a dataset")
    ev.add_argument("directory")
    tpl = commands.add_parser("template", help="write header-only CSVs of the data contract")
    tpl.add_argument("directory")
    args = parser.parse_args(argv)
    try:
        if args.command == "reconstruct":
            path = reconstruct(
                args.out,
                args.seed,
                _claim_selection(args.condition_on),
                progress=not args.quiet,
                condition_label=args.condition_on,
            )
            print(f"wrote {path.parent} (seed {args.seed})")
            return 0
        if args.command == "validate":
            problems = validate(args.directory)
            for problem in problems:
                print(problem)
            if not problems:
                print(f"{args.directory}: valid")
            return 1 if problems else 0
        if args.command == "template":
            from tacmg.data.tables import write_template

            for path in write_template(args.directory):
                print(f"wrote {path}")
            return 0
        if args.command == "evaluate":
            from tacmg.claims.evaluate import evaluate

            table = evaluate(load(args.directory))
            print(table[["claim_id", "published", "observed", "verdict"]].to_string(index=False))
            return 0
    except (DataError, ClaimsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
