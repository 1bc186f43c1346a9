"""The claims registry: the committed one is well formed; malformed ones are refused in one line."""

from __future__ import annotations

import pytest
import yaml

from tacmg.claims.registry import ClaimsError, load_claims
from tacmg.data.paths import CLAIMS_PATH


def test_committed_registry_loads_with_every_finding_covered():
    registry = load_claims()
    assert len(registry) >= 45
    assert {c.finding for c in registry} == set(registry.findings)
    assert {c.kind for c in registry} == {"descriptive", "inferential", "implied"}


def test_every_ambiguity_named_in_the_brief_is_recorded_as_a_decision():
    decisions = load_claims().decisions
    for needed in (
        "mm-share",
        "improved-subset",
        "correlation-visit",
        "significant-lists",
        "serum-or-plasma",
        "prednisone-name",
    ):
        assert needed in decisions
        assert decisions[needed]["reason"].strip()


def _write(tmp_path, mutate):
    raw = yaml.safe_load(CLAIMS_PATH.read_text(encoding="utf-8"))
    mutate(raw)
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def _claim(raw, claim_id):
    return next(c for c in raw["claims"] if c["id"] == claim_id)


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (
            lambda r: _claim(r, "qmg-decrease").pop("direction"),
            "claim 'qmg-decrease': quantity paired_change needs field 'direction'",
        ),
        (lambda r: _claim(r, "qmg-decrease").pop("paraphrase"), "claim 'qmg-decrease': missing field 'paraphrase'"),
        (
            lambda r: _claim(r, "qmg-decrease").update(quantity="mode"),
            "claim 'qmg-decrease', field 'quantity': 'mode' is not one of",
        ),
        (
            lambda r: _claim(r, "qmg-decrease").update(p_below=5),
            "claim 'qmg-decrease': field 'p_below': 5 is not a probability",
        ),
        (lambda r: _claim(r, "qmg-decrease").update(variables=["qmgg"]), "field 'variables': unknown column(s) qmgg"),
        (lambda r: _claim(r, "qmg-decrease").update(visits=["month_6"]), "field 'visits'"),
        (lambda r: _claim(r, "qmg-decrease").update(source=["blog"]), "field 'source'"),
        (lambda r: _claim(r, "qmg-decrease").update(finding="elsewhere"), "field 'finding'"),
        (lambda r: _claim(r, "qmg-decrease").update(reading="no-such-decision"), "field 'reading'"),
        (lambda r: _claim(r, "qmg-decrease").update(colour="red"), "unknown field(s) colour"),
        (
            lambda r: _claim(r, "il2-spd1-correlation").update(variables=["il2"]),
            "a correlation needs exactly two variables",
        ),
        (lambda r: _claim(r, "status-mm").update(min=12), "need 0 <= min <= max"),
        (lambda r: r["claims"].append(dict(r["claims"][0])), "claim 'cohort-n': duplicate id"),
        (lambda r: r.pop("decisions"), "missing top-level field 'decisions'"),
        (lambda r: r.update(version=2), "field 'version'"),
    ],
)
def test_malformed_registry_is_refused_with_one_clear_line(tmp_path, mutate, expected):
    path = _write(tmp_path, mutate)
    with pytest.raises(ClaimsError) as error:
        load_claims(path)
    message = str(error.value)
    assert expected in message
    assert message.startswith("claims.yaml")
    assert "\n" not in message


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text("version: 1\nclaims: [unclosed\n", encoding="utf-8")
    with pytest.raises(ClaimsError, match=r"claims.yaml, line \d+"):
        load_claims(path)


def test_missing_registry_is_refused(tmp_path):
    with pytest.raises(ClaimsError, match="file not found"):
        load_claims(tmp_path / "claims.yaml")


def test_unknown_claim_ids_are_refused_when_selecting():
    with pytest.raises(ClaimsError, match="unknown claim id"):
        load_claims().select(["qmg-decrease", "no-such-claim"])


def test_paraphrases_do_not_copy_the_news_summary():
    """No paraphrase shares a run of eight words with the news summary (a copied sentence)."""
    from tacmg.data.paths import REPO_ROOT

    news = REPO_ROOT.parent / "shared" / "reference" / "news-summary-of-the-study.txt"
    if not news.exists():
        pytest.skip("the reference text is not beside this checkout")
    words = news.read_text(encoding="utf-8").lower().split()
    shingles = {" ".join(words[i : i + 8]) for i in range(len(words) - 7)}
    for claim in load_claims():
        text = claim.paraphrase.lower().split()
        for i in range(len(text) - 7):
            assert " ".join(text[i : i + 8]) not in shingles, claim.id
