"""The soluble-molecule analyses behind chapters 5-7: patients against controls, change over a year,
and correlations, each as a tidy DataFrame with the published reading beside the computed one.

Every concentration is in pg/mL (`contract.MOLECULE_UNIT`); scores are in points. Ratios (patients
over controls, month 12 over baseline) have no unit. p-values are two-sided and come from scipy;
multiplicity adjustments come from statsmodels' `multipletests`. Tests and their defaults:

- Mann-Whitney U, patients at baseline against controls, scipy's exact distribution (the primary
  variant of `stat_tests`, so the p-values agree with the published-vs-reproduced table).
- Wilcoxon signed-rank of month 12 minus baseline, exact, zero differences dropped.
- Spearman rank correlation, scipy's t approximation.
- Kruskal-Wallis across post-intervention status groups, on the log ratio month 12 / baseline.

Estimates beside them come from `tacmg.estimates` (Hodges-Lehmann shifts and ratios with 95%
intervals, rank-biserial effect sizes). Published readings come from the claims registry
(`data/published/claims.yaml`), never from text typed here. No function returns patient codes.
"""

from __future__ import annotations

import warnings
from types import SimpleNamespace
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from tacmg.stats import estimates, rank_tests
from tacmg.claims.registry import Registry, load_claims
from tacmg.data.contract import LABELS, MOLECULE_UNIT, MOLECULES, SCORES, STATUS_CODES
from tacmg.data.loader import Dataset

MOLECULE_COLUMNS = tuple(MOLECULES)
SCORE_COLUMNS = tuple(SCORES)
UNIT = MOLECULE_UNIT  # every concentration in this module
NO_CORRECTION = "none"
# The validated assay of McKinski et al. 2022 could not measure sICOS above about this level in
# human serum (pg/mL).
SICOS_VALIDATED_CEILING_PG_ML = 20.0
STATUS_ORDER = STATUS_CODES  # MGFA order: CSR, PR, MM, I, U, W, E, D


# ----------------------------------------------------------------------------- helpers


def label(variable: str) -> str:
    """The printed label of a contract column: 'spd1' -> 'sPD-1', 'mg_adl' -> 'MG-ADL'."""
    return LABELS.get(variable, variable)


def adjust_p(p: Sequence[float], method: str = "fdr_bh") -> np.ndarray:
    """p-values adjusted for multiplicity by statsmodels `multipletests(method=...)`.

    NaN p-values (tests that could not be run) stay NaN and do not count towards the family.
    `method="none"` returns the p-values unchanged.
    """
    p = np.asarray(p, float)
    adjusted = np.full(p.shape, np.nan)
    finite = np.isfinite(p)
    if method == NO_CORRECTION:
        return p.copy()
    if finite.any():
        adjusted[finite] = multipletests(p[finite], method=method)[1]
    return adjusted


CORRECTION_NAMES = {"fdr_bh": "Benjamini-Hochberg", "fdr_by": "Benjamini-Yekutieli", "bonferroni": "Bonferroni",
                    "holm": "Holm", "hommel": "Hommel", "sidak": "Sidak", NO_CORRECTION: "no"}


def correction_name(method: str) -> str:
    """The name of a `multipletests` method for prose: 'fdr_bh' -> 'Benjamini-Hochberg'."""
    return CORRECTION_NAMES.get(method, method)


def significance_word(p: float, alpha: float = 0.05) -> str:
    """'significant' / 'not significant' at `alpha`, or 'not computable' for a missing p."""
    if not np.isfinite(p):
        return "not computable"
    return "significant" if p < alpha else "not significant"


def _visit_rows(dataset: Dataset, visit: str) -> pd.DataFrame:
    """One visit's rows of visits.csv, indexed by patient_id (sorted)."""
    visits = dataset.visits
    return visits[visits["visit"] == visit].set_index("patient_id").sort_index()


def _baseline(dataset: Dataset) -> pd.DataFrame:
    return _visit_rows(dataset, "baseline")


def _status(dataset: Dataset) -> pd.Series:
    """Post-intervention status at month 12, indexed by patient_id (sorted)."""
    return dataset.patients.set_index("patient_id")["post_intervention_status"].sort_index().astype(str)


def _claims_by_variables(registry: Registry, finding: str) -> dict[frozenset, object]:
    return {frozenset(c.variables): c for c in registry.select(finding=finding)}


def _direction_word(value: float, up: str = "increase", down: str = "decrease") -> str:
    if not np.isfinite(value):
        return "not computable"
    return up if value > 0 else down if value < 0 else "no change"


def _flag(p: float, alpha: float):
    """True / False for p below alpha, or pd.NA when p could not be computed."""
    return bool(p < alpha) if np.isfinite(p) else pd.NA


def _and_na(a, b):
    if a is pd.NA or b is pd.NA:
        return pd.NA
    return bool(a and b)


def words(items: Iterable[str], empty: str = "none") -> str:
    """'a', 'a and b', 'a, b and c' (or `empty` when there are none)."""
    items = list(items)
    if not items:
        return empty
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


# ----------------------------------------------------------------------------- values for charts


# The chart labels of `charts.VISIT_LABELS` (repeated so that statistics need not import Altair).
GROUP_LABELS = {"baseline": "Baseline", "month_12": "Month 12", "control": "Healthy controls"}


def values_by_group(dataset: Dataset, groups: Sequence[str] = ("baseline", "control"),
                    molecules: Sequence[str] = MOLECULE_COLUMNS) -> pd.DataFrame:
    """Every measured value, long form: molecule, label, group ('Baseline', 'Month 12' or
    'Healthy controls', the chart labels of `charts.VISIT_LABELS`), value (pg/mL). No codes."""
    frames = []
    for molecule in molecules:
        for group in groups:
            if group == "control":
                values = dataset.controls[molecule].to_numpy(float)
            else:
                values = _visit_rows(dataset, group)[molecule].to_numpy(float)
            frames.append(pd.DataFrame({"molecule": molecule, "label": label(molecule),
                                        "group": GROUP_LABELS[group], "value": values}))
    return pd.concat(frames, ignore_index=True)


