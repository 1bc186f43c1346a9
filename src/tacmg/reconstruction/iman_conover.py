"""Iman-Conover (1982): impose a rank-correlation structure on columns with fixed values.

Each column keeps exactly its values; only their order across rows changes, so medians and means
fixed beforehand survive. Written by hand because no maintained library offers the method batched:
here the inputs are (B, n, k), so thousands of cohorts are reordered with a handful of array
operations, and an option keeps the sampling spread that the original procedure removes.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def nearest_correlation(matrix: np.ndarray, floor: float = 1e-6) -> np.ndarray:
    """A positive-definite correlation matrix close to `matrix` (eigenvalues clipped at `floor`).

    Target correlations written pair by pair need not be jointly possible; this repair keeps the
    ones that are and shrinks the rest as little as eigenvalue clipping allows.

    Parameters
    ----------
    matrix : numpy.ndarray
        (k, k) symmetric matrix with unit diagonal (symmetrised first if not quite symmetric).
    floor : float
        Smallest eigenvalue kept.

    Returns
    -------
    numpy.ndarray
        (k, k) positive-definite correlation matrix (unit diagonal).

    Examples
    --------
    >>> impossible = np.array([[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]])
    >>> nearest_correlation(impossible).round(2)
    array([[ 1. ,  0.5,  0.5],
           [ 0.5,  1. , -0.5],
           [ 0.5, -0.5,  1. ]])
    """
    sym = (matrix + matrix.T) / 2
    values, vectors = np.linalg.eigh(sym)
    repaired = vectors @ np.diag(np.clip(values, floor, None)) @ vectors.T
    scale = np.sqrt(np.diag(repaired))
    repaired = repaired / np.outer(scale, scale)
    np.fill_diagonal(repaired, 1.0)
    return repaired


def spearman_to_pearson(rho: np.ndarray) -> np.ndarray:
    """Pearson correlation of normal scores that yields Spearman `rho`: 2 sin(pi rho / 6).

    Parameters
    ----------
    rho : array_like
        Spearman correlations (-1 to 1).

    Returns
    -------
    numpy.ndarray
        Pearson correlations of bivariate normal variables with those rank correlations.

    References
    ----------
    Pearson K. Mathematical contributions to the theory of evolution XVI: on further methods of
    determining correlation. Drapers' Company Research Memoirs, Biometric Series IV. 1907.

    Examples
    --------
    >>> spearman_to_pearson(np.array([0.5, 1.0])).round(4)
    array([0.5176, 1.    ])
    """
    return 2 * np.sin(np.pi * np.asarray(rho) / 6)


def iman_conover(
    values: np.ndarray, target_spearman: np.ndarray, rng: np.random.Generator, exact: bool = True
) -> np.ndarray:
    """Reorder each column of `values` (B, n, k) so its rank correlations approach the target.

    Parameters
    ----------
    values : numpy.ndarray
        (B, n, k): B cohorts of n rows and k columns.
    target_spearman : numpy.ndarray
        (k, k) target Spearman correlations; their normal-score equivalents
        (`spearman_to_pearson`) are repaired by `nearest_correlation` if not jointly possible.
    rng : numpy.random.Generator
        The source of the random scores.
    exact : bool
        True is Iman and Conover's procedure: the random scores' chance correlation is removed
        before the target is imposed, so every cohort lands close to the target. False skips that
        step, so each cohort's correlations scatter around the target as those of a random sample
        of n from a population with that correlation would; ensembles that stand for "cohorts that
        could have been observed" need that sampling spread.

    Returns
    -------
    numpy.ndarray
        Same shape as `values`; column j of cohort b is a permutation of the input's.

    References
    ----------
    Iman RL, Conover WJ. A distribution-free approach to inducing rank correlation among input
    variables. Commun Stat Simul Comput 1982;11:311-334.

    Examples
    --------
    >>> values = np.stack([np.arange(50.0), np.arange(50.0) ** 2], axis=1)[None]
    >>> out = iman_conover(values, np.array([[1, 0.6], [0.6, 1]]), np.random.default_rng(0))
    >>> round(float(stats.spearmanr(out[0, :, 0], out[0, :, 1]).statistic), 1)
    0.6
    >>> bool(np.all(np.sort(out, axis=1) == values))
    True
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
    """`nearest_correlation` for a stack of matrices (B, k, k); a no-op for positive-definite ones.

    Parameters
    ----------
    matrices : numpy.ndarray
        (B, k, k) symmetric matrices with unit diagonal.
    floor : float
        Smallest eigenvalue kept.

    Returns
    -------
    numpy.ndarray
        (B, k, k) positive-definite correlation matrices; the input itself when all already are.

    Examples
    --------
    >>> stack = np.array([[[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]]])
    >>> bool(np.linalg.eigvalsh(nearest_correlation_batch(stack)).min() > 0)
    True
    """
    values, vectors = np.linalg.eigh(matrices)
    if np.all(values > floor):
        return matrices
    clipped = np.clip(values, floor, None)
    repaired = np.einsum("bij,bj,bkj->bik", vectors, clipped, vectors)
    scale = np.sqrt(np.einsum("bii->bi", repaired))
    return repaired / (scale[:, :, None] * scale[:, None, :])
