"""Plausibility warnings: values each allowed by the contract, together unlikely. They never block.

Checked on a dataset that has no problem (`tacmg.data.loader.check`); each rule is a row of
`PLAUSIBILITY_RULES` (its id and what it says) and one function here. A warning names the file,
row and column like a problem; a rule that fires on many rows lists the first `MAX_ROWS_SHOWN`
and counts the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pandas as pd

from tacmg.data.cell_rules import show_value
from tacmg.data.contract import MOLECULES, SCORES
from tacmg.data.sources import Problem, RawTable

# Oldest plausible age at the baseline visit (age at onset plus disease duration), in years.
PLAUSIBLE_MAX_AGE = 100
# Fewest patients for which a two-sided Wilcoxon signed-rank test can reach p < 0.05 (exact: 6).
MIN_PATIENTS = 6
# Fewest controls for which a two-sided Mann-Whitney test against six patients can reach p < 0.05.
MIN_CONTROLS = 3
MAX_ROWS_SHOWN = 5

PLAUSIBILITY_RULES = {
    "code-overlap": "a control code that is also a patient code (the same person in both groups?)",
    "age-at-baseline": f"age at onset plus disease duration above {PLAUSIBLE_MAX_AGE} years",
    "csr-on-prednisone": "complete stable remission (CSR) with prednisone still given at month 12 "
    "(CSR means no treatment for myasthenia gravis for at least a year)",
    "copied-visit": "a patient's month-12 row equal to the baseline row in every score, dose and concentration",
    "few-patients": f"fewer than {MIN_PATIENTS} patients: no signed-rank test can reach p < 0.05",
    "few-controls": f"fewer than {MIN_CONTROLS} controls: no rank-sum test can reach p < 0.05",
}

Frames = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]


def _rows(raw: RawTable, mask: pd.Series, column: str | None, text: Callable[[int], str]) -> Iterator[Problem]:
    lines = raw.well_formed()[0]
    hits = mask.to_numpy().nonzero()[0]
    for index in hits[:MAX_ROWS_SHOWN]:
        yield raw.problem(text(int(index)), lines[index], column)
    if len(hits) > MAX_ROWS_SHOWN:
        yield raw.problem(f"... and {len(hits) - MAX_ROWS_SHOWN} more rows like these", None, column)


def _code_overlap(frames: Frames, raws: dict[str, RawTable]) -> Iterator[Problem]:
    # The code is named (a pseudonymous code is no identifier; an identifying one is refused before
    # any warning), with the patient's line, so that the reader can find both rows.
    patients, _, controls = frames
    mask = controls["control_id"].isin(set(patients["patient_id"]))
    if not mask.any():
        return
    patient_lines = dict(zip(patients["patient_id"], raws["patients"].well_formed()[0]))
    where = f"{raws['patients'].source}, {raws['patients'].row_word}"

    def text(i: int) -> str:
        code = controls["control_id"].iloc[i]
        also = f"is also a patient code ({where} {patient_lines[code]})"
        return f"control code {show_value(code)} {also}: recode one, or drop the control if the same person"

    yield from _rows(raws["controls"], mask, "control_id", text)


def _age_at_baseline(frames: Frames, raws: dict[str, RawTable]) -> Iterator[Problem]:
    patients = frames[0]
    age = patients["age_at_onset_years"] + patients["disease_duration_years"]
    yield from _rows(
        raws["patients"],
        age > PLAUSIBLE_MAX_AGE,
        "disease_duration_years",
        lambda i: f"age at onset plus disease duration is {age.iloc[i]:g} years, above {PLAUSIBLE_MAX_AGE}",
    )


def _month_12(visits: pd.DataFrame) -> pd.DataFrame:
    return visits[visits["visit"] == "month_12"]


def _csr_on_prednisone(frames: Frames, raws: dict[str, RawTable]) -> Iterator[Problem]:
    patients, visits, _ = frames
    month_12 = _month_12(visits).set_index("patient_id")["prednisone_mg_day"]
    dose = patients["patient_id"].map(month_12)
    mask = (patients["post_intervention_status"] == "CSR") & (dose > 0)
    yield from _rows(
        raws["patients"],
        mask,
        "post_intervention_status",
        lambda i: f"status CSR but prednisone {dose.iloc[i]:g} mg/day at month 12",
    )


def _copied_visit(frames: Frames, raws: dict[str, RawTable]) -> Iterator[Problem]:
    visits = frames[1]
    values = [*SCORES, "prednisone_mg_day", *MOLECULES]
    baseline = visits[visits["visit"] == "baseline"].set_index("patient_id")[values]
    same = visits[values].eq(baseline.reindex(visits["patient_id"]).to_numpy()).all(axis=1)
    mask = same & (visits["visit"] == "month_12").to_numpy()
    yield from _rows(raws["visits"], mask, "visit", lambda i: "month-12 values equal the baseline values (copied row?)")


def _group_sizes(frames: Frames, raws: dict[str, RawTable]) -> Iterator[Problem]:
    patients, _, controls = frames
    if len(patients) < MIN_PATIENTS:
        yield raws["patients"].problem(f"{len(patients)} patients: {PLAUSIBILITY_RULES['few-patients']}")
    if len(controls) < MIN_CONTROLS:
        yield raws["controls"].problem(f"{len(controls)} controls: {PLAUSIBILITY_RULES['few-controls']}")


_CHECKS = (_code_overlap, _age_at_baseline, _csr_on_prednisone, _copied_visit, _group_sizes)


def plausibility_warnings(
    patients: pd.DataFrame, visits: pd.DataFrame, controls: pd.DataFrame, raws: dict[str, RawTable]
) -> list[Problem]:
    """Every plausibility warning of a valid dataset, rule by rule (`PLAUSIBILITY_RULES`).

    Parameters
    ----------
    patients, visits, controls : pandas.DataFrame
        The tables as `tacmg.data.loader.load` converts them.
    raws : dict of str to RawTable
        The same tables as read (for rows and file names).

    Returns
    -------
    list of Problem
        One per finding; ``str`` of each reads like a problem.

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> tacmg.data.loader.check(RECONSTRUCTED_DIR).warnings
    []
    """
    frames = (patients, visits, controls)
    return [warning for check in _CHECKS for warning in check(frames, raws)]
