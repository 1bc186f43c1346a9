"""Tables as the book shows them: the HTML wrapper every chapter displays (`TableView`), and the
display forms of the analysis tables (human headings, units, one number format).
"""

from __future__ import annotations

import hashlib
import math
import re

import numpy as np
import pandas as pd
from pandas.io.formats.style_render import CSSDict

from tacmg.data.contract import STATUS_CODES
from tacmg.presentation.prose import convention_readings
from tacmg.stats.rounding import fixed, p_text, round_half_up, significant

# A cell that reads as a number: a figure, a count ('11/32'), a range or a bound ('< 0.001').
NUMBER_START = re.compile(r"^\s*[<>≤≥~]?\s*[-+−]?\.?\d")
MISSING_TEXT = {"", "n/a", "na", "nan", "none", "-", "—"}


def numeric_columns(frame: pd.DataFrame) -> list[int]:
    """Positions of the columns whose every present cell is a number or starts with one.

    Such columns are right-aligned (by the table's own style, in the book and in JupyterLab);
    booleans and columns of words stay left-aligned.

    Examples
    --------
    >>> frame = pd.DataFrame({"label": ["sPD-1", "CTLA-4"], "p": ["0.012", "n/a"], "n": [11, 32],
    ...                       "ratio": ["1.2 (0.9 to 1.6)", "< 0.5"], "ok": [True, False]})
    >>> numeric_columns(frame)
    [1, 2, 3]
    """
    found = []
    for position, (_, values) in enumerate(frame.items()):
        if pd.api.types.is_bool_dtype(values):
            continue
        if pd.api.types.is_numeric_dtype(values):
            found.append(position)
            continue
        present = [str(v) for v in values if not (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)))]
        present = [v for v in present if v.strip().lower() not in MISSING_TEXT]
        if present and all(NUMBER_START.match(v) for v in present):
            found.append(position)
    return found


class TableView:
    """A table as the book shows it: HTML from a pandas Styler without the index, every cell
    HTML-escaped (a published figure such as 'P < 0.0001' would otherwise be read as a tag), and
    a plain-text form. Both are the same on every run: the Styler's id comes from the content,
    not from a random uuid, so re-executing a notebook leaves its outputs unchanged.

    The table carries pandas' ``dataframe`` class (the theme's table rules and colours, in light
    and dark mode) and ``tacmg-table``; the cells of its numeric columns (`numeric_columns`) and
    their headings are right-aligned, and the numbers unbroken in tabular figures, by the table's own style."""

    def __init__(self, frame: pd.DataFrame, formats: dict | None = None, na_rep: str = "n/a"):
        self.frame = frame
        uuid = hashlib.sha1(frame.to_csv(index=False).encode()).hexdigest()[:5]
        # By position (the Styler's "colN" class): a table's headings need not be unique.
        numeric = [f".col{position}" for position in numeric_columns(frame)]
        styles: list[CSSDict] = [{"selector": column, "props": "text-align: right;"} for column in numeric]
        styles += [
            {"selector": f"td{column}", "props": "white-space: nowrap; font-variant-numeric: tabular-nums;"}
            for column in numeric
        ]
        self.styler = (
            frame.style.hide(axis="index")
            .format(formats, escape="html", na_rep=na_rep)
            .set_uuid(uuid)
            .set_table_attributes('class="dataframe tacmg-table"')
            .set_table_styles(styles, overwrite=False)
        )

    def to_html(self) -> str:
        return self.styler.to_html()

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)


def table_view(frame: pd.DataFrame, formats: dict | None = None, na_rep: str = "n/a") -> TableView:
    """`frame` ready to display in a chapter (see `TableView`), with optional per-column formats."""
    return TableView(frame, formats, na_rep)


