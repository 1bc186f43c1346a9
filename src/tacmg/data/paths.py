"""Where the project's committed data lives, relative to this (editable-installed) package.

The package is installed with `pip install -e .` from the repository, so the repository's `data/`
folder sits three levels above `src/tacmg/data`. Every default path is computed here, once.
"""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
DATA_DIR = REPO_ROOT / "data"
CLAIMS_PATH = DATA_DIR / "published" / "claims.yaml"
PRIORS_PATH = DATA_DIR / "assumptions" / "priors.yaml"
RECONSTRUCTED_DIR = DATA_DIR / "reconstructed"
