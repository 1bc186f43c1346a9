"""One generated cohort as the contract's three tables, written as CSV byte for byte reproducibly.

The CSV text is written by hand (plain decimals, LF line ends, UTF-8, ``true``/``false``) rather
than with pandas' defaults so that a regenerated cohort gives the same bytes on every platform and
passes `tacmg.data.loader.validate`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tacmg.data import contract
from tacmg.data.cohorts import VISIT_VARIABLES, Cohorts, key
from tacmg.data.folder import folder_contents
from tacmg.data.loader import Dataset


def _code(codes, values) -> list[str]:
    return [codes[int(v)] for v in values]


def _plain(value: float) -> str:
    """Shortest plain decimal text of a number: 32, 12.5, 278000, 41.23 (never 1e+05)."""
    return np.format_float_positional(float(value), trim="-")


def cohort_tables(cohorts: Cohorts, index: int = 0) -> dict[str, pd.DataFrame]:
    """The cohort at `index` of a generated batch as the contract's three tables.

    Patients are coded P01, P02, ... and controls C01, C02, ... in array order.

    Parameters
    ----------
    cohorts : Cohorts
        A generated batch: `Cohorts.patient` needs ``sex``, ``antibody_status``, ``mgfa_class``,
        ``thymectomy`` and ``status`` too, `Cohorts.control` ``sex`` and ``age_years``.
    index : int
        Which cohort of the batch.

    Returns
    -------
    dict of str to pandas.DataFrame
        Keys ``'patients'``, ``'visits'`` and ``'controls'``; each frame has exactly the columns
        of `tacmg.data.contract.TABLES` (meanings and units there), in contract order, with codes
        as text, ``thymectomy`` as ``'true'``/``'false'`` and visits sorted by patient and visit.

    Examples
    --------
    >>> import numpy as np
    >>> from tacmg.data.cohorts import VISIT_VARIABLES, Cohorts, key
    >>> characteristics = ("sex", "age_at_onset_years", "disease_duration_years", "mgfa_class")
    >>> patient = {name: np.zeros((1, 2)) for name in (*characteristics, "antibody_status", "thymectomy", "status")}
    >>> visit = {key(v, t): np.ones((1, 2)) for v in VISIT_VARIABLES for t in contract.VISITS}
    >>> control = {name: np.ones((1, 3)) for name in ("sex", "age_years", *contract.MOLECULES)}
    >>> tables = cohort_tables(Cohorts(patient, visit, control))
    >>> {name: frame.shape for name, frame in tables.items()}
    {'patients': (2, 8), 'visits': (4, 15), 'controls': (3, 11)}
    """
    p, n = cohorts.patient, cohorts.n_patients
    patient_ids = [f"P{i + 1:02d}" for i in range(n)]
    patients = pd.DataFrame(
        {
            "patient_id": patient_ids,
            "sex": _code(contract.SEXES, p["sex"][index]),
            "age_at_onset_years": p["age_at_onset_years"][index],
            "disease_duration_years": p["disease_duration_years"][index],
            "mgfa_class": _code(contract.MGFA_CLASSES, p["mgfa_class"][index]),
            "antibody_status": _code(contract.ANTIBODY_STATUSES, p["antibody_status"][index]),
            "thymectomy": np.where(p["thymectomy"][index], "true", "false"),
            "post_intervention_status": _code(contract.STATUS_CODES, p["status"][index]),
        }
    )
    visits = (
        pd.concat(
            [
                pd.DataFrame(
                    {
                        "patient_id": patient_ids,
                        "visit": visit,
                        **{v: cohorts.visit[key(v, visit)][index] for v in VISIT_VARIABLES},
                    }
                )
                for visit in contract.VISITS
            ]
        )
        .sort_values(["patient_id", "visit"], kind="stable")
        .reset_index(drop=True)
    )
    c, m = cohorts.control, cohorts.control["sex"].shape[1]
    controls = pd.DataFrame(
        {
            "control_id": [f"C{i + 1:02d}" for i in range(m)],
            "sex": _code(contract.SEXES, c["sex"][index]),
            "age_years": c["age_years"][index],
            **{molecule: c[molecule][index] for molecule in contract.MOLECULES},
        }
    )
    return {"patients": patients, "visits": visits, "controls": controls}


def _as_text(frame: pd.DataFrame, table: contract.Table) -> pd.DataFrame:
    out = frame.copy()
    for column in table.columns:
        if column.type == "integer":
            out[column.name] = out[column.name].map(lambda v: str(round(v)))
        elif column.type == "number":
            out[column.name] = out[column.name].map(_plain)
    return out


def write_tables(tables: dict[str, pd.DataFrame], directory: str | Path) -> None:
    """Write the three CSVs (UTF-8, LF line ends, plain decimals) into `directory`.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        The frames of `cohort_tables`.
    directory : str or pathlib.Path
        Created if missing; existing CSVs of the same names are replaced.

    Examples
    --------
    >>> import numpy as np
    >>> from tacmg.data.cohorts import VISIT_VARIABLES, Cohorts, key
    >>> characteristics = ("sex", "age_at_onset_years", "disease_duration_years", "mgfa_class")
    >>> patient = {name: np.zeros((1, 2)) for name in (*characteristics, "antibody_status", "thymectomy", "status")}
    >>> visit = {key(v, t): np.ones((1, 2)) for v in VISIT_VARIABLES for t in contract.VISITS}
    >>> control = {name: np.ones((1, 3)) for name in ("sex", "age_years", *contract.MOLECULES)}
    >>> tables = cohort_tables(Cohorts(patient, visit, control))
    >>> import tempfile
    >>> from tacmg.data.loader import validate
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     write_tables(tables, directory)
    ...     validate(directory)
    []
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, table in contract.TABLES.items():
        text = _as_text(tables[name], table).to_csv(index=False, lineterminator="\n")
        (directory / table.file).write_text(text, encoding="utf-8", newline="")


