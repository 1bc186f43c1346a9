"""Altair charts of the molecule chapters, in the visual language of `tacmg.charts`.

Same colours for Baseline / Month 12 / Healthy controls and for post-intervention statuses, every
point shown with a tooltip, concentrations on a log axis titled with pg/mL, and a subtitle saying
whose data these are (`charts.titled`). Inputs are the tidy frames of `tacmg.molecules`; none
carries a patient code, so no chart can show one (patients are anonymous `track` numbers, used
only to draw each patient's line and never put in a tooltip).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from tacmg.presentation import charts
from tacmg.presentation.charts import VISIT_COLOURS, status_scale, titled
from tacmg.data.contract import MOLECULE_UNIT, MOLECULES, SCORES

PANEL_WIDTH = 140
PANEL_HEIGHT = 160
COLUMNS = 3
BOOK_WIDTH = 250  # a panel when two sit side by side in the book's text column
MOLECULE_ORDER = list(MOLECULES.values())
SIGNIFICANCE_COLOURS = {"yes": "#222222", "no": "#b0b0b0"}
RHO_SCHEME = "redblue"  # reversed below: positive correlations red, negative blue


def _panel_title(text: str) -> alt.TitleParams:
    return alt.TitleParams(text, anchor="start", fontSize=12)


def _with_notes(title: str, reconstructed: bool, *notes: str) -> alt.TitleParams:
    """`charts.titled` plus explanatory lines under the data note."""
    params = titled(title, reconstructed)
    params.subtitle = [*params.subtitle, *notes]
    return params


def _unit_of(variable: str) -> str:
    return "points" if variable in SCORES else MOLECULE_UNIT


def _is_score(variable: str) -> bool:
    return variable in SCORES


def _log_scale(values) -> alt.Scale:
    """A log scale spanning the data (not whole decades), so small panels use their space."""
    values = pd.Series(values, dtype=float)
    return alt.Scale(type="log", domain=[float(values.min()) / 1.15, float(values.max()) * 1.15], nice=False)


LOG_AXIS = alt.Axis(labelSeparation=6, tickCount=5)


# ----------------------------------------------------------------------------- distributions


def strip_grid(values: pd.DataFrame, title: str, reconstructed: bool, columns: int = COLUMNS) -> alt.ConcatChart:
    """One `charts.strip_by_group` panel per molecule (log scale, every point, median tick).

    values: `molecules.values_by_group` (molecule, label, group, value in pg/mL).
    """
    panels = []
    for molecule_label in [m for m in MOLECULE_ORDER if m in set(values["label"])]:
        part = values.loc[values["label"] == molecule_label, ["group", "value"]].reset_index(drop=True)
        panel = charts.strip_by_group(part, molecule_label, MOLECULE_UNIT, reconstructed, log_scale=True)
        panels.append(panel.properties(width=PANEL_WIDTH, height=PANEL_HEIGHT, title=_panel_title(molecule_label)))
    return alt.concat(*panels, columns=columns).properties(
        title=_with_notes(title, reconstructed, "Every value shown; black tick: median; log scale"))


def ratio_forest(table: pd.DataFrame, title: str, x_title: str, reconstructed: bool, *,
                 group: str | None = None, alpha: float = 0.05, confidence: float = 0.95) -> alt.LayerChart:
    """Hodges-Lehmann ratio with its confidence interval per molecule, on a log axis, with a rule
    at 1 (no difference). Dark marks: adjusted p below `alpha`; grey: not.

    table: a `molecules.baseline_against_controls` or `paired_change` table (label, hl_ratio,
    hl_ratio_low, hl_ratio_high, p, p_adjusted, significant_adjusted; published columns if
    present). group: a column to separate rows of several tables (e.g. 'subset').
    """
    frame = table.copy()
    frame["significant after correction"] = frame["significant_adjusted"].map(
        lambda v: "n/a" if v is pd.NA else ("yes" if v else "no"))
    if "published" not in frame:
        frame["published"] = [
            "not listed" if not isinstance(d, str) else f"{d}, {'significant' if s is True else 'not significant'}"
            for d, s in zip(frame["published_direction"], frame["published_significant"])]
    y = alt.Y("label:N", title=None, sort=MOLECULE_ORDER)
    tooltip = [alt.Tooltip("label:N", title="Molecule")]
    if group:
        tooltip.append(alt.Tooltip(f"{group}:N", title=group.capitalize()))
    tooltip += [alt.Tooltip("hl_ratio:Q", title="Ratio (Hodges-Lehmann)", format=".3g"),
                alt.Tooltip("hl_ratio_low:Q", title=f"{100 * confidence:g}% CI from", format=".3g"),
                alt.Tooltip("hl_ratio_high:Q", title=f"{100 * confidence:g}% CI to", format=".3g"),
                alt.Tooltip("p:Q", title="p", format=".2g"),
                alt.Tooltip("p_adjusted:Q", title="Adjusted p", format=".2g"),
                alt.Tooltip("published:N", title="Published")]
    colour = alt.Color("significant after correction:N", title=f"Adjusted p < {alpha:g}",
                       scale=alt.Scale(domain=list(SIGNIFICANCE_COLOURS), range=list(SIGNIFICANCE_COLOURS.values())))
    encode = dict(y=y, tooltip=tooltip, color=colour)
    if group:
        encode["yOffset"] = alt.YOffset(f"{group}:N")
    # a log axis spanning the intervals (and 1), not whole decades
    low = min(float(frame["hl_ratio_low"].min()), 1.0) / 1.1
    high = max(float(frame["hl_ratio_high"].max()), 1.0) * 1.1
    x_scale = alt.Scale(type="log", domain=[low, high], nice=False)
    bars = alt.Chart(frame).mark_rule(strokeWidth=2).encode(
        x=alt.X("hl_ratio_low:Q", title=x_title, scale=x_scale), x2="hl_ratio_high:Q", **encode)
    shape = {"shape": alt.Shape(f"{group}:N", title=group.capitalize())} if group else {}
    points = alt.Chart(frame).mark_point(filled=True, size=70, opacity=1).encode(
        x=alt.X("hl_ratio:Q", scale=x_scale), **encode, **shape)
    one = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="#444", strokeDash=[4, 3]).encode(x="x:Q")
    return alt.layer(one, bars, points).properties(
        width=charts.WIDTH * 1.3, height=28 * frame["label"].nunique() * (2 if group else 1),
        title=_with_notes(title, reconstructed, f"Point: Hodges-Lehmann ratio; bar: {100 * confidence:g}% confidence interval"))


# ----------------------------------------------------------------------------- change


def paired_grid(values: pd.DataFrame, title: str, reconstructed: bool, columns: int = COLUMNS) -> alt.ConcatChart:
    """One line per patient from baseline to month 12, per molecule, on a log axis, coloured by
    post-intervention status.

    values: `molecules.paired_values` (track, status, molecule, label, visit, value, ratio).
    """
    colour = alt.Color("status:N", title="Post-intervention status", scale=status_scale(values["status"]),
                       legend=alt.Legend(orient="top"))
    panels = []
    for molecule_label in [m for m in MOLECULE_ORDER if m in set(values["label"])]:
        part = values[values["label"] == molecule_label].reset_index(drop=True)
        base = alt.Chart(part).encode(
            x=alt.X("visit:N", title=None, sort=["Baseline", "Month 12"], axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=f"{molecule_label} ({MOLECULE_UNIT})", scale=_log_scale(part["value"]),
                    axis=LOG_AXIS),
            detail="track:N", color=colour,
            tooltip=[alt.Tooltip("visit:N", title="Visit"),
                     alt.Tooltip("value:Q", title=f"{molecule_label} ({MOLECULE_UNIT})", format=".4g"),
                     alt.Tooltip("ratio:Q", title="Month 12 / baseline", format=".2f"),
                     alt.Tooltip("status:N", title="Status")])
        panels.append((base.mark_line(opacity=0.4, strokeWidth=1.1) + base.mark_circle(size=28, opacity=0.8))
                      .properties(width=PANEL_WIDTH * 0.8, height=PANEL_HEIGHT, title=_panel_title(molecule_label)))
    return alt.concat(*panels, columns=columns).properties(
        title=_with_notes(title, reconstructed, "One line per patient; log scale"))


def status_change_chart(ratios: pd.DataFrame, title: str, reconstructed: bool,
                        columns: int = COLUMNS) -> alt.FacetChart:
    """Each patient's month-12 / baseline ratio by post-intervention status, per molecule, on a
    log axis with a rule at 1 (no change) and a tick at each group's median.

    ratios: `molecules.log_ratios` (molecule, label, status, ratio, log_ratio).
    """
    statuses = [s for s in charts.STATUS_COLOURS if s in set(ratios["status"])]
    y = alt.Y("ratio:Q", title="Month 12 / baseline (ratio)", scale=alt.Scale(type="log"))
    x = alt.X("status:N", title="Status", sort=statuses, axis=alt.Axis(labelAngle=0))
    points = alt.Chart().mark_circle(size=26, opacity=0.75).encode(
        x=x, xOffset=alt.XOffset("jitter:Q"), y=y,
        color=alt.Color("status:N", title="Post-intervention status", scale=status_scale(ratios["status"]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("label:N", title="Molecule"), alt.Tooltip("status:N", title="Status"),
                 alt.Tooltip("ratio:Q", title="Month 12 / baseline", format=".2f")],
    ).transform_calculate(jitter="random()")
    medians = alt.Chart().mark_tick(color="black", thickness=2, size=22).encode(
        x=x, y=alt.Y("median(ratio):Q"),
        tooltip=[alt.Tooltip("status:N", title="Status"),
                 alt.Tooltip("median(ratio):Q", title="Median ratio", format=".2f")])
    # one rule per panel: aggregate the panel's rows to one before drawing it
    one = alt.Chart().transform_aggregate(n="count()").mark_rule(color="#444", strokeDash=[4, 3]).encode(
        y=alt.datum(1))
    return alt.layer(one, points, medians, data=ratios).properties(
        width=PANEL_WIDTH * 0.8, height=PANEL_HEIGHT,
    ).facet(facet=alt.Facet("label:N", title=None, sort=MOLECULE_ORDER), columns=columns).properties(
        title=_with_notes(title, reconstructed, "Below the dashed line: fell; black tick: group median; log scale"))


# ----------------------------------------------------------------------------- correlations


def _heatmap_frame(table: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Both triangles of the molecule block (a symmetric matrix reads more easily)."""
    frame = table.copy()
    mirror = frame[frame["block"] == "molecule-molecule"].rename(columns={
        "var_x": "var_y", "var_y": "var_x", "label_x": "label_y", "label_y": "label_x"})
    frame = pd.concat([frame, mirror], ignore_index=True)
    sig = frame["significant"].fillna(False).astype(bool)
    sig_adj = frame["significant_adjusted"].fillna(False).astype(bool)
    frame["mark"] = ["*\u2020" if a else "*" if s else "" for s, a in zip(sig, sig_adj)]
    frame["published"] = frame["published_sign"].where(frame["published_sign"].notna(), "not reported").astype(str)
    frame["is_published"] = frame["published_sign"].notna()
    return frame


