"""Reconstruction and re-analysis of Wu et al. 2022 (J Neuroimmunol 372:577955).

No patient-level data of the study is public: every dataset this package generates is a
*reconstructed* cohort, built to agree with the published summaries, never patient data.
"""

from importlib.metadata import PackageNotFoundError, version as _distribution_version

try:
    # The one version of the project is pyproject.toml's; the installed metadata carries it.
    __version__ = _distribution_version("tacmg")
except PackageNotFoundError:  # a source tree on sys.path that was never installed
    __version__ = "0+unknown"

from .loader import DataError, Dataset, load, validate  # noqa: E402
from .claims import load_claims  # noqa: E402
from .evaluate import evaluate  # noqa: E402

__all__ = ["DataError", "Dataset", "load", "validate", "load_claims", "evaluate", "__version__"]
