"""One line saying what a valid dataset holds: patients, the month-12 visits, controls, missing
cells and values below the detection limit, so that `python -m tacmg validate` tells a clinic what
the analyses will see before any chapter runs (nothing here decides validity; `tacmg.data.loader.check`
does).
"""

from __future__ import annotations

import pandas as pd

from tacmg.data.contract import MOLECULE_UNIT, MOLECULES
from tacmg.stats.rounding import significant


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def summary_line(
    patients: pd.DataFrame,
    visits: pd.DataFrame,
    controls: pd.DataFrame,
    limits: dict[str, float],
    censored: dict[str, int],
) -> str:
    """What a valid dataset holds, in one line.

    Parameters
    ----------
    patients, visits, controls : pandas.DataFrame
        The three tables with the contract's types (missing values as NaN or None).
    limits : dict of str to float
        Each molecule's detection limit (pg/mL), for molecules with a ``<X`` cell.
    censored : dict of str to int
        How many ``<X`` cells each of those molecules has.

    Returns
    -------
    str
        E.g. "20 patients, 17 with a month-12 visit (3 without), 20 controls; 9 cells missing;
        below the detection limit: sCD40L (< 76 pg/mL, 4 cells)".

    Examples
    --------
    >>> p = pd.DataFrame({"patient_id": ["P1", "P2"], "status": ["MM", None]})
    >>> v = pd.DataFrame({"patient_id": ["P1", "P1", "P2"], "visit": ["baseline", "month_12", "baseline"],
    ...                   "qmg": [5.0, 3.0, float("nan")]})
    >>> c = pd.DataFrame({"control_id": ["C1"], "scd40l": [38.0]})
    >>> line = summary_line(p, v, c, {"scd40l": 76.0}, {"scd40l": 1})
    >>> for part in line.split("; "):
    ...     print(part)
    2 patients, 1 with a month-12 visit (1 without), 1 control
    2 cells missing
    below the detection limit: sCD40L (< 76 pg/mL, 1 cell)
    """
    n = len(patients)
    month_12 = int((visits["visit"] == "month_12").sum())
    parts = [
        f"{_plural(n, 'patient')}, {month_12:,} with a month-12 visit"
        + (f" ({n - month_12:,} without)" if month_12 < n else "")
        + f", {_plural(len(controls), 'control')}"
    ]
    missing = sum(int(table.isna().sum().sum()) for table in (patients, visits, controls))
    parts.append(f"{_plural(missing, 'cell')} missing" if missing else "no cell missing")
    if limits:
        parts.append(
            "below the detection limit: "
            + ", ".join(
                f"{MOLECULES[m]} (< {significant(limit)} {MOLECULE_UNIT}, {_plural(censored.get(m, 0), 'cell')})"
                for m, limit in limits.items()
            )
        )
    return "; ".join(parts)
