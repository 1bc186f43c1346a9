"""Charts of the robustness chapter: claims by share of cohorts, and shares across scenarios.

Colours come from `tacmg.presentation.palette`: the diverging scale for a share (purple: the
claim holds in few cohorts, green: in most), its two ends for the readings "holds almost never"
and "holds almost always". Every chart carries alternative text written from its data.
"""

from __future__ import annotations

from collections.abc import Iterable

import altair as alt
import numpy as np
import pandas as pd

from tacmg.claims.names import claim_name
from tacmg.claims.registry import load_claims
from tacmg.presentation.chart_theme import MIN_FONT_PX
from tacmg.presentation.colour_contrast import text_on_diverging
from tacmg.presentation.palette import (
    DIVERGING_ENDS,
    NEUTRALS,
    NOTE_COLOUR,
    STATUS_COLOURS,
    VISIT_COLOURS,
    diverging_scale,
    legend,
    listing,
)

ENSEMBLE_NOTE = "Reconstructed cohorts, not patient data"
# The readings of `tacmg.analyses.robustness.READINGS` (>= 95% of cohorts, between, <= 5%).
READING_COLOURS = {
    "holds almost always": DIVERGING_ENDS["high"],
    "holds sometimes": NEUTRALS["rule"],
    "holds almost never": DIVERGING_ENDS["low"],
}


# Five colour-blind-safe series colours for the claims' curves, all from the palette.
VISIT_SERIES = (
    VISIT_COLOURS["Baseline"],
    VISIT_COLOURS["Month 12"],
    STATUS_COLOURS["MM"],
    STATUS_COLOURS["I"],
    NEUTRALS["rule"],
)


def _title(text: str) -> alt.TitleParams:
    return alt.TitleParams(
        text, subtitle=[ENSEMBLE_NOTE], anchor="start", subtitleColor=NOTE_COLOUR, subtitleFontStyle="italic"
    )


def _percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def claims_by_share(shares: pd.DataFrame) -> alt.FacetChart:
    """Each inferential claim's share of cohorts with its interval, one block of rows per finding,
    coloured by reading (green: holds almost always; grey: sometimes; purple: almost never).

    Parameters
    ----------
    shares : pandas.DataFrame
        `tacmg.analyses.robustness.robustness`'s ``shares`` (claim_id, finding, finding_title,
        published, share, ci_low, ci_high, reading).

    Returns
    -------
    altair.FacetChart

    Examples
    --------
    >>> shares = pd.DataFrame({"claim_id": ["a", "b"], "finding": ["f", "g"], "finding_title": ["F", "G"],
    ...                        "published": ["p", "p"], "share": [1.0, 0.6], "ci_low": [0.99, 0.5],
    ...                        "ci_high": [1.0, 0.7], "reading": ["holds almost always", "holds sometimes"]})
    >>> claims_by_share(shares).to_dict()["description"].split(": ")[0]
    'Share of cohorts in which each of 2 inferential claims holds, with 95% intervals, grouped by finding'
    """
    order = shares.sort_values(["finding", "share"])["claim_id"].tolist()
    findings = shares.sort_values("finding")["finding_title"].drop_duplicates().tolist()
    shown = [r for r in READING_COLOURS if r in set(shares["reading"])]
    base = alt.Chart().encode(
        y=alt.Y("claim_id:N", sort=order, title=None, axis=alt.Axis(labelLimit=0)),
        color=alt.Color(
            "reading:N",
            scale=alt.Scale(domain=shown, range=[READING_COLOURS[r] for r in shown]),
            legend=legend("Reading", "bottom", direction="horizontal"),
        ),
    )
    points = base.mark_circle(size=60, opacity=1).encode(
        x=alt.X(
            "share:Q",
            title="Share of cohorts in which the claim holds",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%"),
        ),
        tooltip=[
            alt.Tooltip("claim_id:N", title="Claim"),
            alt.Tooltip("published:N", title="Published"),
            alt.Tooltip("share:Q", title="Share", format=".1%"),
            alt.Tooltip("ci_low:Q", title="95% CI from", format=".1%"),
            alt.Tooltip("ci_high:Q", title="95% CI to", format=".1%"),
            alt.Tooltip("reading:N", title="Reading"),
        ],
    )
    bars = base.mark_rule().encode(x="ci_low:Q", x2="ci_high:Q")
    counts = shares["reading"].value_counts()
    lowest = shares.sort_values("share").iloc[0]
    description = (
        f"Share of cohorts in which each of {len(shares)} inferential claims holds, with 95% intervals, grouped "
        f"by finding: {listing(findings)}. "
        + "; ".join(
            f"{int(counts.get(r, 0))} {r if counts.get(r, 0) == 1 else r.replace('holds', 'hold')}"
            for r in READING_COLOURS
        )
        + f" (at least 95%, between, at most 5% of cohorts). Lowest: {lowest['claim_id']}, {_percent(lowest['share'])}."
    )
    # One panel per finding, stacked (not a facet: a faceted layer with independent scales makes
    # Vega-Lite warn that it unions fields of different sources); the 5% and 95% guides dashed.
    panels = []
    for finding in findings:
        part = shares[shares["finding_title"] == finding]
        guides = (
            alt.Chart(pd.DataFrame({"x": [0.05, 0.95]}))
            .mark_rule(strokeDash=[4, 3], color=NEUTRALS["track"])
            .encode(x="x:Q")
        )
        panels.append(
            alt.layer(guides, bars.properties(data=part), points.properties(data=part)).properties(
                width=330, height=alt.Step(13), title=alt.TitleParams(finding, anchor="start", fontSize=12)
            )
        )
    return (
        alt.vconcat(*panels, spacing=8)
        .resolve_scale(y="independent")
        .properties(title=_title("Claim by share of cohorts"), description=description)
    )


