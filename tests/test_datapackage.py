"""Tests of tacmg.datapackage: the rendered package validates with Frictionless (API and CLI)."""

from __future__ import annotations

import json
import subprocess
import sys

import frictionless
import pytest

from tacmg.data.contract import TABLES
from tacmg.data.datapackage import (
    datapackage_fields_table,
    table_schemas,
    write_datapackage,
)
from tacmg.data.loader import load

PROVENANCE = {
    "reconstructed": True,
    "generator": "tacmg.generate",
    "version": "0.1.0",
    "seed": 20220827,
    "claims": ["qmg_median_baseline", "qmg_median_month_12"],
    "created_by": "python -m tacmg generate --seed 20220827",
}


def _frictionless_cli(path) -> subprocess.CompletedProcess:
    # `python -m frictionless` uses the same environment as the tests, whatever PATH says.
    return subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def package_path(valid_dir):
    return write_datapackage(valid_dir, PROVENANCE)


def test_valid_package_passes_frictionless_api(package_path):
    report = frictionless.validate(str(package_path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_valid_package_passes_frictionless_cli(package_path):
    result = _frictionless_cli(package_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_broken_csv_fails_frictionless(package_path, edit):
    edit.set_cell(package_path.parent, "visits.csv", 2, "qmg", "45")
    edit.set_cell(package_path.parent, "visits.csv", 3, "il2", "0")
    edit.set_cell(package_path.parent, "visits.csv", 4, "patient_id", "P99")
    report = frictionless.validate(str(package_path))
    assert not report.valid
    found = {(row[0], row[1], row[2]) for row in report.flatten(["rowNumber", "fieldName", "type"])}
    assert (2, "qmg", "constraint-error") in found
    assert (3, "il2", "constraint-error") in found
    assert any(kind == "foreign-key" for _, _, kind in found)
    assert _frictionless_cli(package_path).returncode != 0


def test_written_package_is_deterministic(valid_dir, tmp_path, edit):
    first = write_datapackage(valid_dir, PROVENANCE).read_bytes()
    # The same files and provenance with keys in another order give the same bytes.
    reordered = dict(reversed(list(PROVENANCE.items())))
    other = edit.copy(valid_dir, tmp_path / "other")
    second = write_datapackage(other, reordered).read_bytes()
    assert first == second
    assert first.endswith(b"}\n") and not first.endswith(b"\n\n")
    assert b"\r" not in first


def test_package_says_reconstructed_and_keeps_provenance(package_path):
    descriptor = json.loads(package_path.read_text(encoding="utf-8"))
    assert "RECONSTRUCTED" in descriptor["description"]
    assert "not patient data" in descriptor["description"]
    assert descriptor["provenance"] == PROVENANCE
    assert descriptor["licenses"][0]["name"] == "CC0-1.0"
    assert [resource["path"] for resource in descriptor["resources"]] == ["patients.csv", "visits.csv", "controls.csv"]
    for resource in descriptor["resources"]:
        assert (resource["format"], resource["encoding"], resource["mediatype"]) == ("csv", "utf-8", "text/csv")
    assert load(package_path.parent).provenance == PROVENANCE


def test_schemas_cover_the_contract_with_keys_and_descriptions():
    schemas = table_schemas()
    assert list(schemas) == list(TABLES)
    for name, table in TABLES.items():
        fields = schemas[name]["fields"]
        assert [field["name"] for field in fields] == list(table.column_names)
        assert schemas[name]["primaryKey"] == list(table.primary_key)
        for field in fields:
            assert field["constraints"]["required"] is True
            assert len(field["description"]) > 20, field["name"]
    assert schemas["visits"]["foreignKeys"] == [
        {"fields": ["patient_id"], "reference": {"resource": "patients", "fields": ["patient_id"]}}
    ]
    qmg = next(field for field in schemas["visits"]["fields"] if field["name"] == "qmg")
    assert qmg["constraints"] == {"required": True, "minimum": 0, "maximum": 39}
    il2 = next(field for field in schemas["visits"]["fields"] if field["name"] == "il2")
    assert il2["unit"] == "pg/mL" and "pg/mL" in il2["description"]
    assert il2["constraints"]["exclusiveMinimum"] == 0


def test_every_schema_passes_frictionless_metadata_checks():
    for schema in table_schemas().values():
        report = frictionless.Schema.validate_descriptor(schema)
        assert report.valid, report.flatten(["note"])


def test_fields_table_is_tidy():
    table = datapackage_fields_table()
    assert list(table.columns) == ["table", "column", "type", "unit", "allowed", "description"]
    assert len(table) == sum(len(t.columns) for t in TABLES.values())
    assert not table.isna().any().any()
    status = table[(table["table"] == "patients.csv") & (table["column"] == "post_intervention_status")]
    assert status["allowed"].item() == "CSR, PR, MM, I, U, W, E, D"
    assert "minimal manifestation status" in status["description"].item()
    qmg = table[table["column"] == "qmg"].iloc[0]
    assert qmg["allowed"] == "0 to 39" and "Barohn" in qmg["description"]


LOADER_REFUSES = {
    "score above its scale": ("visits.csv", 2, "qmg", "45"),
    "decimal in a score": ("visits.csv", 2, "qmg", "3.5"),
    "zero concentration": ("controls.csv", 3, "il2", "0"),
    "unknown status": ("patients.csv", 2, "post_intervention_status", "better"),
    "boolean in upper case": ("patients.csv", 2, "thymectomy", "True"),
    "blank cell": ("visits.csv", 5, "mg_adl", ""),
    "bad code": ("controls.csv", 2, "control_id", "C 01"),
    "duplicate key": ("controls.csv", 3, "control_id", "C01"),
}


@pytest.mark.parametrize("file, line, column, value", LOADER_REFUSES.values(), ids=LOADER_REFUSES.keys())
def test_frictionless_refuses_what_the_loader_refuses(package_path, edit, file, line, column, value):
    edit.set_cell(package_path.parent, file, line, column, value)
    assert not frictionless.validate(str(package_path)).valid


def test_committed_reconstruction_passes_the_frictionless_command_line_tool():
    from tacmg.data.paths import RECONSTRUCTED_DIR

    result = _frictionless_cli(RECONSTRUCTED_DIR / "datapackage.json")
    assert result.returncode == 0, result.stdout + result.stderr
