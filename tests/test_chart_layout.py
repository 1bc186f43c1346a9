"""The phone layout and dark mode of the charts (tacmg.presentation.chart_layout): the script's
pure functions run in node on real chart specs, and the colours it uses are checked for contrast."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from tacmg.presentation import chart_layout, chart_theme, colour_contrast, palette, robustness_charts
from tacmg.presentation.chart_parts import paired_slopes, side_by_side

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed (apt-get install nodejs)")


def run_layout(tmp_path, call: str, *arguments):
    """`call` (a JavaScript expression over `layout` and `args`) evaluated by node on the script."""
    script = tmp_path / "chart_layout.js"
    script.write_text(chart_layout.script(), encoding="utf-8")
    program = (
        f"const layout = require({json.dumps(str(script))});"
        f"const args = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        f"process.stdout.write(JSON.stringify({call}));"
    )
    arguments_json = json.dumps(arguments)
    done = subprocess.run([NODE, "-e", program], input=arguments_json, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def _two_panels() -> dict:
    paired = pd.DataFrame({"baseline": [10, 8, 7], "month_12": [6, 8, 9], "status": ["MM", "U", "I"]})
    left = paired_slopes(paired, "QMG", "points", True, colour_by="status")
    right = paired_slopes(paired, "MG-ADL", "points", True, colour_by="status")
    return side_by_side(left, right).to_dict()


@needs_node
def test_the_phone_layout_stacks_panels_and_puts_legends_below(tmp_path):
    spec = _two_panels()
    phone = run_layout(tmp_path, "layout.phoneLayout(args[0], 300)", spec)
    assert "hconcat" not in phone and len(phone["vconcat"]) == 2
    legends = [layer["encoding"]["color"]["legend"] for panel in phone["vconcat"] for layer in panel["layer"]]
    assert {(lg["orient"], lg["direction"], lg["columns"]) for lg in legends} == {("bottom", "vertical", 1)}
    assert phone["datasets"] == spec["datasets"]  # the data are never touched


@needs_node
def test_the_phone_layout_breaks_long_titles_to_the_column(tmp_path):
    title = "Share of cohorts in which each claim holds under each analysis choice, by claim"
    spec = {"title": {"text": title, "subtitle": ["Reconstructed cohorts, not patient data"]}, "mark": "point"}
    phone = run_layout(tmp_path, "layout.phoneLayout(args[0], 200)", spec)
    lines = phone["title"]["text"]
    assert isinstance(lines, list) and " ".join(lines) == title
    size = chart_theme.FONT_SIZES["title"] * chart_layout.SETTINGS["charWidth"]
    assert max(len(line) for line in lines) * size <= 200 + size * 12  # a line may hold one long word


@needs_node
def test_a_grid_takes_one_column_and_widths_shrink_by_the_overflow(tmp_path):
    spec = {"concat": [{"mark": "point", "width": 300}, {"mark": "point", "width": {"step": 60}}], "columns": 3}
    phone = run_layout(tmp_path, "layout.phoneLayout(args[0], 300)", spec)
    assert phone["columns"] == 1
    fitted = run_layout(tmp_path, "layout.fitWidths(args[0], 100, 0.5)", phone)
    assert [panel["width"] for panel in fitted["concat"]] == [200, {"step": 30}]
    floor = run_layout(tmp_path, "layout.fitWidths(args[0], 1000, 0.01)", phone)
    assert [panel["width"] for panel in floor["concat"]] == [
        chart_layout.SETTINGS["minWidth"],
        {"step": chart_layout.SETTINGS["minStep"]},
    ]


@needs_node
def test_dark_mode_swaps_role_colours_but_keeps_heatmap_cells_and_their_text(tmp_path):
    frame = pd.DataFrame(
        {"claim_id": ["qmg-decrease"] * 2, "scenario": ["a", "b"], "share": [1.0, 0.2], "ci_low": 0.1, "ci_high": 1.0}
    )
    heatmap = robustness_charts.share_heatmap(frame, "scenario", ["a", "b"], "t").to_dict()
    slopes = _two_panels()
    dark_heatmap, dark_slopes = run_layout(tmp_path, "args.map(layout.darkSpec)", heatmap, slopes)
    assert dark_heatmap["config"]["background"] == palette.DARK_PAGE
    cells, text = dark_heatmap["layer"]
    assert cells["encoding"]["color"]["scale"]["range"] == list(palette.DIVERGING_STOPS)
    assert text["encoding"]["color"] == heatmap["layer"][1]["encoding"]["color"]
    assert dark_heatmap["title"]["subtitleColor"] == palette.DARK_COUNTERPARTS[palette.NOTE_COLOUR]
    # the "unchanged" status (black in light mode) is drawn in its light counterpart
    layers = [layer for panel in dark_slopes["hconcat"] for layer in panel["layer"]]
    ranges = [layer["encoding"]["color"]["scale"]["range"] for layer in layers]
    light = palette.STATUS_COLOURS["U"]
    assert all(palette.DARK_COUNTERPARTS[light] in r and light not in r for r in ranges)


def test_dark_counterparts_read_on_the_dark_page():
    counterparts = palette.DARK_COUNTERPARTS.items()
    on_page = {light: colour_contrast.contrast_ratio(dark, palette.DARK_PAGE) for light, dark in counterparts}
    for role in (palette.NEUTRALS["ink"], palette.NEUTRALS["rule"], palette.NOTE_COLOUR):
        assert on_page[role] >= 4.5, role  # drawn as text
    for role in (*palette.DIVERGING_ENDS.values(), palette.STATUS_COLOURS["U"], palette.STATUS_COLOURS["CSR"]):
        assert on_page[role] >= 3, role  # marks: WCAG's 3:1 for graphics
    for text in (chart_layout.DARK_TEXT,):
        assert colour_contrast.contrast_ratio(text, palette.DARK_PAGE) >= 4.5
    # emphasis keeps its order: ink stands out more than the muted grey, as in light mode
    assert on_page[palette.NEUTRALS["ink"]] > on_page[palette.NEUTRALS["muted"]]


@pytest.mark.parametrize(("middle", "half"), [(0.5, 0.5), (0.0, 1.0)])
def test_every_label_on_a_diverging_cell_reaches_4_5_to_1(middle, half):
    colour = colour_contrast.text_on_diverging("v", middle, half)
    low, high = middle - half, middle + half
    for value in np.linspace(low, high, 401):
        test = colour["condition"]["test"].replace("datum['v']", repr(float(value))).replace("||", "or")
        text = colour["condition"]["value"] if eval(test) else colour["value"]  # text_on_diverging's own test
        cell = colour_contrast.diverging_colour(value, low, high, middle)
        assert colour_contrast.contrast_ratio(text, cell) >= 4.5, value


def test_the_bundle_ends_with_the_layout_script():
    from tacmg.presentation.vega_bundle import build_bundle

    assert build_bundle().endswith(chart_layout.script())
