"""The statistics of the four clinical chapters: Table 1, the clinical scores, the prednisone taper
and the MGFA post-intervention status.

Every function takes a loaded `Dataset` (or plain numbers) and returns a tidy DataFrame whose
columns say what they hold and in what units; nothing is read from or kept in global state. The
claims registry and the priors are passed in or loaded on demand.

Paired changes are always month 12 minus baseline, so a fall (an improvement, on all four scores
and for the prednisone dose) is negative. Test conventions, shared by the scores and prednisone:

- Wilcoxon signed-rank test (scipy), two-sided, zero differences dropped before ranking
  (``zero_method="wilcox"``, Wilcoxon's original rule, also used by the claims evaluation). The
  p-value is exact when the non-zero differences have no ties and number at most 50; otherwise it
  is the normal approximation with the tie correction and no continuity correction (the exact
  null distribution assumes no ties). `p_method` names which one was used.
- Hodges-Lehmann change with its exact-critical-value interval (`estimates.paired_shift`) and the
  matched-pairs rank-biserial correlation (`estimates.paired_rank_biserial`, Kerby 2014), both on
  the non-zero differences, like the test.
- Quartiles use linear interpolation between order statistics (numpy's default, Hyndman and Fan
  type 7).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from tacmg.data import contract
from tacmg.stats import estimates
from tacmg.claims.registry import Registry, load_claims
from tacmg.claims.consistency import smallest_signed_rank_p  # noqa: F401  (the chapters call it here too)
from tacmg.data.loader import Dataset
from tacmg.stats.rounding import round_half_up  # noqa: F401  (the chapters call it here too)
from tacmg.presentation.report import TableView, glue_values, table_view  # noqa: F401  (chapters call them here too)

# Minimal clinically important improvement, in points (a fall of at least this much, month 12
# minus baseline <= -threshold). None: no threshold is established, and only the share improving
# at all is reported.
MCID_POINTS: dict[str, float | None] = {
    # Katzberg HD, Barnett C, Merkies ISJ, Bril V. Muscle Nerve 2014;49:661-665
    # (doi 10.1002/mus.23988): every anchor- and distribution-based MCID cut-off of the QMG fell
    # below a 3-point change; 2 points are often used in mild disease. Refractory patients are not
    # mild, so the conservative 3 points is used.
    "qmg": 3,
    # MG-MMT (Sanders DB et al. Ann N Y Acad Sci 2003;998:440-444): no MCID has been established,
    # and scaling another score's MCID to its 0-120 range (10 points) would be meaningless where
    # most totals lie near the floor. Only the share improving at all is reported.
    "mmt": None,
    # Muppidi S, Wolfe GI, Conaway M, Burns TM. Muscle Nerve 2011;44:727-731
    # (doi 10.1002/mus.22140): a 2-point fall best predicted clinical improvement.
    "mg_adl": 2,
    # MG-QOL15, original 0-60 version (Burns 2008): no anchor-based MCID is established. 5 points
    # is a working threshold: the MG-ADL's 2 of 24 points in proportion to the 60-point range
    # (2/24 = 5/60). Not a validated value; the chapter shows the share improving at all beside it.
    "mg_qol15": 5,
}

# Katzberg et al. 2014: the QMG threshold often used in mild disease (not the default here).
QMG_MCID_MILD = 2

MCID_BASIS = {
    "qmg": "Katzberg et al. 2014: all MCID cut-offs below 3 points (2 in mild disease)",
    "mmt": "none established for the MG-MMT (Sanders et al. 2003); any improvement reported instead",
    "mg_adl": "Muppidi et al. 2011: a 2-point fall best predicted clinical improvement",
    "mg_qol15": "none established for the 0-60 MG-QOL15; working threshold = MG-ADL MCID scaled to the range (2/24 = 5/60)",
}

# The priors.yaml entries behind each characteristic that the study did not report.
TABLE_ONE_PRIORS = {
    "sex": ("cohort.female_share",),
    "age_sd": ("cohort.age_at_onset_sd_years", "cohort.age_at_onset_range_years"),
    "duration_spread": ("cohort.disease_duration_cv", "cohort.disease_duration_range_years"),
    "mgfa_class": ("cohort.mgfa_class_shares",),
    "antibody_status": ("cohort.antibody_shares",),
    "thymectomy": ("cohort.thymectomy_share",),
    "score_spread": ("scores.baseline_log_sd",),
    "prednisone_spread": ("prednisone.baseline_log_sd", "prednisone.range_mg_day"),
}

VERDICT_WORDS = ("reproduces", "does not reproduce")


# ----------------------------------------------------------------------------- small helpers


def percent(count: float, total: float, decimals: int = 1) -> float:
    """count / total in percent, rounded half up to `decimals` places (NaN when total is 0)."""
    return round_half_up(100.0 * count / total, decimals) if total else float("nan")


def published_number(text) -> float:
    """The first number in a published figure's text: 'roughly 33%' -> 33.0, 13.75 -> 13.75."""
    match = re.search(r"-?\d+(?:\.\d+)?", str(text))
    if match is None:
        raise ValueError(f"no number in published figure {text!r}")
    return float(match.group(0))


