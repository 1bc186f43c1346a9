"""Iman-Conover (1982): impose a rank-correlation structure on columns with fixed values.

Each column keeps exactly its values; only their order across rows changes. Batched: the inputs
are (B, n, k) so thousands of cohorts are reordered with a handful of array operations.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def nearest_correlation(matrix: np.ndarray, floor: float = 1e-6) -> np.ndarray:
    """A positive-definite correlation matrix close to `matrix` (eigenvalues clipped at `floor`).

    Target correlations written pair by pair need not be jointly possible; this repair keeps the
    ones that are and shrinks the rest as little as eigenvalue clipping allows.
    """
    sym = (matrix + matrix.T) / 2
    values, vectors = np.linalg.eigh(sym)
    repaired = vectors @ np.diag(np.clip(values, floor, None)) @ vectors.T
    scale = np.sqrt(np.diag(repaired))
    repaired = repaired / np.outer(scale, scale)
    np.fill_diagonal(repaired, 1.0)
    return repaired


def spearman_to_pearson(rho: np.ndarray) -> np.ndarray:
    """Pearson correlation of normal scores that yields Spearman `rho` (Pearson 1907)."""
    return 2 * np.sin(np.pi * np.asarray(rho) / 6)


def iman_conover(
    values: np.ndarray, target_spearman: np.ndarray, rng: np.random.Generator, exact: bool = True
) -> np.ndarray:
    """Reorder each column of `values` (B, n, k) so its rank correlations approach the target.

    exact=True is Iman and Conover's procedure: the random scores' chance correlation is removed
    before the target is imposed, so every cohort lands close to the target. exact=False skips that
    step, so each cohort's correlations scatter around the target as those of a random sample of n
    from a population with that correlation would; ensembles that stand for "cohorts that could
    have been observed" need that sampling spread.

    Returns an array of the same shape whose column j in cohort b is a permutation of the input's.
    """
    batch, n, k = values.shape
    target = nearest_correlation(spearman_to_pearson(target_spearman))
    normal_scores = stats.norm.ppf(np.arange(1, n + 1) / (n + 1))
    permutation = rng.random((batch, n, k)).argsort(axis=1)
    scores = normal_scores[permutation]
    target_chol = np.linalg.cholesky(target)
    if exact:
        # The random scores have some chance correlation E; remove it (Q^-1) before imposing P.
        observed = np.einsum("bni,bnj->bij", scores, scores) / np.sum(normal_scores**2)
        observed_chol = np.linalg.cholesky(nearest_correlation_batch(observed))
        # T = S (Q^-1)^T P^T, computed as a triangular solve per cohort.
        decorrelated = np.linalg.solve(observed_chol, scores.transpose(0, 2, 1))  # (B, k, n)
    else:
        decorrelated = scores.transpose(0, 2, 1)
    correlated = np.einsum("ij,bjn->bin", target_chol, decorrelated).transpose(0, 2, 1)
    ranks = correlated.argsort(axis=1).argsort(axis=1)
    return np.take_along_axis(np.sort(values, axis=1), ranks, axis=1)


def nearest_correlation_batch(matrices: np.ndarray, floor: float = 1e-9) -> np.ndarray:
    """`nearest_correlation` for a stack of matrices (B, k, k); a no-op for positive-definite ones."""
    values, vectors = np.linalg.eigh(matrices)
    if np.all(values > floor):
        return matrices
    clipped = np.clip(values, floor, None)
    repaired = np.einsum("bij,bj,bkj->bik", vectors, clipped, vectors)
    scale = np.sqrt(np.einsum("bii->bi", repaired))
    return repaired / (scale[:, :, None] * scale[:, None, :])
