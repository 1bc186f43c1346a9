"""How a chapter's charts reach the screen: the book's HTML, or offline-ready HTML in JupyterLab.

When the book is built (and when nbval or `tools/execute_notebooks.py` run a chapter), the kernel
is started by nbclient and Altair's default HTML output is kept: the built pages load the vendored
libraries from ``_static/vega-bundle.js``, and the stored notebook outputs stay as they are.

In a kernel that a Jupyter server started (JupyterLab, Notebook, Binder), which the server marks
with the ``JPY_SESSION_NAME`` environment variable, there is no ``_static`` folder to load from and
JupyterLab's own Vega renderer stops at Vega-Lite 5, while this Altair writes Vega-Lite 6. So
`enable` puts the vendored libraries on the page once, as the (invisible) output of the chapter's
set-up cell, and every chart after it renders from them, offline, with its tooltips. Written by
hand because Altair's own offline options either drop tooltips (``svg``) or need a JupyterLab
extension that does not exist for Vega-Lite 6.

Everywhere, `enable` has vega-embed draw the charts as SVG rather than on a canvas. The book's
stylesheet (``_static/tacmg.css``) scales a chart down to the width of its column, so a chart wider
than a phone is shown whole rather than cut; an SVG's marks keep their tooltips when scaled, where
a scaled canvas would map the pointer to the wrong mark.
"""

from __future__ import annotations

import os

import altair as alt

from tacmg.presentation.vega_bundle import build_bundle

# Set by jupyter_server for every kernel it starts (the notebook's path); nbclient does not set it.
SERVER_KERNEL_VARIABLE = "JPY_SESSION_NAME"


class VegaLibraries:
    """The vendored vega libraries as an HTML output: a script tag that defines them on the page."""

    def _repr_html_(self) -> str:
        bundle = build_bundle()
        # A closing script tag inside the bundle would end the element early (tested: there is none;
        # rewriting every "</" instead breaks the minified code's regular expressions).
        if "</script" in bundle.lower():
            raise ValueError("the vega bundle contains a closing script tag; it cannot be inlined")
        return "<script>" + bundle + "</script>"

    def __repr__(self) -> str:
        return "(vega, vega-lite and vega-embed loaded for the charts below)"


def in_jupyter_server() -> bool:
    """Whether this kernel was started by a Jupyter server (JupyterLab) rather than by nbclient."""
    return bool(os.environ.get(SERVER_KERNEL_VARIABLE))


def enable() -> VegaLibraries | None:
    """Make the chapter's charts render in this kernel's front end, offline, as scalable SVG.

    Returns
    -------
    VegaLibraries or None
        In a Jupyter server's kernel, the object whose output loads the libraries (display it:
        the chapters end their set-up cell with it); otherwise None, and nothing changes.

    Examples
    --------
    >>> import os
    >>> os.environ.pop(SERVER_KERNEL_VARIABLE, None) and None
    >>> enable() is None
    True
    >>> alt.renderers.options["embed_options"]["renderer"]
    'svg'
    """
    alt.renderers.set_embed_options(renderer="svg")
    return VegaLibraries() if in_jupyter_server() else None
