"""Reconstruction intervals: the class rule, the ensembles' conditioning, and own data without intervals."""

from __future__ import annotations

import contextlib
import math
import re
from collections import Counter
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tacmg import load
from tacmg.analyses import ensemble_store
from tacmg.analyses import interval_classes as ic
from tacmg.analyses import reconstruction_intervals as ri
from tacmg.claims.evaluate import holds_matrix
from tacmg.claims.registry import load_claims
from tacmg.data.paths import RECONSTRUCTED_DIR, REPO_ROOT
from tacmg.data.tables import cohort_dataset
from tacmg.presentation import chapter_numbers, glue, intervals
from tacmg.reconstruction.generator import generate


@pytest.fixture()
def private_store(tmp_path, monkeypatch):
    monkeypatch.setattr(ensemble_store, "STORE_DIR", tmp_path)
    return tmp_path


# ------------------------------------------------------------------ a small ensemble store, once
# Drawing even small ensembles conditioned on the claims takes tens of seconds of CPU: the two tests
# of the build step's store share one, drawn once in this module (`make unit` sends a module's
# tests to one pytest-xdist worker: --dist loadfile).
SMALL_ENSEMBLES = {"ENSEMBLE_SIZE": 20, "DESCRIPTIVE_SIZE": 20, "PRIORS_SIZE": 20}


@contextlib.contextmanager
def reading_store(directory: Path):
    """The ensemble store at `directory`, with the small ensembles' sizes, for the `with` block."""
    from tacmg.analyses import ensemble_store
    from tacmg.analyses import reconstruction_intervals as ri

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ensemble_store, "STORE_DIR", directory)
        for name, size in SMALL_ENSEMBLES.items():
            patch.setattr(ri, name, size)
        yield


def _small_measure(seen: list[str]):
    """The chapters' measure for the small store: chapter 03's real numbers, a stand-in for the rest
    (`cohort_n`, the same on every cohort, and `cohort_x`, a different number on each); records
    every (chapter, ensemble) measured in `seen`."""
    import numpy as np
    import pandas as pd

    from tacmg.analyses import reconstruction_intervals as ri
    from tacmg.presentation import chapter_numbers, intervals

    def measure(chapter, cohorts):
        seen.append(chapter)
        if chapter == "03-prednisone":
            return ri.measure_across(intervals.FlatNumbers(chapter_numbers.CHAPTER_FUNCTIONS[chapter]), cohorts, 1)
        return pd.DataFrame({"cohort_n": np.full(cohorts.size, 32.0), "cohort_x": np.arange(cohorts.size, dtype=float)})

    return measure


@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    """A private ensemble store built by the build step's own code on small ensembles:
    (its directory, the class tables built, the chapters measured, one entry per ensemble)."""
    from tacmg import load
    from tacmg.analyses import reconstruction_intervals as ri
    from tacmg.data.paths import RECONSTRUCTED_DIR
    from tacmg.presentation import chapter_numbers

    directory = tmp_path_factory.mktemp("small-ensemble-store")
    provenance = load(RECONSTRUCTED_DIR).provenance
    seen: list[str] = []
    with reading_store(directory):
        tables = ri.class_tables(
            int(provenance["seed"]),
            tuple(provenance["claims_conditioned_on"]),
            tuple(chapter_numbers.CHAPTER_FUNCTIONS),
            _small_measure(seen),
            build=True,
        )
    return directory, tables, seen


@pytest.mark.parametrize(
    ("width", "descriptive", "expected"),
    [
        (0.0, 0.0, ic.FIXED),
        (0.0, 5.0, ic.FIXED),
        (1e-12, 5.0, ic.FIXED),
        (1.0, 5.0, ic.BY_TESTS),
        (3.7, 5.0, ic.BY_TESTS),
        (3.75, 5.0, ic.NOT_NARROWED),
        (6.0, 5.0, ic.NOT_NARROWED),
        (float("nan"), 5.0, ""),
    ],
)
def test_class_rule(width, descriptive, expected):
    assert ic.number_class(width, descriptive) == expected


def test_fixed_tolerance_scales_with_the_number():
    assert ic.number_class(1e-7, 1.0, scale=1e4) == ic.FIXED
    assert ic.number_class(1e-7, 1.0, scale=1.0) == ic.BY_TESTS


