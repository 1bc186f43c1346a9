"""Write _vendor/vega-bundle.js so the book's Altair charts render without a CDN.

One file holds the libraries and Altair's version claim (`tacmg.presentation.vega_bundle.build_bundle`);
tools/page_assets_ext.py serves it as ``_static/vega-bundle.js`` and loads it on the pages that
show a chart (it is kept out of ``_static/``, whose every script Jupyter Book 1.x puts on every
page). The file is rewritten only when its content changes, so an unchanged rebuild does not see a
new file.

Usage: python tools/vendor_vega.py [--output _vendor/vega-bundle.js]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tacmg.presentation.vega_bundle import build_bundle

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "_vendor" / "vega-bundle.js"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    try:
        text = build_bundle()
    except RuntimeError as problem:
        raise SystemExit(f"vendor_vega: {problem}") from None
    output: Path = args.output
    if output.exists() and output.read_text(encoding="utf-8") == text:
        os.utime(output)  # up to date: mark it so, for make
        print(f"vendor_vega: {output} is up to date")
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"vendor_vega: wrote {output} ({len(text) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
