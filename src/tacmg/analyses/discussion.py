"""What a referee would compute first (the discussion page): whether the baseline prednisone dose
goes with the molecules and the scores, whether the published molecule-score correlations survive
holding the dose fixed, and how many patients would meet a refractory-MG trial's entry threshold.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from tacmg.analyses.correlations import correlation_table
from tacmg.analyses.selection import MOLECULE_COLUMNS, SCORE_COLUMNS, add_significance, label, visit_rows
from tacmg.analyses.status import share_interval
from tacmg.claims.registry import Registry
from tacmg.data.loader import Dataset

DOSE = "prednisone_mg_day"


def _spearman(x, y) -> tuple[float, float, int]:
    """Spearman's rho and p over the patients that have both values, and their number."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    both = ~(np.isnan(x) | np.isnan(y))
    n = int(both.sum())
    if n < 3:  # no correlation (scipy warns and returns NaN)
        return float("nan"), float("nan"), n
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.ConstantInputWarning)
        result = stats.spearmanr(x[both], y[both])
    return float(result.statistic), float(result.pvalue), n


def dose_correlations(
    dataset: Dataset, visit: str = "baseline", alpha: float = 0.05, correction: str = "fdr_bh"
) -> pd.DataFrame:
    """Spearman correlation of the daily prednisone dose with each molecule and each score, at one visit.

    Parameters
    ----------
    dataset : tacmg.data.loader.Dataset
        Any dataset that follows the contract.
    visit : str
        ``"baseline"`` or ``"month_12"``.
    alpha : float
        Significance level.
    correction : str
        Multiplicity correction over the table's rows (`tacmg.stats.multiplicity.adjust_p`).

    Returns
    -------
    pandas.DataFrame
        One row per variable: variable, label, block ('molecule' or 'score'), n (patients with both
        the dose and the variable at that visit), rho, p_value (scipy `spearmanr`, t approximation;
        NaN under 3 patients), p_value_adjusted, significant, significant_adjusted.

    Examples
    --------
    >>> from tacmg import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> table = dose_correlations(load(RECONSTRUCTED_DIR))
    >>> len(table), int(table["n"].iloc[0]), bool(table["rho"].between(-1, 1).all())
    (12, 32, True)
    """
    rows_frame = visit_rows(dataset, visit)
    dose = rows_frame[DOSE].to_numpy(float)
    rows = []
    for block, columns in (("molecule", MOLECULE_COLUMNS), ("score", SCORE_COLUMNS)):
        for variable in columns:
            rho, p, n = _spearman(dose, rows_frame[variable].to_numpy(float))
            rows.append(
                {
                    "variable": variable,
                    "label": label(variable),
                    "block": block,
                    "n": n,
                    "rho": rho,
                    "p_value": p,
                }
            )
    table = pd.DataFrame(rows)
    add_significance(table, alpha, correction)
    return table


def partial_rho(rho_xy: float, rho_xz: float, rho_yz: float) -> float:
    """Spearman correlation of x and y with z held fixed (the partial correlation of the ranks).

    Parameters
    ----------
    rho_xy, rho_xz, rho_yz : float
        The three pairwise Spearman correlations.

    Returns
    -------
    float
        (rho_xy - rho_xz rho_yz) / sqrt((1 - rho_xz^2)(1 - rho_yz^2)); NaN when z fixes x or y.

    Examples
    --------
    >>> round(partial_rho(-0.5, 0.0, 0.0), 3), round(partial_rho(-0.5, 0.6, -0.6), 3)
    (-0.5, -0.219)
    """
    denominator = np.sqrt((1 - rho_xz**2) * (1 - rho_yz**2))
    if not denominator > 0:  # also NaN when an input is NaN
        return float("nan")
    return float((rho_xy - rho_xz * rho_yz) / denominator)


def published_pairs_given_dose(dataset: Dataset, registry: Registry | None = None) -> pd.DataFrame:
    """The published molecule-score correlations at baseline, before and after holding the dose fixed.

    Parameters
    ----------
    dataset : tacmg.data.loader.Dataset
        Any dataset that follows the contract.
    registry : Registry, optional
        The claims registry (for which pairs were published).

    Returns
    -------
    pandas.DataFrame
        One row per published score-molecule pair: label_x, label_y, published_sign, n (patients
        with the score, the molecule and the dose at baseline), rho (Spearman at baseline, over
        those n), rho_given_dose (partial on the baseline dose, `partial_rho`), change
        (rho_given_dose - rho).

    Examples
    --------
    >>> from tacmg import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> table = published_pairs_given_dose(load(RECONSTRUCTED_DIR))
    >>> len(table), set(table["published_sign"])
    (4, {'negative'})
    """
    table = correlation_table(dataset, visit="baseline", registry=registry)
    published = table[(table["block"] == "score-molecule") & table["published_sign"].notna()]
    baseline = visit_rows(dataset, "baseline")
    rows = []
    for row in published.to_dict("records"):
        # The three correlations over the same patients: those with all three values.
        x, y, dose = (baseline[c].to_numpy(float) for c in (row["var_x"], row["var_y"], DOSE))
        keep = ~(np.isnan(x) | np.isnan(y) | np.isnan(dose))
        rho, _, n = _spearman(x[keep], y[keep])
        rho_x, _, _ = _spearman(x[keep], dose[keep])
        rho_y, _, _ = _spearman(y[keep], dose[keep])
        given = partial_rho(rho, rho_x, rho_y)
        rows.append(
            {
                "label_x": row["label_x"],
                "label_y": row["label_y"],
                "published_sign": row["published_sign"],
                "n": n,
                "rho": rho,
                "rho_given_dose": given,
                "change": given - rho,
            }
        )
    return pd.DataFrame(rows)


def share_at_or_above(
    dataset: Dataset, variable: str, threshold: float, visit: str = "baseline", confidence: float = 0.95
) -> dict[str, float | int]:
    """How many patients have `variable` at or above `threshold` at one visit (an entry criterion).

    Parameters
    ----------
    dataset : tacmg.data.loader.Dataset
        Any dataset that follows the contract.
    variable : str
        A contract column of visits.csv, e.g. ``"mg_adl"``.
    threshold : float
        The threshold, in the variable's unit.
    visit : str
        The visit.
    confidence : float
        Level of the Clopper-Pearson interval.

    Returns
    -------
    dict
        count, n (patients with a value at that visit; missing values left out), share,
        share_ci_low, share_ci_high (fractions 0-1), confidence, median (NaN for no patient).

    Examples
    --------
    >>> from tacmg import load
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> values = share_at_or_above(load(RECONSTRUCTED_DIR), "mg_adl", 6)
    >>> values["n"], values["median"], values["share"] <= 0.5
    (32, 4.5, True)
    """
    values = visit_rows(dataset, visit)[variable].to_numpy(float)
    values = values[~np.isnan(values)]
    count, n = int((values >= threshold).sum()), len(values)
    low, high = share_interval(count, n, confidence)
    return {
        "count": count,
        "n": n,
        "share": count / n if n else float("nan"),
        "share_ci_low": low,
        "share_ci_high": high,
        "confidence": confidence,
        "median": float(np.median(values)) if n else float("nan"),
    }
