"""One visual language for every chapter's Altair charts.

Same colours for baseline, month 12 and controls everywhere; tooltips on every point; axis titles
with units; a subtitle saying the data are reconstructed (or whose data they are). Charts never
show patient codes: points are identified by their values only.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

VISIT_LABELS = {"baseline": "Baseline", "month_12": "Month 12", "control": "Healthy controls"}
VISIT_COLOURS = {"Baseline": "#4c72b0", "Month 12": "#dd8452", "Healthy controls": "#8c8c8c"}
STATUS_COLOURS = {"MM": "#2ca02c", "I": "#4c72b0", "U": "#8c8c8c", "W": "#d62728",
                  "CSR": "#17becf", "PR": "#9467bd", "E": "#e377c2", "D": "#000000"}
CHANGE_COLOURS = {"improved": "#2ca02c", "unchanged": "#8c8c8c", "worse": "#d62728"}
WIDTH = 320
HEIGHT = 260


def visit_scale() -> alt.Scale:
    return alt.Scale(domain=list(VISIT_COLOURS), range=list(VISIT_COLOURS.values()))


def status_scale(codes) -> alt.Scale:
    codes = [c for c in STATUS_COLOURS if c in set(codes)]
    return alt.Scale(domain=codes, range=[STATUS_COLOURS[c] for c in codes])


def data_note(reconstructed: bool) -> str:
    return "Reconstructed data, not patient data" if reconstructed else "Data supplied by the reader"


def titled(title: str, reconstructed: bool) -> alt.TitleParams:
    return alt.TitleParams(title, subtitle=[data_note(reconstructed)], anchor="start",
                           subtitleColor="#a33", subtitleFontStyle="italic")


def paired_slopes(paired: pd.DataFrame, label: str, unit: str, reconstructed: bool,
                  colour_by: str | None = None) -> alt.Chart:
    """One line per patient from baseline to month 12, jittered so equal pairs stay visible.

    paired: columns baseline, month_12 (and `colour_by` if given), one row per patient.
    """
    frame = paired.reset_index(drop=True).copy()
    frame["patient"] = np.arange(len(frame))
    frame["change"] = frame["month_12"] - frame["baseline"]
    long = frame.melt(id_vars=[c for c in ("patient", "change", colour_by) if c],
                      value_vars=["baseline", "month_12"], var_name="visit", value_name="value")
    long["visit"] = long["visit"].map(VISIT_LABELS)
    colour = (alt.Color(f"{colour_by}:N", title="Post-intervention status",
                        scale=status_scale(frame[colour_by]))
              if colour_by else alt.value("#777"))
    tooltip = [alt.Tooltip("visit:N", title="Visit"), alt.Tooltip("value:Q", title=f"{label} ({unit})"),
               alt.Tooltip("change:Q", title="Change")]
    if colour_by:
        tooltip.append(alt.Tooltip(f"{colour_by}:N", title="Status"))
    base = alt.Chart(long).encode(
        x=alt.X("visit:N", title=None, sort=list(VISIT_LABELS.values()), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=f"{label} ({unit})"),
        detail="patient:N", color=colour, tooltip=tooltip)
    lines = base.mark_line(opacity=0.45, strokeWidth=1.2)
    points = base.mark_circle(size=36, opacity=0.8)
    return (lines + points).properties(width=WIDTH * 0.7, height=HEIGHT,
                                       title=titled(f"{label}: each patient", reconstructed))


def change_distribution(changes: pd.DataFrame, label: str, unit: str, reconstructed: bool,
                        threshold: float | None = None) -> alt.Chart:
    """Dot histogram of per-patient change (month 12 minus baseline), with an optional MCID line.

    changes: one row per patient with a `change` column.
    """
    frame = changes.reset_index(drop=True).copy()
    frame["stack"] = frame.groupby("change").cumcount() + 1
    dots = alt.Chart(frame).mark_circle(size=60, opacity=0.85).encode(
        x=alt.X("change:Q", title=f"Change in {label}, month 12 minus baseline ({unit})"),
        y=alt.Y("stack:Q", title="Patients", axis=alt.Axis(tickMinStep=1)),
        color=alt.value(VISIT_COLOURS["Month 12"]),
        tooltip=[alt.Tooltip("change:Q", title=f"Change ({unit})"), alt.Tooltip("stack:Q", title="Patients at this change")])
    layers = [dots]
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#444").encode(x="x:Q")
    layers.append(zero)
    if threshold is not None:
        rule = alt.Chart(pd.DataFrame({"x": [threshold], "what": ["minimal clinically important improvement"]}))
        layers.append(rule.mark_rule(color=CHANGE_COLOURS["improved"], strokeDash=[4, 3]).encode(
            x="x:Q", tooltip=alt.Tooltip("what:N", title="Dashed line")))
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT * 0.7,
                                         title=titled(f"{label}: change per patient", reconstructed))


def strip_by_group(values: pd.DataFrame, label: str, unit: str, reconstructed: bool,
                   log_scale: bool = True) -> alt.Chart:
    """Every point by group (Baseline / Month 12 / Healthy controls) with the median as a tick.

    values: tidy frame with columns group (a VISIT_LABELS value) and value.
    """
    scale = alt.Scale(type="log") if log_scale else alt.Scale(zero=False)
    groups = [g for g in VISIT_COLOURS if g in set(values["group"])]
    points = alt.Chart(values).mark_circle(size=40, opacity=0.7).encode(
        x=alt.X("group:N", title=None, sort=groups, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("jitter:Q"),
        y=alt.Y("value:Q", title=f"{label} ({unit})", scale=scale),
        color=alt.Color("group:N", scale=visit_scale(), legend=None),
        tooltip=[alt.Tooltip("group:N", title="Group"), alt.Tooltip("value:Q", title=f"{label} ({unit})", format=".4g")],
    ).transform_calculate(jitter="random()")
    medians = alt.Chart(values).mark_tick(color="black", thickness=2, size=30).encode(
        x=alt.X("group:N", sort=groups), y=alt.Y("median(value):Q"),
        tooltip=[alt.Tooltip("group:N", title="Group"), alt.Tooltip("median(value):Q", title="Median", format=".4g")])
    return (points + medians).properties(width=WIDTH * 0.6, height=HEIGHT, title=titled(label, reconstructed))