def for_display(table: pd.DataFrame, columns: dict, digits: int = 3) -> pd.DataFrame:
    """A table for the page. `columns` maps a source column, or a tuple (estimate, low, high)
    written as 'estimate (low to high)', to its heading, in that order. p-value columns (named
    ``'p_value'`` or ``'p_...'``) get two significant digits, other floats `digits` (see `significant`),
    booleans yes / no, missing values 'n/a'."""
    out = pd.DataFrame(index=table.index)
    for source, heading in columns.items():
        if isinstance(source, tuple):
            est, low, high = (np.asarray(table[c], float).tolist() for c in source)
            out[heading] = [
                f"{significant(e, digits)} ({significant(lo, digits)} to {significant(hi, digits)})"
                for e, lo, hi in zip(est, low, high)
            ]
            continue
        values = table[source]
        if source == "p_value" or source.startswith("p_"):
            out[heading] = [p_text(v) for v in values.astype(float)]
        elif values.map(lambda v: isinstance(v, (bool, np.bool_)) or v is pd.NA).all():
            out[heading] = ["n/a" if v is pd.NA else ("yes" if v else "no") for v in values]
        elif pd.api.types.is_float_dtype(values):
            out[heading] = [significant(v, digits) for v in values]
        else:
            out[heading] = values.astype(object).where(values.notna(), "")
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
    """A `baseline_against_controls` table as the page shows it (medians in pg/mL)."""
    frame = table.assign(published_text=_published_split_text(table))
    return for_display(
        frame,
        {
            "label": "Molecule",
            "median_patients": "Patients (pg/mL)",
            "median_controls": "Controls (pg/mL)",
            ("hl_ratio", "hl_ratio_ci_low", "hl_ratio_ci_high"): f"Ratio ({100 * confidence:g}% CI)",
            "effect_size": "Rank-biserial",
            "p_value": "p",
            "p_value_adjusted": "Adjusted p",
            "published_text": "Published",
        },
    )


