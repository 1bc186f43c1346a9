"""Every number chapters 01-07 derive from the data, one function per chapter, as ``{prefix: {name: value}}``.

Each chapter glues what its function returns (``v.add(prefix, values, intervals=ri)``), and the
reconstruction intervals run the same function on every cohort of the ensembles
(`tacmg.presentation.intervals.for_chapter`). One function per chapter, so the number the page
shows and the number whose interval it shows can never be computed two ways. Besides the prose
values, the functions return the per-row numbers the chapters' tables show (prefix ``<chapter>_row``),
so the tables get intervals too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from tacmg.analyses import correlations, molecule_change, molecules_vs_controls, prednisone, scores, status
from tacmg.analyses.scores import MCID_POINTS
from tacmg.claims.evaluate import IMPROVED_STATUSES
from tacmg.claims.registry import load_claims
from tacmg.data.loader import Dataset
from tacmg.presentation import chapter_values, summaries
from tacmg.presentation.prose import median_explained
from tacmg.presentation.report import built_to_meet
from tacmg.stats.rounding import percent, round_half_up

Numbers = dict[str, dict[str, Any]]
_SCORE_LABELS = {"qmg": "QMG", "mmt": "MMT", "adl": "MG-ADL", "qol": "MG-QOL15"}

# Numbers a prior of priors.yaml sets outright: the same in every reconstruction, but because of
# an assumption, not of the report (classed "set by a prior"). Key: the prior that sets it.
SET_BY_PRIORS = {
    "cohort_n_women": "cohort.female_share",
    "cohort_women_pct": "cohort.female_share",
    "vsctl_n_controls": "cohort.n_controls",
    **{
        f"status_{name}": "scores.status_counts"
        for name in ("n_u", "pct_u", "u_low_pct", "u_high_pct", "n_worse", "worse_high_pct", "n_remission")
    },
    # the report gives no count for these statuses: the prior sets them (all zero)
    **{f"status_pct_{code}": "scores.status_counts" for code in ("csr", "pr", "w", "e", "d")},
    # "about a third" allows 10 or 11 patients at MM; the prior picks one of them
    **{f"status_{name}": "scores.status_counts" for name in ("n_mm", "pct_mm", "mm_low_pct", "mm_high_pct")},
}


def cohort_numbers(dataset: Dataset) -> Numbers:
    """Chapter 01: who the patients were (counts, means, medians, ranges; years).

    Examples
    --------
    >>> from tacmg import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> cohort_numbers(load(RECONSTRUCTED_DIR))["cohort"]["n"]
    32
    """
    p = dataset.patients
    registry = load_claims()
    age_decimals = registry.by_id("cohort-age-at-onset").params["decimals"]
    duration_decimals = registry.by_id("cohort-disease-duration").params["decimals"]
    women = int((p["sex"] == "F").sum())
    return {
        "cohort": {
            "n": len(p),
            "n_women": women,
            "women_pct": percent(women, len(p)),
            "age_mean": round_half_up(p["age_at_onset_years"].mean(), 4),
            "age_rounded": round_half_up(p["age_at_onset_years"].mean(), age_decimals),
            "duration_mean": round_half_up(p["disease_duration_years"].mean(), 4),
            "duration_rounded": round_half_up(p["disease_duration_years"].mean(), duration_decimals),
            "duration_median": round_half_up(p["disease_duration_years"].median(), 1),
            "duration_min": float(p["disease_duration_years"].min()),
            "duration_max": float(p["disease_duration_years"].max()),
        }
    }


def score_numbers(
    dataset: Dataset,
    confidence: float = 0.95,
    mcid: Mapping[str, float | None] = MCID_POINTS,
    changes: pd.DataFrame | None = None,
) -> Numbers:
    """Chapter 02: the change of the four scores (`chapter_values.score_change_values`).

    `changes` is the chapter's `scores.score_changes(dataset, confidence, mcid)` table when it has
    computed it already (so the page computes it once); None computes it here.
    """
    if changes is None:
        changes = scores.score_changes(dataset, confidence=confidence, mcid=dict(mcid))
    qol_sd = float(dataset.paired("mg_qol15")["baseline"].std())
    return {"scores": chapter_values.score_change_values(changes, mcid, confidence, qol_sd)}


def prednisone_numbers(
    dataset: Dataset, confidence: float = 0.95, taper: prednisone.PrednisoneTaper | None = None
) -> Numbers:
    """Chapter 03: the prednisone taper (doses in mg/day; shares in percent).

    `taper` is the chapter's `prednisone.prednisone_taper(dataset, confidence)` when it has
    computed it already (so the page computes it once); None computes it here.
    """
    if taper is None:
        taper = prednisone.prednisone_taper(dataset, confidence=confidence)
    s = taper.summary.iloc[0]
    month_12 = taper.doses.loc[taper.doses["visit"] == "Month 12", "dose_mg_day"]
    quartiles = {f"{q}_{visit}": s[f"{q}_{visit}"] for q in ("q1", "q3") for visit in ("baseline", "month_12")}
    return {
        "pred": {
            "n": int(s["n"]),
            "confidence_pct": round_half_up(100 * confidence, 1),
            "median_baseline": s["median_baseline"],
            "median_month_12": s["median_month_12"],
            **quartiles,
            "hl": s["hl_change"],
            "hl_change_ci_low": s["hl_change_ci_low"],
            "hl_change_ci_high": s["hl_change_ci_high"],
            "p_value": s["p_value"],
            "rb": round_half_up(s["effect_size"], 2),
            "n_tapered": int(s["n_tapered"]),
            "pct_tapered": percent(s["n_tapered"], s["n"]),
            "n_stopped": int(s["n_stopped"]),
            "pct_stopped": percent(s["n_stopped"], s["n"]),
            "n_unchanged": int(s["n_unchanged"]),
            "n_increased": int(s["n_increased"]),
            "median_month_12_from": median_explained(month_12, "mg/day"),
        }
    }


def status_numbers(
    dataset: Dataset,
    confidence: float = 0.95,
    counts: pd.DataFrame | None = None,
    by_status: pd.DataFrame | None = None,
) -> Numbers:
    """Chapter 04: counts and shares per post-intervention status; median changes per status group.

    `counts` and `by_status` are the chapter's `status.status_counts(dataset, confidence)` and
    `status.changes_by_status(dataset)` tables when it has computed them already (so the page
    computes each once); None computes them here.
    """
    if counts is None:
        counts = status.status_counts(dataset, confidence=confidence)
    if by_status is None:
        by_status = status.changes_by_status(dataset)
    by_code = counts.set_index("status")
    n = int(by_code["n"].iloc[0])
    n_worse = int(by_code.loc[["W", "E", "D"], "count"].sum())
    worse_high = status.share_interval(n_worse, n, confidence)[1]
    values: dict[str, Any] = {
        "n": n,
        "confidence_pct": round_half_up(100 * confidence, 1),
        "n_worse": n_worse,
        "worse_high_pct": round_half_up(100 * worse_high, 1),
    }
    rows = by_code.to_dict("index")
    for code, key in (("MM", "mm"), ("I", "i"), ("U", "u")):
        row = rows[code]
        values.update(
            {
                f"n_{key}": int(row["count"]),
                f"pct_{key}": percent(row["count"], n),
                f"{key}_low_pct": round_half_up(100 * float(row["share_ci_low"]), 1),
                f"{key}_high_pct": round_half_up(100 * float(row["share_ci_high"]), 1),
            }
        )
    values["n_remission"] = int(by_code.loc[["CSR", "PR"], "count"].sum())
    for status_code, row in rows.items():  # every status's share, for the status table's intervals
        values.setdefault(f"pct_{str(status_code).lower()}", percent(row["count"], n))
    lookup = by_status.set_index("status")
    columns = (("qmg", "QMG (points)"), ("adl", "MG-ADL (points)"), ("pred", "Prednisone (mg/day)"))
    for code in ("MM", "I", "U"):
        for key, column in columns:
            median = lookup[column].get(code, float("nan"))  # NaN: nobody had that status
            values[f"{code.lower()}_{key}"] = float(median)
    return {"status": values}


def _molecule_rows(table: pd.DataFrame, stem: str) -> dict[str, float]:
    """The per-molecule numbers of a molecule table, keyed ``<stem>_<molecule>_<column>``."""
    out = {}
    for row in table.to_dict("records"):
        for column in ("hl_ratio", "effect_size", "p_value"):
            out[f"{stem}_{row['molecule']}_{column}"] = float(row[column])
    return out


def vs_controls_numbers(
    dataset: Dataset, alpha: float = 0.05, correction: str = "fdr_bh", confidence: float = 0.95
) -> Numbers:
    """Chapter 05: patients at baseline against healthy controls, per molecule."""
    table = molecules_vs_controls.baseline_against_controls(
        dataset, alpha=alpha, correction=correction, confidence=confidence
    )
    return vs_controls_from_table(dataset, table, alpha)


def vs_controls_from_table(dataset: Dataset, table: pd.DataFrame, alpha: float = 0.05) -> Numbers:
    """Chapter 05's numbers from `table`, the chapter's `baseline_against_controls` of `dataset` at
    `alpha` (computed once, for display): what `vs_controls_numbers` returns for the same parameters."""
    built = built_to_meet(dataset, load_claims().select(finding="molecules_vs_controls"), alpha)
    summary = summaries.against_controls_summary(table, conditioned=built)
    return {"vsctl": summary, "vsctl_row": _molecule_rows(table, "all")}


def change_numbers(
    dataset: Dataset,
    statuses: Sequence[str] = IMPROVED_STATUSES,
    alpha: float = 0.05,
    correction: str = "fdr_bh",
    confidence: float = 0.95,
) -> Numbers:
    """Chapter 06: each molecule's change in all patients, in the improved subset and by status."""
    options: dict[str, Any] = {"alpha": alpha, "correction": correction, "confidence": confidence}
    all_patients = molecule_change.paired_change(dataset, **options)
    subset = molecule_change.paired_change(dataset, statuses=tuple(statuses), **options)
    test = molecule_change.status_difference_test(dataset, alpha=alpha, correction=correction)
    return change_from_tables(dataset, all_patients, subset, test, statuses=statuses, alpha=alpha)


