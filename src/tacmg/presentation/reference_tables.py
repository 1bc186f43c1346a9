"""The reference pages' tables: the assumptions (from `priors.yaml`) and the data dictionary (from
the contract), readable: names in words, values formatted by kind (shares as percentages, ranges
"a to b" with their unit, mappings "MM: 0 to 60%; I: ..."), never a Python dict or list.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tacmg.claims.names import variable_unit
from tacmg.data.contract import LABELS, SCORES
from tacmg.presentation.tables import headings
from tacmg.stats.rounding import share_text, significant, yes_no

SECTION_TITLES = {
    "cohort": "Cohort",
    "scores": "Clinical scores",
    "prednisone": "Prednisone",
    "status_link": "Status and scores",
    "molecules": "Molecules",
    "correlations": "Correlations",
}
_WORDS = {"n": "number of", "sd": "SD", "cv": "CV", "mgfa": "MGFA", "log": "log"}
_UNIT_SUFFIXES = {"_years": "years", "_mg_day": "mg/day"}
# status_link entries whose mapping gives points of the clinical scores
_POINTS = ("_max", "_max_change", "_min_change", "_worsening_max")
_TYPES = {"string": "text", "integer": "whole number", "number": "number", "boolean": "true or false"}


def _key_words(key: str) -> str:
    """A mapping key in words: contract columns by label, pairs 'a-b' as 'a with b'."""
    if key in LABELS:
        return LABELS[key]
    if "-" in key and all(part in LABELS for part in key.split("-")):
        return " with ".join(LABELS[part] for part in key.split("-"))
    return key


def assumption_words(name: str) -> tuple[str, str]:
    """An assumption's name in words, and the unit its name gives ('' if none).

    Examples
    --------
    >>> assumption_words("age_at_onset_sd_years"), assumption_words("control_median.spd1")
    (('Age at onset SD', 'years'), ('Control median: sPD-1', ''))
    >>> assumption_words("n_controls")
    ('Number of controls', '')
    """
    group, _, member = name.partition(".")
    unit = ""
    for suffix, suffix_unit in _UNIT_SUFFIXES.items():
        if group.endswith(suffix):
            group, unit = group.removesuffix(suffix), suffix_unit
    words = " ".join(_WORDS.get(w, w) for w in group.split("_"))
    words = words[0].upper() + words[1:]
    return (f"{words}: {_key_words(member)}" if member else words), unit


def value_text(value: Any, name: str = "", unit: str = "") -> str:
    """A priors value as text by kind: shares and fractions as percentages, two-number lists as
    'a to b', mappings as 'key: value; ...' with keys in words, booleans yes / no.

    Examples
    --------
    >>> value_text(0.75, "female_share"), value_text([16, 70], "age_at_onset_range_years", "years")
    ('75.0%', '16 to 70 years')
    >>> value_text({"MM": [0.0, 0.6], "I": [0.2, 0.8]}, "prednisone_fraction_kept")
    'MM: 0.0% to 60.0%; I: 20.0% to 80.0%'
    >>> value_text({"qmg": 6, "mg_adl": 1}, "minimal_manifestation_max", "points"), value_text(True)
    ('QMG: 6 points; MG-ADL: 1 point', 'yes')
    """
    as_share = "share" in name or "fraction" in name
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            if isinstance(item, dict):
                inner = ", ".join(f"{k} {value_text(v, name)}" for k, v in item.items())
                parts.append(f"{_key_words(key)}: {inner}")
            else:
                parts.append(f"{_key_words(key)}: {value_text(item, name, unit)}")
        return "; ".join(parts)
    if isinstance(value, list | tuple):
        texts = [value_text(v, name) for v in value]
        joined = " to ".join(texts) if len(texts) == 2 else ", ".join(texts)
        return f"{joined} {unit}".strip()
    if as_share:
        text = share_text(value)
    elif float(value).is_integer() and abs(value) >= 1000:
        text = f"{value:,.0f}"
    else:
        text = significant(value, 6)
    if unit == "points" and value == 1:
        unit = "point"
    return f"{text} {unit}".strip()


def assumptions_view(table: pd.DataFrame, section_units: dict[str, str] | None = None) -> pd.DataFrame:
    """`tacmg.reconstruction.priors.Priors.table` as the assumptions page shows it.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns section, assumption, value, source, reason.
    section_units : dict, optional
        A section's unit for values its names give none (``{'molecules': 'pg/mL'}`` for the
        control medians).

    Returns
    -------
    pandas.DataFrame
        Section, Assumption, Value, Source, Reason ('' where none).

    Examples
    --------
    >>> from tacmg.reconstruction.priors import load_priors
    >>> shown = assumptions_view(load_priors().table(), {"molecules": "pg/mL"})
    >>> shown.set_index("Assumption").loc[["Female share", "Control median: sICOSL"], "Value"].tolist()
    ['75.0%', '200,000 pg/mL']
    """
    section_units = section_units or {}
    rows = []
    for _, r in table.iterrows():
        words, unit = assumption_words(r["assumption"])
        if not unit and r["assumption"].startswith("control_median."):
            unit = section_units.get(r["section"], "")
        if not unit and r["section"] == "status_link" and r["assumption"].endswith(_POINTS):
            unit = "points"
        rows.append(
            {
                "section": SECTION_TITLES.get(r["section"], r["section"]),
                "assumption": words,
                "value": value_text(r["value"], r["assumption"], unit),
                "source": r["source"],
                "reason": r["reason"],
            }
        )
    return headings(
        pd.DataFrame(rows),
        {"section": "Section", "assumption": "Assumption", "value": "Value", "source": "Source", "reason": "Reason"},
    )


def dictionary_view(fields: pd.DataFrame) -> pd.DataFrame:
    """`tacmg.data.datapackage.datapackage_fields_table` as the data dictionary shows it: types in
    words, the clinical scores' unit 'points', headings in words.

    Examples
    --------
    >>> from tacmg.data.datapackage import datapackage_fields_table
    >>> shown = dictionary_view(datapackage_fields_table())
    >>> shown.columns.tolist()
    ['File', 'Column', 'Type', 'Unit', 'Allowed values', 'Description']
    >>> shown.set_index("Column").loc["qmg", ["Type", "Unit", "Allowed values"]].tolist()
    ['whole number', 'points', '0 to 39']
    """
    shown = fields.assign(
        type=fields["type"].map(lambda t: _TYPES.get(t, t)),
        unit=[variable_unit(c) if c in SCORES else u for c, u in zip(fields["column"], fields["unit"])],
    )
    return headings(
        shown,
        {
            "table": "File",
            "column": "Column",
            "type": "Type",
            "unit": "Unit",
            "allowed": "Allowed values",
            "description": "Description",
        },
    )


def decisions_view(decisions: pd.DataFrame) -> pd.DataFrame:
    """The registry's decisions (id, question, reading, reason) with headings in words.

    Examples
    --------
    >>> decisions_view(pd.DataFrame([{"id": "a", "question": "q", "reading": "r", "reason": "w"}])).columns.tolist()
    ['Decision', 'Question', 'Reading', 'Reason']
    """
    return headings(
        decisions[["id", "question", "reading", "reason"]],
        {"id": "Decision", "question": "Question", "reading": "Reading", "reason": "Reason"},
    )
