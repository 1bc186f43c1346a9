"""Altair charts of the cohort and clinical chapters (1-4), in the visual language of
`tacmg.presentation.palette`: paired slopes, change distributions, strips against a published
mean, the prednisone doses and the status intervals. Inputs are tidy frames without patient codes.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from tacmg.presentation.palette import (
    CHANGE_COLOURS,
    HEIGHT,
    VISIT_COLOURS,
    VISIT_LABELS,
    WIDTH,
    SingleChart,
    data_note,
    status_scale,
    titled,
    visit_scale,
)


def paired_slopes(
    paired: pd.DataFrame, label: str, unit: str, reconstructed: bool, colour_by: str | None = None
) -> SingleChart:
    """One line per patient from baseline to month 12, jittered so equal pairs stay visible.

    paired: columns baseline, month_12 (and `colour_by` if given), one row per patient.
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
    colour = (
        alt.Color(f"{colour_by}:N", title="Post-intervention status", scale=status_scale(frame[colour_by]))
        if colour_by
        else alt.value("#777")
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
    lines = base.mark_line(opacity=0.45, strokeWidth=1.2)
    points = base.mark_circle(size=36, opacity=0.8)
    return (lines + points).properties(
        width=WIDTH * 0.7, height=HEIGHT, title=titled(f"{label}: each patient", reconstructed)
    )


def change_distribution(
    changes: pd.DataFrame, label: str, unit: str, reconstructed: bool, threshold: float | None = None
) -> SingleChart:
    """Dot histogram of per-patient change (month 12 minus baseline), with an optional MCID line.

    changes: one row per patient with a `change` column.
    """
    frame = changes.reset_index(drop=True).copy()
    frame["stack"] = frame.groupby("change").cumcount() + 1
    dots = (
        alt.Chart(frame)
        .mark_circle(size=60, opacity=0.85)
        .encode(
            x=alt.X("change:Q", title=f"Change in {label}, month 12 minus baseline ({unit})"),
            y=alt.Y("stack:Q", title="Patients", axis=alt.Axis(tickMinStep=1)),
            color=alt.value(VISIT_COLOURS["Month 12"]),
            tooltip=[
                alt.Tooltip("change:Q", title=f"Change ({unit})"),
                alt.Tooltip("stack:Q", title="Patients at this change"),
            ],
        )
    )
    layers = [dots]
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#444").encode(x="x:Q")
    layers.append(zero)
    if threshold is not None:
        rule = alt.Chart(pd.DataFrame({"x": [threshold], "what": ["minimal clinically important improvement"]}))
        layers.append(
            rule.mark_rule(color=CHANGE_COLOURS["improved"], strokeDash=[4, 3]).encode(
                x="x:Q", tooltip=alt.Tooltip("what:N", title="Dashed line")
            )
        )
    return alt.layer(*layers).properties(
        width=WIDTH, height=HEIGHT * 0.7, title=titled(f"{label}: change per patient", reconstructed)
    )


def strip_by_group(
    values: pd.DataFrame, label: str, unit: str, reconstructed: bool, log_scale: bool = True
) -> SingleChart:
    """Every point by group (Baseline / Month 12 / Healthy controls) with the median as a tick.

    values: tidy frame with columns group (a VISIT_LABELS value) and value.
    """
    scale = alt.Scale(type="log") if log_scale else alt.Scale(zero=False)
    groups = [g for g in VISIT_COLOURS if g in set(values["group"])]
    points = (
        alt.Chart(values)
        .mark_circle(size=40, opacity=0.7)
        .encode(
            x=alt.X("group:N", title=None, sort=groups, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("jitter:Q"),
            y=alt.Y("value:Q", title=f"{label} ({unit})", scale=scale),
            color=alt.Color("group:N", scale=visit_scale(), legend=None),
            tooltip=[
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("value:Q", title=f"{label} ({unit})", format=".4g"),
            ],
        )
        .transform_calculate(jitter="random()")
    )
    medians = (
        alt.Chart(values)
        .mark_tick(color="black", thickness=2, size=30)
        .encode(
            x=alt.X("group:N", sort=groups),
            y=alt.Y("median(value):Q"),
            tooltip=[
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("median(value):Q", title="Median", format=".4g"),
            ],
        )
    )
    return (points + medians).properties(width=WIDTH * 0.6, height=HEIGHT, title=titled(label, reconstructed))


# ----------------------------------------------------------------------------- clinical chapters
# Builders for the cohort, clinical-score, prednisone and post-intervention-status chapters. They
# compose the builders above so that every chapter keeps the same colours and marks.

REFERENCE_DASH = {"Published mean": [5, 3], "Mean of this data": [1, 0]}
# The book's content column is about 720 px wide; a row of panels with axes and a legend must fit.
BOOK_PANEL_WIDTH = 260


def mean_against_published(
    values, label: str, unit: str, reconstructed: bool, published_mean: float | None = None, bin_width: float = 2.0
) -> SingleChart:
    """Dot histogram of one patient characteristic, with the published mean (dashed) and the
    mean of the data (solid) as vertical rules.

    values: the characteristic, one number per patient (a Series or array), in `unit`.
    """
    frame = pd.DataFrame({"value": np.asarray(values, float)})
    frame["low"] = np.floor(frame["value"] / bin_width) * bin_width
    frame["mid"] = frame["low"] + bin_width / 2
    frame["stack"] = frame.groupby("low").cumcount() + 1
    frame["in_bin"] = frame.groupby("low")["value"].transform("size")
    frame["range"] = [f"{lo:g} to {lo + bin_width:g} {unit}" for lo in frame["low"]]
    dots = (
        alt.Chart(frame)
        .mark_circle(size=70, opacity=0.85, color=VISIT_COLOURS["Baseline"])
        .encode(
            x=alt.X("mid:Q", title=f"{label} ({unit})", scale=alt.Scale(zero=False)),
            y=alt.Y("stack:Q", title="Patients", axis=alt.Axis(tickMinStep=1)),
            tooltip=[alt.Tooltip("range:N", title=label), alt.Tooltip("in_bin:Q", title="Patients in this range")],
        )
    )
    means = [{"what": "Mean of this data", "x": float(frame["value"].mean())}]
    if published_mean is not None:
        means.insert(0, {"what": "Published mean", "x": float(published_mean)})
    dash = {k: v for k, v in REFERENCE_DASH.items() if k in {m["what"] for m in means}}
    rules = (
        alt.Chart(pd.DataFrame(means))
        .mark_rule(color="#222", strokeWidth=1.6)
        .encode(
            x="x:Q",
            strokeDash=alt.StrokeDash(
                "what:N",
                title=None,
                legend=alt.Legend(orient="bottom"),
                scale=alt.Scale(domain=list(dash), range=list(dash.values())),
            ),
            tooltip=[alt.Tooltip("what:N", title="Line"), alt.Tooltip("x:Q", title=f"{label} ({unit})", format=".2f")],
        )
    )
    return alt.layer(dots, rules).properties(
        width=BOOK_PANEL_WIDTH, height=HEIGHT * 0.6, title=titled(label, reconstructed)
    )


def score_change_grid(
    panels: list[dict], reconstructed: bool, title: str = "Clinical scores before and after 12 months of tacrolimus"
) -> alt.VConcatChart:
    """One row per score: each patient's baseline and month-12 values (coloured by
    post-intervention status) beside the distribution of changes, with the MCID as a dashed line.

    panels: dicts with keys label, unit, paired (columns baseline, month_12,
    post_intervention_status; one row per patient) and mcid (points of improvement, or None).
    """
    rows = []
    for panel in panels:
        paired, label, unit = panel["paired"], panel["label"], panel["unit"]
        slopes = paired_slopes(paired, label, unit, reconstructed, colour_by="post_intervention_status")
        changes = pd.DataFrame({"change": paired["month_12"] - paired["baseline"]})
        mcid = panel.get("mcid")
        spread = change_distribution(changes, label, unit, reconstructed, threshold=-mcid if mcid is not None else None)
        rows.append(
            alt.hconcat(
                slopes.properties(title=f"{label}: each patient", width=BOOK_PANEL_WIDTH * 0.65),
                spread.properties(
                    title=f"{label}: change per patient" + ("" if mcid is not None else " (no MCID)"),
                    width=BOOK_PANEL_WIDTH,
                ),
            )
        )
    return alt.vconcat(*rows).properties(title=titled(title, reconstructed)).resolve_scale(color="shared")


def dose_chart(doses: pd.DataFrame, reconstructed: bool, unit: str = "mg/day") -> alt.VConcatChart:
    """Prednisone doses: the doses of each visit with their medians beside each patient's baseline
    and month-12 dose, and below them the change per patient.

    doses: tidy, one row per patient and visit, columns patient, visit ('Baseline' / 'Month 12'),
    dose_mg_day, post_intervention_status (as `clinical.prednisone_taper(...).doses`).
    """
    wide = doses.pivot(index="patient", columns="visit", values="dose_mg_day").rename(
        columns={VISIT_LABELS["baseline"]: "baseline", VISIT_LABELS["month_12"]: "month_12"}
    )
    status = doses.drop_duplicates("patient").set_index("patient")["post_intervention_status"]
    wide = wide.assign(post_intervention_status=status.reindex(wide.index)).reset_index(drop=True)
    slopes = paired_slopes(wide, "Prednisone", unit, reconstructed, colour_by="post_intervention_status")
    strip = strip_by_group(
        doses.rename(columns={"visit": "group", "dose_mg_day": "value"})[["group", "value"]],
        "Prednisone",
        unit,
        reconstructed,
        log_scale=False,
    )
    changes = change_distribution(
        pd.DataFrame({"change": wide["month_12"] - wide["baseline"]}), "prednisone dose", unit, reconstructed
    )
    return (
        alt.vconcat(
            alt.hconcat(
                strip.properties(title="Doses at each visit (tick: median)", width=BOOK_PANEL_WIDTH * 0.6),
                slopes.properties(title="Each patient", width=BOOK_PANEL_WIDTH * 0.6),
            ).resolve_scale(color="independent"),
            changes.properties(title="Change per patient", width=BOOK_PANEL_WIDTH * 1.4),
        )
        .properties(title=titled("Daily prednisone dose before and after 12 months of tacrolimus", reconstructed))
        .resolve_scale(color="independent")
    )  # visit colours in one panel, status colours in the other


def status_intervals(table: pd.DataFrame, reconstructed: bool) -> SingleChart:
    """Share of patients in each MGFA post-intervention status, with its confidence interval.

    table: as `clinical.status_counts` (status, meaning, count, n, share, share_ci_low, share_ci_high,
    confidence), in the order the statuses should be listed.
    """
    frame = table.copy()
    frame["status_label"] = [f"{s}: {m}" for s, m in zip(frame["status"], frame["meaning"])]
    for column in ("share", "share_ci_low", "share_ci_high"):
        frame[f"{column}_pct"] = 100 * frame[column]
    frame["count_text"] = [f"{c}/{n}" for c, n in zip(frame["count"], frame["n"])]
    level = f"{100 * float(frame['confidence'].iloc[0]):g}%"
    order = list(frame["status_label"])
    y = alt.Y("status_label:N", title="MGFA post-intervention status at month 12", sort=order)
    tooltip = [
        alt.Tooltip("status_label:N", title="Status"),
        alt.Tooltip("count_text:N", title="Patients"),
        alt.Tooltip("share_pct:Q", title="Share (%)", format=".1f"),
        alt.Tooltip("ci_low_pct:Q", title=f"{level} CI from (%)", format=".1f"),
        alt.Tooltip("ci_high_pct:Q", title=f"{level} CI to (%)", format=".1f"),
    ]
    base = alt.Chart(frame)
    bars = base.mark_bar(height=16, opacity=0.85).encode(
        x=alt.X(
            "share_pct:Q", title=f"Share of patients (%), with exact {level} interval", scale=alt.Scale(domain=[0, 100])
        ),
        y=y,
        color=alt.Color("status:N", scale=status_scale(frame["status"]), legend=None),
        tooltip=tooltip,
    )
    whiskers = base.mark_errorbar(ticks=True, color="#222").encode(
        x=alt.X("ci_low_pct:Q", title=""), x2="ci_high_pct:Q", y=y, tooltip=tooltip
    )
    counts = base.mark_text(align="left", dx=5, fontSize=11).encode(
        x="ci_high_pct:Q", y=y, text="count_text:N", tooltip=tooltip
    )
    return alt.layer(bars, whiskers, counts).properties(
        width=BOOK_PANEL_WIDTH * 1.5,
        height=28 * len(frame),
        title=titled("Post-intervention status after 12 months of tacrolimus", reconstructed),
    )


def share_arithmetic_chart(
    table: pd.DataFrame, published_percent: float, reconstructed: bool | None = None
) -> SingleChart:
    """Which count k of d patients gives a published percentage: one point per k/d, the band of
    percentages that round to the published one, and a ring around the count in the data.

    table: as `clinical.share_arithmetic`. The points are arithmetic, not data; only the ring
    comes from data, so the data note is added when `reconstructed` is given and a count is ringed.
    """
    frame = table.copy()
    frame["fraction"] = [f"{k}/{d}" for k, d in zip(frame["count"], frame["denominator"])]
    frame["rounds"] = np.where(
        frame["rounds_to_published"], f"rounds to {published_percent:g}%", f"does not round to {published_percent:g}%"
    )
    band = (
        alt.Chart(
            pd.DataFrame(
                {
                    "low": [published_percent - 0.5],
                    "high": [published_percent + 0.5],
                    "what": [f"percentages that round to {published_percent:g}%"],
                }
            )
        )
        .mark_rect(color=CHANGE_COLOURS["improved"], opacity=0.15)
        .encode(x="low:Q", x2="high:Q", tooltip=alt.Tooltip("what:N", title="Band"))
    )
    y = alt.Y("denominator:O", title="Patients counted (denominator)", sort="descending")
    tooltip = [
        alt.Tooltip("fraction:N", title="Count"),
        alt.Tooltip("percent_1dp:Q", title="Percent", format=".1f"),
        alt.Tooltip("rounds:N", title="Whole percent"),
    ]
    points = (
        alt.Chart(frame)
        .mark_circle(size=90)
        .encode(
            x=alt.X("percent:Q", title="Percent of patients", scale=alt.Scale(zero=False)),
            y=y,
            color=alt.Color(
                "rounds:N",
                title=None,
                scale=alt.Scale(
                    domain=[f"rounds to {published_percent:g}%", f"does not round to {published_percent:g}%"],
                    range=[CHANGE_COLOURS["improved"], CHANGE_COLOURS["unchanged"]],
                ),
            ),
            tooltip=tooltip,
        )
    )
    labels = alt.Chart(frame).mark_text(dy=-12, fontSize=10).encode(x="percent:Q", y=y, text="fraction:N")
    layers = [band, points, labels]
    subtitle = ["Arithmetic: k of d patients, in percent"]
    if frame["in_data"].any():
        if reconstructed is not None:
            subtitle.append(f"Ringed: the count in the data. {data_note(reconstructed)}")
        ring = (
            alt.Chart(frame[frame["in_data"]].assign(what="the count in this data"))
            .mark_point(size=300, shape="circle", filled=False, color="#222", strokeWidth=1.5)
            .encode(x="percent:Q", y=y, tooltip=[alt.Tooltip("what:N", title="Ring"), *tooltip])
        )
        layers.append(ring)
    return alt.layer(*layers).properties(
        width=BOOK_PANEL_WIDTH * 1.5,
        height=40 * frame["denominator"].nunique(),
        title=alt.TitleParams("Whole counts of patients near the published share", subtitle=subtitle, anchor="start"),
    )
