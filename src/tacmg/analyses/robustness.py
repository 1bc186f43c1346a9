"""How robust each inferential claim is across many cohorts that fit the reported summaries.

An ensemble is generated conditioning only on the descriptive claims (n, medians, means, status
counts) and the priors; every inferential claim (significance, direction, sign of a correlation) is
then evaluated on each cohort. The share of cohorts in which a claim holds says how far the
reported summaries, plus the priors, determine it. Sensitivity analyses vary the priors (new
ensembles) and the analysis choices (the same cohorts, evaluated differently).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from tacmg.analyses.ensemble_store import stored, stored_or_none
from tacmg.claims.evaluate import IMPROVED_STATUSES, holds_matrix, tested_claim_holds
from tacmg.claims.registry import Claim, load_claims
from tacmg.data import contract
from tacmg.data.cohorts import Cohorts, status_mask
from tacmg.reconstruction.generator import generate
from tacmg.stats import rank_tests
from tacmg.stats.multiplicity import benjamini_hochberg

# Sensitivity to the priors: each entry replaces priors.yaml values (dotted paths).
PRIOR_SCENARIOS: dict[str, dict[str, object]] = {
    "as assumed": {},
    "15 controls": {"cohort.n_controls": 15},
    "60 controls": {"cohort.n_controls": 60},
    "scores weakly correlated (0.2)": {"scores.rank_correlation_among_scores": 0.2},
    "scores strongly correlated (0.8)": {"scores.rank_correlation_among_scores": 0.8},
    "molecule changes twice as noisy": {"molecules.log_change_sd": 0.7},
    "no molecule effects (null priors)": {
        "molecules.patient_to_control_ratio": {m: 1.0 for m in contract.MOLECULES},
        "molecules.log_change_by_status": {m: {"MM": 0.0, "I": 0.0, "U": 0.0} for m in contract.MOLECULES},
        "correlations.molecule_pairs": {},
        "correlations.score_molecule_pairs": {},
    },
}


@dataclass(frozen=True)
class Analysis:
    """An analysis choice: correlation method and visit, and multiplicity correction."""

    correlation: str = "spearman"  # or "pearson_log": Pearson on log concentrations
    visit: str = "baseline"  # visit at which correlations are computed
    multiplicity: str = "none"  # or "fdr_bh": Benjamini-Hochberg within each family of tests


ANALYSES = {
    "as chosen (Spearman, baseline, unadjusted)": Analysis(),
    "Pearson on log concentrations": Analysis(correlation="pearson_log"),
    "correlations at month 12": Analysis(visit="month_12"),
    "Benjamini-Hochberg within each family": Analysis(multiplicity="fdr_bh"),
}


def _pearson_log(x: np.ndarray, y: np.ndarray, x_name: str, y_name: str) -> rank_tests.TestResult:
    """Pearson r on log concentrations (scores stay as they are); t and Fisher-z p-values."""
    x = np.log(x) if x_name in contract.MOLECULES else x
    y = np.log(y) if y_name in contract.MOLECULES else y
    result = stats.pearsonr(x, y, axis=1)
    r = np.asarray(result.statistic, float)
    n = x.shape[1]
    p_fisher = 2 * stats.norm.sf(np.abs(np.arctanh(np.clip(r, -0.999999, 0.999999))) * np.sqrt(n - 3))
    return rank_tests.TestResult(
        "Pearson (log)", r, r, np.column_stack([np.asarray(result.pvalue), p_fisher]), ("t", "Fisher z")
    )


def _correlation_test(cohorts: Cohorts, x_name: str, y_name: str, analysis: Analysis):
    x, y = cohorts.values(x_name, analysis.visit), cohorts.values(y_name, analysis.visit)
    if analysis.correlation == "pearson_log":
        return _pearson_log(x, y, x_name, y_name)
    return rank_tests.spearman(x, y)


def _paired_test(cohorts: Cohorts, variable: str, subset: str):
    before, after = cohorts.values(variable, "baseline"), cohorts.values(variable, "month_12")
    if subset == "improved":
        mask = status_mask(cohorts.patient["status"], IMPROVED_STATUSES)
        subset_before, subset_after = cohorts.subset_rows(mask, before), cohorts.subset_rows(mask, after)
        if isinstance(subset_before, list) or isinstance(subset_after, list):
            raise ValueError("ensemble cohorts must have the same improved-subset size")
        before, after = subset_before, subset_after
    return rank_tests.signed_rank(before, after)


def _families(analysis: Analysis) -> dict[str, list[tuple]]:
    """Every test the study design implies, grouped into the families corrected together."""
    molecules, scores = list(contract.MOLECULES), list(contract.SCORES)
    pairs = [(m, s) for m in molecules for s in scores]
    pairs += [(a, b) for i, a in enumerate(molecules) for b in molecules[i + 1 :]]
    return {
        "clinical": [("paired", v, "all") for v in (*scores, "prednisone_mg_day")],
        "molecules_vs_controls": [("controls", m) for m in molecules],
        "molecule_change": [("paired", m, "all") for m in molecules],
        "improved_subset": [("paired", m, "improved") for m in molecules],
        "correlations": [("correlation", a, b) for a, b in pairs],
    }


def _test_key(claim: Claim) -> tuple | None:
    if claim.quantity == "paired_change":
        return ("paired", claim.variables[0], claim.subset)
    if claim.quantity == "group_difference":
        return ("controls", claim.variables[0])
    if claim.quantity == "correlation":
        return ("correlation", *claim.variables)
    return None


def _run(cohorts: Cohorts, test_key: tuple, analysis: Analysis) -> rank_tests.TestResult:
    kind = test_key[0]
    if kind == "paired":
        return _paired_test(cohorts, test_key[1], test_key[2])
    if kind == "controls":
        return rank_tests.rank_sum(cohorts.values(test_key[1], "baseline"), cohorts.control[test_key[1]])
    return _correlation_test(cohorts, test_key[1], test_key[2], analysis)


def _family_of(test_key: tuple, families: dict) -> str | None:
    for name, keys in families.items():
        if test_key in keys or (test_key[0] == "correlation" and ("correlation", test_key[2], test_key[1]) in keys):
            return name
    return None


def holds_under(cohorts: Cohorts, claims, analysis: Analysis = Analysis()) -> np.ndarray:
    """(B, k) booleans: does each claim hold in each cohort under this analysis choice."""
    claims = list(claims)
    out = np.zeros((cohorts.size, len(claims)), bool)
    families = _families(analysis)
    adjusted: dict[str, dict[tuple, np.ndarray]] = {}
    if analysis.multiplicity == "fdr_bh":
        for name, keys in families.items():
            keys_of_claims = [k for k in map(_test_key, claims) if k is not None]
            if not any(_family_of(k, families) == name for k in keys_of_claims):
                continue
            results = {k: _run(cohorts, k, analysis) for k in keys}
            stacked = np.stack([results[k].p for k in keys], axis=1)  # (B, m, variants)
            per_variant = np.stack([benjamini_hochberg(stacked[:, :, v]) for v in range(stacked.shape[2])], axis=2)
            adjusted[name] = {k: per_variant[:, i, :] for i, k in enumerate(keys)}
    for j, claim in enumerate(claims):
        key = _test_key(claim)
        if key is None:  # descriptive claims and directions: no test, no analysis choice
            out[:, j] = holds_matrix(cohorts, [claim])[:, 0]
            continue
        result = _run(cohorts, key, analysis)
        p = result.p
        family = _family_of(key, families)
        if family in adjusted:
            lookup = adjusted[family]
            mirrored = ("correlation", key[2], key[1]) if key[0] == "correlation" else key
            p = lookup.get(key, lookup.get(mirrored, p))
        out[:, j] = tested_claim_holds(claim, result.estimate, p)
    return out


def share_table(holds: np.ndarray, claims, confidence: float = 0.95) -> pd.DataFrame:
    """Share of cohorts in which each claim holds, with a Wilson interval, and what it means."""
    claims = list(claims)
    n = holds.shape[0]
    count = holds.sum(axis=0)
    low, high = proportion_confint(count, n, alpha=1 - confidence, method="wilson")
    registry = load_claims()
    return pd.DataFrame(
        {
            "claim_id": [c.id for c in claims],
            "finding": [c.finding for c in claims],
            "finding_title": [registry.findings[c.finding] for c in claims],
            "published": [c.published_text for c in claims],
            "cohorts": n,
            "holds": count,
            "share": count / n,
            "ci_low": low,
            "ci_high": high,
            "reading": [_reading(s) for s in count / n],
        }
    )


READINGS = ("holds almost always", "holds sometimes", "holds almost never")


def _reading(share: float) -> str:
    """'holds almost always' (>= 95% of cohorts), 'holds almost never' (<= 5%), else 'holds sometimes'."""
    if share >= 0.95:
        return READINGS[0]
    if share <= 0.05:
        return READINGS[2]
    return READINGS[1]


# The ensemble size the build step stores (`tacmg.ensembles`). `generate` keeps the first accepted
# cohorts in seed order, so a smaller ensemble of the same seed is the stored one's first cohorts:
# a reader who asks for fewer (chapter 10's "Try it") gets them from the store in a second, not drawn
# again in a minute.
BUILT_COHORTS = 10_000


def first_cohorts(built: dict, n_cohorts: int, claims) -> dict:
    """A stored robustness or implied-claims result cut to its first `n_cohorts` cohorts.

    Only what depends on the main ensemble's size changes (``holds``, ``shares``, ``cohorts``); the
    prior and analysis sensitivity rows use the first ``sensitivity_cohorts`` cohorts, the same in
    both, and the acceptance rate stays that of the stored draw (an estimate from more candidates).
    """
    holds = np.asarray(built["holds"])[:n_cohorts]
    return {**built, "holds": holds, "shares": share_table(holds, claims)} | (
        {"cohorts": n_cohorts} if "cohorts" in built else {}
    )


def robustness(
    seed: int = 1,
    n_cohorts: int = 10_000,
    sensitivity_cohorts: int = 2_000,
    workers: int | None = None,
    use_cache: bool = True,
    build: bool = False,
) -> dict[str, pd.DataFrame]:
    """The robustness chapter's results: main shares, prior sensitivity, analysis sensitivity.

    Returns {"shares": ..., "priors": ..., "analyses": ...}, tidy frames (one row per claim and
    scenario) with share, Wilson interval and reading. Cached on its inputs.
    """

    def compute():
        registry = load_claims()
        descriptive = registry.select(kind="descriptive")
        inferential = registry.select(kind="inferential")
        main = generate(seed, n_cohorts, descriptive, evaluate=inferential, chunk_size=1000, workers=workers)
        assert main.holds is not None  # generate(evaluate=...) always records holds
        shares = share_table(main.holds, inferential)
        prior_rows = []
        for scenario, overrides in PRIOR_SCENARIOS.items():
            if overrides:
                ensemble = generate(
                    seed + 1,
                    sensitivity_cohorts,
                    descriptive,
                    evaluate=inferential,
                    chunk_size=1000,
                    workers=workers,
                    priors_overrides=overrides,
                )
                assert ensemble.holds is not None
                holds = ensemble.holds
            else:
                holds = main.holds[:sensitivity_cohorts]
            prior_rows.append(share_table(holds, inferential).assign(scenario=scenario))
        analysis_rows = []
        subset = main.cohorts.take(slice(0, sensitivity_cohorts))
        for label, analysis in ANALYSES.items():
            holds = holds_under(subset, inferential, analysis)
            analysis_rows.append(share_table(holds, inferential).assign(analysis=label))
        return {
            "shares": shares,
            "priors": pd.concat(prior_rows, ignore_index=True),
            "analyses": pd.concat(analysis_rows, ignore_index=True),
            "acceptance_rate": main.acceptance_rate,
            "candidates": main.candidates,
            "holds": main.holds,
        }

    if not use_cache:
        return compute()
    if sensitivity_cohorts <= n_cohorts < BUILT_COHORTS:
        built = stored_or_none("robustness", seed, BUILT_COHORTS, sensitivity_cohorts)
        if built is not None:
            return first_cohorts(built, n_cohorts, load_claims().select(kind="inferential"))
    return stored("robustness", compute, seed, n_cohorts, sensitivity_cohorts, build=build)


CLINICAL_FINDINGS = ("clinical_scores", "prednisone")
NULL_SCENARIO = "no molecule effects (null priors)"
CHOSEN_ANALYSIS = "as chosen (Spearman, baseline, unadjusted)"
CORRECTED_ANALYSIS = "Benjamini-Hochberg within each family"


def summary(results: dict) -> dict:
    """The figures the robustness chapter quotes, from `robustness()`'s results (shares in %)."""
    shares = results["shares"]
    figures: dict[str, float | int | str] = {
        "cohorts": int(shares["cohorts"].iloc[0]),
        "acceptance": float(100 * results["acceptance_rate"]),
        "claims": len(shares),
        **{
            key: int((shares["reading"] == reading).sum())
            for key, reading in zip(("always", "sometimes", "never"), READINGS)
        },
    }
    priors = results["priors"]
    null = priors[priors["scenario"] == NULL_SCENARIO]
    clinical = null["finding"].isin(CLINICAL_FINDINGS)
    figures["null_median_share"] = float(100 * null.loc[~clinical, "share"].median())
    figures["null_clinical_min"] = float(100 * null.loc[clinical, "share"].min())
    analyses = results["analyses"].set_index("claim_id")
    plain = analyses[analyses["analysis"] == CHOSEN_ANALYSIS]["share"]
    corrected = analyses[analyses["analysis"] == CORRECTED_ANALYSIS]["share"]
    drop = (plain - corrected).sort_values(ascending=False)
    figures["bh_biggest_drop_claim"] = str(drop.index[0])
    figures["bh_biggest_drop"] = float(100 * drop.iloc[0])
    for family, tests in _families(Analysis()).items():
        figures[f"family_{family}"] = len(tests)
    return figures
