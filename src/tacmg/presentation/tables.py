"""Tables as the book shows them: the HTML wrapper every chapter displays (`TableView`), and the
display forms of the analysis tables: human headings with units, every number in the format of
`tacmg.stats.rounding` (p-values "< 0.001" / "0.012", points one decimal, mg/day two, pg/mL three
significant digits, ratios and correlations two decimals, percentages one), booleans as yes / no.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from tacmg.presentation.prose import convention_readings
from tacmg.presentation.table_html import HOVER_COLUMN as HOVER_COLUMN
from tacmg.presentation.table_html import MAX_COLUMNS as MAX_COLUMNS
from tacmg.presentation.table_html import TableView
from tacmg.presentation.table_html import numeric_columns as numeric_columns
from tacmg.stats.rank_tests import EXACT_MAX_N, exact_allowed
from tacmg.stats.rounding import (
    P_FLOOR,
    p_value_text,
    quantity_text,
    round_half_up,
    share_text,
    yes_no,
)


def table_view(frame: pd.DataFrame, formats: dict | None = None, na_rep: str = "n/a") -> TableView:
    """`frame` ready to display in a chapter (see `TableView`), with optional per-column formats."""
    return TableView(frame, formats, na_rep)


def level_text(confidence: float) -> str:
    """A confidence level (0-1) as the tables' headings show it.

    Examples
    --------
    >>> level_text(0.95), level_text(0.975)
    ('95%', '97.5%')
    """
    return f"{round_half_up(100 * float(confidence), 1):g}%"


def is_p_value(name: str) -> bool:
    """Whether a column or a prose key names a p-value (it has the word 'p'), so it is written as one.

    Examples
    --------
    >>> [is_p_value(n) for n in ("p_value_adjusted", "scores_qmg_p", "scores_p_max", "pct_change")]
    [True, True, True, False]
    """
    return "p" in name.split("_")


def for_display(
    table: pd.DataFrame, columns: dict, units: dict | None = None, p_floor: float = P_FLOOR
) -> pd.DataFrame:
    """A table for the page, every cell text.

    Parameters
    ----------
    table : pandas.DataFrame
        A tidy analysis table.
    columns : dict
        Source column, or a tuple (estimate, low, high) written 'estimate (low to high)', to its
        heading, in the order shown.
    units : dict, optional
        Source column (or tuple) to the unit of `tacmg.stats.rounding.quantity_text` its numbers
        are written in (``'pg/mL'``, ``'ratio'``, ...); the heading carries the unit, the cells
        only the number.
    p_floor : float
        The smallest p-value written as a number (`tacmg.stats.rounding.p_value_text`).

    Returns
    -------
    pandas.DataFrame
        p-value columns (``'p_value'``, ``'p_...'``) as `p_value_text`, booleans yes / no,
        other numbers in their unit's format, missing values 'n/a'.

    Examples
    --------
    >>> t = pd.DataFrame({"label": ["sPD-1"], "median": [81.63], "p_value": [0.00002], "ok": [True]})
    >>> for_display(t, {"label": "Molecule", "median": "Median (pg/mL)", "p_value": "P", "ok": "Holds"},
    ...             {"median": "pg/mL"}).iloc[0].tolist()
    ['sPD-1', '81.6', '< 0.001', 'yes']
    """
    units = units or {}
    out = pd.DataFrame(index=table.index)

    def number(value: float, unit: str) -> str:
        return quantity_text(value, unit, with_unit=False)

    for source, heading in columns.items():
        if isinstance(source, tuple):
            unit = units.get(source, "ratio")
            est, low, high = (np.asarray(table[c], float).tolist() for c in source)
            out[heading] = [
                f"{number(e, unit)} ({number(lo, unit)} to {number(hi, unit)})" for e, lo, hi in zip(est, low, high)
            ]
            continue
        values = table[source]
        if is_p_value(source):
            out[heading] = [p_value_text(v, p_floor) for v in values.astype(float)]
        elif values.map(lambda v: isinstance(v, bool | np.bool_) or v is pd.NA).all():
            out[heading] = [yes_no(v) for v in values]
        elif source in units:
            out[heading] = [number(v, units[source]) for v in values.astype(float)]
        elif pd.api.types.is_float_dtype(values):
            raise ValueError(f"column {source!r}: give its unit (units=...) so its numbers have one format")
        else:
            out[heading] = values.astype(object).where(values.notna(), "n/a")
    return out.reset_index(drop=True)


def format_changes(table: pd.DataFrame, unit: str = "points", p_floor: float = 0.0001) -> pd.DataFrame:
    """A score_changes (or prednisone summary) table as text for reading: one row per outcome.

    Columns: Outcome, medians at baseline and month 12, median of the changes, Hodges-Lehmann
    change with its interval (all in `unit`), P (Wilcoxon), when present P (exact conditional, or
    what it is past `tacmg.stats.rank_tests.EXACT_MAX_N` pairs),
    rank-biserial and, when present, 'Reached MCID' and 'Improved at all'. P-values are written
    down to 0.0001 (`p_floor`), the bound the sources publish for these changes.
    """
    rows = []
    conditional_p = f"P ({conditional_label(table['n'])})"

    def q(value: float, sign: bool = False) -> str:
        return quantity_text(value, unit, sign=sign, with_unit=False)

    for _, r in table.iterrows():
        level = level_text(r["confidence"])
        row = {
            "Outcome": r.get("label", "Prednisone"),
            f"Median, baseline to month 12 ({unit})": f"{q(r['median_baseline'])} to {q(r['median_month_12'])}",
            f"Median of the changes ({unit})": q(r["median_change"], True),
            f"Hodges-Lehmann change, {unit} ({level} CI)": (
                f"{q(r['hl_change'], True)} ({q(r['hl_change_ci_low'], True)} to {q(r['hl_change_ci_high'], True)})"
            ),
            "P (Wilcoxon)": p_value_text(r["p_value"], p_floor),
            **({conditional_p: p_value_text(r["p_value_permutation"], p_floor)} if "p_value_permutation" in r else {}),
            "Rank-biserial": quantity_text(r["effect_size"], "correlation"),
        }
        if "n_mcid" in r:
            row["Reached MCID"] = (
                "no MCID"
                if math.isnan(r["mcid_points"])
                else f"{int(r['n_mcid'])} of {int(r['n'])} (fall of {q(r['mcid_points'])} or more)"
            )
            row["Improved at all"] = f"{int(r['n_improved'])} of {int(r['n'])}"
        rows.append(row)
    return pd.DataFrame(rows)


def conditional_label(sizes: pd.Series) -> str:
    """What a table's conditional p-values and intervals are, given each row's number of pairs.

    Examples
    --------
    >>> conditional_label(pd.Series([32, 30]))
    'exact conditional'
    >>> conditional_label(pd.Series([3000]))
    'conditional; exact up to 50 pairs, normal approximation above'
    """
    if exact_allowed(*(int(n) for n in sizes)):
        return "exact conditional"
    return f"conditional; exact up to {EXACT_MAX_N} pairs, normal approximation above"


def _interval_heading(label: str, level: str) -> str:
    """'Exact conditional 95% interval (points)', or the same with what it is past the exact limit."""
    if label == "exact conditional":
        return f"Exact conditional {level} interval (points)"
    return f"Conditional {level} interval (points; {label.split('; ', 1)[1]})"


def hl_conventions_view(conventions: pd.DataFrame, mcid) -> pd.DataFrame:
    """A `hl_conventions` table as the page shows it: both estimators, both intervals, the reading.

    Columns: Outcome, 'Unchanged (n)', 'HL, zeros dropped', 'HL, all n' (each with its interval),
    the conditional interval (of the zeros-dropped estimate; 'exact conditional' up to
    `tacmg.stats.rank_tests.EXACT_MAX_N` pairs), 'MCID reading' ('same',
    'changes' or 'no MCID'); in points ('-∞' / '∞' for an unbounded side; 'none' for an empty
    interval: no shift accepted, as a large, heavily tied sample can give).
    """
    readings = convention_readings(conventions, mcid)
    level = level_text(conventions["confidence"].iloc[0])

    def bound(value: float) -> str:
        return (
            quantity_text(value, "points", sign=True, with_unit=False)
            if np.isfinite(value)
            else ("-∞" if value < 0 else "∞")
        )

    def interval(low: float, high: float) -> str:
        return "none" if np.isnan(low) or np.isnan(high) else f"{bound(low)} to {bound(high)}"

    def estimates(stem: str) -> list[str]:
        columns = (stem, f"{stem}_ci_low", f"{stem}_ci_high")
        return [f"{bound(e)} ({interval(lo, hi)})" for e, lo, hi in zip(*(conventions[c] for c in columns))]

    return pd.DataFrame(
        {
            "Outcome": conventions["label"],
            "Unchanged (n)": conventions["n"] - conventions["n_nonzero"],
            f"HL, zeros dropped, points ({level} CI)": estimates("hl_change"),
            f"HL, all n, points ({level} CI)": estimates("hl_change_all_n"),
            _interval_heading(conditional_label(conventions["n"]), level): [
                interval(lo, hi)
                for lo, hi in zip(
                    conventions["hl_change_conditional_ci_low"], conventions["hl_change_conditional_ci_high"]
                )
            ],
            "MCID reading": [
                "no MCID" if mcid.get(score) is None else ("changes" if changes else "same")
                for score, changes in zip(readings["score"], readings["changes"])
            ],
        }
    )


def format_status(table: pd.DataFrame) -> pd.DataFrame:
    """A `status_counts` table as text for reading: status, meaning, patients ('11 of 32'), share
    and its exact interval in percent (one decimal, rounded half up)."""
    level = level_text(table["confidence"].iloc[0])
    return pd.DataFrame(
        {
            "Status": table["status"],
            "Meaning": table["meaning"],
            "Patients": [f"{c} of {n}" for c, n in zip(table["count"], table["n"])],
            "Share (%)": [quantity_text(100 * s, "%", with_unit=False) for s in table["share"]],
            f"Exact {level} interval (%)": [
                f"{quantity_text(100 * lo, '%', with_unit=False)} to {quantity_text(100 * hi, '%', with_unit=False)}"
                for lo, hi in zip(table["share_ci_low"], table["share_ci_high"])
            ],
        }
    )


def changes_by_status_view(by_status: pd.DataFrame) -> pd.DataFrame:
    """A `changes_by_status` table as the page shows it: each median change signed, in the unit
    its heading names ('QMG (points)': one decimal; 'Prednisone (mg/day)': two)."""
    out = by_status.rename(columns={"status": "Status", "meaning": "Meaning", "n": "Patients (n)"})
    for column in by_status.columns[3:]:
        unit = column[column.rindex("(") + 1 : -1]
        out[column.replace(" (", ", median change (")] = [
            quantity_text(v, unit, sign=True, with_unit=False) for v in by_status[column]
        ]
        out = out.drop(columns=column)
    return out


def mcid_view(mcid_table: pd.DataFrame) -> pd.DataFrame:
    """A `tacmg.analyses.scores.mcid_table` as the page shows it (threshold in points, or 'none')."""
    return pd.DataFrame(
        {
            "Score": mcid_table["label"],
            "Clinically important fall (points)": [
                "none" if math.isnan(v) else quantity_text(v, "points", with_unit=False)
                for v in mcid_table["mcid_points"]
            ],
            "Basis": mcid_table["basis"],
        }
    )


def course_view(courses: pd.DataFrame) -> pd.DataFrame:
    """A `tacmg.analyses.prednisone.course_table` as the page shows it (share one decimal)."""
    return pd.DataFrame(
        {
            "Course": courses["course"],
            "Patients (n)": courses["patients"],
            "Share (%)": [quantity_text(v, "%", with_unit=False) for v in courses["percent"]],
        }
    )


def share_column(shares) -> list[str]:
    """Shares (0-1) as percentages with one decimal (`tacmg.stats.rounding.share_text`)."""
    return [share_text(s) for s in shares]


def headings(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """`frame` with its columns renamed for the page; every column must be named (no snake_case left).

    Examples
    --------
    >>> headings(pd.DataFrame({"code": ["MM"]}), {"code": "Code"}).columns.tolist()
    ['Code']
    """
    missing = [c for c in frame.columns if c not in names]
    if missing:
        raise ValueError(f"no heading for {missing}")
    return frame.rename(columns=names)[list(names.values())]
