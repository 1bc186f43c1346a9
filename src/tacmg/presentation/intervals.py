"""How a chapter shows reconstruction intervals: beside a number in the prose, as columns in a table.

`tacmg.analyses.reconstruction_intervals` computes each derived number's 2.5-97.5% range across
the reconstructions and its class; this module turns them into words. A chapter asks once for
its intervals (`for_chapter`, read from what the ensemble build step stored), then

- ``v.add(prefix, values, intervals=ri)`` glues, beside each number ``<key>``, a text ``<key>_ri``:
  " (reconstructions: -6 to -3; narrowed by the published tests)", or "" where intervals do not
  apply, so the same sentence reads right on the reconstruction and on a reader's own data; where
  the committed cohort's value lies outside its own range, the text says so and how rare it is;
- ``with_intervals(view, ri, keys)`` adds the range and the class as two table columns (none on
  a reader's data).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tacmg.analyses import interval_classes, reconstruction_intervals
from tacmg.data.loader import Dataset
from tacmg.presentation.tables import is_p_value
from tacmg.stats.rounding import fixed, p_value_text, quantity_text

RANGE_COLUMN = "Across reconstructions (2.5-97.5%)"
FLIP_LIMIT = 0.1  # a class that changes in more of the bootstrap resamples than this is borderline
CLASS_COLUMN = "Narrowed by"
NOT_APPLICABLE = (
    "Reconstruction intervals are not shown: they describe how much the published figures leave open "
    "in a reconstructed cohort, and these data were not reconstructed. The intervals in the tables "
    "are sampling intervals computed from these data."
)


def range_text(low: float, high: float, p_value: bool = False) -> str:
    """A range as text, both ends to the same decimals (enough to show its width to two digits).

    Parameters
    ----------
    low, high : float
        The ends.
    p_value : bool
        Format as p-values (`tacmg.stats.rounding.p_value_text`: three decimals, "< 0.001").

    Returns
    -------
    str

    Examples
    --------
    >>> range_text(-6.5, -4.0), range_text(3.0, 3.0), range_text(0.12, 0.345), range_text(1e-5, 0.003, True)
    ('-6.5 to -4.0', '3', '0.12 to 0.35', '< 0.001 to 0.003')
    >>> range_text(4.5, 4.5), range_text(37.8125, 37.8125)
    ('4.5', '37.8125')
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        return "n/a"
    if p_value:
        low_text, high_text = p_value_text(low), p_value_text(high)
        return low_text if low_text == high_text else f"{low_text} to {high_text}"
    width = high - low
    if width <= 0:  # one value: as few decimals as it needs, at most four
        return next(text for d in range(5) if float(text := fixed(low, d)) == round(low, 4) or d == 4)
    if float(low).is_integer() and float(high).is_integer():
        decimals = 0
    else:  # enough decimals to show the width to two digits, at most four
        decimals = max(0, min(4, 1 - math.floor(math.log10(width))))
    return f"{fixed(low, decimals)} to {fixed(high, decimals)}"


def percent_range(low: float, high: float) -> str:
    """Two percentages as a range, one figure when they agree.

    Examples
    --------
    >>> percent_range(17.4, 39.4), percent_range(100.0, 100.0)
    ('17% to 39%', '100%')
    """
    return range_text(low, high).replace(" to ", "% to ") + "%"


