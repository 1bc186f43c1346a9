"""The reconstruction's assumptions (`data/assumptions/priors.yaml`), with dotted-path access.

Every entry there carries a value and its source or reason; code reads only the values, the book
renders the whole file (`Priors.table`).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from tacmg.claims.registry import load_claims, read_yaml
from tacmg.data.paths import PRIORS_PATH


class Priors:
    """Values of priors.yaml by dotted path, e.g. ``priors["cohort.n_controls"]``.

    Indexing with a dotted path returns an entry's ``value``; a group of entries gives a dict of
    their values; anything else is returned as written.

    Parameters
    ----------
    raw : dict
        The parsed priors.yaml: sections of entries, each with ``value`` and ``source`` or
        ``reason``.
    path : pathlib.Path
        The file it came from.

    Examples
    --------
    >>> priors = load_priors()
    >>> priors["cohort.n_controls"], priors.n_patients
    (30, 32)
    """

    def __init__(self, raw: dict, path: Path):
        self.raw = raw
        self.path = path
        self._claims = load_claims()

    def __getitem__(self, dotted: str):
        node = self.raw
        for part in dotted.split("."):
            node = node[part]
        if isinstance(node, dict) and "value" in node:
            return node["value"]
        if isinstance(node, dict):  # a group of entries, each with its own value
            return {k: (v["value"] if isinstance(v, dict) and "value" in v else v) for k, v in node.items()}
        return node

    def with_overrides(self, overrides: dict | None) -> Priors:
        """A copy with the values at the given dotted paths replaced (for sensitivity analyses).

        Parameters
        ----------
        overrides : dict or None
            ``{"dotted.path": value}``; None or empty returns these priors themselves.

        Returns
        -------
        Priors
            A new object; these priors are unchanged.

        Raises
        ------
        KeyError
            If a path names no entry of priors.yaml.

        Examples
        --------
        >>> priors = load_priors()
        >>> priors.with_overrides({"cohort.n_controls": 40})["cohort.n_controls"], priors["cohort.n_controls"]
        (40, 30)
        """
        if not overrides:
            return self
        raw = copy.deepcopy(self.raw)
        for dotted, value in overrides.items():
            node = raw
            *parents, last = dotted.split(".")
            for part in parents:
                node = node[part]
            if last not in node:
                raise KeyError(f"priors.yaml has no entry {dotted}")
            if isinstance(node[last], dict) and "value" in node[last]:
                node[last]["value"] = value
            else:
                node[last] = value
        return Priors(raw, self.path)

    @property
    def n_patients(self) -> int:
        """The number of patients of every generated cohort (``cohort.n_patients``).

        Examples
        --------
        >>> load_priors().n_patients
        32
        """
        return int(self["cohort.n_patients"])

    def _published(self, quantity: str, variable: str, visit: str | None):
        for claim in self._claims:
            if (
                claim.quantity == quantity
                and claim.variables[0] == variable
                and (visit is None or claim.visits[0] == visit)
            ):
                return float(claim.published)
        raise KeyError(f"no published {quantity} for {variable}")

    def published_median(self, name: str) -> float:
        """The published median of ``variable@visit``: the centre of its prior even when unconditioned.

        Parameters
        ----------
        name : str
            ``variable@visit``, e.g. ``"qmg@baseline"``.

        Returns
        -------
        float
            The median claim's published figure, in the variable's unit; KeyError if there is none.

        Examples
        --------
        >>> load_priors().published_median("qmg@baseline")
        10.0
        """
        variable, visit = name.split("@")
        return self._published("median", variable, visit)

    def published_mean(self, variable: str) -> float:
        """The published mean of a patient characteristic: the centre of its prior.

        Parameters
        ----------
        variable : str
            E.g. ``"age_at_onset_years"``.

        Returns
        -------
        float
            The mean claim's published figure (years); KeyError if there is none.

        Examples
        --------
        >>> load_priors().published_mean("age_at_onset_years")
        37.8
        """
        return self._published("mean", variable, None)

    def target_correlation(self, columns: Sequence[str]) -> np.ndarray:
        """Target Spearman matrix over `columns` from the reported pairs and score-score prior.

        Parameters
        ----------
        columns : sequence of str
            Visit variables; they must include every variable named in the correlation priors.

        Returns
        -------
        numpy.ndarray
            (k, k) target Spearman correlations: the priors' pairs, the common correlation among
            the four scores, ``correlations.default`` elsewhere, 1 on the diagonal.

        Examples
        --------
        >>> from tacmg.reconstruction.column_draws import BASELINE_BLOCK
        >>> load_priors().target_correlation(BASELINE_BLOCK).shape
        (13, 13)
        """
        index = {c: i for i, c in enumerate(columns)}
        matrix = np.full((len(columns), len(columns)), float(self["correlations.default"]))
        scores = [c for c in columns if c in ("qmg", "mmt", "mg_adl", "mg_qol15")]
        for a in scores:
            for b in scores:
                matrix[index[a], index[b]] = self["scores.rank_correlation_among_scores"]
        for group in ("correlations.molecule_pairs", "correlations.score_molecule_pairs"):
            for pair, rho in self[group].items():
                a, b = pair.split("-")
                matrix[index[a], index[b]] = matrix[index[b], index[a]] = rho
        np.fill_diagonal(matrix, 1.0)
        return matrix

    def table(self) -> pd.DataFrame:
        """Tidy table of every assumption of priors.yaml.

        Returns
        -------
        pandas.DataFrame
            One row per entry (a group's entries as ``group.entry``), with columns ``section``
            (e.g. ``cohort``), ``assumption`` (its name), ``value`` (as written, in the unit its
            name gives), ``source`` (a citation) and ``reason`` (why the value, without source);
            ``""`` where absent.

        Examples
        --------
        >>> table = load_priors().table()
        >>> table.columns.tolist()
        ['section', 'assumption', 'value', 'source', 'reason']
        >>> table.set_index("assumption").loc["n_controls", "value"]
        30
        """
        rows = []
        for section, entries in self.raw.items():
            if not isinstance(entries, dict):
                continue
            for name, entry in entries.items():
                if isinstance(entry, dict) and "value" in entry:
                    rows.append(
                        {
                            "section": section,
                            "assumption": name,
                            "value": entry["value"],
                            "source": entry.get("source", ""),
                            "reason": entry.get("reason", ""),
                        }
                    )
                elif isinstance(entry, dict):
                    for sub, item in entry.items():
                        if isinstance(item, dict) and "value" in item:
                            rows.append(
                                {
                                    "section": section,
                                    "assumption": f"{name}.{sub}",
                                    "value": item["value"],
                                    "source": item.get("source", ""),
                                    "reason": item.get("reason", ""),
                                }
                            )
        return pd.DataFrame(rows)


def load_priors(path: str | Path | None = None) -> Priors:
    """The priors at `path` (default: the committed ones); cached on the file's modification time.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A priors YAML file; default the committed `data/assumptions/priors.yaml`.

    Returns
    -------
    Priors

    Examples
    --------
    >>> load_priors().path.name
    'priors.yaml'
    """
    path = Path(path) if path is not None else PRIORS_PATH
    return _load_priors_cached(path.resolve(), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _load_priors_cached(path: Path, _mtime_ns: int) -> Priors:
    return Priors(read_yaml(path), path)
