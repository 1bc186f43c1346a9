"""How a chapter's charts reach the screen: a Vega-Lite mimebundle in notebooks, HTML in the book.

Wherever a chapter runs as a notebook (JupyterLab, Binder, `tools/execute_notebooks.py` writing the
stored ``.ipynb``, nbval re-running it), each chart is displayed as its Vega-Lite spec under
JupyterLab's ``application/vnd.vegalite.v5+json`` type, which JupyterLab draws with its own
renderer (its vega5 extension: offline, with tooltips, in light and dark themes), and draws from
the stored ``.ipynb`` as soon as a reader opens the chapter, before anything runs. Nothing else
goes into the notebook: the earlier way, an HTML output holding the 0.75 MB of vendored libraries,
was written into the ``.ipynb`` by every save in JupyterLab, and the stored HTML charts were blank
until the chapter ran (JupyterLab does not run the scripts of an untrusted notebook).

JupyterLab's renderer compiles with Vega-Lite 5 while this Altair writes Vega-Lite 6 specs; the
book's charts use nothing that version 6 added (``tests/test_chart_display.py`` draws them with
both), and the spec's ``$schema`` is left out so that vega-embed does not warn about the version.
The mimebundle holds no ``text/html`` on purpose: JupyterLab ranks HTML above its Vega-Lite
renderer, so a bundle with both would show the (blank, untrusted) HTML.

The book's pages cannot draw that type (MyST-NB renders HTML), so the kernels that execute them,
started by MyST-NB with ``tools/page_assets_ext.py`` loaded, carry
`BOOK_BUILD_VARIABLE`, and there Altair's default HTML output is kept: the built pages load the
vendored libraries from ``_static/vega-bundle.js`` (with `tacmg.presentation.chart_layout`'s phone
layout and dark mode).

Everywhere, vega-embed draws the charts as SVG rather than on a canvas. The book's stylesheet
(``_static/tacmg.css``) scales a chart down to the width of its column, so a chart wider than a
phone is shown whole rather than cut; an SVG's marks keep their tooltips when scaled, where a
scaled canvas would map the pointer to the wrong mark.
"""

from __future__ import annotations

import os
from typing import Any

import altair as alt

# Set (to "1") for the kernels that execute the book's pages; see the module docstring.
BOOK_BUILD_VARIABLE = "TACMG_BOOK_BUILD"
# The newest Vega-Lite type JupyterLab's own renderer (@jupyterlab/vega5-extension) draws.
VEGALITE_MIME = "application/vnd.vegalite.v5+json"
NOTEBOOK_RENDERER = "tacmg-vegalite"
EMBED_OPTIONS = {"renderer": "svg", "actions": False}


def vegalite_mimebundle(spec: dict, **metadata: Any) -> tuple[dict, dict]:
    """An Altair renderer: the chart's spec as a mimebundle JupyterLab draws itself.

    Returns
    -------
    tuple of dict
        The bundle (the spec without ``$schema`` under `VEGALITE_MIME`, and a line of plain
        text) and its metadata (vega-embed's options: SVG, no action menu).

    Examples
    --------
    >>> bundle, meta = vegalite_mimebundle({"$schema": "v6", "mark": "point"})
    >>> bundle[VEGALITE_MIME], meta[VEGALITE_MIME]["embed_options"]["renderer"]
    ({'mark': 'point'}, 'svg')
    """
    chart = {key: value for key, value in spec.items() if key != "$schema"}
    bundle = {VEGALITE_MIME: chart, "text/plain": "<a Vega-Lite chart, drawn by JupyterLab>"}
    return bundle, {VEGALITE_MIME: {"embed_options": EMBED_OPTIONS}}


alt.renderers.register(NOTEBOOK_RENDERER, vegalite_mimebundle)


def for_the_book() -> bool:
    """Whether this kernel executes a page of the book (rather than a notebook a reader opens)."""
    return os.environ.get(BOOK_BUILD_VARIABLE) == "1"


def enable() -> None:
    """Make the chapter's charts render where this kernel's output goes, offline, as scalable SVG.

    In a kernel executing the book's pages, Altair displays each chart as its default HTML, which
    the pages complete with the vendored libraries; elsewhere as `vegalite_mimebundle`.

    Examples
    --------
    >>> os.environ.pop(BOOK_BUILD_VARIABLE, None) and None
    >>> enable()
    >>> alt.renderers.active
    'tacmg-vegalite'
    >>> os.environ[BOOK_BUILD_VARIABLE] = "1"
    >>> enable()
    >>> alt.renderers.active, alt.renderers.options["embed_options"]["renderer"]
    ('default', 'svg')
    >>> del os.environ[BOOK_BUILD_VARIABLE]
    """
    if for_the_book():
        alt.renderers.enable("default")
        alt.renderers.set_embed_options(renderer="svg")
    else:
        alt.renderers.enable(NOTEBOOK_RENDERER)


def drop_chart_snapshots(model: dict, **kwargs: Any) -> None:
    """A Jupyter server pre-save hook: drop the PNG JupyterLab adds to each chart it draws.

    JupyterLab's Vega-Lite renderer stores a PNG snapshot beside every chart it draws, even a
    stored one, which marks the notebook changed: its autosave then wrote 0.3-0.4 MB of PNG into
    a chapter's ``.ipynb`` that nobody had edited. The spec is the chart; this keeps a saved
    notebook as `tools/execute_notebooks.py` writes it. Installed by ``make venv`` (and Binder's
    ``postBuild``) from ``tools/jupyter_server_config.json``; other PNG outputs are kept.

    Examples
    --------
    >>> chart = {"data": {VEGALITE_MIME: {}, "image/png": "iVBOR", "text/plain": "chart"}}
    >>> picture = {"data": {"image/png": "iVBOR"}}
    >>> model = {"type": "notebook", "content": {"cells": [{"outputs": [chart, picture]}]}}
    >>> drop_chart_snapshots(model, path="02-clinical-scores.ipynb")
    >>> [sorted(output["data"]) for output in model["content"]["cells"][0]["outputs"]]
    [['application/vnd.vegalite.v5+json', 'text/plain'], ['image/png']]
    """
    if model.get("type") != "notebook":
        return
    for cell in model["content"].get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if VEGALITE_MIME in data:
                data.pop("image/png", None)