def write_template(directory: str | Path, force: bool = False) -> list[Path]:
    """Write header-only CSVs of the three tables, a template to fill in.

    Parameters
    ----------
    directory : str or pathlib.Path
        Created if missing.
    force : bool
        Replace CSV files of the same names even if they hold something else than the template
        (e.g. filled-in tables). Without it such a file is never touched.

    Returns
    -------
    list of pathlib.Path
        The paths of patients.csv, visits.csv and controls.csv.

    Raises
    ------
    FileExistsError
        If the folder holds a workbook (.xlsx, or one of
        `tacmg.data.folder.LEGACY_SPREADSHEETS`), even with `force`: empty CSV files beside it
        would hide it (the CSV files are read first). Without `force`, also if a file to write
        exists and is neither empty nor the template. No file is written then.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     [path.name for path in write_template(directory)] == [p.name for p in write_template(directory)]
    True
    """
    directory = Path(directory)
    texts = {directory / t.file: ",".join(t.column_names) + "\n" for t in contract.TABLES.values()}
    contents = folder_contents(directory)
    if books := [path.name for path in (*contents.workbooks, *contents.legacy)]:
        raise FileExistsError(
            f"{directory}: already holds data ({', '.join(books)}); nothing was written "
            "(write the template into an empty folder: CSV files here would hide the workbook)"
        )
    if not force:
        kept = [p.name for p, text in texts.items() if p.exists() and p.read_bytes() not in (b"", text.encode())]
        if kept:
            raise FileExistsError(
                f"{directory}: {', '.join(kept)} already hold data; nothing was written "
                "(use --force to replace them with empty templates)"
            )
    directory.mkdir(parents=True, exist_ok=True)
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8", newline="")
    return list(texts)


def cohort_dataset(cohorts: Cohorts, index: int = 0) -> Dataset:
    """The cohort at `index` of a generated batch as an in-memory `Dataset` (no files, no provenance).

    The same tables `write_tables` would write, in the dtypes `tacmg.load` would give them, so
    every analysis runs on a generated cohort exactly as on a loaded one (used by the
    reconstruction intervals, which analyse a thousand cohorts).

    Parameters
    ----------
    cohorts : Cohorts
        A generated batch, as for `cohort_tables`.
    index : int
        Which cohort of the batch.

    Returns
    -------
    tacmg.data.loader.Dataset
        ``directory`` is the current folder and ``checksum`` is empty: nothing was read.

    Examples
    --------
    >>> import numpy as np
    >>> from tacmg.data.cohorts import VISIT_VARIABLES, Cohorts, key
    >>> characteristics = ("sex", "age_at_onset_years", "disease_duration_years", "mgfa_class")
    >>> patient = {name: np.zeros((1, 2)) for name in (*characteristics, "antibody_status", "thymectomy", "status")}
    >>> visit = {key(v, t): np.ones((1, 2)) for v in VISIT_VARIABLES for t in contract.VISITS}
    >>> control = {name: np.ones((1, 3)) for name in ("sex", "age_years", *contract.MOLECULES)}
    >>> dataset = cohort_dataset(Cohorts(patient, visit, control))
    >>> dataset.patients["thymectomy"].dtype, dataset.visits["qmg"].dtype, dataset.provenance
    (dtype('bool'), dtype('int64'), None)
    """
    frames = cohort_tables(cohorts, index)
    typed = {}
    for name, table in contract.TABLES.items():
        frame = frames[name]
        for column in table.columns:
            if column.type == "boolean":
                frame[column.name] = frame[column.name] == "true"
            elif column.type in _DTYPES:
                frame[column.name] = frame[column.name].astype(_DTYPES[column.type])  # type: ignore[call-overload]
        typed[name] = frame
    return Dataset(typed["patients"], typed["visits"], typed["controls"], Path("."), "")


# The pandas dtype of each contract type (the loader's conversion, for in-memory cohorts).
_DTYPES = {"integer": "int64", "number": "float64", "string": "str"}
