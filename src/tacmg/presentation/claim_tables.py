"""Tables (and chart inputs) that list claims: each claim named in words (`tacmg.claims.names`),
its registry id kept in a last, secondary column.
"""

from __future__ import annotations

import pandas as pd

from tacmg.claims.names import claim_name
from tacmg.claims.registry import Registry, load_claims
from tacmg.presentation.prior_choices import verdict_words
from tacmg.presentation.tables import headings
from tacmg.stats.rounding import P_FLOOR, p_value_text, quantity_text, share_text

ID_COLUMN = "Id"


def names(ids, registry: Registry | None = None) -> list[str]:
    """The words of each claim id (`tacmg.claims.names.claim_name`).

    Examples
    --------
    >>> names(["qmg-decrease", "scd25-qmg-correlation"])
    ['QMG fall', 'sCD25 with QMG']
    """
    registry = registry or load_claims()
    return [claim_name(registry.by_id(i)) for i in ids]


def with_names(frame: pd.DataFrame, column: str = "claim_id", registry: Registry | None = None) -> pd.DataFrame:
    """`frame` with the claim ids of `column` replaced by their words: what a chart's axis shows.

    Examples
    --------
    >>> with_names(pd.DataFrame({"claim_id": ["spd1-decrease"]}))["claim_id"].tolist()
    ['sPD-1 fall']
    """
    return frame.assign(**{column: names(frame[column], registry)})


def claims_view(claims: pd.DataFrame, registry: Registry | None = None) -> pd.DataFrame:
    """`tacmg.presentation.report.published_claims` rows as the page shows them.

    Examples
    --------
    >>> from tacmg.presentation.report import published_claims
    >>> claims_view(published_claims("status")).columns.tolist()
    ['Claim', 'What was reported (paraphrase)', 'Published', 'Source', 'Id']
    """
    return headings(
        claims.assign(name=names(claims["claim"], registry)),
        {
            "name": "Claim",
            "what was reported (paraphrase)": "What was reported (paraphrase)",
            "published": "Published",
            "source": "Source",
            "claim": ID_COLUMN,
        },
    )


def verdict_view(verdicts: pd.DataFrame, registry: Registry | None = None) -> pd.DataFrame:
    """A `tacmg.presentation.report.published_vs_data` table as the page shows it.

    Examples
    --------
    >>> from tacmg.data.loader import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> from tacmg.presentation.report import published_vs_data
    >>> for cell in verdict_view(published_vs_data(load(RECONSTRUCTED_DIR), "status")).iloc[0]:
    ...     print(cell)
    Patients at minimal manifestation status
    roughly 33%
    11 of 32 patients (34.4%)
    holds (conditioned)
    status-mm
    """
    return headings(
        verdicts.assign(name=names(verdicts["claim"], registry)),
        {"name": "Claim", "published": "Published", "this data": "This data", "verdict": "Verdict", "claim": ID_COLUMN},
    )


def shares_view(shares: pd.DataFrame, registry: Registry | None = None) -> pd.DataFrame:
    """Robustness shares (claim_id, finding_title, published, share, ci_low, ci_high, reading) as
    the page shows them: the share and its interval in percent, one decimal.

    Examples
    --------
    >>> t = pd.DataFrame({"claim_id": ["qmg-decrease"], "finding_title": ["Four clinical scores"],
    ...                   "published": ["decrease"], "share": [0.5184], "ci_low": [0.49], "ci_high": [0.5466],
    ...                   "reading": ["holds sometimes"]})
    >>> shares_view(t).iloc[0].tolist()
    ['QMG fall', 'Four clinical scores', 'decrease', '51.8%', '49.0% to 54.7%', 'holds sometimes', 'qmg-decrease']
    """
    shown = shares.assign(
        name=names(shares["claim_id"], registry),
        share_text=[share_text(s) for s in shares["share"]],
        interval=[f"{share_text(lo)} to {share_text(hi)}" for lo, hi in zip(shares["ci_low"], shares["ci_high"])],
    )
    return headings(
        shown[["name", "finding_title", "published", "share_text", "interval", "reading", "claim_id"]],
        {
            "name": "Claim",
            "finding_title": "Finding",
            "published": "Published",
            "share_text": "Holds in (share of cohorts)",
            "interval": "95% CI",
            "reading": "Reading",
            "claim_id": ID_COLUMN,
        },
    )