def change_from_tables(
    dataset: Dataset,
    all_patients: pd.DataFrame,
    subset: pd.DataFrame | None = None,
    status_test: pd.DataFrame | None = None,
    *,
    statuses: Sequence[str] = IMPROVED_STATUSES,
    alpha: float = 0.05,
) -> Numbers:
    """Chapter 06's numbers from its tables (`molecule_change.paired_change` in all patients and in
    the patients of `statuses`, `status_difference_test`, at `alpha`), computed once for display.

    With every table, what `change_numbers` returns for the same parameters. The chapter glues each
    section's numbers before its prose, so a table not built yet is left out, and so are its numbers.
    """
    registry = load_claims()
    built_all = built_to_meet(dataset, registry.select(finding="molecule_change"), alpha)
    numbers: Numbers = {"change_all": summaries.change_summary(all_patients, conditioned=built_all)}
    rows = _molecule_rows(all_patients, "all")
    if subset is not None:
        # the subset claims were built to meet only under the registry's reading of "improved"
        built_sub = tuple(statuses) == tuple(IMPROVED_STATUSES) and built_to_meet(
            dataset, registry.select(finding="improved_subset"), alpha
        )
        numbers["change_sub"] = summaries.change_summary(subset, conditioned=built_sub, article="the")
        numbers["change_contrast"] = summaries.subset_contrast(all_patients, subset)
        rows.update(_molecule_rows(subset, "sub"))
    if status_test is not None:
        numbers["change_status"] = summaries.status_summary(status_test)
    numbers["change_row"] = rows
    return numbers