def paired_values(dataset: Dataset, molecules: Sequence[str] = MOLECULE_COLUMNS) -> pd.DataFrame:
    """Each patient's two measurements, long form: track (anonymous 0..n-1), status, molecule,
    label, visit ('Baseline' / 'Month 12'), value (pg/mL), ratio (month 12 / baseline). No codes."""
    status = _status(dataset)
    frames = []
    for molecule in molecules:
        wide = dataset.paired(molecule).loc[status.index]
        ratio = (wide["month_12"] / wide["baseline"]).to_numpy(float)
        for visit in ("baseline", "month_12"):
            frames.append(pd.DataFrame({"track": np.arange(len(status)), "status": status.to_numpy(),
                                        "molecule": molecule, "label": label(molecule),
                                        "visit": GROUP_LABELS[visit], "value": wide[visit].to_numpy(float),
                                        "ratio": ratio}))
    return pd.concat(frames, ignore_index=True)


# ----------------------------------------------------------------------------- against controls


def _rank_sum(patients: np.ndarray, controls: np.ndarray, method: str):
    """Mann-Whitney U with scipy `method`, or with "reported" the p the claims table reports
    (exact without ties, else the asymptotic one without continuity correction)."""
    if method != "reported":
        return stats.mannwhitneyu(patients, controls, method=method)
    result = rank_tests.rank_sum(patients[None], controls[None])
    return SimpleNamespace(statistic=float(result.statistic[0]), pvalue=float(result.p_primary[0]))


def _signed_rank(before: np.ndarray, after: np.ndarray, method: str) -> tuple[float, float]:
    """(statistic, p) of the Wilcoxon signed-rank test of after - before; "reported" as above."""
    if method != "reported":
        test = stats.wilcoxon(after - before, method=method)
        return float(test.statistic), float(test.pvalue)
    result = rank_tests.signed_rank(before[None], after[None])
    return float(result.statistic[0]), float(result.p_primary[0])


def baseline_against_controls(dataset: Dataset, *, alpha: float = 0.05, correction: str = "fdr_bh",
                              confidence: float = 0.95, method: str = "reported",
                              registry: Registry | None = None) -> pd.DataFrame:
    """Patients at baseline against healthy controls, one row per molecule.

    Columns: molecule, label, n_patients, n_controls, median_patients and median_controls (pg/mL),
    ratio_of_medians, hl_ratio with hl_ratio_low / hl_ratio_high (Hodges-Lehmann ratio of typical
    values, patients over controls, with its `confidence` interval; no unit), u_statistic (U of the
    patients), rank_biserial (2U/(nm) - 1, from -1 to 1), p (Mann-Whitney U, two-sided, scipy
    `method`), p_adjusted (`correction` over the eight molecules), significant and
    significant_adjusted (p below `alpha`), published_direction ('higher' / 'lower'),
    published_significant (True / False from the registry's news list), in_abstract_list (the
    abstract's shorter list of significant elevations), matches_published and
    matches_published_adjusted (direction and significance both as published).
    """
    registry = registry or load_claims()
    published = _claims_by_variables(registry, "molecules_vs_controls")
    baseline = _baseline(dataset)
    rows = []
    for molecule in MOLECULE_COLUMNS:
        patients = baseline[molecule].to_numpy(float)
        controls = dataset.controls[molecule].to_numpy(float)
        test = _rank_sum(patients, controls, method)
        ratio = estimates.ratio_of_locations(patients, controls, confidence)
        claim = published.get(frozenset([molecule]))
        rows.append({
            "molecule": molecule, "label": label(molecule),
            "n_patients": patients.size, "n_controls": controls.size,
            "median_patients": float(np.median(patients)), "median_controls": float(np.median(controls)),
            "ratio_of_medians": float(np.median(patients) / np.median(controls)),
            "hl_ratio": ratio.estimate, "hl_ratio_low": ratio.low, "hl_ratio_high": ratio.high,
            "u_statistic": float(test.statistic),
            "rank_biserial": estimates.two_sample_rank_biserial(patients, controls),
            "p": float(test.pvalue),
            "published_direction": claim.params["direction"] if claim else None,
            "published_significant": bool(claim.params["significant"]) if claim else pd.NA,
            "in_abstract_list": bool(claim and claim.params["significant"] and "abstract" in claim.source),
        })
    table = pd.DataFrame(rows)
    table["p_adjusted"] = adjust_p(table["p"], correction)
    table["significant"] = [_flag(p, alpha) for p in table["p"]]
    table["significant_adjusted"] = [_flag(p, alpha) for p in table["p_adjusted"]]
    direction = np.where(table["ratio_of_medians"] > 1, "higher",
                         np.where(table["ratio_of_medians"] < 1, "lower", "equal"))
    for column, flag in (("matches_published", "significant"), ("matches_published_adjusted", "significant_adjusted")):
        table[column] = [
            pd.NA if not isinstance(pub, str) or sig is pd.NA else bool(d == pub and sig == pub_sig)
            for d, pub, sig, pub_sig in zip(direction, table["published_direction"], table[flag],
                                            table["published_significant"])]
    return table[["molecule", "label", "n_patients", "n_controls", "median_patients", "median_controls",
                  "ratio_of_medians", "hl_ratio", "hl_ratio_low", "hl_ratio_high", "u_statistic",
                  "rank_biserial", "p", "p_adjusted", "significant", "significant_adjusted",
                  "published_direction", "published_significant", "in_abstract_list",
                  "matches_published", "matches_published_adjusted"]]


