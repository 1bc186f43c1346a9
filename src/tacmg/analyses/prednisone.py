"""The daily prednisone dose before and after a year of tacrolimus (chapter 3): the paired change
and each patient's course (stopped, tapered, unchanged, increased). Doses in mg/day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tacmg.analyses.scores import paired_change_summary, paired_with_status
from tacmg.data.loader import Dataset
from tacmg.stats.rounding import percent


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
    row: dict[str, float | int | str] = {"n": n, "n_on_prednisone_baseline": int((before > 0).sum())}
    for visit, values in (("baseline", before), ("month_12", after)):
        row[f"median_{visit}"] = float(np.median(values))
        row[f"q1_{visit}"] = float(np.quantile(values, 0.25))
        row[f"q3_{visit}"] = float(np.quantile(values, 0.75))
    row.update(paired_change_summary(before, after, confidence))
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
    doses = pd.DataFrame(
        {
            "patient": np.tile(np.arange(n), 2),
            "visit": np.repeat(["Baseline", "Month 12"], n),
            "dose_mg_day": np.concatenate([before, after]),
            "change_mg_day": np.tile(after - before, 2),
            "course": np.tile(courses, 2),
            "post_intervention_status": np.tile(paired["post_intervention_status"].to_numpy(), 2),
        }
    )
    return PrednisoneTaper(summary, doses)


def course_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The courses of a `prednisone_taper(...).summary` as rows: course, patients, percent
    (of n, rounded half up to one decimal). 'tapered' includes those who stopped."""
    row = summary.iloc[0]
    return pd.DataFrame(
        [
            {
                "course": course if course != "tapered" else "tapered (stopped included)",
                "patients": int(row[f"n_{course}"]),
                "percent": percent(row[f"n_{course}"], row["n"]),
            }
            for course in ("tapered", "stopped", "unchanged", "increased")
        ]
    )
