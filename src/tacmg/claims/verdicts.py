"""The one verdict vocabulary, and the rule that gives a claim its verdict on a dataset.

A claim that holds on data that were *built* to meet it (a reconstruction conditioned on it) says
nothing beyond the construction: it "holds (conditioned)". A claim that holds on data that were not
built to meet it "holds (tested)". Either way, a claim that fails "does not hold", and a claim the
data cannot test (no patient with what it needs, or too few for its test to reach its bound) is "not
computable": it neither holds nor fails. Which claims a
dataset was conditioned on is read from its data package's provenance (``claims_conditioned_on``);
a reader's own data (no such provenance) were conditioned on nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from tacmg.claims.names import variable_unit
from tacmg.stats.rounding import P_FLOOR, fixed, p_text, quantity_text, share_text

if TYPE_CHECKING:
    from tacmg.claims.outcome import Outcome

HOLDS_CONDITIONED = "holds (conditioned)"
HOLDS_TESTED = "holds (tested)"
DOES_NOT_HOLD = "does not hold"
NOT_COMPUTABLE = "not computable"
VERDICTS = (HOLDS_CONDITIONED, HOLDS_TESTED, DOES_NOT_HOLD, NOT_COMPUTABLE)


def conditioned_claims(provenance: Mapping[str, Any] | None) -> frozenset[str]:
    """Ids of the claims a dataset was built to meet, from its data package's provenance.

    Only a dataset whose provenance says it is a reconstruction can have been conditioned on a
    claim; anything else (a reader's own cohort, with or without a data package) was conditioned
    on nothing.

    Parameters
    ----------
    provenance : mapping or None
        The ``provenance`` object of datapackage.json (`tacmg.data.loader.Dataset.provenance`).

    Returns
    -------
    frozenset of str
        Claim ids; empty for own data.

    Examples
    --------
    >>> sorted(conditioned_claims({"reconstructed": True, "claims_conditioned_on": ["cohort-n"]}))
    ['cohort-n']
    >>> conditioned_claims(None), conditioned_claims({"claims_conditioned_on": ["cohort-n"]})
    (frozenset(), frozenset())
    """
    if not provenance or not provenance.get("reconstructed"):
        return frozenset()
    return frozenset(str(claim_id) for claim_id in provenance.get("claims_conditioned_on") or ())


def verdict(holds: bool, conditioned: bool, computable: bool = True) -> str:
    """The verdict of one claim: whether it holds, and whether the data were built to meet it.

    Parameters
    ----------
    holds : bool
        The claim holds on the data.
    conditioned : bool
        The data were generated to meet this claim (`conditioned_claims`).
    computable : bool
        The data can test the claim at all (`tacmg.claims.outcome.Outcome.computable`); when
        False the verdict is `NOT_COMPUTABLE`, whatever `holds` says.

    Returns
    -------
    str
        One of `VERDICTS`.

    Examples
    --------
    >>> verdict(True, True), verdict(True, False), verdict(False, True), verdict(True, False, False)
    ('holds (conditioned)', 'holds (tested)', 'does not hold', 'not computable')
    """
    if not computable:
        return NOT_COMPUTABLE
    if not holds:
        return DOES_NOT_HOLD
    return HOLDS_CONDITIONED if conditioned else HOLDS_TESTED


def counts(verdicts: Iterable[str]) -> dict[str, int]:
    """How many verdicts of each kind: the counts every chapter and the scorecard quote.

    Parameters
    ----------
    verdicts : iterable of str
        Verdicts from `verdict`.

    Returns
    -------
    dict
        ``conditioned`` (hold, conditioned on), ``tested`` (hold, not conditioned on), ``failed``
        (do not hold), ``holds`` (conditioned + tested), ``total`` and ``not_computable`` (claims
        the data cannot test; counted in ``total``, neither holding nor failing).

    Examples
    --------
    >>> counts(["holds (conditioned)", "holds (tested)", "does not hold", "holds (tested)"])
    {'conditioned': 1, 'tested': 2, 'failed': 1, 'holds': 3, 'total': 4, 'not_computable': 0}
    """
    verdicts = list(verdicts)
    unknown = set(verdicts) - set(VERDICTS)
    if unknown:
        raise ValueError(f"not a verdict: {', '.join(sorted(unknown))}")
    conditioned = verdicts.count(HOLDS_CONDITIONED)
    tested = verdicts.count(HOLDS_TESTED)
    return {
        "conditioned": conditioned,
        "tested": tested,
        "failed": verdicts.count(DOES_NOT_HOLD),
        "holds": conditioned + tested,
        "total": len(verdicts),
        "not_computable": verdicts.count(NOT_COMPUTABLE),
    }


def _change_word(estimate: float) -> str:
    return "increase" if estimate > 0 else "decrease" if estimate < 0 else "no change"


def observed_text(outcome: Outcome, index: int) -> str:
    """The claim's quantity in cohort `index` of an outcome, as text beside the published figure.

    Parameters
    ----------
    outcome : tacmg.claims.outcome.Outcome
        One claim evaluated on a batch.
    index : int
        Which cohort of the batch.

    Returns
    -------
    str
        In the number format of `tacmg.stats.rounding`, changes with their unit, e.g. ``'10.0
        points'``, ``'11 patients'``, ``'decrease (median change -3.5 points), P < 0.0001'``,
        ``'higher, P < 0.001'``, ``'rho = -0.41, P = 0.020'``; a status count as a share of the
        patients with a status, ``'16 of 32 patients (50.0%)'``; a claim the data cannot test says
        why (`tacmg.claims.outcome.Outcome.computable`). A p-value is written down to the
        claim's bound when that lies below 0.001, so a reader sees whether it is met. A
        difference against controls gives the direction only: its size is the Hodges-Lehmann
        ratio of the chapter's table, one effect size per comparison.

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.claims.evaluate import evaluate_batch
    >>> from tacmg.data.cohorts import Cohorts
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> cohorts = Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR))
    >>> [outcome] = evaluate_batch(cohorts, tacmg.load_claims().select(["status-improved"]))
    >>> observed_text(outcome, 0)
    '16 of 32 patients (50.0%)'
    """
    text = _observed(outcome, index)
    n_note = outcome.n_note[index] if outcome.n_note else ""
    return f"{text} ({n_note})" if n_note else text


# What a test's sample size counts, by claim quantity, for the words of a claim too small to test.
_SIZE_WORDS = {
    "paired_change": "non-zero changes",
    "no_significant_change": "non-zero changes",
    "group_difference": "patients",
    "correlation": "pairs",
    "no_significant_correlation": "pairs",
}


def _not_computable(outcome: Outcome, index: int) -> str:
    """Why a claim cannot be tested on cohort `index`, in words."""
    claim, n_used = outcome.claim, outcome.n_used
    if claim.quantity == "status_count":
        if n_used is None or not n_used[index]:
            return "not computable: no patient has a post-intervention status"
        n = int(n_used[index])
        return f"not computable: every count of {n} {'patient' if n == 1 else 'patients'} with a status would fit it"
    if np.isnan(outcome.estimate[index]) or n_used is None or claim.quantity not in _SIZE_WORDS:
        return "not computable on these data (too few patients or a constant variable)"
    n, noun = int(n_used[index]), _SIZE_WORDS[claim.quantity]
    size = f"{n} {noun if n != 1 else noun.removesuffix('s')}"
    bound = f"P < {claim.params['p_below']:g}"
    if claim.params.get("significant", claim.quantity not in ("no_significant_change", "no_significant_correlation")):
        return f"not computable: with {size} the test cannot reach {bound} under all its variants"
    return f"not computable: with {size} no variant of the test can reach {bound}"


def _observed(outcome: Outcome, index: int) -> str:
    claim, est = outcome.claim, outcome.estimate[index]
    q = claim.quantity
    if outcome.computable is not None and not outcome.computable[index]:
        return _not_computable(outcome, index)
    if np.isnan(est):
        return "not computable on these data (too few patients or a constant variable)"
    unit = variable_unit(claim.variables[0])
    if q == "count":
        return f"{fixed(est, 0)} patients"
    if q == "status_count":
        assessed = int(outcome.n_used[index]) if outcome.n_used is not None else int(est)
        return f"{fixed(est, 0)} of {assessed} patients ({share_text(est / assessed)})"
    if q == "mean":
        return f"{fixed(est, claim.params['decimals'])} {unit}".strip()
    if q == "median":
        return quantity_text(est, unit) if unit else fixed(est)
    change = f"median change {quantity_text(est, unit, sign=True)}" if unit else ""
    if q == "paired_direction":
        return f"{_change_word(est)} ({change})"
    p = outcome.p_value[index]
    p_shown = p_text(p, min(P_FLOOR, claim.params.get("p_below", P_FLOOR)))
    if q in ("paired_change", "no_significant_change"):
        return f"{_change_word(est)} ({change}), {p_shown}"
    if q == "group_difference":
        word = "higher" if est > 1 else "lower" if est < 1 else "equal"
        return f"{word}, {p_shown}"
    if q in ("correlation", "no_significant_correlation"):
        return f"rho = {quantity_text(est, 'correlation', sign=True)}, {p_shown}"
    raise ValueError(q)
