"""The batched statistics equal their one-cohort forms (and scipy) row by row, ties and zeros included."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats

from tacmg.stats import batched_estimates, batched_tests, estimates, permutation
from tacmg.stats.rows import masked_median


def _tied_pairs(rows: int = 60, n: int = 12, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Paired values on a coarse grid (many ties and zero changes), with an all-zero and a one-change row."""
    rng = np.random.default_rng(seed)
    before = rng.integers(0, 8, size=(rows, n)).astype(float)
    after = before + rng.integers(-3, 3, size=(rows, n))
    after[0] = before[0]
    after[1] = before[1]
    after[1, 4] += 2
    return before, after


@pytest.mark.parametrize("zeros", ["drop", "keep"])
@pytest.mark.parametrize("confidence", [0.95, 0.8])
def test_paired_shift_batch_equals_paired_shift(zeros, confidence):
    before, after = _tied_pairs()
    batch = batched_estimates.paired_shift_batch(before, after, confidence, zeros=zeros)
    for row, (b, a) in enumerate(zip(before, after)):
        one = estimates.paired_shift(b, a, confidence, zeros=zeros)
        assert (batch.estimate[row], batch.low[row], batch.high[row]) == (one.estimate, one.low, one.high)


def test_paired_shift_batch_on_continuous_values():
    rng = np.random.default_rng(4)
    before = rng.lognormal(3, 1, size=(40, 15))
    after = before * rng.lognormal(0, 0.3, size=(40, 15))
    batch = batched_estimates.paired_shift_batch(np.log(before), np.log(after))
    for row in range(40):
        one = estimates.paired_shift(np.log(before[row]), np.log(after[row]))
        assert (batch.estimate[row], batch.low[row], batch.high[row]) == (one.estimate, one.low, one.high)


def test_two_sample_shift_and_ratio_batch_equal_one_cohort_forms():
    rng = np.random.default_rng(5)
    x = np.round(rng.lognormal(3, 1, size=(30, 11)), 1)
    y = np.round(rng.lognormal(2.5, 1, size=(30, 9)), 1)
    shift = batched_estimates.two_sample_shift_batch(x, y, 0.9)
    ratio = batched_estimates.ratio_of_locations_batch(x, y)
    for row in range(30):
        one = estimates.two_sample_shift(x[row], y[row], 0.9)
        assert (shift.estimate[row], shift.low[row], shift.high[row]) == (one.estimate, one.low, one.high)
        one = estimates.ratio_of_locations(x[row], y[row])
        assert (ratio.estimate[row], ratio.low[row], ratio.high[row]) == (one.estimate, one.low, one.high)


def test_rank_biserial_batches_equal_one_cohort_forms():
    before, after = _tied_pairs()
    paired = batched_estimates.paired_rank_biserial_batch(before, after)
    two_sample = batched_estimates.two_sample_rank_biserial_batch(before, after)
    for row, (b, a) in enumerate(zip(before, after)):
        assert paired[row] == estimates.paired_rank_biserial(b, a)
        assert two_sample[row] == estimates.two_sample_rank_biserial(b, a)
    assert paired[0] == 0.0


def test_spearman_t_equals_scipy_spearmanr_with_ties_and_constant_rows():
    before, after = _tied_pairs()
    before[2] = 4.0  # constant: rho and p are NaN, as scipy gives them
    rho, p = batched_tests.spearman_t(before, after)
    for row in range(before.shape[0]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", stats.ConstantInputWarning)
            expected = stats.spearmanr(before[row], after[row])
        np.testing.assert_allclose([rho[row], p[row]], [expected.statistic, expected.pvalue], rtol=1e-12, atol=0)
    assert np.isnan(rho[2]) and np.isnan(p[2])


def test_kruskal_wallis_equals_scipy_on_the_groups_taking_part():
    rng = np.random.default_rng(6)
    values = np.round(rng.normal(size=(80, 14)), 1)  # ties
    groups = rng.integers(-1, 5, size=(80, 14))  # -1: in no group; some groups of 0 or 1 value
    groups[0] = 0  # a single group: no test
    values[1] = 0.5  # all values equal: no test
    h, p = batched_tests.kruskal_wallis(values, groups, n_groups=5)
    for row in range(80):
        samples = [values[row][groups[row] == g] for g in range(5) if (groups[row] == g).sum() >= 2]
        if len(samples) < 2 or np.ptp(np.concatenate(samples)) == 0:
            assert np.isnan(h[row]) and np.isnan(p[row])
            continue
        expected = stats.kruskal(*samples)
        np.testing.assert_allclose([h[row], p[row]], [expected.statistic, expected.pvalue], rtol=1e-12, atol=0)
    assert np.isnan(p[:2]).all() and np.isfinite(p[2:]).sum() > 60


def test_masked_median_equals_numpy_median_of_the_kept_values():
    rng = np.random.default_rng(7)
    values = np.round(rng.normal(size=(50, 9)), 2)
    keep = rng.random((50, 9)) < 0.5
    keep[0] = False
    medians = masked_median(values, keep)
    for row in range(50):
        expected = np.median(values[row][keep[row]]) if keep[row].any() else np.nan
        assert medians[row] == expected or (np.isnan(medians[row]) and np.isnan(expected))


@pytest.mark.parametrize("zero_method", ["wilcox", "pratt"])
def test_signed_rank_permutation_batch_equals_the_row_by_row_count(zero_method):
    before, after = _tied_pairs(rows=80, n=16)
    diff = after - before
    batch_p, batch_exact = permutation.signed_rank_permutation_batch(diff, zero_method)
    p, exact = permutation.signed_rank_permutation(diff, zero_method)
    np.testing.assert_array_equal(batch_p, p)  # NaN where p is NaN (the all-zero row)
    np.testing.assert_array_equal(batch_exact, exact)
    assert np.isnan(batch_p[0]) and np.isfinite(batch_p[1:]).all()


def test_signed_rank_permutation_batch_beyond_exact_counts():
    rng = np.random.default_rng(8)
    diff = rng.integers(-3, 4, size=(3, permutation.EXACT_MAX_N + 5)).astype(float)
    batch_p, batch_exact = permutation.signed_rank_permutation_batch(diff)
    p, exact = permutation.signed_rank_permutation(diff)
    np.testing.assert_array_equal(batch_p, p)
    np.testing.assert_array_equal(batch_exact, exact)
