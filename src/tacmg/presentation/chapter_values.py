"""The numbers and words each chapter's prose quotes, computed in one call per chapter section.

Every chapter hands its prose values the same way: one function here turns the analysis tables
into a flat dict of plain Python values, and `v.add(prefix, values)` (`tacmg.presentation.glue.ProseValues`)
glues them under the chapter's prefix. Nothing in a notebook assembles prose values by hand, so the
rules (which rounding, which words) live here and are tested. The molecule chapters' values come
from `tacmg.presentation.summaries`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from tacmg.analyses.scores import MCID_POINTS, QMG_MCID_MILD
from tacmg.claims.consistency import counts_rounding_to, fewest_changes_for, smallest_signed_rank_p
from tacmg.claims.registry import Registry
from tacmg.presentation.prose import convention_readings, counted, mcid_reading, words
from tacmg.presentation.report import stated_and_implied, verdict_counts
from tacmg.stats.rounding import fixed, percent, quantity_text, round_half_up, share_text, significant

# Short stems of the score columns in glue keys ('scores_qmg_hl', 'scores_adl_p', ...).
SCORE_STEMS = {"qmg": "qmg", "mmt": "mmt", "mg_adl": "adl", "mg_qol15": "qol"}


def score_change_values(
    changes: pd.DataFrame, mcid: Mapping[str, float | None], confidence: float, qol_baseline_sd: float
) -> dict[str, Any]:
    """What chapter 2's prose quotes about a `tacmg.analyses.scores.score_changes` table.

    Parameters
    ----------
    changes : pandas.DataFrame
        The output of `score_changes` (one row per score).
    mcid : mapping
        The thresholds in use (points of fall; None for no threshold), as passed to `score_changes`.
    confidence : float
        The level of the Hodges-Lehmann intervals (0-1).
    qol_baseline_sd : float
        Standard deviation of the baseline MG-QOL15 (points), for the half-SD reading.

    Returns
    -------
    dict
        n, confidence_pct; per score (stems qmg, mmt, adl, qol): ``<stem>_median_baseline``,
        ``_median_month_12``, ``_median_change``, ``_hl``, ``_hl_low``, ``_hl_high`` (points),
        ``_p`` (p_value), ``_rb`` (effect size, 2 decimals), ``_n_unchanged``, ``_n_worse``,
        ``_n_improved``, ``_pct_improved`` (percent, 1 decimal), ``_mcid`` (points), ``_n_mcid``,
        ``_pct_mcid`` (these three only for a score with a threshold), ``_mcid_reading`` (a
        phrase), ``_p_permutation`` (the exact conditional p); then p_max, p_methods (words),
        p_methods_permutation (words), rb_weakest / rb_strongest with their labels, n_fell (scores
        whose whole interval lies below zero), n_scores, lit_adl / lit_qmg / lit_qmg_mild (the
        cited MCIDs, points) and qol_half_sd.

    Examples
    --------
    >>> from tacmg import load
    >>> from tacmg.analyses.scores import score_changes
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> changes = score_changes(load(RECONSTRUCTED_DIR))
    >>> values = score_change_values(changes, MCID_POINTS, 0.95, qol_baseline_sd=8.0)
    >>> values["n"], values["n_scores"], values["qol_half_sd"], "mmt_mcid" in values
    (32, 4, 4.0, False)
    """
    values: dict[str, Any] = {
        "n": int(changes["n"].iloc[0]),
        "confidence_pct": round_half_up(100 * confidence, 1),
    }
    for row in changes.to_dict("records"):
        s = SCORE_STEMS[row["score"]]
        values.update(
            {
                f"{s}_n": row["n"],  # the patients with both visits of this score
                f"{s}_median_baseline": row["median_baseline"],
                f"{s}_median_month_12": row["median_month_12"],
                f"{s}_median_change": row["median_change"],
                f"{s}_hl": row["hl_change"],
                f"{s}_hl_low": row["hl_change_ci_low"],
                f"{s}_hl_high": row["hl_change_ci_high"],
                f"{s}_p": row["p_value"],
                f"{s}_p_permutation": row["p_value_permutation"],
                f"{s}_rb": round_half_up(row["effect_size"], 2),
                f"{s}_n_unchanged": row["n_unchanged"],
                f"{s}_n_worse": row["n_worse"],
                f"{s}_n_improved": row["n_improved"],
                f"{s}_pct_improved": percent(row["n_improved"], row["n"]),
                f"{s}_mcid_reading": mcid_reading(
                    row["hl_change"], row["hl_change_ci_low"], row["hl_change_ci_high"], mcid.get(row["score"])
                ),
            }
        )
        if np.isfinite(row["mcid_points"]):  # a score without a threshold (the MMT) has no such numbers
            values.update(
                {
                    f"{s}_mcid": row["mcid_points"],
                    f"{s}_n_mcid": row["n_mcid"],
                    f"{s}_pct_mcid": percent(row["n_mcid"], row["n"]),
                }
            )
    methods = changes["p_method"].unique()
    methods_permutation = changes["p_method_permutation"].unique()
    weakest = changes.iloc[int(changes["effect_size"].to_numpy(float).argmax())]
    strongest = changes.iloc[int(changes["effect_size"].to_numpy(float).argmin())]
    values.update(
        {
            "p_max": float(changes["p_value"].max()),
            "p_methods": (
                f"{methods[0]} for all {len(changes)} scores"
                if len(methods) == 1
                else "; ".join(f"{label} {method}" for label, method in zip(changes["label"], changes["p_method"]))
            ),
            "p_methods_permutation": (
                f"{methods_permutation[0]} for all {len(changes)} scores"
                if len(methods_permutation) == 1
                else "; ".join(f"{lab} {m}" for lab, m in zip(changes["label"], changes["p_method_permutation"]))
            ),
            "rb_weakest": float(weakest["effect_size"]),
            "rb_weakest_label": str(weakest["label"]),
            "rb_strongest": float(strongest["effect_size"]),
            "rb_strongest_label": str(strongest["label"]),
            "n_fell": int((changes["hl_change_ci_high"] < 0).sum()),
            "n_scores": len(changes),
            "lit_adl": MCID_POINTS["mg_adl"],
            "lit_qmg": MCID_POINTS["qmg"],
            "lit_qmg_mild": QMG_MCID_MILD,
            "qol_half_sd": round_half_up(qol_baseline_sd / 2, 1),
        }
    )
    return values


def hl_convention_values(conventions: pd.DataFrame, mcid: Mapping[str, float | None]) -> dict[str, Any]:
    """What chapter 2's prose quotes about the two zero conventions of the Hodges-Lehmann change.

    Parameters
    ----------
    conventions : pandas.DataFrame
        The output of `tacmg.analyses.scores.hl_conventions`.
    mcid : mapping
        The thresholds in use (points of fall; None for no threshold).

    Returns
    -------
    dict
        Per score (stems qmg, mmt, adl, qol): ``<stem>_n_zero`` (unchanged patients),
        ``_hl_all_n``, ``_hl_all_n_low``, ``_hl_all_n_high``, ``_hl_cond_low``, ``_hl_cond_high``
        (points); then n_tied (scores with a zero or tied change), n_with_zeros,
        n_estimate_differs (scores whose two estimates differ) with estimate_differs_list,
        n_interval_differs (scores whose exact conditional interval differs from the
        critical-value one) with interval_differs_list, n_reading_changes with reading_changes_list
        (labels, as words; 'none') and reading_changes_detail (a phrase).

    Examples
    --------
    >>> from tacmg import load
    >>> from tacmg.analyses.scores import hl_conventions
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> values = hl_convention_values(hl_conventions(load(RECONSTRUCTED_DIR)), MCID_POINTS)
    >>> values["n_with_zeros"] >= values["n_estimate_differs"]
    True
    """
    readings = convention_readings(conventions, mcid).set_index("score")
    values: dict[str, Any] = {}
    for row in conventions.to_dict("records"):
        s = SCORE_STEMS[row["score"]]
        values.update(
            {
                f"{s}_n_zero": row["n"] - row["n_nonzero"],
                f"{s}_hl_all_n": row["hl_change_all_n"],
                f"{s}_hl_all_n_low": row["hl_change_all_n_ci_low"],
                f"{s}_hl_all_n_high": row["hl_change_all_n_ci_high"],
                f"{s}_hl_cond_low": row["hl_change_conditional_ci_low"],
                f"{s}_hl_cond_high": row["hl_change_conditional_ci_high"],
            }
        )
    differs = conventions["hl_change"] != conventions["hl_change_all_n"]
    interval_differs = (conventions["hl_change_ci_low"] != conventions["hl_change_conditional_ci_low"]) | (
        conventions["hl_change_ci_high"] != conventions["hl_change_conditional_ci_high"]
    )
    changed = conventions[conventions["score"].map(readings["changes"]).to_numpy(bool)]
    detail = [
        f"the {r['label']} change of {fixed(r['hl_change'])} points with zeros dropped "
        f"{readings.loc[r['score'], 'reading']}, while the {fixed(r['hl_change_all_n'])} points over all "
        f"{r['n']} changes {readings.loc[r['score'], 'reading_all_n']}"
        for r in changed.to_dict("records")
    ]
    values.update(
        {
            "n_tied": int(conventions["ties_or_zeros"].sum()),
            "n_with_zeros": int((conventions["n"] > conventions["n_nonzero"]).sum()),
            "n_estimate_differs": int(differs.sum()),
            "estimate_differs_list": words(conventions.loc[differs, "label"]),
            "n_interval_differs": int(interval_differs.sum()),
            "interval_differs_list": words(conventions.loc[interval_differs, "label"]),
            "n_reading_changes": len(changed),
            "reading_changes_list": words(changed["label"]),
            "reading_changes_detail": "; ".join(detail) if detail else "no reading changes",
        }
    )
    return values


def scorecard_values(card: pd.DataFrame) -> dict[str, int]:
    """What the scorecard's prose quotes: counts of the stated claims and, apart, of the implied ones.

    Parameters
    ----------
    card : pandas.DataFrame
        The output of `tacmg.presentation.report.scorecard` (columns finding, kind, verdict).

    Returns
    -------
    dict
        Of the stated claims: total, conditioned (hold; the data were built to meet them), tested
        (hold; they were not), failed (do not hold), not_computable (the data cannot test them),
        findings (how many); of the implied claims: implied_total, implied_holds, implied_failed,
        implied_not_computable, implied_findings.

    Examples
    --------
    >>> card = pd.DataFrame({"finding": ["a", "a", "b", "c"],
    ...                      "kind": ["descriptive", "inferential", "inferential", "implied"],
    ...                      "verdict": ["holds (conditioned)", "holds (tested)", "does not hold", "holds (tested)"]})
    >>> scorecard_values(card)  # doctest: +NORMALIZE_WHITESPACE
    {'total': 3, 'conditioned': 1, 'tested': 1, 'failed': 1, 'not_computable': 0, 'findings': 2,
     'implied_total': 1, 'implied_holds': 1, 'implied_failed': 0, 'implied_not_computable': 0, 'implied_findings': 1}
    """
    stated, implied = stated_and_implied(card)
    counts, implied_counts = verdict_counts(stated), verdict_counts(implied)
    return {
        "total": counts["total"],
        "conditioned": counts["conditioned"],
        "tested": counts["tested"],
        "failed": counts["failed"],
        "not_computable": counts["not_computable"],
        "findings": int(stated["finding"].nunique()),
        "implied_total": implied_counts["total"],
        "implied_holds": implied_counts["holds"],
        "implied_failed": implied_counts["failed"],
        "implied_not_computable": implied_counts["not_computable"],
        "implied_findings": int(implied["finding"].nunique()),
    }


def consistency_values(
    checks: pd.DataFrame, registry: Registry, percent_published: float, p_bound: float
) -> dict[str, Any]:
    """What the consistency chapter's prose quotes about the checks, the share and the p bound.

    Parameters
    ----------
    checks : pandas.DataFrame
        The output of `tacmg.claims.consistency.checks`.
    registry : Registry
        The claims registry (for the cohort size and the accepted MM counts).
    percent_published : float
        The published share at minimal manifestation status (percent).
    p_bound : float
        The published P bound of the score changes.

    Returns
    -------
    dict
        n_checks and the count of each verdict (consistent, inconsistent, ambiguous,
        uninformative); percent, n, rounding_counts (the whole counts of n that round to the
        percentage, as words), mm_low / mm_high (the counts the registry accepts) with pct_low /
        pct_high (percent of n); smallest_p (the smallest exact two-sided signed-rank p with n
        changes), fewest (the fewest changes that can reach p below the bound), bound.

    Examples
    --------
    >>> from tacmg.claims.consistency import checks
    >>> from tacmg.claims.registry import load_claims
    >>> registry = load_claims()
    >>> values = consistency_values(checks(registry), registry, 33, 1e-4)
    >>> values["n"], values["fewest"]
    (32, 15)
    """
    n = int(registry.by_id("cohort-n").published)
    accepted = registry.by_id("status-mm").params
    rounding = counts_rounding_to(percent_published, n)
    values: dict[str, Any] = {"n_checks": len(checks)}
    for verdict in ("consistent", "inconsistent", "ambiguous", "uninformative"):
        values[verdict] = int((checks["verdict"] == verdict).sum())
    values.update(
        {
            "percent": percent_published,
            "n": n,
            "rounding_counts": ", ".join(map(str, rounding)) or "none",
            "mm_low": accepted["min"],
            "mm_high": accepted["max"],
            "pct_low": 100 * accepted["min"] / n,
            "pct_high": 100 * accepted["max"] / n,
            "smallest_p": smallest_signed_rank_p(n),
            "fewest": fewest_changes_for(p_bound),
            "bound": p_bound,
        }
    )
    return values


def discussion_values(
    dose: pd.DataFrame, pairs: pd.DataFrame, entry: Mapping[str, float], noun: str = "patients"
) -> dict[str, Any]:
    """What the discussion page quotes about the dose correlations, the published pairs given the
    dose, and the share meeting a trial's entry threshold.

    Each analysis uses the patients that have what it needs, so the counts can differ from row to
    row; a correlation that cannot be computed (under 3 patients) is named in words, never as NaN.

    Parameters
    ----------
    dose : pandas.DataFrame
        The output of `tacmg.analyses.discussion.dose_correlations`.
    pairs : pandas.DataFrame
        The output of `tacmg.analyses.discussion.published_pairs_given_dose`.
    entry : mapping
        The output of `tacmg.analyses.discussion.share_at_or_above`.
    noun : str
        What the prose calls the people in the data (`tacmg.presentation.report.patients_noun`).

    Returns
    -------
    dict
        n_tests, n (patients of the dose correlations, in words: one count or their range),
        n_significant, n_significant_adjusted, strongest (the variable with the largest absolute
        rho and that rho, in words), rho_<variable> for each row that has one; n_pairs, n_pairs_n
        (their patients, in words), shift (the largest absolute change of a published pair's rho
        once the dose is held fixed, and its pair, in words); entry_count, entry_n, entry_of
        ('12 of 32 patients') and entry_share (percent and interval, in words).

    Examples
    --------
    >>> dose = pd.DataFrame({"variable": ["il2", "qmg"], "label": ["IL-2", "QMG"], "n": [32, 31],
    ...                      "rho": [0.1, -0.3], "significant": [False, False],
    ...                      "significant_adjusted": [False, False]})
    >>> pairs = pd.DataFrame({"label_x": ["QMG"], "label_y": ["sCD25"], "n": [31], "change": [-0.02]})
    >>> entry = {"count": 12, "n": 32, "share": 0.375, "share_ci_low": 0.211, "share_ci_high": 0.563, "median": 4.5}
    >>> values = discussion_values(dose, pairs, entry)
    >>> values["n"], values["strongest"], values["shift"]
    ('31 to 32 patients', 'QMG (rho = -0.30)', 'by at most 0.02 (for QMG and sCD25)')
    >>> values["entry_of"], values["entry_share"]
    ('12 of 32 patients', '37.5%, 95% interval 21.1% to 56.3%')
    """
    rho = dose["rho"].to_numpy(float)
    finite = np.isfinite(rho)
    values: dict[str, Any] = {
        "n_tests": len(dose),
        "n": counted(dose["n"], noun),
        "n_significant": int(dose["significant"].fillna(False).astype(bool).sum()),
        "n_significant_adjusted": int(dose["significant_adjusted"].fillna(False).astype(bool).sum()),
        **{f"rho_{variable}": r for variable, r in zip(dose["variable"], rho) if np.isfinite(r)},
        "n_pairs": len(pairs),
        "n_pairs_n": counted(pairs["n"] if len(pairs) else [], noun),
    }
    if finite.any():
        strongest = int(np.nanargmax(np.abs(rho)))
        rho_text = quantity_text(rho[strongest], "correlation", sign=True)
        values["strongest"] = f"{dose['label'].iloc[strongest]} (rho = {rho_text})"
    else:
        values["strongest"] = "none: too few patients have both values for any correlation"
    change = pairs["change"].to_numpy(float) if len(pairs) else np.array([])
    if np.isfinite(change).any():
        largest = int(np.nanargmax(np.abs(change)))
        pair = f"{pairs['label_x'].iloc[largest]} and {pairs['label_y'].iloc[largest]}"
        values["shift"] = f"by at most {fixed(float(abs(change[largest])), 2)} (for {pair})"
    else:
        values["shift"] = "by an amount that cannot be computed here (too few patients with all three values)"
    count, n = int(entry["count"]), int(entry["n"])
    values.update(
        {
            "entry_count": count,
            "entry_n": n,
            "entry_of": f"{count} of {counted([n], noun)}",
            "entry_share": (
                f"{share_text(count / n)}, {significant(100 * float(entry.get('confidence', 0.95)))}% interval "
                f"{share_text(entry['share_ci_low'])} to {share_text(entry['share_ci_high'])}"
                if n
                else "no patient has a value at that visit"
            ),
        }
    )
    return values