def change_view(table: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """A `paired_change` table as the page shows it (medians in pg/mL; ratio month 12 / baseline)."""
    return for_display(
        table,
        {
            "label": "Molecule",
            "median_baseline": "Baseline (pg/mL)",
            "median_month_12": "Month 12 (pg/mL)",
            ("hl_ratio", "hl_ratio_ci_low", "hl_ratio_ci_high"): f"Ratio ({100 * confidence:g}% CI)",
            "effect_size": "Rank-biserial",
            "p_value": "p",
            "p_value_permutation": "Exact conditional p",
            "p_value_adjusted": "Adjusted p",
            "published": "Published",
        },
    )


def status_view(by_status: pd.DataFrame, test: pd.DataFrame) -> pd.DataFrame:
    """Median percent change per status group (one column per group) beside the Kruskal-Wallis p."""
    wide = by_status.pivot(index="label", columns="status", values="pct_change")
    statuses = [s for s in STATUS_CODES if s in wide.columns]
    order = list(dict.fromkeys(by_status["label"]))
    wide = wide.loc[order, statuses]
    frame = pd.DataFrame({"label": wide.index})
    for status in statuses:
        frame[status] = [f"{v:+.0f}%" if np.isfinite(v) else "n/a" for v in wide[status]]
    merged = frame.merge(test[["label", "p_value", "p_value_adjusted"]], on="label", how="left")
    return for_display(
        merged,
        {
            "label": "Molecule",
            **{s: f"{s}: median change" for s in statuses},
            "p_value": "Kruskal-Wallis p",
            "p_value_adjusted": "Adjusted p",
        },
    )


def correlation_view(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of a `correlation_table` as the page shows them, rho with its interval."""
    frame = table.assign(
        pair=[f"{x} and {y}" for x, y in zip(table["label_x"], table["label_y"])],
        published_text=table["published_sign"].where(table["published_sign"].notna(), "not reported"),
    )
    return for_display(
        frame,
        {
            "pair": "Pair",
            ("rho", "rho_ci_low", "rho_ci_high"): (
                f"Spearman rho ({round_half_up(100 * float(table['confidence'].iloc[0]), 1):g}% CI)"
            ),
            "p_value": "p",
            "p_value_adjusted": "Adjusted p",
            "published_text": "Published sign",
            "matches_published": "As published",
            "matches_published_adjusted": "As published, adjusted",
        },
        digits=2,
    )


def between_within_view(table: pd.DataFrame) -> pd.DataFrame:
    """A `between_and_within` table as the page shows it."""
    return for_display(
        table,
        {
            "label_score": "Score",
            "rho_baseline": "rho at baseline",
            "p_value_baseline": "p at baseline",
            "rho_month_12": "rho at month 12",
            "p_value_month_12": "p at month 12",
            "rho_change": "rho of the changes",
            "p_value_change": "p of the changes",
            "share_both_fell": "Share in whom both fell",
        },
        digits=2,
    )


def format_changes(table: pd.DataFrame, unit: str = "points") -> pd.DataFrame:
    """A score_changes (or prednisone summary) table as text for reading: one row per outcome.

    Columns: outcome, 'median before -> after', 'median change', 'Hodges-Lehmann change (CI)',
    'Wilcoxon p', and when present 'exact conditional p', 'rank-biserial', and, when present,
    'reached MCID' and 'improved at all'.
    """
    rows = []
    for _, r in table.iterrows():
        level = f"{round_half_up(100 * r['confidence'], 1):g}%"
        row = {
            "outcome": r.get("label", "Prednisone"),
            f"median before -> after ({unit})": f"{fixed(r['median_baseline'])} -> {fixed(r['median_month_12'])}",
            "median change": fixed(r["median_change"]),
            f"Hodges-Lehmann change ({level} CI)": (
                f"{fixed(r['hl_change'])} ({fixed(r['hl_change_ci_low'])} to {fixed(r['hl_change_ci_high'])})"
            ),
            "Wilcoxon p": p_text(r["p_value"]),
            **({"exact conditional p": p_text(r["p_value_permutation"])} if "p_value_permutation" in r else {}),
            "rank-biserial": fixed(r["effect_size"], 2),
        }
        if "n_mcid" in r:
            row["reached MCID"] = (
                "no MCID"
                if math.isnan(r["mcid_points"])
                else f"{int(r['n_mcid'])}/{int(r['n'])} (fall >= {fixed(r['mcid_points'])})"
            )
            row["improved at all"] = f"{int(r['n_improved'])}/{int(r['n'])}"
        rows.append(row)
    return pd.DataFrame(rows)


def hl_conventions_view(conventions: pd.DataFrame, mcid) -> pd.DataFrame:
    """A `hl_conventions` table as the page shows it: both estimators, both intervals, the reading.

    Columns: outcome, 'unchanged', 'zeros dropped (CI)', 'all n, textbook (CI)', 'exact conditional
    interval' (of the zeros-dropped estimate), 'MCID reading' ('same', 'changes' or 'no MCID');
    points, as `fixed` writes them ('-inf' / 'inf' for an unbounded side).
    """
    readings = convention_readings(conventions, mcid)
    level = f"{round_half_up(100 * float(conventions['confidence'].iloc[0]), 1):g}%"

    def bound(value: float) -> str:
        return fixed(value) if np.isfinite(value) else ("-inf" if value < 0 else "inf")

    def interval(low: float, high: float) -> str:
        return f"{bound(low)} to {bound(high)}"

    return pd.DataFrame(
        {
            "outcome": conventions["label"],
            "unchanged": conventions["n"] - conventions["n_nonzero"],
            f"HL, zeros dropped ({level} CI)": [
                f"{fixed(e)} ({interval(lo, hi)})"
                for e, lo, hi in zip(
                    conventions["hl_change"], conventions["hl_change_ci_low"], conventions["hl_change_ci_high"]
                )
            ],
            f"HL, all n ({level} CI)": [
                f"{fixed(e)} ({interval(lo, hi)})"
                for e, lo, hi in zip(
                    conventions["hl_change_all_n"],
                    conventions["hl_change_all_n_ci_low"],
                    conventions["hl_change_all_n_ci_high"],
                )
            ],
            f"exact conditional {level} interval": [
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
    """A `status_counts` table as text for reading: status, meaning, patients ('11/32'),
    percent and the interval in percent (one decimal, rounded half up)."""
    level = f"{round_half_up(100 * float(table['confidence'].iloc[0]), 1):g}%"
    return pd.DataFrame(
        {
            "status": table["status"],
            "meaning": table["meaning"],
            "patients": [f"{c}/{n}" for c, n in zip(table["count"], table["n"])],
            "percent": [fixed(100 * s, 1) for s in table["share"]],
            f"exact {level} interval (%)": [
                f"{fixed(100 * lo, 1)} to {fixed(100 * hi, 1)}"
                for lo, hi in zip(table["share_ci_low"], table["share_ci_high"])
            ],
        }
    )
