"""Altair charts of the cohort and clinical chapters (1-4), in the visual language of
`tacmg.presentation.palette`: strips against a published mean, the scores' paired slopes and
changes, the prednisone doses, the status intervals and the arithmetic of a published share.
Inputs are tidy frames without patient codes. Every chart carries alternative text (Vega-Lite's
``description``, the SVG's aria-label) written from its data.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from tacmg.presentation.chart_parts import (
    STATUS_TITLE,
    change_distribution,
    direction_counts,
    paired_slopes,
    side_by_side,
    strip_by_group,
)
from tacmg.presentation.chart_theme import MIN_FONT_PX
from tacmg.presentation.palette import (
    HEIGHT,
    NEUTRALS,
    STATUS_COLOURS,
    VISIT_COLOURS,
    VISIT_LABELS,
    SingleChart,
    chart_rows,
    criterion_scale,
    data_note,
    legend,
    listing,
    notes_of,
    number,
    titled,
    with_notes,
)

__all__ = [
    "change_distribution",
    "dose_chart",
    "mean_against_published",
    "paired_slopes",
    "score_change_grid",
    "share_arithmetic_chart",
    "side_by_side",
    "status_intervals",
    "strip_by_group",
]

# Dashed on top for the published mean, a wide solid light line under it for the data's mean,
# so that the two stay visible when they coincide (as a mean the data were built to meet does).
REFERENCE_LINES: dict[str, dict[str, Any]] = {
    "Published mean": {"color": NEUTRALS["ink"], "dash": [5, 3], "width": 2},
    "Mean of this data": {"color": NEUTRALS["muted"], "dash": [1, 0], "width": 5},
}
# The book's content column is about 720 px wide; a row of panels with axes and a legend must fit.
BOOK_PANEL_WIDTH = 260


def mean_against_published(
    values, label: str, unit: str, reconstructed: bool, published_mean: float | None = None, bin_width: float = 2.0
) -> SingleChart:
    """Dot histogram of one patient characteristic, with the mean of the data (wide, solid) and
    the published mean (dashed, drawn on top), each labelled with its value.

    values: the characteristic, one number per patient (a Series or array), in `unit`.

    Examples
    --------
    >>> chart = mean_against_published([30, 34, 41], "Age at onset", "years", True, published_mean=37.8)
    >>> chart.to_dict()["description"].split(". ")[1]
    'Wide solid line: the mean of this data, 35 years; dashed line: the published mean, 37.8 years.'
    """
    every = pd.DataFrame({"value": np.asarray(values, float)})
    every["low"] = np.floor(every["value"] / bin_width) * bin_width
    every["mid"] = every["low"] + bin_width / 2
    frame, notes = chart_rows(every)
    frame = frame.copy()
    frame["stack"] = frame.groupby("low").cumcount() + 1
    frame["in_bin"] = frame["low"].map(every.groupby("low").size())  # of every patient, not the sample's
    frame["range"] = [f"{lo:g} to {lo + bin_width:g} {unit}" for lo in frame["low"]]
    top = int(frame["stack"].max()) + 1.6
    dots = (
        alt.Chart(frame)
        .mark_circle(size=70, opacity=0.85, color=VISIT_COLOURS["Baseline"])
        .encode(
            x=alt.X("mid:Q", title=f"{label} ({unit})", scale=alt.Scale(zero=False)),
            y=alt.Y("stack:Q", title="Patients", axis=alt.Axis(tickMinStep=1), scale=alt.Scale(domain=[0, top])),
            tooltip=[alt.Tooltip("range:N", title=label), alt.Tooltip("in_bin:Q", title="Patients in this range")],
        )
    )
    data_mean = float(every["value"].mean())
    means = pd.DataFrame({"what": ["Mean of this data"], "x": [data_mean], "label": [f"data {number(data_mean)}"]})
    if published_mean is not None:
        published = {"what": "Published mean", "x": float(published_mean), "label": f"published {published_mean:g}"}
        means = pd.concat([means, pd.DataFrame([published])], ignore_index=True)
    lines = {str(what): REFERENCE_LINES[str(what)] for what in means["what"]}
    # the lower of the two means is labelled to its left, the higher to its right
    lower = means["x"] == means["x"].min()
    means["align"] = np.where(lower & (len(means) > 1), "right", "left")
    colours = alt.Scale(domain=list(lines), range=[str(s["color"]) for s in lines.values()])
    dashes = alt.Scale(domain=list(lines), range=[list(s["dash"]) for s in lines.values()])
    reference = alt.Chart(means).encode(x="x:Q")
    tooltip = [alt.Tooltip("what:N", title="Line"), alt.Tooltip("x:Q", title=f"{label} ({unit})", format=".2f")]
    rules = [
        reference.transform_filter(alt.datum.what == what)
        .mark_rule(strokeWidth=float(spec["width"]))
        .encode(
            color=alt.Color("what:N", scale=colours, legend=legend(None, "bottom")),
            strokeDash=alt.StrokeDash("what:N", scale=dashes, legend=legend(None, "bottom")),
            tooltip=tooltip,
        )
        for what, spec in lines.items()  # published last: on top
    ]
    texts = [
        reference.transform_filter(alt.datum.align == side)
        .mark_text(align=side, dx=4 if side == "left" else -4, fontSize=MIN_FONT_PX, color=NEUTRALS["ink"])
        .encode(y=alt.datum(top - 0.3), text="label:N", tooltip=tooltip)
        for side in sorted(set(means["align"]))  # a layer with no rows would warn of an empty extent
    ]
    description = (
        f"Dot histogram of {label.lower()} for {len(every)} patients in bins {bin_width:g} wide ({unit}), from "
        f"{number(every['value'].min())} to {number(every['value'].max())} {unit}. Wide solid line: the mean of "
        f"this data, {number(data_mean)} {unit}"
        + (f"; dashed line: the published mean, {published_mean:g} {unit}." if published_mean is not None else ".")
    )
    return alt.layer(dots, *rules, *texts).properties(
        width=BOOK_PANEL_WIDTH,
        height=HEIGHT * 0.6,
        title=with_notes(label, reconstructed, *notes),
        description=description,
    )


def score_change_grid(
    panels: list[dict], reconstructed: bool, title: str = "Clinical scores before and after 12 months of tacrolimus"
) -> alt.VConcatChart:
    """One row per score: each patient's baseline and month-12 values (coloured by
    post-intervention status) beside the dot plot of changes, with the MCID as a dashed line.

    panels: dicts with keys label, unit, paired (columns baseline, month_12,
    post_intervention_status; one row per patient) and mcid (points of improvement, or None).
    """
    rows, sentences, notes = [], [], []
    statuses = sorted(
        {s for p in panels for s in p["paired"]["post_intervention_status"]}, key=list(STATUS_COLOURS).index
    )
    for panel in panels:
        paired, label, unit = panel["paired"], panel["label"], panel["unit"]
        slopes = paired_slopes(paired, label, unit, reconstructed, colour_by="post_intervention_status")
        change = paired["month_12"] - paired["baseline"]
        mcid = panel.get("mcid")
        spread = change_distribution(
            pd.DataFrame({"change": change}), label, unit, reconstructed, threshold=-mcid if mcid is not None else None
        )
        notes += notes_of(slopes, spread)
        rows.append(
            alt.hconcat(
                slopes.properties(title=f"{label}: each patient", width=BOOK_PANEL_WIDTH * 0.65),
                spread.properties(
                    title=f"{label}: change per patient" + ("" if mcid is not None else " (no MCID)"),
                    width=BOOK_PANEL_WIDTH,
                ),
            )
        )
        mcid_text = f", MCID {number(mcid)} {unit}" if mcid is not None else ", no MCID"
        sentences.append(
            f"{label}: median change {number(change.median())} {unit}{mcid_text}; {direction_counts(change)}."
        )
    description = (
        f"For each of the four clinical scores, each patient's value at baseline and at month 12 joined by a "
        f"line coloured by post-intervention status ({listing(statuses)}), beside a dot plot of each patient's "
        f"change. " + " ".join(sentences)
    )
    return (
        alt.vconcat(*rows)
        .properties(title=with_notes(title, reconstructed, *dict.fromkeys(notes)), description=description)
        .resolve_scale(color="shared")
    )


def dose_chart(doses: pd.DataFrame, reconstructed: bool, unit: str = "mg/day") -> alt.VConcatChart:
    """Prednisone doses: the doses of each visit with their medians beside each patient's baseline
    and month-12 dose, and below them the change per patient (every patient, a rise included).

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
    change = wide["month_12"] - wide["baseline"]
    changes = change_distribution(pd.DataFrame({"change": change}), "prednisone dose", unit, reconstructed)
    statuses = [s for s in STATUS_COLOURS if s in set(wide["post_intervention_status"])]
    description = (
        f"Daily prednisone doses of {len(wide)} patients: every dose at baseline (median "
        f"{number(wide['baseline'].median())} {unit}) and at month 12 (median {number(wide['month_12'].median())} "
        f"{unit}); each patient's two doses joined by a line coloured by post-intervention status "
        f"({listing(statuses)}); and a dot plot of each patient's change, from {number(change.min())} to "
        f"{number(change.max())} {unit}: {direction_counts(change)}."
    )
    return (
        alt.vconcat(
            alt.hconcat(
                strip.properties(title="Doses at each visit (tick: median)", width=BOOK_PANEL_WIDTH * 0.6),
                slopes.properties(title="Each patient", width=BOOK_PANEL_WIDTH * 0.6),
            ).resolve_scale(color="independent"),
            changes.properties(title="Change per patient", width=BOOK_PANEL_WIDTH * 1.4),
        )
        .properties(
            title=with_notes(
                "Daily prednisone dose before and after 12 months of tacrolimus",
                reconstructed,
                *notes_of(strip, slopes, changes),
            ),
            description=description,
        )
        .resolve_scale(color="independent")
    )  # visit colours in one panel, status colours in the other


