"""Chapters 01-04 across a batch of cohorts: the cohort, the clinical scores, prednisone, the statuses.

Each function gives what its chapter's function of `tacmg.presentation.chapter_numbers` gives as
numbers, at the chapter's defaults, one row per cohort (`tacmg.analyses.ensemble_numbers`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from tacmg.analyses.ensemble_common import (
    CONFIDENCE,
    SCORE_STEMS,
    Columns,
    number_frame,
    paired_summary,
    percents,
    require_complete,
)
from tacmg.analyses.scores import MCID_POINTS, QMG_MCID_MILD
from tacmg.analyses.selection import SCORE_COLUMNS
from tacmg.claims.registry import load_claims
from tacmg.data import contract
from tacmg.data.cohorts import Cohorts, status_mask
from tacmg.stats import permutation
from tacmg.stats.rounding import round_half_up, round_half_up_array
from tacmg.stats.rows import masked_median


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
    require_complete(cohorts)
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
        "women_pct": percents(women, n),
        "age_mean": round_half_up_array(age, 4),
        "age_rounded": round_half_up_array(age, age_decimals),
        "duration_mean": round_half_up_array(duration_mean, 4),
        "duration_rounded": round_half_up_array(duration_mean, duration_decimals),
        "duration_median": round_half_up_array(np.median(duration, axis=1), 1),
        "duration_min": duration.min(axis=1),
        "duration_max": duration.max(axis=1),
    }
    return number_frame("cohort", columns, cohorts.size)


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
    require_complete(cohorts)
    confidence = CONFIDENCE
    columns: Columns = {"n": cohorts.n_patients, "confidence_pct": round_half_up(100 * confidence, 1)}
    effect_sizes, p_values, highs = [], [], []
    for column in SCORE_COLUMNS:
        s = SCORE_STEMS[column]
        before, after = cohorts.values(column, "baseline"), cohorts.values(column, "month_12")
        summary = paired_summary(before, after, confidence, min_nonzero=1)
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
                f"{s}_pct_improved": percents(n_improved, n),
            }
        )
        threshold = MCID_POINTS.get(column)
        if threshold is not None:  # a score without a threshold (the MMT) has no such numbers
            reached = (change <= -threshold).sum(axis=1)
            columns.update(
                {f"{s}_mcid": float(threshold), f"{s}_n_mcid": reached, f"{s}_pct_mcid": percents(reached, n)}
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
    return number_frame("scores", columns, cohorts.size)


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
    require_complete(cohorts)
    confidence = CONFIDENCE
    before, after = cohorts.values("prednisone_mg_day", "baseline"), cohorts.values("prednisone_mg_day", "month_12")
    n = before.shape[1]
    summary = paired_summary(before, after, confidence, min_nonzero=1)
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
        "pct_tapered": percents(tapered, n),
        "n_stopped": stopped,
        "pct_stopped": percents(stopped, n),
        "n_unchanged": (after == before).sum(axis=1),
        "n_increased": (after > before).sum(axis=1),
    }
    return number_frame("pred", columns, cohorts.size)


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
    require_complete(cohorts)
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
                f"pct_{key}": percents(counts[code], n),
                f"{key}_low_pct": round_half_up_array(100 * low, 1),
                f"{key}_high_pct": round_half_up_array(100 * high, 1),
            }
        )
    columns["n_remission"] = counts["CSR"] + counts["PR"]
    for code in contract.STATUS_CODES:
        columns.setdefault(f"pct_{code.lower()}", percents(counts[code], n))
    for code in ("MM", "I", "U"):
        in_group = status_mask(status, [code])
        for key, column in (("qmg", "qmg"), ("adl", "mg_adl"), ("pred", "prednisone_mg_day")):
            change = cohorts.values(column, "month_12") - cohorts.values(column, "baseline")
            columns[f"{code.lower()}_{key}"] = masked_median(change, in_group)
    return number_frame("status", columns, cohorts.size)
