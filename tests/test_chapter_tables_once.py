"""Chapters 05-07 compute each table once and glue their numbers from it, section by section: the
numbers glued that way must be those the ensembles measure (the chapter's numbers function)."""

from __future__ import annotations

import math

import pytest

from tacmg import load
from tacmg.analyses import correlations, molecule_change, molecules_vs_controls
from tacmg.data.paths import RECONSTRUCTED_DIR
from tacmg.presentation import chapter_numbers, intervals


@pytest.fixture(scope="module")
def committed():
    return load(RECONSTRUCTED_DIR)


def flat(numbers):
    return intervals.FlatNumbers(lambda _: numbers)(None)


def assert_same(got, expected):
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        same = value == got[key] or (isinstance(value, float) and math.isnan(value) and math.isnan(got[key]))
        assert same, f"{key}: {got[key]!r} != {value!r}"


def test_vs_controls_from_the_chapter_table(committed):
    options = dict(alpha=0.01, correction="bonferroni", confidence=0.9)
    table = molecules_vs_controls.baseline_against_controls(committed, **options)
    assert_same(
        flat(chapter_numbers.vs_controls_from_table(committed, table, alpha=0.01)),
        flat(chapter_numbers.vs_controls_numbers(committed, **options)),
    )


def test_change_glued_section_by_section(committed):
    statuses, options = ("MM", "I"), dict(alpha=0.01, correction="holm", confidence=0.9)
    all_patients = molecule_change.paired_change(committed, **options)
    subset = molecule_change.paired_change(committed, statuses=statuses, **options)
    status_test = molecule_change.status_difference_test(committed, alpha=0.01, correction="holm")
    expected = flat(chapter_numbers.change_numbers(committed, statuses, **options))
    glued = {}
    for tables in ((all_patients,), (all_patients, subset), (all_patients, subset, status_test)):
        part = flat(chapter_numbers.change_from_tables(committed, *tables, statuses=statuses, alpha=0.01))
        assert_same(part, {key: expected[key] for key in part})  # each stage: a part of the whole
        glued.update(part)
    assert_same(glued, expected)
    first = flat(chapter_numbers.change_from_tables(committed, all_patients))
    assert not any(key.startswith("change_sub_") for key in first)


def test_correlations_glued_section_by_section(committed):
    table = correlations.correlation_table(committed, visit="month_12", alpha=0.01, correction="bonferroni")
    between_within = correlations.between_and_within(committed, "il2", ("mg_adl",))
    expected = flat(
        chapter_numbers.correlation_numbers(
            committed, visit="month_12", alpha=0.01, correction="bonferroni", molecule="il2", scores_between=("mg_adl",)
        )
    )
    first = flat(chapter_numbers.correlation_from_tables(committed, table, visit="month_12", alpha=0.01))
    assert not any(key.startswith("corr_bw_") for key in first)
    both = flat(chapter_numbers.correlation_from_tables(committed, table, between_within, visit="month_12", alpha=0.01))
    assert_same(both, expected)
