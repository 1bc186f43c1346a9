"""Check that a release tag agrees with the project's one version, and write its release notes.

A tag vX.Y.Z may be released only when pyproject.toml's version is X.Y.Z, CITATION.cff carries
the same version and a date-released, and CHANGELOG.md has a section "## [X.Y.Z] - YYYY-MM-DD" of
that date. The section's text becomes the GitHub release's notes.

Usage: python tools/check_release.py --tag vX.Y.Z [--notes FILE]
Exit status 0 when they agree (notes written), 1 with one line per disagreement.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SECTION = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$", re.MULTILINE)


def changelog_section(changelog: str, version: str) -> tuple[str | None, str | None]:
    """(date, text) of the section of `version` in a keep-a-changelog file; (None, None) if absent."""
    matches = list(SECTION.finditer(changelog))
    for i, match in enumerate(matches):
        if match["version"] == version:
            end = matches[i + 1].start() if i + 1 < len(matches) else len(changelog)
            body = changelog[match.end() : end]
            body = re.split(r"^\[[^\]]+\]:", body, flags=re.MULTILINE)[0]  # drop link definitions
            return match["date"], body.strip()
    return None, None


def problems(tag: str, pyproject: str, citation: str, changelog: str) -> tuple[list[str], str]:
    """Every disagreement between the tag and the three files, and the release notes."""
    found = []
    version = tomllib.loads(pyproject)["project"]["version"]
    if tag != f"v{version}":
        found.append(f"tag {tag} is not v + pyproject.toml's version ({version})")
    cff = yaml.safe_load(citation)
    if str(cff.get("version")) != version:
        found.append(f"CITATION.cff version {cff.get('version')} is not {version}")
    released = cff.get("date-released")
    if not released:
        found.append("CITATION.cff has no date-released")
    date, notes = changelog_section(changelog, version)
    if notes is None:
        found.append(f"CHANGELOG.md has no section [{version}]")
    elif not date:
        found.append(f"CHANGELOG.md section [{version}] has no date")
    elif released and str(released) != date:
        found.append(f"CHANGELOG.md dates {version} {date}, CITATION.cff {released}")
    elif not notes:
        found.append(f"CHANGELOG.md section [{version}] is empty")
    return found, notes or ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tag", required=True)
    parser.add_argument("--notes", type=Path)
    args = parser.parse_args(argv)
    found, notes = problems(
        args.tag,
        (ROOT / "pyproject.toml").read_text(),
        (ROOT / "CITATION.cff").read_text(),
        (ROOT / "CHANGELOG.md").read_text(),
    )
    for problem in found:
        print(f"check_release: {problem}")
    if found:
        return 1
    if args.notes:
        args.notes.write_text(notes + "\n")
    print(f"check_release: ok: {args.tag} agrees with pyproject.toml, CITATION.cff and CHANGELOG.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
