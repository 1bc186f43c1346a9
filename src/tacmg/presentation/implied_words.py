"""What the published figures pin down, in words: a chapter's sentence and the landing page's.

`implied_text` says, for one chapter, which of its derived numbers the published figures fix or
narrow; `landing_sentence`, `noise_sentence` and `implied_html` say it across the chapters, on the
landing page. Kept apart from `tacmg.presentation.intervals` (a chapter's intervals beside its
numbers and in its tables): these read only the classes, and write summaries of them.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from tacmg.analyses import interval_classes
from tacmg.presentation.intervals import SectionIntervals
from tacmg.presentation.prose import words as listed
from tacmg.stats.rounding import fixed


def implied_text(intervals: SectionIntervals, labels: Mapping[str, str]) -> str:
    """What the published figures pin down among a chapter's derived numbers, as sentences ("" on own data).

    The numbers they fix or narrow are named; the others are named when they are few and counted
    when they are many (the chapter's tables give each number's class).

    Parameters
    ----------
    intervals : SectionIntervals
    labels : mapping
        The chapter's derived numbers: key to words (`tacmg.presentation.chapter_numbers.DERIVED`).

    Examples
    --------
    >>> import pandas as pd
    >>> classes = ["fixed by the published figures", "not narrowed (priors centred on the report)",
    ...            "narrowed by the published summaries"]
    >>> t = pd.DataFrame({"ri_low": [1.0, 0.0, 2.0], "ri_high": [1.0, 9.0, 3.0], "number_class": classes},
    ...                  index=["a", "b", "c"])
    >>> print(implied_text(SectionIntervals(t), {"a": "n", "b": "d", "c": "m"}))  # doctest: +NORMALIZE_WHITESPACE
    Of the 3 numbers this chapter derives, the published figures fix n and the published summaries
    narrow m. No published figure narrows d: priors centred on the report place it.
    >>> many = pd.DataFrame({"ri_low": [0.0] * 5, "ri_high": [9.0] * 5,
    ...                      "number_class": [classes[1]] * 4 + [classes[2]]}, index=list("abcde"))
    >>> print(implied_text(SectionIntervals(many), dict(zip("abcde", "vwxyz"))))  # doctest: +NORMALIZE_WHITESPACE
    Of the 5 numbers this chapter derives, the published summaries narrow z. Priors centred on the
    report, not any published figure, place the other 4.
    >>> print(implied_text(SectionIntervals(many.iloc[:1]), {"a": "the count"}))  # doctest: +NORMALIZE_WHITESPACE
    No published figure narrows the one number this chapter derives, the count: priors centred on
    the report place it.
    >>> implied_text(SectionIntervals(None), {"a": "the count"})
    ''
    """
    if not intervals.applies:
        return ""
    ic = interval_classes
    by_class: dict[str, list[str]] = {c: [] for c in ic.CLASSES}
    for key, label in labels.items():
        by_class.setdefault(intervals.number_class(key) or ic.NOT_NARROWED, []).append(label)
    pinned = [
        (ic.FIXED, "the published figures fix"),
        (ic.BY_SUMMARIES, "the published summaries narrow"),
        (ic.BY_TESTS, "the published tests narrow"),
        (ic.BY_BOTH, "the summaries and the tests together narrow"),
    ]
    parts = [f"{verb} {listed(by_class[c])}" for c, verb in pinned if by_class[c]]
    n = len(labels)
    loose, prior, unsure = by_class[ic.NOT_NARROWED], by_class[ic.SET_BY_PRIOR], by_class[ic.AT_THRESHOLD]
    place = "priors centred on the report place"
    borderline = (
        f" Whether a published figure narrows {listed(unsure)} is within the ensembles' Monte Carlo noise (borderline)."
        if unsure
        else ""
    )
    if not parts and n == 1 and not unsure:
        return f"No published figure narrows the one number this chapter derives, {listed(loose + prior)}: " + (
            f"{place} it." if loose else "a prior sets it."
        )
    if parts:
        text = f"Of the {n} numbers this chapter derives, {listed(parts)}."
    else:
        # "surely" only beside numbers that some resamples find narrowed (borderline)
        text = f"No published figure {'surely ' if unsure else ''}narrows any of the {n} numbers this chapter derives."
    if loose and not parts:
        which = "them all" if not (prior or unsure) else listed(loose) if len(loose) <= 3 else f"{len(loose)} of them"
        text += f" {place.capitalize()} {which}."
    elif len(loose) > 3:  # many: counted, not listed (each one's class is in the chapter's tables)
        others = f"{len(loose)} others" if (prior or unsure) else f"the other {len(loose)}"
        text += f" Priors centred on the report, not any published figure, place {others}."
    elif loose:
        text += f" No published figure narrows {listed(loose)}: {place} {'it' if len(loose) == 1 else 'them'}."
    text += borderline
    if prior:
        text += f" A prior sets {listed(prior)}." if len(prior) <= 3 else f" Priors set {len(prior)} of them outright."
    return text


def landing_sentence(classes: Sequence[str]) -> str:
    """How many of the chapters' derived numbers each step of the report narrows, as the end of a sentence.

    A step that narrows none is left out, so the common case reads short; the numbers no published
    figure narrows are always counted.

    Examples
    --------
    >>> text = landing_sentence(["fixed by the published figures", "narrowed by the published summaries",
    ...                          "narrowed by the published summaries", "set by a prior",
    ...                          "not narrowed (priors centred on the report)"])
    >>> print(text)  # doctest: +NORMALIZE_WHITESPACE
    of the 5 numbers the chapters derive from it, the published figures fix 1, the published summaries
    narrow 2 and a prior sets 1; 1 is not narrowed by any published figure, its place coming from
    priors centred on the report.
    >>> landing_sentence(["not narrowed (priors centred on the report)"] * 3)[:80]
    'of the 3 numbers the chapters derive from it, no published figure narrows any: p'
    >>> print(landing_sentence(["fixed by the published figures", interval_classes.AT_THRESHOLD,
    ...                         "not narrowed (priors centred on the report)"]))  # doctest: +NORMALIZE_WHITESPACE
    of the 3 numbers the chapters derive from it, the published figures fix 1; 1 is borderline
    (whether a step narrows it is within the ensembles' Monte Carlo noise); 1 is not narrowed by any
    published figure, its place coming from priors centred on the report.
    """
    ic = interval_classes
    steps = [
        (ic.FIXED, "the published figures fix"),
        (ic.BY_SUMMARIES, "the published summaries narrow"),
        (ic.BY_TESTS, "the published tests narrow"),
        (ic.BY_BOTH, "the summaries and the tests together narrow"),
        (ic.SET_BY_PRIOR, "a prior sets"),
    ]
    parts = [f"{verb} {k}" for c, verb in steps if (k := sum(x == c for x in classes))]
    left = sum(x == ic.NOT_NARROWED for x in classes)
    borderline = sum(x == ic.AT_THRESHOLD for x in classes)
    head = f"of the {len(classes)} numbers the chapters derive from it"
    if not parts and not borderline:
        return f"{head}, no published figure narrows any: priors centred on the report place them all."
    text = f"{head}, {listed(parts)}" if parts else f"{head}, no published figure surely narrows any"
    if borderline:
        text += (
            f"; {borderline} {'is' if borderline == 1 else 'are'} borderline (whether a step narrows "
            f"{'it' if borderline == 1 else 'them'} is within the ensembles' Monte Carlo noise)"
        )
    if not left:
        return text + "."
    return text + (
        f"; {left} {'is' if left == 1 else 'are'} not narrowed by any published figure, "
        f"{'its place' if left == 1 else 'their place'} coming from priors centred on the report."
    )


def noise_sentence(summary: Mapping[str, float | int], limit: float = interval_classes.FLIP_LIMIT) -> str:
    """The classes' Monte Carlo noise in one sentence, from `interval_classes.class_summary`.

    Examples
    --------
    >>> import textwrap
    >>> text = noise_sentence({"numbers": 40, "max_flips": 0.042, "over_limit": 0, "borderline": 3, "outside": 2})
    >>> print(textwrap.fill(text, 90))
    The ensembles are finite, so each class rests on 1,000 bootstrap resamples of them: a step
    narrows a number only when it does so in at least 95% of the resamples, and 3 of the 40
    numbers, where it does so in fewer but more than 5%, are classed borderline. Checked on
    1,000 independent resamples, no class changes in more than 10% of them (at most 4.2%).
    """
    ic = interval_classes
    over = int(summary["over_limit"])
    borderline = int(summary.get("borderline", 0))
    flips = f"{fixed(100 * float(summary['max_flips']), 1)}%"
    tail = (
        "no class changes in more than "
        if over == 0
        else f"{over} of the {summary['numbers']} classes change in more than "
    )
    which = (
        f"{borderline} of the {summary['numbers']} numbers, where it does so in fewer but more than "
        f"{fixed(100 * (1 - ic.SURE_SHARE), 0)}%, {'is' if borderline == 1 else 'are'} classed borderline"
        if borderline
        else f"none of the {summary['numbers']} numbers is borderline"
    )
    return (
        f"The ensembles are finite, so each class rests on {ic.BOOTSTRAP_REPLICATES:,} bootstrap resamples of "
        f"them: a step narrows a number only when it does so in at least {fixed(100 * ic.SURE_SHARE, 0)}% of "
        f"the resamples, and {which}. Checked on {ic.BOOTSTRAP_REPLICATES:,} independent resamples, {tail}"
        f"{fixed(100 * limit, 0)}% of them (at most {flips})."
    )


def implied_html(implied: Mapping[str, Sequence[str]], titles: Mapping[str, str]) -> str:
    """A list, chapter by chapter, of the derived numbers the published figures fix or narrow (HTML).

    Examples
    --------
    >>> items = implied_html({"02-x": ["the QMG change"], "03-y": []}, {"02-x": "Scores", "03-y": "Dose"})
    >>> for item in items.split("</li>")[:2]:
    ...     print(item)
    <ul class="tacmg-implied"><li><a href="02-x.html">Scores</a>: the QMG change.
    <li><a href="03-y.html">Dose</a>: none of the numbers discussed.
    """
    items = []
    for chapter, labels in implied.items():
        what = listed(list(labels)) if labels else "none of the numbers discussed"
        link = f'<a href="{html.escape(chapter)}.html">{html.escape(titles[chapter])}</a>'
        items.append(f"<li>{link}: {html.escape(what)}.</li>")
    return f'<ul class="tacmg-implied">{"".join(items)}</ul>'
