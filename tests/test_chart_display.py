"""How charts are displayed: the book's HTML outside JupyterLab, JupyterLab's own renderer in it."""

from __future__ import annotations

import math
import re

import altair as alt
import pytest
import vl_convert as vlc

from tacmg.presentation import chart_display, sensitivity_charts
from test_sensitivity_curves import _curves


@pytest.fixture
def restore_renderer():
    yield
    alt.renderers.enable("default")  # enable() is global: leave the other tests Altair's default


def _chart() -> alt.Chart:
    return alt.Chart(alt.Data(values=[{"x": 1}])).mark_point().encode(x="x:Q", tooltip=["x:Q"])


def test_outside_a_jupyter_server_charts_stay_html_for_the_book(monkeypatch, restore_renderer):
    monkeypatch.delenv(chart_display.SERVER_KERNEL_VARIABLE, raising=False)
    chart_display.enable()
    bundle = _chart()._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "altair-viz-" in bundle["text/html"] and chart_display.VEGALITE_MIME not in bundle
    assert '"renderer": "svg"' in bundle["text/html"]


def test_in_jupyterlab_a_chart_is_its_spec_and_carries_no_library(monkeypatch, restore_renderer):
    monkeypatch.setenv(chart_display.SERVER_KERNEL_VARIABLE, "notebooks/02-clinical-scores.md")
    chart_display.enable()
    bundle, metadata = _chart()._repr_mimebundle_()
    assert set(bundle) == {chart_display.VEGALITE_MIME, "text/plain"}
    spec = bundle[chart_display.VEGALITE_MIME]
    assert "$schema" not in spec and spec["mark"]["type"] == "point"
    assert "VEGA_DEBUG" not in str(bundle) and len(str(bundle)) < 5_000  # no vendored library inside
    assert metadata[chart_display.VEGALITE_MIME]["embed_options"]["renderer"] == "svg"


def test_jupyterlabs_vega_lite_5_draws_the_slider_chart_as_vega_lite_6_does():
    # JupyterLab 4 compiles with Vega-Lite 5 (5.6); the oldest 5.x vl-convert ships stands in for it.
    fives = [v for v in vlc.get_vegalite_versions() if v.startswith("5.")]
    oldest_5 = min(fives, key=lambda v: tuple(map(int, v.split("."))))
    starts = {"a": (0.3, 1.3), "b": (0.5, math.nan), "c": (0.5, math.nan)}
    chart = sensitivity_charts.sensitivity_curves(_curves(), starts)
    spec, _ = chart_display.vegalite_mimebundle(chart.to_dict())
    spec = spec[chart_display.VEGALITE_MIME]

    def texts(version: str) -> list[str]:
        return re.findall(r"<text[^>]*>([^<]*)</text>", vlc.vegalite_to_svg(spec, vl_version=version))

    assert texts(oldest_5) == texts("6.4") and "QMG fell: 57%" in " ".join(texts(oldest_5))
