"""Sensitivity curves over the status-link priors, the slider chart, and the wording that follows them."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc

from tacmg import load
from tacmg.analyses import interval_classes as ic
from tacmg.analyses import reconstruction_intervals as ri
from tacmg.analyses import status_link, status_link_sensitivity
from tacmg.data.cohorts import Cohorts, key
from tacmg.data.paths import RECONSTRUCTED_DIR, REPO_ROOT
from tacmg.presentation import dashboard, implied_words, prior_choices, report, sensitivity_charts


def _window(low, high):
    scenario, name = status_link_sensitivity.SENSITIVITY_PRIORS["a"]
    return ("a", {**status_link.LINK_SCENARIOS[scenario], name: [low, high]}, low, high)


def test_the_score_claims_hold_less_often_as_the_window_turns_harsh():
    grid = [_window(0.3, 1.0), _window(0.5, 1.3)]
    curves = status_link_sensitivity.link_sensitivity(n_cohorts=150, workers=1, use_cache=False, grid=grid)["curves"]
    scores = curves[curves["claim_id"].isin(["qmg-decrease", "mmt-decrease", "mg-adl-decrease", "mg-qol15-decrease"])]
    favourable = scores[np.isclose(scores["high"], 1.0)].set_index("claim_id")["share"]
    harsh = scores[np.isclose(scores["high"], 1.3)].set_index("claim_id")["share"]
    assert (favourable > harsh + 0.2).all()  # hundreds of cohorts: far beyond Monte Carlo noise
    figures = status_link_sensitivity.sensitivity_summary(curves)
    assert figures["a_favourable_scores_min"] == pytest.approx(100 * favourable.min())
    assert figures["a_harsh_scores_max"] == pytest.approx(100 * harsh.max())
    assert figures["dose_rise_max"] == pytest.approx(100 * curves["dose_rise"].max())


def test_the_grid_covers_the_committed_priors_and_the_plausible_ends():
    priors = sensitivity_charts.assumed_priors(status_link.settings())
    grid = status_link_sensitivity.sensitivity_grid()
    points = {(r, round(v, 6), None if math.isnan(h) else round(h, 6)) for r, _, v, h in grid}
    low, high = priors["a"]
    assert ("a", round(low, 6), round(high, 6)) in points
    for (end_low, end_high), _reason in status_link_sensitivity.PLAUSIBLE_WINDOWS.values():
        assert ("a", end_low, end_high) in points
    for relaxation in ("b", "c"):
        assert (relaxation, priors[relaxation][0], None) in points


def _curves():
    rows = []
    for low in (0.3, 0.5):
        for high in (1.0, 1.3):
            for claim, share in (("qmg-decrease", 0.87 - low), ("prednisone-decrease", 1.0)):
                rows.append({"relaxation": "a", "value": low, "high": high, "claim_id": claim, "share": share})
    for relaxation in ("b", "c"):
        for value in (0.0, 0.5):
            rows.append(
                {
                    "relaxation": relaxation,
                    "value": value,
                    "high": math.nan,
                    "claim_id": "qmg-decrease",
                    "share": 0.97 - value,
                }
            )
    return pd.DataFrame(rows)


def test_the_slider_chart_is_self_contained_vega_lite_with_a_slider_per_prior():
    chart = sensitivity_charts.sensitivity_curves(
        _curves(), {"a": (0.3, 1.3), "b": (0.5, math.nan), "c": (0.5, math.nan)}
    )
    spec = chart.to_dict()
    sliders = {p["name"]: p["bind"] for p in spec["params"] if "bind" in p}
    assert set(sliders) == {"a_low", "a_high", "b_value", "c_value"}
    assert all(b["input"] == "range" for b in sliders.values())
    assert sliders["a_high"]["min"] == 1.0 and sliders["a_high"]["max"] == 1.3
    text = str(spec)
    assert "'url'" not in text  # the data travel inside the page: no kernel, no server
    # Vega compiles and renders it at the sliders' starting values (the labels read the shares there)
    # labels at the sliders' values only: QMG at a lower end of 0.3 (57%), not 0.5 (37%); (b) and (c)
    # at 0.5 (47%), not 0 (97%)
    drawn = " | ".join(re.findall(r"<text[^>]*>([^<]*)</text>", vlc.vegalite_to_svg(spec)))  # not the alt text
    assert "QMG fell: 57%" in drawn and "QMG fell: 47%" in drawn
    assert ": 37%" not in drawn and ": 97%" not in drawn


def test_dose_rises_counts_cohorts_with_any_rising_dose():
    one = Cohorts.from_dataset(load(RECONSTRUCTED_DIR))
    before, after = (one.visit[key("prednisone_mg_day", v)] for v in ("baseline", "month_12"))
    raised = one.take(np.zeros(2, int))
    raised.visit[key("prednisone_mg_day", "month_12")][1, 0] = before[0, 0] + 5
    assert status_link.dose_rises(raised).tolist() == [bool((after > before).any()), True]


def test_dashboard_says_when_the_priors_were_chosen_with_a_claim_in_mind():
    card = pd.DataFrame(
        [
            {
                "claim_id": cid,
                "kind": "inferential",
                "finding": f,
                "finding_title": f,
                "chapter": "x",
                "published": "p",
                "observed": "o",
                "verdict": "holds (tested)",
                "holds": True,
            }
            for cid, f in (("qmg-decrease", "clinical_scores"), ("spd1-raised", "molecules_vs_controls"))
        ]
    )
    from tacmg.claims.registry import load_claims

    registry = load_claims()
    card = card[card["claim_id"].isin([c.id for c in registry])]
    shares = pd.DataFrame({"claim_id": card["claim_id"], "share": 1.0, "cohorts": 10_000})
    link = pd.DataFrame({"claim_id": card["claim_id"], "share": 0.5, "scenario": dashboard.INDEPENDENT_SCENARIO})
    rows = dashboard.dashboard(card, registry, shares, link, pd.DataFrame({"verdict": [], "claims": [], "check": []}))
    words = rows.set_index("finding")["reconstructions"]
    assert "chosen with it in mind" not in words["clinical_scores"]
    if "molecules_vs_controls" in words:
        assert "chosen with it in mind" in words["molecules_vs_controls"]
    assert "outside MM" in rows.set_index("finding").loc["clinical_scores", "assumption"]


def test_an_implied_claim_the_priors_lean_towards_is_not_shown_as_plainly_tested(tmp_path):
    card = report.scorecard(load(RECONSTRUCTED_DIR))
    implied = card[(card["kind"] == "implied") & (card["verdict"] == "holds (tested)")]
    assert len(implied) and implied["verdict_shown"].str.contains(prior_choices.PRIORS_LEAN).all()
    stated = card[card["kind"] != "implied"]
    assert (stated["verdict_shown"] == stated["verdict"]).all()


def test_every_prior_named_as_chosen_for_a_finding_exists_and_has_no_source():
    import yaml

    priors = yaml.safe_load((REPO_ROOT / "data" / "assumptions" / "priors.yaml").read_text(encoding="utf-8"))
    for path in set(prior_choices.PRIORS_CHOSEN_FOR.values()):
        entry = priors
        for part in path.split("."):
            entry = entry[part]
        assert "reason" in entry and "source" not in entry, path


def test_the_methods_page_states_the_sizes_the_code_uses():
    text = (REPO_ROOT / "book" / "methods.md").read_text(encoding="utf-8")
    section = text[text.index("## Reconstruction intervals") :]
    assert f"first {ri.PRIORS_SIZE:,} cohorts the priors draw" in section
    assert f"first {ri.DESCRIPTIVE_SIZE:,} cohorts that meet the descriptive" in section
    assert f"first {ri.ENSEMBLE_SIZE:,} cohorts that meet every claim" in section
    assert f"({ic.BOOTSTRAP_REPLICATES:,} bootstrap replicates)" in section
    assert f"at least {100 * ic.SURE_SHARE:.0f}% of the replicates" in section
    assert f"checked on {ic.BOOTSTRAP_REPLICATES:,} further" in section
    assert f"draws {status_link_sensitivity.SENSITIVITY_COHORTS} cohorts" in section
    windows = len(status_link_sensitivity.SENSITIVITY_LOWS) * len(status_link_sensitivity.SENSITIVITY_HIGHS)
    assert f"({windows} windows" in section
    assert re.search(r"three quarters", section) and ic.NARROWED_BELOW == 0.75


def test_landing_sentence_counts_every_class():
    classes = [ic.FIXED, ic.BY_SUMMARIES, ic.BY_SUMMARIES, ic.BY_TESTS, ic.NOT_NARROWED, ic.SET_BY_PRIOR]
    text = implied_words.landing_sentence(classes)
    assert "of the 6 numbers" in text and "the published figures fix 1" in text
    assert "summaries narrow 2" in text and "tests narrow 1" in text and "a prior sets 1" in text
    assert "1 is not narrowed by any published figure" in text
    # a class with no number is left out, rather than counted as "none"
    assert "none" not in implied_words.landing_sentence([ic.FIXED, ic.NOT_NARROWED, ic.NOT_NARROWED])
