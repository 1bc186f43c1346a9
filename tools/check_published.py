"""Check what the built book says about itself: footer, About page, downloads.

Every content page of ``_build/html`` must carry the footer of tools/publication_ext.py, naming
the version in pyproject.toml, the commit checked out now, the dataset and the three licences; the
About page must show the same version; every chapter (a page built from ``notebooks/*.md``) must
offer its executed ``.ipynb`` and its ``.md`` source for download, and both files must be there.

Usage: python tools/check_published.py [--html _build/html]
Exit status 0 when all is well, 1 with one line per problem, 2 when there is no built book.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tomllib
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOOTER = re.compile(r'<p class="tacmg-build-facts">(.*?)</p>', re.DOTALL)


class _Links(HTMLParser):
    """Collect the href of every <a> whose class list contains one of `wanted`."""

    def __init__(self, wanted: set[str]):
        super().__init__()
        self.wanted = wanted
        self.found: dict[str, str | None] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        for name in self.wanted & {c.removeprefix("btn-") for c in classes}:
            self.found[name] = attrs.get("href")


def expected() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)
    return {
        "version": config["project"]["version"],
        "commit": head.stdout.strip()[:12] if head.returncode == 0 else "unknown",
        "licences": [lic["spdx"] for lic in config["tool"]["tacmg"]["licenses"].values()],
    }


def check_footer(page: str, want: dict) -> list[str]:
    match = FOOTER.search(page)
    if not match:
        return ["no build-facts footer"]
    text = re.sub(r"<[^>]+>", "", match.group(1))
    problems = []
    if f"tacmg {want['version']} " not in text:
        problems.append(f"footer does not name version {want['version']}: {text!r}")
    if f"commit {want['commit']}" not in text:
        problems.append(f"footer does not name commit {want['commit']}: {text!r}")
    if not re.search(r"on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", text):
        problems.append("footer does not say when the page was built")
    if not re.search(r"seed \d+|sha256 [0-9a-f]{12}", text):
        problems.append("footer does not identify the data (seed or checksum)")
    for spdx in want["licences"]:
        if spdx not in text:
            problems.append(f"footer does not name the licence {spdx}")
    return problems


def check_downloads(page: str, html_dir: Path, relative: Path) -> list[str]:
    links = _Links({"download-notebook-button", "download-source-button"})
    links.feed(page)
    problems = []
    for name, suffix in (("download-notebook-button", ".ipynb"), ("download-source-button", ".md")):
        href = links.found.get(name)
        if not href:
            problems.append(f"no {suffix} download")
            continue
        target = (html_dir / relative.parent / href).resolve()
        if target.suffix != suffix or not target.is_file():
            problems.append(f"{suffix} download points at {href}, which is not a built {suffix} file")
        elif suffix == ".ipynb":
            notebook = json.loads(target.read_text())
            if not any(cell.get("outputs") for cell in notebook.get("cells", [])):
                problems.append(f"{href} has no outputs: not the executed notebook")
    return problems


def check(html_dir: Path) -> list[str]:
    want = expected()
    problems = []
    skipped = {"genindex.html", "search.html"}
    pages = sorted(
        p
        for p in html_dir.rglob("*.html")
        if not p.relative_to(html_dir).parts[0].startswith("_") and p.name not in skipped
    )
    # Jupyter Book's index.html only redirects to the root page.
    content = [p for p in pages if not re.search(r'http-equiv="refresh"', p.read_text(), re.IGNORECASE)]
    if not content:
        return [f"{html_dir}: no pages"]
    for path in content:
        relative = path.relative_to(html_dir)
        page = path.read_text()
        found = check_footer(page, want)
        if relative.parts[0] == "notebooks" and (ROOT / relative.with_suffix(".md")).exists():
            found += check_downloads(page, html_dir, relative)
        problems += [f"{relative}: {p}" for p in found]
    about = html_dir / "book" / "about.html"
    if not about.is_file():
        problems.append("book/about.html: missing")
    elif f"tacmg {want['version']}" not in re.sub(r"<[^>]+>", "", about.read_text()):
        problems.append(f"book/about.html: does not name tacmg {want['version']}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    args = parser.parse_args(argv)
    if not (args.html / "index.html").is_file():
        print(f"check_published: no built book in {args.html}: run make book first", file=sys.stderr)
        return 2
    problems = check(args.html)
    for problem in problems:
        print(f"check_published: {problem}")
    if problems:
        return 1
    print(
        f"check_published: ok: every page of {args.html} names version {expected()['version']}, "
        f"its commit, data and licences; every chapter offers its executed .ipynb and its .md"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
