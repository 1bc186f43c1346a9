"""How far the findings rest on one assay: a molecule's levels against a validated assay's range,
and which registry claims would remain without that molecule (chapter 5's plausibility section).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tacmg.analyses.selection import baseline_rows, label
from tacmg.claims.registry import Registry, load_claims
from tacmg.data.loader import Dataset

# The validated assay of McKinski et al. 2022 could not measure sICOS above about this level in
# human serum (pg/mL).
SICOS_VALIDATED_CEILING_PG_ML = 20.0


def claims_resting_on(variable: str, registry: Registry | None = None) -> pd.DataFrame:
    """Stated registry claims that involve `variable`: claim, finding, published, source, paraphrase.

    Implied claims (what the sources' lists leave out) rest on no finding and are not counted."""
    registry = registry or load_claims()
    rows = [
        {
            "claim": c.id,
            "finding": registry.findings.get(c.finding, c.finding),
            "published": c.published_text,
            "source": ", ".join(c.source),
            "paraphrase": c.paraphrase,
        }
        for c in registry.stated()
        if variable in c.variables
    ]
    return pd.DataFrame(rows, columns=["claim", "finding", "published", "source", "paraphrase"])


def level_against_ceiling(
    dataset: Dataset, molecule: str = "sicos", ceiling: float = SICOS_VALIDATED_CEILING_PG_ML
) -> dict:
    """How a molecule's measured levels compare with a ceiling (pg/mL) a validated assay reports.

    Keys: ceiling (pg/mL), median_controls, median_patients_baseline (pg/mL),
    fold_controls / fold_patients (median over ceiling), share_above_controls,
    share_above_patients (fraction of values above the ceiling).
    """
    controls = dataset.controls[molecule].dropna().to_numpy(float)  # the values present
    patients = baseline_rows(dataset)[molecule].dropna().to_numpy(float)
    return {
        "ceiling": float(ceiling),
        "median_controls": float(np.median(controls)),
        "median_patients_baseline": float(np.median(patients)),
        "fold_controls": float(np.median(controls) / ceiling),
        "fold_patients": float(np.median(patients) / ceiling),
        "share_above_controls": float(np.mean(controls > ceiling)),
        "share_above_patients": float(np.mean(patients > ceiling)),
    }


def without_molecule(molecule: str, registry: Registry | None = None) -> dict:
    """How many registry claims would remain if one molecule's measurements were set aside.

    Keys: molecule, label, n_claims (stated claims of the registry), n_resting (claims that involve the molecule),
    n_remaining, findings (the titles of the findings touched, sorted).
    """
    registry = registry or load_claims()
    resting = claims_resting_on(molecule, registry)
    return {
        "molecule": molecule,
        "label": label(molecule),
        "n_claims": len(registry.stated()),
        "n_resting": len(resting),
        "n_remaining": int(len(registry.stated()) - len(resting)),
        "findings": sorted(set(resting["finding"])),
    }
