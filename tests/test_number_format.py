"""The one number format of tables and prose (`tacmg.stats.rounding`), the readable reference
tables, claims named in words, and a scan of every executed chapter's HTML tables for what a
journal table never shows: snake_case headings, exponent notation, a negative zero, Python
booleans or dict reprs."""

from __future__ import annotations

import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from tacmg.claims.names import claim_name
from tacmg.claims.registry import load_claims
from tacmg.data.datapackage import datapackage_fields_table
from tacmg.presentation import claim_tables, reference_tables
from tacmg.presentation.glue import variant_text
from tacmg.reconstruction.priors import load_priors
from tacmg.stats.rounding import p_exact_text, p_text, p_value_text, quantity_text, share_text, yes_no

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

SNAKE_HEADING = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
FORBIDDEN = {
    "exponent notation": re.compile(r"\d[eE][+-]?\d"),
    "negative zero": re.compile(r"(?<![\d.])-0(\.0+)?%?(?![\d.])"),
    "Python boolean": re.compile(r"\b(True|False)\b"),
    "dict repr": re.compile(r"\{[^{}]*:"),
}


# ----------------------------------------------------------------------------- p-values
@pytest.mark.parametrize(
    "p, cell",
    [
        (0.0004, "< 0.001"),
        (0.0005, "< 0.001"),
        (0.000999, "< 0.001"),
        (0.001, "0.001"),
        (0.00149, "0.001"),
        (0.0123, "0.012"),
        (0.0125, "0.013"),  # half away from zero, not to even
        (0.0496, "0.0496"),  # below 0.05: never printed as 0.050
        (0.0500, "0.050"),
        (0.5, "0.500"),
        (1.0, "1.000"),
        (1e-12, "< 0.001"),
        (0.0, "< 0.001"),
        (-0.0, "< 0.001"),
        (float("nan"), "n/a"),
        (None, "n/a"),
    ],
)
def test_p_value_cells(p, cell):
    assert p_value_text(p) == cell


def test_p_value_floor_and_prose_forms():
    assert p_value_text(0.00004, floor=0.0001) == "< 0.0001"
    assert p_value_text(0.00028, floor=0.0001) == "0.0003"
    assert p_value_text(0.0123, floor=0.0001) == "0.012"
    assert p_text(0.0123) == "P = 0.012" and p_text(1e-12) == "P < 0.001"
    assert p_text(float("nan")) == "P not computable"
    # prose reads the same as the tables
    assert variant_text(0.0123, "p") == p_text(0.0123)
    assert variant_text(2.9e-6, "p4") == "P < 0.0001"
    assert variant_text(4.656612873077393e-10, "px") == "P = 4.7 × 10⁻¹⁰"
    assert variant_text(0.02, "px") == "P = 0.020"


def test_exact_p_keeps_full_precision_without_exponent_notation():
    assert p_exact_text(4.66e-10) == "4.7 × 10⁻¹⁰"
    assert p_exact_text(9.96e-5) == "1.0 × 10⁻⁴"  # the mantissa rounds up to 10: one power more
    assert p_exact_text(1e-12) == "1.0 × 10⁻¹²"
    assert p_exact_text(0.0) == "0"


# ----------------------------------------------------------------------------- quantities
@pytest.mark.parametrize(
    "value, unit, sign, text",
    [
        (-3.5, "points", True, "-3.5 points"),
        (10.0, "points", False, "10.0 points"),
        (-0.0, "points", True, "0.0 points"),
        (-0.04, "points", True, "0.0 points"),  # negative zero after rounding
        (0.04, "points", True, "0.0 points"),  # zero is unsigned
        (13.75, "mg/day", False, "13.75 mg/day"),
        (-57346.2, "pg/mL", True, "-57,300 pg/mL"),
        (81.63, "pg/mL", False, "81.6 pg/mL"),
        (5.126, "pg/mL", False, "5.13 pg/mL"),
        (0.0004, "pg/mL", False, "0.000400 pg/mL"),  # three significant digits, zeros kept
        (1.6852, "ratio", False, "1.69"),
        (-0.004, "correlation", True, "0.00"),
        (0.254, "correlation", True, "+0.25"),
        (-0.04, "%", True, "0.0%"),
        (14.25, "%", True, "+14.3%"),
        (1e-12, "%", False, "0.0%"),
        (float("nan"), "points", False, "n/a"),
        (1.0, "ratio", False, "1.00"),
    ],
)
def test_quantity_text(value, unit, sign, text):
    assert quantity_text(value, unit, sign=sign) == text


def test_shares_and_booleans():
    assert share_text(0.34375) == "34.4%" and share_text(1.0) == "100.0%" and share_text(-0.0) == "0.0%"
    assert share_text(float("nan")) == "n/a"
    assert (yes_no(True), yes_no(False), yes_no(pd.NA), yes_no(math.nan)) == ("yes", "no", "n/a", "n/a")


