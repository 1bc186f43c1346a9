"""What every molecule and score analysis selects from a dataset: one visit's rows, each patient's
post-intervention status, the registry's claims of a finding, and the printed label of a column.

Shared by the analysis modules so that each rule (which rows, in which order) is written once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tacmg.claims.registry import Claim, Registry
from tacmg.data.contract import LABELS, MOLECULE_UNIT, MOLECULES, SCORES, STATUS_CODES
from tacmg.data.loader import Dataset

MOLECULE_COLUMNS = tuple(MOLECULES)


SCORE_COLUMNS = tuple(SCORES)


UNIT = MOLECULE_UNIT  # every concentration in this module


STATUS_ORDER = STATUS_CODES  # MGFA order: CSR, PR, MM, I, U, W, E, D


# The chart labels of `charts.VISIT_LABELS` (repeated so that statistics need not import Altair).
GROUP_LABELS = {"baseline": "Baseline", "month_12": "Month 12", "control": "Healthy controls"}


def label(variable: str) -> str:
    """The printed label of a contract column: 'spd1' -> 'sPD-1', 'mg_adl' -> 'MG-ADL'."""
    return LABELS.get(variable, variable)


def visit_rows(dataset: Dataset, visit: str) -> pd.DataFrame:
    """One visit's rows of visits.csv, indexed by patient_id (sorted)."""
    visits = dataset.visits
    return visits[visits["visit"] == visit].set_index("patient_id").sort_index()


def baseline_rows(dataset: Dataset) -> pd.DataFrame:
    """The baseline rows of visits.csv, indexed by patient_id (sorted)."""
    return visit_rows(dataset, "baseline")


def status_by_patient(dataset: Dataset) -> pd.Series:
    """Post-intervention status at month 12, indexed by patient_id (sorted)."""
    return dataset.patients.set_index("patient_id")["post_intervention_status"].sort_index().astype(str)


def claims_by_variables(registry: Registry, finding: str) -> dict[frozenset[str], Claim]:
    """The claims of one finding keyed by the set of variables each is about."""
    return {frozenset(c.variables): c for c in registry.select(finding=finding)}


def direction_word(value: float, up: str = "increase", down: str = "decrease") -> str:
    """`up` for a positive value, `down` for a negative one, 'no change' for 0, 'not computable' for NaN."""
    if not np.isfinite(value):
        return "not computable"
    return up if value > 0 else down if value < 0 else "no change"


def significance_flag(p: float, alpha: float):
    """True / False for p below alpha, or pd.NA when p could not be computed."""
    return bool(p < alpha) if np.isfinite(p) else pd.NA


def and_na(a: object, b: object) -> object:
    """Logical and of two flags where pd.NA (not computable) in either gives pd.NA."""
    if a is pd.NA or b is pd.NA:
        return pd.NA
    return bool(a and b)
