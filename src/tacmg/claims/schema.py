"""The registry's schema: which quantities, kinds and sources a claim may have, which fields each
quantity needs, and the checks of those fields (`param_problem`). `tacmg.claims.registry` applies it.
"""

from __future__ import annotations

from tacmg.data import contract

# fmt: off
QUANTITIES = ("count", "mean", "median", "status_count", "paired_change", "paired_direction", "group_difference",
              "correlation", "no_significant_change", "no_significant_correlation")
# implied: what the sources' lists leave out (never conditioned on, `conditionable`); only the implied
# quantities (no significant change, no significant correlation) are of that kind, and only they.
KINDS = ("descriptive", "inferential", "implied")
IMPLIED_QUANTITIES = ("no_significant_change", "no_significant_correlation")
SOURCES = ("abstract", "news")
SUBSETS = ("all", "improved")

COMMON_FIELDS = ("id", "finding", "quantity", "variables", "visits", "published", "source", "kind", "paraphrase")
# Fields each quantity needs beyond the common ones.
REQUIRED_BY_QUANTITY = {
    "count": (), "mean": ("decimals",), "median": (), "status_count": ("statuses", "min", "max"),
    "paired_change": ("direction", "p_below"), "paired_direction": ("direction",),
    "group_difference": ("direction", "significant", "p_below"), "correlation": ("sign", "p_below"),
    "no_significant_change": ("direction", "p_below"), "no_significant_correlation": ("p_below",),
}
OPTIONAL_FIELDS = ("reading", "subset")
KNOWN_VARIABLES = set(contract.SCORES) | set(contract.MOLECULES) | {
    "patient_id", "prednisone_mg_day", "age_at_onset_years", "disease_duration_years", "post_intervention_status"}
# fmt: on


def param_problem(quantity: str, params: dict, variables: tuple) -> str | None:
    """What is wrong with a claim's quantity-specific fields, or None when nothing is.

    Parameters
    ----------
    quantity : str
        One of `QUANTITIES`.
    params : dict
        The fields `quantity` needs (`REQUIRED_BY_QUANTITY`), as read from the registry.
    variables : tuple of str
        The claim's contract columns.

    Returns
    -------
    str or None
        The first problem found, naming the field.

    Examples
    --------
    >>> param_problem("correlation", {"sign": "negative", "p_below": 0.05}, ("scd25", "qmg")) is None
    True
    >>> param_problem("no_significant_change", {"direction": "down", "p_below": 0.05}, ("sicos",))
    "field 'direction': 'down' must be decrease or increase"
    """
    problems: list[str] = []

    def need(cond, message):
        if not cond:
            problems.append(message)

    if "p_below" in params:
        p = params["p_below"]
        need(isinstance(p, (int, float)) and 0 < p < 1, f"field 'p_below': {p!r} is not a probability")
    if quantity in ("paired_change", "paired_direction", "no_significant_change"):
        need(
            params["direction"] in ("decrease", "increase"),
            f"field 'direction': {params['direction']!r} must be decrease or increase",
        )
    if quantity == "group_difference":
        need(
            params["direction"] in ("higher", "lower"),
            f"field 'direction': {params['direction']!r} must be higher or lower",
        )
        need(isinstance(params["significant"], bool), "field 'significant': must be true or false")
    if quantity == "correlation":
        sign = params["sign"]
        need(sign in ("positive", "negative"), f"field 'sign': {sign!r} must be positive or negative")
    if quantity in ("correlation", "no_significant_correlation"):
        need(len(variables) == 2, "a correlation needs exactly two variables")
    if quantity == "status_count":
        need(
            set(params["statuses"]) <= set(contract.STATUS_CODES),
            f"field 'statuses': {params['statuses']} must be MGFA post-intervention codes",
        )
        need(0 <= params["min"] <= params["max"], "fields 'min'/'max': need 0 <= min <= max")
    if quantity == "mean":
        need(
            isinstance(params["decimals"], int) and params["decimals"] >= 0,
            "field 'decimals': must be a non-negative integer",
        )
    return problems[0] if problems else None