def claim_words(labels: Iterable[str]) -> list[str]:
    """Row labels in words: a claim id the registry knows becomes the claim's name
    (`tacmg.claims.names.claim_name`); any other label (already words) stays as it is.

    Examples
    --------
    >>> claim_words(["qmg-decrease", "QMG fall", "scd25-qmg-correlation"])
    ['QMG fall', 'QMG fall', 'sCD25 with QMG']
    """
    registry = load_claims()
    known = {claim.id for claim in registry}
    return [claim_name(registry.by_id(label)) if label in known else label for label in labels]


def share_heatmap(frame: pd.DataFrame, column: str, columns_order: list[str], title: str) -> alt.LayerChart:
    """Claims (rows) by `column` values (scenarios or analyses), coloured by share on the book's
    diverging scale (50% in the middle) and labelled with it.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy share rows (claim_id, `column`, share, ci_low, ci_high).
    column : str
        The column whose values are the heatmap's columns.
    columns_order : list of str
        Those values in order.
    title : str
        The chart's title.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> frame = pd.DataFrame({"claim_id": ["c", "c"], "scenario": ["a", "b"], "share": [1.0, 0.2],
    ...                       "ci_low": [0.9, 0.1], "ci_high": [1.0, 0.3]})
    >>> share_heatmap(frame, "scenario", ["a", "b"], "t").to_dict()["description"].split(". ")[1]
    'Shares range from 20% (c, b) to 100% (c, a)'
    """
    frame = frame.assign(claim_id=claim_words(frame["claim_id"]))  # rows in words, never ids
    order = frame.drop_duplicates("claim_id")["claim_id"].tolist()
    base = alt.Chart(frame).encode(
        x=alt.X(f"{column}:N", sort=columns_order, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=220)),
        y=alt.Y("claim_id:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("share:Q", scale=diverging_scale(0, 1, 0.5), legend=legend("Share of cohorts", format="%")),
        tooltip=[
            alt.Tooltip("claim_id:N", title="Claim"),
            alt.Tooltip(f"{column}:N", title=column.title()),
            alt.Tooltip("share:Q", title="Share", format=".1%"),
            alt.Tooltip("ci_low:Q", title="95% CI from", format=".1%"),
            alt.Tooltip("ci_high:Q", title="95% CI to", format=".1%"),
        ],
    )
    labels = base.mark_text(fontSize=MIN_FONT_PX).encode(
        text=alt.Text("share:Q", format=".0%"), color=text_on_diverging("share", 0.5, 0.5)
    )
    ordered = frame.sort_values("share", kind="stable")
    low, high = ordered.iloc[0], ordered.iloc[-1]
    description = (
        f"Heatmap of the share of cohorts in which each of {len(order)} claims holds, under each of "
        f"{len(columns_order)} settings of the {column} ({listing(columns_order)}), coloured from purple (0%) through "
        f"white (50%) to green (100%). Shares range from {_percent(low['share'])} ({low['claim_id']}, "
        f"{low[column]}) to {_percent(high['share'])} ({high['claim_id']}, {high[column]}). Lowest share under "
        f"each: "
        + "; ".join(
            f"{c} {_percent(frame.loc[frame[column] == c, 'share'].min())}"
            for c in columns_order
            if (frame[column] == c).any()
        )
        + "."
    )
    return (cells + labels).properties(
        width=alt.Step(60), height=alt.Step(18), title=_title(title), description=description
    )


