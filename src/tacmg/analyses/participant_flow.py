"""Participant flow: how many patients were enrolled, reached month 12, and have each value at each
visit, so that every chapter says which patients its analyses can use.

Analyses use the patients that have what they need: a paired analysis the patients with both
visits of its variable, a comparison against controls the patients' baseline values and the
controls' values present, a correlation the patients with both variables (pairwise complete).
This table gives those counts; each analysis table gives its own n per row.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from tacmg.data import contract
from tacmg.data.cohorts import VISIT_VARIABLES
from tacmg.data.loader import Dataset

ENROLLED = "patients enrolled"
STATUS = "post-intervention status"


def participant_flow(dataset: Dataset, variables: Sequence[str] = VISIT_VARIABLES) -> pd.DataFrame:
    """Patients enrolled, with a month-12 visit, with a status, and with each value at each visit.

    Parameters
    ----------
    dataset : tacmg.data.loader.Dataset
        A loaded dataset.
    variables : sequence of str
        Visit columns to count, in order (default: every score, the prednisone dose and every
        molecule).

    Returns
    -------
    pandas.DataFrame
        One row per item: first ``patients enrolled`` (``n_baseline``: patients, ``n_month_12``
        and ``n``: patients with a month-12 visit, ``n_controls``: controls), then ``post-intervention status`` (``n``:
        patients with a status), then one row per variable. Columns ``item`` (the label),
        ``variable`` (column name, empty for the first two), ``n_baseline``, ``n_month_12`` (the
        value present at that visit), ``n`` (present at both visits: what a paired analysis
        uses), ``n_controls`` (controls with the value, molecules only) and ``left_out``
        (enrolled patients without ``n``), all nullable integers (NA: not applicable).

    Examples
    --------
    >>> from tacmg import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> flow = participant_flow(load(RECONSTRUCTED_DIR), ["qmg", "scd40l"])
    >>> flow[["item", "n_baseline", "n_month_12", "n", "left_out"]].values.tolist()[:2]
    [['patients enrolled', 32, 32, 32, 0], ['post-intervention status', <NA>, <NA>, 32, 0]]
    >>> flow["n"].tolist()[2:]
    [32, 32]
    """
    enrolled = len(dataset.patients)
    month_12 = int((dataset.visits["visit"] == contract.VISITS[1]).sum())
    with_status = int(dataset.patients["post_intervention_status"].notna().sum())
    rows = [
        {
            "item": ENROLLED,
            "variable": "",
            **{"n_baseline": enrolled, "n_month_12": month_12, "n": month_12, "n_controls": len(dataset.controls)},
        },
        {"item": STATUS, "variable": "", "n": with_status},
    ]
    for variable in variables:
        wide = dataset.paired(variable)
        row = {
            "item": contract.LABELS[variable],
            "variable": variable,
            "n_baseline": int(wide["baseline"].notna().sum()),
            "n_month_12": int(wide["month_12"].notna().sum()),
            "n": int(wide.notna().all(axis=1).sum()),
        }
        if variable in contract.MOLECULES:
            row["n_controls"] = int(dataset.controls[variable].notna().sum())
        rows.append(row)
    flow = pd.DataFrame(rows, columns=["item", "variable", "n_baseline", "n_month_12", "n", "n_controls"])
    flow["left_out"] = enrolled - flow["n"]
    counts = ["n_baseline", "n_month_12", "n", "n_controls", "left_out"]
    return flow.astype({column: "Int64" for column in counts})


def flow_numbers(flow: pd.DataFrame) -> dict[str, int | bool]:
    """The counts a chapter's prose quotes from `participant_flow`.

    Returns
    -------
    dict
        ``enrolled``, ``month_12`` (with a month-12 visit), ``lost`` (without one), ``status``
        (with a post-intervention status), ``fewest`` (the smallest n of any variable at both
        visits), ``complete`` (True when every patient has every value at both visits and every
        control every value) and ``<variable>_n`` for each variable.

    Examples
    --------
    >>> from tacmg import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> numbers = flow_numbers(participant_flow(load(RECONSTRUCTED_DIR), ["qmg"]))
    >>> numbers["enrolled"], numbers["lost"], numbers["complete"], numbers["qmg_n"]
    (32, 0, True, 32)
    """
    first = flow.iloc[0]
    variables = flow[flow["variable"] != ""]
    enrolled = int(first["n_baseline"])
    controls_complete = bool((variables["n_controls"].dropna() == first["n_controls"]).all())
    numbers: dict[str, int | bool] = {
        "enrolled": enrolled,
        "month_12": int(first["n"]),
        "lost": enrolled - int(first["n"]),
        "status": int(flow.iloc[1]["n"]),
        "fewest": int(variables["n"].min()) if len(variables) else int(first["n"]),
        "complete": bool((flow["left_out"] == 0).all()) and controls_complete,
    }
    numbers.update({f"{variable}_n": int(n) for variable, n in zip(variables["variable"], variables["n"])})
    return numbers
