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

import importlib
from typing import TYPE_CHECKING, Any

from tacmg.version import __version__

# The public API, imported on first use: `import tacmg.stats.rounding` (as the book's Sphinx
# extensions do) then costs no pandas, scipy or statsmodels import.
_API = {
    "DataError": "tacmg.data.loader",
    "Dataset": "tacmg.data.loader",
    "load": "tacmg.data.loader",
    "validate": "tacmg.data.loader",
    "load_claims": "tacmg.claims.registry",
    "evaluate": "tacmg.claims.evaluate",
    "reconstruct": "tacmg.reconstruction.reconstruct",
}

if TYPE_CHECKING:
    from tacmg.claims.evaluate import evaluate
    from tacmg.claims.registry import load_claims
    from tacmg.data.loader import DataError, Dataset, load, validate
    from tacmg.reconstruction.reconstruct import reconstruct


def __getattr__(name: str) -> Any:
    if name in _API:
        value = getattr(importlib.import_module(_API[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'tacmg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})


__all__ = ["DataError", "Dataset", "__version__", "evaluate", "load", "load_claims", "reconstruct", "validate"]