def subset_heatmap(frame: pd.DataFrame, scenarios: list[str], title: str) -> alt.LayerChart:
    """`share_heatmap` of improved-subset claims by scenario, one row per claim and reading.

    Parameters
    ----------
    frame : pandas.DataFrame
        `tacmg.analyses.status_link.link_robustness`'s ``subset`` rows (claim_id, reading,
        scenario, share, ci_low, ci_high).
    scenarios : list of str
        The scenarios in column order.
    title : str
        The chart's title.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> frame = pd.DataFrame({"claim_id": ["c"], "reading": ["status I"], "scenario": ["s"],
    ...                       "share": [1.0], "ci_low": [0.9], "ci_high": [1.0]})
    >>> type(subset_heatmap(frame, ["s"], "t")).__name__
    'LayerChart'
    """
    claim = frame["claim_id"].str.removeprefix("improved-")
    labelled = frame.assign(claim_id=claim + " | " + frame["reading"])
    return share_heatmap(labelled, "scenario", scenarios, title)


def shares_wide(frame: pd.DataFrame, scenarios: list[str], rows: tuple[str, ...] = ("claim_id",)) -> pd.DataFrame:
    """Shares as a table: one row per claim (and reading), one column per scenario, in order.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy share rows with a ``scenario`` column (`share_table` rows).
    scenarios : list of str
        The scenarios in column order.
    rows : tuple of str
        The columns that name a row.

    Returns
    -------
    pandas.DataFrame
        The `rows` columns, then the share (0-1) under each scenario.

    Examples
    --------
    >>> frame = pd.DataFrame({"claim_id": ["c", "c"], "scenario": ["b", "a"], "share": [0.5, 1.0]})
    >>> shares_wide(frame, ["a", "b"]).columns.tolist()
    ['claim_id', 'a', 'b']
    """
    order = frame.drop_duplicates(list(rows))[list(rows)]
    wide = frame.pivot_table(index=list(rows), columns="scenario", values="share", sort=False)
    return order.merge(wide[scenarios].reset_index(), on=list(rows), how="left")


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
        `tacmg.analyses.status_link.link_sensitivity`'s ``curves``.
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
        claim=lambda d: d["claim_id"].map(labels), percent=lambda d: d["share"].map(_percent)
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
        f"{RELAXATION_TITLES[r][:3]} {_percent(v)}" + (f" to {_percent(h)}" if r == "a" else "")
        for r, (v, h) in assumed.items()
    )
    description = (
        f"Share of cohorts in which each clinical claim holds as each status-link relaxation's prior moves "
        f"({len(frame)} points from {len(frame.groupby(['relaxation', 'value', 'high'], dropna=False))} ensembles); "
        f"the sliders move the prior; rings mark the values the scenarios assume ({committed_words}). "
        f"Least share: {_percent(frame['share'].min())}, greatest: {_percent(frame['share'].max())}."
    )
    return (
        alt.vconcat(*panels, spacing=18)
        .properties(
            title=_title("The clinical claims against each status-link prior"),
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
