"""A batch of cohorts as arrays: the form the generator produces and the evaluator consumes.

One dataset (from `tacmg.load`) is a batch of one. Every array has the batch on axis 0 and patients
(or controls) on axis 1, so one statistical call evaluates thousands of cohorts at once; that is
why the claims are evaluated on these arrays rather than on one DataFrame per cohort.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tacmg.data import contract

if TYPE_CHECKING:
    from tacmg.data.loader import Dataset

VISIT_VARIABLES = (*contract.SCORES, "prednisone_mg_day", *contract.MOLECULES)
STATUS_INDEX = {code: i for i, code in enumerate(contract.STATUS_CODES)}
# The status index of a patient whose post-intervention status is missing (in no status group).
STATUS_MISSING = -1


def key(variable: str, visit: str) -> str:
    """Name of a visit variable's array in `Cohorts.visit`, e.g. ``qmg@baseline``.

    Parameters
    ----------
    variable : str
        A column of visits.csv, e.g. ``"qmg"``.
    visit : str
        A visit code of `tacmg.data.contract.VISITS`.

    Returns
    -------
    str
        ``"<variable>@<visit>"``.

    Examples
    --------
    >>> key("qmg", "month_12")
    'qmg@month_12'
    """
    return f"{variable}@{visit}"


@dataclass
class Cohorts:
    """B cohorts of n patients and m controls, as arrays with the cohort on axis 0.

    Parameters
    ----------
    patient : dict of str to numpy.ndarray
        Per-patient (B, n) arrays: ``age_at_onset_years`` and ``disease_duration_years`` (years),
        ``status`` (integer index into `tacmg.data.contract.STATUS_CODES`, `STATUS_MISSING` where
        a dataset gives none) and, for generated
        cohorts, ``sex``, ``antibody_status``, ``mgfa_class`` (indices into their contract codes)
        and ``thymectomy`` (bool).
    visit : dict of str to numpy.ndarray
        ``variable@visit`` (see `key`) to a (B, n) float array, for every score (points),
        ``prednisone_mg_day`` (mg/day) and molecule (pg/mL) at both visits.
    control : dict of str to numpy.ndarray
        Molecule to a (B, m) float array (pg/mL); generated cohorts add ``sex`` and ``age_years``.

    Notes
    -----
    Generated cohorts are complete. A loaded dataset may have missing values, as NaN in the visit
    and control arrays (a missing cell, or no month-12 row); each claim then uses its complete
    cases (`tacmg.claims.evaluate`), found with ``numpy.isnan`` only when the batch has any
    (`has_missing`), so that ensembles pay nothing for it.

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> cohorts = Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR))
    >>> cohorts.size, cohorts.n_patients, cohorts.values("qmg", "month_12").shape
    (1, 32, (1, 32))
    """

    patient: dict[str, np.ndarray]
    visit: dict[str, np.ndarray]
    control: dict[str, np.ndarray]

    @property
    def size(self) -> int:
        """The number of cohorts B.

        Examples
        --------
        >>> Cohorts({}, {"qmg@baseline": np.zeros((3, 32))}, {}).size
        3
        """
        return next(iter(self.visit.values())).shape[0]

    @property
    def n_patients(self) -> int:
        """The number of patients n in each cohort.

        Examples
        --------
        >>> Cohorts({}, {"qmg@baseline": np.zeros((3, 32))}, {}).n_patients
        32
        """
        return next(iter(self.visit.values())).shape[1]

    @property
    def has_missing(self) -> bool:
        """Whether any visit or control array holds a missing value (NaN); only a loaded dataset can.

        Examples
        --------
        >>> Cohorts({}, {"qmg@baseline": np.array([[3.0, np.nan]])}, {}).has_missing
        True
        """
        arrays = [*self.visit.values(), *self.control.values()]
        return any(a.dtype.kind == "f" and np.isnan(a).any() for a in arrays)

    def values(self, variable: str, visit: str = "baseline") -> np.ndarray:
        """The (B, n) array of a patient characteristic, or of a visit variable at `visit`.

        Parameters
        ----------
        variable : str
            A key of `patient` (then `visit` is ignored) or a visit variable, e.g. ``"qmg"``.
        visit : str
            ``"baseline"`` or ``"month_12"``.

        Returns
        -------
        numpy.ndarray
            (B, n) values in the variable's unit.

        Examples
        --------
        >>> cohorts = Cohorts({"status": np.zeros((1, 2))}, {"qmg@month_12": np.array([[3.0, 5.0]])}, {})
        >>> cohorts.values("qmg", "month_12").tolist(), cohorts.values("status").shape
        ([[3.0, 5.0]], (1, 2))
        """
        if variable in self.patient:
            return self.patient[variable]
        return self.visit[key(variable, visit)]

    def take(self, index: int | slice | np.ndarray) -> Cohorts:
        """The cohorts at `index`, still as a batch.

        Parameters
        ----------
        index : int, slice or numpy.ndarray
            Which cohorts, as for indexing a numpy array along axis 0.

        Returns
        -------
        Cohorts
            A new batch; an int gives a batch of one.

        Examples
        --------
        >>> import tacmg
        >>> from tacmg.data.paths import RECONSTRUCTED_DIR
        >>> one = Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR))
        >>> Cohorts.concat([one, one, one]).take(slice(0, 2)).size
        2
        """
        index = np.atleast_1d(np.arange(self.size)[index])
        pick = lambda d: {k: v[index] for k, v in d.items()}  # noqa: E731
        return Cohorts(pick(self.patient), pick(self.visit), pick(self.control))

    @staticmethod
    def concat(batches: list[Cohorts]) -> Cohorts:
        """The batches joined along the cohort axis, in order.

        Parameters
        ----------
        batches : list of Cohorts
            At least one batch; all with the same keys and numbers of patients and controls.

        Returns
        -------
        Cohorts
            One batch of all their cohorts.

        Examples
        --------
        >>> one = Cohorts({}, {"qmg@baseline": np.array([[3.0, 5.0]])}, {})
        >>> Cohorts.concat([one, one]).visit["qmg@baseline"].shape
        (2, 2)
        """
        first = batches[0]

        def join(name):
            return {k: np.concatenate([getattr(b, name)[k] for b in batches]) for k in getattr(first, name)}

        return Cohorts(join("patient"), join("visit"), join("control"))

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> Cohorts:
        """A batch of one from a loaded dataset, patients in patient_id order.

        Parameters
        ----------
        dataset : tacmg.data.loader.Dataset
            A dataset returned by `tacmg.load`.

        Returns
        -------
        Cohorts
            B = 1; `patient` holds ``age_at_onset_years``, ``disease_duration_years``, ``status`` and
            ``sex`` (an index into `tacmg.data.contract.SEXES`, -1 where missing).

        Examples
        --------
        >>> import tacmg
        >>> from tacmg.data.paths import RECONSTRUCTED_DIR
        >>> sorted(Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR)).patient)
        ['age_at_onset_years', 'disease_duration_years', 'sex', 'status']
        """
        patients = dataset.patients.sort_values("patient_id").reset_index(drop=True)
        order = patients["patient_id"].to_numpy()
        status = patients["post_intervention_status"].map(STATUS_INDEX).fillna(STATUS_MISSING)
        # the chapters count women, so the batched chapter numbers need the sex of a loaded dataset too
        sex = patients["sex"].map({code: i for i, code in enumerate(contract.SEXES)}).fillna(-1)
        patient = {
            "age_at_onset_years": patients["age_at_onset_years"].to_numpy(float)[None],
            "disease_duration_years": patients["disease_duration_years"].to_numpy(float)[None],
            "status": status.to_numpy(int)[None],
            "sex": sex.to_numpy(int)[None],
        }
        visit = {}
        for visit_name in contract.VISITS:
            rows = dataset.visits[dataset.visits["visit"] == visit_name].set_index("patient_id")
            rows = rows.reindex(order)  # a patient without a month-12 row: NaN
            for variable in VISIT_VARIABLES:
                visit[key(variable, visit_name)] = rows[variable].to_numpy(float)[None]
        control = {m: dataset.controls[m].to_numpy(float)[None] for m in contract.MOLECULES}
        return cls(patient, visit, control)

    def subset_rows(self, mask: np.ndarray, array: np.ndarray) -> list[np.ndarray] | np.ndarray:
        """Values of `array` where `mask` holds, per cohort (e.g. the improved patients' scores).

        Parameters
        ----------
        mask : numpy.ndarray
            (B, n) booleans selecting patients.
        array : numpy.ndarray
            (B, n) values.

        Returns
        -------
        numpy.ndarray or list of numpy.ndarray
            A (B, k) array when every cohort has the same number k of selected patients (in
            patient order), else a list of B 1-d arrays.

        Examples
        --------
        >>> mask = np.array([[True, False, True], [False, True, True]])
        >>> cohorts = Cohorts({}, {"qmg@baseline": np.zeros((2, 3))}, {})
        >>> cohorts.subset_rows(mask, np.array([[1, 2, 3], [4, 5, 6]])).tolist()
        [[1, 3], [5, 6]]
        """
        counts = mask.sum(axis=1)
        if np.all(counts == counts[0]):
            order = np.argsort(~mask, axis=1, kind="stable")[:, : counts[0]]
            return np.take_along_axis(array, order, axis=1)
        return [row[m] for row, m in zip(array, mask)]


def status_mask(status: np.ndarray, codes: Iterable[str]) -> np.ndarray:
    """Boolean (B, n) mask of patients whose post-intervention status is one of `codes`.

    Parameters
    ----------
    status : numpy.ndarray
        (B, n) status indices into `tacmg.data.contract.STATUS_CODES` (`Cohorts.patient` ``status``).
    codes : iterable of str
        MGFA post-intervention status codes, e.g. ``["MM"]``.

    Returns
    -------
    numpy.ndarray
        (B, n) booleans.

    Examples
    --------
    >>> status_mask(np.array([[STATUS_INDEX["MM"], STATUS_INDEX["I"]]]), ["MM"]).tolist()
    [[True, False]]
    """
    return np.isin(status, [STATUS_INDEX[c] for c in codes])
