"""The registry of published claims (`data/published/claims.yaml`): loading and schema checks.

A claim is one machine-checkable statement of the paper (a median, a count, a test's direction and
bound). `load_claims` refuses a malformed registry with one line naming the claim and the field.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tacmg.claims.schema import (
    COMMON_FIELDS,
    IMPLIED_QUANTITIES,
    KINDS,
    KNOWN_VARIABLES,
    OPTIONAL_FIELDS,
    QUANTITIES,
    REQUIRED_BY_QUANTITY,
    SOURCES,
    SUBSETS,
    param_problem,
)
from tacmg.data import contract
from tacmg.data.paths import CLAIMS_PATH


class ClaimsError(ValueError):
    """A malformed claims registry; the message is one line naming the file, claim and field.

    Examples
    --------
    >>> load_claims("no-such-claims.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    tacmg.claims.registry.ClaimsError: no-such-claims.yaml: file not found at ...
    """

    def _render_traceback_(self):  # IPython shows this line instead of a traceback
        return [f"ClaimsError: {self}"]


@dataclass(frozen=True)
class Claim:
    """One published claim, checked against the registry's schema.

    Parameters
    ----------
    id, finding, paraphrase : str
        Stable identifier, finding (a key of `Registry.findings`), the claim in our own words.
    quantity, kind : str
        How it is checked (one of `QUANTITIES`) and whether it is descriptive or inferential.
    variables, visits, source : tuple of str
        Contract columns and visits involved; where it was published (abstract and/or news).
    published : object
        The published figure or bound as written, e.g. ``10`` or ``"decrease, P < 0.0001"``.
    reading : str or None
        Id of the decision (`Registry.decisions`) that fixes how an ambiguous claim is read.
    subset : str
        ``"all"`` patients or the ``"improved"`` ones.
    params : dict
        The quantity's own fields, e.g. ``direction`` and ``p_below`` of a paired change.

    Examples
    --------
    >>> load_claims().by_id("qmg-decrease").params
    {'direction': 'decrease', 'p_below': 0.0001}
    """

    id: str
    finding: str
    quantity: str
    variables: tuple[str, ...]
    visits: tuple[str, ...]
    published: Any
    source: tuple[str, ...]
    kind: str
    paraphrase: str
    reading: str | None = None
    subset: str = "all"
    params: dict = field(default_factory=dict)  # quantity-specific fields (direction, p_below, ...)

    @property
    def published_text(self) -> str:
        """The published figure as text, e.g. ``'decrease, P < 0.0001'``."""
        return str(self.published)


@dataclass(frozen=True)
class Registry:
    """The checked claims registry; iterating over it gives its claims in file order.

    Parameters
    ----------
    claims : tuple of Claim
        Every claim, in file order.
    findings, decisions : dict
        Finding id to title; decision id to its ``id``, ``question``, ``reading`` and ``reason``.
    study : dict
        The study's ``citation``, ``doi`` and ``pubmed`` id.
    path : pathlib.Path
        The file read.

    Examples
    --------
    >>> registry = load_claims()
    >>> registry.findings["status"], [claim.id for claim in registry.select(finding="status")]
    ('Post-intervention status', ['status-mm', 'status-improved'])
    """

    claims: tuple[Claim, ...]
    findings: dict[str, str]
    decisions: dict[str, dict]
    study: dict
    path: Path

    def __iter__(self):
        return iter(self.claims)

    def __len__(self):
        return len(self.claims)

    def by_id(self, claim_id: str) -> Claim:
        """The claim whose id is `claim_id`.

        Parameters
        ----------
        claim_id : str
            A claim id, e.g. ``"cohort-n"``.

        Returns
        -------
        Claim
            The claim; KeyError when there is none.

        Examples
        --------
        >>> load_claims().by_id("cohort-n").published
        32
        """
        for claim in self.claims:
            if claim.id == claim_id:
                return claim
        raise KeyError(claim_id)

    def select(self, ids=None, *, kind=None, finding=None) -> tuple[Claim, ...]:
        """Claims whose id is in `ids` (all if None), optionally of one kind and finding.

        Parameters
        ----------
        ids : collection of str, optional
            Claim ids.
        kind, finding : str, optional
            Keep only claims of this kind (``"descriptive"``, ``"inferential"``) and finding.

        Returns
        -------
        tuple of Claim
            In file order (not in the order of `ids`); ClaimsError if an id is unknown.

        Examples
        --------
        >>> [claim.id for claim in load_claims().select(["mmt-decrease", "qmg-decrease"])]
        ['qmg-decrease', 'mmt-decrease']
        """
        if ids is not None:
            unknown = set(ids) - {c.id for c in self.claims}
            if unknown:
                raise ClaimsError(f"{self.path.name}: unknown claim id(s) {', '.join(sorted(unknown))}")
        return tuple(
            c
            for c in self.claims
            if (ids is None or c.id in ids)
            and (kind is None or c.kind == kind)
            and (finding is None or c.finding == finding)
        )

    def stated(self) -> tuple[Claim, ...]:
        """The claims the sources state: every claim but the implied ones (what their lists leave out).

        Examples
        --------
        >>> registry = load_claims()
        >>> sorted({c.kind for c in registry.stated()}), len(registry.stated()) < len(registry)
        (['descriptive', 'inferential'], True)
        """
        return tuple(c for c in self.claims if c.kind != "implied")

    def conditionable(self) -> tuple[Claim, ...]:
        """The claims a generator may condition on: the stated ones, never an implied one.

        Examples
        --------
        >>> [c.id for c in load_claims().conditionable()] == [c.id for c in load_claims().stated()]
        True
        """
        return self.stated()


def _as_tuple(value) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def _check_claim(raw: dict, where: str, findings: dict, decisions: dict) -> Claim:
    if not isinstance(raw, dict):
        raise ClaimsError(f"{where}: a claim must be a mapping of fields")
    for name in COMMON_FIELDS:
        if name not in raw:
            raise ClaimsError(f"{where}: missing field '{name}'")
    quantity = raw["quantity"]
    if quantity not in QUANTITIES:
        raise ClaimsError(f"{where}, field 'quantity': {quantity!r} is not one of {', '.join(QUANTITIES)}")
    needed = REQUIRED_BY_QUANTITY[quantity]
    for name in needed:
        if name not in raw:
            raise ClaimsError(f"{where}: quantity {quantity} needs field '{name}'")
    allowed = set(COMMON_FIELDS) | set(OPTIONAL_FIELDS) | set(needed)
    extra = sorted(set(raw) - allowed)
    if extra:
        raise ClaimsError(f"{where}: unknown field(s) {', '.join(extra)}")
    if raw["finding"] not in findings:
        raise ClaimsError(f"{where}, field 'finding': {raw['finding']!r} is not a listed finding")
    if raw["kind"] not in KINDS or (raw["kind"] == "implied") != (quantity in IMPLIED_QUANTITIES):
        raise ClaimsError(
            f"{where}, field 'kind': {raw['kind']!r} is not one of {', '.join(KINDS)} or does not "
            f"fit quantity {quantity} (kind implied goes with {' or '.join(IMPLIED_QUANTITIES)})"
        )
    sources = _as_tuple(raw["source"])
    if not sources or not set(sources) <= set(SOURCES):
        raise ClaimsError(f"{where}, field 'source': {list(sources)} must name abstract and/or news")
    variables = _as_tuple(raw["variables"])
    unknown = [v for v in variables if v not in KNOWN_VARIABLES]
    if unknown:
        raise ClaimsError(f"{where}, field 'variables': unknown column(s) {', '.join(unknown)}")
    visits = _as_tuple(raw["visits"])
    if not set(visits) <= set(contract.VISITS):
        raise ClaimsError(f"{where}, field 'visits': {list(visits)} must be among {', '.join(contract.VISITS)}")
    reading = raw.get("reading")
    if reading is not None and reading not in decisions:
        raise ClaimsError(f"{where}, field 'reading': {reading!r} is not a recorded decision")
    subset = raw.get("subset", "all")
    if subset not in SUBSETS:
        raise ClaimsError(f"{where}, field 'subset': {subset!r} is not one of {', '.join(SUBSETS)}")
    if not str(raw["paraphrase"]).strip():
        raise ClaimsError(f"{where}, field 'paraphrase': empty")
    params = {name: raw[name] for name in needed}
    problem = param_problem(quantity, params, variables)
    if problem:
        raise ClaimsError(f"{where}: {problem}")
    return Claim(
        id=str(raw["id"]),
        finding=raw["finding"],
        quantity=quantity,
        variables=variables,
        visits=visits,
        published=raw["published"],
        source=sources,
        kind=raw["kind"],
        paraphrase=str(raw["paraphrase"]).strip(),
        reading=reading,
        subset=subset,
        params=params,
    )


def load_claims(path: str | Path | None = None) -> Registry:
    """Load and check the claims registry.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A claims YAML file; default the committed `data/published/claims.yaml`.

    Returns
    -------
    Registry
        Cached on the file's path and modification time.

    Raises
    ------
    ClaimsError
        If the file is missing, not YAML or breaks the schema.

    Examples
    --------
    >>> load_claims().by_id("cohort-n").kind
    'descriptive'
    """
    path = Path(path) if path is not None else CLAIMS_PATH
    if not path.is_file():
        raise ClaimsError(f"{path.name}: file not found at {path}")
    # Cached on the file's identity and modification time: the generator's workers load it per chunk.
    return _load_claims_cached(path.resolve(), path.stat().st_mtime_ns)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file (safe loading) with the C parser when available (many times faster).

    Parameters
    ----------
    path : pathlib.Path
        A UTF-8 YAML file.

    Returns
    -------
    object
        The parsed document (dicts, lists, strings, numbers, ...).

    Examples
    --------
    >>> read_yaml(CLAIMS_PATH)["version"]
    1
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


@functools.lru_cache(maxsize=8)
def _load_claims_cached(path: Path, _mtime_ns: int) -> Registry:
    name = path.name
    try:
        raw = read_yaml(path)
    except UnicodeDecodeError:
        raise ClaimsError(f"{name}: not valid UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ClaimsError(f"{name}{line}: {problem}") from None
    if not isinstance(raw, dict):
        raise ClaimsError(f"{name}: the registry must be a mapping with 'findings', 'decisions' and 'claims'")
    for key in ("version", "study", "findings", "decisions", "claims"):
        if key not in raw:
            raise ClaimsError(f"{name}: missing top-level field '{key}'")
    if raw["version"] != 1:
        raise ClaimsError(f"{name}, field 'version': {raw['version']!r} is not a supported version (1)")
    findings = dict(raw["findings"] or {})
    decisions = {}
    for i, decision in enumerate(raw["decisions"] or []):
        for key in ("id", "question", "reading", "reason"):
            if not isinstance(decision, dict) or key not in decision:
                raise ClaimsError(f"{name}, decision {i + 1}: missing field '{key}'")
        decisions[decision["id"]] = decision
    claims, seen = [], set()
    for i, item in enumerate(raw["claims"] or []):
        label = item.get("id", f"#{i + 1}") if isinstance(item, dict) else f"#{i + 1}"
        claim = _check_claim(item, f"{name}, claim '{label}'", findings, decisions)
        if claim.id in seen:
            raise ClaimsError(f"{name}, claim '{claim.id}': duplicate id")
        seen.add(claim.id)
        claims.append(claim)
    if not claims:
        raise ClaimsError(f"{name}: no claims")
    return Registry(claims=tuple(claims), findings=findings, decisions=decisions, study=dict(raw["study"]), path=path)


def published_number(text: object) -> float:
    """The first number in a published figure's text.

    Parameters
    ----------
    text : object
        A published figure (`Claim.published`), a number or its text.

    Returns
    -------
    float
        The number; ValueError when the text has none.

    Examples
    --------
    >>> published_number("roughly 33%"), published_number(13.75), published_number("P < 0.0001")
    (33.0, 13.75, 0.0001)
    """
    match = re.search(r"-?\d+(?:\.\d+)?", str(text))
    if match is None:
        raise ValueError(f"no number in published figure {text!r}")
    return float(match.group(0))
