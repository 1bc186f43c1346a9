"""The chapters on cohorts where an analysis cannot run: one patient and one control, no improved
patient, a molecule with one value throughout. Every data-reading chapter must execute with no error
and nothing on stderr, and no chart's text or table may print a NaN (the prose shows missing numbers
through `tacmg.presentation.glue`, as "n/a")."""

from __future__ import annotations

import csv
import re
import shutil

import pytest

from chapter_runs import notebooks_or_fail, run_chapters, shared_root
from tacmg.data.paths import RECONSTRUCTED_DIR
from test_own_data import data_chapters

NAN = re.compile(r"(?<![A-Za-z_])(nan|NaN|[+-]?inf)(?![A-Za-z_])")
SHOWN = ("text/html", "text/plain", "text/markdown", "application/vnd.vegalite.v5+json")


def _copy(directory):
    directory.mkdir()
    for name in ("patients.csv", "visits.csv", "controls.csv"):
        shutil.copy(RECONSTRUCTED_DIR / name, directory / name)
    return directory


def one_patient(directory):
    for name, lines in (("patients.csv", 2), ("visits.csv", 3), ("controls.csv", 2)):
        path = directory / name
        path.write_text("\n".join(path.read_text(encoding="utf-8").splitlines()[:lines]) + "\n", encoding="utf-8")


def no_improved_patient(directory):
    path = directory / "patients.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",I\n", ",U\n"), encoding="utf-8")


def constant_molecule(directory):
    for name in ("visits.csv", "controls.csv"):
        path = directory / name
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        column = rows[0].index("scd40l")
        for row in rows[1:]:
            row[column] = "1000"
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)


def _shown_text(notebook):
    """Every output a reader sees (not the glue records, whose missing numbers the prose words)."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("name") == "stderr":
                yield "stderr", output["text"]
            if output.get("metadata", {}).get("scrapbook"):
                continue
            for mime, text in (output.get("data") or {}).items():
                if mime in SHOWN:
                    yield mime, text if isinstance(text, str) else str(text)


# The chapters each edge cohort runs: one patient breaks every analysis, so every data chapter; no
# improved patient breaks what splits or colours by post-intervention status; a constant molecule
# breaks what tests, correlates or draws the molecules. The chapters that read neither the status nor
# the molecules would run exactly as on the committed cohort (each edge costs 1.5 s a chapter).
SKIPPED = {
    "one_patient": set(),
    "no_improved_patient": {"01-cohort", "05-molecules-vs-controls", "11-discussion"},
    "constant_molecule": {"01-cohort", "02-clinical-scores", "03-prednisone", "04-post-intervention-status"},
}


@pytest.mark.parametrize("edit", [one_patient, no_improved_patient, constant_molecule], ids=lambda f: f.__name__)
def test_every_chapter_runs_and_prints_no_nan(edit, tmp_path, tmp_path_factory):
    directory = _copy(tmp_path / "cohort")
    edit(directory)
    chapters = [path for path in data_chapters() if path.stem not in SKIPPED[edit.__name__]]
    assert SKIPPED[edit.__name__] <= {path.stem for path in data_chapters()}  # a renamed chapter is noticed
    runs = run_chapters(shared_root(tmp_path_factory), f"edge-{edit.__name__}", directory, chapters)
    for name, notebook in notebooks_or_fail(runs).items():
        for mime, text in _shown_text(notebook):
            assert mime != "stderr", f"{name}: {text[:300]}"
            found = NAN.search(text)
            assert found is None, f"{name} {mime}: ...{text[max(0, found.start() - 120) : found.end() + 40]}"
