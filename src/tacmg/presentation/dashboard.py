"""The landing page's verdict dashboard: every claim, what the data shown say, and what it rests on.

One row per stated claim, grouped by finding: the claim in words, the published figure, the
figure in the data shown and its verdict (holds (conditioned), holds (tested), does not hold),
how often it holds across reconstructions not conditioned on it (the robustness chapter's
ensemble; for a molecule claim, whose priors were chosen with it in mind, the row says so),
whether it rests on the status-score assumption (the share left when status is drawn
independently of the scores), and any consistency flag on its published figures. Each
finding links to its chapter. Everything is computed from the registry, the data and the cached
ensembles; nothing is typed.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd

from tacmg.claims import verdicts
from tacmg.claims.registry import Registry
from tacmg.presentation.prior_choices import chosen_for
from tacmg.stats.rounding import fixed

# The status-link scenario that shows whether a clinical claim rests on that assumption.
INDEPENDENT_SCENARIO = "(a) scores independent of status"
FLAGGED = ("inconsistent", "ambiguous")
_CSS = {verdicts.DOES_NOT_HOLD: "tacmg-does-not-hold", verdicts.NOT_COMPUTABLE: "tacmg-not-computable"}


def _percent(share: float) -> str:
    return f"{fixed(100 * share, 0)}%"


def dashboard(
    card: pd.DataFrame,
    registry: Registry,
    shares: pd.DataFrame,
    link_shares: pd.DataFrame,
    checks: pd.DataFrame,
) -> pd.DataFrame:
    """The dashboard's rows: the stated claims of a scorecard with what each rests on.

    Parameters
    ----------
    card : pandas.DataFrame
        `tacmg.presentation.report.scorecard` of the data shown.
    registry : Registry
        The claims (for each claim's words).
    shares : pandas.DataFrame
        `tacmg.analyses.robustness.robustness()["shares"]`: share of cohorts conditioned on the
        descriptive claims only in which each inferential claim holds.
    link_shares : pandas.DataFrame
        `tacmg.analyses.status_link.link_robustness()["clinical"]` (rows by claim and scenario).
    checks : pandas.DataFrame
        `tacmg.claims.consistency.checks` (with its ``claims`` column).

    Returns
    -------
    pandas.DataFrame
        finding, finding_title, chapter, claim_id, claim (words), published, observed, verdict,
        holds, reconstructions (words), assumption (words, "" when the claim does not rest on the
        status-score link), consistency (words, "" without a flag).
    """
    stated = card[card["kind"] != "implied"]
    share = shares.set_index("claim_id")["share"]
    cohorts = int(shares["cohorts"].iloc[0]) if len(shares) else 0
    independent = link_shares[link_shares["scenario"] == INDEPENDENT_SCENARIO].set_index("claim_id")["share"]
    flags: dict[str, list[str]] = {}
    for row in checks[checks["verdict"].isin(FLAGGED)].to_dict("records"):
        for claim_id in str(row["claims"]).split(", "):
            flags.setdefault(claim_id, []).append(f"{row['verdict']}: {row['check']}")
    rows = []
    for r in stated.to_dict("records"):
        claim = registry.by_id(r["claim_id"])
        if r["claim_id"] in share.index:
            across = f"holds in {_percent(share[r['claim_id']])} of {cohorts:,}"
            if chosen_for(r["finding"]):  # a share that restates how the priors were chosen
                across += ", whose priors were chosen with it in mind"
        else:
            across = "built into every reconstruction"
        rests = ""
        if r["claim_id"] in independent.index and r["claim_id"] in share.index:
            # scenario (a) keeps the MM cap: only the other patients' scores ignore their status
            rests = f"{_percent(independent[r['claim_id']])} if scores outside MM ignore status"
        rows.append(
            {
                "finding": r["finding"],
                "finding_title": r["finding_title"],
                "chapter": r["chapter"],
                "claim_id": r["claim_id"],
                "claim": claim.paraphrase,
                "published": str(r["published"]),
                "observed": str(r["observed"]),
                "verdict": r["verdict"],
                "holds": bool(r["holds"]),
                "reconstructions": across,
                "assumption": rests,
                "consistency": "; ".join(flags.get(r["claim_id"], [])),
            }
        )
    return pd.DataFrame(rows)


def dashboard_html(table: pd.DataFrame, reconstructed: bool) -> str:
    """The dashboard as an HTML table grouped by finding; each finding links to its chapter.

    The verdict and what it rests on come right after the claim. Each cell carries its column's
    class (``tacmg-col-<key>``) and a ``data-label``, so that on a phone the stylesheet shows each
    row as a card that leads with the verdict and its support (``_static/tacmg.css``).

    Parameters
    ----------
    table : pandas.DataFrame
        The output of `dashboard`.
    reconstructed : bool
        Whether the data shown are the reconstruction (the column header says which data).

    Examples
    --------
    >>> row = {"finding": "f", "finding_title": "The cohort", "chapter": "01-cohort", "claim_id": "cohort-n",
    ...        "claim": "32 patients took part.", "published": "32", "observed": "32",
    ...        "verdict": "holds (conditioned)", "holds": True, "reconstructions": "built into every reconstruction",
    ...        "assumption": "", "consistency": ""}
    >>> page = dashboard_html(pd.DataFrame([row]), True)
    >>> '<a href="01-cohort.html">The cohort</a>' in page
    True
    >>> import re
    >>> re.findall(r'<td class="tacmg-col-(\\w+)', page)[:3]  # the verdict and its support right after the claim
    ['claim', 'verdict', 'reconstructions']
    """
    data = "reconstruction" if reconstructed else "your data"
    # The verdict and what it rests on right after the claim: a laptop shows them without
    # scrolling and a phone card leads with them.
    # (key, header, hover title of the header, the label a phone card shows before the value)
    not_built = "In reconstructions not built to meet the claim"
    ignored = (
        "If the scores of patients outside minimal manifestation status ignored their status "
        "(the robustness chapter's scenario (a))"
    )
    columns = (
        ("claim", "Claim", "", "Claim"),
        ("verdict", "Verdict", "", ""),
        ("reconstructions", "Across reconstructions", not_built, "Across reconstructions"),
        ("assumption", "If scores ignore status", ignored, "If scores ignored status"),
        ("published", "Published", "", "Published"),
        ("observed", f"In the {data}", "", f"In the {data}"),
        ("consistency", "Consistency", "Consistency checks of the published figures", "Consistency"),
    )
    headers = []
    for key, header, hover, _ in columns:
        title = f" title='{html.escape(hover)}'" if hover else ""
        headers.append(f"<th scope='col' class='tacmg-col-{key}'{title}>{header}</th>")
    head = "".join(headers)
    body = []
    for _finding, group in table.groupby("finding", sort=False):
        title = html.escape(group["finding_title"].iloc[0])
        chapter = html.escape(group["chapter"].iloc[0])
        link = f'<a href="{chapter}.html">{title}</a>'
        body.append(f'<tr class="tacmg-finding"><th colspan="{len(columns)}" scope="rowgroup">{link}</th></tr>')
        for r in group.to_dict("records"):
            css = _CSS.get(r["verdict"], "tacmg-holds")
            mark = "–" if r["verdict"] == verdicts.NOT_COMPUTABLE else "✔" if r["holds"] else "✘"
            cells = []
            for key, _header, _hover, label in columns:
                value = html.escape(str(r[key]))
                classes = [f"tacmg-col-{key}"]
                classes += [css] if key == "verdict" else []
                classes += [] if value else ["tacmg-empty"]
                attributes = f' class="{" ".join(classes)}"' + (f' data-label="{html.escape(label)}"' if label else "")
                if key == "claim":
                    attributes += f' title="{html.escape(r["claim_id"])}"'
                shown = f"{mark} {value}" if key == "verdict" else value or "&mdash;"
                cells.append(f"<td{attributes}>{shown}</td>")
            body.append(f"<tr>{''.join(cells)}</tr>")
    table_html = f'<table class="tacmg-dashboard"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    return f'<div class="tacmg-table-scroll tacmg-dashboard-wrap">{table_html}</div>'


def headline_values(table: pd.DataFrame, link_summary: Mapping[str, object] | None = None) -> dict[str, object]:
    """The counts the landing page's first paragraphs quote, from the `dashboard` rows.

    Examples
    --------
    >>> t = pd.DataFrame({"verdict": ["holds (conditioned)", "holds (tested)", "does not hold"],
    ...                   "reconstructions": ["built into every reconstruction", "holds in 100% of 10", "x"],
    ...                   "assumption": ["", "52% if ...", ""], "consistency": ["", "", "ambiguous: y"]})
    >>> v = headline_values(t)
    >>> v["claims"], v["conditioned"], v["tested"], v["failed"], v["flagged"], v["rest_on_link"]
    (3, 1, 1, 1, 1, 1)
    """
    verdict = table["verdict"]
    return {
        "claims": len(table),
        "conditioned": int((verdict == verdicts.HOLDS_CONDITIONED).sum()),
        "tested": int((verdict == verdicts.HOLDS_TESTED).sum()),
        "failed": int((verdict == verdicts.DOES_NOT_HOLD).sum()),
        "not_computable": int((verdict == verdicts.NOT_COMPUTABLE).sum()),
        "flagged": int((table["consistency"] != "").sum()),
        "rest_on_link": int((table["assumption"] != "").sum()),
    }
