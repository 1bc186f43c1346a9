"""A claim in a few words, and the unit of a contract column: what tables and charts show
instead of a claim's id.

The short name is derived from the claim's fields (quantity, variables, visits, subset, direction),
never typed, so a new claim gets one and two claims never share one (`tests/test_verdicts.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tacmg.data.contract import SCORES, STATUS_MEANINGS, TABLES

if TYPE_CHECKING:
    from tacmg.claims.registry import Claim

_COLUMNS = {column.name: column for table in TABLES.values() for column in table.columns}
_VISIT_WORDS = {"baseline": "at baseline", "month_12": "at month 12"}
_SUBSET_WORDS = {"improved": ", improved patients"}


def variable_unit(column: str) -> str:
    """The unit a contract column's values are written in: 'points' for the clinical scores.

    Parameters
    ----------
    column : str
        A contract column name.

    Returns
    -------
    str
        ``'points'``, ``'pg/mL'``, ``'mg/day'``, ``'years'``, or ``''`` (a code or a count).

    Examples
    --------
    >>> variable_unit("qmg"), variable_unit("scd40"), variable_unit("prednisone_mg_day"), variable_unit("sex")
    ('points', 'pg/mL', 'mg/day', '')
    """
    if column in SCORES:
        return "points"
    return _COLUMNS[column].unit if column in _COLUMNS else ""


def _title(column: str) -> str:
    if column == "prednisone_mg_day":
        return "Prednisone dose"
    return _COLUMNS[column].title if column in _COLUMNS else column


def claim_name(claim: Claim) -> str:
    """The claim in a few words, for a table's first column or a chart's axis.

    Parameters
    ----------
    claim : tacmg.claims.registry.Claim

    Returns
    -------
    str
        E.g. ``'Median QMG at baseline'``, ``'sPD-1 fall, improved patients'``, ``'sCD25 with QMG'``.

    Examples
    --------
    >>> from tacmg.claims.registry import load_claims
    >>> claims = load_claims()
    >>> [claim_name(claims.by_id(i)) for i in ("cohort-n", "qmg-median-baseline", "spd1-vs-controls")]
    ['Number of patients', 'Median QMG at baseline', 'sPD-1, patients vs controls']
    >>> claim_name(claims.by_id("status-mm"))
    'Patients at minimal manifestation status'
    >>> [claim_name(claims.by_id(i)) for i in ("improved-spd1-decrease", "no-spdl1-mg-adl-correlation")]
    ['sPD-1 fall, improved patients', 'sPD-L1 with MG-ADL: no correlation']
    """
    q, variables, params = claim.quantity, claim.variables, claim.params
    first = _title(variables[0])
    subset = _SUBSET_WORDS.get(claim.subset, "")
    if q == "count":
        return "Number of patients"
    if q == "mean":
        return f"Mean {first.lower()}"
    if q == "median":
        noun = first.lower() if variables[0] == "prednisone_mg_day" else first
        return f"Median {noun} {_VISIT_WORDS.get(claim.visits[0], claim.visits[0])}"
    if q == "status_count":
        return "Patients " + " or ".join(
            "at " + STATUS_MEANINGS[s] if s in ("MM", "CSR", "PR") else STATUS_MEANINGS[s] for s in params["statuses"]
        )
    if q in ("paired_change", "paired_direction"):
        word = {"decrease": "fall", "increase": "rise"}[params["direction"]]
        return f"{first} {word}{subset}"
    if q == "no_significant_change":
        word = {"decrease": "fall", "increase": "rise"}[params.get("direction", "decrease")]
        return f"{first}: no significant {word}{subset}"
    if q == "group_difference":
        return f"{first}, patients vs controls"
    pair = f"{first} with {_title(variables[1])}"
    return pair if q == "correlation" else f"{pair}: no correlation"
