"""Altair charts of the correlations chapter (7): the heatmap of every pair, scatters of the
published pairs, and one molecule's between-patient against within-patient association.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from tacmg.data.contract import MOLECULE_UNIT, SCORES
from tacmg.presentation.chart_parts import STATUS_TITLE
from tacmg.presentation.chart_theme import MIN_FONT_PX
from tacmg.presentation.colour_contrast import text_on_diverging
from tacmg.presentation.glue import variant_text
from tacmg.presentation.molecule_charts import BOOK_WIDTH, COLUMNS, MOLECULE_ORDER, PANEL_WIDTH
from tacmg.presentation.palette import (
    LOG_AXIS,
    NEUTRALS,
    STATUS_COLOURS,
    VISIT_COLOURS,
    chart_rows,
    diverging_scale,
    is_score,
    legend,
    listing,
    log_scale,
    number,
    panel_title,
    status_legend,
    status_scale,
    unit_of,
    visit_scale,
    with_notes,
)


def _heatmap_frame(table: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Both triangles of the molecule block (a symmetric matrix reads more easily)."""
    frame = table.copy()
    mirror = frame[frame["block"] == "molecule-molecule"].rename(
        columns={"var_x": "var_y", "var_y": "var_x", "label_x": "label_y", "label_y": "label_x"}
    )
    frame = pd.concat([frame, mirror], ignore_index=True)
    sig = frame["significant"].fillna(False).astype(bool)
    sig_adj = frame["significant_adjusted"].fillna(False).astype(bool)
    frame["mark"] = ["*\u2020" if a else "*" if s else "" for s, a in zip(sig, sig_adj)]
    frame["published"] = frame["published_sign"].where(frame["published_sign"].notna(), "not reported").astype(str)
    frame["is_published"] = frame["published_sign"].notna()
    return frame


def correlation_heatmap(
    table: pd.DataFrame,
    title: str,
    reconstructed: bool,
    *,
    alpha: float = 0.05,
    correction_name: str = "Benjamini-Hochberg",
) -> alt.HConcatChart:
    """Spearman rho as colour (the book's diverging scale: green positive, purple negative, -1 to 1)
    for scores x molecules and molecules x molecules, with ``'*'`` where p < alpha, ``'*\u2020'``
    where the adjusted p is too, and a black outline around pairs the sources report. Tooltip: rho,
    p, adjusted p, published sign.

    table: `molecules.correlation_table`.
    """
    frame = _heatmap_frame(table, alpha)
    colour = alt.Color("rho:Q", scale=diverging_scale(-1, 1, 0), legend=legend("Spearman rho"))
    tooltip = [
        alt.Tooltip("label_x:N", title="Variable 1"),
        alt.Tooltip("label_y:N", title="Variable 2"),
        alt.Tooltip("rho:Q", title="Spearman rho", format="+.2f"),
        alt.Tooltip("p_value:Q", title="p_value", format=".2g"),
        alt.Tooltip("p_value_adjusted:Q", title="Adjusted p", format=".2g"),
        alt.Tooltip("published:N", title="Published sign"),
    ]

    def block(name: str, x_order: Sequence[str], y_order: Sequence[str], width: int, block_title: str):
        part = frame[frame["block"] == name]
        x = alt.X("label_y:N", title=None, sort=list(x_order), axis=alt.Axis(labelAngle=-45))
        y = alt.Y("label_x:N", title=None, sort=list(y_order))
        base = alt.Chart(part).encode(x=x, y=y, tooltip=tooltip)
        cells = base.mark_rect().encode(color=colour)
        outline = base.transform_filter("datum.is_published").mark_rect(
            fill=None, stroke=NEUTRALS["ink"], strokeWidth=2
        )
        text = base.mark_text(fontSize=13, fontWeight="bold", dy=1).encode(
            text="mark:N", color=text_on_diverging("rho", 0, 1)
        )
        return alt.layer(cells, outline, text).properties(
            width=width, height=26 * len(y_order), title=panel_title(block_title)
        )

    scores = [SCORES[s][0] for s in SCORES]
    left = block("score-molecule", MOLECULE_ORDER, scores, 26 * len(MOLECULE_ORDER), "Clinical scores and molecules")
    right = block("molecule-molecule", MOLECULE_ORDER, MOLECULE_ORDER, 26 * len(MOLECULE_ORDER), "Molecules")
    pairs = table.dropna(subset=["rho"]).assign(size=lambda t: t["rho"].abs()).sort_values("size", ascending=False)
    published = table[table["published_sign"].notna()]
    description = (
        f"Heatmap of Spearman's rho for {int((table['block'] == 'score-molecule').sum())} pairs of a clinical score "
        f"and a molecule and {int((table['block'] == 'molecule-molecule').sum())} pairs of molecules, coloured "
        f"from -1 (purple) through 0 (white) to 1 (green). {int(table['significant'].fillna(False).sum())} pairs "
        f"have p below {alpha:g}, {int(table['significant_adjusted'].fillna(False).sum())} of them also after "
        f"{correction_name} correction. Strongest: "
        + ("; ".join(f"{r.label_x} and {r.label_y} {_rho(r.rho)}" for r in pairs.head(3).itertuples()) or "none")
        + f". The {len(published)} pairs the sources report (outlined): "
        + "; ".join(f"{r.label_x} and {r.label_y} {_rho(r.rho)}" for r in published.itertuples())
        + "."
    )
    return (
        alt.hconcat(left, right, spacing=40)
        .resolve_scale(color="shared")
        .properties(
            title=with_notes(
                title,
                reconstructed,
                f"* p < {alpha:g}; \u2020 also after {correction_name} correction; outlined: a pair the sources report",
            ),
            description=description,
        )
    )


