"""Iman-Conover keeps every column's values exactly and reaches the target rank correlations."""

from __future__ import annotations

import numpy as np
from scipy import stats

from tacmg.reconstruction.iman_conover import iman_conover, nearest_correlation

# Stated tolerance: for continuous marginals with n = 32, the mean over cohorts of the achieved
# Spearman correlation is within 0.05 of the target, and a single cohort within 0.2.
MEAN_TOLERANCE = 0.05
SINGLE_TOLERANCE = 0.2


def _target():
    return np.array([[1.0, 0.55, -0.5], [0.55, 1.0, 0.0], [-0.5, 0.0, 1.0]])


def test_marginals_are_kept_exactly():
    rng = np.random.default_rng(1)
    values = np.stack(
        [rng.lognormal(size=(50, 32)), rng.integers(0, 10, size=(50, 32)), rng.gamma(2.0, size=(50, 32))], axis=2
    )
    out = iman_conover(values, _target(), rng)
    assert out.shape == values.shape
    np.testing.assert_array_equal(np.sort(out, axis=1), np.sort(values, axis=1))


def test_target_rank_correlations_are_reached_within_tolerance():
    rng = np.random.default_rng(2)
    values = rng.lognormal(size=(400, 32, 3))
    out = iman_conover(values, _target(), rng)
    achieved = np.array([stats.spearmanr(cohort).statistic for cohort in out])
    target = _target()
    mean = achieved.mean(axis=0)
    assert np.all(np.abs(mean - target) < MEAN_TOLERANCE)
    assert np.all(np.abs(achieved - target) < SINGLE_TOLERANCE)


def test_impossible_targets_are_repaired_to_a_valid_correlation_matrix():
    impossible = np.array([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1.0]])
    repaired = nearest_correlation(impossible)
    assert np.all(np.linalg.eigvalsh(repaired) > 0)
    np.testing.assert_allclose(np.diag(repaired), 1.0)
    np.testing.assert_allclose(repaired, repaired.T)


def test_sampling_mode_scatters_like_a_sample_of_n_around_the_target():
    """exact=False keeps the chance correlation: the spread across cohorts is that of sample rho."""
    rng = np.random.default_rng(3)
    target = np.eye(3)
    target[0, 1] = target[1, 0] = 0.55
    values = rng.lognormal(size=(600, 32, 3))
    exact = np.array([stats.spearmanr(c).statistic[0, 1] for c in iman_conover(values, target, rng)])
    sampled = np.array([stats.spearmanr(c).statistic[0, 1] for c in iman_conover(values, target, rng, exact=False)])
    null = np.array([stats.spearmanr(c).statistic[0, 2] for c in iman_conover(values, target, rng, exact=False)])
    assert abs(sampled.mean() - 0.55) < 0.05
    assert sampled.std() > 2 * exact.std()
    # With a zero target, the sample correlation's spread is about 1 / sqrt(n - 1).
    assert 0.7 / np.sqrt(31) < null.std() < 1.3 / np.sqrt(31)
    for sample in (iman_conover(values, target, rng, exact=False),):
        np.testing.assert_array_equal(np.sort(sample, axis=1), np.sort(values, axis=1))
