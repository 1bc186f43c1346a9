"""The package's version, in one place: every module that records or shows it imports it from here."""

__version__ = "0.1.0"
