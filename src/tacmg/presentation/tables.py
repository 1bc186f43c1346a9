"""Tables as the book shows them: the HTML wrapper every chapter displays (`TableView`), and the
display forms of the analysis tables: human headings with units, every number in the format of
`tacmg.stats.rounding` (p-values "< 0.001" / "0.012", points one decimal, mg/day two, pg/mL three
significant digits, ratios and correlations two decimals, percentages one), booleans as yes / no.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pandas as pd

from tacmg.data.contract import STATUS_CODES
from tacmg.presentation.prose import convention_readings
from tacmg.stats.rounding import P_FLOOR, p_value_text, quantity_text, round_half_up, share_text, yes_no


class TableView:
    """A table as the book shows it: HTML from a pandas Styler without the index, every cell
    HTML-escaped (a published figure such as 'P < 0.0001' would otherwise be read as a tag), and
    a plain-text form. Both are the same on every run: the Styler's id comes from the content,
    not from a random uuid, so re-executing a notebook leaves its outputs unchanged."""

    def __init__(self, frame: pd.DataFrame, formats: dict | None = None, na_rep: str = "n/a"):
        self.frame = frame
        uuid = hashlib.sha1(frame.to_csv(index=False).encode()).hexdigest()[:5]
        self.styler = frame.style.hide(axis="index").format(formats, escape="html", na_rep=na_rep).set_uuid(uuid)

    def to_html(self) -> str:
        return self.styler.to_html()

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)


def table_view(frame: pd.DataFrame, formats: dict | None = None, na_rep: str = "n/a") -> TableView:
    """`frame` ready to display in a chapter (see `TableView`), with optional per-column formats."""
    return TableView(frame, formats, na_rep)


def _level(confidence: float) -> str:
    return f"{round_half_up(100 * float(confidence), 1):g}%"


def _is_p(column: str) -> bool:
    return column == "p_value" or column.startswith("p_")


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
        if _is_p(source):
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


def _published_split_text(table: pd.DataFrame) -> list[str]:
    texts = []
    for published_significant, abstract in zip(table["published_significant"], table["in_abstract_list"]):
        if published_significant is pd.NA:
            texts.append("not reported")
        elif published_significant:
            texts.append("significant (news and abstract)" if abstract else "significant (news)")
        else:
            texts.append("not significant (news)")
    return texts


def against_controls_view(table: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """A `baseline_against_controls` table as the page shows it (medians in pg/mL).

    The size of each difference is the Hodges-Lehmann ratio with its interval, the one effect
    size the page gives for the comparison (the rank-biserial correlation is not shown).
    """
    ratio = ("hl_ratio", "hl_ratio_ci_low", "hl_ratio_ci_high")
    return for_display(
        table.assign(published_text=_published_split_text(table)),
        {
            "label": "Molecule",
            "median_patients": "Patients, median (pg/mL)",
            "median_controls": "Controls, median (pg/mL)",
            ratio: f"Ratio, patients / controls ({_level(confidence)} CI)",
            "p_value": "P",
            "p_value_adjusted": "P (adjusted)",
            "published_text": "Published",
        },
        {"median_patients": "pg/mL", "median_controls": "pg/mL", ratio: "ratio"},
    )


def change_view(table: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """A `paired_change` table as the page shows it (medians in pg/mL; ratio month 12 / baseline,
    the one effect size of each change)."""
    ratio = ("hl_ratio", "hl_ratio_ci_low", "hl_ratio_ci_high")
    return for_display(
        table,
        {
            "label": "Molecule",
            "median_baseline": "Baseline, median (pg/mL)",
            "median_month_12": "Month 12, median (pg/mL)",
            ratio: f"Ratio, month 12 / baseline ({_level(confidence)} CI)",
            "p_value": "P (Wilcoxon)",
            "p_value_permutation": "P (exact conditional)",
            "p_value_adjusted": "P (adjusted)",
            "published": "Published",
        },
        {"median_baseline": "pg/mL", "median_month_12": "pg/mL", ratio: "ratio"},
    )


def status_view(by_status: pd.DataFrame, test: pd.DataFrame) -> pd.DataFrame:
    """Median percent change per status group (one column per group) beside the Kruskal-Wallis p."""
    wide = by_status.pivot(index="label", columns="status", values="pct_change")
    statuses = [s for s in STATUS_CODES if s in wide.columns]
    order = list(dict.fromkeys(by_status["label"]))
    wide = wide.loc[order, statuses]
    frame = pd.DataFrame({"label": wide.index})
    for status in statuses:
        frame[status] = [quantity_text(v, "%", sign=True, with_unit=False) for v in wide[status]]
    merged = frame.merge(test[["label", "p_value", "p_value_adjusted"]], on="label", how="left")
    return for_display(
        merged,
        {
            "label": "Molecule",
            **{s: f"{s}: median change (%)" for s in statuses},
            "p_value": "P (Kruskal-Wallis)",
            "p_value_adjusted": "P (adjusted)",
        },
    )


def correlation_view(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of a `correlation_table` as the page shows them, rho with its interval."""
    rho = ("rho", "rho_ci_low", "rho_ci_high")
    frame = table.assign(
        pair=[f"{x} and {y}" for x, y in zip(table["label_x"], table["label_y"])],
        published_text=table["published_sign"].where(table["published_sign"].notna(), "not reported"),
    )
    return for_display(
        frame,
        {
            "pair": "Pair",
            rho: f"Spearman rho ({_level(table['confidence'].iloc[0])} CI)",
            "p_value": "P",
            "p_value_adjusted": "P (adjusted)",
            "published_text": "Published sign",
            "matches_published": "As published",
            "matches_published_adjusted": "As published, adjusted",
        },
        {rho: "correlation"},
    )


