"""The card that opens every chapter: the size of the finding, its verdict, its support, what narrows it.

A clinician reading only the card learns the chapter's answer: how large the change was (as
published, and on the data shown), the verdict in words, how far reconstructions not built to
meet the claims still show them, and which published figures narrow the numbers the chapter
derives. The published claims themselves are one click away. Everything on it is computed: the
sizes from the registry and the data, the verdicts from the data, the support from the cached
ensembles, the narrowing from the reconstruction intervals. On a reader's own data the card says
nothing about reconstructions: the ensembles are about the published figures, not their patients.

Chapters 08-11 (scorecard, consistency, robustness, discussion) get a card of the same look from
`page_card`, with the sentences each page computes.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from tacmg.analyses import interval_classes
from tacmg.claims import verdicts
from tacmg.claims.registry import Registry
from tacmg.data.loader import Dataset
from tacmg.presentation import findings, report
from tacmg.presentation.intervals import SectionIntervals, listed

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


def page_card(points: Sequence[tuple[str, str]], title: str = "In short") -> str:
    """A card of labelled sentences (plain text, escaped here) as HTML.

    Examples
    --------
    >>> page_card([("Verdict", "All 3 claims hold."), ("Support", "")]).split("</p>")[1:]
    ['<p><strong>Verdict.</strong> All 3 claims hold.', '</aside>']
    """
    parts = [
        '<aside class="tacmg-summary" aria-label="Summary of this page">',
        f"<p class='tacmg-summary-title'>{html.escape(title)}</p>",
    ]
    parts += [f"<p><strong>{html.escape(label)}.</strong> {html.escape(text)}</p>" for label, text in points if text]
    return "".join(parts) + "</aside>"


def narrowing_sentence(intervals: SectionIntervals, labels: Mapping[str, str]) -> str:
    """What the published figures pin down among a chapter's derived numbers, short enough for a card.

    The numbers the figures fix or narrow are named; the rest are counted (the chapter's tables
    name each with its class). "" on a reader's own data, where the intervals do not apply.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"ri_low": [1.0, 0.0, 2.0, 0.0], "ri_high": [1.0, 9.0, 3.0, 9.0],
    ...                   "number_class": ["fixed by the published figures",
    ...                                    "not narrowed (priors centred on the report)",
    ...                                    "narrowed by the published summaries", "set by a prior"]},
    ...                  index=["a", "b", "c", "d"])
    >>> print(narrowing_sentence(SectionIntervals(t), {"a": "n", "b": "d", "c": "m", "d": "s"}).replace(". ", ".\\n"))
    The published figures fix n; the published summaries narrow m.
    Of the other 2 numbers the chapter derives, priors centred on the report place 1 and a prior sets 1.
    >>> narrowing_sentence(SectionIntervals(t.iloc[[1]]), {"b": "d"})
    'Priors centred on the report place the number the chapter derives.'
    >>> narrowing_sentence(SectionIntervals(None), {"a": "n"})
    ''
    """
    if not intervals.applies:
        return ""
    ic = interval_classes
    by_class: dict[str, list[str]] = {}
    for key, label in labels.items():
        by_class.setdefault(intervals.number_class(key) or ic.NOT_NARROWED, []).append(label)
    named = [
        (ic.FIXED, "the published figures fix"),
        (ic.BY_SUMMARIES, "the published summaries narrow"),
        (ic.BY_TESTS, "the published tests narrow"),
        (ic.BY_BOTH, "the summaries and the tests together narrow"),
    ]
    parts = [f"{verb} {listed(by_class[c])}" for c, verb in named if by_class.get(c)]
    text = f"{'; '.join(parts)}." if parts else ""
    placed, set_by_prior = len(by_class.get(ic.NOT_NARROWED, [])), len(by_class.get(ic.SET_BY_PRIOR, []))
    count, other = placed + set_by_prior, "other " if parts else ""
    if placed == 0 or set_by_prior == 0:  # one class for the rest: name it once
        who = "priors centred on the report place" if placed else "a prior sets"
        numbers = "number" if count == 1 else f"{count} numbers"
        text += f" {who[0].upper()}{who[1:]} the {other}{numbers} the chapter derives." if count else ""
    else:
        rest = [f"priors centred on the report place {placed}"] if placed else []
        rest += [f"a prior sets {set_by_prior}"] if set_by_prior else []
        text += f" Of the {other}{count} numbers the chapter derives, {listed(rest)}."
    text = text.strip()
    return text[0].upper() + text[1:] if text else ""


def _chapter_of(finding_names: Sequence[str]) -> str | None:
    return next((c for c, fs in findings.CHAPTER_FINDINGS.items() if fs[0] == finding_names[0]), None)


def _support() -> findings.Support:
    """The robustness chapter's shares, from the cached ensembles (built before the chapters)."""
    from tacmg.analyses import robustness, status_link

    return findings.Support.from_tables(robustness.robustness()["shares"], status_link.link_robustness()["clinical"])