def test_interval_table_uses_the_central_95_percent_and_classes_each_number():
    rng = np.random.default_rng(1)
    conditioned = pd.DataFrame(
        {"fixed": np.full(1000, 3.0), "narrow": rng.normal(0, 1, 1000), "loose": rng.normal(0, 4, 1000)}
    )
    descriptive = pd.DataFrame(
        {"fixed": rng.normal(3, 1, 400), "narrow": rng.normal(0, 4, 400), "loose": rng.normal(0, 4, 400)}
    )
    table = ic.interval_table(conditioned, descriptive)
    assert table.loc["narrow", "ri_low"] == pytest.approx(np.quantile(conditioned["narrow"], 0.025))
    assert table.loc["narrow", "ri_high"] == pytest.approx(np.quantile(conditioned["narrow"], 0.975))
    assert table["number_class"].to_dict() == {
        "fixed": ic.FIXED,
        "narrow": ic.BY_TESTS,
        "loose": ic.NOT_NARROWED,
    }


def test_a_number_too_few_cohorts_have_gets_no_interval():
    table = ic.interval_table(pd.DataFrame({"x": [1.0] * 10 + [np.nan] * 30}), pd.DataFrame({"x": np.arange(40.0)}))
    assert np.isnan(table.loc["x", "ri_low"]) and table.loc["x", "number_class"] == ""


def test_conditioned_ensemble_meets_every_conditioned_claim_and_starts_with_the_committed_cohort():
    committed = load(RECONSTRUCTED_DIR)
    conditioned_on = tuple(committed.provenance["claims_conditioned_on"])
    e = ri.ensembles(
        int(committed.provenance["seed"]), conditioned_on, size=4, descriptive_size=3, priors_size=2, workers=1
    )
    registry = load_claims()
    assert holds_matrix(e.conditioned, registry.select(conditioned_on)).all()
    assert holds_matrix(e.descriptive, registry.select(kind="descriptive")).all()
    first = cohort_dataset(e.conditioned, 0)
    for name in ("patients", "visits", "controls"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(committed, name), check_dtype=False)
    # the descriptive ensemble is looser: some of its cohorts miss a claim the conditioned ones meet
    loose = ri.ensembles(
        int(committed.provenance["seed"]), conditioned_on, size=1, descriptive_size=40, priors_size=1, workers=1
    )
    assert not holds_matrix(loose.descriptive, registry.select(conditioned_on)).all()


def test_cohort_dataset_has_the_loaders_dtypes():
    committed = load(RECONSTRUCTED_DIR)
    generated = cohort_dataset(generate(20220827, 1, chunk_size=500, workers=1).cohorts)
    for name in ("patients", "visits", "controls"):
        assert getattr(generated, name).dtypes.to_dict() == getattr(committed, name).dtypes.to_dict()


def test_intervals_apply_only_to_a_recorded_reconstruction(tmp_path):
    committed = load(RECONSTRUCTED_DIR)
    assert ri.applies(committed)
    own = cohort_dataset(generate(20220827, 1, ["cohort-n"], chunk_size=20, workers=1).cohorts)
    assert not ri.applies(own)
    none = intervals.for_chapter("02-clinical-scores", own)
    assert not none.applies
    assert intervals.note(none).startswith("Reconstruction intervals are not shown")
    view = pd.DataFrame({"Score": ["QMG"]})
    assert intervals.with_intervals(view, none, ["scores_qmg_hl"], "HL").equals(view)
    v = glue.ProseValues(glue=False)
    v.add("scores", {"qmg_hl": -4.5, "label": "QMG"}, intervals=none)
    assert v.scores_qmg_hl_ri == "" and not hasattr(v, "scores_label_ri")


def test_prose_and_tables_show_range_and_class():
    table = pd.DataFrame(
        {
            "ri_low": [-6.5, 0.1],
            "ri_high": [-4.0, 0.2],
            "number_class": [ic.BY_TESTS, ic.NOT_NARROWED],
        },
        index=["scores_qmg_hl", "scores_qmg_p"],
    )
    section = intervals.SectionIntervals(table)
    v = glue.ProseValues(glue=False)
    v.add("scores", {"qmg_hl": -5.0, "qmg_p": 0.15, "n": 32}, intervals=section)
    assert v.scores_qmg_hl_ri == f" (reconstructions: \u22126.5 to \u22124.0; {ic.BY_TESTS})"  # true minus signs
    assert v.scores_qmg_p_ri == f" (reconstructions: 0.100 to 0.200; {ic.NOT_NARROWED})"  # p as in tables
    assert v.scores_n_ri == ""  # a number without an interval reads as before
    shown = intervals.with_intervals(pd.DataFrame({"Score": ["QMG"]}), section, ["scores_qmg_hl"], "HL change")
    assert shown.columns.tolist() == ["Score", "HL change: across reconstructions (2.5-97.5%)", "Narrowed by"]
    assert shown.iloc[0, 1:].tolist() == ["-6.5 to -4.0", ic.BY_TESTS]
    assert section.implied({"scores_qmg_hl": "QMG change", "scores_qmg_p": "QMG p"}) == ["QMG change"]


