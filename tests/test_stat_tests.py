"""The batched tests agree with scipy's one-sample-at-a-time functions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tacmg.stats import rank_tests


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def test_signed_rank_matches_scipy_row_by_row_with_ties_and_zeros(rng):
    before = rng.integers(3, 20, size=(25, 32)).astype(float)
    after = np.clip(before - rng.integers(-3, 8, size=before.shape), 0, None)
    result = rank_tests.signed_rank(before, after)
    for i in range(before.shape[0]):
        d = after[i] - before[i]
        assert result.p[i, 0] == pytest.approx(stats.wilcoxon(d, method="exact").pvalue)
        assert result.p[i, 1] == pytest.approx(stats.wilcoxon(d, method="approx").pvalue)
        assert result.p[i, 2] == pytest.approx(stats.wilcoxon(d, method="approx", correction=True).pvalue)
        assert result.estimate[i] == np.median(d)


def test_rank_sum_matches_scipy_row_by_row(rng):
    patients = rng.lognormal(0.3, 0.5, size=(20, 32))
    controls = rng.lognormal(0.0, 0.5, size=(20, 30))
    result = rank_tests.rank_sum(patients, controls)
    for i in range(20):
        exact = stats.mannwhitneyu(patients[i], controls[i], method="exact")
        assert result.p[i, 0] == pytest.approx(exact.pvalue)
        assert result.statistic[i] == exact.statistic
        assert result.p[i, 1] == pytest.approx(
            stats.mannwhitneyu(patients[i], controls[i], method="asymptotic", use_continuity=False).pvalue
        )
        assert result.p[i, 2] == pytest.approx(
            stats.mannwhitneyu(patients[i], controls[i], method="asymptotic", use_continuity=True).pvalue
        )


def test_spearman_matches_scipy_spearmanr(rng):
    x = rng.normal(size=(20, 32))
    y = x + rng.normal(size=x.shape)
    y[:, :5] = np.round(y[:, :5])  # some ties
    result = rank_tests.spearman(x, y)
    for i in range(20):
        reference = stats.spearmanr(x[i], y[i])
        assert result.estimate[i] == pytest.approx(reference.statistic)
        assert result.p[i, 0] == pytest.approx(reference.pvalue)
        assert result.p[i, 1] == pytest.approx(2 * stats.norm.sf(abs(reference.statistic) * np.sqrt(31)))


def test_all_zero_differences_give_nan_not_a_crash():
    before = np.ones((2, 10))
    after = before.copy()
    after[1, :] = 0
    result = rank_tests.signed_rank(before, after)
    assert np.isnan(result.p[0, 1])
    assert result.p[1, 1] < 0.01


def test_reported_p_is_exact_without_ties_and_normal_with_ties():
    untied_before = np.zeros((1, 12))
    untied_after = -np.arange(1, 13, dtype=float)[None] * 1.5
    tied_after = -np.array([[1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]], float)
    untied = rank_tests.signed_rank(untied_before, untied_after)
    tied = rank_tests.signed_rank(untied_before, tied_after)
    assert untied.p_primary[0] == untied.p[0, 0]  # exact
    assert tied.p_primary[0] == tied.p[0, 1]  # normal approximation
