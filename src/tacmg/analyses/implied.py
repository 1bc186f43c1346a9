"""How often the implied claims hold across cohorts that fit the reported summaries.

The implied claims (``kind: implied`` in the registry, decision ``implied-lists``) are what the
sources' lists of significant results leave out: a molecule not listed as falling did not fall
significantly, a pair not listed as correlated was not significantly correlated. They are never
conditioned on. The ensemble here is the robustness chapter's: the same seed, conditioned only on
the descriptive claims, so its cohorts are the ones whose stated claims that chapter tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tacmg.analyses.ensemble_store import stored, stored_or_none
from tacmg.analyses.robustness import BUILT_COHORTS, share_table
from tacmg.claims.registry import load_claims
from tacmg.reconstruction.generator import generate

CHUNK_SIZE = 1000  # as in `tacmg.analyses.robustness.robustness`, so the cohorts are the same


def implied_shares(
    seed: int = 1, n_cohorts: int = 10_000, workers: int | None = None, use_cache: bool = True, build: bool = False
) -> dict[str, object]:
    """Share of cohorts in which each implied claim holds, and in which all of them hold at once.

    Parameters
    ----------
    seed, n_cohorts : int
        The ensemble: cohorts conditioned on the descriptive claims only.
    workers : int, optional
        Worker processes (they do not change the result).
    use_cache : bool
        Read the stored result (`tacmg.analyses.ensemble_store.stored`); false computes afresh
        and stores nothing.
    build : bool
        Compute and store the result when none is stored (the build step, `tacmg.ensembles`);
        otherwise a missing result raises `tacmg.analyses.ensemble_store.EnsemblesMissing`.

    Returns
    -------
    dict
        ``shares`` (`tacmg.analyses.robustness.share_table` of the implied claims: share, Wilson
        interval, reading), ``all_hold`` (share of cohorts in which every implied claim holds),
        ``by_finding`` (finding, claims, share of cohorts in which all of that finding's claims
        hold) and ``cohorts``.

    Examples
    --------
    >>> result = implied_shares(seed=3, n_cohorts=20, workers=1, use_cache=False)
    >>> result["cohorts"], set(result["shares"]["finding"]) == set(result["by_finding"]["finding"])
    (20, True)
    """

    registry = load_claims()
    implied = registry.select(kind="implied")

    def compute():
        ensemble = generate(
            seed,
            n_cohorts,
            registry.select(kind="descriptive"),
            evaluate=implied,
            chunk_size=CHUNK_SIZE,
            workers=workers,
        )
        assert ensemble.holds is not None  # generate(evaluate=...) always records holds
        return shares_of(ensemble.holds, implied, registry)

    if not use_cache:
        return compute()
    if n_cohorts < BUILT_COHORTS:
        # the first cohorts of the stored ensemble are this smaller one (`robustness.BUILT_COHORTS`)
        built = stored_or_none("implied", seed, BUILT_COHORTS)
        if built is not None:
            return shares_of(np.asarray(built["holds"])[:n_cohorts], implied, registry)
    return stored("implied", compute, seed, n_cohorts, build=build)


def shares_of(holds: np.ndarray, implied, registry) -> dict[str, object]:
    """`implied_shares`'s result from the (cohorts, implied claims) booleans of an ensemble."""
    findings = np.array([c.finding for c in implied])
    by_finding = pd.DataFrame(
        [
            {
                "finding": finding,
                "finding_title": registry.findings[finding],
                "claims": int((findings == finding).sum()),
                "all_hold": float(holds[:, findings == finding].all(axis=1).mean()),
            }
            for finding in dict.fromkeys(findings)
        ]
    )
    return {
        "shares": share_table(holds, implied),
        "all_hold": float(holds.all(axis=1).mean()),
        "by_finding": by_finding,
        "cohorts": int(holds.shape[0]),
        "holds": holds,
    }


def implied_summary(result: dict) -> dict[str, float | int]:
    """The figures the robustness chapter's implied-claims section quotes (shares in %).

    Parameters
    ----------
    result : dict
        The output of `implied_shares`.

    Returns
    -------
    dict
        claims, cohorts, always / sometimes / never (claims holding in at least 95%, between 5% and
        95%, at most 5% of cohorts), min_share and min_claim (the least robust claim), all_hold (%
        of cohorts in which every implied claim holds), all_hold_<finding> (the same per finding),
        and chance_all (% expected if every claim held independently in 95% of cohorts: 0.95 to the
        power of the number of claims).

    Examples
    --------
    >>> result = implied_shares(seed=3, n_cohorts=20, workers=1, use_cache=False)
    >>> summary = implied_summary(result)
    >>> summary["claims"] == len(load_claims().select(kind="implied")), 0 <= summary["all_hold"] <= 100
    (True, True)
    """
    shares = result["shares"]
    least = shares.loc[shares["share"].idxmin()]
    figures: dict[str, float | int] = {
        "claims": len(shares),
        "cohorts": int(result["cohorts"]),
        "always": int((shares["share"] >= 0.95).sum()),
        "sometimes": int(((shares["share"] > 0.05) & (shares["share"] < 0.95)).sum()),
        "never": int((shares["share"] <= 0.05).sum()),
        "min_share": float(100 * least["share"]),
        "all_hold": float(100 * result["all_hold"]),
        "chance_all": float(100 * 0.95 ** len(shares)),
    }
    figures["min_claim"] = str(least["claim_id"])  # type: ignore[assignment]
    for row in result["by_finding"].itertuples():
        figures[f"all_hold_{row.finding}"] = float(100 * row.all_hold)
    return figures
