"""Reconstruction and re-analysis of Wu et al. 2022 (J Neuroimmunol 372:577955).

No patient-level data of the study is public: every dataset this package generates is a
*reconstructed* cohort, built to agree with the published summaries, never patient data.

The package is layered; each layer imports only from the layers before it:

1. `tacmg.stats`: statistics that know nothing of the study (rank tests, estimates,
   multiplicity, rounding and number text).
2. `tacmg.data`: the data contract, loading and validating a dataset, the data package.
3. `tacmg.claims`: the published claims registry, evaluating claims on data, consistency checks.
4. `tacmg.reconstruction`: generating cohorts that meet the claims under stated priors.
5. `tacmg.analyses`: each chapter's statistics as tidy DataFrames.
6. `tacmg.presentation`: tables, prose values, glue, charts and the report helpers.

The public API at this level covers the "use your own data" path: `load` and `validate` a
dataset, `load_claims` and `evaluate` every published claim on it, `reconstruct` a cohort.
"""

from tacmg._version import __version__
from tacmg.claims.evaluate import evaluate
from tacmg.claims.registry import load_claims
from tacmg.data.loader import DataError, Dataset, load, validate
from tacmg.reconstruction.reconstruct import reconstruct

__all__ = ["DataError", "Dataset", "__version__", "evaluate", "load", "load_claims", "reconstruct", "validate"]
