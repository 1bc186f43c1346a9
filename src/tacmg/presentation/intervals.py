"""How a chapter shows reconstruction intervals: beside a number in the prose, as columns in a table.

`tacmg.analyses.reconstruction_intervals` computes each derived number's 2.5-97.5% range across
the reconstructions and its class; this module turns them into words. A chapter asks once for
its intervals (`for_chapter`, read from what the ensemble build step stored), then

- ``v.add(prefix, values, intervals=ri)`` glues, for each number ``<key>``, ``<key>_ri``, a compact
  marker a sentence quotes where the range informs it (" [-6 to -3 across reconstructions]"; ""
  on a reader's own data), and ``<key>_draw``, "" unless the committed value lies outside its
  range, which other sentences that quote a derived number carry: that value is an unusual draw;
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
from tacmg.presentation.prose import words as listed
from tacmg.presentation.tables import is_p_value
from tacmg.stats.rounding import fixed, minus_signs, p_value_text, quantity_text

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
    """Two percentages as a range, one figure when they agree: ``(17.4, 39.4)`` gives '17% to 39%'."""
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
    >>> SectionIntervals(None).applies, SectionIntervals(None).range("scores_qmg_hl")
    (False, 'n/a')
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

    def _decimals(self, key: str, value: float) -> int:
        """How many decimals the prose marker of `key` shows: the number's own, so the range reads like it.

        A count reads as whole numbers, a percentage as whole percent (the prose shows it with
        ``.f0``), a correlation or ratio to two decimals (``.f2``, ``.sf2``); anything else (points,
        mg/day, years) to the decimals its value or its ends need, at most two.
        """
        parts = set(key.split("_"))
        if parts & {"rho", "rb", "ratio"}:
            return 2
        if parts & {"pct", "share"}:
            return 0
        if self._is_count(key) and not parts & {"hl", "median", "mean"}:
            return 0
        ends = [value, float(self._cell(key, "ri_low")), float(self._cell(key, "ri_high"))]
        return max((len(fixed(x).partition(".")[2]) for x in ends if math.isfinite(x)), default=0)

    def _marker_value(self, key: str, value: float, decimals: int) -> str:
        """One number as the marker writes it (a share of 0-1 in percent, a p as tables show it)."""
        if is_p_value(key):
            return p_value_text(value)
        if "share" in key.split("_"):
            return fixed(100 * value, decimals) + "%"
        return fixed(value, decimals) + ("%" if "pct" in key.split("_") else "")

    def _marker_range(self, key: str, value: float, decimals: int | None = None) -> str:
        decimals = self._decimals(key, value) if decimals is None else decimals
        low, high = (self._marker_value(key, float(self._cell(key, end)), decimals) for end in ("ri_low", "ri_high"))
        return low if low == high else f"{low} to {high}"

    def outside_text(self, key: str) -> str:
        """Where the committed value lies against the ensemble, as words ("" when within its range).

        A value outside its range is one draw's accident, and that changes how to read it: the
        words give the share of reconstructions at or beyond it, and where most of them lie.

        Examples
        --------
        >>> t = pd.DataFrame({"ri_low": [5.0], "ri_high": [11.0], "number_class": ["set by a prior"],
        ...                   "count": [True], "committed": [2.0], "outside": [True],
        ...                   "share_at_most": [0.006], "share_at_least": [1.0]}, index=["corr_n"])
        >>> SectionIntervals(t).outside_text("corr_n")
        'an unusual draw: only 0.6% of reconstructions give 2 or fewer, 95% give 5 to 11'
        """
        if not self.outside(key):
            return ""
        value = float(self._cell(key, "committed"))
        below = value < float(self._cell(key, "ri_low"))
        share = float(self._cell(key, "share_at_most" if below else "share_at_least"))
        beyond = ("fewer" if self._is_count(key) else "less") if below else "more"
        decimals = self._decimals(key, value)
        end = float(self._cell(key, "ri_low" if below else "ri_high"))
        while decimals < 4 and self._marker_value(key, value, decimals) == self._marker_value(key, end, decimals):
            decimals += 1  # a value just outside must not read as the end it lies beyond
        give = f"{self._marker_value(key, value, decimals)} or {beyond}"
        rare = "no reconstruction gives" if share == 0 else f"only {fixed(100 * share, 1)}% of reconstructions give"
        return f"an unusual draw: {rare} {give}, 95% give {self._marker_range(key, value, decimals)}"

    def text(self, key: str, value: float | None = None) -> str:
        """The compact marker the prose shows after the number `key`, or "" where intervals do not apply.

        " [−6 to −3 across reconstructions]": the middle 95% of the number across the
        reconstructions, written with the number's own decimals; " [5 in every reconstruction]"
        when they all agree; and, when the committed cohort's value lies outside its own range,
        the words of `outside_text` instead, since that changes how to read the number. What
        narrows the range (its class) is shown in the chapter's tables and its "what the
        published figures pin down" sentence, not beside each number.

        Parameters
        ----------
        key : str
            ``<prefix>_<name>``.
        value : float, optional
            The number as the prose shows it (default: the committed value the intervals stored),
            which sets the marker's decimals.

        Examples
        --------
        >>> t = pd.DataFrame({"ri_low": [-6.0, 0.69], "ri_high": [-3.5, 0.84], "count": [False, False],
        ...                   "number_class": ["narrowed by the published tests", "set by a prior"]},
        ...                  index=["scores_qmg_hl", "scores_share_mcid"])
        >>> SectionIntervals(t).text("scores_qmg_hl", -4.0), SectionIntervals(t).text("scores_share_mcid", 0.75)
        (' [−6.0 to −3.5 across reconstructions]', ' [69% to 84% across reconstructions]')
        >>> SectionIntervals(None).text("scores_qmg_hl", -4.0)
        ''
        """
        if self.table is None or key not in self.table.index or not self.number_class(key):
            return ""
        if value is None:
            value = float(self._cell(key, "committed", self._cell(key, "ri_low")))
        if self.outside(key):
            return minus_signs(f" [{self.outside_text(key)}]")
        shown = self._marker_range(key, float(value))
        where = "in every reconstruction" if " to " not in shown else "across reconstructions"
        return minus_signs(f" [{shown} {where}]")

    def draw_text(self, key: str) -> str:
        """`text` only where the committed value is an unusual draw: for a sentence the range does not inform."""
        return self.text(key) if self.outside(key) else ""

    def prose_values(self, prefix: str, values: Mapping[str, Any]) -> dict[str, str]:
        """For every number among `values`, ``<name>_ri`` (`text`, the compact marker) and
        ``<name>_draw`` (`draw_text`), glued by `ProseValues.add`."""
        numbers = {
            name: float(value)
            for name, value in values.items()
            if isinstance(value, int | float) and not isinstance(value, bool)
        }
        markers = {f"{name}_ri": self.text(f"{prefix}_{name}", value) for name, value in numbers.items()}
        draws = {f"{name}_draw": self.draw_text(f"{prefix}_{name}") for name in numbers}
        return {**markers, **draws}

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
    both_sequences = isinstance(a, list | tuple) and isinstance(b, list | tuple)
    return list(a) == list(b) if both_sequences else bool(a == b)


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
    ['QMG', '−6 to −3', 'narrowed by the published tests']
    """
    if not intervals.applies:
        return view
    return view.assign(
        **{
            f"{what}{_unit_words(unit)}: {RANGE_COLUMN.lower()}": [minus_signs(intervals.range(k, unit)) for k in keys],
            CLASS_COLUMN: [intervals.class_words(k) for k in keys],
        }
    )


def _unit_words(unit: str | None) -> str:
    return f" ({unit})" if unit and unit not in ("ratio", "correlation") else ""


def note(intervals: SectionIntervals) -> str:
    """One paragraph saying what the brackets after the numbers are, or why there are none.

    Examples
    --------
    >>> note(SectionIntervals(None)).startswith("Reconstruction intervals are not shown")
    True
    """
    if not intervals.applies:
        return NOT_APPLICABLE
    return (
        f"A bracket after a number, [a to b across reconstructions], gives the middle 95% of that number across "
        f"{reconstruction_intervals.ENSEMBLE_SIZE:,} reconstructed cohorts that meet the published claims this one "
        f"was built to meet: what the published figures leave open, not a confidence interval. The tables say "
        f"which published figures narrow each range (the rule is on the methods page). Where this cohort's own "
        f"value lies outside its range, the bracket says so: that value is an unusual draw."
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
