"""How a batch of candidate cohorts gets its values, column by column (steps 1-3 of the generator).

The generator's building blocks: `tacmg.reconstruction.generator.draw_candidates` is the way in
for everyone else. Patient characteristics get counts from the priors' shares and means that round to the
published ones; baseline scores and doses get the published medians exactly, then the target rank
correlations (Iman-Conover); month-12 molecules follow each patient's post-intervention status
(month-12 scores and doses follow it in `tacmg.reconstruction.status_link_draws`).
"""

from __future__ import annotations

import numpy as np

from tacmg.data import contract
from tacmg.data.cohorts import STATUS_INDEX, key
from tacmg.reconstruction.iman_conover import iman_conover
from tacmg.reconstruction.marginals import (
    counts_from_shares,
    force_integer_sum,
    force_median,
    snap,
    target_sum_for_mean,
)
from tacmg.reconstruction.priors import Priors
from tacmg.reconstruction.targets import Targets
from tacmg.stats.grids import dose_grid

BASELINE_BLOCK = (*contract.SCORES, "prednisone_mg_day", *contract.MOLECULES)
PREDNISONE_GRID = dose_grid(contract.PREDNISONE_MAX_MG_DAY)


def labels_with_counts(counts: dict[str, int], batch: int, rng: np.random.Generator, codes) -> np.ndarray:
    """(B, n) integer codes with exactly `counts` of each label, in random patient order."""
    index = {c: i for i, c in enumerate(codes)}
    row = np.concatenate([np.full(v, index[k]) for k, v in counts.items()])
    return rng.permuted(np.broadcast_to(row, (batch, row.size)).copy(), axis=1)


def patient_characteristics(rng, batch: int, targets: Targets, priors: Priors) -> dict:
    """Sex, antibody status, MGFA class, thymectomy, age at onset and disease duration: column to (B, n) array.

    Counts follow the priors' shares; the two means are forced to round to their targets when
    `targets` holds them.
    """
    n = priors.n_patients
    female = round(priors["cohort.female_share"] * n)
    characteristics = {
        "sex": labels_with_counts({"F": female, "M": n - female}, batch, rng, contract.SEXES),
        "antibody_status": labels_with_counts(
            counts_from_shares(priors["cohort.antibody_shares"], n), batch, rng, contract.ANTIBODY_STATUSES
        ),
        "mgfa_class": labels_with_counts(
            counts_from_shares(priors["cohort.mgfa_class_shares"], n), batch, rng, contract.MGFA_CLASSES
        ),
        "thymectomy": labels_with_counts(
            {
                "no": n - round(priors["cohort.thymectomy_share"] * n),
                "yes": round(priors["cohort.thymectomy_share"] * n),
            },
            batch,
            rng,
            ("no", "yes"),
        ).astype(bool),
    }
    onset_mean = targets.means.get("age_at_onset_years", (priors.published_mean("age_at_onset_years"), 1))
    low, high = priors["cohort.age_at_onset_range_years"]
    onset = np.clip(np.round(rng.normal(onset_mean[0], priors["cohort.age_at_onset_sd_years"], (batch, n))), low, high)
    if "age_at_onset_years" in targets.means:
        onset = force_integer_sum(onset, target_sum_for_mean(*onset_mean, n, 1.0), low, high, rng)
    characteristics["age_at_onset_years"] = onset.astype(float)

    duration_mean = targets.means.get("disease_duration_years", (priors.published_mean("disease_duration_years"), 1))
    shape = 1 / priors["cohort.disease_duration_cv"] ** 2
    low, high = priors["cohort.disease_duration_range_years"]
    tenths = np.clip(np.round(rng.gamma(shape, duration_mean[0] / shape, (batch, n)) * 10), low * 10, high * 10)
    if "disease_duration_years" in targets.means:
        tenths = force_integer_sum(
            tenths, target_sum_for_mean(*duration_mean, n, 0.1), int(low * 10), int(high * 10), rng
        )
    characteristics["disease_duration_years"] = tenths / 10
    return characteristics


def lognormal_around(rng, median: float, log_sd: float, shape) -> np.ndarray:
    """Lognormal values of the given `shape` whose median is `median` (log-scale spread `log_sd`)."""
    return median * np.exp(rng.normal(0.0, log_sd, shape))


def baseline_values(rng, batch: int, targets: Targets, priors: Priors, status: np.ndarray) -> dict:
    """Baseline scores, prednisone and molecules with exact medians, before reordering."""
    n = priors.n_patients
    values = {}
    for score, (_, low, high, _) in contract.SCORES.items():
        name = key(score, "baseline")
        centre = targets.medians.get(name, priors.published_median(name))
        raw = np.clip(np.round(lognormal_around(rng, centre, priors["scores.baseline_log_sd"], (batch, n))), low, high)
        values[score] = force_median(raw, centre, rng) if name in targets.medians else raw
    name = key("prednisone_mg_day", "baseline")
    centre = targets.medians.get(name, priors.published_median(name))
    low, high = priors["prednisone.range_mg_day"]
    dose = np.clip(
        snap(lognormal_around(rng, centre, priors["prednisone.baseline_log_sd"], (batch, n)), 2.5), low, high
    )
    values["prednisone_mg_day"] = (
        force_median(dose, centre, rng, grid=PREDNISONE_GRID) if name in targets.medians else dose
    )
    for molecule in contract.MOLECULES:
        median = priors["molecules.control_median"][molecule] * priors["molecules.patient_to_control_ratio"][molecule]
        values[molecule] = lognormal_around(rng, median, priors["molecules.log_sd"], (batch, n))
    return values


def correlated_baseline(rng, values: dict, priors: Priors) -> dict:
    """The baseline `values` of `BASELINE_BLOCK` reordered within each cohort towards the target rank correlations."""
    stacked = np.stack([values[v] for v in BASELINE_BLOCK], axis=2)
    # Sampling spread kept (exact=False): a cohort of 32 is a sample, and an ensemble must show how
    # much its correlations vary, not land every cohort on the target.
    reordered = iman_conover(stacked, priors.target_correlation(BASELINE_BLOCK), rng, exact=False)
    return {v: reordered[:, :, j] for j, v in enumerate(BASELINE_BLOCK)}


def month_12_molecules(rng, baseline: dict, status: np.ndarray, priors: Priors) -> dict:
    """Month-12 molecule values (pg/mL): each baseline value times a status-dependent lognormal change."""
    out = {}
    for molecule in contract.MOLECULES:
        shift = np.zeros(status.shape)
        for code, change in priors["molecules.log_change_by_status"][molecule].items():
            shift = np.where(status == STATUS_INDEX[code], change, shift)
        noise = rng.normal(0.0, priors["molecules.log_change_sd"], status.shape)
        out[molecule] = baseline[molecule] * np.exp(shift + noise)
    return out