def between_within_view(table: pd.DataFrame) -> pd.DataFrame:
    """A `between_and_within` table as the page shows it."""
    shown = table.assign(share_both_fell=100 * table["share_both_fell"])
    return for_display(
        shown,
        {
            "label_score": "Score",
            "rho_baseline": "Rho at baseline",
            "p_value_baseline": "P at baseline",
            "rho_month_12": "Rho at month 12",
            "p_value_month_12": "P at month 12",
            "rho_change": "Rho of the changes",
            "p_value_change": "P of the changes",
            "share_both_fell": "Both fell (% of patients)",
        },
        {
            "rho_baseline": "correlation",
            "rho_month_12": "correlation",
            "rho_change": "correlation",
            "share_both_fell": "%",
        },
    )


def format_changes(table: pd.DataFrame, unit: str = "points", p_floor: float = 0.0001) -> pd.DataFrame:
    """A score_changes (or prednisone summary) table as text for reading: one row per outcome.

    Columns: Outcome, medians at baseline and month 12, median of the changes, Hodges-Lehmann
    change with its interval (all in `unit`), P (Wilcoxon), when present P (exact conditional),
    rank-biserial and, when present, 'Reached MCID' and 'Improved at all'. P-values are written
    down to 0.0001 (`p_floor`), the bound the sources publish for these changes.
    """
    rows = []

    def q(value: float, sign: bool = False) -> str:
        return quantity_text(value, unit, sign=sign, with_unit=False)

    for _, r in table.iterrows():
        level = _level(r["confidence"])
        row = {
            "Outcome": r.get("label", "Prednisone"),
            f"Median, baseline to month 12 ({unit})": f"{q(r['median_baseline'])} to {q(r['median_month_12'])}",
            f"Median of the changes ({unit})": q(r["median_change"], True),
            f"Hodges-Lehmann change, {unit} ({level} CI)": (
                f"{q(r['hl_change'], True)} ({q(r['hl_change_ci_low'], True)} to {q(r['hl_change_ci_high'], True)})"
            ),
            "P (Wilcoxon)": p_value_text(r["p_value"], p_floor),
            **(
                {"P (exact conditional)": p_value_text(r["p_value_permutation"], p_floor)}
                if "p_value_permutation" in r
                else {}
            ),
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


def hl_conventions_view(conventions: pd.DataFrame, mcid) -> pd.DataFrame:
    """A `hl_conventions` table as the page shows it: both estimators, both intervals, the reading.

    Columns: Outcome, 'Unchanged (n)', 'HL, zeros dropped', 'HL, all n' (each with its interval),
    'Exact conditional interval' (of the zeros-dropped estimate), 'MCID reading' ('same',
    'changes' or 'no MCID'); in points ('-∞' / '∞' for an unbounded side).
    """
    readings = convention_readings(conventions, mcid)
    level = _level(conventions["confidence"].iloc[0])

    def bound(value: float) -> str:
        return (
            quantity_text(value, "points", sign=True, with_unit=False)
            if np.isfinite(value)
            else ("-∞" if value < 0 else "∞")
        )

    def interval(low: float, high: float) -> str:
        return f"{bound(low)} to {bound(high)}"

    def estimates(stem: str) -> list[str]:
        columns = (stem, f"{stem}_ci_low", f"{stem}_ci_high")
        return [f"{bound(e)} ({interval(lo, hi)})" for e, lo, hi in zip(*(conventions[c] for c in columns))]

    return pd.DataFrame(
        {
            "Outcome": conventions["label"],
            "Unchanged (n)": conventions["n"] - conventions["n_nonzero"],
            f"HL, zeros dropped, points ({level} CI)": estimates("hl_change"),
            f"HL, all n, points ({level} CI)": estimates("hl_change_all_n"),
            f"Exact conditional {level} interval (points)": [
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
    level = _level(table["confidence"].iloc[0])
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