def correlation_heatmap(table: pd.DataFrame, title: str, reconstructed: bool, *, alpha: float = 0.05,
                        correction_name: str = "Benjamini-Hochberg") -> alt.HConcatChart:
    """Spearman rho as colour (red positive, blue negative, -1 to 1) for scores x molecules and
    molecules x molecules, with '*' where p < alpha, '*\u2020' where the adjusted p is too, and a
    black outline around pairs the sources report. Tooltip: rho, p, adjusted p, published sign.

    table: `molecules.correlation_table`.
    """
    frame = _heatmap_frame(table, alpha)
    colour = alt.Color("rho:Q", title="Spearman rho",
                       scale=alt.Scale(scheme=RHO_SCHEME, domain=[-1, 1], reverse=True))
    tooltip = [alt.Tooltip("label_x:N", title="Variable 1"), alt.Tooltip("label_y:N", title="Variable 2"),
               alt.Tooltip("rho:Q", title="Spearman rho", format="+.2f"),
               alt.Tooltip("p:Q", title="p", format=".2g"),
               alt.Tooltip("p_adjusted:Q", title="Adjusted p", format=".2g"),
               alt.Tooltip("published:N", title="Published sign")]

    def block(name: str, x_order: Sequence[str], y_order: Sequence[str], width: int, block_title: str):
        part = frame[frame["block"] == name]
        x = alt.X("label_y:N", title=None, sort=list(x_order), axis=alt.Axis(labelAngle=-45))
        y = alt.Y("label_x:N", title=None, sort=list(y_order))
        base = alt.Chart(part).encode(x=x, y=y, tooltip=tooltip)
        cells = base.mark_rect().encode(color=colour)
        outline = base.transform_filter("datum.is_published").mark_rect(
            fill=None, stroke="black", strokeWidth=2)
        text = base.mark_text(fontSize=13, fontWeight="bold", dy=1).encode(text="mark:N")
        return alt.layer(cells, outline, text).properties(width=width, height=26 * len(y_order),
                                                          title=_panel_title(block_title))

    scores = [SCORES[s][0] for s in SCORES]
    left = block("score-molecule", MOLECULE_ORDER, scores, 26 * len(MOLECULE_ORDER), "Clinical scores and molecules")
    right = block("molecule-molecule", MOLECULE_ORDER, MOLECULE_ORDER, 26 * len(MOLECULE_ORDER), "Molecules")
    return alt.hconcat(left, right, spacing=40).resolve_scale(color="shared").properties(
        title=_with_notes(title, reconstructed,
                          f"* p < {alpha:g}; \u2020 also after {correction_name} correction; "
                          "outlined: a pair the sources report"))


