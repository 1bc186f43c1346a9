"""Verdicts that never hold on nobody (issue 21, points 4 and 5).

On cohorts where a claim has nothing to test it on (no month-12 visit, no status, no improved
patient, one patient) `python -m tacmg evaluate` must call the claim "not computable", never
"holds"; status claims are read as shares of the patients with a status, with their n; a claim
whose test cannot reach its bound at the sample's size is not computable either.
"""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from tacmg import load
from tacmg.claims.complete_cases import accepted_counts
from tacmg.claims.evaluate import evaluate
from tacmg.claims.registry import load_claims
from tacmg.data.paths import RECONSTRUCTED_DIR


def _copy(directory):
    directory.mkdir()
    for name in ("patients.csv", "visits.csv", "controls.csv"):
        shutil.copy(RECONSTRUCTED_DIR / name, directory / name)
    return directory


def _rewrite(path, change):
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], change(rows[0], rows[1:])
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *body])


def no_month_12(directory):
    _rewrite(directory / "visits.csv", lambda h, rows: [r for r in rows if r[h.index("visit")] != "month_12"])


def no_status(directory):
    def blank(h, rows):
        for r in rows:
            r[h.index("post_intervention_status")] = ""
        return rows

    _rewrite(directory / "patients.csv", blank)


def no_improved_patient(directory):
    def to_unchanged(h, rows):
        for r in rows:
            if r[h.index("post_intervention_status")] == "I":
                r[h.index("post_intervention_status")] = "U"
        return rows

    _rewrite(directory / "patients.csv", to_unchanged)


def one_patient(directory):
    for name, lines in (("patients.csv", 2), ("visits.csv", 3), ("controls.csv", 2)):
        path = directory / name
        path.write_text("\n".join(path.read_text(encoding="utf-8").splitlines()[:lines]) + "\n", encoding="utf-8")


def _cli_rows(directory):
    result = subprocess.run(
        [sys.executable, "-m", "tacmg", "evaluate", str(directory)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout.splitlines()[1:]


@pytest.mark.parametrize("edit", [no_month_12, no_status, no_improved_patient, one_patient])
def test_no_claim_holds_on_nobody(edit, tmp_path):
    directory = _copy(tmp_path / "cohort")
    edit(directory)
    rows = _cli_rows(directory)
    # The printed line of a claim that cannot be computed ends with that verdict, never "holds".
    undecided = [line for line in rows if "not computable" in line]
    assert undecided, "each of these cohorts leaves some claim with nothing to test it on"
    assert all(line.rstrip().endswith("not computable") for line in undecided), "\n".join(undecided)
    assert not any("n = 0 of" in line and "holds" in line for line in rows)


def test_the_claims_each_degenerate_cohort_cannot_test(tmp_path):
    registry = load_claims()
    paired = {c.id for c in registry if c.quantity in ("paired_change", "paired_direction", "no_significant_change")}
    subset = {c.id for c in registry if c.subset == "improved"}
    status = {c.id for c in registry if c.quantity == "status_count"}
    month_12 = {c.id for c in registry if c.quantity == "median" and c.visits[0] == "month_12"}
    expected = {no_month_12: paired | month_12, no_status: subset | status, no_improved_patient: subset}
    for edit, claim_ids in expected.items():
        directory = _copy(tmp_path / edit.__name__)
        edit(directory)
        table = evaluate(load(directory)).set_index("claim_id")
        assert set(table.index[table["verdict"] == "not computable"]) == claim_ids, edit.__name__


def _blank_status(directory, codes, how_many):
    """Blank the status of the first `how_many` patients whose status is in `codes`; return them."""
    blanked = []

    def blank(h, rows):
        for r in rows:
            if r[h.index("post_intervention_status")] in codes and len(blanked) < how_many:
                blanked.append(r[h.index("patient_id")])
                r[h.index("post_intervention_status")] = ""
        return rows

    _rewrite(directory / "patients.csv", blank)
    return blanked


def test_status_claims_are_shares_of_the_patients_with_a_status(tmp_path):
    # Two patients at minimal manifestation lost to follow-up: 9 of 30 with a status is 30%, which
    # fits "roughly 33%" as well as 10 or 11 of 32 do; the raw count 9 lies outside 10-11.
    directory = _copy(tmp_path / "lost")
    dataset = load(RECONSTRUCTED_DIR)
    mm_before = int((dataset.patients["post_intervention_status"] == "MM").sum())
    assert len(_blank_status(directory, ("MM",), 2)) == 2
    table = evaluate(load(directory)).set_index("claim_id")
    n, k = len(dataset.patients) - 2, mm_before - 2
    assert f"{k} of {n} patients" in table.loc["status-mm", "observed"]
    assert f"n = {n} of {len(dataset.patients)} patients with a status" in table.loc["status-mm", "observed"]
    # The counts bracketing the published shares (10/32 and 11/32) of n, computed here by hand.
    low, high = math.floor(10 / 32 * n), math.ceil(11 / 32 * n)
    assert (low <= k <= high) and table.loc["status-mm", "verdict"] == "holds (tested)"
    # 16 improved of 30: 16/32 of 30 is 15, so 16 does not fit.
    assert table.loc["status-improved", "verdict"] == "does not hold"


@pytest.mark.parametrize("n", range(1, 40))
def test_accepted_counts_bracket_the_published_share(n):
    claim = load_claims().by_id("status-mm")
    low, high = accepted_counts(claim, n, 32)
    shares = (10 / 32 * n, 11 / 32 * n)
    assert low <= shares[0] and low > shares[0] - 1
    assert high >= shares[1] and high < shares[1] + 1


def test_a_claim_the_test_cannot_reach_is_not_computable_and_a_reachable_one_is_decided(tmp_path):
    # Keep 5 patients: five non-zero changes cannot give P < 0.05 under the exact signed-rank test
    # (the smallest two-sided p is 2/2^5), so neither "fell significantly" nor "did not" is decided.
    directory = _copy(tmp_path / "five")
    keep = {f"P{i:02d}" for i in range(1, 6)}
    _rewrite(directory / "patients.csv", lambda h, rows: [r for r in rows if r[0] in keep])
    _rewrite(directory / "visits.csv", lambda h, rows: [r for r in rows if r[0] in keep])
    dataset = load(directory)
    table = evaluate(dataset).set_index("claim_id")
    assert stats.wilcoxon(np.arange(1.0, 6), method="exact").pvalue >= 0.05
    wide = dataset.paired("spd1").dropna()
    assert np.count_nonzero(wide["month_12"] - wide["baseline"]) == 5
    assert table.loc["spd1-decrease", "verdict"] == "not computable"
    assert "with 5 non-zero changes" in table.loc["spd1-decrease", "observed"]
    # "Not listed as falling" can fail only if some variant can reach P < 0.05 at this size: the
    # normal approximation without continuity correction can with 5 changes, not with 4.
    wide = dataset.paired("spdl1").dropna()
    k = int(np.count_nonzero(wide["month_12"] - wide["baseline"]))
    extreme = np.arange(1.0, k + 1)
    could_fail = (
        min(
            stats.wilcoxon(extreme, method="exact").pvalue,
            stats.wilcoxon(extreme, method="approx", correction=False).pvalue,
            stats.wilcoxon(extreme, method="approx", correction=True).pvalue,
        )
        < 0.05
    )
    assert (table.loc["no-spdl1-decrease", "verdict"] != "not computable") == could_fail
    # The medians need no test: they are decided on five patients.
    assert table.loc["qmg-median-baseline", "verdict"] in ("holds (tested)", "does not hold")
