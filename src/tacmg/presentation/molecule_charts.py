"""Altair charts of the molecule chapters, in the visual language of `tacmg.presentation.palette`.

Same colours for Baseline / Month 12 / Healthy controls and for post-intervention statuses, every
point shown with a tooltip, concentrations on a log axis titled with pg/mL, and a subtitle saying
whose data these are (`titled`). Inputs are the tidy frames of `tacmg.molecules`; none
carries a patient code, so no chart can show one (patients are anonymous `track` numbers, used
only to draw each patient's line and never put in a tooltip).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from tacmg.data.contract import MOLECULE_UNIT, MOLECULES
from tacmg.presentation.chart_parts import STATUS_TITLE, strip_by_group
from tacmg.presentation.palette import (
    CRITERION_COLOURS,
    LOG_AXIS,
    NEUTRALS,
    STATUS_COLOURS,
    WIDTH,
    SingleChart,
    chart_rows,
    legend,
    listing,
    log_scale,
    notes_of,
    number,
    panel_title,
    status_legend,
    status_scale,
    with_notes,
)

PANEL_WIDTH = 140
PANEL_HEIGHT = 160
COLUMNS = 3
BOOK_WIDTH = 250  # a panel when two sit side by side in the book's text column
MOLECULE_ORDER = list(MOLECULES.values())
# dark: adjusted p below the level; grey: not, or not computable
SIGNIFICANCE_COLOURS = {"yes": CRITERION_COLOURS["yes"], "no": CRITERION_COLOURS["no"], "n/a": NEUTRALS["band"]}


# ----------------------------------------------------------------------------- distributions


def strip_grid(values: pd.DataFrame, title: str, reconstructed: bool, columns: int = COLUMNS) -> alt.ConcatChart:
    """One `charts.strip_by_group` panel per molecule (log scale, every point, median tick).

    values: `molecules.values_by_group` (molecule, label, group, value in pg/mL, and optionally
    censored: a value below the detection limit, drawn at the limit and marked `CENSORED_NOTE`).
    """
    panels, sampled = [], []
    censored = values["censored"] if "censored" in values else pd.Series(False, index=values.index)
    for molecule_label in [m for m in MOLECULE_ORDER if m in set(values["label"])]:
        part = values.loc[values["label"] == molecule_label, ["group", "value"]].reset_index(drop=True)
        panel = strip_by_group(part, molecule_label, MOLECULE_UNIT, reconstructed, log_scale=True)
        sampled += notes_of(panel)
        below = values.loc[(values["label"] == molecule_label) & censored, ["group", "value"]]
        if len(below):
            panel = panel + _limit_marks(below.drop_duplicates(), list(part["group"].unique()))
        panels.append(panel.properties(width=PANEL_WIDTH, height=PANEL_HEIGHT, title=panel_title(molecule_label)))
    groups = [g for g in ("Baseline", "Month 12", "Healthy controls") if g in set(values["group"])]
    medians = values.groupby(["label", "group"])["value"].median()
    description = (
        f"Strip charts of every value of {len(panels)} molecules ({MOLECULE_UNIT}, log scale) in "
        f"{listing(g.lower() for g in groups)}, each with its median. "
        f"Medians ({' and '.join(g.lower() for g in groups)}): "
        + "; ".join(
            f"{m} " + " and ".join(number(medians[m, g]) for g in groups)
            for m in MOLECULE_ORDER
            if m in set(values["label"])
        )
        + "."
    )
    shown = "Every value shown" if not sampled else "Values sampled (below)"
    notes = f"{shown}; black tick: median; log scale" + (f"; {CENSORED_NOTE}" if censored.any() else "")
    return alt.concat(*panels, columns=columns).properties(
        title=with_notes(title, reconstructed, notes, *dict.fromkeys(sampled)),
        description=description,
    )


# How a value below the detection limit is drawn: at the limit, with an open triangle.
CENSORED_NOTE = "open triangle: below the detection limit, drawn at the limit"


def _limit_marks(below: pd.DataFrame, groups: list[str]) -> SingleChart:
    """Open triangles at the detection limit of each group that has values below it."""
    return (
        alt.Chart(below)
        .mark_point(shape="triangle-down", filled=False, size=90, color=NEUTRALS["ink"], strokeWidth=1.5)
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
    hl_ratio_ci_low, hl_ratio_ci_high, p_value, p_value_adjusted, significant_adjusted; published columns if
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
        alt.Tooltip("hl_ratio_ci_low:Q", title=f"{100 * confidence:g}% CI from", format=".3g"),
        alt.Tooltip("hl_ratio_ci_high:Q", title=f"{100 * confidence:g}% CI to", format=".3g"),
        alt.Tooltip("p_value:Q", title="p_value", format=".2g"),
        alt.Tooltip("p_value_adjusted:Q", title="Adjusted p", format=".2g"),
        alt.Tooltip("published:N", title="Published"),
    ]
    shown = [k for k in SIGNIFICANCE_COLOURS if k in set(frame["significant after correction"])]
    colour = alt.Color(
        "significant after correction:N",
        scale=alt.Scale(domain=shown, range=[SIGNIFICANCE_COLOURS[k] for k in shown]),
        legend=legend(f"Adjusted p < {alpha:g}"),
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
        .encode(x=alt.X("hl_ratio_ci_low:Q", title=x_title, scale=x_scale), x2="hl_ratio_ci_high:Q", **encode)
    )
    shape = {"shape": alt.Shape(f"{group}:N", legend=legend(group.capitalize()))} if group else {}
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, size=70, opacity=1)
        .encode(x=alt.X("hl_ratio:Q", scale=x_scale), **encode, **shape)
    )
    one = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color=NEUTRALS["rule"], strokeDash=[4, 3]).encode(x="x:Q")
    rows = [
        f"{r.label}{f' ({getattr(r, group)})' if group else ''} {number(r.hl_ratio)} "
        f"({number(r.hl_ratio_ci_low)} to {number(r.hl_ratio_ci_high)})"
        for r in frame.itertuples()
    ]
    description = (
        f"Forest plot of the Hodges-Lehmann ratio ({x_title.lower()}) with its {100 * confidence:g}% interval, "
        f"log scale, dashed line at 1 (no difference): {'; '.join(rows)}. "
        f"{int((frame['significant after correction'] == 'yes').sum())} of {len(frame)} rows have an adjusted p "
        f"below {alpha:g} (dark)."
    )
    return alt.layer(one, bars, points).properties(
        description=description,
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
    colour = alt.Color("status:N", scale=status_scale(values["status"]), legend=status_legend(STATUS_TITLE, "top"))
    panels, sampled = [], []
    for molecule_label in [m for m in MOLECULE_ORDER if m in set(values["label"])]:
        part, sample_note = chart_rows(values[values["label"] == molecule_label], "track", what="patients' lines")
        part = part.reset_index(drop=True)
        sampled += sample_note
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
    statuses = [s for s in STATUS_COLOURS if s in set(values["status"])]
    ratios = values.drop_duplicates(["track", "label"]).groupby("label")["ratio"].median()
    description = (
        f"Each patient's two measurements of {len(panels)} molecules ({MOLECULE_UNIT}, log scale), one line per "
        f"patient from baseline to month 12, coloured by post-intervention status ({listing(statuses)}). Median "
        "month-12 / baseline ratio: "
        + "; ".join(f"{m} {number(ratios[m])}" for m in MOLECULE_ORDER if m in ratios)
        + "."
    )
    censored = "censored" in values and bool(values["censored"].any())
    notes = "One line per patient; log scale" + (f"; {CENSORED_NOTE}" if censored else "")
    return alt.concat(*panels, columns=columns).properties(
        title=with_notes(title, reconstructed, notes, *dict.fromkeys(sampled)), description=description
    )


def status_change_chart(
    ratios: pd.DataFrame, title: str, reconstructed: bool, columns: int = COLUMNS
) -> alt.FacetChart:
    """Each patient's month-12 / baseline ratio by post-intervention status, per molecule, on a
    log axis with a rule at 1 (no change) and a tick at each group's median.

    ratios: `molecules.log_ratios` (molecule, label, status, ratio, log_ratio).
    """
    statuses = [s for s in STATUS_COLOURS if s in set(ratios["status"])]
    shown, sampled = chart_rows(ratios, what="values")
    data = shown
    median = "median(ratio)"
    if sampled:  # a sample's medians are not the data's: the medians of every value ride along as rows of their own
        medians_of_all = ratios.groupby(["label", "status"], as_index=False)["ratio"].median()
        data = pd.concat([shown.assign(kind="value"), medians_of_all.assign(kind="median")], ignore_index=True)
        median = "ratio"
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
                "status:N", scale=status_scale(ratios["status"]), legend=status_legend(STATUS_TITLE, "top")
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
        .mark_tick(color=NEUTRALS["ink"], thickness=2, size=22)
        .encode(
            x=x,
            y=alt.Y(f"{median}:Q"),
            tooltip=[
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip(f"{median}:Q", title="Median ratio", format=".2f"),
            ],
        )
    )
    if sampled:
        points = points.transform_filter(alt.datum.kind == "value")
        medians = medians.transform_filter(alt.datum.kind == "median")
    # one rule per panel: aggregate the panel's rows to one before drawing it
    one = (
        alt.Chart()
        .transform_aggregate(n="count()")
        .mark_rule(color=NEUTRALS["rule"], strokeDash=[4, 3])
        .encode(y=alt.datum(1))
    )
    median_ratio = ratios.groupby(["label", "status"])["ratio"].median()
    description = (
        f"Each patient's month-12 / baseline ratio of {ratios['label'].nunique()} molecules by post-intervention "
        f"status ({listing(statuses)}), log scale, dashed line at 1 (no change). Median ratio by status: "
        + "; ".join(
            f"{m} " + ", ".join(f"{s} {number(median_ratio[m, s])}" for s in statuses if (m, s) in median_ratio)
            for m in MOLECULE_ORDER
            if m in set(ratios["label"])
        )
        + "."
    )
    return (
        alt.layer(one, points, medians, data=data)
        .properties(
            width=PANEL_WIDTH * 0.8,
            height=PANEL_HEIGHT,
        )
        .facet(facet=alt.Facet("label:N", title=None, sort=MOLECULE_ORDER), columns=columns)
        .properties(
            title=with_notes(
                title, reconstructed, "Below the dashed line: fell; black tick: group median; log scale", *sampled
            ),
            description=description,
        )
    )


# ----------------------------------------------------------------------------- correlations


# ----------------------------------------------------------------------------- between and within
