"""Classes from three references (priors alone, + published summaries, + published tests), their
Monte Carlo noise, integer intervals for counts and the committed value flagged outside its range."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tacmg import load
from tacmg.analyses import interval_classes as ic
from tacmg.analyses import reconstruction_intervals as ri
from tacmg.claims.evaluate import holds_matrix
from tacmg.claims.registry import load_claims
from tacmg.data.paths import RECONSTRUCTED_DIR
from tacmg.presentation import chapter_numbers, intervals
from tacmg.reconstruction.generator import Targets, draw_candidates, generate
from tacmg.reconstruction.priors import load_priors


@pytest.mark.parametrize(
    ("widths", "expected"),
    [
        ((0.0, 5.0, 5.0), ic.FIXED),
        ((1.0, 1.2, 4.0), ic.BY_SUMMARIES),  # the medians narrow it; the tests do not
        ((1.0, 4.0, 4.0), ic.BY_TESTS),
        ((1.0, 2.0, 4.0), ic.BY_BOTH),
        ((3.9, 4.0, 4.2), ic.NOT_NARROWED),
        ((3.0, 4.0, 5.0), ic.NOT_NARROWED),  # each step leaves at least three quarters
        ((2.99, 4.0, 5.0), ic.BY_TESTS),
        ((3.0, 4.0, math.nan), ic.NOT_NARROWED),  # no priors-alone range: the summaries are not credited
        ((math.nan, 4.0, 5.0), ""),
    ],
)
def test_each_step_is_credited_only_when_it_narrows(widths, expected):
    assert ic.number_class(*widths) == expected


def _frames(rng, spreads, sizes=(1000, 400, 400)):
    return [pd.DataFrame({name: rng.normal(0, s[i], n) for name, s in spreads.items()}) for i, n in enumerate(sizes)]


def test_interval_table_names_the_narrowing_step_and_its_noise():
    rng = np.random.default_rng(3)
    # spreads in the conditioned, descriptive and priors-alone ensembles
    spreads = {"medians": (1, 1, 4), "tests": (1, 4, 4), "both": (1, 2, 4), "neither": (4, 4, 4)}
    conditioned, descriptive, priors = _frames(rng, spreads)
    table = ic.interval_table(conditioned, descriptive, priors, replicates=100)
    assert table["number_class"].to_dict() == {
        "medians": ic.BY_SUMMARIES,
        "tests": ic.BY_TESTS,
        "both": ic.BY_BOTH,
        "neither": ic.NOT_NARROWED,
    }
    # the width ratios, checked against numpy's quantiles directly
    q = lambda x: np.diff(np.quantile(x, [0.025, 0.975]))[0]  # noqa: E731
    assert table.loc["medians", "summaries_ratio"] == pytest.approx(q(descriptive["medians"]) / q(priors["medians"]))
    assert table.loc["tests", "tests_ratio"] == pytest.approx(q(conditioned["tests"]) / q(descriptive["tests"]))
    # classes far from the threshold do not flip; the bands hold the point ratio
    assert (table["class_flips"] <= 0.05).all()
    assert (table["summaries_ratio_low"] <= table["summaries_ratio"]).all()
    assert (table["summaries_ratio"] <= table["summaries_ratio_high"]).all()


def test_a_number_on_the_threshold_is_classed_borderline_and_its_class_then_holds():
    rng = np.random.default_rng(4)
    # the conditioned range is three quarters of the descriptive one: a coin toss in the bootstrap
    conditioned, descriptive, priors = _frames(rng, {"edge": (0.75, 1, 1), "clear": (0.3, 1, 1)})
    point = ic.interval_table(conditioned, descriptive, priors, replicates=0)
    table = ic.interval_table(conditioned, descriptive, priors, replicates=500)
    share = table.loc["edge", "tests_narrowed_share"]
    assert 1 - ic.SURE_SHARE < share < ic.SURE_SHARE and table.loc["edge", "tests_step"] == ic.UNSURE
    assert table.loc["edge", "number_class"] == ic.AT_THRESHOLD  # not the point ratio's verdict, either way
    assert point.loc["edge", "number_class"] in (ic.BY_TESTS, ic.NOT_NARROWED)
    assert table.loc["clear", "number_class"] == ic.BY_TESTS and table.loc["clear", "tests_step"] == ic.NARROWS
    # a class resting on the bootstrap holds on independent replicates (it is not restated from them)
    assert (table["class_flips"] <= ic.FLIP_LIMIT).all()
    summary = ic.class_summary({"x": table})
    assert summary["borderline"] == 1 and summary["over_limit"] == 0


def test_a_class_from_the_point_ratio_near_the_threshold_would_flip():
    """What the rule guards against: classed by the point ratio, the edge number flips in a large share
    of independent replicates (so a limit of 10% can fail)."""
    rng = np.random.default_rng(4)
    conditioned, descriptive, priors = _frames(rng, {"edge": (0.75, 1, 1)})
    check = np.random.default_rng(5)
    widths = [ic._bootstrap_widths(f["edge"].to_numpy(), 0.025, False, check, 500) for f in (conditioned, descriptive)]
    narrowed = widths[0] < ic.NARROWED_BELOW * widths[1]
    point_narrows = ic.interval_table(conditioned, descriptive, priors, replicates=0).loc["edge", "tests_ratio"] < 0.75
    assert np.mean(narrowed != point_narrows) > ic.FLIP_LIMIT


@pytest.mark.parametrize("count", [False, True])
def test_order_statistic_bootstrap_matches_resampling(count):
    """The widths drawn through Beta order statistics follow the law of widths of real resamples."""
    rng = np.random.default_rng(6)
    values = rng.integers(0, 12, 800).astype(float) if count else rng.gamma(2.0, 1.0, 800)
    fast = ic._bootstrap_widths(values, 0.025, count, np.random.default_rng(7), 4000)
    resamples = values[np.random.default_rng(8).integers(0, len(values), (4000, len(values)))]
    low, high = ic._ends(resamples, 0.025, count, axis=1)
    slow = np.asarray(high - low, dtype=float)
    if count:  # a few whole-number widths: the same shares of each
        for width in np.unique(np.concatenate([fast, slow])):
            assert np.mean(fast == width) == pytest.approx(np.mean(slow == width), abs=0.03)
    else:
        assert stats.ks_2samp(fast, slow).pvalue > 0.01
        assert np.mean(fast) == pytest.approx(np.mean(slow), rel=0.01)


def test_no_class_of_the_stored_ensembles_flips_in_more_than_a_tenth_of_replicates():
    """The committed cohort's classes, as the build step stored them (read, not recomputed)."""
    p = load(RECONSTRUCTED_DIR).provenance
    tables = ri.class_tables(int(p["seed"]), tuple(p["claims_conditioned_on"]))
    table = pd.concat([ic.set_by_priors(t, set(chapter_numbers.SET_BY_PRIORS)) for t in tables.values()])
    classed = table[~table["number_class"].isin(["", ic.SET_BY_PRIOR])]
    assert len(classed) > 400 and classed["class_flips"].notna().all()
    assert classed["class_flips"].max() <= ic.FLIP_LIMIT, classed["class_flips"].idxmax()
    # every class follows from its steps' bootstrap shares
    for name, row in classed[classed["number_class"] != ic.FIXED].iterrows():
        steps = [ic.step_verdict(row[f"{s}_narrowed_share"]) for s in ("summaries", "tests")]
        assert row["number_class"] == ic.class_from_steps(*steps), name