def against_controls_summary(table: pd.DataFrame) -> dict:
    """Plain-Python numbers and words about a `baseline_against_controls` table (for glue).

    Keys: n_molecules, n_patients, n_controls, n_significant, n_significant_adjusted,
    n_published_significant, n_matches, n_matches_adjusted, split_verdict ('reproduced' when every
    molecule matches the published split unadjusted, else 'not reproduced'), split_verdict_adjusted,
    abstract_verdict (whether every molecule of the abstract's list is significant), significant_list,
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
    out = {
        "n_molecules": int(len(table)),
        "n_patients": int(table["n_patients"].iloc[0]),
        "n_controls": int(table["n_controls"].iloc[0]),
        "n_significant": int(sig.sum()),
        "n_significant_adjusted": int(sig_adj.sum()),
        "n_published_significant": int(pub.sum()),
        "n_matches": int(match.sum()),
        "n_matches_adjusted": int(match_adj.sum()),
        "split_verdict": "reproduced" if bool(match.all()) else "not reproduced",
        "split_verdict_adjusted": "reproduced" if bool(match_adj.all()) else "not reproduced",
        "abstract_verdict": "reproduced" if bool(sig[abstract].all() and abstract.any()) else "not reproduced",
        "significant_list": words(table.loc[sig, "label"]),
        "significant_adjusted_list": words(table.loc[sig_adj, "label"]),
        "published_list": words(table.loc[pub, "label"]),
        "abstract_list": words(table.loc[abstract, "label"]),
        "mismatched_list": words(table.loc[~match, "label"]),
        "mismatched_adjusted_list": words(table.loc[~match_adj, "label"]),
    }
    for row in table.itertuples():
        for column in ("p", "p_adjusted", "hl_ratio", "hl_ratio_low", "hl_ratio_high", "ratio_of_medians",
                       "median_patients", "median_controls"):
            out[f"{row.molecule}_{column}"] = float(getattr(row, column))
    return out


def matrix_margin(table: pd.DataFrame, molecule: str) -> dict:
    """How large a systematic bias between the groups would have to be to erase a difference.

    A bias that multiplied one group's values by f (a different sample matrix, or handling) would
    divide the patient/control ratio by f; the interval of the Hodges-Lehmann ratio is the set of
    ratios the data cannot reject, so a bias beyond its nearer end brings 1 (no difference) into it.

    Keys: factor (hl_ratio_low if the whole interval lies above 1, 1 / hl_ratio_high if below,
    NaN if it spans 1), excludes_one (bool), reading (a phrase for prose).
    """
    row = table.set_index("molecule").loc[molecule]
    low, high = float(row["hl_ratio_low"]), float(row["hl_ratio_high"])
    if low > 1:
        factor = low
        reading = (f"a bias that raised the patients' values by a factor of {factor:.2f} or more relative to "
                   "the controls' would bring the interval down to include 1, no difference")
    elif high < 1:
        factor = 1 / high
        reading = (f"a bias that raised the controls' values by a factor of {factor:.2f} or more relative to "
                   "the patients' would bring the interval up to include 1, no difference")
    else:
        factor = float("nan")
        reading = "the interval already includes no difference, so no bias is needed to explain the data"
    return {"factor": factor, "excludes_one": bool(low > 1 or high < 1), "reading": reading}


# ----------------------------------------------------------------------------- change over a year


def paired_change(dataset: Dataset, *, statuses: Sequence[str] | None = None, alpha: float = 0.05,
                  correction: str = "fdr_bh", confidence: float = 0.95, method: str = "reported",
                  registry: Registry | None = None) -> pd.DataFrame:
    """Change from baseline to month 12 per molecule, in all patients or in those with `statuses`.

    With `statuses` given, the published column is the registry's improved-subset finding: that is
    the reading being tested (the chapters pass `evaluate.IMPROVED_STATUSES`, MGFA status I, as
    recorded in the registry's decision 'improved-subset').

    Columns: molecule, label, subset, n, median_baseline, median_month_12 (pg/mL), median_change
    (median of month 12 minus baseline, pg/mL; its sign is the direction, as in the registry
    evaluation), direction, hl_change with hl_change_low / hl_change_high (Hodges-Lehmann median
    change and interval, pg/mL), hl_ratio with hl_ratio_low / hl_ratio_high (the same on the log
    scale, exponentiated: the typical month-12 / baseline ratio, no unit), w_statistic (scipy's
    Wilcoxon statistic), rank_biserial (-1: every patient fell; 1: every one rose), p (Wilcoxon
    signed-rank, two-sided, scipy `method`; NaN when fewer than two non-zero differences),
    p_adjusted, significant, significant_adjusted, published (the registry's figure or 'not
    listed'), published_direction, published_significant (True for 'decrease, P < 0.05', False
    when only a direction was reported, NA when not listed), matches_published,
    matches_published_adjusted.
    """
    registry = registry or load_claims()
    if statuses is None:
        finding, subset_name = "molecule_change", "all patients"
    else:
        statuses = tuple(statuses)
        finding, subset_name = "improved_subset", "status " + " or ".join(statuses)
    published = _claims_by_variables(registry, finding)
    status = _status(dataset)
    keep = status.index if statuses is None else status.index[status.isin(statuses)]
    rows = []
    for molecule in MOLECULE_COLUMNS:
        wide = dataset.paired(molecule).loc[keep]
        before, after = wide["baseline"].to_numpy(float), wide["month_12"].to_numpy(float)
        diff = after - before
        n_nonzero = int(np.count_nonzero(diff))
        if n_nonzero >= 2:
            w, p = _signed_rank(before, after, method)
        else:
            w, p = np.nan, np.nan
        if diff.size:
            shift = estimates.paired_shift(before, after, confidence)
            log_shift = estimates.paired_shift(np.log(before), np.log(after), confidence)
            median_change = float(np.median(diff))
        else:
            shift = log_shift = estimates.ShiftEstimate(np.nan, np.nan, np.nan, confidence)
            median_change = np.nan
        claim = published.get(frozenset([molecule]))
        if claim is None:
            pub_text, pub_direction, pub_significant = "not listed", None, pd.NA
        else:
            pub_text, pub_direction = claim.published_text, claim.params["direction"]
            pub_significant = claim.quantity == "paired_change"
        rows.append({
            "molecule": molecule, "label": label(molecule), "subset": subset_name, "n": int(diff.size),
            "median_baseline": float(np.median(before)) if diff.size else np.nan,
            "median_month_12": float(np.median(after)) if diff.size else np.nan,
            "median_change": median_change, "direction": _direction_word(median_change),
            "hl_change": shift.estimate, "hl_change_low": shift.low, "hl_change_high": shift.high,
            "hl_ratio": float(np.exp(log_shift.estimate)), "hl_ratio_low": float(np.exp(log_shift.low)),
            "hl_ratio_high": float(np.exp(log_shift.high)),
            "w_statistic": w,
            "rank_biserial": estimates.paired_rank_biserial(before, after) if diff.size else np.nan,
            "p": p,
            "published": pub_text, "published_direction": pub_direction,
            "published_significant": pub_significant,
        })
    table = pd.DataFrame(rows)
    table["p_adjusted"] = adjust_p(table["p"], correction)
    table["significant"] = [_flag(p, alpha) for p in table["p"]]
    table["significant_adjusted"] = [_flag(p, alpha) for p in table["p_adjusted"]]
    for column, flag in (("matches_published", "significant"), ("matches_published_adjusted", "significant_adjusted")):
        matches = []
        for direction, pub_direction, pub_significant, significant in zip(
                table["direction"], table["published_direction"], table["published_significant"], table[flag]):
            if not isinstance(pub_direction, str):  # not listed (None, or NaN once in a frame)
                matches.append(pd.NA)
            elif pub_significant is not pd.NA and bool(pub_significant):
                matches.append(_and_na(direction == pub_direction, significant))
            else:
                matches.append(direction == pub_direction)
        table[column] = matches
    return table[["molecule", "label", "subset", "n", "median_baseline", "median_month_12", "median_change",
                  "direction", "hl_change", "hl_change_low", "hl_change_high", "hl_ratio", "hl_ratio_low",
                  "hl_ratio_high", "w_statistic", "rank_biserial", "p", "p_adjusted", "significant",
                  "significant_adjusted", "published", "published_direction", "published_significant",
                  "matches_published", "matches_published_adjusted"]]


def change_summary(table: pd.DataFrame) -> dict:
    """Plain-Python numbers and words about a `paired_change` table (for glue).

    Keys: n (patients in the subset), n_significant, n_significant_adjusted, n_listed (molecules the
    sources list as falling significantly), n_matches, n_matches_adjusted (of the listed ones),
    verdict / verdict_adjusted ('reproduced' when every listed claim holds), decreased_list,
    increased_list (significant unadjusted, by direction), significant_adjusted_list, listed_list,
    mismatched_list, unlisted_significant_list (significant but not named by any source), and per
    molecule `<molecule>_p`, `<molecule>_p_adjusted`, `<molecule>_hl_ratio`, `_hl_ratio_low`,
    `_hl_ratio_high` (month 12 / baseline), `<molecule>_pct_change` (100 (hl_ratio - 1), percent),
    `<molecule>_direction`.
    """
    sig = table["significant"].fillna(False).astype(bool)
    sig_adj = table["significant_adjusted"].fillna(False).astype(bool)
    listed = table["published_direction"].notna()
    match = table["matches_published"].fillna(False).astype(bool)
    match_adj = table["matches_published_adjusted"].fillna(False).astype(bool)
    out = {
        "n": int(table["n"].iloc[0]),
        "n_significant": int(sig.sum()),
        "n_significant_adjusted": int(sig_adj.sum()),
        "n_listed": int(listed.sum()),
        "n_matches": int((match & listed).sum()),
        "n_matches_adjusted": int((match_adj & listed).sum()),
        "verdict": "reproduced" if bool(match[listed].all() and listed.any()) else "not reproduced",
        "verdict_adjusted": "reproduced" if bool(match_adj[listed].all() and listed.any()) else "not reproduced",
        "decreased_list": words(table.loc[sig & (table["direction"] == "decrease"), "label"]),
        "increased_list": words(table.loc[sig & (table["direction"] == "increase"), "label"]),
        "significant_adjusted_list": words(table.loc[sig_adj, "label"]),
        "listed_list": words(table.loc[listed, "label"]),
        "mismatched_list": words(table.loc[listed & ~match, "label"]),
        "unlisted_significant_list": words(table.loc[sig & ~listed, "label"]),
    }
    for row in table.itertuples():
        for column in ("p", "p_adjusted", "hl_ratio", "hl_ratio_low", "hl_ratio_high"):
            out[f"{row.molecule}_{column}"] = float(getattr(row, column))
        out[f"{row.molecule}_pct_change"] = float(100 * (row.hl_ratio - 1))
        out[f"{row.molecule}_direction"] = row.direction
    return out


def subset_contrast(all_patients: pd.DataFrame, subset: pd.DataFrame, adjusted: bool = False) -> dict:
    """Which molecules change significantly in all patients, in the subset, or in both (two
    `paired_change` tables). Keys: both_list, only_all_list, only_subset_list (labels as words),
    n_all, n_subset (patients), smallest_p_subset (the smallest two-sided exact Wilcoxon p that
    n_subset patients can give, 2 / 2**n: what a smaller group can reach at best)."""
    column = "significant_adjusted" if adjusted else "significant"
    a = set(all_patients.loc[all_patients[column].fillna(False).astype(bool), "label"])
    b = set(subset.loc[subset[column].fillna(False).astype(bool), "label"])
    order = list(all_patients["label"])
    n_subset = int(subset["n"].iloc[0])
    return {"both_list": words([m for m in order if m in a & b]),
            "only_all_list": words([m for m in order if m in a - b]),
            "only_subset_list": words([m for m in order if m in b - a]),
            "n_all": int(all_patients["n"].iloc[0]), "n_subset": n_subset,
            "smallest_p_subset": float(2.0 / 2 ** n_subset) if n_subset else float("nan")}


def log_ratios(dataset: Dataset, molecules: Sequence[str] = MOLECULE_COLUMNS) -> pd.DataFrame:
    """Per-patient change as a ratio, long form: molecule, label, status, ratio (month 12 / baseline),
    log_ratio (natural log). One row per patient and molecule; no patient codes."""
    status = _status(dataset)
    frames = []
    for molecule in molecules:
        wide = dataset.paired(molecule)
        ratio = (wide["month_12"] / wide["baseline"]).to_numpy(float)
        frames.append(pd.DataFrame({"molecule": molecule, "label": label(molecule),
                                    "status": status.loc[wide.index].to_numpy(), "ratio": ratio,
                                    "log_ratio": np.log(ratio)}))
    return pd.concat(frames, ignore_index=True)


def change_by_status(dataset: Dataset, molecules: Sequence[str] = MOLECULE_COLUMNS) -> pd.DataFrame:
    """Median change per molecule and post-intervention status group.

    Columns: molecule, label, status, n, median_log_ratio (natural log of month 12 / baseline),
    median_ratio (exp of it, no unit), pct_change (100 (median_ratio - 1), percent), share_fell
    (fraction of the group whose value fell). Status groups in MGFA order (MM, I, U, ...).
    """
    ratios = log_ratios(dataset, molecules)
    grouped = ratios.groupby(["molecule", "label", "status"], sort=False)
    table = grouped.agg(n=("log_ratio", "size"), median_log_ratio=("log_ratio", "median"),
                        share_fell=("log_ratio", lambda v: float(np.mean(v < 0)))).reset_index()
    table["median_ratio"] = np.exp(table["median_log_ratio"])
    table["pct_change"] = 100 * (table["median_ratio"] - 1)
    order = {code: i for i, code in enumerate(STATUS_ORDER)}
    table["_m"] = table["molecule"].map({m: i for i, m in enumerate(molecules)})
    table["_s"] = table["status"].map(order)
    table = table.sort_values(["_m", "_s"]).drop(columns=["_m", "_s"]).reset_index(drop=True)
    return table[["molecule", "label", "status", "n", "median_log_ratio", "median_ratio", "pct_change",
                  "share_fell"]]


def status_difference_test(dataset: Dataset, molecules: Sequence[str] = MOLECULE_COLUMNS, *,
                           alpha: float = 0.05, correction: str = "fdr_bh",
                           min_group_size: int = 2) -> pd.DataFrame:
    """Kruskal-Wallis test per molecule: does the change (log ratio) differ between status groups?

    Only status groups with at least `min_group_size` patients take part. Columns: molecule, label,
    groups (e.g. 'MM, I, U'), group_sizes (e.g. '11, 16, 5'), h_statistic, p (NaN with fewer than
    two groups or all values equal), p_adjusted, significant, significant_adjusted,
    largest_fall_status and smallest_fall_status (groups with the lowest / highest median log ratio).
    """
    ratios = log_ratios(dataset, molecules)
    rows = []
    for molecule in molecules:
        part = ratios[ratios["molecule"] == molecule]
        groups = [(s, part.loc[part["status"] == s, "log_ratio"].to_numpy())
                  for s in STATUS_ORDER if (part["status"] == s).sum() >= min_group_size]
        h, p = np.nan, np.nan
        if len(groups) >= 2 and np.ptp(np.concatenate([g for _, g in groups])) > 0:
            result = stats.kruskal(*[g for _, g in groups])
            h, p = float(result.statistic), float(result.pvalue)
        medians = {s: float(np.median(g)) for s, g in groups}
        rows.append({"molecule": molecule, "label": label(molecule),
                     "groups": ", ".join(s for s, _ in groups),
                     "group_sizes": ", ".join(str(g.size) for _, g in groups),
                     "h_statistic": h, "p": p,
                     "largest_fall_status": min(medians, key=medians.get) if medians else None,
                     "smallest_fall_status": max(medians, key=medians.get) if medians else None})
    table = pd.DataFrame(rows)
    table["p_adjusted"] = adjust_p(table["p"], correction)
    table["significant"] = [_flag(p, alpha) for p in table["p"]]
    table["significant_adjusted"] = [_flag(p, alpha) for p in table["p_adjusted"]]
    return table[["molecule", "label", "groups", "group_sizes", "h_statistic", "p", "p_adjusted",
                  "significant", "significant_adjusted", "largest_fall_status", "smallest_fall_status"]]


def status_summary(test: pd.DataFrame) -> dict:
    """Words and counts about a `status_difference_test` table. Keys: n_tests, n_significant,
    n_significant_adjusted, significant_adjusted_list, detail (e.g. 'sPD-1 (median change lowest
    in MM, highest in U)' for each molecule significant after adjustment, or 'none')."""
    sig = test["significant"].fillna(False).astype(bool)
    sig_adj = test["significant_adjusted"].fillna(False).astype(bool)
    detail = [f"{r.label} (median change lowest in {r.largest_fall_status}, highest in {r.smallest_fall_status})"
              for r in test[sig_adj].itertuples()]
    return {"n_tests": int(test["p"].notna().sum()), "n_significant": int(sig.sum()),
            "n_significant_adjusted": int(sig_adj.sum()),
            "significant_adjusted_list": words(test.loc[sig_adj, "label"]),
            "detail": words(detail)}


# ----------------------------------------------------------------------------- correlations


def _spearman(x, y):
    """scipy's Spearman test; a constant variable gives rho = p = NaN (reported as not computable)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.ConstantInputWarning)
        return stats.spearmanr(x, y)


def correlation_table(dataset: Dataset, *, visit: str = "baseline", alpha: float = 0.05,
                      correction: str = "fdr_bh", registry: Registry | None = None) -> pd.DataFrame:
    """Spearman correlations among patients at one visit, long form, one row per test.

    Two blocks: 'score-molecule' (each of the 4 clinical scores with each of the 8 molecules) and
    'molecule-molecule' (each unordered pair of distinct molecules). The adjustment runs over
    every row of the table: the family is everything the chapter looks at.

    Columns: block, var_x, var_y, label_x, label_y, n, rho, p (scipy `spearmanr`, t approximation),
    p_adjusted, significant, significant_adjusted, published_sign ('positive' / 'negative', missing if none;
    registry correlations are read at baseline, decision 'correlation-visit'), matches_published
    and matches_published_adjusted (sign as published and significant; NA where none published).
    """
    registry = registry or load_claims()
    published = _claims_by_variables(registry, "correlations")
    rows_frame = _visit_rows(dataset, visit)
    pairs = [("score-molecule", s, m) for s in SCORE_COLUMNS for m in MOLECULE_COLUMNS]
    pairs += [("molecule-molecule", a, b) for i, a in enumerate(MOLECULE_COLUMNS)
              for b in MOLECULE_COLUMNS[i + 1:]]
    rows = []
    for block, x, y in pairs:
        result = _spearman(rows_frame[x].to_numpy(float), rows_frame[y].to_numpy(float))
        claim = published.get(frozenset([x, y]))
        rows.append({"block": block, "var_x": x, "var_y": y, "label_x": label(x), "label_y": label(y),
                     "n": int(len(rows_frame)), "rho": float(result.statistic), "p": float(result.pvalue),
                     "published_sign": claim.params["sign"] if claim else None})
    table = pd.DataFrame(rows)
    table["p_adjusted"] = adjust_p(table["p"], correction)
    table["significant"] = [_flag(p, alpha) for p in table["p"]]
    table["significant_adjusted"] = [_flag(p, alpha) for p in table["p_adjusted"]]
    sign = np.where(table["rho"] > 0, "positive", np.where(table["rho"] < 0, "negative", "zero"))
    for column, flag in (("matches_published", "significant"), ("matches_published_adjusted", "significant_adjusted")):
        table[column] = [pd.NA if not isinstance(pub, str) else _and_na(s == pub, sig)
                         for s, pub, sig in zip(sign, table["published_sign"], table[flag])]
    return table[["block", "var_x", "var_y", "label_x", "label_y", "n", "rho", "p", "p_adjusted",
                  "significant", "significant_adjusted", "published_sign", "matches_published",
                  "matches_published_adjusted"]]


def multiplicity_summary(table: pd.DataFrame, alpha: float = 0.05) -> dict:
    """What a family of tests says about chance, from any table with p, significant,
    significant_adjusted (and optionally published_sign / matches_published columns).

    Keys: n_tests, alpha, expected_by_chance (n_tests x alpha: the number of tests expected below
    alpha if no association existed at all), n_significant, n_significant_adjusted, and when the
    table carries published signs: n_published, n_published_matches, n_published_matches_adjusted,
    n_unpublished_significant (significant pairs no source mentions), published_verdict and
    published_verdict_adjusted ('reproduced' when every published pair matches).
    """
    sig = table["significant"].fillna(False).astype(bool)
    sig_adj = table["significant_adjusted"].fillna(False).astype(bool)
    n_tests = int(table["p"].notna().sum())
    out = {"n_tests": n_tests, "alpha": float(alpha), "expected_by_chance": float(n_tests * alpha),
           "n_significant": int(sig.sum()), "n_significant_adjusted": int(sig_adj.sum())}
    if "published_sign" in table:
        published = table["published_sign"].notna()
        match = table["matches_published"].fillna(False).astype(bool)
        match_adj = table["matches_published_adjusted"].fillna(False).astype(bool)
        out.update({
            "n_published": int(published.sum()),
            "n_published_matches": int((match & published).sum()),
            "n_published_matches_adjusted": int((match_adj & published).sum()),
            "n_unpublished_significant": int((sig & ~published).sum()),
            "published_verdict": "reproduced" if bool(match[published].all() and published.any()) else "not reproduced",
            "published_verdict_adjusted": ("reproduced" if bool(match_adj[published].all() and published.any())
                                           else "not reproduced"),
        })
    return out


def pair_values(dataset: Dataset, pairs: Sequence[tuple[str, str]], visit: str = "baseline") -> pd.DataFrame:
    """Values of each (var_x, var_y) pair at one visit, long form for small-multiple scatters.

    Columns: pair ('sCD25 and QMG'), var_x, var_y, label_x, label_y, x, y (in each variable's unit:
    pg/mL for molecules, points for scores). One row per patient and pair; no patient codes.
    """
    rows_frame = _visit_rows(dataset, visit)
    frames = [pd.DataFrame({"pair": f"{label(x)} and {label(y)}", "var_x": x, "var_y": y,
                            "label_x": label(x), "label_y": label(y),
                            "x": rows_frame[x].to_numpy(float), "y": rows_frame[y].to_numpy(float)})
              for x, y in pairs]
    return pd.concat(frames, ignore_index=True)


def published_pairs(table: pd.DataFrame) -> list[tuple[str, str]]:
    """The pairs of a `correlation_table` that carry a published sign, as (x, y) for a scatter:
    a molecule on x and the clinical score on y; molecule pairs in the table's order."""
    rows = table[table["published_sign"].notna()]
    return [(y, x) if x in SCORE_COLUMNS else (x, y) for x, y in zip(rows["var_x"], rows["var_y"])]


# ----------------------------------------------------------------------------- between vs within


def between_and_within(dataset: Dataset, molecule: str = "scd25",
                       scores: Sequence[str] = ("qmg", "mmt")) -> pd.DataFrame:
    """Cross-sectional (between-patient) against longitudinal (within-patient) association of one
    molecule with clinical scores, one row per score.

    Columns: molecule, score, label_molecule, label_score, n, rho_baseline / p_baseline and
    rho_month_12 / p_month_12 (Spearman across patients at one visit), rho_change / p_change
    (Spearman of each patient's log ratio of the molecule, month 12 / baseline, with the patient's
    change in score, points), molecule_median_ratio (median month 12 / baseline, no unit),
    score_median_change (median change, points), share_both_fell (fraction of patients in whom the
    molecule and the score both fell), share_molecule_fell, share_score_fell.
    """
    status_index = _status(dataset).index
    wide_molecule = dataset.paired(molecule).loc[status_index]
    log_ratio = np.log(wide_molecule["month_12"] / wide_molecule["baseline"]).to_numpy(float)
    rows = []
    for score in scores:
        wide_score = dataset.paired(score).loc[status_index]
        score_change = (wide_score["month_12"] - wide_score["baseline"]).to_numpy(float)
        at = {visit: _spearman(wide_molecule[visit].to_numpy(float), wide_score[visit].to_numpy(float))
              for visit in ("baseline", "month_12")}
        change = _spearman(log_ratio, score_change)
        rows.append({
            "molecule": molecule, "score": score, "label_molecule": label(molecule), "label_score": label(score),
            "n": int(len(status_index)),
            "rho_baseline": float(at["baseline"].statistic), "p_baseline": float(at["baseline"].pvalue),
            "rho_month_12": float(at["month_12"].statistic), "p_month_12": float(at["month_12"].pvalue),
            "rho_change": float(change.statistic), "p_change": float(change.pvalue),
            "molecule_median_ratio": float(np.exp(np.median(log_ratio))),
            "score_median_change": float(np.median(score_change)),
            "share_both_fell": float(np.mean((log_ratio < 0) & (score_change < 0))),
            "share_molecule_fell": float(np.mean(log_ratio < 0)),
            "share_score_fell": float(np.mean(score_change < 0)),
        })
    return pd.DataFrame(rows)


def trajectories(dataset: Dataset, molecule: str = "scd25",
                 scores: Sequence[str] = ("qmg", "mmt")) -> pd.DataFrame:
    """Each patient's (molecule, score) at both visits, long form, for a between/within chart.

    Columns: track (an anonymous number per patient, 0..n-1, in no meaningful order beyond sorting
    by patient_id), status, score, label_score, visit ('Baseline' / 'Month 12'), molecule_value
    (pg/mL), score_value (points). No patient codes.
    """
    status = _status(dataset)
    wide_molecule = dataset.paired(molecule).loc[status.index]
    frames = []
    for score in scores:
        wide_score = dataset.paired(score).loc[status.index]
        for visit, visit_label in (("baseline", "Baseline"), ("month_12", "Month 12")):
            frames.append(pd.DataFrame({
                "track": np.arange(len(status)), "status": status.to_numpy(), "score": score,
                "label_score": label(score), "visit": visit_label,
                "molecule_value": wide_molecule[visit].to_numpy(float),
                "score_value": wide_score[visit].to_numpy(float)}))
    return pd.concat(frames, ignore_index=True)


def changes_together(dataset: Dataset, molecule: str = "scd25",
                     scores: Sequence[str] = ("qmg", "mmt")) -> pd.DataFrame:
    """Each patient's change in a molecule beside the change in each score, long form: track
    (anonymous), status, score, label_score, molecule_ratio (month 12 / baseline, no unit),
    score_change (month 12 minus baseline, points). No patient codes."""
    status = _status(dataset)
    wide_molecule = dataset.paired(molecule).loc[status.index]
    ratio = (wide_molecule["month_12"] / wide_molecule["baseline"]).to_numpy(float)
    frames = []
    for score in scores:
        wide_score = dataset.paired(score).loc[status.index]
        frames.append(pd.DataFrame({"track": np.arange(len(status)), "status": status.to_numpy(),
                                    "score": score, "label_score": label(score), "molecule_ratio": ratio,
                                    "score_change": (wide_score["month_12"] - wide_score["baseline"]).to_numpy(float)}))
    return pd.concat(frames, ignore_index=True)


# ----------------------------------------------------------------------------- assay plausibility


def claims_resting_on(variable: str, registry: Registry | None = None) -> pd.DataFrame:
    """Registry claims that involve `variable`: claim, finding, published, source, paraphrase."""
    registry = registry or load_claims()
    rows = [{"claim": c.id, "finding": registry.findings.get(c.finding, c.finding),
             "published": c.published_text, "source": ", ".join(c.source), "paraphrase": c.paraphrase}
            for c in registry if variable in c.variables]
    return pd.DataFrame(rows, columns=["claim", "finding", "published", "source", "paraphrase"])


def level_against_ceiling(dataset: Dataset, molecule: str = "sicos",
                          ceiling: float = SICOS_VALIDATED_CEILING_PG_ML) -> dict:
    """How a molecule's measured levels compare with a ceiling (pg/mL) a validated assay reports.

    Keys: ceiling (pg/mL), median_controls, median_patients_baseline (pg/mL),
    fold_controls / fold_patients (median over ceiling), share_above_controls,
    share_above_patients (fraction of values above the ceiling).
    """
    controls = dataset.controls[molecule].to_numpy(float)
    patients = _baseline(dataset)[molecule].to_numpy(float)
    return {"ceiling": float(ceiling),
            "median_controls": float(np.median(controls)),
            "median_patients_baseline": float(np.median(patients)),
            "fold_controls": float(np.median(controls) / ceiling),
            "fold_patients": float(np.median(patients) / ceiling),
            "share_above_controls": float(np.mean(controls > ceiling)),
            "share_above_patients": float(np.mean(patients > ceiling))}


def without_molecule(molecule: str, registry: Registry | None = None) -> dict:
    """How many registry claims would remain if one molecule's measurements were set aside.

    Keys: molecule, label, n_claims (registry total), n_resting (claims that involve the molecule),
    n_remaining, findings (words: the findings touched).
    """
    registry = registry or load_claims()
    resting = claims_resting_on(molecule, registry)
    return {"molecule": molecule, "label": label(molecule), "n_claims": len(registry),
            "n_resting": int(len(resting)), "n_remaining": int(len(registry) - len(resting)),
            "findings": words(sorted(set(resting["finding"])))}


# ----------------------------------------------------------------------------- display


def number_text(value: float, digits: int = 3) -> str:
    """A number for a table: `digits` significant digits, thousands separated and never in
    exponent notation for values of 1000 and more (218,600 rather than 2.19e+05)."""
    if value is None or not np.isfinite(value):
        return "n/a"
    if abs(value) >= 10 ** digits:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def for_display(table: pd.DataFrame, columns: dict, digits: int = 3) -> pd.DataFrame:
    """A table for the page. `columns` maps a source column, or a tuple (estimate, low, high)
    written as 'estimate (low to high)', to its heading, in that order. p-value columns (named
    'p' or 'p_...') get two significant digits, other floats `digits` (see `number_text`),
    booleans yes / no, missing values 'n/a'."""
    out = pd.DataFrame(index=table.index)
    for source, heading in columns.items():
        if isinstance(source, tuple):
            est, low, high = (table[c].astype(float) for c in source)
            out[heading] = [f"{number_text(e, digits)} ({number_text(lo, digits)} to {number_text(hi, digits)})"
                            for e, lo, hi in zip(est, low, high)]
            continue
        values = table[source]
        if source == "p" or source.startswith("p_"):
            out[heading] = [("n/a" if not np.isfinite(v) else f"{v:.2g}") for v in values.astype(float)]
        elif values.map(lambda v: isinstance(v, (bool, np.bool_)) or v is pd.NA).all():
            out[heading] = ["n/a" if v is pd.NA else ("yes" if v else "no") for v in values]
        elif pd.api.types.is_float_dtype(values):
            out[heading] = [number_text(v, digits) for v in values]
        else:
            out[heading] = values.astype(object).where(values.notna(), "")
    return out.reset_index(drop=True)


def _published_split_text(table: pd.DataFrame) -> list[str]:
    texts = []
    for significant, abstract in zip(table["published_significant"], table["in_abstract_list"]):
        if significant is pd.NA:
            texts.append("not reported")
        elif significant:
            texts.append("significant (news and abstract)" if abstract else "significant (news)")
        else:
            texts.append("not significant (news)")
    return texts


def against_controls_view(table: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """A `baseline_against_controls` table as the page shows it (medians in pg/mL)."""
    frame = table.assign(published_text=_published_split_text(table))
    return for_display(frame, {
        "label": "Molecule", "median_patients": "Patients (pg/mL)", "median_controls": "Controls (pg/mL)",
        ("hl_ratio", "hl_ratio_low", "hl_ratio_high"): f"Ratio ({100 * confidence:g}% CI)", "rank_biserial": "Rank-biserial",
        "p": "p", "p_adjusted": "Adjusted p", "published_text": "Published"})


def change_view(table: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """A `paired_change` table as the page shows it (medians in pg/mL; ratio month 12 / baseline)."""
    return for_display(table, {
        "label": "Molecule", "median_baseline": "Baseline (pg/mL)", "median_month_12": "Month 12 (pg/mL)",
        ("hl_ratio", "hl_ratio_low", "hl_ratio_high"): f"Ratio ({100 * confidence:g}% CI)", "rank_biserial": "Rank-biserial",
        "p": "p", "p_adjusted": "Adjusted p", "published": "Published"})


def status_view(by_status: pd.DataFrame, test: pd.DataFrame) -> pd.DataFrame:
    """Median percent change per status group (one column per group) beside the Kruskal-Wallis p."""
    wide = by_status.pivot(index="label", columns="status", values="pct_change")
    statuses = [s for s in STATUS_ORDER if s in wide.columns]
    order = list(dict.fromkeys(by_status["label"]))
    wide = wide.loc[order, statuses]
    frame = pd.DataFrame({"label": wide.index})
    for status in statuses:
        frame[status] = [f"{v:+.0f}%" if np.isfinite(v) else "n/a" for v in wide[status]]
    merged = frame.merge(test[["label", "p", "p_adjusted"]], on="label", how="left")
    return for_display(merged, {"label": "Molecule", **{s: f"{s}: median change" for s in statuses},
                                "p": "Kruskal-Wallis p", "p_adjusted": "Adjusted p"})


def correlation_view(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of a `correlation_table` as the page shows them."""
    frame = table.assign(pair=[f"{x} and {y}" for x, y in zip(table["label_x"], table["label_y"])],
                         published_text=table["published_sign"].where(table["published_sign"].notna(), "not reported"))
    return for_display(frame, {"pair": "Pair", "rho": "Spearman rho", "p": "p", "p_adjusted": "Adjusted p",
                               "published_text": "Published sign", "matches_published": "As published",
                               "matches_published_adjusted": "As published, adjusted"}, digits=2)


def between_within_view(table: pd.DataFrame) -> pd.DataFrame:
    """A `between_and_within` table as the page shows it."""
    return for_display(table, {
        "label_score": "Score", "rho_baseline": "rho at baseline", "p_baseline": "p at baseline",
        "rho_month_12": "rho at month 12", "p_month_12": "p at month 12",
        "rho_change": "rho of the changes", "p_change": "p of the changes",
        "share_both_fell": "Share in whom both fell"}, digits=2)
