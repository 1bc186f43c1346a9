"""Checks of the report's own arithmetic, computed from the claims registry (no data needed).

Each check returns one row: check, figures, finding, verdict, meaning. Verdicts:

- consistent: the figures can all be true together;
- inconsistent: they cannot, as printed;
- ambiguous: they fit more than one reading, recorded as a decision in the registry;
- uninformative: the check has no power here (it would pass whatever the data were).

The checks (GRIM, medians of an even n, the smallest attainable signed-rank p) are a few lines
each and are written by hand: no library runs them against a registry of published figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from tacmg.claims.names import claim_name
from tacmg.claims.registry import Registry, load_claims
from tacmg.stats.grids import dose_grid, median_pairs
from tacmg.stats.rank_tests import exact_allowed
from tacmg.stats.rounding import p_exact_text, quantity_text, round_half_up, share_text, yes_no

PERCENT_PUBLISHED = 33  # the news summary's "roughly 33%" of patients at minimal manifestation


def counts_rounding_to(percent: float, n: int) -> list[int]:
    """Whole counts k of n whose percentage, rounded half up to a whole number, is `percent`.

    Parameters
    ----------
    percent : float
        A published whole-number percentage.
    n : int
        The number of patients.

    Returns
    -------
    list of int
        The counts, ascending; empty when none rounds to `percent`.

    Examples
    --------
    >>> counts_rounding_to(34, 32), counts_rounding_to(33, 32)
    ([11], [])
    """
    return [k for k in range(n + 1) if round_half_up(100 * k / n) == percent]


def grim_consistent(mean: float, n: int, decimals: int, step: float = 1.0) -> bool:
    """GRIM test: can n values on a grid of `step` have a mean that rounds to `mean`?

    Parameters
    ----------
    mean : float
        The published mean.
    n : int
        The number of values.
    decimals : int
        The decimals the mean was printed with (rounded half up).
    step : float
        The grid of the values, e.g. 1 for whole years.

    Returns
    -------
    bool
        True when some sum of n grid values gives a mean that rounds to `mean`.

    References
    ----------
    Brown NJL, Heathers JAJ. The GRIM test: a simple technique detects numerous anomalies in the
    reporting of results in psychology. Soc Psychol Personal Sci 2017;8:363-369.

    Examples
    --------
    >>> grim_consistent(37.8, 32, 1), grim_consistent(5.19, 12, 2), grim_consistent(5.25, 12, 2)
    (True, False, True)
    """
    target = mean * n / step
    for total in (np.floor(target), np.ceil(target)):
        if round_half_up(total * step / n, decimals) == round_half_up(mean, decimals):
            return True
    return False


def grim_power(n: int, decimals: int, step: float = 1.0) -> float:
    """Share of possible printed means that GRIM could reject: 0 once n * 10^-decimals >= step.

    Parameters
    ----------
    n : int
        The number of values.
    decimals : int
        The decimals the mean is printed with.
    step : float
        The grid of the values.

    Returns
    -------
    float
        From 0 (GRIM cannot flag anything) to 1.

    References
    ----------
    Brown NJL, Heathers JAJ. The GRIM test: a simple technique detects numerous anomalies in the
    reporting of results in psychology. Soc Psychol Personal Sci 2017;8:363-369.

    Examples
    --------
    >>> grim_power(32, 1), grim_power(5, 1), grim_power(12, 2)
    (0.0, 0.5, 0.88)
    """
    spacing = 10.0**-decimals
    return float(max(0.0, 1 - n * spacing / step))


def smallest_signed_rank_p(n: int) -> float:
    """Smallest two-sided exact Wilcoxon signed-rank p-value possible with n non-zero changes.

    Parameters
    ----------
    n : int
        The number of non-zero paired changes.

    Returns
    -------
    float
        The p-value (2 / 2**n) when every change goes the same way, from scipy's exact distribution
        while `exact_allowed` (n), else computed as 2 / 2**n (scipy's exact distribution of 3,000
        changes takes about 40 s; the value underflows to 0 beyond about 1,075 changes).

    References
    ----------
    Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bull 1945;1:80-83.

    Examples
    --------
    >>> smallest_signed_rank_p(5), smallest_signed_rank_p(60)
    (0.0625, 1.734723475976807e-18)
    """
    if not exact_allowed(n):
        return 2.0 ** (1 - n)
    return float(stats.wilcoxon(-np.arange(1, n + 1, dtype=float), method="exact").pvalue)


def fewest_changes_for(p_bound: float, n_max: int = 64) -> int:
    """Fewest non-zero paired changes that can give an exact two-sided p below `p_bound`.

    Parameters
    ----------
    p_bound : float
        A published bound, e.g. 0.0001 for "P < 0.0001".
    n_max : int
        Largest n tried.

    Returns
    -------
    int
        The smallest n with `smallest_signed_rank_p` (n) < `p_bound`.

    Raises
    ------
    ValueError
        If no n up to `n_max` reaches the bound.

    Examples
    --------
    >>> fewest_changes_for(0.05), fewest_changes_for(0.0001)
    (6, 15)
    """
    for n in range(1, n_max + 1):
        if smallest_signed_rank_p(n) < p_bound:
            return n
    raise ValueError(f"no n up to {n_max} reaches p < {p_bound}")


def _dose_pair(pair: tuple[float, float]) -> str:
    return f"{quantity_text(pair[0], 'mg/day', with_unit=False)} and {quantity_text(pair[1], 'mg/day')}"


def checks(registry: Registry | None = None) -> pd.DataFrame:
    """Every consistency check of the report's figures, as a tidy table.

    Parameters
    ----------
    registry : Registry, optional
        The claims; default the committed registry.

    Returns
    -------
    pandas.DataFrame
        One row per check, with columns ``check`` (what is checked), ``figures`` (the published
        figures involved), ``finding`` (what the check found, as text), ``verdict``
        (``consistent``, ``inconsistent``, ``ambiguous`` or ``uninformative``; see the module)
        ``meaning`` (what the verdict means for the report, in a sentence or two) and ``claims``
        (the ids of the claims whose figures the check involves, comma-separated).

    Examples
    --------
    >>> table = checks()
    >>> table.columns.tolist()
    ['check', 'figures', 'finding', 'verdict', 'meaning', 'claims']
    >>> table.loc[table["check"] == "status counts add up", "verdict"].tolist()
    ['consistent']
    """
    registry = registry or load_claims()
    n = int(registry.by_id("cohort-n").published)
    rows = []

    def add(check, figures, finding, verdict, meaning, claims):
        row = {"check": check, "figures": figures, "finding": finding, "verdict": verdict, "meaning": meaning}
        rows.append({**row, "claims": ", ".join(claims)})

    def ids(finding, quantity=None):
        return [c.id for c in registry.select(finding=finding) if quantity in (None, c.quantity)]

    # 1. "roughly 33%" of 32 patients.
    exact = [k for k in range(n + 1) if 100 * k / n == PERCENT_PUBLISHED]
    rounding = counts_rounding_to(PERCENT_PUBLISHED, n)
    nearest = sorted(range(n + 1), key=lambda k: abs(100 * k / n - PERCENT_PUBLISHED))[:2]
    add(
        "percentage against n",
        f"{PERCENT_PUBLISHED}% of {n}",
        f"no count gives exactly {PERCENT_PUBLISHED}%; counts rounding to it: {rounding or 'none'}; "
        f"nearest: {', '.join(f'{k}/{n} = {share_text(k / n)}' for k in sorted(nearest))}; "
        f"10/30 = {share_text(10 / 30)}",
        "ambiguous" if not exact else "consistent",
        "The share is not a whole number of patients of 32: either it was rounded loosely, or it was "
        "computed on fewer patients (for example completers). Recorded as decision mm-share.",
        ["status-mm"],
    )

    # 2. Status counts add up.
    mm_low, mm_high = registry.by_id("status-mm").params["min"], registry.by_id("status-mm").params["max"]
    improved = registry.by_id("status-improved").params["min"]
    rest = (n - mm_high - improved, n - mm_low - improved)
    add(
        "status counts add up",
        f"MM {mm_low} to {mm_high} + I {improved} of {n}",
        f"{rest[0]} to {rest[1]} patients left for unchanged, worse or other statuses",
        "consistent" if rest[0] >= 0 else "inconsistent",
        "The two status figures fit in the cohort, leaving a handful who did not improve.",
        ["cohort-n", "status-mm", "status-improved"],
    )

    # 3. Medians of an even n.
    for claim in registry.select(kind="descriptive"):
        if claim.quantity != "median":
            continue
        value = float(claim.published)
        if claim.variables[0] == "prednisone_mg_day":
            pairs_2_5 = median_pairs(value, np.arange(0, 100.1, 2.5))
            pairs_mixed = median_pairs(value, dose_grid(100))
            fits_half = bool(pairs_2_5)
            add(
                "median of an even n on a dose grid",
                f"{claim_name(claim)}: {quantity_text(value, 'mg/day')}",
                f"pairs of 2.5 mg doses with this mean: {_dose_pair(pairs_2_5[-1]) if pairs_2_5 else 'none'}; "
                f"with whole-mg doses too: {_dose_pair(pairs_mixed[-1])}",
                "consistent" if fits_half else "ambiguous",
                "A median of an even n is the mean of the 16th and 17th values. "
                + (
                    "It fits doses in 2.5 mg steps."
                    if fits_half
                    else "It cannot come from doses in 2.5 mg steps only: the 16th and 17th patients took "
                    "whole-milligram doses (for example both 32 mg), or the figure is a mean."
                ),
                [claim.id],
            )
        elif value != int(value):
            add(
                "median of an even n on an integer scale",
                f"{claim_name(claim)}: {quantity_text(value, 'points')}",
                f"16th and 17th values differ: e.g. {int(np.floor(value))} and {int(np.ceil(value))} points",
                "consistent" if n % 2 == 0 else "inconsistent",
                "A half-point median of integer scores needs an even n; 32 is even.",
                [claim.id],
            )

    # 4. Means of integer-like data (GRIM).
    for claim in registry.select(kind="descriptive"):
        if claim.quantity != "mean":
            continue
        decimals = claim.params["decimals"]
        ok = grim_consistent(float(claim.published), n, decimals)
        add(
            "GRIM (mean of whole numbers)",
            f"{claim_name(claim)}: {claim.published} years with n = {n}",
            f"a sum of {n} whole years can give it: {yes_no(ok)}; share of printed means GRIM could reject "
            f"at n = {n}: {share_text(grim_power(n, decimals))}",
            "uninformative" if grim_power(n, decimals) == 0 else ("consistent" if ok else "inconsistent"),
            "With 32 values and one decimal every printed mean is reachable, so GRIM cannot flag anything "
            "here; it has power only when n is below 10 at one decimal.",
            [claim.id],
        )

    # 5. The P < 0.0001 bounds against the smallest p possible at n.
    smallest = smallest_signed_rank_p(n)
    fewest = fewest_changes_for(1e-4)
    add(
        "smallest Wilcoxon p at n",
        f"P < 0.0001 with n = {n}",
        f"smallest exact two-sided p with {n} non-zero changes: {p_exact_text(smallest)}; "
        f"fewest non-zero changes that can reach P < 0.0001: {fewest}",
        "consistent",
        "The bound is easy to reach with 32 pairs, so P < 0.0001 says little beyond 'most patients "
        f"moved the same way'; it does require at least {fewest} patients whose score changed.",
        [c.id for c in registry if c.quantity == "paired_change" and c.params.get("p_below") == 1e-4],
    )

    # 6. Two sources, two lists.
    for label, short_ids, long_finding in (
        (
            "significant against controls",
            ("spd1-vs-controls", "scd40-vs-controls", "il2-vs-controls"),
            "molecules_vs_controls",
        ),
        ("significant decrease at 12 months", ("spd1-decrease", "scd40-decrease", "il2-decrease"), "molecule_change"),
    ):
        long_ids = {
            c.id
            for c in registry.select(finding=long_finding)
            if c.params.get("significant", True) and c.quantity != "paired_direction"
        }
        subset = set(short_ids) <= long_ids
        add(
            f"abstract vs news: {label}",
            f"abstract {len(short_ids)} molecules, news {len(long_ids)}",
            "the abstract's list is contained in the news summary's" if subset else "the lists disagree",
            "consistent" if subset else "inconsistent",
            "The abstract names fewer molecules; nothing contradicts the longer list (decision significant-lists).",
            sorted(long_ids | set(short_ids)),
        )
    # The words disagree, but no published figure does: each claim against controls compares two
    # groups of one study, which holds under either matrix if both were sampled alike. So the flag
    # names no claim (it used to stamp "inconsistent" on all eight comparisons with controls).
    add(
        "sample matrix",
        "abstract methods: serum; abstract results and news: plasma",
        "the two words name different sample types; no published figure depends on which is meant",
        "inconsistent",
        "The sources' words cannot both be right (decision serum-or-plasma). The comparisons with controls "
        "are within one study and stand under either reading if patients and controls were sampled alike; "
        "absolute levels, which the report does not give, differ between serum and plasma for some "
        "molecules, so the reconstruction's levels are not comparable across studies.",
        [],
    )
    add(
        "drug name",
        "abstract: prednisolone (PSL); news: prednisone",
        "equipotent, dosed mg for mg",
        "consistent",
        "The dose figures mean the same under either name (decision prednisone-name).",
        ids("prednisone"),
    )
    return pd.DataFrame(rows)
