"""The package's one Benjamini-Hochberg rule, against statsmodels, with ties and missing p-values."""

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from tacmg.stats.multiplicity import adjust_p, benjamini_hochberg


def test_rows_match_statsmodels():
    p = np.random.default_rng(0).random((20, 15)) ** 3
    expected = np.array([multipletests(row, method="fdr_bh")[1] for row in p])
    np.testing.assert_allclose(benjamini_hochberg(p), expected)


def test_ties_match_statsmodels():
    p = np.array([0.01, 0.01, 0.03, 0.03, 0.03, 0.5, 0.5])
    np.testing.assert_allclose(benjamini_hochberg(p), multipletests(p, method="fdr_bh")[1])


def test_a_missing_p_is_left_out_of_the_family():
    p = np.array([0.01, np.nan, 0.04, 0.02])
    adjusted = benjamini_hochberg(p)
    assert np.isnan(adjusted[1])
    np.testing.assert_allclose(adjusted[[0, 2, 3]], multipletests(p[[0, 2, 3]], method="fdr_bh")[1])


def test_missing_values_in_a_batch_leave_only_their_own_row_smaller():
    p = np.array([[0.01, 0.02, 0.03], [0.01, np.nan, 0.03]])
    adjusted = benjamini_hochberg(p)
    np.testing.assert_allclose(adjusted[0], multipletests(p[0], method="fdr_bh")[1])
    np.testing.assert_allclose(adjusted[1, [0, 2]], multipletests([0.01, 0.03], method="fdr_bh")[1])


def test_all_missing_stays_missing():
    assert np.isnan(benjamini_hochberg([np.nan, np.nan])).all()


@pytest.mark.parametrize("method", ["bonferroni", "holm", "fdr_by"])
def test_other_methods_use_statsmodels_on_the_finite_values(method):
    p = np.array([0.01, np.nan, 0.2, 0.04])
    adjusted = adjust_p(p, method)
    assert np.isnan(adjusted[1])
    np.testing.assert_allclose(adjusted[[0, 2, 3]], multipletests(p[[0, 2, 3]], method=method)[1])


def test_fdr_bh_through_adjust_p_is_the_same_function():
    p = np.random.default_rng(1).random(9)
    np.testing.assert_array_equal(adjust_p(p), benjamini_hochberg(p))


def test_batches_with_ties_and_missing_values_together_match_statsmodels_row_by_row():
    rng = np.random.default_rng(2)
    p = np.round(rng.random((200, 12)) ** 2, 2)  # rounding to 2 decimals makes many ties
    p[rng.random(p.shape) < 0.2] = np.nan
    p[0] = np.nan  # a family with no test run at all
    adjusted = benjamini_hochberg(p)
    for row, result in zip(p, adjusted):
        finite = np.isfinite(row)
        assert np.array_equal(np.isnan(result), ~finite)
        if finite.any():
            np.testing.assert_allclose(result[finite], multipletests(row[finite], method="fdr_bh")[1])
