"""The sentences generated for none, one and many read as a person would write them (issue 22, point 6)."""

from __future__ import annotations

import pandas as pd
import pytest

from tacmg.analyses import interval_classes as ic
from tacmg.claims.verdicts import DOES_NOT_HOLD, HOLDS_CONDITIONED, HOLDS_TESTED, NOT_COMPUTABLE
from tacmg.presentation import implied_words, prose
from tacmg.presentation.intervals import SectionIntervals

FORM_LIKE = ("of the 1 ", "1 hold ", "1 do ", "0 hold", "0 do", "was built to meet, and meets", "(0 ", " 0 ")


def readable(text: str) -> bool:
    """No slip of a sentence filled in like a form."""
    return not any(slip in f"{text} " for slip in FORM_LIKE)


@pytest.mark.parametrize(
    ("count", "total", "expected"),
    [
        (0, 1, "no score"),
        (1, 1, "the one score"),
        (0, 2, "none of the 2 scores"),
        (2, 2, "both scores"),
        (1, 4, "1 of the 4 scores"),
        (4, 4, "all 4 scores"),
    ],
)
def test_how_many(count, total, expected):
    assert prose.how_many(count, total, "scores") == expected


@pytest.mark.parametrize(
    ("count", "expected"), [(0, "None reached remission"), (1, "1 was worse"), (5, "5 were worse")]
)
def test_count_clause(count, expected):
    singular, plural = ("reached remission", "reached remission") if count == 0 else ("was worse", "were worse")
    assert prose.count_clause(count, singular, plural, capital=True) == expected


def _counts(conditioned=0, tested=0, failed=0, unknown=0, built=None):
    total = conditioned + tested + failed + unknown
    return {
        "conditioned": conditioned,
        "tested": tested,
        "failed": failed,
        "not_computable": unknown,
        "total": total,
        "n_conditioned": conditioned if built is None else built,
    }


@pytest.mark.parametrize(
    ("counts", "reconstructed", "expected"),
    [
        (_counts(conditioned=1), True, "The one claim holds (conditioned): the data were built to meet it."),
        (_counts(conditioned=2), True, "Both claims hold (conditioned): the data were built to meet each of them."),
        (_counts(conditioned=12), True, "All 12 claims hold (conditioned): the data were built to meet each of them."),
        (_counts(tested=1), False, "These data were not built to meet any claim, so each verdict is a test: "
         "the one claim holds (tested)."),
        (_counts(failed=3), False, "These data were not built to meet any claim, so each verdict is a test: "
         "none of the 3 claims holds."),
        (_counts(tested=1, failed=1, unknown=1), False, "These data were not built to meet any claim, so each "
         "verdict is a test: of the 3 claims, 1 holds (tested), 1 does not hold and 1 is not computable on these "
         "data."),
        (_counts(conditioned=10, failed=2, built=12), True, "Of the 12 claims, 2 do not hold and 10 hold "
         "(conditioned). The data were built to meet 12 of them."),
    ],
)  # fmt: skip
def test_tally_sentence(counts, reconstructed, expected):
    assert prose.tally_sentence(counts, "claims", reconstructed) == expected


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        ({"published medians": [HOLDS_CONDITIONED] * 8, "published falls": [HOLDS_CONDITIONED] * 4},
         "The dataset meets all 8 published medians and all 4 published falls."),
        ({"published medians": [HOLDS_TESTED] * 2, "significant falls": [HOLDS_TESTED]},
         "The dataset meets both published medians and the significant fall."),
        ({"published medians": [HOLDS_TESTED, DOES_NOT_HOLD], "significant falls": [DOES_NOT_HOLD]},
         "The dataset meets 1 of the 2 published medians and no significant fall."),
        ({"published falls": [NOT_COMPUTABLE, DOES_NOT_HOLD]},
         "The dataset meets none of the 2 published falls; 1 cannot be computed on these data."),
    ],
)  # fmt: skip
def test_meets_sentence(groups, expected):
    assert prose.meets_sentence(groups) == expected
    assert readable(expected)


def _section(classes):
    n = len(classes)
    table = pd.DataFrame(
        {"ri_low": [0.0] * n, "ri_high": [1.0] * n, "number_class": classes}, index=list("abcdefgh")[:n]
    )
    return SectionIntervals(table), dict(zip(table.index, [f"number {k}" for k in table.index]))


@pytest.mark.parametrize(
    ("classes", "expected"),
    [
        ([ic.NOT_NARROWED], "No published figure narrows the one number this chapter derives, number a: priors "
         "centred on the report place it."),
        ([ic.SET_BY_PRIOR], "No published figure narrows the one number this chapter derives, number a: a prior "
         "sets it."),
        ([ic.BY_TESTS, ic.NOT_NARROWED], "Of the 2 numbers this chapter derives, the published tests narrow number a. "
         "No published figure narrows number b: priors centred on the report place it."),
        ([ic.NOT_NARROWED] * 5, "No published figure narrows any of the 5 numbers this chapter derives. Priors "
         "centred on the report place them all."),
        ([ic.BY_SUMMARIES] + [ic.NOT_NARROWED] * 6 + [ic.SET_BY_PRIOR], "Of the 8 numbers this chapter derives, the "
         "published summaries narrow number a. Priors centred on the report, not any published figure, place 6 "
         "others. A prior sets number h."),
    ],
)  # fmt: skip
def test_implied_text_names_the_few_and_counts_the_many(classes, expected):
    section, labels = _section(classes)
    assert implied_words.implied_text(section, labels) == expected


def test_exceptions_sentence_is_empty_without_exceptions():
    assert prose.exceptions_sentence("Off their side", {"unadjusted": "none"}) == ""
    assert prose.exceptions_sentence("Off", {"unadjusted": "IL-2", "adjusted": "none"}) == " Off: IL-2 unadjusted."
