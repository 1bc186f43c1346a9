"""Hodges-Lehmann estimates and rank-biserial effect sizes against hand-checkable cases."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tacmg.stats import estimates


def test_signed_rank_null_distribution_matches_scipy_exact_p():
    counts = estimates._signed_rank_null_counts(10)
    assert counts.sum() == 2**10
    # P(T+ <= 8) for n = 10, against scipy's exact one-sided p of a sample with T+ = 8.
    d = np.array([1, 2, 5, -3, -4, -6, -7, -8, -9, -10], float)
    assert stats.wilcoxon(d, alternative="less", method="exact").pvalue == pytest.approx(counts[:9].sum() / 2**10)


def test_paired_shift_of_a_constant_change_is_that_change():
    before = np.arange(1, 21, dtype=float)
    result = estimates.paired_shift(before, before - 3)
    assert result.estimate == -3 and result.low == -3 and result.high == -3


def test_paired_shift_interval_covers_the_true_shift_about_95_percent():
    rng = np.random.default_rng(0)
    covered = 0
    for _ in range(400):
        d = rng.normal(-2.0, 3.0, 32)
        r = estimates.paired_shift(np.zeros(32), d)
        covered += r.low <= -2.0 <= r.high
        assert r.low <= r.estimate <= r.high
    assert 0.92 <= covered / 400 <= 0.985


def test_ratio_of_locations_recovers_a_multiplicative_shift():
    rng = np.random.default_rng(1)
    x = rng.lognormal(np.log(200), 0.4, 400)
    y = rng.lognormal(np.log(100), 0.4, 400)
    r = estimates.ratio_of_locations(x, y)
    assert 1.8 < r.estimate < 2.2 and r.low < 2.0 < r.high


def test_rank_biserial_bounds():
    assert estimates.paired_rank_biserial([5, 6, 7], [1, 2, 3]) == -1.0
    assert estimates.two_sample_rank_biserial([10, 11, 12], [1, 2, 3]) == 1.0
    assert estimates.paired_rank_biserial([1, 2], [1, 2]) == 0.0


def _walsh_median(d):
    i, j = np.triu_indices(len(d))
    return float(np.median((np.asarray(d)[i] + np.asarray(d)[j]) / 2))


def test_the_two_zero_conventions_are_the_walsh_medians_without_and_with_the_zeros():
    before = np.array([10, 12, 9, 14, 11, 13, 8, 7], float)
    after = np.array([7, 12, 5, 14, 5, 18, 8, 6], float)  # three zero changes
    d = after - before
    assert estimates.paired_shift(before, after).estimate == _walsh_median(d[d != 0])
    assert estimates.paired_shift(before, after, zeros="keep").estimate == _walsh_median(d)
    assert estimates.paired_shift(before, after, zeros="keep").estimate != _walsh_median(d[d != 0])
    with pytest.raises(ValueError):
        estimates.paired_shift(before, after, zeros="zsplit")


def test_textbook_interval_uses_the_critical_value_of_all_n():
    d = np.array([-6, -5, -4, -3, -3, -2, -1, 0, 0, 1, 2, -7], float)
    i, j = np.triu_indices(d.size)
    walsh = np.sort((d[i] + d[j]) / 2)
    k = estimates.signed_rank_critical(d.size, 0.95)
    result = estimates.paired_shift(np.zeros(d.size), d, zeros="keep")
    assert (result.low, result.high) == (walsh[k - 1], walsh[walsh.size - k])


def _brute_force_conditional_interval(d, confidence, zero_method):
    """Hull of the shifts on a fine grid whose brute-force permutation p exceeds 1 - confidence."""
    import itertools

    accepted = []
    for c in np.arange(d.min() - 1, d.max() + 1 + 1e-9, 0.25):  # every Walsh average and between
        e = d - c
        e = e[e != 0] if zero_method == "wilcox" else e
        ranks = stats.rankdata(np.abs(e))
        signed = ranks[e != 0]
        if signed.size == 0:
            accepted.append(c)
            continue
        observed = ranks[e > 0].sum()
        sums = np.array([signed[list(s)].sum() for s in itertools.product([False, True], repeat=signed.size)])
        p = min(1.0, 2 * min(np.mean(sums <= observed + 1e-9), np.mean(sums >= observed - 1e-9)))
        if p > 1 - confidence:
            accepted.append(c)
    return min(accepted), max(accepted)


@pytest.mark.parametrize("zeros, zero_method", [("drop", "wilcox"), ("keep", "pratt")])
def test_conditional_interval_matches_brute_force_test_inversion_with_ties_and_zeros(zeros, zero_method):
    rng = np.random.default_rng(7)
    for _ in range(6):
        d = rng.integers(-6, 3, size=9).astype(float)  # integers: Walsh averages on the 0.5 grid
        result = estimates.paired_shift(np.zeros(d.size), d, confidence=0.9, zeros=zeros, interval="conditional")
        low, high = _brute_force_conditional_interval(d, 0.9, zero_method)
        # a grid hull inside [min - 1, max + 1] stands for an unbounded side
        # (the closure: an accepted open stretch between Walsh averages, which lie on the 0.5 grid,
        # reaches down and up to them)
        expected_low = -np.inf if low == d.min() - 1 else np.floor(2 * low) / 2
        expected_high = np.inf if high == d.max() + 1 else np.ceil(2 * high) / 2
        assert (result.low, result.high) == (expected_low, expected_high)


def test_conditional_interval_equals_the_critical_value_interval_without_ties():
    rng = np.random.default_rng(3)
    for n in (8, 15, 32):
        d = rng.normal(-1, 2, n)
        classic = estimates.paired_shift(np.zeros(n), d)
        conditional = estimates.paired_shift(np.zeros(n), d, interval="conditional")
        assert (conditional.low, conditional.high) == pytest.approx((classic.low, classic.high))


def test_conditional_interval_is_unbounded_when_n_is_too_small_to_reject():
    # n = 4: the smallest two-sided p is 2 / 16 = 0.125, so no shift is rejected at 95%
    result = estimates.paired_shift(np.zeros(4), [-1.0, -2.0, -3.0, -4.0], interval="conditional")
    assert result.low == -np.inf and result.high == np.inf


def test_spearman_interval_covers_about_95_percent_of_simulated_cohorts():
    rng = np.random.default_rng(11)
    n, reps, true_rho_pearson = 32, 2000, 0.5
    # Spearman rho of a bivariate normal with correlation r: (6 / pi) arcsin(r / 2)
    true_rho = 6 / np.pi * np.arcsin(true_rho_pearson / 2)
    cov = [[1, true_rho_pearson], [true_rho_pearson, 1]]
    xy = rng.multivariate_normal([0, 0], cov, size=(reps, n))
    rank_x, rank_y = stats.rankdata(xy[..., 0], axis=1), stats.rankdata(xy[..., 1], axis=1)
    rho = np.array([np.corrcoef(a, b)[0, 1] for a, b in zip(rank_x, rank_y)])
    low, high = estimates.spearman_interval(rho, n, 0.95)
    coverage = np.mean((low <= true_rho) & (true_rho <= high))
    assert 0.93 <= coverage <= 0.97
    assert np.all(low < rho) and np.all(rho < high)


def test_spearman_interval_by_hand_and_at_the_edges():
    low, high = estimates.spearman_interval(np.array([0.0, 1.0, np.nan]), 28, 0.95)
    half_width = np.tanh(stats.norm.ppf(0.975) * np.sqrt(1 / 25))
    assert low[0] == pytest.approx(-half_width) and high[0] == pytest.approx(half_width)
    assert low[1] == high[1] == 1.0
    assert np.isnan(low[2]) and np.isnan(high[2])
