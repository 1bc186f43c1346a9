"""How far the clinical claims and the improved subset rest on the status-score link (chapter 10).

The generator ties each patient's month-12 scores and dose to their post-intervention status
(the ``status_link`` section of priors.yaml). Each scenario here relaxes that link by prior
overrides, draws a fresh ensemble conditioned on the descriptive claims only (as the other
ensembles of chapter 10), and reports in how many cohorts each clinical claim holds, and each
published improved-subset claim under each reading of the subset
(`tacmg.analyses.improved_subset`), the implied ones (molecules not listed as falling there)
included. A last column re-pairs every cohort's month-12 values at random (the same values, so the
same medians and marginals), which keeps nothing of the link.

Each relaxation rests on an unsourced prior: how much of a baseline score a patient keeps when
scores ignore status (a), the share of improved patients who improve by a dose cut alone (b), the
share who worsen on one score (c). `tacmg.analyses.status_link_sensitivity.link_sensitivity` draws an
ensemble at every value of a grid over each, so chapter 10 can show the share of cohorts in which
each claim holds as a curve.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from tacmg.analyses.ensemble_store import stored
from tacmg.analyses.improved_subset import READING_KEYS, READINGS, subset_holds, subset_mask
from tacmg.analyses.robustness import CLINICAL_FINDINGS, share_table
from tacmg.claims.evaluate import holds_matrix
from tacmg.claims.registry import load_claims
from tacmg.data import contract
from tacmg.data.cohorts import STATUS_INDEX, Cohorts, key
from tacmg.data.loader import load
from tacmg.data.paths import RECONSTRUCTED_DIR
from tacmg.reconstruction.generator import generate, status_consistent
from tacmg.reconstruction.priors import load_priors

_ALIKE = {"CSR": 0, "PR": 0, "MM": 0, "I": 1, "U": 1, "W": 3, "E": 3, "D": 3}  # I and U ranked alike
_INDEPENDENT = {"status_link.scores_follow_status": False, "status_link.median_tie_order": _ALIKE}

# Each scenario replaces entries of the priors' status_link section (dotted paths).
LINK_SCENARIOS: dict[str, dict[str, object]] = {
    "as assumed": {},
    "(a) scores independent of status": _INDEPENDENT,
    "(a) and dose independent of status": {
        **_INDEPENDENT,
        "status_link.prednisone_fraction_kept": {"MM": [0.0, 0.6], "I": [0.2, 1.0], "U": [0.2, 1.0]},
    },
    "(b) improved by a dose cut alone": {"status_link.improved_by_dose_share": 0.5},
    "(c) improved may worsen on one score": {
        "status_link.improved_max_worsened_scores": 1,
        "status_link.improved_worsening_share": 0.5,
    },
}
REPAIRED = "month-12 values re-paired at random"
SCENARIO_KEYS = dict(zip([*LINK_SCENARIOS, REPAIRED], ("assumed", "a", "a_dose", "b", "c", "repaired")))


def repaired(cohorts: Cohorts, rng: np.random.Generator) -> Cohorts:
    """The cohorts with each clinical variable's month-12 values shuffled among the patients.

    Every cohort keeps its values (so its medians and distributions); only which baseline each
    month-12 value is paired with changes, independently for each score and the dose.

    Parameters
    ----------
    cohorts : tacmg.data.cohorts.Cohorts
        The cohorts to re-pair.
    rng : numpy.random.Generator
        The source of the shuffles.

    Returns
    -------
    tacmg.data.cohorts.Cohorts
        New cohorts; `cohorts` is unchanged.

    Examples
    --------
    >>> one = Cohorts.from_dataset(load(RECONSTRUCTED_DIR))
    >>> shuffled = repaired(one, np.random.default_rng(1))
    >>> name = key("qmg", "month_12")
    >>> sorted(shuffled.visit[name][0]) == sorted(one.visit[name][0])
    True
    """
    visit = dict(cohorts.visit)
    for variable in (*contract.SCORES, "prednisone_mg_day"):
        name = key(variable, "month_12")
        visit[name] = rng.permuted(visit[name], axis=1)
    return Cohorts(cohorts.patient, visit, cohorts.control)


def dose_rises(cohorts: Cohorts) -> np.ndarray:
    """(B,) whether any patient of each cohort takes more prednisone at month 12 than at baseline.

    Examples
    --------
    >>> one = Cohorts.from_dataset(load(RECONSTRUCTED_DIR))
    >>> dose = one.visit[key("prednisone_mg_day", "month_12")] > one.visit[key("prednisone_mg_day", "baseline")]
    >>> dose_rises(one).tolist() == [bool(dose.any())]
    True
    """
    before = cohorts.visit[key("prednisone_mg_day", "baseline")]
    after = cohorts.visit[key("prednisone_mg_day", "month_12")]
    return np.asarray((after > before).any(axis=1))


def _relaxation(cohorts: Cohorts) -> dict[str, float]:
    """Shares of cohorts that leave the committed link: any break, an improved patient worse on a
    score, an improved patient without the committed clinically important fall; and the share
    with a dose that rises (a forced median can raise one, whatever the scenario)."""
    status = cohorts.patient["status"]
    is_i = status == STATUS_INDEX["I"]
    worse = np.zeros(status.shape, bool)
    for score in contract.SCORES:
        worse |= cohorts.visit[key(score, "month_12")] > cohorts.visit[key(score, "baseline")]
    fell = np.zeros(status.shape, bool)
    for score, points in load_priors()["status_link.improved_min_change"].items():
        fell |= cohorts.visit[key(score, "baseline")] - cohorts.visit[key(score, "month_12")] >= points
    return {
        "link_broken": float(np.mean(~status_consistent(cohorts))),
        "improved_worse": float(np.mean((is_i & worse).any(axis=1))),
        "improved_without_fall": float(np.mean((is_i & ~fell).any(axis=1))),
        "dose_rise": float(np.mean(dose_rises(cohorts))),
    }


def link_robustness(
    seed: int = 1,
    n_cohorts: int = 2_000,
    repairings: int = 10_000,
    workers: int | None = None,
    use_cache: bool = True,
    build: bool = False,
    chunk_size: int = 1000,
) -> dict:
    """Shares of cohorts in which the clinical and improved-subset claims hold, by link scenario.

    Parameters
    ----------
    seed : int
        The seed of the "as assumed" ensemble (its cohorts are the first of the chapter's main
        ensemble of the same seed); the relaxed scenarios draw from ``seed + 1``.
    n_cohorts : int
        Cohorts per scenario.
    repairings : int
        Random re-pairings of the committed cohort.
    workers : int, optional
        Worker processes of `generate`.
    use_cache : bool
        Read the stored result (`tacmg.analyses.ensemble_store.stored`; its key covers the
        committed cohort's files); false computes afresh and stores nothing.
    build : bool
        Compute and store the result when none is stored (the build step, `tacmg.ensembles`);
        otherwise a missing result raises `tacmg.analyses.ensemble_store.EnsemblesMissing`.
    chunk_size : int
        Candidates per chunk of `generate`; 1000, as the chapter's main ensemble, makes the "as
        assumed" cohorts the main ensemble's first ones.

    Returns
    -------
    dict
        ``clinical``: `share_table` rows of the clinical claims (score and dose changes, and the
        status counts, which are conditioned on) with a ``scenario`` column, re-pairing included;
        ``subset``: rows of the improved-subset claims with ``scenario``, ``reading`` and
        ``median_n`` (median subset size), the implied subset claims included (``kind``);
        ``scenarios``: one row per scenario with its
        acceptance rate and the shares of cohorts that leave the committed link
        (``link_broken``, ``improved_worse``, ``improved_without_fall``) and the share of cohorts in
        which a dose rises (``dose_rise``); ``committed``: the
        re-pairing share of each clinical claim on the committed cohort; ``seconds``: the time
        the computation took when it ran.

    Examples
    --------
    >>> result = link_robustness(n_cohorts=2, repairings=10, workers=1, use_cache=False, chunk_size=50)
    >>> sorted(result["clinical"]["scenario"].unique()) == sorted(SCENARIO_KEYS)
    True
    """

    def compute():
        start = time.perf_counter()
        registry = load_claims()
        descriptive = registry.select(kind="descriptive")
        tested = [c for c in registry.select(kind="inferential") if c.finding in CLINICAL_FINDINGS]
        clinical = [*tested, *registry.select(finding="status")]
        # the implied subset claims too: they, not the stated ones, separate the readings
        subset_claims = [*registry.select(finding="improved_subset"), *registry.select(finding="implied_subset")]
        rng = np.random.default_rng(seed)
        clinical_rows, subset_rows, scenario_rows = [], [], []
        for scenario, overrides in LINK_SCENARIOS.items():
            ensemble = generate(
                seed if not overrides else seed + 1,
                n_cohorts,
                descriptive,
                evaluate=tested,
                chunk_size=chunk_size,
                workers=workers,
                priors_overrides=overrides,
            )
            assert ensemble.holds is not None
            cohorts = ensemble.cohorts
            holds = np.column_stack([ensemble.holds, holds_matrix(cohorts, clinical[len(tested) :])])
            clinical_rows.append(share_table(holds, clinical).assign(scenario=scenario))
            for reading in READINGS:
                sizes = subset_mask(cohorts, reading).sum(axis=1)
                table = share_table(subset_holds(cohorts, subset_claims, reading), subset_claims)
                subset_rows.append(table.assign(scenario=scenario, reading=reading, median_n=float(np.median(sizes))))
            scenario_rows.append(
                {"scenario": scenario, "acceptance_rate": ensemble.acceptance_rate, **_relaxation(cohorts)}
            )
            if not overrides:
                shuffled = repaired(cohorts, rng)
                clinical_rows.append(share_table(holds_matrix(shuffled, clinical), clinical).assign(scenario=REPAIRED))
        one = Cohorts.from_dataset(load(RECONSTRUCTED_DIR))
        many = repaired(one.take(np.zeros(repairings, int)), rng)
        committed = share_table(holds_matrix(many, tested), tested)
        return {
            "clinical": pd.concat(clinical_rows, ignore_index=True),
            "subset": pd.concat(subset_rows, ignore_index=True),
            "scenarios": pd.DataFrame(scenario_rows),
            "committed": committed,
            "seconds": time.perf_counter() - start,
        }

    if not use_cache:
        return compute()
    # the store's key covers the committed cohort's files, which the re-pairings read
    return stored("status-link", compute, seed, n_cohorts, repairings, chunk_size, build=build)


def summary(results: dict) -> dict[str, float | int | str]:
    """The figures chapter 10 quotes from `link_robustness` (shares in %), as glue names.

    ``<scenario>_<claim>`` for every clinical claim (e.g. ``a_qmg_decrease``), ``<scenario>_scores_min``
    and ``_scores_max`` over the four score claims, ``committed_<claim>``, ``<scenario>_broken``,
    ``<scenario>_worse``, ``<scenario>_nofall``, ``<scenario>_acceptance``,
    ``<scenario>_dose_rise`` (cohorts with a patient whose dose rises), ``dose_rise_max`` (the most
    over the scenarios),
    ``sub_<reading>_<scenario>_min`` (the least share over the published improved-subset claims),
    ``imp_<reading>_<scenario>_min`` (the same over the implied ones), ``imp_<reading>_<claim>``
    (each implied subset claim's share as assumed), ``sub_<reading>_n`` (median subset size, as
    assumed), ``sub_floor`` (the least published subset share of all), ``dose_floor`` (the
    prednisone claim's least share, re-pairing included), ``committed_repairings``.

    Parameters
    ----------
    results : dict
        As returned by `link_robustness`.

    Returns
    -------
    dict

    Examples
    --------
    >>> figures = summary(link_robustness(n_cohorts=2, repairings=10, workers=1, use_cache=False, chunk_size=50))
    >>> 0 <= figures["repaired_qmg_decrease"] <= 100
    True
    """
    figures: dict[str, float | int | str] = {}  # not the computing time: it differs from run to run
    clinical = results["clinical"]
    scores = clinical["finding"] == "clinical_scores"
    for scenario, short in SCENARIO_KEYS.items():
        rows = clinical[clinical["scenario"] == scenario]
        for claim_id, share in zip(rows["claim_id"], rows["share"]):
            figures[f"{short}_{claim_id.replace('-', '_')}"] = float(100 * share)
        figures[f"{short}_scores_min"] = float(
            100 * clinical.loc[scores & (clinical["scenario"] == scenario), "share"].min()
        )
        figures[f"{short}_scores_max"] = float(
            100 * clinical.loc[scores & (clinical["scenario"] == scenario), "share"].max()
        )
    figures["committed_repairings"] = int(results["committed"]["cohorts"].iloc[0])
    figures["dose_floor"] = float(100 * clinical.loc[clinical["finding"] == "prednisone", "share"].min())
    for claim_id, share in zip(results["committed"]["claim_id"], results["committed"]["share"]):
        figures[f"committed_{claim_id.replace('-', '_')}"] = float(100 * share)
    for row in results["scenarios"].itertuples():
        short = SCENARIO_KEYS[row.scenario]
        figures[f"{short}_broken"] = float(100 * row.link_broken)
        figures[f"{short}_worse"] = float(100 * row.improved_worse)
        figures[f"{short}_nofall"] = float(100 * row.improved_without_fall)
        figures[f"{short}_acceptance"] = float(100 * row.acceptance_rate)
        figures[f"{short}_dose_rise"] = float(100 * row.dose_rise)
    figures["dose_rise_max"] = float(100 * results["scenarios"]["dose_rise"].max())
    everything = results["subset"]
    implied = everything["finding"] == "implied_subset"
    subset = everything[~implied]
    figures["sub_floor"] = float(100 * subset["share"].min())
    for reading, short in READING_KEYS.items():
        rows = subset[subset["reading"] == reading]
        implied_rows = everything[implied & (everything["reading"] == reading)]
        figures[f"sub_{short}_n"] = float(rows.loc[rows["scenario"] == "as assumed", "median_n"].iloc[0])
        for scenario in LINK_SCENARIOS:
            share = rows.loc[rows["scenario"] == scenario, "share"].min()
            figures[f"sub_{short}_{SCENARIO_KEYS[scenario]}_min"] = float(100 * share)
            implied_share = implied_rows.loc[implied_rows["scenario"] == scenario, "share"].min()
            figures[f"imp_{short}_{SCENARIO_KEYS[scenario]}_min"] = float(100 * implied_share)
        assumed = implied_rows[implied_rows["scenario"] == "as assumed"]
        for claim_id, share in zip(assumed["claim_id"], assumed["share"]):
            figures[f"imp_{short}_{claim_id.replace('-', '_')}"] = float(100 * share)
    return figures


def settings() -> dict[str, float]:
    """The priors each relaxed scenario uses, for the chapter's description (fractions in %).

    Returns
    -------
    dict
        ``independent_low`` / ``_high`` (the fraction of each baseline score kept under (a)),
        ``dose_low`` / ``_high`` (the fraction of the dose improved and unchanged patients keep
        under (a) with the dose), ``by_dose_share`` and ``by_dose_cut`` (the share of improved
        patients improving by dose alone, and the most of the dose they keep, under (b)),
        ``worsening_share`` (improved patients worse on one score under (c)).

    Examples
    --------
    >>> settings()["by_dose_share"]
    50.0
    """
    priors = load_priors()
    a = priors.with_overrides(LINK_SCENARIOS["(a) scores independent of status"])
    a_dose = priors.with_overrides(LINK_SCENARIOS["(a) and dose independent of status"])
    b = priors.with_overrides(LINK_SCENARIOS["(b) improved by a dose cut alone"])
    c = priors.with_overrides(LINK_SCENARIOS["(c) improved may worsen on one score"])
    low, high = a["status_link.independent_fraction_kept"]
    dose_low, dose_high = a_dose["status_link.prednisone_fraction_kept"]["U"]
    return {
        "independent_low": 100 * low,
        "independent_high": 100 * high,
        "dose_low": 100 * dose_low,
        "dose_high": 100 * dose_high,
        "by_dose_share": 100 * b["status_link.improved_by_dose_share"],
        "by_dose_cut": 100 * b["status_link.improved_by_dose_fraction_kept"][1],
        "worsening_share": 100 * c["status_link.improved_worsening_share"],
    }