def test_counts_get_integer_ends_and_the_committed_value_is_flagged_outside():
    rng = np.random.default_rng(5)
    counts = rng.integers(5, 14, 1000).astype(float)
    counts[0] = 2.0  # the committed cohort (the first row) is an outlier
    frame = pd.DataFrame({"n_pairs": counts, "smooth": rng.normal(0, 1, 1000)})
    table = ic.interval_table(frame, frame, frame, replicates=0)
    low, high = table.loc["n_pairs", ["ri_low", "ri_high"]]
    assert float(low).is_integer() and float(high).is_integer()
    assert low <= np.quantile(counts, 0.025) and high >= np.quantile(counts, 0.975)
    assert table.loc["n_pairs", "count"] and not table.loc["smooth", "count"]
    assert table.loc["n_pairs", "outside"] and not table.loc["smooth", "outside"]
    assert table.loc["n_pairs", "share_at_most"] == pytest.approx(np.mean(counts <= 2))
    assert intervals.range_text(low, high) == f"{int(low)} to {int(high)}"


def test_the_priors_alone_ensemble_meets_no_claim_by_construction():
    committed = load(RECONSTRUCTED_DIR)
    p = committed.provenance
    e = ri.ensembles(int(p["seed"]), tuple(p["claims_conditioned_on"]), size=2, descriptive_size=2, priors_size=40)
    descriptive = load_claims().select(kind="descriptive")
    # with no median forced, some cohort misses a published summary
    assert not holds_matrix(e.priors, descriptive).all()


def test_set_by_priors_overrides_the_class():
    table = ic.interval_table(pd.DataFrame({"w": [9.0] * 40}), pd.DataFrame({"w": [9.0] * 40}), replicates=0)
    assert ic.set_by_priors(table, {"w"}).loc["w", "number_class"] == ic.SET_BY_PRIOR


def test_acceptance_rate_counts_every_accepted_candidate():
    registry = load_claims()
    claims = registry.select(("cohort-n", "qmg-median-baseline"))
    e = generate(20220827, 3, claims, chunk_size=40, workers=1)
    # recount independently: the candidates of the chunks drawn that meet the claims
    accepted = 0
    for index in range(e.candidates // 40):
        rng = np.random.default_rng(np.random.SeedSequence(20220827, spawn_key=(index,)))
        cohorts, consistent = draw_candidates(rng, 40, Targets.from_claims(claims), load_priors())
        accepted += int((consistent & holds_matrix(cohorts, claims).all(axis=1)).sum())
    assert e.acceptance_rate == pytest.approx(accepted / e.candidates)
    assert accepted > 3 or e.acceptance_rate == pytest.approx(3 / e.candidates)


def test_a_borderline_class_says_so_in_the_table_not_in_the_prose_marker():
    table = pd.DataFrame(
        {"ri_low": [1.0, 1.0], "ri_high": [2.0, 2.0], "number_class": [ic.BY_TESTS] * 2, "class_flips": [0.3, 0.05]},
        index=["a", "b"],
    )
    section = intervals.SectionIntervals(table)
    assert "borderline: another class in 30% of resamples" in section.class_words("a")
    assert "borderline" not in section.class_words("b")
    assert section.text("a", 1.5) == " [1.0 to 2.0 across reconstructions]"  # the class is the table's to show
    assert section.implied({"a": "x", "b": "y"}) == ["x", "y"]  # the class itself is unchanged
