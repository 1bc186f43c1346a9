"""Proof that the chapters are not hard-coded: run them on a second dataset and compare.

The second dataset is another reconstruction, with a different seed and conditioned only on the
descriptive claims, so that some inferential claims fail in it. Every chapter that reads data is
executed with MG_DATA_DIR pointing at it; the numbers glued into its pages must equal the
package's computation on that dataset and differ from those of the default build, and the
scorecard's verdicts must follow. An invalid dataset must stop the first chapter with the
loader's one-line message.

The chapters run once on the second dataset in a test run (``chapter_runs.run_chapters``, shared
by the pytest-xdist workers; ``make unit`` runs this module's tests on one worker). The committed
cohort's side is the stored notebooks (``notebooks/*.ipynb``): ``make nbval`` executes every
chapter on the committed cohort and fails when an output differs from the stored one, so executing
them here again would only repeat it; the fixture checks that each stored notebook has its
chapter's code cells (else: run ``make notebooks``).
"""

from __future__ import annotations

import re
import shutil

import jupytext
import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

import chapter_runs
from tacmg import load
from tacmg.claims.evaluate import evaluate
from tacmg.claims.registry import load_claims
from tacmg.data.paths import REPO_ROOT
from tacmg.presentation import report
from tacmg.reconstruction.reconstruct import reconstruct

NOTEBOOKS = chapter_runs.NOTEBOOKS
# Chapters computed from the registry and priors alone: they read no dataset.
DATA_INDEPENDENT = {"09-consistency.md", "10-robustness.md"}
SECOND_SEED = 7


def execute_chapter(path, monkeypatch, data_dir):
    """Execute one chapter on `data_dir` now (not cached); `monkeypatch` is kept for the callers."""
    return chapter_runs.execute_chapter(path, data_dir)


glued_values = chapter_runs.glued_values


@pytest.fixture(scope="session")
def second_dataset(tmp_path_factory):
    directory = tmp_path_factory.mktemp("second-cohort")
    descriptive = [c.id for c in load_claims().select(kind="descriptive")]
    reconstruct(directory, seed=SECOND_SEED, condition_on=descriptive, condition_label="descriptive")
    return directory


def data_chapters():
    return [p for p in sorted(NOTEBOOKS.glob("*.md")) if p.name not in DATA_INDEPENDENT]


def stored_notebook(path):
    """The executed notebook stored beside the chapter `path`, which must have the chapter's code."""
    stored = nbformat.read(path.with_suffix(".ipynb"), as_version=4)
    code = [c.source for c in jupytext.read(path).cells if c.cell_type == "code"]
    if [c.source for c in stored.cells if c.cell_type == "code"] != code:
        pytest.fail(f"{path.with_suffix('.ipynb').name} is older than {path.name}: run make notebooks", pytrace=False)
    return stored


@pytest.fixture(scope="session")
def executed(second_dataset, tmp_path_factory):
    """Every data chapter on the committed cohort (its stored notebook) and on the second dataset
    (executed once per test run): ({chapter: notebook}, {chapter: notebook})."""
    default = {p.name: stored_notebook(p) for p in data_chapters()}
    root = chapter_runs.shared_root(tmp_path_factory)
    second = chapter_runs.notebooks_or_fail(
        chapter_runs.run_chapters(root, "second-reconstruction", second_dataset, data_chapters())
    )
    return default, second


@pytest.fixture(scope="session")
def runs(executed):
    """The glued values of `executed`: ({chapter: {name: text}}, the same on the second dataset)."""
    default, second = executed
    return {name: glued_values(nb) for name, nb in default.items()}, {
        name: glued_values(nb) for name, nb in second.items()
    }


def test_second_dataset_fails_some_claims(second_dataset):
    table = evaluate(load(second_dataset))
    assert (table["verdict"] == "does not hold").any()
    assert (table["verdict"] == "holds (tested)").any()
    # Conditioned only on the descriptive claims: those hold (conditioned), nothing else does.
    conditioned = table[table["verdict"] == "holds (conditioned)"]
    assert set(conditioned["kind"]) == {"descriptive"}


def test_every_chapter_runs_on_the_second_dataset_and_its_numbers_change(runs):
    default, second = runs
    assert set(default) == set(second) and default
    changed = [name for name in default if any(default[name].get(k) != v for k, v in second[name].items())]
    # Every data chapter must glue at least one number that differs between the two datasets.
    assert sorted(changed) == sorted(default), f"unchanged chapters: {set(default) - set(changed)}"


def test_scorecard_numbers_follow_the_package_on_the_second_dataset(runs, second_dataset):
    _, second = runs
    glued = second["08-scorecard.md"]
    stated, implied = report.stated_and_implied(report.scorecard(load(second_dataset)))
    counts, implied_counts = report.verdict_counts(stated), report.verdict_counts(implied)
    assert int(glued["card_conditioned"]) == counts["conditioned"] > 0
    assert int(glued["card_tested"]) == counts["tested"]
    assert int(glued["card_failed"]) == counts["failed"] > 0
    assert int(glued["card_implied_holds"]) == implied_counts["holds"]
    assert int(glued["card_implied_total"]) == implied_counts["total"] > 0


def test_scorecard_page_marks_failed_claims(second_dataset, executed):
    notebook = executed[1]["08-scorecard.md"]
    html = "".join(o.get("data", {}).get("text/html", "") for c in notebook.cells for o in c.get("outputs", []))
    failed = evaluate(load(second_dataset)).query("verdict == 'does not hold'")["claim_id"]
    for claim_id in failed:
        # the id is the hover title of the claim's name (no id column a reader has to look past)
        row = re.search(rf'<tr><td title="{re.escape(claim_id)}">.*?</tr>', html)
        assert row and "does not hold" in row.group(0), claim_id


def test_an_invalid_dataset_stops_the_first_chapter_with_one_line(tmp_path, monkeypatch):
    broken = tmp_path / "broken"
    shutil.copytree(REPO_ROOT / "data" / "reconstructed", broken)
    lines = (broken / "visits.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")
    cells[header.index("qmg")] = "45"
    lines[3] = ",".join(cells)
    (broken / "visits.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = data_chapters()[0]
    with pytest.raises(CellExecutionError) as error:
        execute_chapter(first, monkeypatch, broken)
    message = str(error.value)
    assert "DataError: visits.csv, line 4, column qmg: 45 is outside the QMG range 0-39" in message
    assert "Traceback" not in message and 'File "' not in message


def test_a_relative_data_directory_is_taken_from_the_repository_root(monkeypatch):
    monkeypatch.setenv("MG_DATA_DIR", "private-data/my-cohort")
    assert report.data_directory() == REPO_ROOT / "private-data" / "my-cohort"
    monkeypatch.delenv("MG_DATA_DIR")
    assert report.data_directory() == REPO_ROOT / "data" / "reconstructed"


def test_reconstruction_intervals_show_on_the_committed_cohort_only(runs):
    default, second = runs
    for name in [n for n in default if n[:2] in {"01", "02", "03", "04", "05", "06", "07"}]:
        shown = {k: v for k, v in default[name].items() if k.endswith(("_ri", "_draw")) and v.strip("'\"")}
        assert shown, f"{name}: no reconstruction interval on the committed cohort"
        assert all("reconstruction" in v and v.strip("'\"").startswith(" [") for v in shown.values())
        assert not [k for k, v in second[name].items() if k.endswith(("_ri", "_draw")) and v.strip("'\"")], name
        assert "not shown" in second[name]["ri_note"] and "not shown" not in default[name]["ri_note"]
