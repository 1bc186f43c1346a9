"""How charts are displayed: the book's HTML outside JupyterLab, JupyterLab's own renderer in it."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import altair as alt
import nbformat
import pandas as pd
import pytest
import vl_convert as vlc

from tacmg.presentation import chart_display, sensitivity_charts
from test_toolchain import load_tool


@pytest.fixture
def restore_renderer():
    yield
    alt.renderers.enable("default")  # enable() is global: leave the other tests Altair's default


def shares_as_priors_move() -> pd.DataFrame:
    """Shares of two claims across the status-link priors (a: lower and upper end; b, c: a value)."""
    rows = [
        {"relaxation": "a", "value": low, "high": high, "claim_id": claim, "share": share}
        for low in (0.3, 0.5)
        for high in (1.0, 1.3)
        for claim, share in (("qmg-decrease", 0.87 - low), ("prednisone-decrease", 1.0))
    ]
    rows += [
        {"relaxation": r, "value": value, "high": math.nan, "claim_id": "qmg-decrease", "share": 0.97 - value}
        for r in ("b", "c")
        for value in (0.0, 0.5)
    ]
    return pd.DataFrame(rows)


def _chart() -> alt.Chart:
    return alt.Chart(alt.Data(values=[{"x": 1}])).mark_point().encode(x="x:Q", tooltip=["x:Q"])


def test_for_the_book_charts_stay_html(monkeypatch, restore_renderer):
    monkeypatch.setenv(chart_display.BOOK_BUILD_VARIABLE, "1")
    chart_display.enable()
    bundle = _chart()._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "altair-viz-" in bundle["text/html"] and chart_display.VEGALITE_MIME not in bundle
    assert '"renderer": "svg"' in bundle["text/html"]


def test_in_a_notebook_a_chart_is_its_spec_and_carries_no_library(monkeypatch, restore_renderer):
    monkeypatch.delenv(chart_display.BOOK_BUILD_VARIABLE, raising=False)
    chart_display.enable()
    bundle, metadata = _chart()._repr_mimebundle_()
    # No text/html beside it: JupyterLab would prefer it to its own Vega-Lite renderer.
    assert set(bundle) == {chart_display.VEGALITE_MIME, "text/plain"}
    spec = bundle[chart_display.VEGALITE_MIME]
    assert "$schema" not in spec and spec["mark"]["type"] == "point"
    assert "VEGA_DEBUG" not in str(bundle) and len(str(bundle)) < 5_000  # no vendored library inside
    assert metadata[chart_display.VEGALITE_MIME]["embed_options"]["renderer"] == "svg"


CHART_CELLS = [
    "import altair as alt\nfrom tacmg.presentation import chart_display\nchart_display.enable()",
    "alt.Chart(alt.Data(values=[{'x': 1}])).mark_point().encode(x='x:Q')",
]


def _chart_output_types(run) -> list[str]:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in CHART_CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return sorted(run(notebook)["cells"][1]["outputs"][0]["data"])


def test_the_books_kernels_make_html_charts_and_the_stored_notebooks_vega_lite(monkeypatch, tmp_path):
    # Real kernels: they inherit the variable from the process that starts them, as MyST-NB's do
    # from the book's build (tools/page_assets_ext.py sets it there).
    stored = load_tool("execute_notebooks")
    monkeypatch.setenv(chart_display.BOOK_BUILD_VARIABLE, "1")
    assert _chart_output_types(lambda nb: stored.execute(nb, tmp_path)) == ["text/html", "text/plain"]
    monkeypatch.delenv(chart_display.BOOK_BUILD_VARIABLE)
    assert _chart_output_types(lambda nb: stored.execute(nb, tmp_path)) == [chart_display.VEGALITE_MIME, "text/plain"]


def test_jupyterlabs_vega_lite_5_draws_the_slider_chart_as_vega_lite_6_does():
    # JupyterLab 4 compiles with Vega-Lite 5 (5.6); the oldest 5.x vl-convert ships stands in for it.
    fives = [v for v in vlc.get_vegalite_versions() if v.startswith("5.")]
    oldest_5 = min(fives, key=lambda v: tuple(map(int, v.split("."))))
    starts = {"a": (0.3, 1.3), "b": (0.5, math.nan), "c": (0.5, math.nan)}
    chart = sensitivity_charts.sensitivity_curves(shares_as_priors_move(), starts)
    spec, _ = chart_display.vegalite_mimebundle(chart.to_dict())
    spec = spec[chart_display.VEGALITE_MIME]

    def texts(version: str) -> list[str]:
        return re.findall(r"<text[^>]*>([^<]*)</text>", vlc.vegalite_to_svg(spec, vl_version=version))

    assert texts(oldest_5) == texts("6.4") and "QMG fell: 57%" in " ".join(texts(oldest_5))


def test_every_stored_chart_draws_the_same_with_jupyterlabs_vega_lite_5():
    # The stored notebooks' charts, as JupyterLab draws them before Run All: the same marks' text
    # with Vega-Lite 5 (JupyterLab's) as with the Vega-Lite 6 Altair writes for.
    specs = [
        (path.name, output["data"][chart_display.VEGALITE_MIME])
        for path in sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
        for output in cell.get("outputs", [])
        if chart_display.VEGALITE_MIME in output.get("data", {})
    ]
    assert specs, "no stored chart is a Vega-Lite mimebundle: run make notebooks"
    fives = [v for v in vlc.get_vegalite_versions() if v.startswith("5.")]
    oldest_5 = min(fives, key=lambda v: tuple(map(int, v.split("."))))

    def texts(spec: dict, version: str) -> list[str]:
        return re.findall(r"<text[^>]*>([^<]*)</text>", vlc.vegalite_to_svg(spec, vl_version=version))

    differ = [name for name, spec in specs if texts(spec, oldest_5) != texts(spec, "6.4")]
    assert differ == []
