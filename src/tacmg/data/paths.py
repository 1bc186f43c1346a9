"""Where the project's committed data lives, relative to this (editable-installed) package.

The package is installed with `pip install -e .` from the repository, so the repository's `data/`
folder sits three levels above `src/tacmg/data`. Every default path is computed here, once:
``REPO_ROOT`` (the repository), ``DATA_DIR`` (its `data/` folder), ``CLAIMS_PATH`` (the registry
of published claims, `data/published/claims.yaml`), ``PRIORS_PATH`` (the reconstruction's
assumptions, `data/assumptions/priors.yaml`) and ``RECONSTRUCTED_DIR`` (the committed
reconstructed cohort, `data/reconstructed/`), all `pathlib.Path` objects.

Examples
--------
>>> RECONSTRUCTED_DIR.relative_to(REPO_ROOT).as_posix(), CLAIMS_PATH.name
('data/reconstructed', 'claims.yaml')
"""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
DATA_DIR = REPO_ROOT / "data"
CLAIMS_PATH = DATA_DIR / "published" / "claims.yaml"
PRIORS_PATH = DATA_DIR / "assumptions" / "priors.yaml"
RECONSTRUCTED_DIR = DATA_DIR / "reconstructed"
