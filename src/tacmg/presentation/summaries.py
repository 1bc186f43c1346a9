"""Per-chapter values for the prose: plain Python numbers and words computed from an analysis
table, ready for `tacmg.presentation.glue.ProseValues.add`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tacmg.analyses.improved_subset import READING_KEYS
from tacmg.claims import verdicts as verdict_names
from tacmg.claims.consistency import smallest_signed_rank_p
from tacmg.claims.verdicts import verdict
from tacmg.presentation.prose import method_words, words
from tacmg.stats.rounding import fixed, minus_signs, p_text


def against_controls_summary(table: pd.DataFrame, conditioned: bool = False) -> dict:
    """Plain-Python numbers and words about a `baseline_against_controls` table (for glue).

    `conditioned` says whether the data were built to meet the published split at the table's
    level (`tacmg.presentation.report.built_to_meet`); an adjusted verdict is always tested.

    Keys: n_molecules, n_patients, n_controls, n_significant, n_significant_adjusted,
    n_published_significant, n_matches, n_matches_adjusted, split_verdict (a verdict of
    `tacmg.claims.verdicts`: whether every molecule matches the published split unadjusted),
    split_verdict_adjusted, abstract_verdict (whether every molecule of the abstract's list is
    significant), significant_list,
    significant_adjusted_list, published_list, abstract_list, mismatched_list,
    mismatched_adjusted_list (labels, as words), and per molecule `<molecule>_p`,
    `<molecule>_p_adjusted`, `<molecule>_hl_ratio`, `<molecule>_hl_ratio_low`,
    `<molecule>_hl_ratio_high`, `<molecule>_ratio_of_medians`, `<molecule>_median_patients`,
    `<molecule>_median_controls` (pg/mL).
    """
    sig = table["significant"].fillna(False).astype(bool)
    sig_adj = table["significant_adjusted"].fillna(False).astype(bool)
    pub = table["published_significant"].fillna(False).astype(bool)
    match = table["matches_published"].fillna(False).astype(bool)
    match_adj = table["matches_published_adjusted"].fillna(False).astype(bool)
    abstract = table["in_abstract_list"].astype(bool)
    out: dict[str, Any] = {
        "n_molecules": len(table),
        "n_patients": int(table["n_patients"].iloc[0]),
        "n_controls": int(table["n_controls"].iloc[0]),
        "n_significant": int(sig.sum()),
        "n_significant_adjusted": int(sig_adj.sum()),
        "n_published_significant": int(pub.sum()),
        "n_matches": int(match.sum()),
        "n_matches_adjusted": int(match_adj.sum()),
        "split_verdict": verdict(bool(match.all()), conditioned),
        "split_verdict_adjusted": verdict(bool(match_adj.all()), False),
        "abstract_verdict": verdict(bool(sig[abstract].all() and abstract.any()), conditioned),
        "significant_list": words(table.loc[sig, "label"]),
        "significant_adjusted_list": words(table.loc[sig_adj, "label"]),
        "published_list": words(table.loc[pub, "label"]),
        "abstract_list": words(table.loc[abstract, "label"]),
        "mismatched_list": words(table.loc[~match, "label"]),
        "mismatched_adjusted_list": words(table.loc[~match_adj, "label"]),
    }
    for row in table.to_dict("records"):
        for column in (
            "p_value",
            "p_value_adjusted",
            "hl_ratio",
            "hl_ratio_ci_low",
            "hl_ratio_ci_high",
            "ratio_of_medians",
            "median_patients",
            "median_controls",
        ):
            out[f"{row['molecule']}_{column}"] = float(row[column])
    return out


def matrix_margin(table: pd.DataFrame, molecule: str) -> dict:
    """How large a systematic bias between the groups would have to be to erase a difference.

    A bias that multiplied one group's values by f (a different sample matrix, or handling) would
    divide the patient/control ratio by f; the interval of the Hodges-Lehmann ratio is the set of
    ratios the data cannot reject, so a bias beyond its nearer end brings 1 (no difference) into it.

    Keys: factor (hl_ratio_low if the whole interval lies above 1, 1 / hl_ratio_high if below,
    NaN if it spans 1), excludes_one (bool), reading (a phrase for prose).
    """
    indexed = table.set_index("molecule")
    low, high = (float(v) for v in indexed.loc[molecule, ["hl_ratio_ci_low", "hl_ratio_ci_high"]].to_numpy(float))
    if low > 1:
        factor = low
        reading = (
            f"a bias that raised the patients' values by a factor of {factor:.2f} or more relative to "
            "the controls' would bring the interval down to include 1, no difference"
        )
    elif high < 1:
        factor = 1 / high
        reading = (
            f"a bias that raised the controls' values by a factor of {factor:.2f} or more relative to "
            "the patients' would bring the interval up to include 1, no difference"
        )
    else:
        factor = float("nan")
        reading = "the interval already includes no difference, so no bias is needed to explain the data"
    return {"factor": factor, "excludes_one": bool(low > 1 or high < 1), "reading": reading}


def patients_words(table: pd.DataFrame, article: str = "all") -> str:
    """How many patients a table's rows rest on, in words: "all 29 patients" when every row has the
    same n, otherwise the range and the rows that differ ("28 to 29 patients (IL-2 28, the others 29)").

    Parameters
    ----------
    table : pandas.DataFrame
        Rows with ``n`` and ``label`` (a `paired_change` table, say).
    article : str
        What precedes the count when every row has the same n ("all", "the").

    Examples
    --------
    >>> t = pd.DataFrame({"label": ["sPD-1", "IL-2", "sCD25"], "n": [29, 28, 29]})
    >>> patients_words(t), patients_words(t.iloc[[0, 2]], "the")
    ('28 to 29 patients (IL-2 28, the others 29)', 'the 29 patients')
    """
    counts = table["n"].astype(int)
    if counts.nunique() <= 1:
        return f"{article} {int(counts.iloc[0])} patients" if len(counts) else f"{article} patients"
    common = int(counts.mode().max())
    others = [f"{label} {n}" for label, n in zip(table["label"], counts) if n != common]
    return f"{counts.min()} to {counts.max()} patients ({', '.join(others)}, the others {common})"


def change_summary(table: pd.DataFrame, conditioned: bool = False, article: str = "all") -> dict:
    """Plain-Python numbers and words about a `paired_change` table (for glue).

    `conditioned` says whether the data were built to meet the listed claims at the table's level
    (`tacmg.presentation.report.built_to_meet`); an adjusted verdict is always tested. `article`
    precedes the patients' count in ``patients_words`` when every row has the same n.

    Keys: n (patients in the first row), patients_words (`patients_words`: the rows' n in words,
    since a missing value leaves a patient out of that molecule only), n_significant,
    n_significant_adjusted, n_listed (molecules the sources list as falling significantly),
    n_matches, n_matches_adjusted (of the listed ones), verdict / verdict_adjusted (a verdict of
    `tacmg.claims.verdicts`: whether every listed claim holds), decreased_list, increased_list
    (significant unadjusted, by direction), significant_adjusted_list, listed_list,
    mismatched_list, unlisted_significant_list (significant but not named by any source),
    p_methods and p_methods_permutation (what each p is, as words), p_differs_list (molecules whose
    exact conditional p differs from the reported p), and per molecule `<molecule>_p`,
    `<molecule>_p_adjusted`, `<molecule>_hl_ratio`, `_hl_ratio_low`, `_hl_ratio_high` (month 12 /
    baseline), `<molecule>_pct_change` (100 (hl_ratio - 1), percent), `<molecule>_direction`.
    """
    sig = table["significant"].fillna(False).astype(bool)
    sig_adj = table["significant_adjusted"].fillna(False).astype(bool)
    listed = table["published_direction"].notna()
    match = table["matches_published"].fillna(False).astype(bool)
    match_adj = table["matches_published_adjusted"].fillna(False).astype(bool)
    out: dict[str, Any] = {
        "n": int(table["n"].iloc[0]),
        "patients_words": patients_words(table, article),
        "n_significant": int(sig.sum()),
        "n_significant_adjusted": int(sig_adj.sum()),
        "n_listed": int(listed.sum()),
        "n_matches": int((match & listed).sum()),
        "n_matches_adjusted": int((match_adj & listed).sum()),
        "verdict": verdict(bool(match[listed].all() and listed.any()), conditioned),
        "verdict_adjusted": verdict(bool(match_adj[listed].all() and listed.any()), False),
        "decreased_list": words(table.loc[sig & (table["direction"] == "decrease"), "label"]),
        "increased_list": words(table.loc[sig & (table["direction"] == "increase"), "label"]),
        "significant_adjusted_list": words(table.loc[sig_adj, "label"]),
        "listed_list": words(table.loc[listed, "label"]),
        "mismatched_list": words(table.loc[listed & ~match, "label"]),
        "unlisted_significant_list": words(table.loc[sig & ~listed, "label"]),
        "p_methods": method_words(table["label"], table["p_method"]),
        "p_methods_permutation": method_words(table["label"], table["p_method_permutation"]),
        "p_differs_list": words(
            table.loc[
                ~np.isclose(table["p_value"], table["p_value_permutation"], rtol=1e-9, atol=0, equal_nan=True), "label"
            ]
        ),
    }
    for row in table.to_dict("records"):
        for column in ("p_value", "p_value_adjusted", "hl_ratio", "hl_ratio_ci_low", "hl_ratio_ci_high"):
            out[f"{row['molecule']}_{column}"] = float(row[column])
        out[f"{row['molecule']}_pct_change"] = float(100 * (row["hl_ratio"] - 1))
        out[f"{row['molecule']}_direction"] = row["direction"]
    return out


def bounded_text(value: float, decimals: int = 2) -> str:
    """A value bounded by -1 and 1 (a rank-biserial or other correlation) to `decimals` places, with
    more where rounding would print -1 or 1 for a value that is not: "-1.00" must mean every pair
    went one way.

    Examples
    --------
    >>> bounded_text(-0.9959677), bounded_text(-1.0), bounded_text(0.4567), bounded_text(0.99996)
    ('-0.996', '-1.00', '0.46', '0.99996')
    >>> bounded_text(float("nan"))
    'n/a'
    """
    places = decimals
    if not np.isfinite(value):
        return fixed(value, places)
    while abs(float(fixed(value, places))) == 1 and abs(value) < 1 and places < 8:
        places += 1
    return fixed(value, places)


def readings_words(readings: pd.DataFrame) -> dict[str, str]:
    """For each reading of the improved subset, the molecules whose implied claim fails (they fall
    significantly although the summary leaves them off the subset's list), in words, from
    `tacmg.analyses.improved_subset.readings_table`: ``implied_failed_<key>_list`` for each key of
    `tacmg.analyses.improved_subset.READING_KEYS`.

    Examples
    --------
    >>> t = pd.DataFrame({"reading": ["status I", "status MM or I", "status MM or I", "MG-ADL fall of 2 or more"],
    ...                   "kind": ["implied"] * 4, "label": ["IL-2", "sCD40", "IL-2", "IL-2"],
    ...                   "verdict": ["holds (tested)", "does not hold", "does not hold", "holds (tested)"]})
    >>> readings_words(t)
    {'implied_failed_i_list': 'none', 'implied_failed_mm_i_list': 'sCD40 and IL-2', 'implied_failed_adl_list': 'none'}
    """
    out = {}
    for reading, short in READING_KEYS.items():
        rows = readings[(readings["reading"] == reading) & (readings["kind"] == "implied")]
        out[f"implied_failed_{short}_list"] = words(rows.loc[rows["verdict"] == verdict_names.DOES_NOT_HOLD, "label"])
    return out


def thresholds_summary(thresholds: pd.DataFrame) -> dict:
    """Plain-Python values about a `tacmg.analyses.correlations.correlation_thresholds` table (for glue).

    Keys: n_all, significant_all (smallest absolute rho with p below alpha in all patients),
    detectable_all (absolute rho detected with the table's power), subset (the subset's name,
    e.g. 'status I'), n_subset, significant_subset, detectable_subset, alpha, power_pct.

    Examples
    --------
    >>> table = pd.DataFrame({"group": ["all patients", "status I"], "n": [32, 16],
    ...                       "significant_rho": [0.349, 0.497], "detectable_rho": [0.502, 0.7],
    ...                       "alpha": [0.05, 0.05], "power": [0.8, 0.8]})
    >>> values = thresholds_summary(table)
    >>> values["significant_subset"], values["detectable_all"], values["subset"], values["power_pct"]
    (0.497, 0.502, 'status I', 80.0)
    """
    everyone, subset = thresholds.iloc[0], thresholds.iloc[1]
    return {
        "n_all": int(everyone["n"]),
        "significant_all": float(everyone["significant_rho"]),
        "detectable_all": float(everyone["detectable_rho"]),
        "subset": str(subset["group"]),
        "n_subset": int(subset["n"]),
        "significant_subset": float(subset["significant_rho"]),
        "detectable_subset": float(subset["detectable_rho"]),
        "alpha": float(everyone["alpha"]),
        "power_pct": 100 * float(everyone["power"]),
    }


def subset_contrast(all_patients: pd.DataFrame, subset: pd.DataFrame, adjusted: bool = False) -> dict:
    """Which molecules change significantly in all patients, in the subset, or in both (two
    `paired_change` tables). Keys: both_list, only_all_list, only_subset_list (labels as words),
    n_all, n_subset (patients), smallest_p_subset (the smallest two-sided exact Wilcoxon p that
    n_subset patients can give, `tacmg.claims.consistency.smallest_signed_rank_p`: what a smaller
    group can reach at best)."""
    column = "significant_adjusted" if adjusted else "significant"
    a = set(all_patients.loc[all_patients[column].fillna(False).astype(bool), "label"])
    b = set(subset.loc[subset[column].fillna(False).astype(bool), "label"])
    order = list(all_patients["label"])
    n_subset = int(subset["n"].iloc[0])
    return {
        "both_list": words([m for m in order if m in a & b]),
        "only_all_list": words([m for m in order if m in a - b]),
        "only_subset_list": words([m for m in order if m in b - a]),
        "n_all": int(all_patients["n"].iloc[0]),
        "n_subset": n_subset,
        "smallest_p_subset": smallest_signed_rank_p(n_subset) if n_subset else float("nan"),
    }


def status_summary(test: pd.DataFrame) -> dict:
    """Words and counts about a `status_difference_test` table. Keys: n_tests, n_significant,
    n_significant_adjusted, significant_adjusted_list, detail (e.g. 'sPD-1 (median change lowest
    in MM, highest in U)' for each molecule significant after adjustment, or 'none')."""
    sig = test["significant"].fillna(False).astype(bool)
    sig_adj = test["significant_adjusted"].fillna(False).astype(bool)
    detail = [
        f"{r.label} (median change lowest in {r.largest_fall_status}, highest in {r.smallest_fall_status})"
        for r in test[sig_adj].itertuples()
    ]
    return {
        "n_tests": int(test["p_value"].notna().sum()),
        "n_significant": int(sig.sum()),
        "n_significant_adjusted": int(sig_adj.sum()),
        "significant_adjusted_list": words(test.loc[sig_adj, "label"]),
        "detail": words(detail),
    }


def multiplicity_summary(table: pd.DataFrame, alpha: float = 0.05, conditioned: bool = False) -> dict:
    """What a family of tests says about chance, from any table with p, significant,
    significant_adjusted (and optionally published_sign / matches_published columns).
    `conditioned` says whether the data were built to meet the published pairs at `alpha`
    (`tacmg.presentation.report.built_to_meet`); an adjusted verdict is always tested. `article`
    precedes the patients' count in ``patients_words`` when every row has the same n.

    Keys: n_tests, alpha, expected_by_chance (n_tests x alpha: the number of tests expected below
    alpha if no association existed at all), n_significant, n_significant_adjusted, and when the
    table carries published signs: n_published, n_published_matches, n_published_matches_adjusted,
    n_unpublished_significant (significant pairs no source mentions), published_verdict and
    published_verdict_adjusted (verdicts of `tacmg.claims.verdicts`: whether every published pair
    matches).
    """
    sig = table["significant"].fillna(False).astype(bool)
    sig_adj = table["significant_adjusted"].fillna(False).astype(bool)
    n_tests = int(table["p_value"].notna().sum())
    out: dict[str, Any] = {
        "n_tests": n_tests,
        "alpha": float(alpha),
        "expected_by_chance": float(n_tests * alpha),
        "n_significant": int(sig.sum()),
        "n_significant_adjusted": int(sig_adj.sum()),
    }
    if "published_sign" in table:
        published = table["published_sign"].notna()
        match = table["matches_published"].fillna(False).astype(bool)
        match_adj = table["matches_published_adjusted"].fillna(False).astype(bool)
        out.update(
            {
                "n_published": int(published.sum()),
                "n_published_matches": int((match & published).sum()),
                "n_published_matches_adjusted": int((match_adj & published).sum()),
                "n_unpublished_significant": int((sig & ~published).sum()),
                "published_verdict": verdict(bool(match[published].all() and published.any()), conditioned),
                "published_verdict_adjusted": verdict(bool(match_adj[published].all() and published.any()), False),
            }
        )
    return out


def disagreement_sentence(disagree: pd.DataFrame, alpha: float) -> str:
    """Say which correlations' p-value and interval disagree on whether rho differs from 0.

    Parameters
    ----------
    disagree : pandas.DataFrame
        Rows of `tacmg.analyses.correlations.correlation_table` (label_x, label_y, rho, p_value)
        whose p-value and interval disagree.
    alpha : float
        The significance level.

    Examples
    --------
    >>> row = pd.DataFrame({"label_x": ["sICOS"], "label_y": ["IL-2"], "rho": [0.352], "p_value": [0.048]})
    >>> print(disagreement_sentence(row, 0.05))
    For sICOS with IL-2 (rho = +0.35, P = 0.048) P is below 0.05 while the interval reaches 0: read it as borderline.
    >>> print(disagreement_sentence(row.iloc[:0], 0.05))
    For every pair the p-value and the interval agree on whether rho differs from 0.
    """
    if disagree.empty:
        return "For every pair the p-value and the interval agree on whether rho differs from 0."
    pairs = [
        minus_signs(f"{x} with {y} (rho = {rho:+.2f}, {p_text(p)})")
        for x, y, rho, p in zip(disagree["label_x"], disagree["label_y"], disagree["rho"], disagree["p_value"])
    ]
    below = disagree["p_value"] < alpha
    how = (
        f"P is below {alpha:g} while the interval reaches 0"
        if below.all()
        else f"P is at least {alpha:g} while the interval excludes 0"
        if not below.any()
        else "the p-value and the interval disagree on whether rho differs from 0"
    )
    return f"For {words(pairs)} {how}: read {'it' if len(pairs) == 1 else 'them'} as borderline."
