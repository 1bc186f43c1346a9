"""Each table computed once: a chapter hands the table it computed for display to its numbers function.

The numbers must be those of the table handed in (not of a table the function computes again),
and without a table the function must compute the same numbers as before (the ensembles call it so).
"""

from __future__ import annotations

import math
import shutil

import pytest

from tacmg import load
from tacmg.analyses import prednisone, scores, status
from tacmg.data.paths import RECONSTRUCTED_DIR
from tacmg.presentation import chapter_numbers


@pytest.fixture(scope="module")
def committed():
    return load(RECONSTRUCTED_DIR)


@pytest.fixture(scope="module")
def half(tmp_path_factory):
    """The committed cohort's first 16 patients: another dataset whose numbers all differ."""
    directory = tmp_path_factory.mktemp("half-cohort")
    for name, lines in (("patients.csv", 1 + 16), ("visits.csv", 1 + 2 * 16), ("controls.csv", None)):
        text = (RECONSTRUCTED_DIR / name).read_text(encoding="utf-8")
        if lines is None:
            shutil.copy(RECONSTRUCTED_DIR / name, directory / name)
        else:
            (directory / name).write_text("\n".join(text.splitlines()[:lines]) + "\n", encoding="utf-8")
    return load(directory)


def _same(a: dict, b: dict) -> bool:
    """Equal numbers (NaN equal to NaN) under the same keys."""
    if a.keys() != b.keys():
        return False
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
            continue
        if x != y:
            return False
    return True


def _flat(numbers: dict) -> dict:
    return {f"{prefix}_{name}": value for prefix, values in numbers.items() for name, value in values.items()}


def test_the_half_cohort_differs(committed, half):
    assert len(half.patients) == 16 and len(committed.patients) == 32
    assert not _same(_flat(chapter_numbers.status_numbers(half)), _flat(chapter_numbers.status_numbers(committed)))


def test_score_numbers_read_the_table_handed_in(committed, half):
    mcid = dict(scores.MCID_POINTS)
    default = _flat(chapter_numbers.score_numbers(committed))
    own = scores.score_changes(committed, confidence=0.95, mcid=mcid)
    assert _same(_flat(chapter_numbers.score_numbers(committed, 0.95, mcid, changes=own)), default)
    # a table of other data: every number from it, but the half-SD reading of the MG-QOL15 is the
    # dataset's own (it is not in the table)
    other = _flat(chapter_numbers.score_numbers(committed, changes=scores.score_changes(half)))
    expected = _flat(chapter_numbers.score_numbers(half))
    assert other.pop("scores_qol_half_sd") == default["scores_qol_half_sd"]
    expected.pop("scores_qol_half_sd")
    assert _same(other, expected) and not _same(other, {k: default[k] for k in other})


def test_prednisone_numbers_read_the_taper_handed_in(committed, half):
    default = _flat(chapter_numbers.prednisone_numbers(committed))
    own = prednisone.prednisone_taper(committed, confidence=0.95)
    assert _same(_flat(chapter_numbers.prednisone_numbers(committed, 0.95, taper=own)), default)
    other = chapter_numbers.prednisone_numbers(committed, taper=prednisone.prednisone_taper(half))
    assert _same(_flat(other), _flat(chapter_numbers.prednisone_numbers(half))) and not _same(_flat(other), default)


def test_status_numbers_read_both_tables_handed_in(committed, half):
    default = _flat(chapter_numbers.status_numbers(committed))
    counts, by_status = status.status_counts(committed, confidence=0.95), status.changes_by_status(committed)
    assert _same(_flat(chapter_numbers.status_numbers(committed, 0.95, counts=counts, by_status=by_status)), default)
    other = chapter_numbers.status_numbers(
        committed, counts=status.status_counts(half), by_status=status.changes_by_status(half)
    )
    assert _same(_flat(other), _flat(chapter_numbers.status_numbers(half))) and not _same(_flat(other), default)
