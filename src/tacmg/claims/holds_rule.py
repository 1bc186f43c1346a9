"""Whether a tested claim holds: its published direction, and every variant of its test on the
published side of its p bound. One rule for the scorecard, the generator's acceptance and the
robustness chapter (`tacmg.claims.evaluate` applies it).
"""

from __future__ import annotations

import numpy as np

from tacmg.claims.registry import Claim


def _direction_holds(estimate: np.ndarray, want_positive: bool) -> np.ndarray:
    return estimate > 0 if want_positive else estimate < 0


# Implied claims: what the sources' lists leave out, e.g. a molecule not named as falling did not
# fall significantly. They hold when no variant of the test is significant (see `tested_claim_holds`).
NOT_SIGNIFICANT_QUANTITIES = ("no_significant_change", "no_significant_correlation")


def _claims_significance(claim: Claim) -> bool:
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
        return ~_direction_holds(estimate, claim.params["direction"] == "increase") | none_significant
    if claim.quantity == "paired_change":
        direction_ok = _direction_holds(estimate, claim.params["direction"] == "increase")
    elif claim.quantity == "group_difference":
        direction_ok = (estimate > 1) if claim.params["direction"] == "higher" else (estimate < 1)
    elif claim.quantity == "correlation":
        direction_ok = _direction_holds(estimate, claim.params["sign"] == "positive")
    else:
        raise ValueError(f"claim {claim.id} has no test")
    with np.errstate(invalid="ignore"):
        on_side = np.all(p < bound, axis=1) if _claims_significance(claim) else none_significant
    return direction_ok & on_side & ~np.isnan(p).any(axis=1)