def correlation_numbers(
    dataset: Dataset,
    visit: str = "baseline",
    alpha: float = 0.05,
    correction: str = "fdr_bh",
    molecule: str = "scd25",
    scores_between: Sequence[str] = ("qmg", "mmt"),
) -> Numbers:
    """Chapter 07: the correlation family, the published pairs and sCD25 between and within patients."""
    table = correlations.correlation_table(dataset, visit=visit, alpha=alpha, correction=correction)
    between_within = correlations.between_and_within(dataset, molecule, tuple(scores_between))
    return correlation_from_tables(dataset, table, between_within, visit=visit, alpha=alpha)


def correlation_from_tables(
    dataset: Dataset,
    table: pd.DataFrame,
    between_within: pd.DataFrame | None = None,
    *,
    visit: str = "baseline",
    alpha: float = 0.05,
) -> Numbers:
    """Chapter 07's numbers from its tables (`correlations.correlation_table` at `visit` and `alpha`,
    `between_and_within`), computed once for display: with both, what `correlation_numbers` returns
    for the same parameters; without `between_within` (not built yet) its ``corr_bw`` numbers are left out."""
    # the published pairs were built to meet at baseline only
    built = visit == "baseline" and built_to_meet(dataset, load_claims().select(finding="correlations"), alpha)
    family = summaries.multiplicity_summary(table, alpha, conditioned=built)
    family.pop("alpha")
    family.update(
        {
            "n": int(table["n"].iloc[0]),
            "n_score_tests": int((table["block"] == "score-molecule").sum()),
            "n_molecule_tests": int((table["block"] == "molecule-molecule").sum()),
        }
    )
    numbers: Numbers = {"corr": family}
    if between_within is not None:
        row = between_within.iloc[0].to_dict()
        # the ranges over substitutions of censored values exist only where a value is censored;
        # the table shows them then, the prose never quotes them (no "nan" glued)
        numbers["corr_bw"] = {
            str(name): value
            for name, value in row.items()
            if not (str(name).endswith(("_low", "_high")) and pd.isna(value))
        }
    pairs = zip(table["var_x"], table["var_y"], table["rho"])
    numbers["corr_row"] = {f"{x}_{y}_rho": float(rho) for x, y, rho in pairs}
    return numbers


