"""One generated cohort as the contract's three tables, written as CSV byte for byte reproducibly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tacmg.data import contract
from tacmg.data.cohorts import VISIT_VARIABLES, Cohorts, key


def _code(codes, values) -> list[str]:
    return [codes[int(v)] for v in values]


def _plain(value: float) -> str:
    """Shortest plain decimal text of a number: 32, 12.5, 278000, 41.23 (never 1e+05)."""
    return np.format_float_positional(float(value), trim="-")


def cohort_tables(cohorts: Cohorts, index: int = 0) -> dict[str, pd.DataFrame]:
    """The cohort at `index` as {'patients', 'visits', 'controls'} frames in contract column order."""
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
    """Write the three CSVs (UTF-8, LF line ends, plain decimals) into `directory`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, table in contract.TABLES.items():
        text = _as_text(tables[name], table).to_csv(index=False, lineterminator="\n")
        (directory / table.file).write_text(text, encoding="utf-8", newline="")


def write_template(directory: str | Path) -> list[Path]:
    """Write header-only CSVs of the three tables (a template to fill in); returns their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for table in contract.TABLES.values():
        path = directory / table.file
        path.write_text(",".join(table.column_names) + "\n", encoding="utf-8", newline="")
        paths.append(path)
    return paths
