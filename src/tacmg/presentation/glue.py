"""The one way a chapter hands numbers to its prose: MyST-NB's glue, under a chapter prefix."""

from __future__ import annotations

import numpy as np


def glue_values(prefix: str, values: dict) -> None:
    """Glue each value under '<prefix>_<name>' (myst-nb, not displayed); returns nothing, so a
    notebook cell ending with it shows no output.

    numpy scalars become Python numbers first: their repr ('np.float64(4.9)') would not format
    in the prose.
    """
    from myst_nb import glue

    for name, value in values.items():
        if isinstance(value, np.generic):
            value = value.item()
        glue(f"{prefix}_{name}", value, display=False)
