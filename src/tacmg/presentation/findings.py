"""Each finding in a few words: its size, its verdict and how far the published figures support it.

The landing page lists the findings with these sentences and every chapter's card opens with its
own. A sentence reads as a clinician would say it in its common case ("All 12 claims hold because
the data were built to meet them"), not as a form filled in for 0, 1 and many. Everything is
computed: the published sizes from the claims registry, the sizes on the data shown from the
scorecard, the support from the cached ensembles of the robustness chapter. On a reader's own
data no support across reconstructions is quoted: the ensembles are about the published figures,
not about their patients.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tacmg.claims import verdicts
from tacmg.claims.registry import Registry, published_number
from tacmg.presentation.intervals import listed, percent_range
from tacmg.presentation.prior_choices import chosen_for
from tacmg.stats.rounding import fixed, minus_signs, quantity_text, round_half_up

# The chapters of findings, with the registry findings each covers (the landing page's order).
CHAPTER_FINDINGS = {
    "01-cohort": ("cohort",),
    "02-clinical-scores": ("clinical_scores",),
    "03-prednisone": ("prednisone",),
    "04-post-intervention-status": ("status",),
    "05-molecules-vs-controls": ("molecules_vs_controls",),
    "06-molecule-change": ("molecule_change", "improved_subset"),
    "07-correlations": ("correlations",),
}
# The status-link scenario in which the scores of patients outside MM ignore their status.
INDEPENDENT_SCENARIO = "(a) scores independent of status"
# A verdict sentence names the claims that fail up to this many; beyond, the chapter's table does.
MAX_NAMED_FAILURES = 3
_SCORE_NAMES = {"qmg": "QMG", "mmt": "MMT", "mg_adl": "MG-ADL", "mg_qol15": "MG-QOL15"}


@dataclass(frozen=True)
class Support:
    """What the robustness chapter's ensembles say about a group of claims (shares 0-1).

    ``cohorts``: reconstructions of the robustness ensemble; ``shares``: claim id to the share of
    them (built on the published summaries alone) in which the claim holds; ``independent``: claim
    id to that share in the status-link ensemble of ``independent_cohorts`` reconstructions in
    which the scores of patients outside minimal manifestation status ignore their status.
    """

    cohorts: int
    shares: Mapping[str, float]
    independent: Mapping[str, float]
    independent_cohorts: int = 0

    @classmethod
    def from_tables(cls, shares: pd.DataFrame, link_shares: pd.DataFrame | None = None) -> Support:
        """From `robustness.robustness()["shares"]` and `status_link.link_robustness()["clinical"]`."""
        independent: dict[str, float] = {}
        independent_cohorts = 0
        if link_shares is not None and len(link_shares):
            rows = link_shares[link_shares["scenario"] == INDEPENDENT_SCENARIO]
            independent = dict(zip(rows["claim_id"], rows["share"].astype(float), strict=True))
            independent_cohorts = int(rows["cohorts"].iloc[0]) if len(rows) else 0
        cohorts = int(shares["cohorts"].iloc[0]) if len(shares) else 0
        measured = dict(zip(shares["claim_id"], shares["share"].astype(float), strict=True))
        return cls(cohorts, measured, independent, independent_cohorts)


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def whole_percent_range(low: float, high: float) -> str:
    """Two shares (0-1) as a range of whole percentages, one figure when they round alike.

    Examples
    --------
    >>> whole_percent_range(0.9981, 1.0), whole_percent_range(0.474, 0.668)
    ('100%', '47% to 67%')
    """
    return percent_range(round_half_up(100 * low), round_half_up(100 * high))


def bound_text(bound: float) -> str:
    """A published P bound as written ('0.0001', never '1e-04').

    Examples
    --------
    >>> bound_text(0.0001), bound_text(0.05)
    ('0.0001', '0.05')
    """
    return np.format_float_positional(bound, trim="-")


def verdict_sentence(verdict_column: pd.Series, reconstructed: bool, failed: list[str] | None = None) -> str:
    """The verdicts of a group of claims in one sentence that reads naturally for 0, 1 and many.

    Examples
    --------
    >>> verdict_sentence(pd.Series(["holds (conditioned)"] * 12), True)
    'All 12 claims hold because the data were built to meet them.'
    >>> verdict_sentence(pd.Series(["holds (conditioned)"]), True)
    'The claim holds because the data were built to meet it.'
    >>> verdict_sentence(pd.Series(["holds (tested)", "holds (tested)", "does not hold"]), False, ["QMG fell"])
    '2 of 3 claims hold on these data; 1 does not (QMG fell).'
    >>> verdict_sentence(pd.Series(["holds (conditioned)", "holds (tested)"]), True)
    '1 claim holds because the data were built to meet it, and 1 holds although they were not.'
    """
    counts = verdicts.counts(verdict_column)
    total, conditioned, tested = counts["total"], counts["conditioned"], counts["tested"]
    failed_count, unknown = counts["failed"], counts["not_computable"]
    claims = _plural(total, "claim", "claims")
    every = "Both claims" if total == 2 else f"All {total} claims"
    if conditioned == total:
        text = (
            "The claim holds because the data were built to meet it"
            if total == 1
            else f"{every} hold because the data were built to meet them"
        )
    elif tested == total:
        text = ("The claim holds on these data" if total == 1 else f"{every} hold on these data") + (
            ", which were not built to meet them" if reconstructed else ""
        )
    elif conditioned and tested and not failed_count and not unknown:
        text = (
            f"{conditioned} {_plural(conditioned, 'claim holds', 'claims hold')} because the data were built to "
            f"meet {_plural(conditioned, 'it', 'them')}, and {tested} {_plural(tested, 'holds', 'hold')} although "
            "they were not"
        )
    else:
        holds = conditioned + tested
        text = f"{holds} of {total} {claims} {_plural(holds, 'holds', 'hold')} on these data"
        if conditioned and reconstructed:
            text += f" ({conditioned} because the data were built to meet {_plural(conditioned, 'it', 'them')})"
        if failed_count:
            text += f"; {failed_count} {_plural(failed_count, 'does', 'do')} not"
            if failed and len(failed) <= MAX_NAMED_FAILURES:  # more would drown the sentence: the chapter lists them
                text += f" ({'; '.join(f.rstrip('.') for f in failed)})"
        if unknown:
            text += f"; {unknown} cannot be computed on them"
    return text + "."


def support_sentence(claim_ids: list[str], findings: tuple[str, ...], support: Support) -> str:
    """How far reconstructions not built to meet these claims still show them, in one sentence.

    Examples
    --------
    >>> s = Support(10000, {"a": 1.0, "b": 1.0}, {"a": 0.47, "b": 0.67}, 2000)
    >>> for part in support_sentence(["a", "b"], ("clinical_scores",), s).split("; "):
    ...     print(part)
    In 10,000 reconstructions built on the published summaries alone the tests hold in 100%
    in 2,000 in which the scores of patients outside minimal manifestation status ignore their status, in 47% to 67%.
    >>> support_sentence(["c"], ("cohort",), s)
    'Every reconstruction is built to meet these figures, so none can test them.'
    """
    measured = [support.shares[c] for c in claim_ids if c in support.shares]
    if not measured:
        return "Every reconstruction is built to meet these figures, so none can test them."
    tests = _plural(len(measured), "the test holds", "the tests hold")
    text = (
        f"In {support.cohorts:,} reconstructions built on the published summaries alone "
        f"{tests} in {whole_percent_range(min(measured), max(measured))}"
    )
    if any(chosen_for(f) for f in findings):
        text += ", but the molecules' priors were chosen with these claims in mind, so that restates the priors"
    independent = [support.independent[c] for c in claim_ids if c in support.independent and c in support.shares]
    # Quoted where it changes the picture: the prednisone fall, for one, does not move.
    if independent and whole_percent_range(min(independent), max(independent)) != whole_percent_range(
        min(measured), max(measured)
    ):
        text += (
            f"; in {support.independent_cohorts:,} in which the scores of patients outside minimal manifestation "
            f"status ignore their status, in {whole_percent_range(min(independent), max(independent))}"
        )
    return text + "."


def _number(value: object) -> str:
    return fixed(published_number(value)) if not isinstance(value, int | float) else fixed(float(value))


def _estimate(card: pd.DataFrame, claim_id: str) -> float | None:
    rows = card.loc[card["claim_id"] == claim_id, "estimate"]
    return float(rows.iloc[0]) if len(rows) and pd.notna(rows.iloc[0]) else None


def _observed(card: pd.DataFrame, claim_id: str) -> str:
    rows = card.loc[card["claim_id"] == claim_id, "observed"]
    return str(rows.iloc[0]) if len(rows) else "n/a"


def _significant(card: pd.DataFrame, ids: list[str], bound: Mapping[str, float]) -> int:
    rows = card[card["claim_id"].isin(ids)]
    return int(sum(p < bound[c] for c, p in zip(rows["claim_id"], rows["p_value"], strict=True) if pd.notna(p)))


def sizes(chapter: str, registry: Registry, card: pd.DataFrame) -> tuple[str, str]:
    """The finding's size as published and on the data shown (`card`: the scorecard of those data).

    Returns
    -------
    tuple of str
        (published, shown): e.g. ('QMG fell from 10 to 6 points (medians; P < 0.0001) ...',
        'median change per patient QMG −3.5 points ...').
    """
    claims = [c for f in CHAPTER_FINDINGS[chapter] for c in registry.select(finding=f) if c.kind != "implied"]
    by_id = {c.id: c for c in claims}
    bound = {c.id: float(c.params.get("p_below", 0.05)) for c in claims}
    if chapter == "01-cohort":
        n, age, years = (by_id[k].published for k in ("cohort-n", "cohort-age-at-onset", "cohort-disease-duration"))
        published = f"{_number(n)} patients, whose disease began at {_number(age)} years of age on average "
        published += f"and had lasted {_number(years)} years."
        shown = f"{_observed(card, 'cohort-n')}."
    elif chapter in ("02-clinical-scores", "03-prednisone"):
        tests = [c for c in claims if c.quantity == "paired_change"]
        unit = "points" if chapter.startswith("02") else "mg/day"
        first = tests[0].variables[0]
        medians = {c.visits[0]: c for c in claims if c.quantity == "median" and c.variables[0] == first}
        name = _SCORE_NAMES.get(first, "The daily prednisone dose")
        p = bound_text(max(bound[c.id] for c in tests))
        before, after = _number(medians["baseline"].published), _number(medians["month_12"].published)
        published = f"{name} fell from {before} to {after} {unit} (medians; P < {p})"
        others = [_SCORE_NAMES.get(c.variables[0], c.variables[0]) for c in tests[1:]]
        published += f", and {listed(others)} fell too." if others else "."
        changes = [
            f"{_SCORE_NAMES[c.variables[0]]} {quantity_text(_estimate(card, c.id), unit, sign=True)}"
            if c.variables[0] in _SCORE_NAMES
            else quantity_text(_estimate(card, c.id), unit, sign=True)
            for c in tests
        ]
        shown = f"median change per patient {listed(changes)}."
    elif chapter == "04-post-intervention-status":
        mm = next(c for c in claims if c.params.get("statuses") == ["MM"])
        published = f"{mm.published_text[0].upper()}{mm.published_text[1:]} of patients reached minimal "
        published += "manifestation status after a year."
        shown = f"at minimal manifestation status, {_observed(card, mm.id)}."
    elif chapter == "07-correlations":
        p = bound_text(max(bound.values()))
        published = f"{len(claims)} correlations, of molecules with severity scores or with one another (P < {p})."
        rho = card.loc[card["claim_id"].isin(list(by_id)), "estimate"].dropna().abs()
        shown = (
            f"Spearman's rho from {fixed(rho.min(), 2)} to {fixed(rho.max(), 2)} in size."
            if len(rho)
            else "not computable on these data."
        )
    else:  # molecules: how many differ or change, as published and on the data shown
        significant = [c.id for c in claims if c.params.get("significant", True) and "p_below" in c.params]
        p = bound_text(max(bound[c] for c in significant))
        if chapter == "05-molecules-vs-controls":
            published = f"{len(significant)} of {len(claims)} molecules were significantly higher than in healthy "
            published += f"controls (P < {p}); the rest were higher, not significantly."
            differ = _significant(card, significant, bound)
            shown = f"{differ} of these {len(significant)} differ significantly."
        else:
            whole = [c.id for c in by_id.values() if c.finding == "molecule_change" and c.id in significant]
            subset = [c.id for c in by_id.values() if c.finding == "improved_subset"]
            published = f"{len(whole)} molecules fell significantly over the year (P < {p}), "
            published += f"{len(subset)} of them in the patients who improved too."
            shown = f"{_significant(card, whole, bound)} of the {len(whole)} fell significantly, "
            shown += f"{_significant(card, subset, bound)} of {len(subset)} in the patients who improved."
    return minus_signs(published), minus_signs(shown)


def claim_ids(chapter: str, registry: Registry) -> list[str]:
    """The stated (not implied) claims of a chapter of findings."""
    return [c.id for f in CHAPTER_FINDINGS[chapter] for c in registry.select(finding=f) if c.kind != "implied"]
