"""The status-score link: what each post-intervention status lets month-12 scores and doses do.

Step 3 of the generator for scores and doses (`tacmg.reconstruction.generator.draw_candidates` is
the way in for everyone else). Every rule reads a named entry of the ``status_link`` section
of `data/assumptions/priors.yaml`, so a sensitivity analysis can relax it by a prior override:

- a patient at minimal manifestation status (MM) ends at or below ``minimal_manifestation_max``;
- an unchanged (U) patient moves by at most ``unchanged_max_change`` points on every score;
- an improved (I) patient keeps ``improved_fraction_kept`` of each baseline score, falls by
  ``improved_min_change`` on at least one listed score, and is worse on at most
  ``improved_max_worsened_scores`` scores (``improved_worsening_share`` of them drawn worse on one);
- ``improved_by_dose_share`` of the improved patients may instead improve by a dose reduction
  alone (scores in the unchanged band, dose cut to ``improved_by_dose_fraction_kept``);
- ``scores_follow_status: false`` draws every non-MM patient's scores alike
  (``independent_fraction_kept``) and checks only the MM cap;
- the dose kept at month 12 depends on status (``prednisone_fraction_kept``).

With the committed values, the random draws are those of the committed cohort: a rule that is
switched off draws nothing.
"""

from __future__ import annotations

import numpy as np

from tacmg.data import contract
from tacmg.data.cohorts import STATUS_INDEX, key
from tacmg.reconstruction.column_draws import PREDNISONE_GRID
from tacmg.reconstruction.marginals import force_median, snap
from tacmg.reconstruction.priors import Priors
from tacmg.reconstruction.targets import Targets


def _link(priors: Priors, name: str):
    return priors[f"status_link.{name}"]


def _tie_priority(priors: Priors, status: np.ndarray) -> np.ndarray:
    """Rank of each patient's status when a forced median moves tied values (lower: to the ends)."""
    order = _link(priors, "median_tie_order")
    return np.array([order[c] for c in contract.STATUS_CODES])[status]


def _dose_route(rng, status: np.ndarray, priors: Priors) -> np.ndarray:
    """(B, n) True for the improved patients whose improvement is a dose reduction alone."""
    share = _link(priors, "improved_by_dose_share")
    if share <= 0:
        return np.zeros(status.shape, bool)
    return (status == STATUS_INDEX["I"]) & (rng.random(status.shape) < share)


def _worsening(rng, status: np.ndarray, by_dose: np.ndarray, priors: Priors) -> tuple[np.ndarray, np.ndarray] | None:
    """Which improved patients are drawn worse on one score, and on which (index into SCORES)."""
    share = _link(priors, "improved_worsening_share")
    if _link(priors, "improved_max_worsened_scores") < 1 or share <= 0:
        return None
    worse = (status == STATUS_INDEX["I"]) & ~by_dose & (rng.random(status.shape) < share)
    return worse, rng.integers(0, len(contract.SCORES), status.shape)


def month_12_scores(rng, baseline: dict, status: np.ndarray, targets: Targets, priors: Priors):
    """Month-12 scores per patient from the baseline and the status, and the dose-route mask."""
    is_mm = status == STATUS_INDEX["MM"]
    is_u = status == STATUS_INDEX["U"]
    follow = _link(priors, "scores_follow_status")
    kept_low, kept_high = _link(priors, "improved_fraction_kept" if follow else "independent_fraction_kept")
    min_change = _link(priors, "improved_min_change") if follow else {}
    by_dose = _dose_route(rng, status, priors) if follow else np.zeros(status.shape, bool)
    worsening = _worsening(rng, status, by_dose, priors) if follow else None
    tie_priority = _tie_priority(priors, status)
    out = {}
    for j, (score, (_, low, high, _)) in enumerate(contract.SCORES.items()):
        base = baseline[score]
        mm_cap = np.minimum(base, _link(priors, "minimal_manifestation_max")[score])
        mm_value = np.floor(rng.random(base.shape) * (mm_cap + 1))
        improved_value = np.clip(np.round(base * rng.uniform(kept_low, kept_high, base.shape)), low, high)
        if score in min_change:  # an improved patient improves by at least the MCID where it can
            improved_value = np.clip(np.minimum(improved_value, base - min_change[score]), 0, None)
        if worsening is not None:
            worse, which = worsening
            extra = rng.integers(1, _link(priors, "improved_worsening_max")[score] + 1, base.shape)
            improved_value = np.where(worse & (which == j), np.minimum(base + extra, high), improved_value)
        if follow:
            step = _link(priors, "unchanged_max_change")[score]
            unchanged_value = np.clip(base + rng.integers(-step, step + 1, base.shape), low, high)
            value = np.where(is_mm, mm_value, np.where(is_u | by_dose, unchanged_value, improved_value))
        else:
            value = np.where(is_mm, mm_value, improved_value)
        name = key(score, "month_12")
        if name in targets.medians:
            value = force_median(value, targets.medians[name], rng, tie_priority=tie_priority)
        out[score] = value
    return out, by_dose


def month_12_prednisone(
    rng, baseline: np.ndarray, status: np.ndarray, by_dose: np.ndarray, targets: Targets, priors: Priors
) -> np.ndarray:
    """Month-12 prednisone dose (mg/day): a status-dependent fraction of the baseline, on the grid."""
    fraction = np.zeros(baseline.shape)
    for code, (low, high) in _link(priors, "prednisone_fraction_kept").items():
        fraction = np.where(status == STATUS_INDEX[code], rng.uniform(low, high, baseline.shape), fraction)
    if by_dose.any():
        low, high = _link(priors, "improved_by_dose_fraction_kept")
        fraction = np.where(by_dose, rng.uniform(low, high, baseline.shape), fraction)
    dose = snap(baseline * fraction, 2.5)
    name = key("prednisone_mg_day", "month_12")
    if name in targets.medians:
        dose = force_median(
            dose, targets.medians[name], rng, tie_priority=_tie_priority(priors, status), grid=PREDNISONE_GRID
        )
    return dose


def follows_status_link(baseline: dict, month_12: dict, status: np.ndarray, priors: Priors) -> np.ndarray:
    """(B,) True where every patient's scores and dose agree with their post-intervention status."""
    is_mm = status == STATUS_INDEX["MM"]
    ok = np.ones(status.shape, bool)
    for score in contract.SCORES:
        ok &= ~is_mm | (month_12[score] <= _link(priors, "minimal_manifestation_max")[score])
    if not _link(priors, "scores_follow_status"):
        return np.asarray(ok.all(axis=1), bool)
    is_i = status == STATUS_INDEX["I"]
    is_u = status == STATUS_INDEX["U"]
    in_band = np.ones(status.shape, bool)  # every score within the unchanged band
    worsened = np.zeros(status.shape, int)
    for score in contract.SCORES:
        change = month_12[score] - baseline[score]
        in_band &= np.abs(change) <= _link(priors, "unchanged_max_change")[score]
        worsened += change > 0
    ok &= ~is_u | in_band
    improved = worsened <= _link(priors, "improved_max_worsened_scores")
    needed = _link(priors, "improved_min_change")
    if needed:
        meaningful = np.zeros(status.shape, bool)
        for score, points in needed.items():
            meaningful |= (baseline[score] - month_12[score]) >= points
        improved &= meaningful
    if _link(priors, "improved_by_dose_share") > 0:
        cut = _link(priors, "improved_by_dose_fraction_kept")[1]
        dose = "prednisone_mg_day"
        improved |= in_band & (month_12[dose] <= cut * baseline[dose])
    ok &= ~is_i | improved
    return np.asarray(ok.all(axis=1), bool)