def verdict_word(verdicts) -> str:
    """'reproduces' if every verdict in `verdicts` is 'reproduced' (and there is one), else
    'does not reproduce': the word the prose glues, so the page reads right on any data."""
    verdicts = list(verdicts)
    return VERDICT_WORDS[0] if verdicts and all(v == "reproduced" for v in verdicts) else VERDICT_WORDS[1]


def _is_default(column: str, thresholds: dict) -> bool:
    """Whether the threshold in use for `column` is the cited default of MCID_POINTS."""
    return thresholds.get(column) == MCID_POINTS.get(column)


def _fmt(value: float, decimals: int | None = None) -> str:
    """A number as printed in tables: half-up rounding; whole numbers without decimals if None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if decimals is None:
        return f"{round_half_up(value, 2):g}"
    return f"{round_half_up(value, decimals):.{decimals}f}"


# ----------------------------------------------------------------------------- Table 1


def _claim(registry: Registry, quantity: str, variable: str, visit: str | None = None):
    for claim in registry:
        if (claim.quantity == quantity and claim.variables and claim.variables[0] == variable
                and (visit is None or claim.visits[0] == visit)):
            return claim
    return None


def _assumed(key: str) -> str:
    return "assumed (priors.yaml: " + ", ".join(TABLE_ONE_PRIORS[key]) + ")"


def _published(claim, what: str, unit: str = "") -> str:
    unit = f" {unit}" if unit else ""
    return f"published: {what} {_fmt(float(claim.published))}{unit} (claim {claim.id})"


def _partly(claim, what: str, unit: str, rest: str, key: str) -> str:
    if claim is None:
        return _assumed(key)
    return f"{_published(claim, what, unit)}; {rest} {_assumed(key)}"


def _count_row(section, characteristic, count, n, basis):
    return {"section": section, "characteristic": characteristic, "statistic": "n (%)",
            "value": float(count), "summary": f"{count} ({_fmt(100 * count / n, 1)}%)", "basis": basis}


def table_one(dataset: Dataset, registry: Registry | None = None) -> pd.DataFrame:
    """Table 1 of the cohort, one row per characteristic (or category).

    Columns: section; characteristic (with its unit); statistic (what `summary` shows, e.g.
    'mean (SD)', 'n (%)', 'median (IQR)'); value (the leading number of `summary` as a float:
    count, mean or median, in the characteristic's unit); summary (text for the table); basis
    ('published: mean 37.8 years (claim cohort-age-at-onset)', naming the claim whose figure it
    is, then for what the study did not report 'assumed (priors.yaml: ...)', naming the entries of
    the reconstruction's assumptions behind it; a line with no published figure is only assumed).

    Published figures are looked up in the claims registry, never typed here. Categories are
    listed in the contract's order and only when present in the data.
    """
    registry = registry or load_claims()
    p, n = dataset.patients, len(dataset.patients)
    rows = []
    n_claim = _claim(registry, "count", "patient_id")
    rows.append({"section": "Cohort", "characteristic": "Patients", "statistic": "n", "value": float(n),
                 "summary": str(n),
                 "basis": (f"published: {n_claim.published} patients (claim {n_claim.id})" if n_claim
                           else "not published")})
    women = int((p["sex"] == "F").sum())
    rows.append(_count_row("Demographics", "Women", women, n, _assumed("sex")))

    age = p["age_at_onset_years"]
    age_claim = _claim(registry, "mean", "age_at_onset_years")
    rows.append({"section": "Demographics", "characteristic": "Age at onset (years)", "statistic": "mean (SD)",
                 "value": float(age.mean()), "summary": f"{_fmt(age.mean(), 1)} ({_fmt(age.std(), 1)})",
                 "basis": _partly(age_claim, "mean", "years", "SD", "age_sd")})

    duration = p["disease_duration_years"]
    duration_claim = _claim(registry, "mean", "disease_duration_years")
    rows.append({"section": "Disease", "characteristic": "Disease duration (years)", "statistic": "mean (SD)",
                 "value": float(duration.mean()),
                 "summary": f"{_fmt(duration.mean(), 1)} ({_fmt(duration.std(), 1)})",
                 "basis": _partly(duration_claim, "mean", "years", "SD", "duration_spread")})
    rows.append({"section": "Disease", "characteristic": "Disease duration (years)", "statistic": "median (range)",
                 "value": float(duration.median()),
                 "summary": f"{_fmt(duration.median(), 1)} ({_fmt(duration.min(), 1)} to {_fmt(duration.max(), 1)})",
                 "basis": _assumed("duration_spread")})

    for code in contract.MGFA_CLASSES:
        count = int((p["mgfa_class"] == code).sum())
        if count:
            rows.append(_count_row("Disease", f"MGFA class {code} at baseline", count, n, _assumed("mgfa_class")))
    for code in contract.ANTIBODY_STATUSES:
        count = int((p["antibody_status"] == code).sum())
        if count:
            label = "Seronegative" if code == "seronegative" else f"{code} antibodies"
            rows.append(_count_row("Disease", label, count, n, _assumed("antibody_status")))
    rows.append(_count_row("Disease", "Thymectomy before baseline", int(p["thymectomy"].sum()), n,
                           _assumed("thymectomy")))

    baseline_columns = [(c, f"{contract.SCORES[c][0]} (points)", "score_spread") for c in contract.SCORES]
    baseline_columns.append(("prednisone_mg_day", f"Prednisone ({contract.PREDNISONE_UNIT})", "prednisone_spread"))
    for column, label, key in baseline_columns:
        values = dataset.paired(column)["baseline"]
        q1, median, q3 = (float(values.quantile(q)) for q in (0.25, 0.5, 0.75))
        unit = contract.PREDNISONE_UNIT if column == "prednisone_mg_day" else "points"
        rows.append({"section": "At baseline", "characteristic": label, "statistic": "median (IQR)",
                     "value": median, "summary": f"{_fmt(median)} ({_fmt(q1)} to {_fmt(q3)})",
                     "basis": _partly(_claim(registry, "median", column, "baseline"), "median", unit,
                                      "IQR", key)})
    return pd.DataFrame(rows, columns=["section", "characteristic", "statistic", "value", "summary", "basis"])


# ----------------------------------------------------------------------------- paired changes


def signed_rank_test(before, after) -> dict:
    """Two-sided Wilcoxon signed-rank test of after - before (see the module docstring).

    Returns {'n_nonzero', 'wilcoxon_statistic' (the smaller of R+ and R-), 'p_value', 'p_method'};
    p is NaN when every difference is zero.
    """
    d = np.asarray(after, float) - np.asarray(before, float)
    nonzero = d[d != 0]
    if nonzero.size == 0:
        return {"n_nonzero": 0, "wilcoxon_statistic": float("nan"), "p_value": float("nan"),
                "p_method": "not computable (no non-zero change)"}
    untied = np.unique(np.abs(nonzero)).size == nonzero.size
    exact = untied and nonzero.size == d.size and d.size <= 50
    method = "exact" if exact else "asymptotic"
    result = stats.wilcoxon(d, zero_method="wilcox", correction=False, method=method)
    return {"n_nonzero": int(nonzero.size), "wilcoxon_statistic": float(result.statistic),
            "p_value": float(result.pvalue),
            "p_method": "exact" if exact else "normal approximation, tie-corrected"}


def _paired_change(before, after, confidence: float) -> dict:
    before, after = np.asarray(before, float), np.asarray(after, float)
    change = after - before
    shift = estimates.paired_shift(before, after, confidence)
    return {
        "n": int(change.size),
        "median_baseline": float(np.median(before)),
        "median_month_12": float(np.median(after)),
        "median_change": float(np.median(change)),
        "hl_change": shift.estimate, "hl_low": shift.low, "hl_high": shift.high,
        "confidence": float(confidence),
        **signed_rank_test(before, after),
        "rank_biserial": estimates.paired_rank_biserial(before, after),
    }


def score_changes(dataset: Dataset, confidence: float = 0.95,
                  mcid: dict[str, float | None] | None = None) -> pd.DataFrame:
    """Change of each clinical score from baseline to month 12: one row per score (QMG, MMT,
    MG-ADL, MG-QOL15, in the contract's order).

    Columns (scores in points; changes are month 12 minus baseline, negative = better):
    score (column name), label, n, median_baseline, median_month_12, median_change (median of the
    paired changes), hl_change / hl_low / hl_high (Hodges-Lehmann change and its `confidence`
    interval), confidence, n_nonzero, wilcoxon_statistic, p_value, p_method, rank_biserial (-1 when
    every non-zero change is a fall), mcid_points (None -> NaN: no threshold), mcid_basis,
    n_mcid / share_mcid (patients whose score fell by at least mcid_points; NaN without a
    threshold), n_improved / share_improved (fell by at least 1 point), n_unchanged, n_worse
    (rose). Shares are fractions of n (0-1).

    `mcid` overrides entries of `MCID_POINTS`, e.g. {'mg_qol15': None}.
    """
    thresholds = {**MCID_POINTS, **(mcid or {})}
    rows = []
    for column, (label, *_rest) in contract.SCORES.items():
        paired = dataset.paired(column)
        change = (paired["month_12"] - paired["baseline"]).to_numpy(float)
        n = change.size
        threshold = thresholds.get(column)
        row = {"score": column, "label": label,
               **_paired_change(paired["baseline"], paired["month_12"], confidence)}
        reached = int((change <= -threshold).sum()) if threshold is not None else float("nan")
        row.update({
            "mcid_points": float(threshold) if threshold is not None else float("nan"),
            "mcid_basis": MCID_BASIS.get(column, "") if _is_default(column, thresholds) else "set by the reader",
            "n_mcid": reached,
            "share_mcid": reached / n if threshold is not None else float("nan"),
            "n_improved": int((change < 0).sum()),
            "share_improved": float((change < 0).mean()),
            "n_unchanged": int((change == 0).sum()),
            "n_worse": int((change > 0).sum()),
        })
        rows.append(row)
    return pd.DataFrame(rows)


def format_changes(table: pd.DataFrame, unit: str = "points") -> pd.DataFrame:
    """A score_changes (or prednisone summary) table as text for reading: one row per outcome.

    Columns: outcome, 'median before -> after', 'median change', 'Hodges-Lehmann change (CI)',
    'Wilcoxon p', 'rank-biserial', and, when present, 'reached MCID' and 'improved at all'.
    """
    rows = []
    for _, r in table.iterrows():
        level = f"{round_half_up(100 * r['confidence'], 1):g}%"
        row = {
            "outcome": r.get("label", "Prednisone"),
            f"median before -> after ({unit})": f"{_fmt(r['median_baseline'])} -> {_fmt(r['median_month_12'])}",
            "median change": _fmt(r["median_change"]),
            f"Hodges-Lehmann change ({level} CI)": f"{_fmt(r['hl_change'])} ({_fmt(r['hl_low'])} to {_fmt(r['hl_high'])})",
            "Wilcoxon p": f"{r['p_value']:.2g}" if not math.isnan(r["p_value"]) else "n/a",
            "rank-biserial": _fmt(r["rank_biserial"], 2),
        }
        if "n_mcid" in r:
            row["reached MCID"] = ("no MCID" if math.isnan(r["mcid_points"]) else
                                   f"{int(r['n_mcid'])}/{int(r['n'])} (fall >= {_fmt(r['mcid_points'])})")
            row["improved at all"] = f"{int(r['n_improved'])}/{int(r['n'])}"
        rows.append(row)
    return pd.DataFrame(rows)


def mcid_table(mcid: dict[str, float | None] | None = None) -> pd.DataFrame:
    """The thresholds in use: score, label, mcid_points (NaN = none), basis (with its citation)."""
    thresholds = {**MCID_POINTS, **(mcid or {})}
    return pd.DataFrame([
        {"score": c, "label": contract.SCORES[c][0],
         "mcid_points": float(thresholds[c]) if thresholds.get(c) is not None else float("nan"),
         "basis": MCID_BASIS[c] if _is_default(c, thresholds) else "set by the reader"}
        for c in contract.SCORES])


def mcid_reading(hl_change: float, hl_low: float, hl_high: float, mcid: float | None) -> str:
    """How a Hodges-Lehmann change and its interval (points, negative = better) stand against a
    minimal clinically important improvement of `mcid` points, as a phrase for the prose."""
    if mcid is None or (isinstance(mcid, float) and math.isnan(mcid)):
        return "cannot be set against a threshold, as none is established"
    if hl_high <= -mcid:
        return "lies entirely at or beyond the minimal clinically important improvement"
    if hl_change <= -mcid:
        return "is at or beyond the minimal clinically important improvement, but its interval crosses it"
    if hl_low <= -mcid:
        return "falls short of the minimal clinically important improvement, though its interval reaches it"
    return "lies entirely short of the minimal clinically important improvement"


def paired_with_status(dataset: Dataset, column: str) -> pd.DataFrame:
    """`column` at baseline and month 12 with each patient's post-intervention status, for charts:
    columns baseline, month_12, post_intervention_status; one row per patient, without codes."""
    paired = dataset.paired(column)
    status = dataset.patients.set_index("patient_id")["post_intervention_status"]
    return paired.assign(post_intervention_status=status.reindex(paired.index)).reset_index(drop=True)


# ----------------------------------------------------------------------------- prednisone


@dataclass(frozen=True)
class PrednisoneTaper:
    """`summary`: one row (see `prednisone_taper`); `doses`: tidy, one row per patient and visit."""

    summary: pd.DataFrame
    doses: pd.DataFrame


COURSES = ("stopped", "tapered", "unchanged", "increased")


def _course(before: float, after: float) -> str:
    if after < before:
        return "stopped" if after == 0 else "tapered"
    return "unchanged" if after == before else "increased"


def prednisone_taper(dataset: Dataset, confidence: float = 0.95) -> PrednisoneTaper:
    """The daily prednisone dose before and after 12 months of tacrolimus.

    summary (one row; doses in mg/day, changes month 12 minus baseline): n, n_on_prednisone_baseline
    (dose > 0 at baseline), median_baseline, q1_baseline, q3_baseline, median_month_12,
    q1_month_12, q3_month_12, median_change, hl_change / hl_low / hl_high, confidence, n_nonzero,
    wilcoxon_statistic, p_value, p_method, rank_biserial, and for each course: n_tapered /
    share_tapered (dose reduced, stopping included), n_stopped / share_stopped (dose above 0 at
    baseline, 0 at month 12), n_unchanged / share_unchanged, n_increased / share_increased.
    Shares are fractions of n (0-1).

    doses (for charts, no patient codes): patient (row number 0..n-1), visit ('Baseline' or
    'Month 12'), dose_mg_day, change_mg_day, course (stopped / tapered / unchanged / increased;
    'tapered' here excludes stopped), post_intervention_status.
    """
    paired = paired_with_status(dataset, "prednisone_mg_day")
    before, after = paired["baseline"].to_numpy(float), paired["month_12"].to_numpy(float)
    n = before.size
    courses = np.array([_course(b, a) for b, a in zip(before, after)])
    row = {"n": n, "n_on_prednisone_baseline": int((before > 0).sum())}
    for visit, values in (("baseline", before), ("month_12", after)):
        row[f"median_{visit}"] = float(np.median(values))
        row[f"q1_{visit}"] = float(np.quantile(values, 0.25))
        row[f"q3_{visit}"] = float(np.quantile(values, 0.75))
    row.update(_paired_change(before, after, confidence))
    counts = {
        "tapered": int((after < before).sum()),
        "stopped": int(((before > 0) & (after == 0)).sum()),
        "unchanged": int((after == before).sum()),
        "increased": int((after > before).sum()),
    }
    for course, count in counts.items():
        row[f"n_{course}"] = count
        row[f"share_{course}"] = count / n
    summary = pd.DataFrame([row])
    doses = pd.DataFrame({
        "patient": np.tile(np.arange(n), 2),
        "visit": np.repeat(["Baseline", "Month 12"], n),
        "dose_mg_day": np.concatenate([before, after]),
        "change_mg_day": np.tile(after - before, 2),
        "course": np.tile(courses, 2),
        "post_intervention_status": np.tile(paired["post_intervention_status"].to_numpy(), 2),
    })
    return PrednisoneTaper(summary, doses)


def median_explained(values, unit: str) -> str:
    """Where a median comes from, as a phrase: for an even n 'the mean of the two middle values,
    ranked 16 and 17 of 32: 12.5 and 15 mg/day'; for an odd n 'the middle value, ranked 2 of 3:
    5 mg/day'."""
    ordered = np.sort(np.asarray(values, float))
    n = ordered.size
    if n == 0:
        return "undefined, as there are no values"
    half = n // 2
    if n % 2:
        return f"the middle value, ranked {half + 1} of {n}: {_fmt(ordered[half])} {unit}"
    return (f"the mean of the two middle values, ranked {half} and {half + 1} of {n}: "
            f"{_fmt(ordered[half - 1])} and {_fmt(ordered[half])} {unit}")


def course_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The courses of a `prednisone_taper(...).summary` as rows: course, patients, percent
    (of n, rounded half up to one decimal). 'tapered' includes those who stopped."""
    row = summary.iloc[0]
    return pd.DataFrame([
        {"course": course if course != "tapered" else "tapered (stopped included)",
         "patients": int(row[f"n_{course}"]), "percent": percent(row[f"n_{course}"], row["n"])}
        for course in ("tapered", "stopped", "unchanged", "increased")])


# ----------------------------------------------------------------------------- post-intervention status


def changes_by_status(dataset: Dataset, columns=None) -> pd.DataFrame:
    """Median change (month 12 minus baseline) of each score and of the prednisone dose within
    each post-intervention status present, in MGFA order: how the clinician's overall judgement
    lines up with the measured changes.

    Columns: status, meaning, n, then one column per outcome named by its label with its unit,
    e.g. 'QMG (points)', 'Prednisone (mg/day)', holding the median change in that unit.
    """
    columns = list(columns) if columns is not None else [*contract.SCORES, "prednisone_mg_day"]
    status = dataset.patients.set_index("patient_id")["post_intervention_status"]
    changes = {}
    for column in columns:
        paired = dataset.paired(column)
        unit = contract.PREDNISONE_UNIT if column == "prednisone_mg_day" else "points"
        changes[f"{contract.LABELS[column]} ({unit})"] = paired["month_12"] - paired["baseline"]
    frame = pd.DataFrame(changes).assign(status=status.reindex(paired.index))
    rows = []
    for code in contract.STATUS_CODES:
        group = frame[frame["status"] == code]
        if len(group):
            rows.append({"status": code, "meaning": contract.STATUS_MEANINGS[code], "n": len(group),
                         **{name: float(group[name].median()) for name in changes}})
    return pd.DataFrame(rows)


def share_interval(count: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact Clopper-Pearson interval (low, high) of the share count / n, as fractions (0-1)."""
    low, high = proportion_confint(count, n, alpha=1 - confidence, method="beta")
    return float(low), float(high)


def status_counts(dataset: Dataset, confidence: float = 0.95, include_absent: bool = True) -> pd.DataFrame:
    """Patients in each MGFA post-intervention status at month 12, in MGFA order (CSR, PR, MM, I,
    U, W, E, D; Jaretzki et al. 2000).

    Columns: status (code), meaning, count, n, share (count / n, 0-1), ci_low / ci_high (exact
    Clopper-Pearson interval of the share at `confidence`, statsmodels method='beta'),
    confidence. Statuses nobody has are kept (count 0, and an upper bound worth reading) unless
    `include_absent` is False.
    """
    status = dataset.patients["post_intervention_status"]
    n = int(status.size)
    rows = []
    for code in contract.STATUS_CODES:
        count = int((status == code).sum())
        if not count and not include_absent:
            continue
        low, high = share_interval(count, n, confidence)
        rows.append({"status": code, "meaning": contract.STATUS_MEANINGS[code], "count": count, "n": n,
                     "share": count / n if n else float("nan"),
                     "ci_low": low, "ci_high": high, "confidence": float(confidence)})
    return pd.DataFrame(rows)


def format_status(table: pd.DataFrame) -> pd.DataFrame:
    """A `status_counts` table as text for reading: status, meaning, patients ('11/32'),
    percent and the interval in percent (one decimal, rounded half up)."""
    level = f"{round_half_up(100 * float(table['confidence'].iloc[0]), 1):g}%"
    return pd.DataFrame({
        "status": table["status"], "meaning": table["meaning"],
        "patients": [f"{c}/{n}" for c, n in zip(table["count"], table["n"])],
        "percent": [_fmt(100 * s, 1) for s in table["share"]],
        f"exact {level} interval (%)": [f"{_fmt(100 * lo, 1)} to {_fmt(100 * hi, 1)}"
                                        for lo, hi in zip(table["ci_low"], table["ci_high"])],
    })


def share_arithmetic(n: int = 32, published_percent: float = 33, observed: int | None = None,
                     max_dropouts: int = 2, spread: float = 2) -> pd.DataFrame:
    """Which whole counts of patients fit a published percentage: k / d for denominators d = n,
    n - 1, ..., n - max_dropouts and counts k within `spread` of published_percent% of d.

    Columns: denominator, count, percent (exact, 0-100), percent_1dp (rounded half up to one
    decimal, as printed), percent_rounded (to a whole percent, half up), rounds_to_published
    (percent_rounded == published_percent), brackets_published (k is the whole count just below
    or just above published_percent% of d), in_data (d == n and k == observed).
    """
    rows = []
    for denominator in range(n, n - max_dropouts - 1, -1):
        if denominator <= 0:
            break
        centre = published_percent / 100 * denominator
        low, high = math.floor(centre), math.ceil(centre)
        for count in range(max(0, math.ceil(centre - spread)), min(denominator, math.floor(centre + spread)) + 1):
            if abs(count - centre) >= spread:
                continue
            exact = 100 * count / denominator
            rows.append({"denominator": denominator, "count": count, "percent": exact,
                         "percent_1dp": round_half_up(exact, 1),
                         "percent_rounded": round_half_up(exact, 0),
                         "rounds_to_published": round_half_up(exact, 0) == published_percent,
                         "brackets_published": count in (low, high),
                         "in_data": observed is not None and denominator == n and count == observed})
    return pd.DataFrame(rows)


def claim_bounds(registry: Registry, claim_id: str) -> tuple[int, int]:
    """(min, max) count a status_count claim accepts, e.g. (10, 11) for 'status-mm'."""
    claim = registry.by_id(claim_id)
    return int(claim.params["min"]), int(claim.params["max"])
