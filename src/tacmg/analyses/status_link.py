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
share who worsen on one score (c). `link_sensitivity` draws an ensemble at every value of a grid
over each, so chapter 10 can show the share of cohorts in which each claim holds as a curve.
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


# ----------------------------------------------------------------------------- sensitivity curves
# The unsourced prior each relaxation rests on, and the values the grid draws an ensemble at.
# (a) draws a non-MM patient's month-12 score as baseline x U(low, high): a grid over both ends.
SENSITIVITY_LOWS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
SENSITIVITY_HIGHS = (0.9, 1.0, 1.1, 1.2, 1.3, 1.4)
# Past 70% of improved patients improving by a dose cut alone, almost no candidate meets the
# published medians (0.3% at 100%): the grid of (b) stops there.
SENSITIVITY_SHARES = {
    "b": (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7),
    "c": (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0),
}
SENSITIVITY_COHORTS = 500  # per grid point: a share's standard error is at most 2.2 percentage points
SENSITIVITY_CHUNK = 500
# (b) and (c) move one share; the scenario's other entries stay as `LINK_SCENARIOS` sets them.
SENSITIVITY_PRIORS = {
    "a": ("(a) scores independent of status", "status_link.independent_fraction_kept"),
    "b": ("(b) improved by a dose cut alone", "status_link.improved_by_dose_share"),
    "c": ("(c) improved may worsen on one score", "status_link.improved_worsening_share"),
}
# What a reader may reasonably hold about (a)'s window, and why (chapter 10 and the landing page
# quote the claims' shares at both ends). Judgements, stated as such, not sourced figures.
PLAUSIBLE_WINDOWS = {
    "favourable": (
        (0.3, 1.0),
        "no patient outside minimal manifestation status ends worse than at baseline, as no patient is "
        "reported worse (W) or exacerbated (E), and a fall of up to 70% is still short of the MM cap",
    ),
    "harsh": (
        (0.5, 1.3),
        "a patient outside minimal manifestation status keeps at least half of each baseline score (a "
        "larger fall would usually reach the MM cap) and may end up to 30% worse, as the prior assumed",
    ),
}


def sensitivity_grid() -> list[tuple[str, dict[str, object], float, float]]:
    """Every grid point: (relaxation key, prior overrides, the prior's value, the window's upper end).

    For (a) the value is the window's lower end and the last entry its upper end; for (b) and (c)
    the value is the share and the last entry NaN.

    Examples
    --------
    >>> grid = sensitivity_grid()
    >>> len(grid) == len(SENSITIVITY_LOWS) * len(SENSITIVITY_HIGHS) + sum(map(len, SENSITIVITY_SHARES.values()))
    True
    >>> grid[0][1]["status_link.independent_fraction_kept"]
    [0.1, 0.9]
    """
    points: list[tuple[str, dict[str, object], float, float]] = []
    scenario, name = SENSITIVITY_PRIORS["a"]
    for low in SENSITIVITY_LOWS:
        for high in SENSITIVITY_HIGHS:
            points.append(("a", {**LINK_SCENARIOS[scenario], name: [low, high]}, low, high))
    for relaxation in ("b", "c"):
        scenario, name = SENSITIVITY_PRIORS[relaxation]
        for share in SENSITIVITY_SHARES[relaxation]:
            points.append((relaxation, {**LINK_SCENARIOS[scenario], name: share}, share, float("nan")))
    return points


