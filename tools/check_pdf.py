"""Check the PDF build: every chart drawn, every data banner kept, no output left as raw text.

Counts, in the executed pages of this build, the Altair charts and the
reconstructed-data banners the pages show, and checks that the LaTeX source has as many chart
images (``charts/*.pdf`` from tools/latex_outputs_ext.py) and banner admonitions, and no chart
that fell back to its Python text form. It is a reader's PDF: no API reference entries (autodoc
signatures), no web-only wording ("hover"), no CJK text (the PDF's fonts have no CJK glyphs, so it
would print blank). Then reports the PDF's pages and size.

Usage: python tools/check_pdf.py [--build _build]
Exit status 0 when all is well, 1 with one line per problem.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALTAIR = re.compile(r'<div id="altair-viz-[0-9a-f]+"')
BANNER = re.compile(r'<div class="admonition [^"]*tacmg-banner"><p class="admonition-title">([^<]+)</p>')
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
CHART_REPR = re.compile(r"alt\.(?:[A-Za-z]*Chart|hconcat|vconcat|layer)\(")


def expected_outputs(build: Path) -> tuple[int, list[str]]:
    """(number of charts, titles of the banners) the book's executed pages show.

    Read from the notebooks MyST-NB executed for this build (``_build/jupyter_execute``): what the
    build rendered, independent of the LaTeX conversion.
    """
    import json

    charts, banners = 0, []
    for executed in sorted((build / "jupyter_execute").rglob("*.ipynb")):
        for cell in json.loads(executed.read_text()).get("cells", []):
            for output in cell.get("outputs", []):
                page = output.get("data", {}).get("text/html", "")
                page = "".join(page) if isinstance(page, list) else page
                charts += bool(ALTAIR.search(page))
                banners += BANNER.findall(page)
    if not charts:
        raise SystemExit(f"check_pdf: no executed chapter with a chart under {build / 'jupyter_execute'}: run make pdf")
    return charts, banners


def check(tex: str, charts: int, banners: list[str]) -> list[str]:
    problems = []
    drawn = len(re.findall(r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{\{charts/chart-[0-9a-f]+\}\.pdf\}", tex))
    if drawn != charts:
        problems.append(f"{charts} chart(s) in the executed chapters, {drawn} drawn in the LaTeX source")
    for title in sorted(set(banners)):
        kept = tex.count(f"\\begin{{sphinxadmonition}}{{note}}{{{title}}}")
        if kept != banners.count(title):
            problems.append(f"{banners.count(title)} '{title}' banner(s) in the chapters, {kept} in the LaTeX source")
    if CHART_REPR.search(tex) and charts:
        problems.append("a chart appears as its Python text form")
    if "altair-viz" in tex:
        problems.append("raw Altair HTML reached the LaTeX source")
    macros = ("pysiglinewithargsret", "pysigline{", "pysigwithonelineperarg")
    signatures = sum(tex.count(f"\\{macro}") for macro in macros)
    if signatures:
        problems.append(f"{signatures} API reference signature(s) in the LaTeX source: the reference is web-only")
    if re.search(r"\bhover", tex, re.IGNORECASE):
        problems.append("web-only wording in the LaTeX source: 'hover'")
    cjk = sorted(set(CJK.findall(tex)))
    if cjk:
        problems.append(f"CJK text the PDF's fonts cannot show: {''.join(cjk[:12])}")
    return problems


def pdf_summary(pdf: Path) -> str:
    size = f"{pdf.stat().st_size / 1e6:.1f} MB"
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False).stdout
        pages = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
        if pages:
            return f"{pages[1]} pages, {size}"
    return size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "_build")
    args = parser.parse_args(argv)
    tex_path, pdf = args.build / "latex" / "book.tex", args.build / "latex" / "book.pdf"
    if not tex_path.is_file() or not pdf.is_file():
        print(f"check_pdf: no {tex_path} or {pdf}: run make pdf", file=sys.stderr)
        return 1
    charts, banners = expected_outputs(args.build)
    problems = check(tex_path.read_text(), charts, banners)
    for problem in problems:
        print(f"check_pdf: {problem}")
    if problems:
        return 1
    print(f"check_pdf: ok: {charts} chart(s) drawn, {len(banners)} data banner(s) kept; {pdf}: {pdf_summary(pdf)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