def test_chapter_numbers_are_what_the_intervals_measure():
    committed = load(RECONSTRUCTED_DIR)
    numbers = chapter_numbers.score_numbers(committed)
    flat = intervals.FlatNumbers(partial(chapter_numbers.score_numbers))(committed)
    assert flat["scores_qmg_hl"] == numbers["scores"]["qmg_hl"]


@pytest.mark.parametrize("chapter", sorted(chapter_numbers.DERIVED))
def test_every_derived_number_the_prose_discusses_carries_its_interval(chapter):
    text = (REPO_ROOT / "notebooks" / f"{chapter}.md").read_text(encoding="utf-8")
    quoted = set(re.findall(r"\{eval\}`v\.([a-z0-9_]+)_ri`", text))
    assert quoted == set(chapter_numbers.DERIVED[chapter])
    assert "{eval}`v.ri_note`" in text and "{eval}`v.ri_implied`" in text


def test_derived_numbers_are_numbers_the_chapter_functions_return():
    committed = load(RECONSTRUCTED_DIR)
    functions = [getattr(chapter_numbers, name) for name in dir(chapter_numbers) if name.endswith("_numbers")]
    available = {key for f in functions for key in intervals.FlatNumbers(f)(committed)}
    for chapter, labels in chapter_numbers.DERIVED.items():
        assert set(labels) <= available, chapter


def test_chapters_read_the_stored_ensembles_and_never_compute_them(private_store, small_store):
    committed = load(RECONSTRUCTED_DIR)
    with pytest.raises(ensemble_store.EnsemblesMissing, match="python -m tacmg ensembles"):
        intervals.for_chapter("01-cohort", committed)
    chapters = tuple(chapter_numbers.CHAPTER_FUNCTIONS)
    # a small stand-in for the build step (small_store): the stored result is what the chapters read
    directory, _, seen = small_store
    assert sorted(seen) == sorted(chapters * 3)  # each on all three ensembles
    with reading_store(directory):
        section = intervals.for_chapter("01-cohort", committed)
    assert section.applies and section.number_class("cohort_n") == ic.FIXED
    assert section.changed == ()


def test_a_changed_parameter_keeps_the_default_intervals_and_says_so(monkeypatch):
    table = pd.DataFrame({"ri_low": [-6.0], "ri_high": [-3.0], "number_class": [ic.BY_TESTS]}, index=["scores_qmg_hl"])
    monkeypatch.setattr(ri, "intervals_for", lambda *args: table)
    committed = load(RECONSTRUCTED_DIR)
    same = intervals.for_chapter(
        "02-clinical-scores", committed, confidence=0.95, mcid=dict(chapter_numbers.MCID_POINTS)
    )
    assert same.changed == () and "you changed" not in intervals.note(same)
    moved = intervals.for_chapter("02-clinical-scores", committed, confidence=0.9)
    assert moved.changed == ("confidence",)
    assert "you changed `confidence`" in intervals.note(moved)
    with pytest.raises(TypeError, match="no parameter"):
        intervals.for_chapter("02-clinical-scores", committed, confidenc=0.9)


def test_the_store_key_ignores_docstrings_but_not_code():
    before = "def f(x):\n    'Adds one.'\n    return x + 1\n"
    assert ensemble_store.code_digest(before) == ensemble_store.code_digest(before.replace("Adds one.", "Adds 1."))
    assert ensemble_store.code_digest(before) != ensemble_store.code_digest(before.replace("x + 1", "x + 2"))


# Moved from test_classes.py: it reads the same small store.
def test_class_tables_are_built_once_and_read_by_the_chapters(tmp_path, small_store):
    committed = load(RECONSTRUCTED_DIR)
    p = committed.provenance
    chapters = tuple(chapter_numbers.CHAPTER_FUNCTIONS)
    with reading_store(tmp_path), pytest.raises(ensemble_store.EnsemblesMissing):
        ri.class_tables(int(p["seed"]), tuple(p["claims_conditioned_on"]), chapters)
    directory, tables, seen = small_store  # built by the build step's code (small_store)
    assert Counter(seen) == dict.fromkeys(chapters, 3)  # every chapter on all three ensembles
    table = tables["03-prednisone"]
    assert set(table["number_class"]) <= {*ic.CLASSES, ""}
    with reading_store(directory):
        section = intervals.for_chapter("03-prednisone", committed)
    # the committed cohort is the conditioned ensemble's first: its values are the chapter's own
    own = intervals.FlatNumbers(chapter_numbers.CHAPTER_FUNCTIONS["03-prednisone"])(committed)
    numeric = {k: v for k, v in own.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    for k, value in numeric.items():
        if k in section.table.index and not math.isnan(value):
            assert section.table.loc[k, "committed"] == pytest.approx(value)
