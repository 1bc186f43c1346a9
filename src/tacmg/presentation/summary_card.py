"""The card that opens every findings chapter: what was published, what the data shown say, what it means.

A clinician reading only the card learns the chapter's answer: the published claims in words, how
many hold on the data shown and how (built in, or tested), which published figures narrow the
numbers the chapter derives, and what the verdicts cannot show. Everything on it is computed:
the claims from the registry, the verdicts from the data, the implied numbers from the
reconstruction intervals.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from tacmg.claims import verdicts
from tacmg.claims.registry import Registry
from tacmg.data.loader import Dataset
from tacmg.presentation import report
from tacmg.presentation.implied_words import implied_text
from tacmg.presentation.intervals import SectionIntervals

# What the card's place shows until the chapter's cells have run (in JupyterLab, before Run All).
PENDING = (
    '<aside class="tacmg-summary tacmg-pending" aria-label="Summary of this page">'
    "<p>The summary of this page appears here once its cells have run.</p></aside>"
)


def card_slot() -> Any:
    """Reserve the card's place at the top of a page; fill it later with ``slot.update(HTML(card))``.

    The card depends on the page's parameters (the data directory, the confidence level ...), yet
    the parameter cell must come below it, so that a reader meets the answer before the knobs. The
    card's cell therefore displays a placeholder with a display id, and the cell that computes the
    card, after the parameters, updates it; nbclient writes the update into the stored output of
    the card's cell, so the built page shows the card at the top.

    Returns
    -------
    IPython.display.DisplayHandle
    """
    from IPython.display import HTML, display

    return display(HTML(PENDING), display_id=True)


def _verdict_sentence(counts: Mapping[str, int], failed: Sequence[str]) -> str:
    """'3 of 4 claims hold: 2 built in, 1 tested; 1 does not hold (...).'"""
    total, holds = counts["total"], counts["holds"]
    text = (
        f"{holds} of {total} claim{'s' if total != 1 else ''} hold: {counts['conditioned']} because the data were "
        f"built to meet {'it' if counts['conditioned'] == 1 else 'them'} (conditioned), {counts['tested']} tested"
    )
    if failed:
        text += f"; {len(failed)} {'does' if len(failed) == 1 else 'do'} not hold ({'; '.join(failed)})"
    if unknown := counts.get("not_computable", 0):
        text += f"; {unknown} {'is' if unknown == 1 else 'are'} not computable on these data"
    return text + "."


def summary_card(
    dataset: Dataset,
    findings: Sequence[str],
    registry: Registry,
    intervals: SectionIntervals | None = None,
    derived: Mapping[str, str] | None = None,
) -> str:
    """The chapter's opening card as HTML (an ``<aside>`` the theme styles in light and dark mode).

    Parameters
    ----------
    dataset : Dataset
        The data the chapter shows.
    findings : sequence of str
        The registry findings the chapter covers (e.g. ``["molecule_change", "improved_subset"]``).
    registry : Registry
        The claims.
    intervals : SectionIntervals, optional
        The chapter's reconstruction intervals (`tacmg.presentation.intervals.for_chapter`).
    derived : mapping, optional
        The chapter's derived numbers in words (`tacmg.presentation.chapter_numbers.DERIVED`).

    Returns
    -------
    str

    Examples
    --------
    >>> from tacmg import load
    >>> from tacmg.claims.registry import load_claims
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> card = summary_card(load(RECONSTRUCTED_DIR), ["cohort"], load_claims())
    >>> "3 of 3 claims hold" in card, card.startswith('<aside class="tacmg-summary"')
    (True, True)
    """
    claims = [c for finding in findings for c in registry.select(finding=finding) if c.kind != "implied"]
    table = report.scorecard(dataset, registry)
    table = table[table["claim_id"].isin([c.id for c in claims])]
    counts = report.verdict_counts(table)
    failed_rows = table["verdict"] == verdicts.DOES_NOT_HOLD
    failed = [registry.by_id(claim_id).paraphrase for claim_id in table.loc[failed_rows, "claim_id"]]
    # The findings themselves first (tests, directions, correlations); the summary figures they
    # rest on (counts, medians, means) one click away.
    headline = [c for c in claims if c.kind != "descriptive"] or claims
    rest = [c for c in claims if c not in headline]
    published = "".join(f"<li>{html.escape(c.paraphrase)}</li>" for c in headline)
    if rest:
        more = "".join(f"<li>{html.escape(c.paraphrase)}</li>" for c in rest)
        published += f"<li><details><summary>and {len(rest)} summary figures</summary><ul>{more}</ul></details></li>"
    reconstructed = report.is_reconstructed(dataset)
    data = "the reconstruction" if reconstructed else "your data"
    meaning = implied_text(intervals, derived) if intervals is not None and derived else ""
    if reconstructed:
        caveat = (
            "A claim the data were built to meet shows that the published figures fit together, not what "
            "the patients did; the reconstructed patients are synthetic."
        )
    else:
        caveat = (
            "Every verdict is computed on your data: a claim that holds here is a replication on these "
            "patients, with the uncertainty the sampling intervals show."
        )
    parts = [
        '<aside class="tacmg-summary" aria-label="Summary of this chapter">',
        "<p class='tacmg-summary-title'>In short</p>",
        f"<p><strong>Published.</strong></p><ul>{published}</ul>",
        f"<p><strong>In {data}.</strong> {html.escape(_verdict_sentence(counts, failed))}</p>",
    ]
    if meaning:
        parts.append(f"<p><strong>What the report pins down.</strong> {html.escape(meaning)}</p>")
    parts.append(f"<p><strong>What it does not show.</strong> {html.escape(caveat)}</p>")
    parts.append("</aside>")
    return "".join(parts)
