"""A batch of cohorts as arrays: the form the generator produces and the evaluator consumes.

One dataset (from `tacmg.load`) is a batch of one. Every array has the batch on axis 0 and patients
(or controls) on axis 1, so one statistical call evaluates thousands of cohorts at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tacmg.data import contract

VISIT_VARIABLES = (*contract.SCORES, "prednisone_mg_day", *contract.MOLECULES)
STATUS_INDEX = {code: i for i, code in enumerate(contract.STATUS_CODES)}


def key(variable: str, visit: str) -> str:
    """Name of a visit variable's array, e.g. ``qmg@baseline``."""
    return f"{variable}@{visit}"


@dataclass
class Cohorts:
    """B cohorts of n patients and m controls.

    patient: per-patient arrays (B, n): age_at_onset_years, disease_duration_years, status (index
             into contract.STATUS_CODES), and optional descriptive columns.
    visit:   ``variable@visit`` -> (B, n) float arrays for every visit variable.
    control: molecule -> (B, m) float arrays.
    """

    patient: dict[str, np.ndarray]
    visit: dict[str, np.ndarray]
    control: dict[str, np.ndarray]

    @property
    def size(self) -> int:
        return next(iter(self.visit.values())).shape[0]

    @property
    def n_patients(self) -> int:
        return next(iter(self.visit.values())).shape[1]

    def values(self, variable: str, visit: str = "baseline") -> np.ndarray:
        if variable in self.patient:
            return self.patient[variable]
        return self.visit[key(variable, visit)]

    def take(self, index) -> Cohorts:
        """The cohorts at `index` (an int, slice or index array), still as a batch."""
        index = np.atleast_1d(np.arange(self.size)[index])
        pick = lambda d: {k: v[index] for k, v in d.items()}  # noqa: E731
        return Cohorts(pick(self.patient), pick(self.visit), pick(self.control))

    @staticmethod
    def concat(batches: list[Cohorts]) -> Cohorts:
        first = batches[0]

        def join(name):
            return {k: np.concatenate([getattr(b, name)[k] for b in batches]) for k in getattr(first, name)}

        return Cohorts(join("patient"), join("visit"), join("control"))

    @classmethod
    def from_dataset(cls, dataset) -> Cohorts:
        """A batch of one from a loaded `Dataset` (patients in patient_id order)."""
        patients = dataset.patients.sort_values("patient_id").reset_index(drop=True)
        order = patients["patient_id"].to_numpy()
        patient = {
            "age_at_onset_years": patients["age_at_onset_years"].to_numpy(float)[None],
            "disease_duration_years": patients["disease_duration_years"].to_numpy(float)[None],
            "status": patients["post_intervention_status"].map(STATUS_INDEX).to_numpy(int)[None],
        }
        visit = {}
        for visit_name in contract.VISITS:
            rows = dataset.visits[dataset.visits["visit"] == visit_name].set_index("patient_id")
            rows = rows.loc[order]
            for variable in VISIT_VARIABLES:
                visit[key(variable, visit_name)] = rows[variable].to_numpy(float)[None]
        control = {m: dataset.controls[m].to_numpy(float)[None] for m in contract.MOLECULES}
        return cls(patient, visit, control)

    def subset_rows(self, mask: np.ndarray, array: np.ndarray) -> list[np.ndarray] | np.ndarray:
        """Values of `array` where `mask` holds, per cohort: a (B, k) array when every cohort has
        the same k, else a list of 1-d arrays."""
        counts = mask.sum(axis=1)
        if np.all(counts == counts[0]):
            order = np.argsort(~mask, axis=1, kind="stable")[:, : counts[0]]
            return np.take_along_axis(array, order, axis=1)
        return [row[m] for row, m in zip(array, mask)]


def status_mask(status: np.ndarray, codes) -> np.ndarray:
    """Boolean (B, n) mask of patients whose status is one of `codes`."""
    return np.isin(status, [STATUS_INDEX[c] for c in codes])