def link_sensitivity(
    seed: int = 1,
    n_cohorts: int = SENSITIVITY_COHORTS,
    workers: int | None = None,
    build: bool = False,
    use_cache: bool = True,
    grid: list[tuple[str, dict[str, object], float, float]] | None = None,
) -> dict:
    """The share of cohorts in which each clinical claim holds at every point of `sensitivity_grid`.

    Each point draws its own ensemble of `n_cohorts` cohorts conditioned on the descriptive claims
    only (as the scenarios of `link_robustness`), from ``seed + 1``, so the assumed value of a
    relaxation's prior reproduces that scenario's ensemble when the sizes agree.

    Parameters
    ----------
    seed : int
        As `link_robustness`.
    n_cohorts : int
        Cohorts per grid point.
    workers : int, optional
        Worker processes of `generate`.
    build, use_cache : bool
        As `link_robustness` (the build step computes and stores; chapters read).
    grid : list, optional
        Grid points (default `sensitivity_grid`); for tests.

    Returns
    -------
    dict
        ``curves``: a row per grid point and claim: ``relaxation`` ("a", "b", "c"), ``prior``
        (the priors.yaml entry), ``value`` (lower end of (a)'s window, or the share),
        ``high`` ((a)'s upper end), ``claim_id``, ``claim``, ``share`` (0-1), ``cohorts``,
        ``acceptance_rate`` and ``dose_rise`` (share of cohorts in which a dose rises).

    Examples
    --------
    >>> grid = sensitivity_grid()[:1]
    >>> out = link_sensitivity(n_cohorts=3, workers=1, use_cache=False, grid=grid)
    >>> sorted(out["curves"]["claim_id"])[:2], int(out["curves"]["cohorts"].iloc[0])
    (['mg-adl-decrease', 'mg-qol15-decrease'], 3)
    """

    def compute() -> dict:
        registry = load_claims()
        descriptive = registry.select(kind="descriptive")
        tested = [c for c in registry.select(kind="inferential") if c.finding in CLINICAL_FINDINGS]
        rows = []
        for relaxation, overrides, value, high in grid or sensitivity_grid():
            ensemble = generate(
                seed + 1,
                n_cohorts,
                descriptive,
                evaluate=tested,
                chunk_size=SENSITIVITY_CHUNK,
                workers=workers,
                priors_overrides=overrides,
            )
            assert ensemble.holds is not None
            rises = float(np.mean(dose_rises(ensemble.cohorts)))
            for j, claim in enumerate(tested):
                rows.append(
                    {
                        "relaxation": relaxation,
                        "prior": SENSITIVITY_PRIORS[relaxation][1],
                        "value": float(value),
                        "high": float(high),
                        "claim_id": claim.id,
                        "claim": claim.paraphrase,
                        "share": float(ensemble.holds[:, j].mean()),
                        "cohorts": int(ensemble.cohorts.size),
                        "acceptance_rate": float(ensemble.acceptance_rate),
                        "dose_rise": rises,
                    }
                )
        return {"curves": pd.DataFrame(rows)}

    if not use_cache:
        return compute()
    return stored("status-link-sensitivity", compute, seed, n_cohorts, SENSITIVITY_CHUNK, build=build)


def sensitivity_summary(curves: pd.DataFrame) -> dict[str, float | str]:
    """The figures chapter 10 and the landing page quote from the curves (shares in %).

    ``a_<end>_scores_min`` / ``_max``: the four score claims' least and greatest share at each end
    of `PLAUSIBLE_WINDOWS` (``favourable``, ``harsh``), with ``a_<end>_low`` / ``_high`` (the
    window, in %) and ``a_<end>_reason``; ``<relaxation>_scores_min_all`` / ``_max_all``: the least
    and greatest score share over the whole grid of each relaxation; ``<relaxation>_value_min`` /
    ``_max`` (in %); ``dose_rise_max``: the most cohorts with a rising dose at any point.

    Examples
    --------
    >>> rows = [{"relaxation": "a", "value": lo, "high": hi, "claim_id": c, "share": s, "dose_rise": 0.1}
    ...         for (lo, hi), s in (((0.3, 1.0), 0.9), ((0.5, 1.3), 0.2)) for c in ("qmg-decrease", "mmt-decrease")]
    >>> figures = sensitivity_summary(pd.DataFrame(rows))
    >>> figures["a_favourable_scores_min"], figures["a_harsh_scores_max"], figures["a_harsh_high"]
    (90.0, 20.0, 130.0)
    """
    scores = {c.id for c in load_claims().select(finding="clinical_scores") if c.kind == "inferential"}
    on_scores = curves[curves["claim_id"].isin(scores)]
    figures: dict[str, float | str] = {}
    a = on_scores[on_scores["relaxation"] == "a"]
    for end, ((low, high), reason) in PLAUSIBLE_WINDOWS.items():
        at = a[np.isclose(a["value"], low) & np.isclose(a["high"], high)]["share"]
        figures[f"a_{end}_scores_min"] = float(100 * at.min())
        figures[f"a_{end}_scores_max"] = float(100 * at.max())
        figures[f"a_{end}_low"] = 100 * low
        figures[f"a_{end}_high"] = 100 * high
        figures[f"a_{end}_reason"] = reason
    for relaxation, rows in on_scores.groupby("relaxation"):
        figures[f"{relaxation}_scores_min_all"] = float(100 * rows["share"].min())
        figures[f"{relaxation}_scores_max_all"] = float(100 * rows["share"].max())
        figures[f"{relaxation}_value_min"] = float(100 * rows["value"].min())
        figures[f"{relaxation}_value_max"] = float(100 * rows["value"].max())
    figures["dose_rise_max"] = float(100 * curves["dose_rise"].max())
    return figures
