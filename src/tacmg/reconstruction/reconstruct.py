"""Reconstruct the committed cohort: the first cohort of a seed that satisfies the claims."""

from __future__ import annotations

from pathlib import Path

from tacmg._version import __version__
from tacmg.claims.registry import load_claims
from tacmg.data.datapackage import write_datapackage
from tacmg.data.tables import cohort_tables, write_tables
from tacmg.reconstruction.generator import generate

DEFAULT_SEED = 20220827  # the article's e-publication date


def reconstruct(
    out_dir: str | Path,
    seed: int = DEFAULT_SEED,
    condition_on=None,
    progress: bool = False,
    condition_label: str = "all",
) -> Path:
    """Write a reconstructed dataset (three CSVs and datapackage.json) into `out_dir`.

    condition_on: claim ids (default: every claim of the registry); `condition_label` is how the
    command line named them. Returns the datapackage path.
    """
    registry = load_claims()
    ensemble = generate(seed, 1, condition_on, progress=progress)
    write_tables(cohort_tables(ensemble.cohorts, 0), out_dir)
    provenance = {
        "reconstructed": True,
        "note": "Generated to agree with published summaries of Wu et al. 2022; not patient data.",
        "generator": "tacmg",
        "generator_version": __version__,
        "seed": seed,
        "claims_conditioned_on": list(ensemble.conditioned_on),
        "claims_registry": str(registry.path.relative_to(registry.path.parents[2])),
        "candidates_drawn": ensemble.candidates,
        # No output directory here: the same data written anywhere must be byte-identical.
        "created_by": f"python -m tacmg reconstruct --seed {seed} --condition-on {condition_label}",
    }
    return write_datapackage(out_dir, provenance)
