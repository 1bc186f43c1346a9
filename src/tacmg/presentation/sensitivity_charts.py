"""The slider chart of chapter 10: the clinical claims' shares as each status-link prior moves.

`sensitivity_curves` draws `tacmg.analyses.status_link_sensitivity.link_sensitivity`'s curves,
three panels with Vega-Lite sliders; `assumed_priors` says where each slider starts. Kept apart
from `tacmg.presentation.robustness_charts` (the claims-by-share charts and heatmaps): one
interactive chart with its own labels and series colours, from its own grid of ensembles.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from tacmg.presentation.palette import NEUTRALS, STATUS_COLOURS, VISIT_COLOURS
from tacmg.presentation.robustness_charts import ensemble_title, percent

# Five colour-blind-safe series colours for the claims' curves, all from the palette.
VISIT_SERIES = (
    VISIT_COLOURS["Baseline"],
    VISIT_COLOURS["Month 12"],
    STATUS_COLOURS["MM"],
    STATUS_COLOURS["I"],
    NEUTRALS["rule"],
)

# The clinical claims of the sensitivity curves, in words short enough for a legend.
CURVE_LABELS = {
    "qmg-decrease": "QMG fell",
    "mmt-decrease": "MMT fell",
    "mg-adl-decrease": "MG-ADL fell",
    "mg-qol15-decrease": "MG-QOL15 fell",
    "prednisone-decrease": "Prednisone dose fell",
}
RELAXATION_TITLES = {
    "a": "(a) Scores independent of status",
    "b": "(b) Improved by a dose cut alone",
    "c": "(c) Improved may worsen on one score",
}
RELAXATION_AXES = {
    "a": "Lower end of the fraction of baseline kept",
    "b": "Share of improved patients improving by dose alone",
    "c": "Share of improved patients worse on one score",
}


def sensitivity_curves(
    curves: pd.DataFrame,
    assumed: dict[str, tuple[float, float]],
    labels: dict[str, str] | None = None,
    width: int = 280,
) -> alt.VConcatChart:
    """The share of cohorts in which each clinical claim holds as each relaxation's prior moves,
    three panels, each with a slider (Vega-Lite params: it works in a static page) and the shares
    at the slider's value written under it; stacked, so that a phone's width holds them.

    Panel (a) draws the curve over the lower end of the window a non-MM patient's month-12 score
    is drawn from (baseline x U(low, high)); its slider picks the upper end, and a second slider the
    lower end the labels read at. Panels (b) and (c) draw the curve over the share their prior sets;
    their slider moves the point the labels read at. A hollow ring marks each prior's committed value.

    Parameters
    ----------
    curves : pandas.DataFrame
        `tacmg.analyses.status_link_sensitivity.link_sensitivity`'s ``curves``.
    assumed : dict
        ``{relaxation: (value, high)}``: where each slider starts (the scenario's committed prior;
        ``high`` NaN for (b) and (c)).
    labels : dict, optional
        Claim id to legend words (default `CURVE_LABELS`).
    width : int
        Width of each panel in pixels.

    Returns
    -------
    altair.VConcatChart

    Examples
    --------
    >>> rows = [{"relaxation": r, "value": v, "high": h, "claim_id": "qmg-decrease", "share": 0.5}
    ...         for r, v, h in (("a", 0.3, 1.2), ("a", 0.3, 1.3), ("a", 0.5, 1.3), ("b", 0.0, float("nan")),
    ...                         ("b", 0.5, float("nan")), ("c", 0.5, float("nan")))]
    >>> spec = sensitivity_curves(pd.DataFrame(rows), {"a": (0.3, 1.3), "b": (0.5, float("nan")),
    ...                                                "c": (0.5, float("nan"))}).to_dict()
    >>> sorted(p["name"] for p in spec["params"] if "bind" in p)
    ['a_high', 'a_low', 'b_value', 'c_value']
    >>> spec["description"].startswith("Share of cohorts in which each clinical claim holds")
    True
    """
    labels = labels or CURVE_LABELS
    frame = curves[curves["claim_id"].isin(labels)].assign(
        claim=lambda d: d["claim_id"].map(labels), percent=lambda d: d["share"].map(percent)
    )
    order = [labels[c] for c in labels if c in set(frame["claim_id"])]
    colour_scale = alt.Scale(domain=order, range=[VISIT_SERIES[i % len(VISIT_SERIES)] for i in range(len(order))])
    colour = alt.Color(
        "claim:N",
        sort=order,
        scale=colour_scale,
        legend=None,  # the readout under each panel names the claims in their colours
    )
    y = alt.Y(
        "share:Q", title="Share of cohorts in which it holds", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")
    )
    panels = []
    for relaxation in ("a", "b", "c"):
        rows = frame[frame["relaxation"] == relaxation].drop(columns=["prior"], errors="ignore")
        if rows.empty:
            continue
        values = sorted(rows["value"].unique())
        start, start_high = assumed[relaxation]
        step = round(float(np.min(np.diff(values))), 6) if len(values) > 1 else 0.1
        point = alt.param(
            name=f"{relaxation}_low" if relaxation == "a" else f"{relaxation}_value",
            value=float(start),
            bind=alt.binding_range(
                min=float(values[0]),
                max=float(values[-1]),
                step=step,
                name=f"{RELAXATION_TITLES[relaxation][:3]} {RELAXATION_AXES[relaxation].lower()}: ",
            ),
        )
        params = [point]
        base = alt.Chart(rows)
        if relaxation == "a":
            highs = sorted(rows["high"].unique())
            upper = alt.param(
                name="a_high",
                value=float(start_high),
                bind=alt.binding_range(
                    min=float(highs[0]),
                    max=float(highs[-1]),
                    step=0.1,
                    name="(a) upper end of the fraction of baseline kept: ",
                ),
            )
            params.append(upper)
            base = base.transform_filter("abs(datum.high - a_high) < 1e-6")
        x = alt.X(
            "value:Q",
            title=RELAXATION_AXES[relaxation],
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[float(values[0]), float(values[-1])]),
        )
        tooltip = [
            alt.Tooltip("claim:N", title="Claim"),
            alt.Tooltip("value:Q", format="%", title="Prior"),
            alt.Tooltip("percent:N", title="Share of cohorts"),
        ]
        if relaxation == "a":
            tooltip.insert(2, alt.Tooltip("high:Q", format="%", title="Upper end"))
        lines = base.mark_line(strokeWidth=2).encode(x=x, y=y, color=colour)
        dots = base.mark_circle(size=30, opacity=1).encode(x=x, y=y, color=colour, tooltip=tooltip)
        at = base.transform_filter(f"abs(datum.value - {point.name}) < 1e-6")
        chosen = at.mark_circle(size=110, opacity=1, stroke=NEUTRALS["ink"], strokeWidth=1).encode(
            x=x, y=y, color=colour, tooltip=tooltip
        )
        rule = alt.Chart(rows).transform_filter(f"datum.claim_id == '{rows['claim_id'].iloc[0]}'")
        if relaxation == "a":
            rule = rule.transform_filter("abs(datum.high - a_high) < 1e-6")
        rule = (
            rule.transform_filter(f"abs(datum.value - {point.name}) < 1e-6")
            .mark_rule(color=NEUTRALS["rule"], strokeDash=[4, 3])
            .encode(x=x)
        )
        committed = base.transform_filter(f"abs(datum.value - {float(start)}) < 1e-6")
        if relaxation == "a":
            committed = committed.transform_filter(f"abs(datum.high - {float(start_high)}) < 1e-6")
        ring = committed.mark_point(shape="circle", size=220, filled=False, color=NEUTRALS["ink"]).encode(x=x, y=y)
        curve = alt.layer(rule, lines, dots, ring, chosen).properties(
            width=width, height=180, title=alt.TitleParams(RELAXATION_TITLES[relaxation], anchor="start", fontSize=12)
        )
        # the shares at the slider's value, one line per claim, read without hovering
        readout = (
            at.transform_calculate(reading="datum.claim + ': ' + datum.percent")
            .mark_text(align="left", baseline="middle", fontSize=11)
            .encode(
                x=alt.value(0),
                y=alt.Y("claim:N", sort=order, axis=None, title=None),
                text="reading:N",
                color=alt.Color("claim:N", sort=order, scale=colour_scale, legend=None),
            )
            .properties(width=width, height=14 * len(order), view=alt.ViewBackground(stroke=None))
        )
        panels.append(alt.vconcat(curve, readout, spacing=6).add_params(*params))
    committed_words = "; ".join(
        f"{RELAXATION_TITLES[r][:3]} {percent(v)}" + (f" to {percent(h)}" if r == "a" else "")
        for r, (v, h) in assumed.items()
    )
    description = (
        f"Share of cohorts in which each clinical claim holds as each status-link relaxation's prior moves "
        f"({len(frame)} points from {len(frame.groupby(['relaxation', 'value', 'high'], dropna=False))} ensembles); "
        f"the sliders move the prior; rings mark the values the scenarios assume ({committed_words}). "
        f"Least share: {percent(frame['share'].min())}, greatest: {percent(frame['share'].max())}."
    )
    return (
        alt.vconcat(*panels, spacing=18)
        .properties(
            title=ensemble_title("The clinical claims against each status-link prior"),
            description=description,
        )
        .resolve_scale(color="shared")
    )


def assumed_priors(settings: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Where `sensitivity_curves` starts each slider: the relaxed scenarios' priors, as fractions.

    Parameters
    ----------
    settings : dict
        `tacmg.analyses.status_link.settings` (in %).

    Examples
    --------
    >>> assumed_priors({"independent_low": 30.0, "independent_high": 130.0, "by_dose_share": 50.0,
    ...                 "worsening_share": 50.0})["a"]
    (0.3, 1.3)
    """
    nan = float("nan")
    return {
        "a": (settings["independent_low"] / 100, settings["independent_high"] / 100),
        "b": (settings["by_dose_share"] / 100, nan),
        "c": (settings["worsening_share"] / 100, nan),
    }
