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
