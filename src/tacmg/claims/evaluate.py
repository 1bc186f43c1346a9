"""Evaluate published claims on data: one dataset (a tidy table) or a batch of cohorts (arrays).

Each claim's quantity decides its check (see `claims.yaml`, `quantities`). Inferential claims hold
only if they hold under every variant of their test (`tacmg.stats.rank_tests`); the tidy table
reports the primary variant's p-value and the least favourable one beside it. The same evaluators
serve one dataset and thousands of generated cohorts, so the scorecard and the reconstruction's
acceptance rule can never disagree.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tacmg.claims import complete_cases
from tacmg.claims.holds_rule import can_reach_bound, claims_significance, direction_holds, tested_claim_holds
from tacmg.claims.outcome import Outcome
from tacmg.claims.registry import Claim, Registry, load_claims
from tacmg.claims.verdicts import conditioned_claims, observed_text, verdict
from tacmg.data.cohorts import Cohorts, status_mask
from tacmg.data.contract import LABELS
from tacmg.stats import rank_tests
from tacmg.stats.rounding import round_half_up_array

if TYPE_CHECKING:
    from tacmg.data.loader import Dataset

__all__ = ["evaluate", "evaluate_batch", "holds_matrix", "outcomes_table", "tested_claim_holds"]

IMPROVED_STATUSES = ("I",)  # the reading recorded as decision 'improved-subset'


def _descriptive(claim: Claim, holds, estimate) -> Outcome:
    return Outcome(claim, holds, np.asarray(estimate, float), nan := np.full(len(estimate), np.nan), nan, nan, "")


def _count(claim: Claim, cohorts: Cohorts) -> Outcome:
    n = np.full(cohorts.size, cohorts.n_patients, dtype=float)
    return _descriptive(claim, n == claim.published, n)


def _mean(claim: Claim, cohorts: Cohorts) -> Outcome:
    mean = cohorts.values(claim.variables[0]).mean(axis=1)
    rounded = round_half_up_array(mean, claim.params["decimals"])
    return _descriptive(claim, np.isclose(rounded, float(claim.published)), mean)


def _median(claim: Claim, cohorts: Cohorts) -> Outcome:
    values = cohorts.values(claim.variables[0], claim.visits[0])
    gone = complete_cases.missing(values)
    if gone is None:
        median = np.median(values, axis=1)
        return _descriptive(claim, np.isclose(median, float(claim.published)), median)
    median = np.array([np.median(row) if row.size else np.nan for row in complete_cases.rows(values, ~gone)])
    outcome = _descriptive(claim, np.isclose(median, float(claim.published)), median)
    outcome.n_note = complete_cases.note((~gone).sum(axis=1), values.shape[1], f"with {_label(claim)} present")
    return outcome


def _status_count(claim: Claim, cohorts: Cohorts) -> Outcome:
    """A status count read as a share of the patients with a status (complete cases), with its n."""
    published_n = int(load_claims().by_id("cohort-n").published)
    count, assessed, holds, decidable = complete_cases.status_share(claim, cohorts.patient["status"], published_n)
    nan = np.full(len(count), np.nan)
    outcome = Outcome(claim, holds, count.astype(float), nan, nan, nan, "", computable=decidable, n_used=assessed)
    if (assessed < cohorts.n_patients).any():
        outcome.n_note = complete_cases.note(assessed.tolist(), cohorts.n_patients, "with a status")
    return outcome


def _label(claim: Claim) -> str:
    return " and ".join(LABELS.get(v, v) for v in claim.variables)


def _paired_arrays(claim: Claim, cohorts: Cohorts):
    """(before, after, note): (B, k) arrays, or lists of B 1-d arrays when rows differ in size."""
    before = cohorts.values(claim.variables[0], "baseline")
    after = cohorts.values(claim.variables[0], "month_12")
    gone = complete_cases.missing(before, after)
    if claim.subset == "all" and gone is None:
        return before, after, None
    if claim.subset == "all":
        mask = np.ones(before.shape, bool)
    else:
        mask = status_mask(cohorts.patient["status"], IMPROVED_STATUSES)
    n_note = None
    if gone is not None:
        what = f"with both visits of {_label(claim)}" + ("" if claim.subset == "all" else " in the subset")
        n_note = complete_cases.note((mask & ~gone).sum(axis=1), int(mask.sum(axis=1).max()), what)
        mask = mask & ~gone
    return cohorts.subset_rows(mask, before), cohorts.subset_rows(mask, after), n_note


def _test_outcome(claim: Claim, result: rank_tests.TestResult, n_note: list[str] | None, *sizes: np.ndarray) -> Outcome:
    """The outcome of a tested claim; `sizes` per cohort as `can_reach_bound` takes them."""
    with np.errstate(invalid="ignore"):
        worst = np.max(result.p, axis=1) if claims_significance(claim) else np.min(result.p, axis=1)
    computable = ~np.isnan(result.estimate) & ~np.isnan(result.p).any(axis=1) & can_reach_bound(claim, *sizes)
    return Outcome(
        claim,
        tested_claim_holds(claim, result.estimate, result.p),
        result.estimate,
        result.statistic,
        result.p_primary,
        worst,
        f"{result.test} ({', '.join(result.variants)})",
        n_note,
        computable,
        np.asarray(sizes[0], int),
    )


def _paired_change(claim: Claim, cohorts: Cohorts) -> Outcome:
    before, after, n_note = _paired_arrays(claim, cohorts)
    if isinstance(before, list):
        result = complete_cases.per_row(rank_tests.signed_rank, before, after)
    else:
        result = rank_tests.signed_rank(before, after)
    return _test_outcome(claim, result, n_note, complete_cases.nonzero_changes(before, after))


def _paired_direction(claim: Claim, cohorts: Cohorts) -> Outcome:
    before, after, n_note = _paired_arrays(claim, cohorts)
    if isinstance(before, list):
        change = np.array([np.median(np.asarray(b) - np.asarray(a)) for a, b in zip(before, after)])
    else:
        change = np.median(after - before, axis=1)
    holds = direction_holds(change, claim.params["direction"] == "increase")
    outcome = _descriptive(claim, holds, change)
    outcome.n_note = n_note
    return outcome


def _group_difference(claim: Claim, cohorts: Cohorts) -> Outcome:
    molecule = claim.variables[0]
    patients, controls = cohorts.values(molecule, "baseline"), cohorts.control[molecule]
    gone_p, gone_c = complete_cases.missing(patients), complete_cases.missing(controls)
    if gone_p is None and gone_c is None:
        result = rank_tests.rank_sum(patients, controls)
        return _test_outcome(claim, result, None, complete_cases.sizes(patients), complete_cases.sizes(controls))
    keep_p = np.ones(patients.shape, bool) if gone_p is None else ~gone_p
    keep_c = np.ones(controls.shape, bool) if gone_c is None else ~gone_c
    first, second = complete_cases.rows(patients, keep_p), complete_cases.rows(controls, keep_c)
    what = f"with baseline {_label(claim)}"
    n_note = complete_cases.note(keep_p.sum(axis=1), patients.shape[1], what, keep_c.sum(axis=1), controls.shape[1])
    result = complete_cases.per_row(rank_tests.rank_sum, first, second)
    return _test_outcome(claim, result, n_note, complete_cases.sizes(first), complete_cases.sizes(second))


def _correlation(claim: Claim, cohorts: Cohorts) -> Outcome:
    visit = claim.visits[0]
    x, y = (cohorts.values(v, visit) for v in claim.variables)
    gone = complete_cases.missing(x, y)
    if gone is None:
        return _test_outcome(claim, rank_tests.spearman(x, y), None, complete_cases.sizes(x))
    first, second = complete_cases.rows(x, ~gone), complete_cases.rows(y, ~gone)
    n_note = complete_cases.note((~gone).sum(axis=1), x.shape[1], f"with {_label(claim)}")
    result = complete_cases.per_row(rank_tests.spearman, first, second)
    return _test_outcome(claim, result, n_note, complete_cases.sizes(first))


_EVALUATORS = {
    "count": _count,
    "mean": _mean,
    "median": _median,
    "status_count": _status_count,
    "paired_change": _paired_change,
    "paired_direction": _paired_direction,
    "group_difference": _group_difference,
    "correlation": _correlation,
    "no_significant_change": _paired_change,
    "no_significant_correlation": _correlation,
}


def evaluate_batch(cohorts: Cohorts, claims: Iterable[Claim]) -> list[Outcome]:
    """Every claim evaluated on every cohort of the batch.

    Parameters
    ----------
    cohorts : tacmg.data.cohorts.Cohorts
        B cohorts.
    claims : iterable of Claim
        E.g. a `Registry` or ``registry.select(ids)``.

    Returns
    -------
    list of Outcome
        One per claim, in order.

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> cohorts = Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR))
    >>> [outcome.test for outcome in evaluate_batch(cohorts, load_claims().select(["scd25-qmg-correlation"]))]
    ['Spearman (t approximation, normal approximation)']
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):  # NaN is reported in words
        warnings.simplefilter("ignore", RuntimeWarning)
        return [_EVALUATORS[c.quantity](c, cohorts) for c in claims]


