"""A claim evaluated on a batch of cohorts: what `tacmg.claims.evaluate` returns per claim.

In its own module so that the evaluators (`tacmg.claims.evaluate`) and the verdict words
(`tacmg.claims.verdicts`), which both read it, import it from below rather than from each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tacmg.claims.registry import Claim

__all__ = ["Outcome"]


@dataclass
class Outcome:
    """A claim evaluated on B cohorts: every array is (B,).

    Parameters
    ----------
    claim : Claim
        The claim evaluated.
    holds : numpy.ndarray
        Booleans: the claim holds in the cohort.
    estimate : numpy.ndarray
        The quantity's value: the count, mean or median (in the variable's unit), the median
        paired change, the ratio of patient to control medians, or Spearman's rho.
    statistic, p_value, p_value_worst : numpy.ndarray
        The test statistic, the primary variant's p-value and the p-value of the variant least
        favourable to the claim; NaN for descriptive claims.
    test : str
        The test and its variants, e.g. ``"Spearman (t approximation, normal approximation)"``;
        empty for descriptive claims.
    n_note : list of str or None
        Per cohort, how many patients (and controls) the statistic used when missing values left
        some out (`tacmg.claims.complete_cases.note`); None when the data are complete.
    computable : numpy.ndarray or None
        (B,) booleans: the data can test the claim (its estimate and p exist, and its test can
        reach its bound at the sample's size, `tacmg.claims.holds_rule.can_reach_bound`); where
        False, `holds` is False too and the verdict is "not computable". None: where the estimate
        is a number.
    n_used : numpy.ndarray or None
        (B,) the observations the claim's test used (non-zero changes, patients with a status, or
        pairs), to say why a claim is not computable; None for claims that need no such words.

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.claims.evaluate import evaluate_batch
    >>> from tacmg.claims.registry import load_claims
    >>> from tacmg.data.cohorts import Cohorts
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> cohorts = Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR))
    >>> [outcome] = evaluate_batch(cohorts, load_claims().select(["qmg-median-baseline"]))
    >>> outcome.holds.tolist(), outcome.estimate.tolist()
    ([True], [10.0])
    """

    claim: Claim
    holds: np.ndarray
    estimate: np.ndarray
    statistic: np.ndarray
    p_value: np.ndarray  # primary variant
    p_value_worst: np.ndarray  # the variant least favourable to the claim
    test: str
    n_note: list[str] | None = None
    computable: np.ndarray | None = None
    n_used: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.computable is None:
            self.computable = ~np.isnan(np.asarray(self.estimate, float))
        # A claim nothing can test neither holds nor fails: it never counts as holding.
        self.holds = np.asarray(self.holds, bool) & self.computable
