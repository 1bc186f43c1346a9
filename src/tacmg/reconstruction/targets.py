"""What the conditioned descriptive claims fix exactly in every generated cohort: medians and means.

In its own module so that the generator (`tacmg.reconstruction.generator`) and the column draws it
calls (`tacmg.reconstruction.column_draws`, `tacmg.reconstruction.status_link_draws`) all import
it from below rather than from each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tacmg.claims.registry import Claim
from tacmg.data.cohorts import key

__all__ = ["Targets"]


@dataclass(frozen=True)
class Targets:
    """What the conditioned descriptive claims fix exactly: medians and means.

    Parameters
    ----------
    medians : dict of str to float
        ``variable@visit`` to its published median, in the variable's unit.
    means : dict of str to tuple
        Variable to a pair: its published mean (years, float) and the decimals it was printed with (int).

    Examples
    --------
    >>> Targets({"qmg@baseline": 10.0}, {}).medians
    {'qmg@baseline': 10.0}
    """

    medians: dict[str, float]  # "variable@visit" -> median
    means: dict[str, tuple[float, int]]  # variable -> (mean, decimals)

    @classmethod
    def from_claims(cls, claims: Iterable[Claim]) -> Targets:
        """The targets set by the median and mean claims among `claims` (the others are ignored).

        Parameters
        ----------
        claims : iterable of Claim
            Claims of the registry, e.g. ``load_claims().select(ids)``.

        Returns
        -------
        Targets

        Examples
        --------
        >>> from tacmg.claims.registry import load_claims
        >>> registry = load_claims()
        >>> Targets.from_claims(registry.select(["qmg-median-baseline", "cohort-age-at-onset"]))
        Targets(medians={'qmg@baseline': 10.0}, means={'age_at_onset_years': (37.8, 1)})
        """
        medians, means = {}, {}
        for c in claims:
            if c.quantity == "median":
                medians[key(c.variables[0], c.visits[0])] = float(c.published)
            elif c.quantity == "mean":
                means[c.variables[0]] = (float(c.published), int(c.params["decimals"]))
        return cls(medians, means)
