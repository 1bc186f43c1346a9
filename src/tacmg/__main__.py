"""Command line: reconstruct a cohort, validate a dataset, evaluate the claims on it.

python -m tacmg reconstruct --seed N --out DIR [--condition-on descriptive|all|ID,ID...]
python -m tacmg validate DIR        (exit 0 if valid, 1 with one line per problem; warnings and notes
                                     do not change the exit code; DIR may be an .xlsx workbook)
python -m tacmg evaluate DIR        (the claims table; exit 0 whatever the verdicts)
python -m tacmg template DIR [--force]  (header-only CSVs to fill in; never replaces filled-in files
                                     without --force, never writes beside a workbook)
python -m tacmg rules               (every rule the validator applies)
python -m tacmg ensembles [--quiet]  (compute and store every ensemble the chapters read; what is
                                     stored for the current inputs is kept)
"""

from __future__ import annotations

import argparse
import sys

from tacmg.claims.registry import ClaimsError, load_claims
from tacmg.data.loader import DataError, check, load


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
    rec.add_argument("--seed", type=int, default=None, help="random seed (default: the article's e-publication date)")
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
    tpl.add_argument("--force", action="store_true", help="replace CSV files that already hold data")
    commands.add_parser("rules", help="list every rule the validator applies")
    ens = commands.add_parser("ensembles", help="compute the ensembles the chapters read (the build step)")
    ens.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    try:
        if args.command == "reconstruct":
            # Imported here: the reconstruction needs scipy.stats, which validate and template do not.
            from tacmg.reconstruction.reconstruct import DEFAULT_SEED, reconstruct

            args.seed = DEFAULT_SEED if args.seed is None else args.seed
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
            report = check(args.directory)
            for problem in report.problems:
                print(problem)
            for line in report.notes:
                print(f"note: {line}")
            for line in report.warnings:
                print(f"warning: {line}")
            if report.valid:
                print(f"{args.directory}: valid ({report.summary})")
            return 0 if report.valid else 1
        if args.command == "template":
            from tacmg.data.tables import write_template

            for path in write_template(args.directory, force=args.force):
                print(f"wrote {path}")
            return 0
        if args.command == "rules":
            from tacmg.data.rules import rules_table

            for kind, applies_to, rule in rules_table().itertuples(index=False):
                print(f"{kind:<8} {applies_to}: {rule}")
            return 0
        if args.command == "ensembles":
            from tacmg.ensembles import build

            seconds = build(progress=not args.quiet)
            print("ensembles: " + ", ".join(f"{part} {s:.1f} s" for part, s in seconds.items()))
            return 0
        if args.command == "evaluate":
            from tacmg.claims.evaluate import evaluate

            table = evaluate(load(args.directory))
            print(table[["claim_id", "published", "observed", "verdict"]].to_string(index=False))
            return 0
    except (DataError, ClaimsError, FileExistsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
