"""The building blocks the chapters' charts share, in the visual language of
`tacmg.presentation.palette`: each patient's two visits joined by a line, a dot plot of changes,
and every value of a group beside its median. Inputs are tidy frames without patient codes.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from tacmg.presentation.chart_theme import MIN_FONT_PX
from tacmg.presentation.palette import (
    CHANGE_SHAPES,
    HEIGHT,
    NEUTRALS,
    VISIT_COLOURS,
    VISIT_LABELS,
    WIDTH,
    SingleChart,
    chart_rows,
    direction,
    legend,
    number,
    status_legend,
    status_scale,
    visit_scale,
    with_notes,
)

STATUS_TITLE = "Post-intervention status"


def paired_slopes(
    paired: pd.DataFrame, label: str, unit: str, reconstructed: bool, colour_by: str | None = None
) -> SingleChart:
    """One line per patient from baseline to month 12 (coloured by status when `colour_by` names
    the status column), each visit a point.

    paired: columns baseline, month_12 (and `colour_by` if given), one row per patient.

    Examples
    --------
    >>> paired = pd.DataFrame({"baseline": [10, 8], "month_12": [6, 8], "status": ["MM", "U"]})
    >>> chart = paired_slopes(paired, "QMG", "points", True, colour_by="status")
    >>> chart.to_dict()["layer"][0]["encoding"]["color"]["scale"]
    {'domain': ['MM', 'U'], 'range': ['#009E73', '#000000']}
    """
    frame = paired.reset_index(drop=True).copy()
    frame["patient"] = np.arange(len(frame))
    frame["change"] = frame["month_12"] - frame["baseline"]
    long = frame.melt(
        id_vars=[c for c in ("patient", "change", colour_by) if c],
        value_vars=["baseline", "month_12"],
        var_name="visit",
        value_name="value",
    )
    long["visit"] = long["visit"].map(VISIT_LABELS)
    long, notes = chart_rows(long, "patient", what="patients' lines")
    colour = (
        alt.Color(f"{colour_by}:N", scale=status_scale(frame[colour_by]), legend=status_legend(STATUS_TITLE))
        if colour_by
        else alt.value(NEUTRALS["rule"])
    )
    tooltip = [
        alt.Tooltip("visit:N", title="Visit"),
        alt.Tooltip("value:Q", title=f"{label} ({unit})"),
        alt.Tooltip("change:Q", title="Change"),
    ]
    if colour_by:
        tooltip.append(alt.Tooltip(f"{colour_by}:N", title="Status"))
    base = alt.Chart(long).encode(
        x=alt.X("visit:N", title=None, sort=list(VISIT_LABELS.values()), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=f"{label} ({unit})"),
        detail="patient:N",
        color=colour,
        tooltip=tooltip,
    )
    lines = base.mark_line(opacity=0.5, strokeWidth=1.2)
    points = base.mark_circle(size=36, opacity=0.85)
    return (lines + points).properties(
        width=WIDTH * 0.7, height=HEIGHT, title=with_notes(f"{label}: each patient", reconstructed, *notes)
    )


def dot_stacks(values, resolution: float) -> np.ndarray:
    """The height (1, 2, ...) of each value in a dot plot whose dots keep their exact position:
    values closer than `resolution` to the first value of their stack are drawn above it, so no
    dot hides another.

    Examples
    --------
    >>> dot_stacks([0, 0.5, -2, 0, 3], resolution=1).tolist()
    [1, 3, 1, 2, 1]
    """
    values = np.asarray(values, float)
    order = np.argsort(values, kind="stable")
    heights = np.zeros(len(values), int)
    start, height = None, 0
    for i in order:
        if start is None or values[i] - start >= resolution:
            start, height = values[i], 0
        height += 1
        heights[i] = height
    return heights


def direction_counts(changes) -> str:
    """How many changes fell, stayed and rose, for alternative text.

    Examples
    --------
    >>> direction_counts([-1, -2, 0, 0.5])
    '2 fell, 1 did not change and 1 rose (by 0.5)'
    """
    changes = pd.Series(changes, dtype=float)
    rose = changes[changes > 0]
    if rose.nunique() == 1:
        rose_text = f"{len(rose)} rose ({'each ' if len(rose) > 1 else ''}by {number(rose.iloc[0])})"
    else:
        rose_text = f"{len(rose)} rose" + (f" (by {listing_numbers(rose)})" if 0 < len(rose) <= 3 else "")
    return f"{int((changes < 0).sum())} fell, {int((changes == 0).sum())} did not change and {rose_text}"


def listing_numbers(values) -> str:
    """Numbers for a sentence, in order: '0.5', '1 and 2', '1, 2 and 3'.

    Examples
    --------
    >>> listing_numbers([2, 0.5])
    '0.5 and 2'
    """
    texts = [number(v) for v in sorted(values)]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def change_distribution(
    changes: pd.DataFrame, label: str, unit: str, reconstructed: bool, threshold: float | None = None
) -> SingleChart:
    """Dot plot of per-patient change (month 12 minus baseline): every patient a dot at their exact
    change, shaped by direction (fell, no change, rose), stacked where dots would overlap; a rule
    at zero and, when given, a dashed rule at the minimal clinically important improvement.

    changes: one row per patient with a `change` column.

    Examples
    --------
    >>> chart = change_distribution(pd.DataFrame({"change": [-50, 0, 0.5]}), "Dose", "mg/day", True)
    >>> [rows] = [d for d in chart.to_dict()["datasets"].values() if "stack" in d[0]]
    >>> [(row["change"], row["stack"], row["direction"]) for row in rows]  # 0.5 sits on top of 0
    [(-50.0, 1, 'fell'), (0.0, 1, 'no change'), (0.5, 2, 'rose')]
    """
    frame, notes = chart_rows(changes.reset_index(drop=True), what="patients' changes")
    frame = frame.copy()
    span = max(float(frame["change"].max() - frame["change"].min()), 1.0)
    frame["stack"] = dot_stacks(frame["change"], resolution=span / 35)
    frame["direction"] = direction(frame["change"])
    dots = (
        alt.Chart(frame)
        .mark_point(size=55, opacity=0.85, filled=True, color=NEUTRALS["ink"])
        .encode(
            x=alt.X("change:Q", title=f"Change in {label}, month 12 minus baseline ({unit})"),
            y=alt.Y("stack:Q", title="Patients", axis=alt.Axis(tickMinStep=1)),
            shape=alt.Shape(
                "direction:N",
                scale=alt.Scale(domain=list(CHANGE_SHAPES), range=list(CHANGE_SHAPES.values())),
                legend=legend("Change"),
            ),
            tooltip=[
                alt.Tooltip("change:Q", title=f"Change ({unit})"),
                alt.Tooltip("direction:N", title="Direction"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color=NEUTRALS["rule"]).encode(x="x:Q")
    layers = [zero, dots]
    if threshold is not None:
        rule = alt.Chart(pd.DataFrame({"x": [threshold], "what": ["MCID"]}))
        tip = alt.Tooltip("what:N", title="Dashed line: minimal clinically important improvement")
        layers.append(rule.mark_rule(color=NEUTRALS["rule"], strokeDash=[4, 3]).encode(x="x:Q", tooltip=tip))
        layers.append(
            rule.mark_text(
                align="right", baseline="top", dx=-3, y=2, fontSize=MIN_FONT_PX, color=NEUTRALS["rule"]
            ).encode(x="x:Q", text="what:N", tooltip=tip)
        )
    return alt.layer(*layers).properties(
        width=WIDTH, height=HEIGHT * 0.7, title=with_notes(f"{label}: change per patient", reconstructed, *notes)
    )


def strip_by_group(
    values: pd.DataFrame, label: str, unit: str, reconstructed: bool, log_scale: bool = True
) -> SingleChart:
    """Every point by group (Baseline / Month 12 / Healthy controls) with the median as a tick; the
    colours are the visits' (the x axis names the groups, so it is their legend).

    values: tidy frame with columns group (a VISIT_LABELS value) and value.

    Examples
    --------
    >>> values = pd.DataFrame({"group": ["Baseline", "Healthy controls"], "value": [2.0, 1.0]})
    >>> strip_by_group(values, "sPD-1", "pg/mL", True).to_dict()["layer"][0]["encoding"]["color"]["scale"]["range"]
    ['#0072B2', '#999999']
    """
    scale = alt.Scale(type="log") if log_scale else alt.Scale(zero=False)
    groups = [g for g in VISIT_COLOURS if g in set(values["group"])]
    shown, notes = chart_rows(values, what="values")
    points = (
        alt.Chart(shown)
        .mark_circle(size=40, opacity=0.75)
        .encode(
            x=alt.X("group:N", title=None, sort=groups, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("jitter:Q"),
            y=alt.Y("value:Q", title=f"{label} ({unit})", scale=scale),
            color=alt.Color("group:N", scale=visit_scale(groups), legend=None),
            tooltip=[
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("value:Q", title=f"{label} ({unit})", format=".4g"),
            ],
        )
        .transform_calculate(jitter="random()")
    )
    # a sample's median is not the data's: a sampled chart is given the medians of every value
    median_data = values if not notes else values.groupby("group", as_index=False)["value"].median()
    median = "median(value)" if not notes else "value"
    medians = (
        alt.Chart(median_data)
        .mark_tick(color=NEUTRALS["ink"], thickness=2, size=30)
        .encode(
            x=alt.X("group:N", sort=groups),
            y=alt.Y(f"{median}:Q"),
            tooltip=[
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip(f"{median}:Q", title="Median", format=".4g"),
            ],
        )
    )
    return (points + medians).properties(
        width=WIDTH * 0.6, height=HEIGHT, title=with_notes(label, reconstructed, *notes)
    )


def side_by_side(*charts: SingleChart) -> alt.HConcatChart:
    """Charts in one row, with their alternative texts (Vega-Lite ``description``) joined.

    Examples
    --------
    >>> a = alt.Chart().mark_point().properties(description="First.")
    >>> b = alt.Chart().mark_point().properties(description="Second.")
    >>> side_by_side(a, b).to_dict()["description"]
    'First. Second.'
    """
    texts = [t for t in (getattr(c, "description", None) for c in charts) if isinstance(t, str)]
    return alt.hconcat(*charts).properties(description=" ".join(texts))
