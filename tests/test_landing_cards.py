"""The landing page's opening and the chapters' cards: sizes, verdicts and support in words, honest on
a reader's own data.

The support figures are checked against the robustness ensembles' shares read directly; the
reader's data are a copy of the reconstruction with its data package removed, which the book must
treat as the reader's (nothing built to meet a claim, no reconstruction quoted as if about them).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from tacmg import load
from tacmg.analyses import robustness, status_link
from tacmg.claims import consistency
from tacmg.claims.registry import load_claims
from tacmg.data.paths import RECONSTRUCTED_DIR
from tacmg.presentation import findings, landing, page_cards, report, summary_card


@pytest.fixture(scope="module")
def registry():
    return load_claims()


@pytest.fixture(scope="module")
def support():
    return findings.Support.from_tables(robustness.robustness()["shares"], status_link.link_robustness()["clinical"])


@pytest.fixture(scope="module")
def own_data(tmp_path_factory) -> Path:
    """The reconstruction's tables without its data package: a reader's data as far as the book can tell."""
    target = tmp_path_factory.mktemp("own") / "data"
    shutil.copytree(RECONSTRUCTED_DIR, target)
    (target / "datapackage.json").unlink()
    return target


def _titles():
    return {chapter: report.chapter_title(chapter) for chapter in findings.CHAPTER_FINDINGS}


def test_the_landing_page_marks_one_first_verdict_in_its_first_finding(registry, support):
    dataset = load(RECONSTRUCTED_DIR)
    page = landing.landing_html(report.scorecard(dataset, registry), registry, support, True, _titles(), "s")
    items = page.split("<li>")[1:]
    assert len(items) == len(landing.LANDING_CHAPTERS)
    assert page.count("tacmg-first-verdict") == 1 and "tacmg-first-verdict" in items[0]
    for chapter, item in zip(landing.LANDING_CHAPTERS, items, strict=True):
        assert f'href="{chapter}.html"' in item  # each finding links to its chapter
        assert "built to meet" in item  # every claim of the reconstruction was built in: said in words
    assert 'href="10-robustness.html"' in page and 'href="../book/methods.html"' in page


def test_the_score_support_quotes_the_ensembles_shares(registry, support):
    shares = robustness.robustness()["shares"]
    link = status_link.link_robustness()["clinical"]
    ids = findings.claim_ids("02-clinical-scores", registry)
    tested = set(shares.loc[shares["claim_id"].isin(ids), "claim_id"])
    assert tested  # the four score tests
    independent = link[link["claim_id"].isin(tested) & (link["scenario"] == findings.INDEPENDENT_SCENARIO)]["share"]
    low, high = (int(np.floor(100 * x + 0.5)) for x in (independent.min(), independent.max()))
    text = findings.support_sentence(ids, ("clinical_scores",), support)
    expected = f"{low}%" if low == high else f"{low}% to {high}%"
    assert text.endswith(f"ignore their status, in {expected}."), text
    assert f"{int(shares['cohorts'].iloc[0]):,} reconstructions" in text


def test_the_scores_card_gives_the_published_size_and_the_data_shown(registry, support):
    dataset = load(RECONSTRUCTED_DIR)
    card = summary_card.summary_card(dataset, ["clinical_scores"], registry, support=support)
    before = registry.by_id("qmg-median-baseline").published
    after = registry.by_id("qmg-median-month-12").published
    assert f"QMG fell from {before:g} to {after:g} points" in card
    estimate = report.scorecard(dataset, registry).set_index("claim_id").loc["qmg-decrease", "estimate"]
    assert f"QMG \N{MINUS SIGN}{abs(estimate):.1f} points" in card
    assert "All 12 claims hold because the data were built to meet them." in card
    assert "Support." in card


def test_cards_on_a_readers_data_quote_no_reconstruction(registry, support, own_data):
    dataset = load(own_data)
    assert not report.is_reconstructed(dataset)
    card = summary_card.summary_card(dataset, ["clinical_scores"], registry, support=support)
    text = re.sub(r"<[^>]+>", " ", card)
    assert "In your data." in text
    for phrase in ("conditioned", "built to meet", "reconstruction", "Support."):
        assert phrase not in text, phrase
    page = landing.landing_html(report.scorecard(dataset, registry), registry, support, False, _titles(), "s")
    page_text = re.sub(r"<[^>]+>", " ", page)
    for phrase in ("built to meet", "reconstructions built", "restates the priors"):
        assert phrase not in page_text, phrase
    assert page.count("tacmg-first-verdict") == 1
    scorecard = page_cards.scorecard_points(report.scorecard(dataset, registry), False)
    assert "built to meet" not in scorecard[0][1]


def test_the_consistency_sentence_counts_every_check_and_names_a_contradiction(registry):
    checks = consistency.checks(registry)
    sentence = landing.consistency_sentence(checks)
    counted = sum(int(n) for n in re.findall(r"(\d+) (?:find|finds|cannot)", sentence))
    assert counted == len(checks), sentence
    for name in checks.loc[checks["verdict"] == "inconsistent", "check"]:
        assert name in sentence
    assert "nothing wrong" not in sentence


def test_verdict_sentences_read_naturally_for_one_and_for_many_failures():
    import pandas as pd

    one = findings.verdict_sentence(pd.Series(["holds (tested)", "does not hold"]), False, ["QMG fell."])
    assert one == "1 of 2 claims holds on these data; 1 does not (QMG fell)."
    many = ["a.", "b.", "c.", "d."]
    series = pd.Series(["holds (tested)"] + ["does not hold"] * len(many))
    text = findings.verdict_sentence(series, False, many)
    assert text == f"1 of {len(series)} claims holds on these data; {len(many)} do not.", text
