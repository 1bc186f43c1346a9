"""The participant-flow summary every data chapter shows near the top of its analysis: a sentence
and a small table of how many patients each analysis can use (`tacmg.analyses.participant_flow`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from tacmg.analyses.participant_flow import flow_numbers, participant_flow
from tacmg.data.cohorts import VISIT_VARIABLES
from tacmg.data.loader import Dataset
from tacmg.presentation.tables import table_view

# The headings of the flow table, by column of `participant_flow`.
HEADINGS = {
    "item": "",
    "n_baseline": "at baseline",
    "n_month_12": "at month 12",
    "n": "at both visits",
    "n_controls": "controls",
}


def flow_sentence(numbers: dict) -> str:
    """What the flow means for the chapter's analyses, in one or two sentences.

    Examples
    --------
    >>> flow_sentence({"enrolled": 20, "month_12": 17, "lost": 3, "status": 18, "fewest": 16, "complete": False})[:60]
    'Of 20 patients enrolled, 17 have a month-12 visit (3 lost to'
    >>> flow_sentence({"enrolled": 32, "month_12": 32, "lost": 0, "status": 32, "fewest": 32, "complete": True})[:48]
    'All 32 patients have both visits and every value'
    """
    if numbers["complete"]:
        return (
            f"All {numbers['enrolled']} patients have both visits and every value shown here, and every "
            "control every molecule: each analysis below uses all of them."
        )
    lost = numbers["lost"]
    visit = (
        f"{numbers['month_12']} have a month-12 visit ({lost} lost to follow-up)"
        if lost
        else "all have a month-12 visit"
    )
    return (
        f"Of {numbers['enrolled']} patients enrolled, {visit}, and {numbers['status']} have a "
        "post-intervention status. Some values are missing (counts below): each analysis uses the "
        "patients that have what it needs (both visits of its variable for a change; the baseline "
        "value beside the controls' values; both variables for a correlation) and gives its n."
    )


class FlowSummary:
    """The flow sentence and table, as one display object (HTML in the book, text elsewhere).

    Examples
    --------
    >>> from tacmg import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> summary = FlowSummary(load(RECONSTRUCTED_DIR), ["qmg"])
    >>> summary.numbers["enrolled"], "at both visits" in summary._repr_html_()
    (32, True)
    """

    def __init__(self, dataset: Dataset, variables: Sequence[str] = VISIT_VARIABLES):
        self.flow = participant_flow(dataset, variables)
        self.numbers = flow_numbers(self.flow)
        shown = self.flow[list(HEADINGS)]
        if shown["n_controls"].isna().iloc[1:].all():
            shown = shown.drop(columns="n_controls")
        text = shown.astype({c: object for c in shown.columns if c != "item"})
        text = text.where(shown.notna(), "")
        self.table = table_view(text.rename(columns=HEADINGS))

    def _repr_html_(self) -> str:
        sentence = f"<p><strong>Participant flow.</strong> {html.escape(flow_sentence(self.numbers))}</p>"
        if self.numbers["complete"]:
            # Nothing is missing: the sentence says it all, and a table of equal counts only repeats it.
            return sentence + f"<details><summary>The counts</summary>{self.table.to_html()}</details>"
        return sentence + self.table.to_html()

    def __repr__(self) -> str:
        return f"Participant flow. {flow_sentence(self.numbers)}\n{self.table!r}"


def flow_summary(dataset: Dataset, variables: Sequence[str] = VISIT_VARIABLES) -> FlowSummary:
    """The participant-flow summary of `dataset` for the chapter's `variables` (see `FlowSummary`).

    Examples
    --------
    >>> from tacmg import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> flow_summary(load(RECONSTRUCTED_DIR), ["mg_adl"]).numbers["mg_adl_n"]
    32
    """
    return FlowSummary(dataset, variables)
