"""The package's version, in one place: pyproject.toml's, read from the installed metadata.

Every module that records or shows the version imports it from here (lower layers cannot import
the top-level package, which imports them).
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _distribution_version

try:
    __version__ = _distribution_version("tacmg")
except PackageNotFoundError:  # a source tree on sys.path that was never installed
    __version__ = "0+unknown"