def holds_matrix(cohorts: Cohorts, claims: Iterable[Claim]) -> np.ndarray:
    """(B, n_claims) booleans: does claim j hold in cohort i.

    Parameters
    ----------
    cohorts : tacmg.data.cohorts.Cohorts
        B cohorts.
    claims : iterable of Claim
        The claims, in column order.

    Returns
    -------
    numpy.ndarray
        (B, number of claims) booleans; (B, 0) when there are no claims.

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> cohorts = Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR))
    >>> holds_matrix(cohorts, load_claims().select(["cohort-n", "qmg-decrease"])).tolist()
    [[True, True]]
    """
    outcomes = evaluate_batch(cohorts, claims)
    if not outcomes:
        return np.ones((cohorts.size, 0), bool)
    return np.column_stack([o.holds for o in outcomes])


def _computable(outcome: Outcome, index: int) -> bool:
    return True if outcome.computable is None else bool(outcome.computable[index])


def outcomes_table(outcomes: list[Outcome], index: int = 0, conditioned_on: Iterable[str] = ()) -> pd.DataFrame:
    """Tidy table of one cohort's outcomes: one row per claim.

    Parameters
    ----------
    outcomes : list of Outcome
        From `evaluate_batch`.
    index : int
        Which cohort of the batch.
    conditioned_on : iterable of str
        Ids of the claims the cohort was built to meet (`tacmg.claims.verdicts.conditioned_claims`).

    Returns
    -------
    pandas.DataFrame
        One row per claim with columns ``claim_id``, ``finding`` and ``kind`` (from the registry),
        ``published`` (the published figure as text), ``observed`` (the same quantity in cohort
        `index`, as text), ``estimate`` (its value: a count, mean or median in the variable's unit,
        a median paired change, a ratio of medians or Spearman's rho), ``statistic`` (the test
        statistic), ``p_value`` (primary test variant) and ``p_value_worst_variant`` (least
        favourable variant), both NaN for descriptive claims, ``test`` (test and variants, empty
        for descriptive claims), ``holds`` and ``conditioned`` (booleans) and ``verdict`` (one of
        `tacmg.claims.verdicts.VERDICTS`; "not computable" where the data cannot test the claim).

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> cohorts = Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR))
    >>> table = outcomes_table(evaluate_batch(cohorts, load_claims().select(["qmg-decrease"])))
    >>> table.loc[0, "observed"], table.loc[0, "verdict"]
    ('decrease (median change -3.5 points), P < 0.0001', 'holds (tested)')
    """
    conditioned = set(conditioned_on)
    rows = [
        {
            **{"claim_id": o.claim.id, "finding": o.claim.finding, "kind": o.claim.kind},
            **{"published": o.claim.published_text, "observed": observed_text(o, index)},
            **{"estimate": o.estimate[index], "statistic": o.statistic[index], "p_value": o.p_value[index]},
            **{"p_value_worst_variant": o.p_value_worst[index], "test": o.test, "holds": bool(o.holds[index])},
            "conditioned": o.claim.id in conditioned,
            "verdict": verdict(bool(o.holds[index]), o.claim.id in conditioned, _computable(o, index)),
        }
        for o in outcomes
    ]
    return pd.DataFrame(rows)