def shares_wide_view(wide: pd.DataFrame, scenarios: list[str], registry: Registry | None = None) -> pd.DataFrame:
    """A `tacmg.presentation.robustness_charts.shares_wide` table as the page shows it: claims
    in words, each scenario's share in percent (one decimal), the id last.

    Examples
    --------
    >>> wide = pd.DataFrame({"reading": ["status I"], "claim_id": ["improved-spd1-decrease"], "a": [0.98]})
    >>> shares_wide_view(wide, ["a"]).iloc[0].tolist()
    ['status I', 'sPD-1 fall, improved patients', '98.0%', 'improved-spd1-decrease']
    """
    shown = wide.assign(
        name=names(wide["claim_id"], registry), **{s: [share_text(x) for x in wide[s]] for s in scenarios}
    )
    leading = {"reading": "Reading of the subset"} if "reading" in wide.columns else {}
    return headings(
        shown[[*leading, "name", *scenarios, "claim_id"]],
        {**leading, "name": "Claim", **{s: s[0].upper() + s[1:] for s in scenarios}, "claim_id": ID_COLUMN},
    )


def readings_view(
    readings: pd.DataFrame, registry: Registry | None = None, reconstructed: bool = False
) -> pd.DataFrame:
    """`tacmg.analyses.improved_subset.readings_table` rows as the page shows them.

    Each row is one subset claim under one reading: the reading, its patients, the claim in
    words, the published figure, the median change (pg/mL), the least favourable p-value of the
    test variants, the verdict and the claim's id. On a reconstruction (`reconstructed`) an
    implied claim that holds says that the priors lean towards it
    (`tacmg.presentation.prior_choices.verdict_words`).
    """
    claim_column = "claim_id" if "claim_id" in readings.columns else "claim"
    if reconstructed and "kind" in readings.columns:
        findings = readings["kind"].map({"implied": "implied_subset", "stated": "improved_subset"})
        readings = readings.assign(
            verdict=[verdict_words(v, f, k) for v, f, k in zip(readings["verdict"], findings, readings["kind"])]
        )
    shown = readings.assign(
        name=names(readings[claim_column], registry),
        change=[quantity_text(v, "pg/mL", sign=True, with_unit=False) for v in readings["median_change"]],
        p=[p_value_text(v, P_FLOOR) for v in readings["p_value_worst"]],
    )
    return headings(
        shown[["reading", "n", "name", "published", "change", "p", "verdict", claim_column]],
        {
            "reading": "Reading of the subset",
            "n": "Patients (n)",
            "name": "Claim",
            "published": "Published",
            "change": "Median change (pg/mL)",
            "p": "P (least favourable variant)",
            "verdict": "Verdict",
            claim_column: ID_COLUMN,
        },
    )


def resting_view(claims: pd.DataFrame, registry: Registry | None = None) -> pd.DataFrame:
    """`tacmg.analyses.plausibility.claims_resting_on` rows as the page shows them.

    Examples
    --------
    >>> from tacmg.analyses.plausibility import claims_resting_on
    >>> resting_view(claims_resting_on("scd40l")).iloc[0].tolist()[:2]
    ['sCD40L, patients vs controls', 'Molecules against healthy controls']
    """
    return headings(
        claims.assign(name=names(claims["claim"], registry))[["name", "finding", "published", "source", "claim"]],
        {"name": "Claim", "finding": "Finding", "published": "Published", "source": "Source", "claim": ID_COLUMN},
    )
