"""Altair charts of the molecule chapters, in the visual language of `tacmg.presentation.palette`.

Same colours for Baseline / Month 12 / Healthy controls and for post-intervention statuses, every
point shown with a tooltip, concentrations on a log axis titled with pg/mL, and a subtitle saying
whose data these are (`titled`). Inputs are the tidy frames of `tacmg.molecules`; none
carries a patient code, so no chart can show one (patients are anonymous `track` numbers, used
only to draw each patient's line and never put in a tooltip).
"""

from __future__ import annotations

from typing import Final

import altair as alt
import pandas as pd

from tacmg.data.contract import MOLECULE_UNIT, MOLECULES
from tacmg.presentation import clinical_charts
from tacmg.presentation.palette import (
    LOG_AXIS,
    STATUS_COLOURS,
    WIDTH,
    SingleChart,
    log_scale,
    panel_title,
    status_scale,
    with_notes,
)

PANEL_WIDTH = 140
PANEL_HEIGHT = 160
COLUMNS = 3
BOOK_WIDTH = 250  # a panel when two sit side by side in the book's text column
MOLECULE_ORDER = list(MOLECULES.values())
SIGNIFICANCE_COLOURS = {"yes": "#222222", "no": "#b0b0b0"}
RHO_SCHEME: Final = "redblue"  # reversed below: positive correlations red, negative blue


# ----------------------------------------------------------------------------- distributions


def strip_grid(values: pd.DataFrame, title: str, reconstructed: bool, columns: int = COLUMNS) -> alt.ConcatChart:
    """One `charts.strip_by_group` panel per molecule (log scale, every point, median tick).

    values: `molecules.values_by_group` (molecule, label, group, value in pg/mL, and optionally
    censored: a value below the detection limit, drawn at the limit and marked `CENSORED_NOTE`).
    """
    panels = []
    censored = values["censored"] if "censored" in values else pd.Series(False, index=values.index)
    for molecule_label in [m for m in MOLECULE_ORDER if m in set(values["label"])]:
        part = values.loc[values["label"] == molecule_label, ["group", "value"]].reset_index(drop=True)
        panel = clinical_charts.strip_by_group(part, molecule_label, MOLECULE_UNIT, reconstructed, log_scale=True)
        below = values.loc[(values["label"] == molecule_label) & censored, ["group", "value"]]
        if len(below):
            panel = panel + _limit_marks(below.drop_duplicates(), list(part["group"].unique()))
        panels.append(panel.properties(width=PANEL_WIDTH, height=PANEL_HEIGHT, title=panel_title(molecule_label)))
    notes = "Every value shown; black tick: median; log scale" + (f"; {CENSORED_NOTE}" if censored.any() else "")
    return alt.concat(*panels, columns=columns).properties(title=with_notes(title, reconstructed, notes))


# How a value below the detection limit is drawn: at the limit, with an open triangle.
CENSORED_NOTE = "open triangle: below the detection limit, drawn at the limit"


def _limit_marks(below: pd.DataFrame, groups: list[str]) -> SingleChart:
    """Open triangles at the detection limit of each group that has values below it."""
    return (
        alt.Chart(below)
        .mark_point(shape="triangle-down", filled=False, size=90, color="black", strokeWidth=1.5)
        .encode(
            x=alt.X("group:N", sort=groups),
            y=alt.Y("value:Q"),
            tooltip=[
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("value:Q", title="Below the limit", format=".4g"),
            ],
        )
    )


def ratio_forest(
    table: pd.DataFrame,
    title: str,
    x_title: str,
    reconstructed: bool,
    *,
    group: str | None = None,
    alpha: float = 0.05,
    confidence: float = 0.95,
) -> SingleChart:
    """Hodges-Lehmann ratio with its confidence interval per molecule, on a log axis, with a rule
    at 1 (no difference). Dark marks: adjusted p below `alpha`; grey: not.

    table: a `molecules.baseline_against_controls` or `paired_change` table (label, hl_ratio,
    hl_ratio_low, hl_ratio_high, p, p_adjusted, significant_adjusted; published columns if
    present). group: a column to separate rows of several tables (e.g. 'subset').
    """
    frame = table.copy()
    frame["significant after correction"] = frame["significant_adjusted"].map(
        lambda v: "n/a" if v is pd.NA else ("yes" if v else "no")
    )
    if "published" not in frame:
        frame["published"] = [
            "not listed" if not isinstance(d, str) else f"{d}, {'significant' if s is True else 'not significant'}"
            for d, s in zip(frame["published_direction"], frame["published_significant"])
        ]
    y = alt.Y("label:N", title=None, sort=MOLECULE_ORDER)
    tooltip = [alt.Tooltip("label:N", title="Molecule")]
    if group:
        tooltip.append(alt.Tooltip(f"{group}:N", title=group.capitalize()))
    tooltip += [
        alt.Tooltip("hl_ratio:Q", title="Ratio (Hodges-Lehmann)", format=".3g"),
        alt.Tooltip("hl_ratio_low:Q", title=f"{100 * confidence:g}% CI from", format=".3g"),
        alt.Tooltip("hl_ratio_high:Q", title=f"{100 * confidence:g}% CI to", format=".3g"),
        alt.Tooltip("p:Q", title="p_value", format=".2g"),
        alt.Tooltip("p_adjusted:Q", title="Adjusted p", format=".2g"),
        alt.Tooltip("published:N", title="Published"),
    ]
    colour = alt.Color(
        "significant after correction:N",
        title=f"Adjusted p < {alpha:g}",
        scale=alt.Scale(domain=list(SIGNIFICANCE_COLOURS), range=list(SIGNIFICANCE_COLOURS.values())),
    )
    encode = dict(y=y, tooltip=tooltip, color=colour)
    if group:
        encode["yOffset"] = alt.YOffset(f"{group}:N")
    # a log axis spanning the intervals (and 1), not whole decades
    low = min(float(frame["hl_ratio_ci_low"].min()), 1.0) / 1.1
    high = max(float(frame["hl_ratio_ci_high"].max()), 1.0) * 1.1
    x_scale = alt.Scale(type="log", domain=[low, high], nice=False)
    bars = (
        alt.Chart(frame)
        .mark_rule(strokeWidth=2)
        .encode(x=alt.X("hl_ratio_low:Q", title=x_title, scale=x_scale), x2="hl_ratio_high:Q", **encode)
    )
    shape = {"shape": alt.Shape(f"{group}:N", title=group.capitalize())} if group else {}
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, size=70, opacity=1)
        .encode(x=alt.X("hl_ratio:Q", scale=x_scale), **encode, **shape)
    )
    one = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="#444", strokeDash=[4, 3]).encode(x="x:Q")
    return alt.layer(one, bars, points).properties(
        width=WIDTH * 1.3,
        height=28 * frame["label"].nunique() * (2 if group else 1),
        title=with_notes(
            title, reconstructed, f"Point: Hodges-Lehmann ratio; bar: {100 * confidence:g}% confidence interval"
        ),
    )