@dataclass(frozen=True)
class SectionIntervals:
    """The reconstruction intervals of one chapter section's numbers (`table` None: not applicable).

    Parameters
    ----------
    table : pandas.DataFrame or None
        `tacmg.analyses.interval_classes.interval_table`, indexed by ``<prefix>_<name>``.
    changed : tuple of str
        The chapter's parameters the reader set away from their defaults (the intervals are the
        defaults').

    Examples
    --------
    >>> t = pd.DataFrame({"ri_low": [-6.0], "ri_high": [-3.0], "number_class": ["narrowed by the published tests"]},
    ...                  index=["scores_qmg_hl"])
    >>> SectionIntervals(t).text("scores_qmg_hl"), SectionIntervals(None).text("scores_qmg_hl")
    (' (reconstructions: -6 to -3; narrowed by the published tests)', '')
    >>> counts = pd.DataFrame({"ri_low": [5.0], "ri_high": [11.0], "number_class": ["set by a prior"],
    ...                        "count": [True], "committed": [2.0], "outside": [True], "median": [9.0],
    ...                        "share_at_most": [0.006], "share_at_least": [1.0]}, index=["corr_n"])
    >>> for part in SectionIntervals(counts).text("corr_n").split("; "):
    ...     print(part)
     (reconstructions: 5 to 11, median 9
    set by a prior
    this cohort's 2 lies outside that range, a property of its draw: 0.6% of reconstructions give 2 or fewer)
    """

    table: pd.DataFrame | None
    changed: tuple[str, ...] = ()

    @property
    def applies(self) -> bool:
        """Whether the data shown are a reconstruction with intervals."""
        return self.table is not None

    def range(self, key: str, unit: str | None = None) -> str:
        """The 2.5-97.5% range of `key` as text ("n/a" when it has none); with `unit` (of
        `tacmg.stats.rounding.quantity_text`, e.g. 'points') both ends in that unit's format."""
        if self.table is None or key not in self.table.index:
            return "n/a"
        ends = self.table.loc[[key], ["ri_low", "ri_high"]].to_numpy(float)[0]
        low, high = float(ends[0]), float(ends[1])
        if self._is_count(key) and "share" not in key.split("_"):
            return range_text(low, high)  # a count reads as whole numbers, whatever the column's unit
        if unit is not None:
            low_text, high_text = (quantity_text(e, unit, sign=unit != "ratio", with_unit=False) for e in (low, high))
            return low_text if low_text == high_text else f"{low_text} to {high_text}"
        if "share" in key.split("_"):  # shares (0-1) read as percentages, as the prose shows them
            return range_text(100 * low, 100 * high).replace(" to ", "% to ") + "%"
        return range_text(low, high, is_p_value(key))

    def _cell(self, key: str, column: str, default: Any = None) -> Any:
        if self.table is None or column not in self.table.columns or key not in self.table.index:
            return default
        return self.table.at[key, column]

    def _is_count(self, key: str) -> bool:
        return bool(self._cell(key, "count", False))

    def _value(self, key: str, value: float) -> str:
        """One value of `key` as the range shows its ends."""
        if "share" in key.split("_"):
            return range_text(100 * value, 100 * value) + "%"
        return range_text(value, value, is_p_value(key))

    def number_class(self, key: str) -> str:
        """The class of `key` ("" when it has none)."""
        if self.table is None or key not in self.table.index:
            return ""
        return str(self.table.at[key, "number_class"])

    def class_words(self, key: str) -> str:
        """The class of `key` as shown, with its Monte Carlo noise where the class is unsure.

        A class that changes in more than `FLIP_LIMIT` of the bootstrap resamples of the
        ensembles says so: it sits near the three-quarters line, and another draw could class it
        the other way.
        """
        words = self.number_class(key)
        flips = self._cell(key, "class_flips")
        if words and flips is not None and math.isfinite(float(flips)) and float(flips) > FLIP_LIMIT:
            words += f" (borderline: another class in {fixed(100 * float(flips), 0)}% of resamples)"
        return words

    def outside(self, key: str) -> bool:
        """Whether the committed cohort's value of `key` lies outside its own range (a property of the draw)."""
        return bool(self._cell(key, "outside", False))

    def outside_text(self, key: str) -> str:
        """Where the committed value lies against the ensemble, as a clause ("" when within its range).

        A value outside its range is one draw's accident: the clause gives the share of
        reconstructions at or beyond it, so a verdict that rests on it reads as the share it is.
        """
        if not self.outside(key):
            return ""
        value = float(self._cell(key, "committed"))
        below = value < float(self._cell(key, "ri_low"))
        share = float(self._cell(key, "share_at_most" if below else "share_at_least"))
        beyond = ("fewer" if self._is_count(key) else "less") if below else "more"
        share_words = "none" if share == 0 else f"{fixed(100 * share, 1)}%"
        return (
            f"; this cohort's {self._value(key, value)} lies outside that range, a property of its draw: "
            f"{share_words} of reconstructions give {self._value(key, value)} or {beyond}"
        )

    def text(self, key: str) -> str:
        """What the prose shows after the number `key`: its range and class in parentheses, or ""."""
        if self.table is None or key not in self.table.index or not self.number_class(key):
            return ""
        median = self._cell(key, "median")
        centre = ""
        if self.outside(key) and median is not None and math.isfinite(float(median)):
            centre = f", median {self._value(key, float(median))}"
        return f" (reconstructions: {self.range(key)}{centre}; {self.class_words(key)}{self.outside_text(key)})"

    def prose_values(self, prefix: str, values: Mapping[str, Any]) -> dict[str, str]:
        """``<name>_ri`` texts for every number among `values` (glued by `ProseValues.add`)."""
        return {
            f"{name}_ri": self.text(f"{prefix}_{name}")
            for name, value in values.items()
            if isinstance(value, int | float) and not isinstance(value, bool)
        }

    def implied(self, labels: Mapping[str, str]) -> list[str]:
        """Labels of `labels` (key to words) whose numbers the published figures fix or narrow."""
        keep = interval_classes.IMPLIED_CLASSES
        return [label for key, label in labels.items() if self.number_class(key) in keep]


