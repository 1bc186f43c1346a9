"""Values on a measurement grid: the doses that can be dispensed, and the pairs of grid values that
can produce a given median. Shared by the reconstruction (which builds medians) and the
consistency checks (which ask whether a published median is possible at all).
"""

from __future__ import annotations

import numpy as np


def median_pairs(median: float, grid) -> list[tuple[float, float]]:
    """Every pair of grid values (lower, upper), lower first ascending, whose mean is `median`:
    the candidate 16th and 17th values of an even n."""
    grid = np.asarray(grid, float)
    on_grid = set(np.round(grid, 6))
    return [
        (float(a), float(round(2 * median - a, 6)))
        for a in sorted(grid)
        if a <= median + 1e-9 and round(2 * median - a, 6) in on_grid
    ]


def dose_grid(maximum: float) -> np.ndarray:
    """Dispensable daily doses: whole milligrams and multiples of 2.5 mg, from 0 to `maximum`."""
    return np.unique(np.concatenate([np.arange(0, maximum + 1), np.arange(0, maximum + 0.1, 2.5)]))
