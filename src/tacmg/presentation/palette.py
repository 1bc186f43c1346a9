"""The book's one visual language for charts, defined once: colours for visits, statuses and
changes, the subtitle that says whose data a chart shows, and the small helpers every chart module
shares (panel titles, units, log scales).

Same colours for baseline, month 12 and controls everywhere; tooltips on every point; axis titles
with units. Charts never show patient codes: points are identified by their values only.
"""

from __future__ import annotations

from collections.abc import Iterable

import altair as alt
import pandas as pd

from tacmg.data.contract import MOLECULE_UNIT, SCORES

# What a single chart function returns: Altair's `properties()` widens a layer to layer-or-facet.
SingleChart = alt.Chart | alt.LayerChart | alt.FacetChart

VISIT_LABELS = {"baseline": "Baseline", "month_12": "Month 12", "control": "Healthy controls"}


VISIT_COLOURS = {"Baseline": "#4c72b0", "Month 12": "#dd8452", "Healthy controls": "#8c8c8c"}


STATUS_COLOURS = {
    "MM": "#2ca02c",
    "I": "#4c72b0",
    "U": "#8c8c8c",
    "W": "#d62728",
    "CSR": "#17becf",
    "PR": "#9467bd",
    "E": "#e377c2",
    "D": "#000000",
}


CHANGE_COLOURS = {"improved": "#2ca02c", "unchanged": "#8c8c8c", "worse": "#d62728"}


WIDTH = 320


HEIGHT = 260


def visit_scale() -> alt.Scale:
    """The colour scale of the visits (baseline, month 12, healthy controls), the same in every chart."""
    return alt.Scale(domain=list(VISIT_COLOURS), range=list(VISIT_COLOURS.values()))


def status_scale(codes: Iterable[str]) -> alt.Scale:
    """The colour scale of the post-intervention statuses present in `codes`, in MGFA order."""
    codes = [c for c in STATUS_COLOURS if c in set(codes)]
    return alt.Scale(domain=codes, range=[STATUS_COLOURS[c] for c in codes])


def data_note(reconstructed: bool) -> str:
    """The subtitle every chart carries: whether its data are reconstructed or the reader's."""
    return "Reconstructed data, not patient data" if reconstructed else "Data supplied by the reader"


def titled(title: str, reconstructed: bool) -> alt.TitleParams:
    """A chart title with the `data_note` subtitle."""
    return alt.TitleParams(
        title, subtitle=[data_note(reconstructed)], anchor="start", subtitleColor="#a33", subtitleFontStyle="italic"
    )


def panel_title(text: str) -> alt.TitleParams:
    """The title of one small-multiple panel."""
    return alt.TitleParams(text, anchor="start", fontSize=12)


def with_notes(title: str, reconstructed: bool, *notes: str) -> alt.TitleParams:
    """`titled` plus explanatory lines under the data note."""
    params = titled(title, reconstructed)
    params.subtitle = [*params.subtitle, *notes]
    return params


def unit_of(variable: str) -> str:
    """The unit of a contract variable: points for a clinical score, pg/mL for a molecule."""
    return "points" if variable in SCORES else MOLECULE_UNIT


def is_score(variable: str) -> bool:
    """Whether a contract variable is one of the four clinical scores."""
    return variable in SCORES


def log_scale(values) -> alt.Scale:
    """A log scale spanning the data (not whole decades), so small panels use their space."""
    values = pd.Series(values, dtype=float)
    return alt.Scale(type="log", domain=[float(values.min()) / 1.15, float(values.max()) * 1.15], nice=False)


LOG_AXIS = alt.Axis(labelSeparation=6, tickCount=5)
