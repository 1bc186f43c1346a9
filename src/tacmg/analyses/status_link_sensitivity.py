"""The status-link sensitivity grid: the clinical claims' shares as each relaxation's prior moves (chapter 10).

Each relaxation of `tacmg.analyses.status_link` rests on an unsourced prior: how much of a
baseline score a patient keeps when scores ignore status (a), the share of improved patients who
improve by a dose cut alone (b), the share who worsen on one score (c). `link_sensitivity` draws
an ensemble at every value of a grid over each, so chapter 10 can show the share of cohorts in
which each claim holds as a curve. Kept apart from the scenarios it varies: a grid of ensembles
with its own stored result, plausible windows and summary figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tacmg.analyses.ensemble_store import stored
from tacmg.analyses.robustness import CLINICAL_FINDINGS
from tacmg.analyses.status_link import LINK_SCENARIOS, dose_rises
from tacmg.claims.registry import load_claims
from tacmg.reconstruction.generator import generate

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
