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
from tacmg.stats.multiplicity import adjust_p

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


def add_significance(table: pd.DataFrame, alpha: float, correction: str) -> None:
    """Add p_value_adjusted, significant and significant_adjusted to a table with a p_value column.

    The one rule every analysis table follows: the adjustment (`tacmg.stats.multiplicity.adjust_p`,
    `correction` over the table's rows, a missing p left out of the family) and the flags (p below
    `alpha`; NA where the p-value could not be computed). Changes `table` in place.

    Examples
    --------
    >>> table = pd.DataFrame({"p_value": [0.01, 0.04, float("nan")]})
    >>> add_significance(table, 0.05, "fdr_bh")
    >>> table["p_value_adjusted"].round(2).tolist(), table["significant_adjusted"].tolist()
    ([0.02, 0.04, nan], [True, True, <NA>])
    """
    table["p_value_adjusted"] = adjust_p(table["p_value"], correction)
    table["significant"] = [significance_flag(p, alpha) for p in table["p_value"]]
    table["significant_adjusted"] = [significance_flag(p, alpha) for p in table["p_value_adjusted"]]