def status_intervals(table: pd.DataFrame, reconstructed: bool) -> SingleChart:
    """Share of patients in each MGFA post-intervention status, with its confidence interval.

    table: as `clinical.status_counts` (status, meaning, count, n, share, share_ci_low, share_ci_high,
    confidence), in the order the statuses should be listed. The bars take the status colours;
    the y axis, which names each status, is their legend.
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
        alt.Tooltip("share_ci_low_pct:Q", title=f"{level} CI from (%)", format=".1f"),
        alt.Tooltip("share_ci_high_pct:Q", title=f"{level} CI to (%)", format=".1f"),
    ]
    base = alt.Chart(frame)
    colours = alt.Scale(domain=order, range=[STATUS_COLOURS[s] for s in frame["status"]])
    bars = base.mark_bar(height=16, opacity=0.85).encode(
        x=alt.X(
            "share_pct:Q", title=f"Share of patients (%), with exact {level} interval", scale=alt.Scale(domain=[0, 100])
        ),
        y=y,
        color=alt.Color("status_label:N", title=STATUS_TITLE, scale=colours, legend=None),
        tooltip=tooltip,
    )
    whiskers = base.mark_errorbar(ticks=True, color=NEUTRALS["ink"]).encode(
        x=alt.X("share_ci_low_pct:Q", title=""), x2="share_ci_high_pct:Q", y=y, tooltip=tooltip
    )
    counts = base.mark_text(align="left", dx=5, fontSize=11, color=NEUTRALS["ink"]).encode(
        x="share_ci_high_pct:Q", y=y, text="count_text:N", tooltip=tooltip
    )
    description = (
        f"Bar chart of the share of the {int(frame['n'].iloc[0])} patients in each post-intervention status at "
        f"month 12, with exact {level} intervals: "
        + "; ".join(
            f"{r.status} {r.count} of {r.n} ({r.share_pct:.1f}%, "
            f"{r.share_ci_low_pct:.1f}% to {r.share_ci_high_pct:.1f}%)"
            for r in frame.itertuples()
        )
        + "."
    )
    return alt.layer(bars, whiskers, counts).properties(
        width=BOOK_PANEL_WIDTH * 1.5,
        height=28 * len(frame),
        title=titled("Post-intervention status after 12 months of tacrolimus", reconstructed),
        description=description,
    )


def share_arithmetic_chart(
    table: pd.DataFrame,
    published_percent: float,
    reconstructed: bool | None = None,
    accepted: tuple[int, int] | None = None,
) -> SingleChart:
    """Which count k of d patients gives a published percentage: one point per k/d, dark where
    the claims registry's reading accepts the count (`accepted`: its min and max, out of the
    full cohort, the largest denominator), the band of percentages that round to the published
    one, and a ring around the count in the data. The ring sits on a dark point exactly when the
    claim holds on the data, as the verdict rule (`tacmg.claims.evaluate`) decides it.

    table: as `clinical.share_arithmetic`. The points are arithmetic, not data; only the ring
    comes from data, so the data note is added when `reconstructed` is given and a count is ringed.
    """
    frame = table.copy()
    frame["fraction"] = [f"{k}/{d}" for k, d in zip(frame["count"], frame["denominator"])]
    full = int(frame["denominator"].max())
    yes, no = "accepted (the claim holds)", "not accepted"
    if accepted is not None:
        ok = (frame["denominator"] == full) & frame["count"].between(*accepted)
    else:  # no reading given: fall back on whole-percent rounding
        yes, no, ok = (
            f"rounds to {published_percent:g}%",
            f"does not round to {published_percent:g}%",
            frame["rounds_to_published"],
        )
    frame["reading"] = np.where(ok, yes, no)
    frame["rounds"] = np.where(frame["rounds_to_published"], "yes", "no")
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
        .mark_rect(color=NEUTRALS["band"], opacity=0.7)
        .encode(x="low:Q", x2="high:Q", tooltip=alt.Tooltip("what:N", title="Shaded band"))
    )
    y = alt.Y("denominator:O", title="Patients counted (denominator)", sort="descending")
    tooltip = [
        alt.Tooltip("fraction:N", title="Count"),
        alt.Tooltip("percent_1dp:Q", title="Percent", format=".1f"),
        alt.Tooltip("rounds:N", title=f"Rounds to {published_percent:g}%"),
        alt.Tooltip("reading:N", title="Registry's reading"),
    ]
    points = (
        alt.Chart(frame)
        .mark_circle(size=90)
        .encode(
            x=alt.X("percent:Q", title="Percent of patients", scale=alt.Scale(zero=False)),
            y=y,
            color=alt.Color(
                "reading:N",
                scale=criterion_scale(yes, no),
                legend=legend("Registry's reading" if accepted is not None else None),
            ),
            tooltip=tooltip,
        )
    )
    labels = (
        alt.Chart(frame)
        .mark_text(dy=-12, fontSize=MIN_FONT_PX, color=NEUTRALS["ink"])
        .encode(x="percent:Q", y=y, text="fraction:N")
    )
    layers = [band, points, labels]
    subtitle = [f"Arithmetic: k of d patients, in percent; shaded: rounds to {published_percent:g}%"]
    in_data = frame[frame["in_data"]]
    if len(in_data):
        if reconstructed is not None:
            subtitle.append(data_note(reconstructed))
        ring = (
            alt.Chart(in_data.assign(what="the count in this data"))
            .mark_point(size=300, shape="circle", filled=False, strokeWidth=1.5)
            .encode(
                x="percent:Q",
                y=y,
                stroke=alt.Stroke("what:N", scale=alt.Scale(range=[NEUTRALS["ink"]]), legend=legend("Ringed")),
                tooltip=[alt.Tooltip("what:N", title="Ring"), *tooltip],
            )
        )
        layers.append(ring)
    described = lambda rows: listing(f"{r.fraction} ({r.percent_1dp:.1f}%)" for r in rows.itertuples()) or "none"  # noqa: E731
    description = (
        f"Dot chart of whole counts k of d patients near {published_percent:g}%, for d from {full} down to "
        f"{int(frame['denominator'].min())}. "
        + (f"Counts the claims registry accepts: {described(frame[ok])}. " if accepted is not None else "")
        + f"Counts that round to {published_percent:g}%: {described(frame[frame['rounds_to_published']])}."
        + (
            f" Ringed, the count in this data: {in_data['fraction'].iloc[0]}"
            + (f", {'accepted' if bool(ok[in_data.index[0]]) else 'not accepted'}." if accepted is not None else ".")
            if len(in_data)
            else ""
        )
    )
    return alt.layer(*layers).properties(
        width=BOOK_PANEL_WIDTH * 1.5,
        height=40 * frame["denominator"].nunique(),
        title=alt.TitleParams("Whole counts of patients near the published share", subtitle=subtitle, anchor="start"),
        description=description,
    )
