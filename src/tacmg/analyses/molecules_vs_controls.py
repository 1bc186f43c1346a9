"""Soluble molecules in patients at baseline against healthy controls (chapter 5).

Mann-Whitney U per molecule with the p the claims table reports (`tacmg.stats.rank_tests`), the
Hodges-Lehmann ratio of typical values with its interval and the rank-biserial effect size
(`tacmg.stats.estimates`), and a Benjamini-Hochberg adjustment over the eight molecules
(`tacmg.stats.multiplicity`). Concentrations are in pg/mL; ratios have no unit.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
from scipy import stats

from tacmg.analyses import censoring
from tacmg.analyses.selection import (
    MOLECULE_COLUMNS,
    add_significance,
    baseline_rows,
    claims_by_variables,
    label,
)
from tacmg.claims.registry import Registry, load_claims
from tacmg.data.loader import Dataset
from tacmg.stats import estimates, rank_tests


def _rank_sum(patients: np.ndarray, controls: np.ndarray, method: str):
    """Mann-Whitney U with scipy `method`, or with "reported" the p the claims table reports
    (exact without ties, else the asymptotic one without continuity correction)."""
    if method != "reported":
        return stats.mannwhitneyu(patients, controls, method=method)
    result = rank_tests.rank_sum(patients[None], controls[None])
    return SimpleNamespace(statistic=float(result.statistic[0]), pvalue=float(result.p_primary[0]))


def baseline_against_controls(
    dataset: Dataset,
    *,
    alpha: float = 0.05,
    correction: str = "fdr_bh",
    confidence: float = 0.95,
    method: str = "reported",
    registry: Registry | None = None,
) -> pd.DataFrame:
    """Patients at baseline against healthy controls, one row per molecule.

    Columns: molecule, label, n_patients, n_controls, median_patients and median_controls (pg/mL),
    ratio_of_medians, hl_ratio with hl_ratio_low / hl_ratio_high (Hodges-Lehmann ratio of typical
    values, patients over controls, with its `confidence` interval; no unit), u_statistic (U of the
    patients), rank_biserial (2U/(nm) - 1, from -1 to 1), p (Mann-Whitney U, two-sided, scipy
    `method`), p_adjusted (`correction` over the eight molecules), significant and
    significant_adjusted (p below `alpha`), published_direction ('higher' / 'lower'),
    published_significant (True / False from the registry's news list), in_abstract_list (the
    abstract's shorter list of significant elevations), matches_published and
    matches_published_adjusted (direction and significance both as published), below_limit (the
    estimates that values below the detection limit decide, with their bound, e.g. "median of
    controls < 76"; empty when none: `tacmg.analyses.censoring`). Each row uses the patients with a
    baseline value and the controls with a value of its molecule (n_patients, n_controls).
    """
    registry = registry or load_claims()
    published = claims_by_variables(registry, "molecules_vs_controls")
    baseline = baseline_rows(dataset)
    rows = []
    for molecule in MOLECULE_COLUMNS:
        # The patients' baseline values present and the controls' values present.
        patients = baseline[molecule].dropna().to_numpy(float)
        controls = dataset.controls[molecule].dropna().to_numpy(float)
        test = _rank_sum(patients, controls, method)
        ratio = estimates.ratio_of_locations(patients, controls, confidence)
        claim = published.get(frozenset([molecule]))
        rows.append(
            {
                "molecule": molecule,
                "label": label(molecule),
                "n_patients": patients.size,
                "n_controls": controls.size,
                "median_patients": float(np.median(patients)),
                "median_controls": float(np.median(controls)),
                "ratio_of_medians": float(np.median(patients) / np.median(controls)),
                "hl_ratio": ratio.estimate,
                "hl_ratio_ci_low": ratio.low,
                "hl_ratio_ci_high": ratio.high,
                "statistic": float(test.statistic),
                "effect_size": estimates.two_sample_rank_biserial(patients, controls),
                "p_value": float(test.pvalue),
                "published_direction": claim.params["direction"] if claim else None,
                "published_significant": bool(claim.params["significant"]) if claim else pd.NA,
                "in_abstract_list": bool(claim and claim.params["significant"] and "abstract" in claim.source),
                "below_limit": censoring.note(
                    dataset,
                    molecule,
                    {
                        "median of patients": (np.median, patients),
                        "median of controls": (np.median, controls),
                        "ratio of medians": (censoring.median_ratio, patients, controls),
                        "HL ratio": (censoring.hl_ratio, patients, controls),
                    },
                ),
            }
        )
    table = pd.DataFrame(rows)
    add_significance(table, alpha, correction)
    direction = np.where(
        table["ratio_of_medians"] > 1, "higher", np.where(table["ratio_of_medians"] < 1, "lower", "equal")
    )
    for column, flag in (("matches_published", "significant"), ("matches_published_adjusted", "significant_adjusted")):
        table[column] = [
            pd.NA if not isinstance(pub, str) or sig is pd.NA else bool(d == pub and sig == pub_sig)
            for d, pub, sig, pub_sig in zip(
                direction, table["published_direction"], table[flag], table["published_significant"]
            )
        ]
    return table[
        [
            "molecule",
            "label",
            "n_patients",
            "n_controls",
            "median_patients",
            "median_controls",
            "ratio_of_medians",
            "hl_ratio",
            "hl_ratio_ci_low",
            "hl_ratio_ci_high",
            "statistic",
            "effect_size",
            "p_value",
            "p_value_adjusted",
            "significant",
            "significant_adjusted",
            "published_direction",
            "published_significant",
            "in_abstract_list",
            "matches_published",
            "matches_published_adjusted",
            "below_limit",
        ]
    ]
