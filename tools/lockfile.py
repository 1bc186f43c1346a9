"""Read the hashed lock (requirements.txt, written by `uv pip compile`) and write what .venv installs.

The lock is compiled from pyproject.toml by `make lock`. It pins every package of the book's
environment with its sha256 hashes, for every platform (entries for one platform carry a marker).
`make venv` installs it with ``pip install --require-hashes --no-deps``, less the packages named in
pyproject.toml's ``[tool.tacmg.venv] skip`` (locked so that a plain ``pip install -r`` works, but
not wanted in .venv; the reason is written beside that list).

    python tools/lockfile.py venv-requirements requirements.txt > .venv/requirements-venv.txt
    python tools/lockfile.py uv-requirement requirements.txt     # just uv's entry (make lock)
    python tools/lockfile.py runtime-requirements requirements.txt  # what Binder installs (postBuild)

The runtime environment (Binder, conda) is the package's dependencies and its ``book`` extra (the
book, JupyterLab and its extensions) with everything they pull in, and no test or developer tool.
It is read from the same lock, through the ``# via`` comments uv writes under each pin, so Binder
runs the versions that were tested without a second lock to keep in step.

Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)\s*(?:;\s*(?P<marker>[^\\]+?))?\s*\\?$")
HASH = re.compile(r"^\s+--hash=(?P<hash>sha256:[0-9a-f]{64})\s*\\?$")


def normalize(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Entry:
    """One pinned package of the lock: its lines as written, name, version, marker and hashes."""

    name: str
    version: str
    marker: str | None
    hashes: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return normalize(self.name)


def parse(text: str) -> tuple[list[str], list[Entry]]:
    """(header comment lines, entries) of a lock; raises ValueError on a line it cannot read."""
    header: list[str] = []
    entries: list[Entry] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        pin = PIN.match(line)
        if pin:
            entries.append(Entry(pin["name"], pin["version"], (pin["marker"] or "").strip() or None, lines=[line]))
            continue
        if line.lstrip().startswith("#"):
            (entries[-1].lines if entries else header).append(line)
            continue
        hashed = HASH.match(line)
        if hashed and entries:
            entries[-1].hashes.append(hashed["hash"])
            entries[-1].lines.append(line)
            continue
        raise ValueError(f"line {number} is not a pin, a hash or a comment: {line!r}")
    return header, entries


def read(path: Path) -> tuple[list[str], list[Entry]]:
    return parse(Path(path).read_text())


def venv_skip(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """Locked packages that `make venv` does not install ([tool.tacmg.venv] skip)."""
    config = tomllib.loads(Path(pyproject).read_text())
    return list(config.get("tool", {}).get("tacmg", {}).get("venv", {}).get("skip", []))


def without(entries: list[Entry], skip: list[str]) -> list[Entry]:
    """The entries less those named in `skip`; a name in `skip` that the lock lacks is an error."""
    wanted = {normalize(name) for name in skip}
    missing = wanted - {e.key for e in entries}
    if missing:
        raise ValueError(f"[tool.tacmg.venv] skip names packages the lock does not have: {sorted(missing)}")
    return [e for e in entries if e.key not in wanted]


def parents(entry: Entry) -> set[str]:
    """The packages uv names under ``# via`` for `entry` (the project itself as ``tacmg``)."""
    names: set[str] = set()
    via = False
    for line in entry.lines[1:]:
        text = line.strip().lstrip("#").strip()
        if not line.lstrip().startswith("#"):
            continue
        if text.startswith("via"):
            via, text = True, text.removeprefix("via").strip()
        if via and text:
            names.add(normalize(text.split(" (")[0]))
    return names


def runtime(entries: list[Entry], pyproject: Path = ROOT / "pyproject.toml") -> list[Entry]:
    """The entries that the package's dependencies and its ``book`` extra need, and nothing else.

    A pin is kept when pyproject.toml declares it there or when a kept pin needs it (uv's ``via``).
    """
    project = tomllib.loads(Path(pyproject).read_text())["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["book"]]
    kept = {normalize(re.split(r"[\s\[<>=!~;]", text, maxsplit=1)[0]) for text in declared}
    changed = True
    while changed:
        changed = False
        for entry in entries:
            if entry.key not in kept and parents(entry) & kept:
                kept.add(entry.key)
                changed = True
    return [e for e in entries if e.key in kept]


def render(entries: list[Entry], header: list[str] | None = None) -> str:
    return "\n".join([*(header or []), *(line for e in entries for line in e.lines)]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["venv-requirements", "uv-requirement", "runtime-requirements"])
    parser.add_argument("lock", type=Path)
    parser.add_argument("--pyproject", type=Path, default=ROOT / "pyproject.toml")
    args = parser.parse_args(argv)
    try:
        _, entries = read(args.lock)
        if args.command == "venv-requirements":
            skip = venv_skip(args.pyproject)
            header = [f"# {args.lock} less {', '.join(skip)} ([tool.tacmg.venv] skip in pyproject.toml)"]
            sys.stdout.write(render(without(entries, skip), header))
        elif args.command == "runtime-requirements":
            skip = venv_skip(args.pyproject)
            header = [f"# {args.lock}: the package and its book extra, less {', '.join(skip)} (tools/lockfile.py)"]
            kept = runtime(without(entries, skip), args.pyproject)
            sys.stdout.write(render(kept, header))
        else:
            uv = [e for e in entries if e.key == "uv"]
            if not uv:
                raise ValueError(f"{args.lock} pins no uv")
            sys.stdout.write(render(uv))
    except (OSError, ValueError) as error:
        print(f"lockfile: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
