"""One verdict vocabulary: holds (conditioned), holds (tested), does not hold; and the implied claims.

The verdict of a claim depends on whether it holds and on whether the data were built to meet it,
read from the data package's provenance; own data were built to meet nothing. Implied claims (what
the sources' lists leave out) are never conditioned on, hold when their test is not significant,
and are shown apart on the scorecard.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from tacmg import load
from tacmg.claims import verdicts
from tacmg.claims.evaluate import evaluate, evaluate_batch
from tacmg.claims.registry import load_claims
from tacmg.data.cohorts import Cohorts, key
from tacmg.data.paths import RECONSTRUCTED_DIR
from tacmg.presentation import chapter_values, report
from tacmg.reconstruction.generator import generate

REGISTRY = load_claims()
IMPLIED = REGISTRY.select(kind="implied")


# ----------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("holds", "conditioned", "expected"),
    [
        (True, True, "holds (conditioned)"),
        (True, False, "holds (tested)"),
        (False, True, "does not hold"),
        (False, False, "does not hold"),
    ],
)
def test_verdict_rule(holds, conditioned, expected):
    assert verdicts.verdict(holds, conditioned) == expected


def test_only_a_reconstruction_can_have_been_conditioned():
    ids = ["cohort-n", "qmg-decrease"]
    assert verdicts.conditioned_claims({"reconstructed": True, "claims_conditioned_on": ids}) == set(ids)
    # Own data: no provenance, or a provenance that does not say reconstructed.
    assert verdicts.conditioned_claims(None) == frozenset()
    assert verdicts.conditioned_claims({"claims_conditioned_on": ids}) == frozenset()
    assert verdicts.conditioned_claims({"reconstructed": True}) == frozenset()


def test_counts_refuse_an_unknown_verdict():
    with pytest.raises(ValueError, match="not a verdict"):
        verdicts.counts(["reproduced"])


@pytest.fixture(scope="module")
def own_data(tmp_path_factory):
    """The committed cohort's CSVs without its data package: a reader's own data."""
    directory = tmp_path_factory.mktemp("own")
    for name in ("patients.csv", "visits.csv", "controls.csv"):
        shutil.copy(RECONSTRUCTED_DIR / name, directory / name)
    return directory


def test_own_data_is_never_conditioned(own_data):
    dataset = load(own_data)
    assert not report.is_reconstructed(dataset)
    table = evaluate(dataset)
    assert set(table["verdict"]) <= {"holds (tested)", "does not hold"}
    assert not table["conditioned"].any()
    # The same values as the reconstruction: what holds there (conditioned) holds here (tested).
    committed = evaluate(load(RECONSTRUCTED_DIR)).set_index("claim_id")
    mine = table.set_index("claim_id")
    assert (mine["holds"] == committed["holds"]).all()
    assert (committed.loc[committed["kind"] != "implied", "verdict"] == "holds (conditioned)").all()
    assert (mine.loc[mine["holds"], "verdict"] == "holds (tested)").all()
    assert report.patients_noun(dataset) == "patients"
    assert report.verdict_values(dataset, report.published_vs_data(dataset, "cohort"))["n_conditioned"] == 0


def test_a_reconstruction_conditioned_on_some_claims_tests_the_others(tmp_path, own_data):
    for name in ("patients.csv", "visits.csv", "controls.csv"):
        shutil.copy(own_data / name, tmp_path / name)
    package = json.loads((RECONSTRUCTED_DIR / "datapackage.json").read_text(encoding="utf-8"))
    package["provenance"]["claims_conditioned_on"] = ["cohort-n", "qmg-decrease"]
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    table = evaluate(load(tmp_path)).set_index("claim_id")
    assert table.loc["cohort-n", "verdict"] == "holds (conditioned)"
    assert table.loc["qmg-decrease", "verdict"] == "holds (conditioned)"
    assert table.loc["mmt-decrease", "verdict"] == "holds (tested)"
    assert (table["verdict"] == "holds (conditioned)").sum() == 2


def test_explicit_conditioning_overrides_the_provenance():
    table = evaluate(load(RECONSTRUCTED_DIR), conditioned_on=[]).set_index("claim_id")
    assert table.loc["cohort-n", "verdict"] == "holds (tested)"


# ----------------------------------------------------------------------------- implied claims


def test_implied_claims_are_never_conditioned_on():
    assert IMPLIED and all(c.quantity.startswith("no_significant_") for c in IMPLIED)
    assert not {c.id for c in IMPLIED} & {c.id for c in REGISTRY.conditionable()}
    provenance = load(RECONSTRUCTED_DIR).provenance
    assert not {c.id for c in IMPLIED} & set(provenance["claims_conditioned_on"])
    ensemble = generate(20220827, 1, None, chunk_size=20, workers=1, max_candidates=20_000)
    assert set(ensemble.conditioned_on) == {c.id for c in REGISTRY.conditionable()}
    with pytest.raises(ValueError, match="never conditioned on"):
        generate(1, 1, ["cohort-n", IMPLIED[0].id], workers=1)


def test_implied_claims_cover_what_the_lists_leave_out():
    fell = {c.variables[0] for c in REGISTRY.select(finding="molecule_change") if c.quantity == "paired_change"}
    not_listed = {c.variables[0] for c in REGISTRY.select(finding="implied_change")}
    assert fell.isdisjoint(not_listed) and len(fell | not_listed) == 8
    listed_pairs = {frozenset(c.variables) for c in REGISTRY.select(finding="correlations")}
    implied_pairs = {frozenset(c.variables) for c in REGISTRY.select(finding="implied_correlations")}
    assert listed_pairs.isdisjoint(implied_pairs)
    # sCD25 with the two scores neither source names (decision implied-lists) is left out.
    assert frozenset(["scd25", "mg_adl"]) not in implied_pairs | listed_pairs


def _cohort(n: int, visit: dict, status: np.ndarray | None = None) -> Cohorts:
    patient = {"status": (np.full((1, n), 3) if status is None else status[None, :])}
    return Cohorts(patient, {k: np.asarray(v, float)[None, :] for k, v in visit.items()}, {})


def test_an_implied_no_fall_holds_unless_the_fall_is_significant():
    claim = REGISTRY.by_id("no-sicos-decrease")
    rng = np.random.default_rng(0)
    before = rng.lognormal(3, 0.5, 32)
    cases = {
        "no change, noise only": (before * np.exp(rng.normal(0, 0.05, 32)), True),
        "a clear fall": (before * 0.5, False),
        "a clear rise": (before * 2.0, True),  # a significant rise is not a significant fall
    }
    for label, (after, expected) in cases.items():
        cohorts = _cohort(32, {key("sicos", "baseline"): before, key("sicos", "month_12"): after})
        [outcome] = evaluate_batch(cohorts, [claim])
        assert bool(outcome.holds[0]) is expected, label
        row = evaluate(cohorts, [claim]).iloc[0]
        assert row["verdict"] == ("holds (tested)" if expected else "does not hold"), label


def test_an_implied_no_correlation_holds_only_when_no_variant_is_significant():
    claim = REGISTRY.by_id("no-spdl1-qmg-correlation")
    x = np.arange(1.0, 33.0)
    unrelated = np.array([(7 * i) % 32 for i in range(32)], float)
    assert abs(np.corrcoef(x, unrelated)[0, 1]) < 0.2
    for label, y, expected in (
        ("unrelated", unrelated, True),
        ("rising together", x + 0.1 * unrelated, False),
        ("falling together", -x, False),  # either sign contradicts "not correlated"
    ):
        cohorts = _cohort(32, {key("spdl1", "baseline"): x, key("qmg", "baseline"): y})
        [outcome] = evaluate_batch(cohorts, [claim])
        assert bool(outcome.holds[0]) is expected, label


def test_a_prior_that_builds_in_an_implied_claim_says_so():
    from tacmg.reconstruction.priors import load_priors

    raw = load_priors().raw
    assert "implied" in raw["molecules"]["log_change_by_status"]["reason"]
    assert "implied" in raw["correlations"]["default"]["reason"]


# ----------------------------------------------------------------------------- the scorecard


def test_scorecard_shows_implied_claims_apart(own_data):
    for directory, conditioned in ((RECONSTRUCTED_DIR, True), (own_data, False)):
        card = report.scorecard(load(directory))
        stated, implied = report.stated_and_implied(card)
        assert len(stated) + len(implied) == len(card) == len(REGISTRY)
        assert set(implied["kind"]) == {"implied"} and "implied" not in set(stated["kind"])
        assert not implied["conditioned"].any()
        values = chapter_values.scorecard_values(card)
        assert values["total"] == len(stated) and values["implied_total"] == len(implied)
        assert values["conditioned"] == (len(stated) if conditioned else 0)
        assert values["implied_holds"] + values["implied_failed"] == len(implied)
        stated_html, implied_html = report.scorecard_html(stated), report.scorecard_html(implied)
        # ids only as hover titles (issue 22)
        assert all(f'title="{c}"' not in stated_html for c in implied["claim_id"])
        assert all(f'title="{c}"' in implied_html and f">{c}<" not in implied_html for c in implied["claim_id"])
        assert "holds (conditioned)" not in implied_html
