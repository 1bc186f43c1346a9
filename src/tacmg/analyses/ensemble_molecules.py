"""Chapters 05 and 06 across a batch of cohorts: the molecules against controls, and their change.

Each function gives what its chapter's function of `tacmg.presentation.chapter_numbers` gives as
numbers, at the chapter's defaults, one row per cohort (`tacmg.analyses.ensemble_numbers`). The
improved subset has a different size in different cohorts: its numbers are computed once per size.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from tacmg.analyses.ensemble_common import (
    ALPHA,
    CONFIDENCE,
    Columns,
    below,
    number_frame,
    paired_summary,
    require_complete,
)
from tacmg.analyses.selection import MOLECULE_COLUMNS, STATUS_ORDER, claims_by_variables
from tacmg.claims.consistency import smallest_signed_rank_p
from tacmg.claims.evaluate import IMPROVED_STATUSES
from tacmg.claims.registry import load_claims
from tacmg.data.cohorts import Cohorts, status_mask
from tacmg.stats import batched_estimates, batched_tests, rank_tests
from tacmg.stats.multiplicity import benjamini_hochberg


def _molecule_rows(stem: str, hl_ratio: Columns, effect: Columns, p: Columns) -> Columns:
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
    require_complete(cohorts)
    alpha, confidence = ALPHA, CONFIDENCE
    published = claims_by_variables(load_claims(), "molecules_vs_controls")
    per: dict[str, Columns] = {}
    for molecule in MOLECULE_COLUMNS:
        patients, controls = cohorts.values(molecule, "baseline"), cohorts.control[molecule]
        test = rank_tests.rank_sum(patients, controls)
        ratio = batched_estimates.ratio_of_locations_batch(patients, controls, confidence)
        median_patients, median_controls = np.median(patients, axis=1), np.median(controls, axis=1)
        per[molecule] = {
            "median_patients": median_patients,
            "median_controls": median_controls,
            "ratio_of_medians": median_patients / median_controls,
            "hl_ratio": ratio.estimate,
            "hl_ratio_ci_low": ratio.low,
            "hl_ratio_ci_high": ratio.high,
            "effect_size": batched_estimates.two_sample_rank_biserial_batch(patients, controls),
            "p_value": test.p_primary,
        }
    p = np.column_stack([per[m]["p_value"] for m in MOLECULE_COLUMNS])
    adjusted = benjamini_hochberg(p)
    significant, significant_adjusted = below(p, alpha), below(adjusted, alpha)
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
        "all",
        {m: per[m]["hl_ratio"] for m in MOLECULE_COLUMNS},
        {m: per[m]["effect_size"] for m in MOLECULE_COLUMNS},
        {m: per[m]["p_value"] for m in MOLECULE_COLUMNS},
    )
    return pd.concat(
        [number_frame("vsctl", columns, cohorts.size), number_frame("vsctl_row", rows, cohorts.size)], axis=1
    )


def _molecule_change(before: np.ndarray, after: np.ndarray, confidence: float) -> Columns:
    """`tacmg.analyses.molecule_change.paired_change`'s numbers of one molecule, rows of equal size."""
    if before.shape[1] == 0:  # nobody in the subset: every number is missing
        missing = ("median_change", "hl_ratio", "hl_ratio_ci_low", "hl_ratio_ci_high", "effect_size", "p_value")
        return {"n": np.zeros(before.shape[0]), **{name: np.full(before.shape[0], np.nan) for name in missing}}
    summary = paired_summary(before, after, confidence, min_nonzero=2)
    log_shift = batched_estimates.paired_shift_batch(np.log(before), np.log(after), confidence)
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
    significant, significant_adjusted = below(p, alpha), below(adjusted, alpha)
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
    require_complete(cohorts)
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
            batched_tests.kruskal_wallis(
                np.log(cohorts.values(m, "month_12") / cohorts.values(m, "baseline")),
                _status_order_index(cohorts.patient["status"]),
                n_groups=len(STATUS_ORDER),
            )[1]
            for m in MOLECULE_COLUMNS
        ]
    )
    status_columns = {
        "n_tests": np.isfinite(kruskal_p).sum(axis=1),
        "n_significant": below(kruskal_p, alpha).sum(axis=1),
        "n_significant_adjusted": below(benjamini_hochberg(kruskal_p), alpha).sum(axis=1),
    }
    rows = {
        **_molecule_rows(
            "all",
            {m: every[m]["hl_ratio"] for m in MOLECULE_COLUMNS},
            {m: every[m]["effect_size"] for m in MOLECULE_COLUMNS},
            {m: every[m]["p_value"] for m in MOLECULE_COLUMNS},
        ),
        **_molecule_rows(
            "sub",
            {m: improved[m]["hl_ratio"] for m in MOLECULE_COLUMNS},
            {m: improved[m]["effect_size"] for m in MOLECULE_COLUMNS},
            {m: improved[m]["p_value"] for m in MOLECULE_COLUMNS},
        ),
    }
    size = cohorts.size
    return pd.concat(
        [
            number_frame("change_all", all_columns, size),
            number_frame("change_sub", sub_columns, size),
            number_frame("change_contrast", contrast, size),
            number_frame("change_status", status_columns, size),
            number_frame("change_row", rows, size),
        ],
        axis=1,
    )


def _status_order_index(status: np.ndarray) -> np.ndarray:
    """Each patient's status as an index into `STATUS_ORDER` (-1 without one)."""
    index = np.full(status.shape, -1)
    for i, code in enumerate(STATUS_ORDER):
        index[status_mask(status, [code])] = i
    return index
