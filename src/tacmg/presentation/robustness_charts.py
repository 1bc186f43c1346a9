"""Charts of the robustness chapter: claims by share of cohorts, and shares across scenarios."""

from __future__ import annotations

import altair as alt
import pandas as pd

ENSEMBLE_NOTE = "Reconstructed cohorts, not patient data"


def _title(text: str) -> alt.TitleParams:
    return alt.TitleParams(
        text, subtitle=[ENSEMBLE_NOTE], anchor="start", subtitleColor="#a33", subtitleFontStyle="italic"
    )


def claims_by_share(shares: pd.DataFrame) -> alt.LayerChart:
    """Each inferential claim's share of cohorts with its interval, coloured by finding."""
    order = shares.sort_values(["finding", "share"])["claim_id"].tolist()
    base = alt.Chart(shares).encode(
        y=alt.Y("claim_id:N", sort=order, title=None),
        color=alt.Color("finding_title:N", title="Finding"),
    )
    points = base.mark_circle(size=70).encode(
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
    guides = alt.Chart(pd.DataFrame({"x": [0.05, 0.95]})).mark_rule(strokeDash=[4, 3], color="#999").encode(x="x:Q")
    return (guides + bars + points).properties(
        width=420, height=alt.Step(14), title=_title("Claim by share of cohorts")
    )


def share_heatmap(frame: pd.DataFrame, column: str, columns_order: list[str], title: str) -> alt.LayerChart:
    """Claims (rows) by `column` values (scenarios or analyses), coloured and labelled by share."""
    order = frame.drop_duplicates("claim_id")["claim_id"].tolist()
    base = alt.Chart(frame).encode(
        x=alt.X(f"{column}:N", sort=columns_order, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=220)),
        y=alt.Y("claim_id:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "share:Q",
            title="Share of cohorts",
            scale=alt.Scale(domain=[0, 1], scheme="redyellowgreen"),
            legend=alt.Legend(format="%"),
        ),
        tooltip=[
            alt.Tooltip("claim_id:N", title="Claim"),
            alt.Tooltip(f"{column}:N", title=column.title()),
            alt.Tooltip("share:Q", title="Share", format=".1%"),
            alt.Tooltip("ci_low:Q", title="95% CI from", format=".1%"),
            alt.Tooltip("ci_high:Q", title="95% CI to", format=".1%"),
        ],
    )
    labels = base.mark_text(fontSize=9).encode(text=alt.Text("share:Q", format=".0%"))
    return (cells + labels).properties(width=alt.Step(70), height=alt.Step(14), title=_title(title))


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