def for_chapter(chapter: str, dataset: Dataset, **parameters: Any) -> SectionIntervals:
    """The intervals of a chapter's numbers, as the ensemble build step stored them.

    Parameters
    ----------
    chapter : str
        A key of `tacmg.presentation.chapter_numbers.CHAPTER_FUNCTIONS`, e.g. ``"02-clinical-scores"``.
    dataset : Dataset
        The data shown; the intervals apply only to the committed reconstruction.
    **parameters
        The chapter's parameters as the reader set them (keywords of its numbers function). The
        stored intervals are those of the defaults: a parameter set otherwise is named in the
        chapter's note (`note`), and nothing is recomputed, so a reader's change answers in seconds.

    Returns
    -------
    SectionIntervals
    """
    from tacmg.presentation.chapter_numbers import CHAPTER_FUNCTIONS, SET_BY_PRIORS

    defaults = {
        name: parameter.default
        for name, parameter in inspect.signature(CHAPTER_FUNCTIONS[chapter]).parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }
    unknown = set(parameters) - set(defaults)
    if unknown:
        raise TypeError(f"{chapter} has no parameter {', '.join(sorted(unknown))}")
    changed = tuple(name for name, value in parameters.items() if not _same(value, defaults[name]))
    table = reconstruction_intervals.intervals_for(chapter, dataset, set(SET_BY_PRIORS))
    return SectionIntervals(table, changed)


def _same(a: Any, b: Any) -> bool:
    """Whether a parameter value equals its default (tuples and lists alike, mappings by content)."""
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return list(a) == list(b)
    return bool(a == b)


@dataclass(frozen=True)
class FlatNumbers:
    """``{prefix: {name: value}}`` flattened to ``{prefix_name: value}`` (picklable)."""

    numbers: Callable[[Dataset], Mapping[str, Mapping[str, Any]]]

    def __call__(self, dataset: Dataset) -> dict[str, Any]:
        sections = self.numbers(dataset).items()
        return {f"{prefix}_{name}": value for prefix, values in sections for name, value in values.items()}


def with_intervals(
    view: pd.DataFrame, intervals: SectionIntervals, keys: Sequence[str], what: str, unit: str | None = None
) -> pd.DataFrame:
    """`view` with the range and class of one number per row (unchanged where intervals do not apply).

    Parameters
    ----------
    view : pandas.DataFrame
        A table as the page shows it.
    intervals : SectionIntervals
    keys : sequence of str
        For each row, the key of its number (``<prefix>_<name>``).
    what : str
        What the number is, for the column header (e.g. "Hodges-Lehmann change").
    unit : str, optional
        The unit the number's column is written in (`tacmg.stats.rounding.quantity_text`:
        'points', 'mg/day', 'ratio', 'correlation'), so the range reads like it; named in the
        header where it is a unit of measurement.

    Examples
    --------
    >>> t = pd.DataFrame({"ri_low": [-6.0], "ri_high": [-3.0], "number_class": ["narrowed by the published tests"]},
    ...                  index=["scores_qmg_hl"])
    >>> shown = with_intervals(pd.DataFrame({"outcome": ["QMG"]}), SectionIntervals(t), ["scores_qmg_hl"], "HL")
    >>> shown.iloc[0].tolist()
    ['QMG', '-6 to -3', 'narrowed by the published tests']
    """
    if not intervals.applies:
        return view
    return view.assign(
        **{
            f"{what}{_unit_words(unit)}: {RANGE_COLUMN.lower()}": [intervals.range(k, unit) for k in keys],
            CLASS_COLUMN: [intervals.class_words(k) for k in keys],
        }
    )


def _unit_words(unit: str | None) -> str:
    return f" ({unit})" if unit and unit not in ("ratio", "correlation") else ""


def note(intervals: SectionIntervals) -> str:
    """One paragraph saying what the intervals beside the numbers are, or why there are none.

    Examples
    --------
    >>> note(SectionIntervals(None)).startswith("Reconstruction intervals are not shown")
    True
    """
    if not intervals.applies:
        return NOT_APPLICABLE
    return (
        f"Beside a number derived from the reconstruction stands its range across "
        f"{reconstruction_intervals.ENSEMBLE_SIZE:,} reconstructed cohorts that meet every published claim this "
        f"one was built to meet (the middle 95%, from 2.5% to 97.5%; whole numbers for a count), and which "
        f"published figures narrow it: the summaries (counts, medians, means), against cohorts drawn from the "
        f"priors alone; the tests, against cohorts that meet the summaries only; both; or neither, when its "
        f"place comes from priors that were themselves centred on the report. A number the same in every "
        f"reconstruction is fixed by the published figures, one a prior sets outright is set by a prior. The "
        f"rule, and its Monte Carlo noise, are on the methods page. Where this cohort's own value lies outside "
        f"its range, the text says so: that value is an accident of one draw. This range is not a confidence "
        f"interval: it measures what the published figures leave open, not how precisely anything was measured."
    ) + _changed_text(intervals.changed)


def _changed_text(changed: Sequence[str]) -> str:
    """The note's last sentence when the reader changed a parameter ("" when none).

    Examples
    --------
    >>> print(_changed_text(["confidence", "mcid"])[:88])
     The ranges were computed once, for the default parameters; you changed `confidence` and
    >>> _changed_text([])
    ''
    """
    if not changed:
        return ""
    names = listed([f"`{name}`" for name in changed])
    pronoun = "it" if len(changed) == 1 else "them"
    return (
        f" The ranges were computed once, for the default parameters; you changed {names}, so a range beside "
        f"a number that depends on {pronoun} describes the default analysis, not this one."
    )


def listed(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
