"""The opening cards of the pages on what the report establishes (chapters 08-11).

Each returns the labelled sentences `tacmg.presentation.summary_card.page_card` lays out: the
scorecard's verdicts, the consistency checks and what they flagged, the range of support across
reconstructions and how the score falls move with the prior no source gives, and the
discussion's main point with the figures the page computes. All computed; nothing typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from tacmg.analyses.robustness import READINGS
from tacmg.claims import verdicts
from tacmg.presentation import findings, landing
from tacmg.presentation.intervals import listed
from tacmg.presentation.report import stated_and_implied
from tacmg.stats.rounding import minus_signs

Points = list[tuple[str, str]]


def scorecard_points(card: pd.DataFrame, reconstructed: bool) -> Points:
    """The scorecard's card: the stated claims' verdicts, then the implied claims'.

    Examples
    --------
    >>> card = pd.DataFrame({"finding": ["a", "a", "b"], "kind": ["descriptive", "inferential", "implied"],
    ...                      "verdict": ["holds (conditioned)", "holds (conditioned)", "does not hold"]})
    >>> for label, text in scorecard_points(card, True):
    ...     print(f"{label}: {text[:60]}")
    Stated claims: Both claims hold because the data were built to meet them.
    Implied claims: The claim does not hold on these data (a pair that the publi
    """
    stated, implied = stated_and_implied(card)
    points = [("Stated claims", findings.verdict_sentence(stated["verdict"], reconstructed))]
    if len(implied):
        counts = verdicts.counts(implied["verdict"])
        total = counts["total"]
        if total == 1:
            holds = "holds" if counts["holds"] else "does not hold"
            text = f"The claim {holds} on these data"
        else:
            text = f"{counts['holds']} of {total} hold on these data"
            if counts["failed"]:
                text += f", {counts['failed']} {'does' if counts['failed'] == 1 else 'do'} not"
            if counts["not_computable"]:
                text += f", {counts['not_computable']} cannot be computed on them"
        pairs = "a pair" if total == 1 else "pairs and molecules"
        text += f' ({pairs} that the published lists leave out, read as "did not").'
        points.append(("Implied claims", text))
    return points


def consistency_points(checks: pd.DataFrame) -> Points:
    """The consistency page's card: every verdict counted, then what was flagged.

    Examples
    --------
    >>> checks = pd.DataFrame({"check": ["a", "b"], "verdict": ["consistent", "ambiguous"]})
    >>> scorecard = consistency_points(checks)
    >>> scorecard[1]
    ('Flagged', 'B (open to two readings).')
    """
    words = {"inconsistent": "the sources contradict each other", "ambiguous": "open to two readings"}
    flagged = [f"{row['check']} ({words[row['verdict']]})" for _, row in checks.iterrows() if row["verdict"] in words]
    points = [("Verdict", landing.consistency_sentence(checks))]
    if flagged:
        text = listed(flagged)
        points.append(("Flagged", f"{text[0].upper()}{text[1:]}."))
    points.append(("Data", "These checks need no patient data: they run on the published figures alone."))
    return points


def _percents(figures: Mapping[str, Any], stem: str) -> str:
    """``<stem>_min`` to ``<stem>_max`` (in %) as whole percentages."""
    return findings.whole_percent_range(figures[f"{stem}_min"] / 100, figures[f"{stem}_max"] / 100)


def robustness_points(shares: pd.DataFrame, link: Mapping[str, Any], sens: Mapping[str, Any]) -> Points:
    """The robustness page's card: the range of support shares and how the score falls move.

    Parameters
    ----------
    shares : pandas.DataFrame
        `tacmg.analyses.robustness.robustness()["shares"]` (share, cohorts, reading).
    link : mapping
        `tacmg.analyses.status_link.summary` (``a_scores_min``/``_max`` in %).
    sens : mapping
        `tacmg.analyses.status_link_sensitivity.sensitivity_summary` (shares in %).
    """
    cohorts = int(shares["cohorts"].iloc[0])
    reading = shares["reading"].value_counts()
    spread = findings.whole_percent_range(float(shares["share"].min()), float(shares["share"].max()))
    counted = {r: int(reading.get(r, 0)) for r in READINGS}
    parts = [f"{n} {r if n == 1 else r.replace('holds', 'hold')}" for r, n in counted.items() if n]
    support = (
        f"In {cohorts:,} reconstructions built on the published summaries alone, the {len(shares)} inferential claims "
        f"hold in {spread} of them: {listed(parts)}."
    )
    scores = (
        f"If the scores of patients outside minimal manifestation status ignore their status, the four score "
        f"falls hold in {_percents(link, 'a_scores')}; across the plausible range of the one prior no source "
        f"gives, in {_percents(sens, 'a_favourable_scores')} at its favourable end and "
        f"{_percents(sens, 'a_harsh_scores')} at its harsh end."
    )
    caveat = (
        "Every cohort here is generated. A molecule claim's share restates its priors, which were chosen "
        "with the claim in mind; only the score and dose claims are tested against priors that were not."
    )
    return [("Support", support), ("Score falls", scores), ("What it does not show", caveat)]


def discussion_points(values: Mapping[str, Any], reconstructed: bool) -> Points:
    """The discussion page's card: its main point, with the figures the page computes.

    Parameters
    ----------
    values : mapping
        `tacmg.presentation.chapter_values.discussion_values`, with ``threshold`` (the trial's
        MG-ADL entry) and ``published_adl`` (the published baseline median).
    reconstructed : bool
        Whether the data shown are the reconstruction.
    """
    point = (
        "A referee would ask what the report does not answer: whether the steroid dose explains the "
        "molecule findings, whether the assays can carry the comparisons, and how refractory the cohort was."
    )
    dose = (
        f"The strongest association of the baseline dose is with {values['strongest']}; holding the dose fixed "
        f"moves the published molecule-score correlations {values['shift']}."
    )
    if reconstructed:
        dose += " The reconstruction drew the dose with no link to either, so this restates that assumption."
    refractory = (
        f"{values['entry_of']} with a baseline MG-ADL have a score of at least {values['threshold']:g}, the entry "
        "threshold of a trial in refractory disease"
    )
    if values["threshold"] > values["published_adl"]:  # above the published median: at most half can reach it
        refractory += f"; the published median of {values['published_adl']:g} caps that at half of the study's patients"
    refractory += "."
    refractory = refractory[0].upper() + refractory[1:]
    return [("Main point", point), ("Dose", minus_signs(dose)), ("Refractory", refractory)]