def scatter_grid(values: pd.DataFrame, table: pd.DataFrame, title: str, reconstructed: bool,
                 columns: int = COLUMNS) -> alt.ConcatChart:
    """One scatter per pair (small multiples), molecules on log axes, scores on linear ones, each
    panel titled with its Spearman rho and adjusted p.

    values: `molecules.pair_values`; table: `molecules.correlation_table` (for rho and p).
    """
    lookup = {frozenset((r.var_x, r.var_y)): r for r in table.itertuples()}
    panels = []
    for (var_x, var_y), part in values.groupby(["var_x", "var_y"], sort=False):
        row = lookup[frozenset((var_x, var_y))]
        lx, ly = part["label_x"].iloc[0], part["label_y"].iloc[0]
        x_title, y_title = f"{lx} ({_unit_of(var_x)})", f"{ly} ({_unit_of(var_y)})"
        chart = alt.Chart(part.reset_index(drop=True)).mark_circle(
            size=34, opacity=0.75, color=VISIT_COLOURS["Baseline"]).encode(
            x=alt.X("x:Q", title=x_title, scale=alt.Scale(zero=False) if _is_score(var_x) else _log_scale(part["x"]),
                    axis=alt.Axis() if _is_score(var_x) else LOG_AXIS),
            y=alt.Y("y:Q", title=y_title, scale=alt.Scale(zero=False) if _is_score(var_y) else _log_scale(part["y"]),
                    axis=alt.Axis() if _is_score(var_y) else LOG_AXIS),
            tooltip=[alt.Tooltip("x:Q", title=x_title, format=".4g"), alt.Tooltip("y:Q", title=y_title, format=".4g")])
        panel_title = alt.TitleParams(f"{lx} and {ly}", subtitle=[f"rho = {row.rho:+.2f}, adjusted p = {row.p_adjusted:.2g}"],
                                      anchor="start", fontSize=12, subtitleFontSize=10)
        panels.append(chart.properties(width=PANEL_WIDTH * 0.9, height=PANEL_WIDTH * 0.9, title=panel_title))
    return alt.concat(*panels, columns=columns).properties(
        title=_with_notes(title, reconstructed, "Patients at baseline; molecules on log axes"))


