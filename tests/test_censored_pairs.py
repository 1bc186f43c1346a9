"""Values below the detection limit in paired analyses (issue 21, point 3): a clinic-style cohort
with IL-2 written "<X" in about 16 cells, drop-outs and a missing status. Every paired statistic
on the censored molecule reports its range over substitutions of the censored values in (0, X),
a pair censored at both visits is named rather than silently dropped as a zero change, and the
tables show the range."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from clinic_cohort import clinic_tables
from tacmg import load
from tacmg.analyses import censoring, molecule_change
from tacmg.data.contract import TABLES
from tacmg.presentation import molecule_tables

MOLECULE = "il2"


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    tables, _ = clinic_tables()
    values = sorted(float(row[MOLECULE]) for row in tables["visits"])
    limit = float(values[16])  # the 16 lowest patient values are written "<limit"
    for row in [*tables["visits"], *tables["controls"]]:
        if row[MOLECULE] and float(row[MOLECULE]) < limit:
            row[MOLECULE] = f"<{limit:g}"
    directory = tmp_path_factory.mktemp("il2")
    for name, rows in tables.items():
        with (directory / TABLES[name].file).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=TABLES[name].column_names, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return load(directory), limit


def _hl(before, after):
    """Hodges-Lehmann change written out: median of the Walsh averages of the non-zero changes."""
    d = np.asarray(after, float) - np.asarray(before, float)
    d = d[d != 0]
    return float(np.median([(d[i] + d[j]) / 2 for i in range(d.size) for j in range(i, d.size)]))


def test_paired_statistics_report_their_range_over_substitutions(cohort):
    dataset, limit = cohort
    row = molecule_change.paired_change(dataset).set_index("molecule").loc[MOLECULE]
    wide = dataset.paired(MOLECULE).dropna()
    before, after = wide["baseline"].to_numpy(), wide["month_12"].to_numpy()
    low_b, low_a = before < limit, after < limit
    assert row["n_censored"] == int((low_b | low_a).sum()) > 0
    # The X/2 value is one of the substitutions, and the censored values move the rank statistics.
    for name in ("p_value", "p_value_permutation", "effect_size", "hl_change", "hl_ratio"):
        assert row[f"{name}_low"] <= row[name] <= row[f"{name}_high"], name
    assert row["p_value_low"] < row["p_value_high"]
    assert row["effect_size_low"] < row["effect_size_high"]
    # The HL change only grows with a later value and shrinks with an earlier one, so its bounds
    # are at the corners: earlier censored values just below X and later ones at the lowest
    # substitute give the least change, and the other way round the greatest.
    top, bottom = limit * (1 - 1e-6), limit * censoring.LOW_FRACTION
    least = _hl(np.where(low_b, top, before), np.where(low_a, bottom, after))
    greatest = _hl(np.where(low_b, bottom, before), np.where(low_a, top, after))
    assert row["hl_change_low"] == pytest.approx(least) and row["hl_change_high"] == pytest.approx(greatest)
    rng = np.random.default_rng(7)
    for _ in range(20):  # any substitution in between gives a change inside the range
        b = np.where(low_b, rng.uniform(bottom, top, before.size), before)
        a = np.where(low_a, rng.uniform(bottom, top, after.size), after)
        assert row["hl_change_low"] - 1e-9 <= _hl(b, a) <= row["hl_change_high"] + 1e-9


def test_a_pair_censored_at_both_visits_is_named_not_dropped_silently(cohort):
    dataset, limit = cohort
    row = molecule_change.paired_change(dataset).set_index("molecule").loc[MOLECULE]
    wide = dataset.paired(MOLECULE).dropna()
    both = int(((wide["baseline"] < limit) & (wide["month_12"] < limit)).sum())
    assert row["n_censored_both"] == both > 0
    assert f"{both} at both visits, whose change is unknown" in row["censored_ranges"]
    shown = molecule_tables.change_view(molecule_change.paired_change(dataset))
    assert molecule_tables.BELOW_LIMIT_HEADING in shown.columns
    assert (
        shown.loc[shown["Molecule"] == "IL-2", molecule_tables.BELOW_LIMIT_HEADING]
        .iloc[0]
        .startswith(f"{row['n_censored']} of {row['n']} pairs")
    )


def test_kruskal_wallis_on_log_ratios_reports_its_range(cohort):
    dataset, _ = cohort
    row = molecule_change.status_difference_test(dataset).set_index("molecule").loc[MOLECULE]
    assert row["n_censored"] > 0 and row["p_value_low"] <= row["p_value"] <= row["p_value_high"]
    assert row["p_value_low"] < row["p_value_high"]
    complete = molecule_change.status_difference_test(dataset).set_index("molecule").loc["spd1"]
    assert complete["n_censored"] == 0 and np.isnan(complete["p_value_low"])
