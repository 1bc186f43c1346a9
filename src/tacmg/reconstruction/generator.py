"""The reconstruction engine: seeded cohorts that agree with the published claims.

For a batch of candidate cohorts it

1. builds each column's values with the published summary exactly (medians, means, counts) for the
   descriptive claims it conditions on, from the priors in `data/assumptions/priors.yaml`;
2. imposes the target rank correlations at baseline with Iman-Conover (values kept, order changed);
3. derives month-12 values per patient from a post-intervention status, so statuses and scores agree
   (the rules, named entries of the priors' ``status_link`` section, are in
   `tacmg.reconstruction.status_link_draws`);
4. keeps the candidates in which every conditioned claim holds (rejection).

Candidates are drawn in chunks from child seeds of one `SeedSequence`, so the accepted cohorts are
the same whatever the number of worker processes. Steps 1-3, column by column, are in
`tacmg.reconstruction.column_draws`; the medians and means they fix, in
`tacmg.reconstruction.targets`. Written by hand because no library conditions synthetic data on
published medians, means, counts and test results at once.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from tacmg.claims.evaluate import holds_matrix
from tacmg.claims.registry import Claim, ClaimsError, load_claims
from tacmg.data import contract
from tacmg.data.cohorts import Cohorts, key
from tacmg.reconstruction.column_draws import (
    BASELINE_BLOCK,
    baseline_values,
    correlated_baseline,
    labels_with_counts,
    lognormal_around,
    month_12_molecules,
    patient_characteristics,
)
from tacmg.reconstruction.marginals import round_significant
from tacmg.reconstruction.priors import Priors, load_priors
from tacmg.reconstruction.status_link_draws import follows_status_link, month_12_prednisone, month_12_scores
from tacmg.reconstruction.targets import Targets

__all__ = ["Ensemble", "draw_candidates", "generate", "status_consistent"]


def draw_candidates(
    rng: np.random.Generator, batch: int, targets: Targets, priors: Priors
) -> tuple[Cohorts, np.ndarray]:
    """`batch` candidate cohorts and a (B,) mask of those whose statuses agree with their scores and doses.

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of randomness (the only one).
    batch : int
        The number B of cohorts to draw.
    targets : Targets
        Medians and means every cohort must have exactly.
    priors : Priors
        The assumptions of priors.yaml.

    Returns
    -------
    cohorts : tacmg.data.cohorts.Cohorts
        B cohorts with every patient, visit and control array of the contract.
    consistent : numpy.ndarray
        (B,) booleans: every patient's scores agree with their post-intervention status.

    Examples
    --------
    >>> targets = Targets.from_claims(load_claims())
    >>> cohorts, consistent = draw_candidates(np.random.default_rng(1), 10, targets, load_priors())
    >>> cohorts.size, cohorts.n_patients, consistent.shape
    (10, 32, (10,))
    """
    status = labels_with_counts(priors["scores.status_counts"], batch, rng, contract.STATUS_CODES)
    characteristics = patient_characteristics(rng, batch, targets, priors)
    baseline = correlated_baseline(rng, baseline_values(rng, batch, targets, priors, status), priors)
    scores, by_dose = month_12_scores(rng, baseline, status, targets, priors)
    month_12 = {
        **scores,
        "prednisone_mg_day": month_12_prednisone(rng, baseline["prednisone_mg_day"], status, by_dose, targets, priors),
        **month_12_molecules(rng, baseline, status, priors),
    }
    digits = priors["molecules.significant_digits"]
    visit = {}
    for name, values in (("baseline", baseline), ("month_12", month_12)):
        for variable in BASELINE_BLOCK:
            v = values[variable]
            visit[key(variable, name)] = round_significant(v, digits) if variable in contract.MOLECULES else v
    m = priors["cohort.n_controls"]
    control = {
        molecule: round_significant(
            lognormal_around(rng, priors["molecules.control_median"][molecule], priors["molecules.log_sd"], (batch, m)),
            digits,
        )
        for molecule in contract.MOLECULES
    }
    female = round(priors["cohort.female_share"] * m)
    control["sex"] = labels_with_counts({"F": female, "M": m - female}, batch, rng, contract.SEXES)
    mean_age = priors.published_mean("age_at_onset_years") + priors.published_mean("disease_duration_years")
    control["age_years"] = np.clip(
        np.round(rng.normal(mean_age, priors["cohort.controls_age_sd_years"], (batch, m))), 18, 80
    )
    patient = {**characteristics, "status": status}
    consistent = follows_status_link(baseline, month_12, status, priors)
    return Cohorts(patient, visit, control), consistent


def status_consistent(cohorts: Cohorts, priors: Priors | None = None) -> np.ndarray:
    """(B,) True where every patient's month-12 scores and dose obey the status-score link of `priors`.

    The same rule the generator rejects candidates by (the ``status_link`` section of priors.yaml),
    applied to any cohorts: e.g. to count the cohorts of a relaxed scenario that the committed
    link would have rejected.

    Parameters
    ----------
    cohorts : tacmg.data.cohorts.Cohorts
        Cohorts with every score and the prednisone dose at both visits.
    priors : Priors, optional
        Default: the committed priors.

    Returns
    -------
    numpy.ndarray
        (B,) booleans.

    Examples
    --------
    >>> import tacmg
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> status_consistent(Cohorts.from_dataset(tacmg.load(RECONSTRUCTED_DIR))).tolist()
    [True]
    """
    priors = priors or load_priors()
    variables = (*contract.SCORES, "prednisone_mg_day")
    baseline = {v: cohorts.visit[key(v, "baseline")] for v in variables}
    month_12 = {v: cohorts.visit[key(v, "month_12")] for v in variables}
    return follows_status_link(baseline, month_12, cohorts.patient["status"], priors)


@dataclass
class Ensemble:
    """Accepted cohorts and the bookkeeping of how they were found.

    Parameters
    ----------
    cohorts : tacmg.data.cohorts.Cohorts
        The accepted cohorts, in seed order.
    candidates : int
        How many candidates were drawn to find them.
    conditioned_on, evaluated : tuple of str
        The ids of the claims every cohort satisfies, and of those evaluated on each.
    seed : int
        The seed of the draw.
    holds : numpy.ndarray or None
        (cohorts, evaluated claims) booleans: does each evaluated claim hold in each cohort.
    accepted : int, optional
        How many of the `candidates` met the conditioned claims, those past the first `n_cohorts`
        of the last chunk included (default: the cohorts kept).

    Examples
    --------
    >>> ensemble = generate(20220827, 1, ["cohort-n"], evaluate=["qmg-decrease"], chunk_size=20, workers=1)
    >>> ensemble.cohorts.size, ensemble.evaluated, ensemble.holds.shape
    (1, ('qmg-decrease',), (1, 1))
    """

    cohorts: Cohorts
    candidates: int
    conditioned_on: tuple[str, ...]
    seed: int
    evaluated: tuple[str, ...] = ()  # claim ids evaluated on every accepted cohort
    holds: np.ndarray | None = None  # (cohorts, evaluated claims) booleans
    accepted: int | None = None

    @property
    def acceptance_rate(self) -> float:
        """Candidates meeting the conditioned claims per candidate drawn (0-1; NaN when none was drawn).

        Counted over every candidate drawn, so the surplus of the last chunk (accepted, but past the
        cohorts wanted) counts as accepted: dividing the cohorts kept by whole chunks would
        understate the rate (77% where 100% of candidates pass, at 10,000 cohorts in chunks of 500).

        Examples
        --------
        >>> kept = Cohorts({}, {"qmg@baseline": np.zeros((2, 32))}, {})
        >>> Ensemble(kept, 500, (), 1).acceptance_rate, Ensemble(kept, 500, (), 1, accepted=400).acceptance_rate
        (0.004, 0.8)
        """
        accepted = self.cohorts.size if self.accepted is None else self.accepted
        return accepted / self.candidates if self.candidates else float("nan")


def _draw_chunk(args) -> tuple[Cohorts, int, np.ndarray]:
    seed_sequence, chunk_size, claim_ids, evaluated_ids, priors_path, overrides, claims_path = args
    registry = load_claims(claims_path)
    claims = registry.select(claim_ids)
    priors = load_priors(priors_path).with_overrides(overrides)
    targets = Targets.from_claims(claims)
    rng = np.random.default_rng(seed_sequence)
    cohorts, consistent = draw_candidates(rng, chunk_size, targets, priors)
    keep = consistent & holds_matrix(cohorts, claims).all(axis=1)
    accepted = cohorts.take(np.flatnonzero(keep))
    # Evaluating in the worker keeps both cores busy for the expensive part.
    holds = (
        holds_matrix(accepted, registry.select(evaluated_ids))
        if evaluated_ids and accepted.size
        else np.zeros((accepted.size, len(evaluated_ids)), bool)
    )
    return accepted, chunk_size, holds


def generate(
    seed: int,
    n_cohorts: int,
    condition_on=None,
    *,
    evaluate=(),
    chunk_size: int = 500,
    workers: int | None = None,
    max_candidates: int = 5_000_000,
    progress: bool = False,
    priors_path=None,
    priors_overrides: dict | None = None,
    claims_path=None,
) -> Ensemble:
    """The first `n_cohorts` cohorts, in seed order, in which every conditioned claim holds.

    Parameters
    ----------
    seed, n_cohorts : int
        The seed of every draw, and how many cohorts to accept.
    condition_on : iterable of str or Claim, optional
        Claims every cohort must satisfy (default: all but the implied ones, which are never
        conditioned on: `tacmg.claims.registry.Registry.conditionable`): descriptive ones by
        construction, the others by rejection.
    evaluate : iterable of str or Claim, or "all"
        Claims to evaluate on each accepted cohort, in the workers (`Ensemble.holds`).
    chunk_size, workers : int
        Candidates per chunk (each chunk draws from its own child seed, so the chunk size is part of
        the result's definition) and worker processes (default: up to 2; they do not change it).
    max_candidates : int
        Give up after drawing this many.
    progress : bool
        Show a progress bar.
    priors_path, claims_path : str or pathlib.Path, optional
        Other priors.yaml or claims.yaml files than the committed ones.
    priors_overrides : dict, optional
        ``{"dotted.path": value}`` replacing priors.yaml values (sensitivity analyses).

    Returns
    -------
    Ensemble

    Raises
    ------
    RuntimeError
        If fewer than `n_cohorts` are accepted within `max_candidates`.
    tacmg.claims.registry.ClaimsError
        If `condition_on` names an unknown or an implied claim.

    Examples
    --------
    >>> generate(20220827, 2, ["cohort-n", "qmg-median-baseline"], chunk_size=20, workers=1).cohorts.size
    2
    """
    registry = load_claims(claims_path)
    if condition_on is None:
        claim_ids = tuple(c.id for c in registry.conditionable())
    else:
        claim_ids = tuple(c.id if isinstance(c, Claim) else str(c) for c in condition_on)
        implied = [c.id for c in registry.select(claim_ids) if c.kind == "implied"]  # refuses unknown ids early
        if implied:
            raise ClaimsError(f"implied claims are never conditioned on: {', '.join(implied)}")
    evaluated_ids = (
        tuple(c.id for c in registry)
        if evaluate == "all"
        else tuple(c.id if isinstance(c, Claim) else str(c) for c in evaluate)
    )
    registry.select(evaluated_ids)
    workers = workers or min(2, os.cpu_count() or 1)

    def task(index: int):
        child = np.random.SeedSequence(seed, spawn_key=(index,))
        return (child, chunk_size, claim_ids, evaluated_ids, priors_path, priors_overrides, claims_path)

    accepted, holds, found, drawn = [], [], 0, 0
    bar = _progress_bar(n_cohorts, progress)
    executor = ProcessPoolExecutor(workers) if workers > 1 else None
    try:
        for cohorts, size, chunk_holds in _ordered_results(executor, task, ahead=2 * workers):
            drawn += size
            if cohorts.size:
                accepted.append(cohorts)
                holds.append(chunk_holds)
                bar.update(min(cohorts.size, n_cohorts - found))
                found += cohorts.size
            if found >= n_cohorts:
                break
            if drawn >= max_candidates:
                raise RuntimeError(
                    f"only {found} of {n_cohorts} cohorts satisfied the conditioned claims after {drawn} candidates"
                )
    finally:
        bar.close()
        if executor:
            executor.shutdown(cancel_futures=True)
    result = Cohorts.concat(accepted).take(slice(0, n_cohorts))
    return Ensemble(result, drawn, claim_ids, seed, evaluated_ids, np.concatenate(holds)[:n_cohorts], accepted=found)


def _ordered_results(executor, task, ahead: int):
    """Results of chunks 0, 1, 2, ... in order, keeping `ahead` chunks in flight."""
    if executor is None:
        index = 0
        while True:
            yield _draw_chunk(task(index))
            index += 1
    pending = deque(executor.submit(_draw_chunk, task(i)) for i in range(ahead))
    index = ahead
    while True:
        result = pending.popleft().result()
        pending.append(executor.submit(_draw_chunk, task(index)))
        index += 1
        yield result


class _NoBar:
    def update(self, _):
        pass

    def close(self):
        pass


def _progress_bar(total: int, enabled: bool):
    if not enabled:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="cohort", desc="reconstructing")
