"""Whether a tested claim holds: its published direction, and every variant of its test on the
published side of its p bound. One rule for the scorecard, the generator's acceptance and the
robustness chapter (`tacmg.claims.evaluate` applies it).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from tacmg.claims.registry import Claim
from tacmg.stats import rank_tests


def direction_holds(estimate: np.ndarray, want_positive: bool) -> np.ndarray:
    """Booleans, shaped as `estimate`: the estimate lies on the wanted side of 0 (0 itself never does)."""
    return estimate > 0 if want_positive else estimate < 0


# Implied claims: what the sources' lists leave out, e.g. a molecule not named as falling did not
# fall significantly. They hold when no variant of the test is significant (see `tested_claim_holds`).
NOT_SIGNIFICANT_QUANTITIES = ("no_significant_change", "no_significant_correlation")


def claims_significance(claim: Claim) -> bool:
    """Whether a tested claim says significant (p below its bound) or not significant."""
    return claim.params.get("significant", claim.quantity not in NOT_SIGNIFICANT_QUANTITIES)


def tested_claim_holds(claim: Claim, estimate: np.ndarray, p: np.ndarray) -> np.ndarray:
    """(B,) whether a tested claim holds: published direction, and every p-variant on its side of the bound.

    Paired changes and correlations are read by the sign of the estimate; differences against
    controls by the ratio of medians against 1. A NaN p-value never holds. An implied "no
    significant change" holds when the change is not in the named direction or no variant is
    significant; an implied "no significant correlation" when no variant is significant.

    Parameters
    ----------
    claim : Claim
        A claim with a test (``paired_change``, ``group_difference``, ``correlation`` or an implied
        ``no_significant_change`` or ``no_significant_correlation``).
    estimate : numpy.ndarray
        (B,) the test's estimate (`tacmg.stats.rank_tests.TestResult.estimate`).
    p : numpy.ndarray
        (B, V) p-values, one column per test variant.

    Returns
    -------
    numpy.ndarray
        (B,) booleans.

    Examples
    --------
    >>> from tacmg.claims.registry import load_claims
    >>> claim = load_claims().by_id("qmg-decrease")  # a decrease with P < 0.0001
    >>> p = np.array([[1e-5, 2e-5], [1e-5, 1e-5], [1e-5, 1e-3]])
    >>> tested_claim_holds(claim, np.array([-4.0, 2.0, -4.0]), p).tolist()
    [True, False, False]
    """
    bound = claim.params["p_below"]
    with np.errstate(invalid="ignore"):
        none_significant = np.all(p >= bound, axis=1)
    if claim.quantity == "no_significant_correlation":
        return none_significant
    if claim.quantity == "no_significant_change":
        return ~direction_holds(estimate, claim.params["direction"] == "increase") | none_significant
    if claim.quantity == "paired_change":
        direction_ok = direction_holds(estimate, claim.params["direction"] == "increase")
    elif claim.quantity == "group_difference":
        direction_ok = (estimate > 1) if claim.params["direction"] == "higher" else (estimate < 1)
    elif claim.quantity == "correlation":
        direction_ok = direction_holds(estimate, claim.params["sign"] == "positive")
    else:
        raise ValueError(f"claim {claim.id} has no test")
    with np.errstate(invalid="ignore"):
        on_side = np.all(p < bound, axis=1) if claims_significance(claim) else none_significant
    return direction_ok & on_side & ~np.isnan(p).any(axis=1)


# The test each tested quantity runs, and the most extreme data of given sizes for it: every
# difference of one sign and distinct (signed-rank), the groups apart (rank-sum), ranks in the same
# order (Spearman). No data of those sizes give a smaller p under any variant.
_EXTREME_DATA: dict[str, Callable[..., rank_tests.TestResult]] = {
    "paired_change": lambda n: rank_tests.signed_rank(np.zeros((1, n)), np.arange(1.0, n + 1)[None]),
    "group_difference": lambda n, m: rank_tests.rank_sum(
        np.arange(m + 1.0, m + n + 1)[None], np.arange(1.0, m + 1)[None]
    ),
    "correlation": lambda n: rank_tests.spearman(np.arange(1.0, n + 1)[None], np.arange(1.0, n + 1)[None]),
}
_TEST_OF = {"no_significant_change": "paired_change", "no_significant_correlation": "correlation"}


@functools.lru_cache(maxsize=256)
def extreme_p(quantity: str, *sizes: int) -> tuple[float, ...]:
    """The p of each variant of a claim's test on the most extreme data of these sizes.

    No data of those sizes give a smaller p under any variant, so a claim whose bound lies at or
    below these cannot be decided by the data (`can_reach_bound`).

    Parameters
    ----------
    quantity : str
        A tested claim quantity (``paired_change``, ``group_difference``, ``correlation`` or their
        implied ``no_significant_*`` forms).
    *sizes : int
        The non-zero paired changes (signed-rank), the patients and the controls (rank-sum), or
        the pairs (Spearman).

    Returns
    -------
    tuple of float
        One p per variant of the test (`tacmg.stats.rank_tests`); 1.0 where the test cannot run.

    Examples
    --------
    >>> [round(p, 4) for p in extreme_p("paired_change", 6)]  # exact, normal, continuity-corrected
    [0.0312, 0.0277, 0.036]
    >>> [round(p, 3) for p in extreme_p("correlation", 4)]  # t, normal approximation
    [0.0, 0.083]
    """
    test = _TEST_OF.get(quantity, quantity)
    if test not in _EXTREME_DATA:
        raise ValueError(f"{quantity} has no test")
    if min(sizes) < (3 if test == "correlation" else 1):
        return (1.0,)
    p = _EXTREME_DATA[test](*sizes).p[0]
    return tuple(1.0 if np.isnan(value) else float(value) for value in p)


def can_reach_bound(claim: Claim, *sizes: np.ndarray) -> np.ndarray:
    """(B,) whether the data of these sizes could decide a tested claim either way.

    Data can always fail a claim of significance (p can be large) and always meet a claim of no
    significance; so the first is decidable when every variant of its test can go below the bound
    (it could hold), the second when some variant can (it could fail). Otherwise the verdict would
    come from the sample size, not the data: the claim is not computable.

    Parameters
    ----------
    claim : Claim
        A claim with a test.
    *sizes : numpy.ndarray
        (B,) sizes per cohort, as `extreme_p` takes them.

    Returns
    -------
    numpy.ndarray
        (B,) booleans.

    Examples
    --------
    >>> from tacmg.claims.registry import load_claims
    >>> claim = load_claims().by_id("spd1-decrease")  # P < 0.05
    >>> can_reach_bound(claim, np.array([5, 6, 32])).tolist()
    [False, True, True]
    >>> can_reach_bound(load_claims().by_id("qmg-decrease"), np.array([15, 19, 20])).tolist()  # P < 0.0001
    [False, False, True]
    """
    bound = claim.params["p_below"]
    pick = max if claims_significance(claim) else min
    columns = [np.asarray(size, int) for size in sizes]
    return np.array([pick(extreme_p(claim.quantity, *map(int, row))) < bound for row in zip(*columns)], bool)