# ----------------------------------------------------------------------------- change


def paired_grid(values: pd.DataFrame, title: str, reconstructed: bool, columns: int = COLUMNS) -> alt.ConcatChart:
    """One line per patient from baseline to month 12, per molecule, on a log axis, coloured by
    post-intervention status.

    values: `molecules.paired_values` (track, status, molecule, label, visit, value, ratio).
    """
    colour = alt.Color(
        "status:N",
        title="Post-intervention status",
        scale=status_scale(values["status"]),
        legend=alt.Legend(orient="top"),
    )
    panels = []
    for molecule_label in [m for m in MOLECULE_ORDER if m in set(values["label"])]:
        part = values[values["label"] == molecule_label].reset_index(drop=True)
        base = alt.Chart(part).encode(
            x=alt.X("visit:N", title=None, sort=["Baseline", "Month 12"], axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "value:Q", title=f"{molecule_label} ({MOLECULE_UNIT})", scale=log_scale(part["value"]), axis=LOG_AXIS
            ),
            detail="track:N",
            color=colour,
            tooltip=[
                alt.Tooltip("visit:N", title="Visit"),
                alt.Tooltip("value:Q", title=f"{molecule_label} ({MOLECULE_UNIT})", format=".4g"),
                alt.Tooltip("ratio:Q", title="Month 12 / baseline", format=".2f"),
                alt.Tooltip("status:N", title="Status"),
            ],
        )
        points = base.mark_circle(size=28, opacity=0.8)
        if "censored" in part and part["censored"].any():
            points = points + _limit_marks(
                part.loc[part["censored"], ["visit", "value"]].rename(columns={"visit": "group"}),
                ["Baseline", "Month 12"],
            )
        panels.append(
            (base.mark_line(opacity=0.4, strokeWidth=1.1) + points).properties(
                width=PANEL_WIDTH * 0.8, height=PANEL_HEIGHT, title=panel_title(molecule_label)
            )
        )
    censored = "censored" in values and bool(values["censored"].any())
    notes = "One line per patient; log scale" + (f"; {CENSORED_NOTE}" if censored else "")
    return alt.concat(*panels, columns=columns).properties(title=with_notes(title, reconstructed, notes))


def status_change_chart(
    ratios: pd.DataFrame, title: str, reconstructed: bool, columns: int = COLUMNS
) -> alt.FacetChart:
    """Each patient's month-12 / baseline ratio by post-intervention status, per molecule, on a
    log axis with a rule at 1 (no change) and a tick at each group's median.

    ratios: `molecules.log_ratios` (molecule, label, status, ratio, log_ratio).
    """
    statuses = [s for s in STATUS_COLOURS if s in set(ratios["status"])]
    y = alt.Y("ratio:Q", title="Month 12 / baseline (ratio)", scale=alt.Scale(type="log"))
    x = alt.X("status:N", title="Status", sort=statuses, axis=alt.Axis(labelAngle=0))
    points = (
        alt.Chart()
        .mark_circle(size=26, opacity=0.75)
        .encode(
            x=x,
            xOffset=alt.XOffset("jitter:Q"),
            y=y,
            color=alt.Color(
                "status:N",
                title="Post-intervention status",
                scale=status_scale(ratios["status"]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Molecule"),
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("ratio:Q", title="Month 12 / baseline", format=".2f"),
            ],
        )
        .transform_calculate(jitter="random()")
    )
    medians = (
        alt.Chart()
        .mark_tick(color="black", thickness=2, size=22)
        .encode(
            x=x,
            y=alt.Y("median(ratio):Q"),
            tooltip=[
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("median(ratio):Q", title="Median ratio", format=".2f"),
            ],
        )
    )
    # one rule per panel: aggregate the panel's rows to one before drawing it
    one = alt.Chart().transform_aggregate(n="count()").mark_rule(color="#444", strokeDash=[4, 3]).encode(y=alt.datum(1))
    return (
        alt.layer(one, points, medians, data=ratios)
        .properties(
            width=PANEL_WIDTH * 0.8,
            height=PANEL_HEIGHT,
        )
        .facet(facet=alt.Facet("label:N", title=None, sort=MOLECULE_ORDER), columns=columns)
        .properties(
            title=with_notes(title, reconstructed, "Below the dashed line: fell; black tick: group median; log scale")
        )
    )


# ----------------------------------------------------------------------------- correlations


# ----------------------------------------------------------------------------- between and within