@pytest.mark.parametrize("value", [1e-12, 1e12, -1e-9, 123456789.0, 0.000123])
@pytest.mark.parametrize("unit", ["points", "mg/day", "pg/mL", "ratio", "%"])
def test_no_format_writes_exponent_notation(value, unit):
    assert not FORBIDDEN["exponent notation"].search(quantity_text(value, unit))


# ----------------------------------------------------------------------------- claims and reference tables
def test_every_claim_has_its_own_name_in_words():
    claims = load_claims()
    names = [claim_name(c) for c in claims]
    assert len(set(names)) == len(names)
    assert not any(c.id in name for c, name in zip(claims, names))


def test_observed_texts_carry_units_and_journal_p_values():
    from tacmg.data.loader import load
    from tacmg.data.paths import RECONSTRUCTED_DIR
    from tacmg.presentation.report import published_vs_data

    table = published_vs_data(load(RECONSTRUCTED_DIR)).set_index("claim")["this data"]
    assert (
        table["qmg-decrease"].startswith("decrease (median change -") and "points), P < 0.0001" in table["qmg-decrease"]
    )
    assert " pg/mL), P " in table["sicosl-decrease"]
    assert re.fullmatch(r"higher, P (< 0\.001|= 0\.\d{3,4})", table["spd1-vs-controls"])
    for text in table:
        for name, pattern in FORBIDDEN.items():
            assert not pattern.search(text), (name, text)


def test_assumptions_and_dictionary_are_readable():
    priors = load_priors()
    shown = reference_tables.assumptions_view(priors.table(), {"molecules": priors.raw["molecules"]["unit"]})
    values = shown.set_index("Assumption")["Value"]
    assert values["Female share"] == "75.0%"
    assert values["Age at onset range"] == "16 to 70 years"
    assert values["Prednisone fraction kept"].startswith("MM: 0.0% to 60.0%; I: 20.0% to 80.0%")
    assert values["Scores follow status"] == "yes"
    for table in (shown, reference_tables.dictionary_view(datapackage_fields_table())):
        assert not any(SNAKE_HEADING.match(c) for c in table.columns)
        for text in table.drop(columns=[c for c in ("Column",) if c in table.columns]).to_numpy().ravel():
            for name, pattern in FORBIDDEN.items():
                assert not pattern.search(str(text)), (name, text)
            assert "0.750000" not in str(text)


def test_chart_inputs_name_claims_in_words():
    frame = pd.DataFrame({"claim_id": ["qmg-decrease", "improved-spd1-decrease"], "share": [1.0, 0.9]})
    assert claim_tables.with_names(frame)["claim_id"].tolist() == ["QMG fall", "sPD-1 fall, improved patients"]


# ----------------------------------------------------------------------------- executed chapters
class _Cells(HTMLParser):
    """Every <th>/<td> of an HTML fragment as (tag, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str]] = []
        self._tag: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("th", "td"):
            self._tag, self._text = tag, []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._tag is not None:
            self.cells.append((self._tag, "".join(self._text).strip()))
            self._tag = None

    def handle_data(self, data):
        if self._tag is not None:
            self._text.append(data)


def table_cells(notebook: Path) -> list[tuple[str, str]]:
    """The (tag, text) of every cell of every HTML table among a notebook's outputs."""
    cells = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            html = "".join(html) if isinstance(html, list) else html
            if html and "<table" in html:
                parser = _Cells()
                parser.feed(html)
                cells += parser.cells
    return cells


def forbidden_in(cells: list[tuple[str, str]]) -> list[str]:
    """What the scan objects to, one line per offending cell."""
    found = []
    for tag, text in cells:
        if tag == "th" and SNAKE_HEADING.match(text):
            found.append(f"snake_case heading {text!r}")
        for name, pattern in FORBIDDEN.items():
            if pattern.search(text):
                found.append(f"{name} in {text[:80]!r}")
    return found


def test_the_scan_catches_each_forbidden_pattern():
    bad = [("th", "p_value"), ("td", "-5.73e+04"), ("td", "-0%"), ("td", "-0.00"), ("td", "True"), ("td", "{'a': 1}")]
    assert len(forbidden_in(bad)) == len(bad)
    good = [("th", "P (adjusted)"), ("td", "-0.05"), ("td", "10-7"), ("td", "< 0.001"), ("td", "-57,300")]
    assert forbidden_in(good) == []


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_executed_tables_hold_no_forbidden_pattern(notebook):
    cells = table_cells(notebook)
    assert cells, "no HTML table in the executed notebook"
    assert forbidden_in(cells) == []


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("-3.5 (-6.0 to -0.5) points", "\u22123.5 (\u22126.0 to \u22120.5) points"),
        ("from 4 to -.5", "from 4 to \u2212.5"),
        ("-\u221e to 4", "\u2212\u221e to 4"),
        (
            "MG-ADL, sCD25-2, 2022-08-27, a range 5-10, a dash - alone",
            "MG-ADL, sCD25-2, 2022-08-27, a range 5-10, a dash - alone",
        ),
    ],
)
def test_a_reader_sees_true_minus_signs_and_hyphens_stay(text, shown):
    from tacmg.stats.rounding import minus_signs

    assert minus_signs(text) == shown
