"""How a chapter's charts reach the screen: HTML for the book, a Vega-Lite mimebundle in JupyterLab.

When the book is built (and when nbval or `tools/execute_notebooks.py` run a chapter), the kernel
is started by nbclient and Altair's default HTML output is kept: the built pages load the vendored
libraries from ``_static/vega-bundle.js``, and the stored notebook outputs stay as they are.

In a kernel that a Jupyter server started (JupyterLab, Notebook, Binder), which the server marks
with the ``JPY_SESSION_NAME`` environment variable, each chart is displayed as the Vega-Lite spec
itself, under JupyterLab's ``application/vnd.vegalite.v5+json`` type, which JupyterLab draws with
its own renderer (its vega5 extension: offline, with tooltips, in light and dark themes). Nothing
else goes into the notebook: the earlier way, an HTML output holding the 0.75 MB of vendored
libraries, was written into the ``.ipynb`` by every save in JupyterLab. JupyterLab's renderer
compiles with Vega-Lite 5 while this Altair writes Vega-Lite 6 specs; the book's charts use
nothing that version 6 added (``tests/test_prose_values.py`` compiles them with Vega-Lite 5), and
the spec's ``$schema`` is left out so that vega-embed does not warn about the version.

Everywhere, `enable` has vega-embed draw the charts as SVG rather than on a canvas. The book's
stylesheet (``_static/tacmg.css``) scales a chart down to the width of its column, so a chart wider
than a phone is shown whole rather than cut; an SVG's marks keep their tooltips when scaled, where
a scaled canvas would map the pointer to the wrong mark.
"""

from __future__ import annotations

import os
from typing import Any

import altair as alt

# Set by jupyter_server for every kernel it starts (the notebook's path); nbclient does not set it.
SERVER_KERNEL_VARIABLE = "JPY_SESSION_NAME"
# The newest Vega-Lite type JupyterLab's own renderer (@jupyterlab/vega5-extension) draws.
VEGALITE_MIME = "application/vnd.vegalite.v5+json"
LAB_RENDERER = "tacmg-jupyterlab"
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


alt.renderers.register(LAB_RENDERER, vegalite_mimebundle)


def in_jupyter_server() -> bool:
    """Whether this kernel was started by a Jupyter server (JupyterLab) rather than by nbclient."""
    return bool(os.environ.get(SERVER_KERNEL_VARIABLE))


def enable() -> None:
    """Make the chapter's charts render in this kernel's front end, offline, as scalable SVG.

    In a Jupyter server's kernel, Altair displays each chart as `vegalite_mimebundle`; otherwise
    as its default HTML, which the book's pages complete with the vendored libraries.

    Examples
    --------
    >>> os.environ.pop(SERVER_KERNEL_VARIABLE, None) and None
    >>> enable()
    >>> alt.renderers.active, alt.renderers.options["embed_options"]["renderer"]
    ('default', 'svg')
    """
    if in_jupyter_server():
        alt.renderers.enable(LAB_RENDERER)
    else:
        alt.renderers.enable("default")
        alt.renderers.set_embed_options(renderer="svg")
