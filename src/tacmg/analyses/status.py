"""MGFA post-intervention status at month 12 (chapter 4): counts with exact intervals, the measured
changes within each status, and which whole counts fit a published percentage.
"""

from __future__ import annotations

import math

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from tacmg.claims.registry import Registry
from tacmg.data import contract
from tacmg.data.loader import Dataset
from tacmg.stats.rounding import round_half_up


def changes_by_status(dataset: Dataset, columns=None) -> pd.DataFrame:
    """Median change (month 12 minus baseline) of each score and of the prednisone dose within
    each post-intervention status present, in MGFA order: how the clinician's overall judgement
    lines up with the measured changes.

    Columns: status, meaning, n, then one column per outcome named by its label with its unit,
    e.g. 'QMG (points)', 'Prednisone (mg/day)', holding the median change in that unit. n counts
    the patients with both visits of every outcome (complete cases), so that every median of a
    row describes the same patients; a patient without a status is in no row.
    """
    columns = list(columns) if columns is not None else [*contract.SCORES, "prednisone_mg_day"]
    status = dataset.patients.set_index("patient_id")["post_intervention_status"]
    changes = {}
    for column in columns:
        paired = dataset.paired(column)
        unit = contract.PREDNISONE_UNIT if column == "prednisone_mg_day" else "points"
        changes[f"{contract.LABELS[column]} ({unit})"] = paired["month_12"] - paired["baseline"]
    frame = pd.DataFrame(changes).dropna().assign(status=status)
    rows = []
    for code in contract.STATUS_CODES:
        group = frame[frame["status"] == code]
        if len(group):
            rows.append(
                {
                    "status": code,
                    "meaning": contract.STATUS_MEANINGS[code],
                    "n": len(group),
                    **{name: float(group[name].median()) for name in changes},
                }
            )
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
    `include_absent` is False. n counts the patients with a status: one without (not assessed,
    e.g. lost to follow-up) is left out of every share.
    """
    status = dataset.patients["post_intervention_status"].dropna()  # assessed patients only
    n = int(status.size)
    rows = []
    for code in contract.STATUS_CODES:
        count = int((status == code).sum())
        if not count and not include_absent:
            continue
        low, high = share_interval(count, n, confidence)
        rows.append(
            {
                "status": code,
                "meaning": contract.STATUS_MEANINGS[code],
                "count": count,
                "n": n,
                "share": count / n if n else float("nan"),
                "share_ci_low": low,
                "share_ci_high": high,
                "confidence": float(confidence),
            }
        )
    return pd.DataFrame(rows)


def share_arithmetic(
    n: int = 32, published_percent: float = 33, observed: int | None = None, max_dropouts: int = 2, spread: float = 2
) -> pd.DataFrame:
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
            rows.append(
                {
                    "denominator": denominator,
                    "count": count,
                    "percent": exact,
                    "percent_1dp": round_half_up(exact, 1),
                    "percent_rounded": round_half_up(exact, 0),
                    "rounds_to_published": round_half_up(exact, 0) == published_percent,
                    "brackets_published": count in (low, high),
                    "in_data": observed is not None and denominator == n and count == observed,
                }
            )
    return pd.DataFrame(rows)


def claim_bounds(registry: Registry, claim_id: str) -> tuple[int, int]:
    """(min, max) count a status_count claim accepts, e.g. (10, 11) for 'status-mm'."""
    claim = registry.by_id(claim_id)
    return int(claim.params["min"]), int(claim.params["max"])
