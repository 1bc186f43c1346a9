"""Words for the prose: lists, verdicts, significance, and readings of an estimate against a
threshold. Every sentence fragment the chapters glue is built here, so it reads right on any data.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from tacmg.claims.verdicts import DOES_NOT_HOLD, HOLDS_CONDITIONED, HOLDS_TESTED, NOT_COMPUTABLE
from tacmg.stats.rounding import fixed


def words(items: Iterable[str], empty: str = "none") -> str:
    """'a', 'a and b', 'a, b and c' (or `empty` when there are none)."""
    items = list(items)
    if not items:
        return empty
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def counted(counts: Iterable[int], noun: str = "patients") -> str:
    """A count, or the range of several counts, with its noun in the right number.

    Parameters
    ----------
    counts : iterable of int
        One count per analysis (e.g. the n of each row of a table).
    noun : str
        The plural noun; its singular drops the final "s".

    Returns
    -------
    str
        '32 patients' when the counts agree, '1 patient', '18 to 19 patients' when they differ,
        '0 patients' for none.

    Examples
    --------
    >>> counted([32, 32]), counted([1]), counted([19, 18, 19]), counted([], "changes")
    ('32 patients', '1 patient', '18 to 19 patients', '0 changes')
    """
    values = sorted({int(c) for c in counts}) or [0]
    low, high = values[0], values[-1]
    if low == high:
        return f"{low} {noun.removesuffix('s') if low == 1 else noun}"
    return f"{low} to {high} {noun}"


def count_clause(count: int, singular: str, plural: str, capital: bool = False) -> str:
    """A count with its verb phrase in the right number, 'none' for zero: a clause for the prose.

    Examples
    --------
    >>> count_clause(0, "was worse", "were worse", capital=True), count_clause(1, "was worse", "were worse")
    ('None were worse', '1 was worse')
    >>> count_clause(3, "was worse", "were worse")
    '3 were worse'
    """
    count = int(count)
    head = ("None" if capital else "none") if count == 0 else str(count)
    return f"{head} {singular if count == 1 else plural}"


def exceptions_sentence(lead: str, cases) -> str:
    """A sentence naming the exceptions under each case, or "" when there are none (`words` gives 'none').

    Examples
    --------
    >>> exceptions_sentence("Off their side", {"unadjusted": "none", "after adjustment": "none"})
    ''
    >>> exceptions_sentence("Off their side", {"unadjusted": "sCD40", "after adjustment": "sCD40 and IL-2"})
    ' Off their side: sCD40 unadjusted; sCD40 and IL-2 after adjustment.'
    """
    named = [f"{items} {case}" for case, items in cases.items() if str(items) != "none"]
    return f" {lead}: {'; '.join(named)}." if named else ""


def counts_by_label(counts: Iterable[int], labels: Iterable[str], noun: str = "patients") -> str:
    """One count when every label has the same, else each count with the labels that have it.

    Examples
    --------
    >>> counts_by_label([32, 32], ["QMG", "MMT"])
    '32 patients'
    >>> counts_by_label([16, 17, 17, 16], ["QMG", "MMT", "MG-ADL", "MG-QOL15"])
    '17 patients for MMT and MG-ADL, 16 for QMG and MG-QOL15'
    >>> counts_by_label([1, 0], ["QMG", "MMT"])
    '1 patient for QMG, 0 for MMT'
    """
    pairs = list(zip((int(c) for c in counts), labels))
    by_count: dict[int, list[str]] = {}
    for count, label in pairs:
        by_count.setdefault(count, []).append(label)
    if len(by_count) <= 1:
        return counted(by_count or [0], noun)
    ordered = sorted(by_count.items(), key=lambda item: -item[0])
    first, *rest = (f"{count} for {words(names)}" for count, names in ordered)
    count = ordered[0][0]
    return f"{count} {noun.removesuffix('s') if count == 1 else noun}{first[len(str(count)) :]}, " + ", ".join(rest)


def score_n_values(changes: pd.DataFrame, noun: str = "patients") -> dict[str, str]:
    """How many patients chapter 2's tests use, in words: each score uses those with both its visits.

    Parameters
    ----------
    changes : pandas.DataFrame
        The output of `tacmg.analyses.scores.score_changes`.
    noun : str
        What the prose calls the people in the data (`tacmg.presentation.report.patients_noun`).

    Returns
    -------
    dict
        n_patients (one count when the four scores agree, else each count with its scores) and
        n_fewest (the fewest pairs of any score, naming it when the counts differ).

    Examples
    --------
    >>> changes = pd.DataFrame({"label": ["QMG", "MMT", "MG-ADL"], "n": [16, 17, 17]})
    >>> score_n_values(changes)
    {'n_patients': '17 patients for MMT and MG-ADL, 16 for QMG', 'n_fewest': '16 patients (the fewest, for QMG)'}
    >>> score_n_values(changes.assign(n=32))["n_patients"]
    '32 patients'
    """
    fewest = changes.iloc[int(changes["n"].to_numpy(int).argmin())]
    same = changes["n"].nunique() == 1
    return {
        "n_patients": counts_by_label(changes["n"], changes["label"], noun),
        "n_fewest": counted([fewest["n"]], noun) + ("" if same else f" (the fewest, for {fewest['label']})"),
    }


def method_words(labels: Iterable[str], methods: Iterable[str]) -> str:
    """Which p-value each row has, as a phrase: 'exact for all 8' or 'exact for A and B; normal ... for C'.

    Examples
    --------
    >>> method_words(["A", "B", "C"], ["exact", "exact", "normal"])
    'exact for A and B; normal for C'
    >>> method_words(["A", "B"], ["exact", "exact"])
    'exact for all 2'
    """
    labels, methods = list(labels), list(methods)
    distinct = list(dict.fromkeys(methods))
    if len(distinct) == 1:
        return f"{distinct[0]} for all {len(labels)}"
    return "; ".join(f"{m} for {words([lab for lab, x in zip(labels, methods) if x == m])}" for m in distinct)


VERDICT_WORDS = ("meets", "does not meet", "cannot be checked against")


def verdict_word(verdicts) -> str:
    """The verb for one or more claims' verdicts, so "the dataset <verb> the published medians" reads
    right on any data: 'meets', 'does not meet' (any fails, or none), 'cannot be checked against'.
    Whether the data were built to meet them is said once, by the tally (`tally_sentence`).

    Examples
    --------
    >>> verdict_word(["holds (conditioned)"]), verdict_word(["holds (tested)", "does not hold"])
    ('meets', 'does not meet')
    >>> verdict_word(["holds (tested)", "not computable"]), verdict_word([])
    ('cannot be checked against', 'does not meet')
    """
    verdicts = set(verdicts)
    if NOT_COMPUTABLE in verdicts and DOES_NOT_HOLD not in verdicts:
        return VERDICT_WORDS[2]
    if not verdicts or not verdicts <= {HOLDS_CONDITIONED, HOLDS_TESTED}:
        return VERDICT_WORDS[1]
    return VERDICT_WORDS[0]


def how_many(count: int, total: int, noun: str) -> str:
    """`count` of `total` things (a plural noun) as a person would say it.

    Examples
    --------
    >>> how_many(4, 4, "scores"), how_many(2, 2, "scores"), how_many(1, 1, "scores")
    ('all 4 scores', 'both scores', 'the one score')
    >>> how_many(3, 4, "scores"), how_many(0, 4, "scores"), how_many(0, 1, "scores"), how_many(1, 4, "scores")
    ('3 of the 4 scores', 'none of the 4 scores', 'no score', '1 of the 4 scores')
    """
    count, total = int(count), int(total)
    one = noun.removesuffix("s")
    if count == total:
        return f"the one {one}" if total == 1 else f"{'both' if total == 2 else f'all {total}'} {noun}"
    if count == 0:
        return f"none of the {total} {noun}" if total > 1 else f"no {one}"
    return f"{count} of the {total} {noun}"


def meets_sentence(groups, subject: str = "The dataset") -> str:
    """One sentence on how the data meet groups of published claims, for their common case.

    `groups` maps a plural noun ("published medians") to the verdicts of its claims. A group not met
    in full is counted ('7 of the 8 published medians'), claims that cannot be computed are counted
    at the end; whether the data were built to meet them is the tally's to say (`tally_sentence`).

    Examples
    --------
    >>> c, t, f = "holds (conditioned)", "holds (tested)", "does not hold"
    >>> meets_sentence({"published medians": [c] * 8, "published falls": [c] * 4})
    'The dataset meets all 8 published medians and all 4 published falls.'
    >>> meets_sentence({"published medians": [t, t], "published falls": [t]})
    'The dataset meets both published medians and the published fall.'
    >>> meets_sentence({"published medians": [t, f], "published falls": [f]})
    'The dataset meets 1 of the 2 published medians and no published fall.'
    >>> meets_sentence({"published falls": [f, f, "not computable"]})
    'The dataset meets none of the 3 published falls; 1 cannot be computed on these data.'
    """
    everything = [v for verdicts in groups.values() for v in verdicts]
    held = {noun: sum(v in (HOLDS_CONDITIONED, HOLDS_TESTED) for v in verdicts) for noun, verdicts in groups.items()}
    parts = [
        f"the {noun.removesuffix('s')}"
        if held[noun] == len(verdicts) == 1
        else how_many(held[noun], len(verdicts), noun)
        for noun, verdicts in groups.items()
        if len(verdicts)
    ]
    text = f"{subject} meets {words(parts, 'no published claim')}"
    unknown = sum(v == NOT_COMPUTABLE for v in everything)
    return text + (f"; {unknown} cannot be computed on these data." if unknown else ".")


def tally_sentence(counts: dict[str, int], what: str, reconstructed: bool) -> str:
    """The sentence that sums up a verdict table, written for its common case first.

    Parameters
    ----------
    counts : dict
        `tacmg.presentation.report.verdict_counts` of a table with ``n_conditioned``.
    what : str
        The claims, as a plural noun ("claims of this finding"); "claims" becomes "claim" for one.
    reconstructed : bool
        Whether the data are a reconstruction; a reader's data were built to meet nothing.

    Examples
    --------
    >>> counts = {"conditioned": 12, "tested": 0, "failed": 0, "not_computable": 0, "total": 12, "n_conditioned": 12}
    >>> tally_sentence(counts, "claims of this finding", True)
    'All 12 claims of this finding hold (conditioned): the data were built to meet each of them.'
    >>> mixed = {**counts, "conditioned": 9, "tested": 1, "failed": 2, "n_conditioned": 9}
    >>> print(tally_sentence(mixed, "claims", True))
    Of the 12 claims, 1 holds (tested), 2 do not hold and 9 hold (conditioned): the data were built to meet those 9.
    >>> print(tally_sentence({**counts, "conditioned": 0, "tested": 12, "n_conditioned": 0}, "claims", True))
    All 12 claims hold (tested). The data were built to meet none of them.
    >>> one = {**counts, "conditioned": 0, "tested": 1, "total": 1, "n_conditioned": 0}
    >>> print(tally_sentence(one, "claims", False))
    These data were not built to meet any claim, so each verdict is a test: the one claim holds (tested).
    >>> print(tally_sentence({**one, "tested": 0, "failed": 2, "total": 2}, "claims", False)[-32:])
    : neither of the 2 claims holds.
    """
    total, conditioned, tested = counts["total"], counts["conditioned"], counts["tested"]
    failed, unknown, built = counts["failed"], counts["not_computable"], counts["n_conditioned"]
    noun = what.replace("claims", "claim", 1) if total == 1 else what
    every = "the one" if total == 1 else ("both" if total == 2 else f"all {total}")
    if reconstructed and total and conditioned == total == built:
        each = "it" if total == 1 else "each of them"
        return f"{every.capitalize()} {noun} {_hold(total)} (conditioned): the data were built to meet {each}."
    if total and tested == total:
        text = f"{every} {noun} {_hold(total)} (tested)"
    elif total and failed == total:
        text = (
            f"the one {noun} does not hold"
            if total == 1
            else f"{'neither' if total == 2 else 'none'} of the {total} {noun} holds"
        )
    else:
        parts = [f"{tested} {_hold(tested)} (tested)"] if tested else []
        parts += [f"{failed} {'does' if failed == 1 else 'do'} not hold"] if failed else []
        parts += [f"{unknown} {'is' if unknown == 1 else 'are'} not computable on these data"] if unknown else []
        parts += [f"{conditioned} {_hold(conditioned)} (conditioned)"] if conditioned and reconstructed else []
        text = f"of the {total} {noun}, {words(parts, 'none is checked')}"
    if not reconstructed:
        return f"These data were not built to meet any claim, so each verdict is a test: {text}."
    text = text[0].upper() + text[1:]
    if built and conditioned == built:
        return f"{text}: the data were built to meet {'that one' if built == 1 else f'those {built}'}."
    return f"{text}. The data were built to meet {built or 'none'} of them."


def _hold(count: int) -> str:
    return "holds" if count == 1 else "hold"


def significance_word(p: float, alpha: float = 0.05) -> str:
    """'significant' / 'not significant' at `alpha`, or 'not computable' for a missing p."""
    if not np.isfinite(p):
        return "not computable"
    return "significant" if p < alpha else "not significant"


def mcid_reading(hl_change: float, hl_low: float, hl_high: float, mcid: float | None) -> str:
    """How a Hodges-Lehmann change and its interval (points, negative = better) stand against a
    minimal clinically important improvement of `mcid` points, as a phrase for the prose."""
    if mcid is None or (isinstance(mcid, float) and math.isnan(mcid)):
        return "cannot be set against a threshold, as none is established"
    if hl_high <= -mcid:
        return "lies entirely at or beyond the minimal clinically important improvement"
    if hl_change <= -mcid:
        return "is at or beyond the minimal clinically important improvement, but its interval crosses it"
    if hl_low <= -mcid:
        return "falls short of the minimal clinically important improvement, though its interval reaches it"
    return "lies entirely short of the minimal clinically important improvement"


def median_explained(values, unit: str) -> str:
    """Where a median comes from, as a phrase: for an even n 'the mean of the two middle values,
    ranked 16 and 17 of 32: 12.5 and 15 mg/day'; for an odd n 'the middle value, ranked 2 of 3:
    5 mg/day'."""
    ordered = np.sort(np.asarray(values, float))
    n = ordered.size
    if n == 0:
        return "undefined, as there are no values"
    half = n // 2
    if n % 2:
        return f"the middle value, ranked {half + 1} of {n}: {fixed(ordered[half])} {unit}"
    return (
        f"the mean of the two middle values, ranked {half} and {half + 1} of {n}: "
        f"{fixed(ordered[half - 1])} and {fixed(ordered[half])} {unit}"
    )


