"""The landing page's first screen: what the study found, and how far a reader can trust it.

A phone shows about one screen of text before the reader decides to stay: the findings with their
sizes (as published, and on the data shown), one sentence each on what the published figures
support, each linking to its chapter, and the trust signal in words. The first verdict sentence
carries the class ``tacmg-first-verdict`` so that the browser check (``tools/reader_checks.py``)
can hold it within the first one and a half phone screens.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd

from tacmg.claims import verdicts
from tacmg.claims.registry import Registry
from tacmg.presentation import findings
from tacmg.presentation.intervals import listed

# The chapters of results the landing page lists (the cohort chapter describes who, not what).
LANDING_CHAPTERS = tuple(c for c in findings.CHAPTER_FINDINGS if c != "01-cohort")


def trust_sentence(reconstructed: bool, cohorts: int) -> str:
    """How far the verdicts below can be trusted, in words, with links to robustness and methods (HTML).

    Examples
    --------
    >>> "built to meet the published figures" in trust_sentence(True, 10000)
    True
    >>> "reconstruct" in trust_sentence(False, 10000)
    False
    """
    robustness = '<a href="10-robustness.html">robustness</a>'
    methods = '<a href="../book/methods.html">methods</a>'
    if not reconstructed:
        return (
            "<strong>How far to trust it.</strong> Every verdict below is computed on your data: a claim that "
            "holds is a replication on your patients, within the sampling uncertainty each chapter shows "
            f"(the {methods} say how each test was chosen)."
        )
    return (
        "<strong>How far to trust it.</strong> No patient data are public: every verdict is computed on a "
        "reconstructed cohort built to meet the published figures, so a claim that holds there shows only that "
        "the figures fit together. What they support is how often a claim still holds in reconstructions not "
        f"built to meet it ({robustness}; {methods})."
    )


def landing_html(
    card: pd.DataFrame,
    registry: Registry,
    support: findings.Support,
    reconstructed: bool,
    titles: Mapping[str, str],
    subtitle: str,
) -> str:
    """The landing page's opening: subtitle, trust sentence and one item per finding (HTML).

    Parameters
    ----------
    card : pandas.DataFrame
        `tacmg.presentation.report.scorecard` of the data shown.
    registry : Registry
    support : findings.Support
        The robustness chapter's shares (not quoted on a reader's own data).
    reconstructed : bool
        Whether the data shown are the reconstruction.
    titles : mapping
        Chapter name to its title (the link text).
    subtitle : str
        The line under the page title.

    Returns
    -------
    str
        ``<div class="tacmg-landing">`` with the first finding's verdict marked ``tacmg-first-verdict``.
    """
    data = "the reconstruction" if reconstructed else "your data"
    items: list[str] = []
    for chapter in LANDING_CHAPTERS:
        ids = findings.claim_ids(chapter, registry)
        rows = card[card["claim_id"].isin(ids)]
        failed = [registry.by_id(c).paraphrase for c in rows.loc[rows["verdict"] == verdicts.DOES_NOT_HOLD, "claim_id"]]
        published, shown = findings.sizes(chapter, registry, card)
        shown = f"In {data}: {shown}"
        verdict = findings.verdict_sentence(rows["verdict"], reconstructed, failed)
        if reconstructed:
            verdict += " " + findings.support_sentence(ids, findings.CHAPTER_FINDINGS[chapter], support)
        marker = " tacmg-first-verdict" if not items else ""
        link = f'<a href="{html.escape(chapter)}.html">{html.escape(titles[chapter])}&nbsp;→</a>'
        items.append(
            f'<li><p class="tacmg-finding-size"><strong>{html.escape(published)}</strong> '
            f'<span class="tacmg-shown">{html.escape(shown)}</span></p>'
            f'<p class="tacmg-finding-verdict{marker}">{html.escape(verdict.strip())} {link}</p></li>'
        )
    return (
        f'<div class="tacmg-landing"><p class="tacmg-subtitle">{html.escape(subtitle)}</p>'
        f'<p class="tacmg-trust">{trust_sentence(reconstructed, support.cohorts)}</p>'
        f'<ol class="tacmg-findings">{"".join(items)}</ol></div>'
    )


def consistency_sentence(checks: pd.DataFrame) -> str:
    """What the consistency checks of the published figures found, every verdict counted (plain text).

    A check that finds the two sources contradicting each other is named, so the sentence never
    reads as "nothing wrong" beside it.

    Examples
    --------
    >>> checks = pd.DataFrame({"check": ["a", "b", "sample matrix", "c"],
    ...                        "verdict": ["consistent", "consistent", "inconsistent", "ambiguous"]})
    >>> for part in consistency_sentence(checks).split("; "):
    ...     print(part)
    Of 4 consistency checks of the published figures, 2 find them consistent and 1 finds a figure open to two readings
    1 finds the sources contradicting each other (sample matrix).
    """
    counts = checks["verdict"].value_counts()
    words = {
        "consistent": ("finds them consistent", "find them consistent"),
        "ambiguous": ("finds a figure open to two readings", "find a figure open to two readings"),
        "uninformative": ("cannot tell", "cannot tell"),
    }
    parts = [f"{counts[v]} {one if counts[v] == 1 else many}" for v, (one, many) in words.items() if counts.get(v, 0)]
    text = f"Of {len(checks)} consistency checks of the published figures, {listed(parts)}"
    contradicting = checks.loc[checks["verdict"] == "inconsistent", "check"].tolist()
    if contradicting:
        finds = "finds" if len(contradicting) == 1 else "find"
        text += f"; {len(contradicting)} {finds} the sources contradicting each other ({listed(contradicting)})"
    return text + "."


def ensembles_sentence(sizes: Mapping[str, int]) -> str:
    """The ensembles behind the page's figures, told apart by size and purpose.

    Examples
    --------
    >>> text = ensembles_sentence({"robustness": 10000, "status_link": 2000, "intervals": 1000, "sensitivity": 500})
    >>> text.split(": ")[1].split("; ")[0]
    "10,000 built on the published summaries alone for each claim's share of holds"
    """
    return (
        "The figures come from four ensembles of reconstructions, each sized for its use: "
        f"{sizes['robustness']:,} built on the published summaries alone for each claim's share of holds; "
        f"{sizes['status_link']:,} for each way of loosening the tie between status and scores; "
        f"{sizes['intervals']:,} meeting every published claim for the ranges of the numbers the chapters derive; "
        f"and {sizes['sensitivity']:,} at each setting of the prior the score falls depend on."
    )
