"""Cohorts larger than a chart holds: every chart still renders, says when it shows a sample, and
is unchanged on a cohort small enough to show whole; the estimates that used exact distributions
switch to their approximations instead of overflowing.

The large cohort is made by `bench/bench_sizes.py`'s `synthetic_cohort` (patients drawn with
replacement from the committed reconstruction), the cohort the benchmarks time.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tacmg
from tacmg.data.paths import RECONSTRUCTED_DIR
from tacmg.presentation import chart_parts, palette
from tacmg.stats import estimates
from test_charts import all_charts, per_patient_charts

BENCH_SIZES = Path(__file__).resolve().parent.parent / "bench" / "bench_sizes.py"
LARGE = 6000  # patients: every per-patient chart of this cohort exceeds palette.CHART_MAX_ROWS
SAMPLED = re.compile(r"A random ([\d,]+) of ([\d,]+) [a-z' ]+ shown")


def _synthetic_cohort():
    spec = importlib.util.spec_from_file_location("bench_sizes", BENCH_SIZES)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthetic_cohort


def _title_lines(node) -> list[str]:
    """Every title and subtitle line anywhere in a Vega-Lite spec."""
    lines: list[str] = []
    if isinstance(node, dict):
        title = node.get("title")
        if isinstance(title, dict):
            for key in ("text", "subtitle"):
                value = title.get(key, [])
                lines += [value] if isinstance(value, str) else list(value)
        for key, value in node.items():
            if key not in ("datasets", "data"):
                lines += _title_lines(value)
    elif isinstance(node, list):
        for item in node:
            lines += _title_lines(item)
    return lines


def _largest_dataset(spec: dict) -> int:
    return max((len(rows) for rows in spec.get("datasets", {}).values()), default=0)


# The tests of the large cohort share it on one pytest-xdist worker (make unit: --dist loadfile sends
# this module to one worker; the group is for --dist loadgroup, which pytest 9.2 ignores: xdist#1386).
ONE_COHORT = pytest.mark.xdist_group("large-cohort")


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    directory = _synthetic_cohort()(tmp_path_factory.mktemp("large-cohort"), LARGE, 3)
    return tacmg.load(directory)


@pytest.fixture(scope="module")
def large_specs(large) -> dict[str, dict]:
    """The charts that grow with the cohort (the others hold a row per molecule, claim or status)."""
    return {name: chart.to_dict() for name, chart in per_patient_charts(large).items()}


@ONE_COHORT
def test_every_chart_that_grows_with_the_cohort_renders_within_the_row_limit(large_specs):
    for name, spec in large_specs.items():
        assert _largest_dataset(spec) <= palette.CHART_MAX_ROWS, name


@ONE_COHORT
def test_a_sampled_chart_says_so_under_its_title(large_specs):
    assert len(large_specs) == 8
    for name in large_specs:
        notes = [m for line in _title_lines(large_specs[name]) if (m := SAMPLED.search(line))]
        assert notes, f"{name}: no sampling note"
        for note in notes:
            shown, total = (int(group.replace(",", "")) for group in note.groups())
            assert 0 < shown < total, (name, note.group(0))


@ONE_COHORT
def test_alternative_text_describes_every_patient_not_the_sample(large_specs):
    assert f"for {LARGE} patients" in large_specs["01 means"]["description"]


def test_no_chart_of_the_committed_cohort_is_sampled():
    specs = {name: chart.to_dict() for name, chart in all_charts(tacmg.load(RECONSTRUCTED_DIR)).items()}
    for name, spec in specs.items():
        assert not any(SAMPLED.search(line) for line in _title_lines(spec)), name


def test_chart_rows_keeps_small_frames_and_samples_large_ones_whole_units_reproducibly():
    small = pd.DataFrame({"patient": np.repeat(np.arange(10), 2), "value": np.arange(20.0)})
    rows, notes = palette.chart_rows(small, "patient")
    assert rows is small and notes == []
    large = pd.DataFrame({"patient": np.repeat(np.arange(4000), 2), "value": np.arange(8000.0)})
    rows, notes = palette.chart_rows(large, "patient")
    again, _ = palette.chart_rows(large, "patient")
    assert rows.equals(again)
    assert len(rows) <= palette.CHART_SAMPLE_ROWS and rows.groupby("patient").size().eq(2).all()
    assert notes == [f"A random {len(rows) // 2:,} of 4,000 patients shown (a chart holds at most 5,000 rows)"]


def test_a_sampled_strip_keeps_the_medians_of_every_value():
    values = pd.DataFrame({"group": "Baseline", "value": np.r_[np.zeros(3000), np.arange(1.0, 3001.0)]})
    spec = chart_parts.strip_by_group(values, "x", "u", True, log_scale=False).to_dict()
    medians = [rows for rows in spec["datasets"].values() if len(rows) == 1]
    assert medians == [[{"group": "Baseline", "value": 0.5}]]


def test_the_paired_interval_switches_to_the_normal_critical_value_over_the_exact_limit(monkeypatch):
    rng = np.random.default_rng(5)
    before = rng.normal(10, 2, 2000)
    after = before + rng.normal(-0.5, 1, 2000)
    shift = estimates.paired_shift(before, after)
    assert np.isfinite([shift.low, shift.high]).all() and shift.low < shift.estimate < shift.high
    # the normal critical value agrees with the exact one where both can be computed
    exact = [estimates.signed_rank_critical(n, 0.95) for n in (30, 50)]
    monkeypatch.setattr(estimates, "exact_allowed", lambda *sizes: False)
    normal = [estimates.signed_rank_critical(n, 0.95) for n in (30, 50)]
    assert exact != [0, 0] and all(abs(e - a) <= 1 for e, a in zip(exact, normal))


def test_the_conditional_interval_bisects_as_the_scan_finds_over_the_exact_limit(monkeypatch):
    rng = np.random.default_rng(2)
    before = rng.integers(5, 30, 80).astype(float)
    after = before + rng.integers(-6, 3, 80)
    bisected = estimates.paired_shift(before, after, interval="conditional")
    monkeypatch.setattr(estimates, "exact_allowed", lambda *sizes: True)  # forces the scan of every candidate
    scanned = estimates._conditional_interval(after - before, 0.95, "wilcox")
    assert (bisected.low, bisected.high) == scanned


def test_the_joined_column_scan_finds_exactly_the_cells_the_cell_rule_finds():
    from tacmg.data.column_rules import has_special
    from tacmg.data.contract import CENSORED_PREFIX, MISSING_VALUES, VISITS_TABLE

    column = VISITS_TABLE.columns[-1]  # a molecule: may be missing or censored

    def by_cell(cells):
        return any(c in MISSING_VALUES or not c.strip() or c.startswith(CENSORED_PREFIX) for c in cells)

    pieces = ["1", "2.5", "NA", "na", "N/A", "n/a", ".", "", " ", "\t", "<3", "< 3", "x<3", "NA ", " NA", ".5"]
    pieces += ["N", "\u00a0", "1\n", "\n"]  # (a cell holding NUL, refused by the cell rules, may only add a match)
    rng = np.random.default_rng(0)
    for _ in range(2000):
        cells = [pieces[int(i)] for i in rng.integers(len(pieces), size=rng.integers(1, 4))]
        assert has_special(column, cells) == by_cell(cells), cells


def test_an_empty_conditional_interval_reads_none():
    from tacmg.presentation.tables import hl_conventions_view

    row = {"label": "MG-ADL", "score": "adl", "n": 3000, "n_nonzero": 2900, "confidence": 0.95}
    row |= {f"hl_change{s}": -2.5 for s in ("", "_ci_low", "_ci_high")}
    row |= {f"hl_change_all_n{s}": -2.0 for s in ("", "_ci_low", "_ci_high")}
    row |= {"hl_change_conditional_ci_low": np.nan, "hl_change_conditional_ci_high": np.nan}
    view = hl_conventions_view(pd.DataFrame([row]), {"adl": 2})
    interval = view.filter(regex="(?i)conditional")
    assert interval.iloc[0, 0] == "none"
    heading = "Conditional 95% interval (points; exact up to 50 pairs, normal approximation above)"
    assert interval.columns[0] == heading
