"""Reconstruction and re-analysis of Wu et al. 2022 (J Neuroimmunol 372:577955).

No patient-level data of the study is public: every dataset this package generates is a
*reconstructed* cohort, built to agree with the published summaries, never patient data.
"""

from tacmg._version import __version__
from tacmg.claims.evaluate import evaluate
from tacmg.claims.registry import load_claims
from tacmg.data.loader import DataError, Dataset, load, validate

__all__ = ["DataError", "Dataset", "__version__", "evaluate", "load", "load_claims", "validate"]
