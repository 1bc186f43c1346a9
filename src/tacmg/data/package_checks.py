"""Whether a dataset's `datapackage.json` describes its CSV files: names, types and hashes.

Private to the data layer. `datapackage.json` is optional. When present, its ``provenance`` is
kept, and each resource is compared with the file it names: the columns (names and types, against
the file's header and the contract) and the recorded ``hash`` (``sha256:<hex>`` of the file's
bytes). A package that disagrees with its files is a warning, not an error, and the data are then
treated as the reader's own: only a package whose every hash matches (``verified``) can make a
dataset count as the reconstruction (`tacmg.presentation.report.is_reconstructed`), so editing
one cell of a copied reconstruction, or copying its provenance, never keeps the label.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tacmg.data.contract import TABLES
from tacmg.data.datapackage import DATAPACKAGE_FILE
from tacmg.data.sources import Problem, RawTable

HASH_ALGORITHM = "sha256"


def file_hash(data: bytes) -> str:
    """The Data Package ``hash`` of a file's bytes: ``sha256:<64 hex digits>``.

    Examples
    --------
    >>> file_hash(b"")[:20]
    'sha256:e3b0c44298fc1'
    """
    return f"{HASH_ALGORITHM}:{hashlib.sha256(data).hexdigest()}"


@dataclass
class PackageCheck:
    """What datapackage.json says and how it compares with the files."""

    provenance: dict[str, Any] | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    verified: bool = False


def _load(path: Path) -> tuple[Any, list[Problem]]:
    try:
        return json.loads(path.read_bytes().decode("utf-8")), []
    except OSError as error:
        return None, [Problem(DATAPACKAGE_FILE, f"cannot be read ({error.strerror or error})")]
    except UnicodeDecodeError:
        return None, [Problem(DATAPACKAGE_FILE, "not valid UTF-8")]
    except json.JSONDecodeError as error:
        return None, [Problem(DATAPACKAGE_FILE, f"not valid JSON ({error.msg})", error.lineno)]


def _field_differences(resource: dict[str, Any], raw: RawTable) -> str | None:
    """Return how the resource's fields differ from the file's header and types, or None."""
    fields = (resource.get("schema") or {}).get("fields")
    if not isinstance(fields, list):
        return None
    names = [f.get("name") for f in fields if isinstance(f, dict)]
    if names != raw.header:
        missing = [name for name in raw.header if name not in names]
        extra = [name for name in names if name not in raw.header]
        detail = f"lacks {', '.join(map(str, missing))}" if missing else f"lists {', '.join(map(str, extra))}"
        return f"its columns differ from the file's header (the package {detail or 'orders them differently'})"
    contract = {column.name: column.type for column in raw.table.columns}
    for f in fields:
        if f.get("name") in contract and f.get("type") != contract[f["name"]]:
            return f"it gives column {f['name']} the type {f.get('type')!r}, the contract {contract[f['name']]!r}"
    return None


def _compare(descriptor: dict[str, Any], raws: dict[str, RawTable]) -> tuple[list[str], bool]:
    """Return (disagreements, every hash recorded and matching)."""
    resources = descriptor.get("resources")
    by_path = {r.get("path"): r for r in resources if isinstance(r, dict)} if isinstance(resources, list) else {}
    found: list[str] = []
    all_match = bool(raws) and len(raws) == len(TABLES)
    for raw in raws.values():
        resource = by_path.get(raw.table.file)
        if resource is None:
            found.append(f"describes no resource for {raw.table.file}")
            all_match = False
            continue
        if difference := _field_differences(resource, raw):
            found.append(f"does not describe {raw.table.file}: {difference}")
        recorded = resource.get("hash")
        if recorded is None:
            all_match = False
        elif recorded != file_hash(raw.data):
            found.append(f"records a {HASH_ALGORITHM} hash for {raw.table.file} that does not match the file")
            all_match = False
    return found, all_match and not found


def read_package(directory: Path, raws: dict[str, RawTable], csv_files: bool) -> PackageCheck:
    """Read `directory`/datapackage.json (if any) and compare it with the tables read.

    Examples
    --------
    >>> read_package(Path("no-such-folder"), {}, True).verified
    False
    """
    path = directory / DATAPACKAGE_FILE
    if not path.exists():
        return PackageCheck()
    descriptor, problems = _load(path)
    if problems:
        return PackageCheck(problems=problems)
    if not isinstance(descriptor, dict):
        return PackageCheck(problems=[Problem(DATAPACKAGE_FILE, "must be a JSON object")])
    provenance = descriptor.get("provenance")
    if provenance is not None and not isinstance(provenance, dict):
        return PackageCheck(problems=[Problem(DATAPACKAGE_FILE, '"provenance" must be a JSON object')])
    check = PackageCheck(provenance)
    if not csv_files:
        text = "describes CSV files, not the workbook read; it is ignored (the data are treated as your own)"
        check.warnings.append(Problem(DATAPACKAGE_FILE, text))
        return check
    disagreements, check.verified = _compare(descriptor, raws) if "resources" in descriptor else ([], False)
    suffix = "; the data are treated as your own, not as the reconstruction"
    check.warnings += [Problem(DATAPACKAGE_FILE, text + suffix) for text in disagreements]
    if not check.verified and not disagreements and (provenance or {}).get("reconstructed"):
        text = "says the data are reconstructed but records no hash of every file" + suffix
        check.warnings.append(Problem(DATAPACKAGE_FILE, text))
    return check