def convention_readings(conventions: pd.DataFrame, mcid) -> pd.DataFrame:
    """The MCID reading of each score's Hodges-Lehmann change under both zero conventions.

    Parameters
    ----------
    conventions : pandas.DataFrame
        The output of `tacmg.analyses.scores.hl_conventions`.
    mcid : mapping
        Thresholds in points of fall by score column (None: no threshold).

    Returns
    -------
    pandas.DataFrame
        score, label, reading (zero changes dropped), reading_all_n (the textbook estimator over all
        n), changes (True where the two `mcid_reading` phrases differ; False without a threshold).

    Examples
    --------
    >>> table = pd.DataFrame({"score": ["q"], "label": ["Q"], "hl_change": [-5.0], "hl_change_ci_low": [-7.0],
    ...                       "hl_change_ci_high": [-3.0], "hl_change_all_n": [-4.5],
    ...                       "hl_change_all_n_ci_low": [-6.0], "hl_change_all_n_ci_high": [-2.5]})
    >>> convention_readings(table, {"q": 5})["changes"].tolist()
    [True]
    """
    rows = []
    for row in conventions.to_dict("records"):
        threshold = mcid.get(row["score"])
        dropped = mcid_reading(row["hl_change"], row["hl_change_ci_low"], row["hl_change_ci_high"], threshold)
        all_n = mcid_reading(
            row["hl_change_all_n"], row["hl_change_all_n_ci_low"], row["hl_change_all_n_ci_high"], threshold
        )
        rows.append(
            {
                "score": row["score"],
                "label": row["label"],
                "reading": dropped,
                "reading_all_n": all_n,
                "changes": dropped != all_n,
            }
        )
    return pd.DataFrame(rows)


def change_correlation_source(reconstructed: bool) -> str:
    """Where a correlation of within-patient changes comes from, as a sentence for the prose.

    No source reports one. In the reconstruction it follows from the priors, which tie each
    patient's molecule change and score change to the same post-intervention status.

    Examples
    --------
    >>> change_correlation_source(True).startswith("This correlation of changes is not a published figure")
    True
    """
    if reconstructed:
        return (
            "This correlation of changes is not a published figure: in the reconstruction it comes from "
            "the priors, which tie both changes to each patient's post-intervention status "
            "(molecules.log_change_by_status, and status_link.improved_fraction_kept and "
            "status_link.unchanged_max_change in priors.yaml), so it shows what those assumptions imply, "
            "not what the study found."
        )
    return "Neither source reports a correlation of changes, so there is no published figure to set it against."
