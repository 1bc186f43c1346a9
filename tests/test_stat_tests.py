"""The batched tests agree with scipy's one-sample-at-a-time functions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tacmg.stats import permutation, rank_tests


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


def _brute_force_permutation_p(d: np.ndarray, zero_method: str) -> float:
    """Two-sided p from all 2^n sign assignments, one by one (the definition)."""
    import itertools

    ranked = d[d != 0] if zero_method == "wilcox" else d
    ranks = stats.rankdata(np.abs(ranked))
    signed = ranks[ranked != 0]
    observed = ranks[ranked > 0].sum()
    sums = np.array([signed[list(s)].sum() for s in itertools.product([False, True], repeat=signed.size)])
    return min(1.0, 2 * min(np.mean(sums <= observed + 1e-9), np.mean(sums >= observed - 1e-9)))


@pytest.mark.parametrize("zero_method", ["wilcox", "pratt"])
def test_permutation_p_matches_brute_force_enumeration_with_ties_and_zeros(rng, zero_method):
    for _ in range(40):
        n = int(rng.integers(3, 11))
        d = rng.integers(-3, 4, size=n).astype(float)  # many ties and zeros
        if not d.any():
            continue
        p, exact = permutation.signed_rank_permutation(d, zero_method)
        assert exact[0]
        assert p[0] == pytest.approx(_brute_force_permutation_p(d, zero_method))


def test_permutation_p_matches_scipy_enumeration_where_scipy_enumerates(rng):
    # scipy's permutation test is a full enumeration when 2^n <= n_resamples (9999): n <= 13.
    d = rng.integers(-4, 3, size=(5, 11)).astype(float)
    p, _ = permutation.signed_rank_permutation(d)
    for row, value in zip(d, p):
        assert value == pytest.approx(stats.wilcoxon(row, method=stats.PermutationMethod()).pvalue)


def test_permutation_p_without_ties_is_scipys_exact_p(rng):
    d = rng.normal(-0.5, 1, size=(10, 32))
    p, exact = permutation.signed_rank_permutation(d)
    assert exact.all()
    np.testing.assert_allclose(p, [stats.wilcoxon(row, method="exact").pvalue for row in d])


def test_permutation_p_falls_back_to_the_normal_approximation_beyond_the_exact_limit(rng):
    d = rng.choice([-3.0, -2.0, -1.0, 1.0, 2.0], size=(2, rank_tests.EXACT_MAX_N + 1))  # no zeros
    p, exact = permutation.signed_rank_permutation(d)
    assert not exact.any()
    for row, value in zip(d, p):
        assert value == pytest.approx(stats.wilcoxon(row, method="approx", correction=False).pvalue)
    assert "normal approximation" in permutation.PERMUTATION_WORDS[False]


def test_permutation_p_is_nan_without_a_non_zero_difference_and_rejects_unknown_zero_methods():
    assert np.isnan(permutation.signed_rank_permutation(np.zeros(5))[0][0])
    with pytest.raises(ValueError):
        permutation.signed_rank_permutation(np.ones(5), "zsplit")


def test_smallest_significant_rho_is_the_boundary_of_scipys_spearman_p(rng):
    n = 12
    r_c = rank_tests.smallest_significant_rho(n)
    x = np.arange(n, dtype=float)
    for _ in range(500):
        y = rng.permutation(n).astype(float)
        result = stats.spearmanr(x, y)
        if abs(abs(result.statistic) - r_c) > 1e-9:
            assert (result.pvalue < 0.05) == (abs(result.statistic) > r_c)
    # at the boundary itself the t approximation gives exactly alpha
    t = r_c * np.sqrt((n - 2) / (1 - r_c**2))
    assert 2 * stats.t.sf(t, n - 2) == pytest.approx(0.05)