# The derived numbers each chapter's prose discusses, in words: each is quoted with its
# reconstruction interval (``{eval}`v.<key>_ri```; a test holds prose and list together), and the
# chapter's "what the report implies" sentence names those the report fixes or narrows.
DERIVED: dict[str, dict[str, str]] = {
    "01-cohort": {
        "cohort_duration_median": "the median disease duration",
        "cohort_duration_min": "the shortest disease duration",
        "cohort_duration_max": "the longest disease duration",
        "cohort_women_pct": "the share of women",
    },
    "02-clinical-scores": {
        **{f"scores_{s}_hl": f"the Hodges-Lehmann change of the {label}" for s, label in _SCORE_LABELS.items()},
        **{
            f"scores_{s}_pct_mcid": f"the share reaching the {label} threshold"
            for s, label in _SCORE_LABELS.items()
            if s != "mmt"
        },
        "scores_mmt_pct_improved": "the share with a lower MMT",
        "scores_qmg_n_worse": "the count with a higher QMG",
        "scores_adl_n_worse": "the count with a higher MG-ADL",
        "scores_rb_strongest": "the strongest rank-biserial correlation",
    },
    "03-prednisone": {
        "pred_hl": "the Hodges-Lehmann change of the dose",
        "pred_pct_tapered": "the share on a lower dose",
        "pred_pct_stopped": "the share off prednisone",
        "pred_n_unchanged": "the count on the same dose",
        "pred_n_increased": "the count on a higher dose",
    },
    "04-post-intervention-status": {
        "status_pct_mm": "the share at minimal manifestation status",
        "status_pct_u": "the share unchanged",
        **{
            f"status_{code}_{score}": f"the median {label} change of the {group}"
            for code, group in (("mm", "patients at MM"), ("i", "improved"), ("u", "unchanged"))
            for score, label in (("qmg", "QMG"), ("adl", "MG-ADL"))
        },
        "status_u_pred": "the median dose change of the unchanged",
    },
    "05-molecules-vs-controls": {
        "vsctl_n_significant": "the count of molecules differing from controls",
        "vsctl_n_significant_adjusted": "that count after adjustment",
    },
    "06-molecule-change": {
        "change_all_n_significant": "the count of molecules that changed",
        "change_all_n_significant_adjusted": "that count after adjustment",
        "change_all_spdl1_hl_ratio": "the typical sPD-L1 ratio",
        "change_sub_n_significant": "the count that changed in the improved subset",
        "change_sub_spdl1_hl_ratio": "the typical sPD-L1 ratio in the improved subset",
    },
    "07-correlations": {
        "corr_n_significant": "the count of significant correlations",
        "corr_n_significant_adjusted": "that count after adjustment",
        "corr_n_published_matches_adjusted": "the count of published pairs that survive the adjustment",
        "corr_n_unpublished_significant": "the count of significant pairs no source mentions",
        "corr_bw_rho_baseline": "the baseline correlation of sCD25 with the QMG",
        "corr_bw_rho_change": "the correlation of their changes",
        "corr_bw_share_both_fell": "the share in whom both fell",
    },
}

# The function that computes each chapter's numbers (its defaults are the chapter's parameters).
CHAPTER_FUNCTIONS = {
    "01-cohort": cohort_numbers,
    "02-clinical-scores": score_numbers,
    "03-prednisone": prednisone_numbers,
    "04-post-intervention-status": status_numbers,
    "05-molecules-vs-controls": vs_controls_numbers,
    "06-molecule-change": change_numbers,
    "07-correlations": correlation_numbers,
}
