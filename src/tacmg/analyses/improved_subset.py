"""Who are "the patients who improved"? Three readings of the improved subset, in one place.

The news summary reports molecules that fell in "the subset who improved clinically" without
defining it. Three readings are compared:

- ``status I``: MGFA post-intervention status I, improved, at month 12: the registry's reading
  (`tacmg.claims.evaluate.IMPROVED_STATUSES`, decision ``improved-subset``);
- ``status MM or I``: everyone who got better by status, minimal manifestation status included;
- ``MG-ADL fall of 2 or more``: a fall of at least 2 points in MG-ADL from baseline to month 12,
  whatever the status: the minimal clinically important difference of MG-ADL (Muppidi 2011), the
  usual responder threshold in MG trials, on the score patients report about daily life.

Chapter 6 shows which improved-subset claims hold under each reading on one dataset, the stated
ones (finding ``improved_subset``) and the implied ones (``implied_subset``: the molecules the
summary leaves off the subset's list did not fall significantly), which are the ones that tell the
readings apart; chapter 10 does it across reconstructed cohorts. Both call `subset_mask` and
`subset_holds`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from tacmg.analyses.selection import label
from tacmg.claims import evaluate, verdicts
from tacmg.claims.evaluate import IMPROVED_STATUSES
from tacmg.claims.holds_rule import can_reach_bound
from tacmg.claims.registry import Claim, Registry, load_claims
from tacmg.data.cohorts import Cohorts, key, status_mask
from tacmg.data.loader import Dataset
from tacmg.stats import rank_tests

RESPONDER_SCORE = "mg_adl"
RESPONDER_MIN_FALL = 2.0  # points; Muppidi 2011

READINGS: dict[str, str] = {
    "status I": "post-intervention status I (improved): the registry's reading",
    "status MM or I": "post-intervention status MM (minimal manifestations) or I (improved)",
    "MG-ADL fall of 2 or more": "MG-ADL at month 12 at least 2 points below baseline, whatever the status",
}
READING_KEYS = dict(zip(READINGS, ("i", "mm_i", "adl")))  # short names for glued values


def subset_mask(cohorts: Cohorts, reading: str) -> np.ndarray:
    """(B, n) booleans: the patients each cohort's improved subset holds under `reading`.

    Parameters
    ----------
    cohorts : tacmg.data.cohorts.Cohorts
        Cohorts (or one dataset, via `Cohorts.from_dataset`).
    reading : str
        A key of `READINGS`.

    Returns
    -------
    numpy.ndarray
        (B, n) booleans, patients in the cohorts' order.

    Raises
    ------
    KeyError
        For an unknown reading.

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> cohorts = Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR))
    >>> [int(subset_mask(cohorts, r).sum()) for r in ("status I", "status MM or I")]
    [16, 27]
    """
    status = cohorts.patient["status"]
    if reading == "status I":
        return status_mask(status, IMPROVED_STATUSES)
    if reading == "status MM or I":
        return status_mask(status, ("MM", *IMPROVED_STATUSES))
    if reading == "MG-ADL fall of 2 or more":
        fall = cohorts.visit[key(RESPONDER_SCORE, "baseline")] - cohorts.visit[key(RESPONDER_SCORE, "month_12")]
        return np.asarray(fall >= RESPONDER_MIN_FALL)
    raise KeyError(f"unknown reading {reading!r}; one of {list(READINGS)}")


def _tests(cohorts: Cohorts, claim: Claim, mask: np.ndarray):
    """Per cohort: subset size, median paired change, (B, variants) p-values and the primary p.

    NaN where the subset has fewer than two patients.
    """
    before = cohorts.values(claim.variables[0], "baseline")
    after = cohorts.values(claim.variables[0], "month_12")
    sizes = mask.sum(axis=1)
    # every batch under the same variants: without the exact one once any subset is too large for it
    exact = rank_tests.exact_allowed(int(sizes.max(initial=0)))
    estimate = np.full(cohorts.size, np.nan)
    p = np.full((cohorts.size, len(rank_tests.WILCOXON_VARIANTS) - (not exact)), np.nan)
    primary = np.full(cohorts.size, np.nan)
    for k in np.unique(sizes):  # cohorts with the same subset size are tested in one batch
        if k < 2:
            continue
        rows = np.flatnonzero(sizes == k)
        sub = mask[rows]
        result = rank_tests.signed_rank(before[rows][sub].reshape(-1, k), after[rows][sub].reshape(-1, k), exact)
        estimate[rows], p[rows], primary[rows] = result.estimate, result.p, result.p_primary
    return sizes, estimate, p, primary


def subset_holds(cohorts: Cohorts, claims: Iterable[Claim], reading: str) -> np.ndarray:
    """(B, k) booleans: does each improved-subset claim hold in each cohort under `reading`.

    A claim holds as in the registry's evaluation: the published direction of the median paired
    change and p below the bound under every variant of the Wilcoxon signed-rank test.

    Parameters
    ----------
    cohorts : tacmg.data.cohorts.Cohorts
        The cohorts.
    claims : iterable of Claim
        ``paired_change`` claims (the registry's ``improved_subset`` finding).
    reading : str
        A key of `READINGS`.

    Returns
    -------
    numpy.ndarray
        (B, k) booleans.

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> cohorts = Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR))
    >>> claims = load_claims().select(finding="improved_subset")
    >>> subset_holds(cohorts, claims, "status I").tolist()
    [[True, True, True]]
    """
    claims = list(claims)
    mask = subset_mask(cohorts, reading)
    out = np.zeros((cohorts.size, len(claims)), bool)
    for j, claim in enumerate(claims):
        _, estimate, p, _ = _tests(cohorts, claim, mask)
        out[:, j] = evaluate.tested_claim_holds(claim, estimate, p)
    return out


def readings_table(dataset: Dataset, registry: Registry | None = None) -> pd.DataFrame:
    """Each improved-subset claim, stated and implied, under each reading, on one dataset.

    Parameters
    ----------
    dataset : tacmg.data.loader.Dataset
        A dataset returned by `tacmg.load`.
    registry : Registry, optional
        The claims (default: the committed registry).

    Returns
    -------
    pandas.DataFrame
        One row per reading and claim, the stated claims (finding ``improved_subset``) before the
        implied ones (``implied_subset``): ``reading``, ``definition``, ``n`` (patients in the
        subset), ``claim_id``, ``kind`` ("stated" or "implied"), ``label`` (the molecule's printed
        name), ``published``, ``median_change`` (median of month 12 minus baseline, pg/mL),
        ``p_value`` (primary variant), ``p_value_worst`` (the variant least favourable to the
        claim), ``holds`` and ``verdict``: "holds (conditioned)" where the dataset is a
        reconstruction that was built to meet the claim under this reading (the registry's), "holds
        (tested)" where it holds otherwise, "does not hold", or "not computable" where the subset is
        too small for the test to reach the claim's bound.

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> table = readings_table(tacmg.load(RECONSTRUCTED_DIR))
    >>> table.groupby("reading", sort=False)["n"].first().tolist()
    [16, 27, 26]
    """
    registry = registry or load_claims()
    claims = [*registry.select(finding="improved_subset"), *registry.select(finding="implied_subset")]
    cohorts = Cohorts.from_dataset(dataset)
    provenance = dataset.provenance or {}
    conditioned = set(provenance.get("claims_conditioned_on", [])) if provenance.get("reconstructed") else set()
    rows = []
    for reading, definition in READINGS.items():
        mask = subset_mask(cohorts, reading)
        for claim in claims:
            sizes, estimate, p, primary = _tests(cohorts, claim, mask)
            # A subset too small for the test to reach the claim's bound cannot decide it.
            computable = bool(np.isfinite(estimate[0]) and np.isfinite(p[0]).all() and can_reach_bound(claim, sizes)[0])
            holds = computable and bool(evaluate.tested_claim_holds(claim, estimate, p)[0])
            built_for = reading == "status I" and claim.id in conditioned
            verdict = verdicts.verdict(holds, built_for, computable)
            worst = np.nanmax(p[0]) if np.isfinite(p[0]).any() else np.nan
            rows.append(
                {
                    "reading": reading,
                    "definition": definition,
                    "n": int(sizes[0]),
                    "claim_id": claim.id,
                    "kind": "implied" if claim.kind == "implied" else "stated",
                    "label": label(claim.variables[0]),
                    "published": claim.published_text,
                    "median_change": float(estimate[0]),
                    "p_value": float(primary[0]),
                    "p_value_worst": float(worst),
                    "holds": holds,
                    "verdict": verdict,
                }
            )
    return pd.DataFrame(rows)


def readings_summary(table: pd.DataFrame) -> dict[str, int | float]:
    """The figures a chapter quotes from `readings_table`: per reading, size and claims holding.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by `readings_table`.

    Returns
    -------
    dict
        ``claims`` (stated improved-subset claims), ``implied_claims`` (implied ones),
        ``adl_fall`` (the MG-ADL threshold, points), and for each reading key of `READING_KEYS`
        (``i``, ``mm_i``, ``adl``): ``n_<key>`` (patients), ``holds_<key>`` (stated claims that
        hold), ``implied_holds_<key>`` and ``implied_failed_<key>`` (implied claims that hold, and
        that do not: molecules that fall significantly against the summary's list).

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> figures = readings_summary(readings_table(tacmg.load(RECONSTRUCTED_DIR)))
    >>> figures["n_i"], figures["n_mm_i"], figures["claims"], figures["implied_claims"]
    (16, 27, 3, 5)
    """
    stated, implied = table[table["kind"] == "stated"], table[table["kind"] == "implied"]
    figures: dict[str, int | float] = {
        "claims": int(stated["claim_id"].nunique()),
        "implied_claims": int(implied["claim_id"].nunique()),
        "adl_fall": RESPONDER_MIN_FALL,
    }
    for reading, short in READING_KEYS.items():
        rows = table[table["reading"] == reading]
        figures[f"n_{short}"] = int(rows["n"].iloc[0])
        figures[f"holds_{short}"] = int(rows.loc[rows["kind"] == "stated", "holds"].sum())
        implied_rows = rows[rows["kind"] == "implied"]
        figures[f"implied_holds_{short}"] = int(implied_rows["holds"].sum())
        figures[f"implied_failed_{short}"] = int((implied_rows["verdict"] == verdicts.DOES_NOT_HOLD).sum())
    return figures