def evaluate(
    data: Dataset | Cohorts, claims: Registry | list[Claim] | None = None, conditioned_on: Iterable[str] | None = None
) -> pd.DataFrame:
    """Evaluate the published claims on a loaded dataset, each with its verdict.

    Parameters
    ----------
    data : tacmg.data.loader.Dataset or tacmg.data.cohorts.Cohorts
        A dataset from `tacmg.load`, or a batch of one cohort.
    claims : Registry or list of Claim, optional
        The claims to evaluate; default every claim of the committed registry.
    conditioned_on : iterable of str, optional
        Claims the data were built to meet; default what the dataset's provenance records
        (`tacmg.claims.verdicts.conditioned_claims`): none for own data or a batch of cohorts.

    Returns
    -------
    pandas.DataFrame
        One row per claim, the columns of `outcomes_table`; a claim not computable here (no patient
        with what it needs, too few for its test to reach its bound, a constant variable) has the
        verdict "not computable" and says why in ``observed``, with no warning.

    Raises
    ------
    ValueError
        If `data` holds more than one cohort (use `evaluate_batch`).

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> scorecard = evaluate(tacmg.load(RECONSTRUCTED_DIR))
    >>> scorecard.columns.tolist()[:5]
    ['claim_id', 'finding', 'kind', 'published', 'observed']
    >>> scorecard.set_index("claim_id").loc[["qmg-median-baseline", "no-sicos-decrease"], "verdict"].tolist()
    ['holds (conditioned)', 'holds (tested)']
    """
    claims = load_claims() if claims is None else claims
    if isinstance(data, Cohorts):
        cohorts, provenance = data, None
    else:
        cohorts, provenance = Cohorts.from_dataset(data), data.provenance
    if cohorts.size != 1:
        raise ValueError("evaluate() takes one cohort; use evaluate_batch for many")
    conditioned = conditioned_claims(provenance) if conditioned_on is None else conditioned_on
    return outcomes_table(evaluate_batch(cohorts, list(claims)), conditioned_on=conditioned)
