"""Charts of the robustness chapter: claims by share of cohorts, and shares across scenarios.

Colours come from `tacmg.presentation.palette`: the diverging scale for a share (purple: the
claim holds in few cohorts, green: in most), its two ends for the readings "holds almost never"
and "holds almost always". Every chart carries alternative text written from its data.
"""

from __future__ import annotations

from collections.abc import Iterable

import altair as alt
import pandas as pd

from tacmg.claims.names import claim_name
from tacmg.claims.registry import load_claims
from tacmg.presentation.chart_theme import MIN_FONT_PX
from tacmg.presentation.colour_contrast import text_on_diverging
from tacmg.presentation.palette import (
    DIVERGING_ENDS,
    NEUTRALS,
    NOTE_COLOUR,
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


def ensemble_title(text: str) -> alt.TitleParams:
    """A chart title with the note that the data are reconstructed cohorts, not patients."""
    return alt.TitleParams(
        text, subtitle=[ENSEMBLE_NOTE], anchor="start", subtitleColor=NOTE_COLOUR, subtitleFontStyle="italic"
    )


def percent(share: float) -> str:
    """A share (0-1) as a whole percentage: ``percent(0.456)`` is "46%"."""
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
        + f" (at least 95%, between, at most 5% of cohorts). Lowest: {lowest['claim_id']}, {percent(lowest['share'])}."
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
        .properties(title=ensemble_title("Claim by share of cohorts"), description=description)
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
        f"white (50%) to green (100%). Shares range from {percent(low['share'])} ({low['claim_id']}, "
        f"{low[column]}) to {percent(high['share'])} ({high['claim_id']}, {high[column]}). Lowest share under "
        f"each: "
        + "; ".join(
            f"{c} {percent(frame.loc[frame[column] == c, 'share'].min())}"
            for c in columns_order
            if (frame[column] == c).any()
        )
        + "."
    )
    return (cells + labels).properties(
        width=alt.Step(60), height=alt.Step(18), title=ensemble_title(title), description=description
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