def scatter_grid(
    values: pd.DataFrame, table: pd.DataFrame, title: str, reconstructed: bool, columns: int = COLUMNS
) -> alt.ConcatChart:
    """One scatter per pair (small multiples), molecules on log axes, scores on linear ones, each
    panel titled with its Spearman rho and adjusted p.

    values: `molecules.pair_values`; table: `molecules.correlation_table` (for rho and p).
    """
    lookup = {frozenset((r.var_x, r.var_y)): r for r in table.itertuples()}
    panels, sampled = [], []
    for (group_x, group_y), every in values.groupby(["var_x", "var_y"], sort=False):
        part, sample_note = chart_rows(every)
        sampled += sample_note
        var_x, var_y = str(group_x), str(group_y)
        row = lookup[frozenset((var_x, var_y))]
        lx, ly = part["label_x"].iloc[0], part["label_y"].iloc[0]
        x_title, y_title = f"{lx} ({unit_of(var_x)})", f"{ly} ({unit_of(var_y)})"
        chart = (
            alt.Chart(part.reset_index(drop=True))
            .mark_circle(size=34, opacity=0.75, color=VISIT_COLOURS["Baseline"])
            .encode(
                x=alt.X(
                    "x:Q",
                    title=x_title,
                    scale=alt.Scale(zero=False) if is_score(var_x) else log_scale(part["x"]),
                    axis=alt.Axis() if is_score(var_x) else LOG_AXIS,
                ),
                y=alt.Y(
                    "y:Q",
                    title=y_title,
                    scale=alt.Scale(zero=False) if is_score(var_y) else log_scale(part["y"]),
                    axis=alt.Axis() if is_score(var_y) else LOG_AXIS,
                ),
                tooltip=[
                    alt.Tooltip("x:Q", title=x_title, format=".4g"),
                    alt.Tooltip("y:Q", title=y_title, format=".4g"),
                ],
            )
        )
        panel_title = alt.TitleParams(
            f"{lx} and {ly}",
            subtitle=[f"rho = {_rho(row.rho)}, adjusted p = {variant_text(row.p_value_adjusted, 'g2')}"],
            anchor="start",
            fontSize=12,
            subtitleFontSize=MIN_FONT_PX,
        )
        panels.append(chart.properties(width=PANEL_WIDTH * 0.9, height=PANEL_WIDTH * 0.9, title=panel_title))
    description = (
        f"Scatter plots of the {len(panels)} pairs the sources report, one point per patient: "
        + "; ".join(
            f"{r.label_x} and {r.label_y}, rho {_rho(r.rho)}, adjusted p {variant_text(r.p_value_adjusted, 'g2')}"
            for r in (
                lookup[frozenset((str(x), str(y)))] for x, y in values[["var_x", "var_y"]].drop_duplicates().values
            )
        )
        + "."
    )
    return alt.concat(*panels, columns=columns).properties(
        title=with_notes(title, reconstructed, "Patients at baseline; molecules on log axes", *dict.fromkeys(sampled)),
        description=description,
    )