def summary_card(
    dataset: Dataset,
    finding_names: Sequence[str],
    registry: Registry,
    intervals: SectionIntervals | None = None,
    derived: Mapping[str, str] | None = None,
    support: findings.Support | None = None,
) -> str:
    """The chapter's opening card as HTML (an ``<aside>`` the theme styles in light and dark mode).

    Parameters
    ----------
    dataset : Dataset
        The data the chapter shows.
    finding_names : sequence of str
        The registry findings the chapter covers (e.g. ``["molecule_change", "improved_subset"]``).
    registry : Registry
        The claims.
    intervals : SectionIntervals, optional
        The chapter's reconstruction intervals (`tacmg.presentation.intervals.for_chapter`).
    derived : mapping, optional
        The chapter's derived numbers in words (`tacmg.presentation.chapter_numbers.DERIVED`).
    support : findings.Support, optional
        The robustness chapter's shares; read from the cached ensembles when not given. Not
        quoted on a reader's own data.

    Returns
    -------
    str

    Examples
    --------
    >>> from tacmg import load
    >>> from tacmg.claims.registry import load_claims
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> none = findings.Support(0, {}, {})
    >>> card = summary_card(load(RECONSTRUCTED_DIR), ["cohort"], load_claims(), support=none)
    >>> "All 3 claims hold because the data were built to meet them." in card
    True
    >>> card.startswith('<aside class="tacmg-summary"')
    True
    """
    claims = [c for finding in finding_names for c in registry.select(finding=finding) if c.kind != "implied"]
    every_claim = report.scorecard(dataset, registry)  # evaluated once (0.14 s), read twice below
    table = every_claim[every_claim["claim_id"].isin([c.id for c in claims])]
    failed_rows = table["verdict"] == verdicts.DOES_NOT_HOLD
    failed = [registry.by_id(claim_id).paraphrase for claim_id in table.loc[failed_rows, "claim_id"]]
    reconstructed = report.is_reconstructed(dataset)
    data = "In the reconstruction" if reconstructed else "In your data"
    chapter = _chapter_of(finding_names)
    points: list[tuple[str, str]] = []
    if chapter is not None:
        published, shown = findings.sizes(chapter, registry, every_claim)
        points += [("Published", published), (data, shown[0].upper() + shown[1:])]
    points.append(("Verdict", findings.verdict_sentence(table["verdict"], reconstructed, failed)))
    if reconstructed:
        ids = [c.id for c in claims]
        points.append(("Support", findings.support_sentence(ids, tuple(finding_names), support or _support())))
    if intervals is not None and derived:
        points.append(("What narrows it", narrowing_sentence(intervals, derived)))
    card = page_card(points)
    # The claims themselves, one click away: the findings (tests, directions, correlations) first.
    headline = [c for c in claims if c.kind != "descriptive"] + [c for c in claims if c.kind == "descriptive"]
    items = "".join(f"<li>{html.escape(c.paraphrase)}</li>" for c in headline)
    noun = "claim" if len(claims) == 1 else "claims"
    listing = f"<details><summary>The {len(claims)} published {noun}</summary><ul>{items}</ul></details>"
    return card.removesuffix("</aside>") + listing + "</aside>"
