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
        # the small sizes must reach the build step's code (a default bound at import once did not)
        assert cohorts.size in SMALL_ENSEMBLES.values(), f"the small store drew {cohorts.size} cohorts"
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


def test_prose_shows_a_compact_range_and_the_tables_the_range_and_class():
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
    # the number's decimals (the ends need one), true minus signs, no class beside the number
    assert v.scores_qmg_hl_ri == " [\u22126.5 to \u22124.0 across reconstructions]"
    assert v.scores_qmg_p_ri == " [0.100 to 0.200 across reconstructions]"  # p as in tables
    assert v.scores_qmg_hl_draw == "" and v.scores_n_ri == v.scores_n_draw == ""  # within range; no interval
    shown = intervals.with_intervals(pd.DataFrame({"Score": ["QMG"]}), section, ["scores_qmg_hl"], "HL change")
    assert shown.columns.tolist() == ["Score", "HL change: across reconstructions (2.5-97.5%)", "Narrowed by"]
    assert shown.iloc[0, 1:].tolist() == ["\u22126.5 to \u22124.0", ic.BY_TESTS]  # true minus signs
    assert section.implied({"scores_qmg_hl": "QMG change", "scores_qmg_p": "QMG p"}) == ["QMG change"]


def _one(key, low, high, **columns):
    row = {"ri_low": [low], "ri_high": [high], "number_class": [ic.NOT_NARROWED], "count": [False], **columns}
    return intervals.SectionIntervals(
        pd.DataFrame({k: list(v) if isinstance(v, list) else [v] for k, v in row.items()}, index=[key])
    )


@pytest.mark.parametrize(
    ("key", "low", "high", "value", "count", "expected"),
    [
        ("corr_n_significant", 5.0, 11.0, 8, True, "5 to 11 across reconstructions"),  # a count: whole numbers
        ("corr_n_significant", 0.0, 0.0, 0, True, "0 in every reconstruction"),  # one value
        ("scores_qmg_pct_mcid", 65.625, 84.375, 75.0, False, "66% to 84% across reconstructions"),  # whole percent
        ("corr_bw_share_both_fell", 0.4, 0.71, 0.5, False, "40% to 71% across reconstructions"),  # a share, as %
        ("corr_bw_rho_baseline", -0.5, 0.125, 0.3, False, "\u22120.50 to 0.13 across reconstructions"),  # rho: 2 dp
        ("scores_qmg_hl", -6.0, -3.0, -4.0, True, "\u22126 to \u22123 across reconstructions"),  # whole points
        ("scores_qmg_hl", -6.0, -3.0, -4.5, True, "\u22126.0 to \u22123.0 across reconstructions"),  # as the number
    ],
)
def test_the_marker_reads_like_its_number(key, low, high, value, count, expected):
    section = _one(key, low, high, count=count)
    assert section.text(key, value) == f" [{expected}]"


def test_an_unusual_draw_is_said_in_words_whether_or_not_the_range_is_shown():
    below = _one("corr_n", 5.0, 11.0, count=True, committed=2.0, outside=True, share_at_most=0.006, share_at_least=1.0)
    words = "an unusual draw: only 0.6% of reconstructions give 2 or fewer, 95% give 5 to 11"
    assert below.text("corr_n", 2) == below.draw_text("corr_n") == f" [{words}]"
    above = _one("x_hl", -6.0, -3.5, committed=-2.0, outside=True, share_at_most=1.0, share_at_least=0.0)
    assert (
        above.draw_text("x_hl")
        == " [an unusual draw: no reconstruction gives \u22122.0 or more, 95% give \u22126.0 to \u22123.5]"
    )
    assert intervals.SectionIntervals(None).draw_text("x_hl") == ""  # a reader's own data: nothing to say
    # a value just outside its range gets the decimals that tell it from the end it lies beyond
    close = _one("x_ratio", 0.982, 1.41, committed=0.9789, outside=True, share_at_most=0.025, share_at_least=1.0)
    assert close.draw_text("x_ratio") == (
        " [an unusual draw: only 2.5% of reconstructions give 0.979 or less, 95% give 0.982 to 1.410]"
    )


def test_chapter_numbers_are_what_the_intervals_measure():
    committed = load(RECONSTRUCTED_DIR)
    numbers = chapter_numbers.score_numbers(committed)
    flat = intervals.FlatNumbers(partial(chapter_numbers.score_numbers))(committed)
    assert flat["scores_qmg_hl"] == numbers["scores"]["qmg_hl"]


@pytest.mark.parametrize("chapter", sorted(chapter_numbers.DERIVED))
def test_every_derived_number_the_prose_discusses_carries_its_interval(chapter):
    text = (REPO_ROOT / "notebooks" / f"{chapter}.md").read_text(encoding="utf-8")
    # each derived number carries its range where it informs the sentence (_ri), else at least the
    # words that flag an unusual draw (_draw), which change how to read it
    ranged = set(re.findall(r"\{eval\}`v\.([a-z0-9_]+)_ri`", text))
    flagged = set(re.findall(r"\{eval\}`v\.([a-z0-9_]+)_draw`", text))
    assert ranged | flagged == set(chapter_numbers.DERIVED[chapter])
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


def test_the_build_steps_code_digests_save_time_and_never_hide_a_change(tmp_path):
    root, table = tmp_path / "package", tmp_path / "code-digests.json"
    (root / "stats").mkdir(parents=True)
    module = root / "stats" / "one.py"
    module.write_text("def f(x):\n    'Adds one.'\n    return x + 1\n")
    computed = ensemble_store.code_digests(root, table)  # no table yet: every digest computed
    ensemble_store.write_code_digests(root, table)
    assert computed == {"stats/one.py": ensemble_store.code_digest(module.read_text())}
    assert ensemble_store.code_digests(root, table) == computed
    # the table is read: an entry for the file's bytes is taken as it stands
    table.write_text(table.read_text().replace(computed["stats/one.py"], "read-from-table"))
    assert ensemble_store.code_digests(root, table) == {"stats/one.py": "read-from-table"}
    # a file changed since the table was written is digested afresh
    module.write_text("def f(x):\n    'Adds one.'\n    return x + 2\n")
    assert ensemble_store.code_digests(root, table)["stats/one.py"] == ensemble_store.code_digest(module.read_text())


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