def between_within_chart(
    tracks: pd.DataFrame, changes: pd.DataFrame, molecule_label: str, title: str, reconstructed: bool
) -> alt.VConcatChart:
    """Top: each patient at baseline and month 12 (colours of `VISIT_COLOURS`) joined by a
    grey line, molecule on a log x axis, score on y; the cloud at one visit shows the
    between-patient association, each line one patient's change. Bottom: change in the molecule
    (ratio, log axis) against change in the score, coloured by status: the within-patient question.

    tracks: `molecules.trajectories`; changes: `molecules.changes_together`.
    """
    top, bottom, sampled = [], [], []
    two_visits = visit_scale(["Baseline", "Month 12"])
    for _score, every in tracks.groupby("score", sort=False):
        part, sample_note = chart_rows(every, "track", what="patients' lines")
        sampled += sample_note
        score_label = part["label_score"].iloc[0]
        x = alt.X(
            "molecule_value:Q",
            title=f"{molecule_label} ({MOLECULE_UNIT})",
            scale=log_scale(tracks["molecule_value"]),
            axis=LOG_AXIS,
        )
        y = alt.Y("score_value:Q", title=f"{score_label} (points)")
        lines = (
            alt.Chart(part)
            .mark_line(color=NEUTRALS["track"], opacity=0.6, strokeWidth=1)
            .encode(x=x, y=y, detail="track:N", order="visit:O")
        )
        points = (
            alt.Chart(part)
            .mark_circle(size=40, opacity=0.85)
            .encode(
                x=x,
                y=y,
                color=alt.Color("visit:N", scale=two_visits, legend=legend("Visit", "top")),
                tooltip=[
                    alt.Tooltip("visit:N", title="Visit"),
                    alt.Tooltip("molecule_value:Q", title=f"{molecule_label} ({MOLECULE_UNIT})", format=".4g"),
                    alt.Tooltip("score_value:Q", title=f"{score_label} (points)"),
                    alt.Tooltip("status:N", title="Status"),
                ],
            )
        )
        top.append(
            (lines + points).properties(
                width=BOOK_WIDTH,
                height=BOOK_WIDTH,
                title=panel_title(f"{molecule_label} and {score_label}, both visits"),
            )
        )
    for _score, every in changes.groupby("score", sort=False):
        part, sample_note = chart_rows(every, "track", what="patients' changes")
        sampled += sample_note
        score_label = part["label_score"].iloc[0]
        x = alt.X(
            "molecule_ratio:Q",
            title=f"{molecule_label}, month 12 / baseline (ratio)",
            scale=log_scale([*changes["molecule_ratio"], 1.0]),
            axis=LOG_AXIS,
        )
        y = alt.Y("score_change:Q", title=f"Change in {score_label} (points)")
        points = (
            alt.Chart(part)
            .mark_circle(size=40, opacity=0.85)
            .encode(
                x=x,
                y=y,
                color=alt.Color(
                    "status:N", scale=status_scale(changes["status"]), legend=status_legend(STATUS_TITLE, "bottom")
                ),
                tooltip=[
                    alt.Tooltip("molecule_ratio:Q", title=f"{molecule_label} ratio", format=".2f"),
                    alt.Tooltip("score_change:Q", title=f"Change in {score_label} (points)"),
                    alt.Tooltip("status:N", title="Status"),
                ],
            )
        )
        no_change = alt.Chart(pd.DataFrame({"ratio": [1.0], "change": [0.0]}))
        zero_x = no_change.mark_rule(color=NEUTRALS["rule"], strokeDash=[4, 3]).encode(x="ratio:Q")
        zero_y = no_change.mark_rule(color=NEUTRALS["rule"], strokeDash=[4, 3]).encode(y="change:Q")
        bottom.append(
            alt.layer(zero_x, zero_y, points).properties(
                width=BOOK_WIDTH,
                height=BOOK_WIDTH,
                title=panel_title(f"Change in {molecule_label} and in {score_label}"),
            )
        )
    statuses = [s for s in STATUS_COLOURS if s in set(changes["status"])]
    first = changes.drop_duplicates("track")
    description = (
        f"Top: {molecule_label} ({MOLECULE_UNIT}, log scale) against {listing(tracks['label_score'].unique())} "
        f"for {first['track'].nunique()} patients at baseline and at month 12, each patient's two visits joined "
        f"by a line. Bottom: each patient's change in {molecule_label} (month 12 / baseline, median "
        f"{number(first['molecule_ratio'].median())}) against their change in each score, coloured by "
        f"post-intervention status ({listing(statuses)}); dashed lines mark no change."
    )
    return (
        alt.vconcat(alt.hconcat(*top), alt.hconcat(*bottom))
        .resolve_scale(color="independent")
        .properties(
            title=with_notes(
                title,
                reconstructed,
                "Top: each patient's two visits joined by a line; bottom: each patient's change (dashed: no change)",
                *dict.fromkeys(sampled),
            ),
            description=description,
        )
    )


def _rho(rho: Any) -> str:
    """Spearman's rho with its sign and two decimals, or words where it could not be computed."""
    return "not computable" if pd.isna(rho) else variant_text(rho, "sf2")
