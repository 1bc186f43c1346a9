"""Every chapter's numbers across an ensemble of cohorts at once: one row per cohort, one column per number.

The chapters (01-07) compute their numbers one dataset at a time, with pandas and scipy
(`tacmg.presentation.chapter_numbers`). An ensemble of 1,400 reconstructed cohorts would rebuild a
dataset and rerun those tables 1,400 times (about 170 ms a cohort). Here the same numbers are
computed on the ensemble's arrays (`tacmg.data.cohorts.Cohorts`, the cohort on axis 0) with the
batched statistics of `tacmg.stats` (the signed-rank, rank-sum and Spearman tests, Hodges-Lehmann
estimates, rank-biserial correlations, Kruskal-Wallis, Benjamini-Hochberg over axis 1), and every
rounding through `tacmg.stats.rounding` as the chapters round. A test
(``tests/test_ensemble_numbers.py``) holds the two ways equal on the committed cohort and on
generated ones, key by key.

Each function takes the chapter's default parameters (those of the chapter's function in
`tacmg.presentation.chapter_numbers`; the reconstruction intervals are defined for them) and
returns a DataFrame with the keys ``<prefix>_<name>`` that the chapter's function returns as
numbers. Words and flags (verdicts, lists, p-value methods, "direction") are not numbers and are
left out, as the intervals leave them out.

Every number key is batched, the exact conditional (permutation) p of the score changes included
(`tacmg.stats.permutation.signed_rank_permutation_batch`); `NOT_BATCHED` would list a key left
out because batching it cost more than it is worth, and is empty.

Generated cohorts are complete and all the same size, so every array is rectangular; a batch with
a missing value (a loaded dataset may have some) is refused with a ValueError: the chapters'
own functions handle missing values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from tacmg.analyses.scores import MCID_POINTS, QMG_MCID_MILD
from tacmg.analyses.selection import MOLECULE_COLUMNS, SCORE_COLUMNS, STATUS_ORDER, claims_by_variables
from tacmg.claims.consistency import smallest_signed_rank_p
from tacmg.claims.evaluate import IMPROVED_STATUSES
from tacmg.claims.registry import load_claims
from tacmg.data import contract
from tacmg.data.cohorts import Cohorts, status_mask
from tacmg.stats import estimates, permutation, rank_tests
from tacmg.stats.multiplicity import benjamini_hochberg
from tacmg.stats.rounding import percent_array, round_half_up, round_half_up_array
from tacmg.stats.rows import masked_median

# The chapters' default parameters (the defaults of `tacmg.presentation.chapter_numbers`' functions;
# a test holds them equal).
CONFIDENCE = 0.95
ALPHA = 0.05
CORRECTION = "fdr_bh"
CORRELATION_VISIT = "baseline"
BETWEEN_WITHIN_MOLECULE = "scd25"
BETWEEN_WITHIN_SCORES = ("qmg", "mmt")
# Short stems of the score columns in the keys ('scores_qmg_hl', 'scores_adl_p', ...), as the chapter.
SCORE_STEMS = {"qmg": "qmg", "mmt": "mmt", "mg_adl": "adl", "mg_qol15": "qol"}
# Number keys of the chapters' functions that are not batched (none).
NOT_BATCHED: tuple[str, ...] = ()

# name to a (B,) array, or a constant the same in every cohort (broadcast by `_frame`)
Columns = dict[str, Any]


def _complete(cohorts: Cohorts) -> None:
    """Refuse a batch with missing values: the batched numbers assume rectangular, complete arrays."""
    if cohorts.has_missing:
        raise ValueError(
            "the batched chapter numbers need complete cohorts (generated ones are); this batch has "
            "missing values: use the chapter's own function (tacmg.presentation.chapter_numbers) on it"
        )


def _frame(prefix: str, columns: Columns, size: int) -> pd.DataFrame:
    """The columns as floats under ``<prefix>_<name>``, a constant broadcast to every cohort."""
    return pd.DataFrame(
        {f"{prefix}_{name}": np.broadcast_to(np.asarray(value, float), (size,)) for name, value in columns.items()}
    )


def _significant(p: np.ndarray, alpha: float) -> np.ndarray:
    """p below `alpha`; False where p is NaN (the chapters' NA flag, counted as not significant)."""
    with np.errstate(invalid="ignore"):
        return p < alpha


def cohort_numbers(cohorts: Cohorts) -> pd.DataFrame:
    """Chapter 01 across the batch: `chapter_numbers.cohort_numbers`' numbers, prefix ``cohort``.

    Parameters
    ----------
    cohorts : tacmg.data.cohorts.Cohorts
        B complete cohorts; `Cohorts.patient` needs ``sex``.

    Returns
    -------
    pandas.DataFrame
        One row per cohort: n, n_women, women_pct (percent), age_mean / age_rounded and
        duration_mean / duration_rounded (years, to 4 decimals and to the registry's decimals),
        duration_median, duration_min, duration_max (years).

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> cohort_numbers(Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR)))["cohort_n"].tolist()
    [32.0]
    """
    _complete(cohorts)
    registry = load_claims()
    age_decimals = registry.by_id("cohort-age-at-onset").params["decimals"]
    duration_decimals = registry.by_id("cohort-disease-duration").params["decimals"]
    n = cohorts.n_patients
    women = (cohorts.patient["sex"] == contract.SEXES.index("F")).sum(axis=1)
    age = cohorts.patient["age_at_onset_years"].mean(axis=1)
    duration = np.asarray(cohorts.patient["disease_duration_years"], float)
    duration_mean = duration.mean(axis=1)
    columns = {
        "n": n,
        "n_women": women,
        "women_pct": percent_array(women, n),
        "age_mean": round_half_up_array(age, 4),
        "age_rounded": round_half_up_array(age, age_decimals),
        "duration_mean": round_half_up_array(duration_mean, 4),
        "duration_rounded": round_half_up_array(duration_mean, duration_decimals),
        "duration_median": round_half_up_array(np.median(duration, axis=1), 1),
        "duration_min": duration.min(axis=1),
        "duration_max": duration.max(axis=1),
    }
    return _frame("cohort", columns, cohorts.size)


def _paired_summary(before: np.ndarray, after: np.ndarray, confidence: float, min_nonzero: int) -> Columns:
    """`tacmg.analyses.scores.paired_change_summary`'s numbers for every row, as (B,) arrays.

    p is NaN in a row with fewer than `min_nonzero` non-zero changes (the score chapter asks for
    one, the molecule chapter for two).
    """
    change = after - before
    n_nonzero = (change != 0).sum(axis=1)
    shift = estimates.paired_shift_batch(before, after, confidence)
    p = np.full(before.shape[0], np.nan)
    if before.shape[1] >= 2:
        p = rank_tests.signed_rank(before, after).p_primary
    return {
        "n": np.full(before.shape[0], before.shape[1]),
        "median_baseline": np.median(before, axis=1),
        "median_month_12": np.median(after, axis=1),
        "median_change": np.median(change, axis=1),
        "hl_change": shift.estimate,
        "hl_change_ci_low": shift.low,
        "hl_change_ci_high": shift.high,
        "n_nonzero": n_nonzero,
        "p_value": np.where(n_nonzero >= min_nonzero, p, np.nan),
        "effect_size": estimates.paired_rank_biserial_batch(before, after),
    }


def score_numbers(cohorts: Cohorts) -> pd.DataFrame:
    """Chapter 02 across the batch: `chapter_numbers.score_numbers`' numbers, prefix ``scores``.

    Parameters
    ----------
    cohorts : tacmg.data.cohorts.Cohorts
        B complete cohorts.

    Returns
    -------
    pandas.DataFrame
        One row per cohort; per score stem (qmg, mmt, adl, qol): n, median_baseline,
        median_month_12, median_change, hl, hl_low, hl_high (points), p, p_permutation (the exact
        conditional p), rb (2 decimals), n_unchanged, n_worse, n_improved, pct_improved, and for a
        score with a threshold mcid, n_mcid, pct_mcid; then n, confidence_pct, p_max, rb_weakest,
        rb_strongest, n_fell, n_scores, lit_adl, lit_qmg, lit_qmg_mild, qol_half_sd (points).

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> score_numbers(Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR)))["scores_qmg_hl"].tolist()
    [-4.5]
    """
    _complete(cohorts)
    confidence = CONFIDENCE
    columns: Columns = {"n": cohorts.n_patients, "confidence_pct": round_half_up(100 * confidence, 1)}
    effect_sizes, p_values, highs = [], [], []
    for column in SCORE_COLUMNS:
        s = SCORE_STEMS[column]
        before, after = cohorts.values(column, "baseline"), cohorts.values(column, "month_12")
        summary = _paired_summary(before, after, confidence, min_nonzero=1)
        change = after - before
        n = before.shape[1]
        n_improved = (change < 0).sum(axis=1)
        columns.update(
            {
                f"{s}_n": summary["n"],
                f"{s}_median_baseline": summary["median_baseline"],
                f"{s}_median_month_12": summary["median_month_12"],
                f"{s}_median_change": summary["median_change"],
                f"{s}_hl": summary["hl_change"],
                f"{s}_hl_low": summary["hl_change_ci_low"],
                f"{s}_hl_high": summary["hl_change_ci_high"],
                f"{s}_p": summary["p_value"],
                f"{s}_p_permutation": permutation.signed_rank_permutation_batch(change)[0],
                f"{s}_rb": round_half_up_array(summary["effect_size"], 2),
                f"{s}_n_unchanged": (change == 0).sum(axis=1),
                f"{s}_n_worse": (change > 0).sum(axis=1),
                f"{s}_n_improved": n_improved,
                f"{s}_pct_improved": percent_array(n_improved, n),
            }
        )
        threshold = MCID_POINTS.get(column)
        if threshold is not None:  # a score without a threshold (the MMT) has no such numbers
            reached = (change <= -threshold).sum(axis=1)
            columns.update(
                {f"{s}_mcid": float(threshold), f"{s}_n_mcid": reached, f"{s}_pct_mcid": percent_array(reached, n)}
            )
        effect_sizes.append(summary["effect_size"])
        p_values.append(summary["p_value"])
        highs.append(summary["hl_change_ci_high"])
    effect = np.column_stack(effect_sizes)
    p = np.column_stack(p_values)
    with np.errstate(invalid="ignore"):
        # pandas' max skips a missing p; all missing gives NaN
        p_max = np.where(np.isnan(p).all(axis=1), np.nan, np.nanmax(np.where(np.isnan(p), -np.inf, p), axis=1))
    qol_sd = cohorts.values("mg_qol15", "baseline").std(axis=1, ddof=1)
    columns.update(
        {
            "p_max": p_max,
            # the first score with the largest (smallest) effect size, as argmax (argmin) picks it
            "rb_weakest": np.take_along_axis(effect, effect.argmax(axis=1)[:, None], axis=1)[:, 0],
            "rb_strongest": np.take_along_axis(effect, effect.argmin(axis=1)[:, None], axis=1)[:, 0],
            "n_fell": (np.column_stack(highs) < 0).sum(axis=1),
            "n_scores": len(SCORE_COLUMNS),
            "lit_adl": MCID_POINTS["mg_adl"],
            "lit_qmg": MCID_POINTS["qmg"],
            "lit_qmg_mild": QMG_MCID_MILD,
            "qol_half_sd": round_half_up_array(qol_sd / 2, 1),
        }
    )
    return _frame("scores", columns, cohorts.size)


def prednisone_numbers(cohorts: Cohorts) -> pd.DataFrame:
    """Chapter 03 across the batch: `chapter_numbers.prednisone_numbers`' numbers, prefix ``pred``.

    Parameters
    ----------
    cohorts : tacmg.data.cohorts.Cohorts
        B complete cohorts.

    Returns
    -------
    pandas.DataFrame
        One row per cohort: n, confidence_pct, median_baseline, median_month_12, q1_/q3_ of both
        visits (numpy's default quantiles), hl, hl_change_ci_low, hl_change_ci_high (mg/day),
        p_value, rb (2 decimals), n_tapered, pct_tapered, n_stopped, pct_stopped, n_unchanged,
        n_increased.

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> prednisone_numbers(Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR)))["pred_n"].tolist()
    [32.0]
    """
    _complete(cohorts)
    confidence = CONFIDENCE
    before, after = cohorts.values("prednisone_mg_day", "baseline"), cohorts.values("prednisone_mg_day", "month_12")
    n = before.shape[1]
    summary = _paired_summary(before, after, confidence, min_nonzero=1)
    quartiles = {
        f"{q}_{visit}": np.quantile(values, level, axis=1)
        for q, level in (("q1", 0.25), ("q3", 0.75))
        for visit, values in (("baseline", before), ("month_12", after))
    }
    tapered = (after < before).sum(axis=1)
    stopped = ((before > 0) & (after == 0)).sum(axis=1)
    columns = {
        "n": n,
        "confidence_pct": round_half_up(100 * confidence, 1),
        "median_baseline": summary["median_baseline"],
        "median_month_12": summary["median_month_12"],
        **quartiles,
        "hl": summary["hl_change"],
        "hl_change_ci_low": summary["hl_change_ci_low"],
        "hl_change_ci_high": summary["hl_change_ci_high"],
        "p_value": summary["p_value"],
        "rb": round_half_up_array(summary["effect_size"], 2),
        "n_tapered": tapered,
        "pct_tapered": percent_array(tapered, n),
        "n_stopped": stopped,
        "pct_stopped": percent_array(stopped, n),
        "n_unchanged": (after == before).sum(axis=1),
        "n_increased": (after > before).sum(axis=1),
    }
    return _frame("pred", columns, cohorts.size)


def status_numbers(cohorts: Cohorts) -> pd.DataFrame:
    """Chapter 04 across the batch: `chapter_numbers.status_numbers`' numbers, prefix ``status``.

    Parameters
    ----------
    cohorts : tacmg.data.cohorts.Cohorts
        B complete cohorts.

    Returns
    -------
    pandas.DataFrame
        One row per cohort: n (patients with a status), confidence_pct, n_worse, worse_high_pct;
        for MM, I and U (keys mm, i, u): n_, pct_, _low_pct, _high_pct (exact Clopper-Pearson,
        percent); n_remission; pct_<code> of every status; the median QMG, MG-ADL (points) and
        prednisone (mg/day) change of the patients at MM, I and U (``mm_qmg``, ..., NaN where none).

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> status_numbers(Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR)))["status_n_mm"].tolist()
    [11.0]
    """
    _complete(cohorts)
    confidence = CONFIDENCE
    status = cohorts.patient["status"]
    counts = {code: status_mask(status, [code]).sum(axis=1) for code in contract.STATUS_CODES}
    n = sum(counts.values())  # the patients with a status

    def share_interval(count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        low, high = proportion_confint(count, n, alpha=1 - confidence, method="beta")
        return np.asarray(low, float), np.asarray(high, float)

    n_worse = counts["W"] + counts["E"] + counts["D"]
    columns: Columns = {
        "n": n,
        "confidence_pct": round_half_up(100 * confidence, 1),
        "n_worse": n_worse,
        "worse_high_pct": round_half_up_array(100 * share_interval(n_worse)[1], 1),
    }
    for code, key in (("MM", "mm"), ("I", "i"), ("U", "u")):
        low, high = share_interval(counts[code])
        columns.update(
            {
                f"n_{key}": counts[code],
                f"pct_{key}": percent_array(counts[code], n),
                f"{key}_low_pct": round_half_up_array(100 * low, 1),
                f"{key}_high_pct": round_half_up_array(100 * high, 1),
            }
        )
    columns["n_remission"] = counts["CSR"] + counts["PR"]
    for code in contract.STATUS_CODES:
        columns.setdefault(f"pct_{code.lower()}", percent_array(counts[code], n))
    for code in ("MM", "I", "U"):
        in_group = status_mask(status, [code])
        for key, column in (("qmg", "qmg"), ("adl", "mg_adl"), ("pred", "prednisone_mg_day")):
            change = cohorts.values(column, "month_12") - cohorts.values(column, "baseline")
            columns[f"{code.lower()}_{key}"] = masked_median(change, in_group)
    return _frame("status", columns, cohorts.size)


def _molecule_rows(prefix: str, stem: str, hl_ratio: Columns, effect: Columns, p: Columns) -> Columns:
    """The per-row numbers of a molecule table, keyed ``<stem>_<molecule>_<column>``."""
    out: Columns = {}
    for molecule in MOLECULE_COLUMNS:
        out[f"{stem}_{molecule}_hl_ratio"] = hl_ratio[molecule]
        out[f"{stem}_{molecule}_effect_size"] = effect[molecule]
        out[f"{stem}_{molecule}_p_value"] = p[molecule]
    return out


def vs_controls_numbers(cohorts: Cohorts) -> pd.DataFrame:
    """Chapter 05 across the batch: `chapter_numbers.vs_controls_numbers`' numbers, prefixes ``vsctl``, ``vsctl_row``.

    Parameters
    ----------
    cohorts : tacmg.data.cohorts.Cohorts
        B complete cohorts.

    Returns
    -------
    pandas.DataFrame
        One row per cohort: n_molecules, n_patients, n_controls, n_significant,
        n_significant_adjusted (Benjamini-Hochberg over the eight molecules), n_published_significant,
        n_matches, n_matches_adjusted; per molecule p_value, p_value_adjusted, hl_ratio with
        hl_ratio_ci_low / _high, ratio_of_medians, median_patients, median_controls (pg/mL); and
        ``vsctl_row_all_<molecule>_`` hl_ratio, effect_size, p_value.

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> vs_controls_numbers(Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR)))["vsctl_n_controls"].tolist()
    [30.0]
    """
    _complete(cohorts)
    alpha, confidence = ALPHA, CONFIDENCE
    published = claims_by_variables(load_claims(), "molecules_vs_controls")
    per: dict[str, Columns] = {}
    for molecule in MOLECULE_COLUMNS:
        patients, controls = cohorts.values(molecule, "baseline"), cohorts.control[molecule]
        test = rank_tests.rank_sum(patients, controls)
        ratio = estimates.ratio_of_locations_batch(patients, controls, confidence)
        median_patients, median_controls = np.median(patients, axis=1), np.median(controls, axis=1)
        per[molecule] = {
            "median_patients": median_patients,
            "median_controls": median_controls,
            "ratio_of_medians": median_patients / median_controls,
            "hl_ratio": ratio.estimate,
            "hl_ratio_ci_low": ratio.low,
            "hl_ratio_ci_high": ratio.high,
            "effect_size": estimates.two_sample_rank_biserial_batch(patients, controls),
            "p_value": test.p_primary,
        }
    p = np.column_stack([per[m]["p_value"] for m in MOLECULE_COLUMNS])
    adjusted = benjamini_hochberg(p)
    significant, significant_adjusted = _significant(p, alpha), _significant(adjusted, alpha)
    matches = np.zeros(p.shape, bool)
    matches_adjusted = np.zeros(p.shape, bool)
    n_published_significant = 0
    for j, molecule in enumerate(MOLECULE_COLUMNS):
        claim = published.get(frozenset([molecule]))
        if claim is None:  # not listed: no match to count
            continue
        published_significant = bool(claim.params["significant"])
        n_published_significant += published_significant
        ratio_of_medians = per[molecule]["ratio_of_medians"]
        direction = np.where(ratio_of_medians > 1, "higher", np.where(ratio_of_medians < 1, "lower", "equal"))
        same_direction = direction == claim.params["direction"]
        # a p that could not be computed matches nothing (the chapters' NA)
        matches[:, j] = same_direction & np.isfinite(p[:, j]) & (significant[:, j] == published_significant)
        matches_adjusted[:, j] = (
            same_direction & np.isfinite(adjusted[:, j]) & (significant_adjusted[:, j] == published_significant)
        )
    columns: Columns = {
        "n_molecules": len(MOLECULE_COLUMNS),
        "n_patients": cohorts.n_patients,
        "n_controls": cohorts.control[MOLECULE_COLUMNS[0]].shape[1],
        "n_significant": significant.sum(axis=1),
        "n_significant_adjusted": significant_adjusted.sum(axis=1),
        "n_published_significant": n_published_significant,
        "n_matches": matches.sum(axis=1),
        "n_matches_adjusted": matches_adjusted.sum(axis=1),
    }
    for j, molecule in enumerate(MOLECULE_COLUMNS):
        values = per[molecule]
        columns.update(
            {
                f"{molecule}_p_value": values["p_value"],
                f"{molecule}_p_value_adjusted": adjusted[:, j],
                f"{molecule}_hl_ratio": values["hl_ratio"],
                f"{molecule}_hl_ratio_ci_low": values["hl_ratio_ci_low"],
                f"{molecule}_hl_ratio_ci_high": values["hl_ratio_ci_high"],
                f"{molecule}_ratio_of_medians": values["ratio_of_medians"],
                f"{molecule}_median_patients": values["median_patients"],
                f"{molecule}_median_controls": values["median_controls"],
            }
        )
    rows = _molecule_rows(
        "vsctl_row",
        "all",
        {m: per[m]["hl_ratio"] for m in MOLECULE_COLUMNS},
        {m: per[m]["effect_size"] for m in MOLECULE_COLUMNS},
        {m: per[m]["p_value"] for m in MOLECULE_COLUMNS},
    )
    return pd.concat([_frame("vsctl", columns, cohorts.size), _frame("vsctl_row", rows, cohorts.size)], axis=1)


def _molecule_change(before: np.ndarray, after: np.ndarray, confidence: float) -> Columns:
    """`tacmg.analyses.molecule_change.paired_change`'s numbers of one molecule, rows of equal size."""
    if before.shape[1] == 0:  # nobody in the subset: every number is missing
        missing = ("median_change", "hl_ratio", "hl_ratio_ci_low", "hl_ratio_ci_high", "effect_size", "p_value")
        return {"n": np.zeros(before.shape[0]), **{name: np.full(before.shape[0], np.nan) for name in missing}}
    summary = _paired_summary(before, after, confidence, min_nonzero=2)
    log_shift = estimates.paired_shift_batch(np.log(before), np.log(after), confidence)
    return {
        "n": summary["n"],
        "median_change": summary["median_change"],
        "hl_ratio": np.exp(log_shift.estimate),
        "hl_ratio_ci_low": np.exp(log_shift.low),
        "hl_ratio_ci_high": np.exp(log_shift.high),
        "effect_size": summary["effect_size"],
        "p_value": summary["p_value"],
    }


def _by_size(keep: np.ndarray, arrays: tuple[np.ndarray, ...], compute: Callable[..., Columns]) -> Columns:
    """`compute` on the kept patients of every cohort, the cohorts grouped by how many are kept.

    A subset (e.g. the patients at status I) has a different size in different cohorts; within a
    group of cohorts of one size the arrays are rectangular again, so `compute` runs once per
    size (a handful), not once per cohort. Patients keep their order.
    """
    sizes = keep.sum(axis=1)
    out: Columns = {}
    for size in np.unique(sizes):
        rows = np.flatnonzero(sizes == size)
        order = np.argsort(~keep[rows], axis=1, kind="stable")[:, :size]
        part = compute(*(np.take_along_axis(a[rows], order, axis=1) for a in arrays))
        for name, values in part.items():
            out.setdefault(name, np.full(keep.shape[0], np.nan))[rows] = values
    return out


def _direction(value: np.ndarray) -> np.ndarray:
    """`tacmg.analyses.selection.direction_word` of every value."""
    return np.where(
        ~np.isfinite(value),
        "not computable",
        np.where(value > 0, "increase", np.where(value < 0, "decrease", "no change")),
    )


def _change_summary(per: dict[str, Columns], finding: str, alpha: float) -> Columns:
    """`tacmg.presentation.summaries.change_summary`'s numbers for a batch of `paired_change` tables."""
    published = claims_by_variables(load_claims(), finding)
    p = np.column_stack([per[m]["p_value"] for m in MOLECULE_COLUMNS])
    adjusted = benjamini_hochberg(p)
    significant, significant_adjusted = _significant(p, alpha), _significant(adjusted, alpha)
    listed = 0
    matches = np.zeros(p.shape, bool)
    matches_adjusted = np.zeros(p.shape, bool)
    for j, molecule in enumerate(MOLECULE_COLUMNS):
        claim = published.get(frozenset([molecule]))
        if claim is None:
            continue
        listed += 1
        same_direction = _direction(per[molecule]["median_change"]) == claim.params["direction"]
        if claim.quantity == "paired_change":  # published as significant: the direction and the test
            matches[:, j] = same_direction & significant[:, j]
            matches_adjusted[:, j] = same_direction & significant_adjusted[:, j]
        else:  # only a direction was published
            matches[:, j] = matches_adjusted[:, j] = same_direction
    columns: Columns = {
        "n": per[MOLECULE_COLUMNS[0]]["n"],
        "n_significant": significant.sum(axis=1),
        "n_significant_adjusted": significant_adjusted.sum(axis=1),
        "n_listed": listed,
        "n_matches": matches.sum(axis=1),
        "n_matches_adjusted": matches_adjusted.sum(axis=1),
    }
    for j, molecule in enumerate(MOLECULE_COLUMNS):
        values = per[molecule]
        columns.update(
            {
                f"{molecule}_p_value": values["p_value"],
                f"{molecule}_p_value_adjusted": adjusted[:, j],
                f"{molecule}_hl_ratio": values["hl_ratio"],
                f"{molecule}_hl_ratio_ci_low": values["hl_ratio_ci_low"],
                f"{molecule}_hl_ratio_ci_high": values["hl_ratio_ci_high"],
                f"{molecule}_pct_change": 100 * (values["hl_ratio"] - 1),
            }
        )
    return columns


def change_numbers(cohorts: Cohorts) -> pd.DataFrame:
    """Chapter 06 across the batch: `chapter_numbers.change_numbers`' numbers.

    Parameters
    ----------
    cohorts : tacmg.data.cohorts.Cohorts
        B complete cohorts.

    Returns
    -------
    pandas.DataFrame
        One row per cohort. ``change_all_`` and ``change_sub_`` (the improved subset, status I):
        n, n_significant, n_significant_adjusted, n_listed, n_matches, n_matches_adjusted, and per
        molecule p_value, p_value_adjusted, hl_ratio, hl_ratio_ci_low, hl_ratio_ci_high, pct_change;
        ``change_contrast_`` n_all, n_subset, smallest_p_subset; ``change_status_`` n_tests,
        n_significant, n_significant_adjusted (Kruskal-Wallis of the log ratio across the status
        groups of at least two patients); ``change_row_all_`` / ``change_row_sub_<molecule>_``
        hl_ratio, effect_size, p_value.

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> numbers = change_numbers(Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR)))
    >>> numbers[["change_all_n", "change_sub_n"]].to_numpy().tolist()
    [[32.0, 16.0]]
    """
    _complete(cohorts)
    alpha, confidence = ALPHA, CONFIDENCE
    subset = status_mask(cohorts.patient["status"], IMPROVED_STATUSES)
    every: dict[str, Columns] = {}
    improved: dict[str, Columns] = {}
    for molecule in MOLECULE_COLUMNS:
        before, after = cohorts.values(molecule, "baseline"), cohorts.values(molecule, "month_12")
        every[molecule] = _molecule_change(before, after, confidence)
        improved[molecule] = _by_size(subset, (before, after), lambda b, a: _molecule_change(b, a, confidence))
    all_columns = _change_summary(every, "molecule_change", alpha)
    sub_columns = _change_summary(improved, "improved_subset", alpha)
    n_subset = subset.sum(axis=1)
    smallest = {int(k): smallest_signed_rank_p(int(k)) if k else np.nan for k in np.unique(n_subset)}
    contrast = {
        "n_all": all_columns["n"],
        "n_subset": n_subset,
        "smallest_p_subset": np.array([smallest[int(k)] for k in n_subset]),
    }
    kruskal_p = np.column_stack(
        [
            rank_tests.kruskal_wallis(
                np.log(cohorts.values(m, "month_12") / cohorts.values(m, "baseline")),
                _status_order_index(cohorts.patient["status"]),
                n_groups=len(STATUS_ORDER),
            )[1]
            for m in MOLECULE_COLUMNS
        ]
    )
    status_columns = {
        "n_tests": np.isfinite(kruskal_p).sum(axis=1),
        "n_significant": _significant(kruskal_p, alpha).sum(axis=1),
        "n_significant_adjusted": _significant(benjamini_hochberg(kruskal_p), alpha).sum(axis=1),
    }
    rows = {
        **_molecule_rows(
            "change_row",
            "all",
            {m: every[m]["hl_ratio"] for m in MOLECULE_COLUMNS},
            {m: every[m]["effect_size"] for m in MOLECULE_COLUMNS},
            {m: every[m]["p_value"] for m in MOLECULE_COLUMNS},
        ),
        **_molecule_rows(
            "change_row",
            "sub",
            {m: improved[m]["hl_ratio"] for m in MOLECULE_COLUMNS},
            {m: improved[m]["effect_size"] for m in MOLECULE_COLUMNS},
            {m: improved[m]["p_value"] for m in MOLECULE_COLUMNS},
        ),
    }
    size = cohorts.size
    return pd.concat(
        [
            _frame("change_all", all_columns, size),
            _frame("change_sub", sub_columns, size),
            _frame("change_contrast", contrast, size),
            _frame("change_status", status_columns, size),
            _frame("change_row", rows, size),
        ],
        axis=1,
    )


def _status_order_index(status: np.ndarray) -> np.ndarray:
    """Each patient's status as an index into `STATUS_ORDER` (-1 without one)."""
    index = np.full(status.shape, -1)
    for i, code in enumerate(STATUS_ORDER):
        index[status_mask(status, [code])] = i
    return index


def correlation_numbers(cohorts: Cohorts) -> pd.DataFrame:
    """Chapter 07 across the batch: `chapter_numbers.correlation_numbers`' numbers.

    Parameters
    ----------
    cohorts : tacmg.data.cohorts.Cohorts
        B complete cohorts.

    Returns
    -------
    pandas.DataFrame
        One row per cohort. ``corr_``: n_tests, expected_by_chance, n_significant,
        n_significant_adjusted (Benjamini-Hochberg over the whole family), n_published,
        n_published_matches, n_published_matches_adjusted, n_unpublished_significant, n,
        n_score_tests, n_molecule_tests; ``corr_bw_`` (sCD25 with the QMG): n, rho_baseline,
        p_value_baseline, rho_month_12, p_value_month_12, rho_change, p_value_change,
        molecule_median_ratio, score_median_change (points), share_both_fell, share_molecule_fell,
        share_score_fell (0-1); ``corr_row_<x>_<y>_rho`` for every pair of the family.

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> correlation_numbers(Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR)))["corr_n_tests"].tolist()
    [60.0]
    """
    _complete(cohorts)
    alpha, visit = ALPHA, CORRELATION_VISIT
    published = claims_by_variables(load_claims(), "correlations")
    pairs = [("score-molecule", s, m) for s in SCORE_COLUMNS for m in MOLECULE_COLUMNS]
    pairs += [("molecule-molecule", a, b) for i, a in enumerate(MOLECULE_COLUMNS) for b in MOLECULE_COLUMNS[i + 1 :]]
    results = [rank_tests.spearman_t(cohorts.values(x, visit), cohorts.values(y, visit)) for _, x, y in pairs]
    rho = np.column_stack([r for r, _ in results])
    p = np.column_stack([q for _, q in results])
    significant = _significant(p, alpha)
    significant_adjusted = _significant(benjamini_hochberg(p), alpha)
    signs = np.where(rho > 0, "positive", np.where(rho < 0, "negative", "zero"))
    is_published = np.zeros(len(pairs), bool)
    matches = np.zeros(p.shape, bool)
    matches_adjusted = np.zeros(p.shape, bool)
    for j, (_, x, y) in enumerate(pairs):
        claim = published.get(frozenset([x, y]))
        if claim is None:
            continue
        is_published[j] = True
        same_sign = signs[:, j] == claim.params["sign"]
        matches[:, j] = same_sign & significant[:, j]
        matches_adjusted[:, j] = same_sign & significant_adjusted[:, j]
    n_tests = np.isfinite(p).sum(axis=1)
    columns: Columns = {
        "n_tests": n_tests,
        "expected_by_chance": n_tests * alpha,
        "n_significant": significant.sum(axis=1),
        "n_significant_adjusted": significant_adjusted.sum(axis=1),
        "n_published": int(is_published.sum()),
        "n_published_matches": matches.sum(axis=1),
        "n_published_matches_adjusted": matches_adjusted.sum(axis=1),
        "n_unpublished_significant": (significant & ~is_published).sum(axis=1),
        "n": cohorts.n_patients,
        "n_score_tests": sum(block == "score-molecule" for block, _, _ in pairs),
        "n_molecule_tests": sum(block == "molecule-molecule" for block, _, _ in pairs),
    }
    rows = {f"{x}_{y}_rho": rho[:, j] for j, (_, x, y) in enumerate(pairs)}
    between_within = _between_and_within(cohorts, BETWEEN_WITHIN_MOLECULE, BETWEEN_WITHIN_SCORES[0])
    size = cohorts.size
    return pd.concat(
        [_frame("corr", columns, size), _frame("corr_bw", between_within, size), _frame("corr_row", rows, size)],
        axis=1,
    )


def _between_and_within(cohorts: Cohorts, molecule: str, score: str) -> Columns:
    """`tacmg.analyses.correlations.between_and_within`'s numbers for one score (the chapter's first)."""
    molecule_before, molecule_after = cohorts.values(molecule, "baseline"), cohorts.values(molecule, "month_12")
    score_before, score_after = cohorts.values(score, "baseline"), cohorts.values(score, "month_12")
    log_ratio = np.log(molecule_after / molecule_before)
    score_change = score_after - score_before
    rho_baseline, p_baseline = rank_tests.spearman_t(molecule_before, score_before)
    rho_month_12, p_month_12 = rank_tests.spearman_t(molecule_after, score_after)
    rho_change, p_change = rank_tests.spearman_t(log_ratio, score_change)
    return {
        "n": cohorts.n_patients,
        "rho_baseline": rho_baseline,
        "p_value_baseline": p_baseline,
        "rho_month_12": rho_month_12,
        "p_value_month_12": p_month_12,
        "rho_change": rho_change,
        "p_value_change": p_change,
        "molecule_median_ratio": np.exp(np.median(log_ratio, axis=1)),
        "score_median_change": np.median(score_change, axis=1),
        "share_both_fell": np.mean((log_ratio < 0) & (score_change < 0), axis=1),
        "share_molecule_fell": np.mean(log_ratio < 0, axis=1),
        "share_score_fell": np.mean(score_change < 0, axis=1),
    }


CHAPTERS: dict[str, Callable[[Cohorts], pd.DataFrame]] = {
    "01-cohort": cohort_numbers,
    "02-clinical-scores": score_numbers,
    "03-prednisone": prednisone_numbers,
    "04-post-intervention-status": status_numbers,
    "05-molecules-vs-controls": vs_controls_numbers,
    "06-molecule-change": change_numbers,
    "07-correlations": correlation_numbers,
}


def numbers_across(chapter: str, cohorts: Cohorts) -> pd.DataFrame:
    """A chapter's numbers, at its default parameters, on every cohort of a batch.

    Parameters
    ----------
    chapter : str
        A chapter name of `CHAPTERS` (as `tacmg.presentation.chapter_numbers.CHAPTER_FUNCTIONS`
        names them), e.g. ``"02-clinical-scores"``.
    cohorts : tacmg.data.cohorts.Cohorts
        B complete cohorts (no missing value), e.g. an ensemble of the reconstruction.

    Returns
    -------
    pandas.DataFrame
        One row per cohort (index 0 to B - 1), one float column per number key
        ``<prefix>_<name>`` of the chapter's function, in the chapter's units; counts are whole
        floats. The keys of `NOT_BATCHED` are left out.

    Raises
    ------
    ValueError
        If `chapter` is unknown or the batch has missing values.

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> one = Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR))
    >>> numbers_across("03-prednisone", Cohorts.concat([one, one]))["pred_hl"].tolist()
    [-18.75, -18.75]
    """
    if chapter not in CHAPTERS:
        raise ValueError(f"no batched numbers for chapter {chapter!r}; chapters: {', '.join(CHAPTERS)}")
    return CHAPTERS[chapter](cohorts)
