"""Consistency checks of the report's arithmetic."""

from __future__ import annotations

import pytest

from tacmg.claims import consistency


def test_no_whole_count_of_32_is_exactly_or_roundly_33_percent():
    assert consistency.counts_rounding_to(33, 32) == []
    assert consistency.counts_rounding_to(33, 30) == [10]


def test_grim_detects_an_impossible_mean_when_n_is_small():
    assert not consistency.grim_consistent(5.19, 7, 2)  # 36/7 = 5.14, 37/7 = 5.29
    assert consistency.grim_consistent(5.14, 7, 2)
    assert consistency.grim_power(32, 1) == 0.0
    assert consistency.grim_power(5, 1) == pytest.approx(0.5)


def test_smallest_wilcoxon_p_at_32_is_about_4_7e_minus_10():
    assert consistency.smallest_signed_rank_p(32) == pytest.approx(2 / 2**32)
    assert consistency.fewest_changes_for(1e-4) == 15


def test_median_pairs_on_a_dose_grid():
    assert (12.5, 15.0) in consistency.median_pairs(13.75, [0, 2.5, 5, 7.5, 10, 12.5, 15, 17.5])
    assert consistency.median_pairs(32, [25, 27.5, 30, 32.5, 35]) == []


def test_checks_table_has_a_verdict_for_every_row():
    table = consistency.checks()
    assert set(table["verdict"]) <= {"consistent", "inconsistent", "ambiguous", "uninformative"}
    verdicts = dict(zip(table["check"] + " " + table["figures"], table["verdict"]))
    assert verdicts["percentage against n 33% of 32"] == "ambiguous"
    assert "inconsistent" in set(table.loc[table["check"] == "sample matrix", "verdict"])