# ----------------------------------------------------------------------------- between and within


def between_within_chart(tracks: pd.DataFrame, changes: pd.DataFrame, molecule_label: str, title: str,
                         reconstructed: bool) -> alt.VConcatChart:
    """Top: each patient at baseline and month 12 (colours of `charts.VISIT_COLOURS`) joined by a
    grey line, molecule on a log x axis, score on y; the cloud at one visit shows the
    between-patient association, each line one patient's change. Bottom: change in the molecule
    (ratio, log axis) against change in the score, coloured by status: the within-patient question.

    tracks: `molecules.trajectories`; changes: `molecules.changes_together`.
    """
    top, bottom = [], []
    two_visits = alt.Scale(domain=["Baseline", "Month 12"], range=[VISIT_COLOURS["Baseline"], VISIT_COLOURS["Month 12"]])
    for score, part in tracks.groupby("score", sort=False):
        score_label = part["label_score"].iloc[0]
        x = alt.X("molecule_value:Q", title=f"{molecule_label} ({MOLECULE_UNIT})",
                  scale=_log_scale(tracks["molecule_value"]), axis=LOG_AXIS)
        y = alt.Y("score_value:Q", title=f"{score_label} (points)")
        lines = alt.Chart(part).mark_line(color="#999", opacity=0.45, strokeWidth=1).encode(
            x=x, y=y, detail="track:N", order="visit:N")
        points = alt.Chart(part).mark_circle(size=40, opacity=0.85).encode(
            x=x, y=y, color=alt.Color("visit:N", title="Visit", scale=two_visits, legend=alt.Legend(orient="top")),
            tooltip=[alt.Tooltip("visit:N", title="Visit"),
                     alt.Tooltip("molecule_value:Q", title=f"{molecule_label} ({MOLECULE_UNIT})", format=".4g"),
                     alt.Tooltip("score_value:Q", title=f"{score_label} (points)"),
                     alt.Tooltip("status:N", title="Status")])
        top.append((lines + points).properties(width=BOOK_WIDTH, height=BOOK_WIDTH,
                                               title=_panel_title(f"{molecule_label} and {score_label}, both visits")))
    for score, part in changes.groupby("score", sort=False):
        score_label = part["label_score"].iloc[0]
        x = alt.X("molecule_ratio:Q", title=f"{molecule_label}, month 12 / baseline (ratio)",
                  scale=_log_scale([*changes["molecule_ratio"], 1.0]), axis=LOG_AXIS)
        y = alt.Y("score_change:Q", title=f"Change in {score_label} (points)")
        points = alt.Chart(part).mark_circle(size=40, opacity=0.85).encode(
            x=x, y=y, color=alt.Color("status:N", title="Post-intervention status",
                                      scale=status_scale(changes["status"]), legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("molecule_ratio:Q", title=f"{molecule_label} ratio", format=".2f"),
                     alt.Tooltip("score_change:Q", title=f"Change in {score_label} (points)"),
                     alt.Tooltip("status:N", title="Status")])
        no_change = alt.Chart(pd.DataFrame({"ratio": [1.0], "change": [0.0]}))
        zero_x = no_change.mark_rule(color="#444", strokeDash=[4, 3]).encode(x="ratio:Q")
        zero_y = no_change.mark_rule(color="#444", strokeDash=[4, 3]).encode(y="change:Q")
        bottom.append(alt.layer(zero_x, zero_y, points).properties(
            width=BOOK_WIDTH, height=BOOK_WIDTH,
            title=_panel_title(f"Change in {molecule_label} and in {score_label}")))
    return alt.vconcat(alt.hconcat(*top), alt.hconcat(*bottom)).resolve_scale(color="independent").properties(
        title=_with_notes(title, reconstructed, "Top: each patient's two visits joined by a line; "
                          "bottom: each patient's change (dashed: no change)"))
