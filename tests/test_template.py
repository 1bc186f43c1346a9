"""The downloadable template is the contract's headers, and the template command writes it."""

from __future__ import annotations

import subprocess
import sys

from tacmg.data import contract
from tacmg.data.paths import DATA_DIR


def test_committed_template_matches_the_contract():
    for table in contract.TABLES.values():
        text = (DATA_DIR / "template" / table.file).read_text(encoding="utf-8")
        assert text == ",".join(table.column_names) + "\n", table.file


def test_template_command_writes_headers_and_validate_exits_1_on_an_empty_template(tmp_path):
    run = lambda *args: subprocess.run([sys.executable, "-m", "tacmg", *args], capture_output=True, text=True)  # noqa: E731
    assert run("template", str(tmp_path)).returncode == 0
    result = run("validate", str(tmp_path))
    assert result.returncode == 1
    assert "patients.csv, line 1: file has a header but no data rows" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_validate_exits_0_on_the_reconstruction():
    result = subprocess.run(
        [sys.executable, "-m", "tacmg", "validate", str(DATA_DIR / "reconstructed")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
