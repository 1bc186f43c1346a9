"""Measured values reshaped for the molecule chapters' charts: long-form tables, one row per patient
(or control) and variable, never with patient codes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from tacmg.analyses import censoring
from tacmg.analyses.selection import (
    GROUP_LABELS,
    MOLECULE_COLUMNS,
    label,
    status_by_patient,
    visit_rows,
)
from tacmg.data.loader import Dataset


def values_by_group(
    dataset: Dataset, groups: Sequence[str] = ("baseline", "control"), molecules: Sequence[str] = MOLECULE_COLUMNS
) -> pd.DataFrame:
    """Every measured value, long form: molecule, label, group ('Baseline', 'Month 12' or
    'Healthy controls', the chart labels of `charts.VISIT_LABELS`), value (pg/mL; a value below
    the detection limit at the limit), censored (True there). Missing values are left out. No codes."""
    frames = []
    for molecule in molecules:
        for group in groups:
            if group == "control":
                values = dataset.controls[molecule].to_numpy(float)
            else:
                values = visit_rows(dataset, group)[molecule].to_numpy(float)
            frames.append(
                pd.DataFrame(
                    {
                        "molecule": molecule,
                        "label": label(molecule),
                        "group": GROUP_LABELS[group],
                        "value": censoring.at_limit(dataset, molecule, values),
                        "censored": dataset.censored(molecule, values),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True).dropna(subset=["value"]).reset_index(drop=True)


def paired_values(dataset: Dataset, molecules: Sequence[str] = MOLECULE_COLUMNS) -> pd.DataFrame:
    """Each patient's two measurements, long form: track (anonymous 0..n-1), status, molecule,
    label, visit ('Baseline' / 'Month 12'), value (pg/mL; a value below the detection limit at the
    limit), censored (True there), ratio (month 12 / baseline, NaN without both visits). Missing
    values are left out. No codes."""
    status = status_by_patient(dataset)
    frames = []
    for molecule in molecules:
        wide = dataset.paired(molecule).loc[status.index]
        ratio = (wide["month_12"] / wide["baseline"]).to_numpy(float)
        for visit in ("baseline", "month_12"):
            frames.append(
                pd.DataFrame(
                    {
                        "track": np.arange(len(status)),
                        "status": status.to_numpy(),
                        "molecule": molecule,
                        "label": label(molecule),
                        "visit": GROUP_LABELS[visit],
                        "value": censoring.at_limit(dataset, molecule, wide[visit].to_numpy(float)),
                        "censored": dataset.censored(molecule, wide[visit].to_numpy(float)),
                        "ratio": ratio,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True).dropna(subset=["value"]).reset_index(drop=True)


def log_ratios(dataset: Dataset, molecules: Sequence[str] = MOLECULE_COLUMNS) -> pd.DataFrame:
    """Per-patient change as a ratio, long form: molecule, label, status, ratio (month 12 / baseline),
    log_ratio (natural log). One row per patient with both visits and molecule; no patient codes."""
    status = status_by_patient(dataset)
    frames = []
    for molecule in molecules:
        wide = dataset.paired(molecule)
        ratio = (wide["month_12"] / wide["baseline"]).to_numpy(float)
        frames.append(
            pd.DataFrame(
                {
                    "molecule": molecule,
                    "label": label(molecule),
                    "status": status.loc[wide.index].to_numpy(),
                    "ratio": ratio,
                    "log_ratio": np.log(ratio),
                }
            )
        )
    return pd.concat(frames, ignore_index=True).dropna(subset=["ratio"]).reset_index(drop=True)


def pair_values(dataset: Dataset, pairs: Sequence[tuple[str, str]], visit: str = "baseline") -> pd.DataFrame:
    """Values of each (var_x, var_y) pair at one visit, long form for small-multiple scatters.

    Columns: pair ('sCD25 and QMG'), var_x, var_y, label_x, label_y, x, y (in each variable's unit:
    pg/mL for molecules, points for scores). One row per patient with both values and pair; no
    patient codes.
    """
    rows_frame = visit_rows(dataset, visit)
    frames = [
        pd.DataFrame(
            {
                "pair": f"{label(x)} and {label(y)}",
                "var_x": x,
                "var_y": y,
                "label_x": label(x),
                "label_y": label(y),
                "x": rows_frame[x].to_numpy(float),
                "y": rows_frame[y].to_numpy(float),
            }
        )
        for x, y in pairs
    ]
    return pd.concat(frames, ignore_index=True).dropna(subset=["x", "y"]).reset_index(drop=True)


def trajectories(dataset: Dataset, molecule: str = "scd25", scores: Sequence[str] = ("qmg", "mmt")) -> pd.DataFrame:
    """Each patient's (molecule, score) at both visits, long form, for a between/within chart.

    Columns: track (an anonymous number per patient, 0..n-1, in no meaningful order beyond sorting
    by patient_id), status, score, label_score, visit ('Baseline' / 'Month 12'), molecule_value
    (pg/mL), score_value (points). No patient codes.
    """
    status = status_by_patient(dataset)
    wide_molecule = dataset.paired(molecule).loc[status.index]
    frames = []
    for score in scores:
        wide_score = dataset.paired(score).loc[status.index]
        for visit, visit_label in (("baseline", "Baseline"), ("month_12", "Month 12")):
            frames.append(
                pd.DataFrame(
                    {
                        "track": np.arange(len(status)),
                        "status": status.to_numpy(),
                        "score": score,
                        "label_score": label(score),
                        "visit": visit_label,
                        "molecule_value": wide_molecule[visit].to_numpy(float),
                        "score_value": wide_score[visit].to_numpy(float),
                    }
                )
            )
    values = pd.concat(frames, ignore_index=True)
    return values.dropna(subset=["molecule_value", "score_value"]).reset_index(drop=True)


def changes_together(dataset: Dataset, molecule: str = "scd25", scores: Sequence[str] = ("qmg", "mmt")) -> pd.DataFrame:
    """Each patient's change in a molecule beside the change in each score, long form: track
    (anonymous), status, score, label_score, molecule_ratio (month 12 / baseline, no unit),
    score_change (month 12 minus baseline, points). No patient codes."""
    status = status_by_patient(dataset)
    wide_molecule = dataset.paired(molecule).loc[status.index]
    ratio = (wide_molecule["month_12"] / wide_molecule["baseline"]).to_numpy(float)
    frames = []
    for score in scores:
        wide_score = dataset.paired(score).loc[status.index]
        frames.append(
            pd.DataFrame(
                {
                    "track": np.arange(len(status)),
                    "status": status.to_numpy(),
                    "score": score,
                    "label_score": label(score),
                    "molecule_ratio": ratio,
                    "score_change": (wide_score["month_12"] - wide_score["baseline"]).to_numpy(float),
                }
            )
        )
    return pd.concat(frames, ignore_index=True).dropna(subset=["molecule_ratio", "score_change"]).reset_index(drop=True)
