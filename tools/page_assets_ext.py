"""Sphinx extension: each page loads the scripts it needs, each once.

* **The vega bundle only where a chart is.** ``tools/vendor_vega.py`` writes the vega, vega-lite and
  vega-embed libraries (0.9 MB) to ``_vendor/vega-bundle.js``, outside ``_static/``: Jupyter Book
  1.x adds every ``_static/**/*.js`` to every page. This extension copies the folder into the
  build's ``_static/`` (``html_static_path``) and adds the script, in the page's head as before, to
  the pages whose HTML holds an Altair chart (``<div id="altair-viz-...">``), and to no other.
* **Each inline script once.** Sphinx 7 registers a script added while documents are read twice
  when it has no file (``filename`` None, then ``""``), so every page declared sphinx-thebe's
  ``const THEBE_JS_URL`` twice, a SyntaxError in the console, and togglebutton's settings twice.
  Duplicates (same file or body, attributes and priority) are dropped from every page.

* **Charts as HTML.** The chapters display their charts as Vega-Lite mimebundles, which
  JupyterLab draws and MyST-NB cannot (`tacmg.presentation.chart_display`); this extension sets
  ``chart_display.BOOK_BUILD_VARIABLE`` for the book's process, so that the kernels MyST-NB starts
  (they inherit its environment) display them as Altair's HTML, which this bundle completes and
  the PDF build turns into images.

* **Icons drawn once.** pydata-sphinx-theme draws its icons with Font Awesome's script, which also
  watches every later change to the page for new icons to draw: each chart drawn (thousands of SVG
  nodes, again at each colour mode and width) is scanned. The theme's icons are all in the page's
  HTML, drawn when it loads, so a setting read by the script turns the watching off. Measured with
  the browser check on six pages: 43.4 -> 38.9 core-seconds; the browser check fails a page with
  an icon left undrawn.

The first three: HTML builds only; the LaTeX build needs none of them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sphinx.util import logging

from tacmg.presentation.chart_display import BOOK_BUILD_VARIABLE

__version__ = "1.0"

LOGGER = logging.getLogger(__name__)
VENDOR_FOLDER = "_vendor"
BUNDLE = "vega-bundle.js"
# Read by Font Awesome's script (the theme's, loaded deferred, so after this inline script).
ICONS_ONCE = "window.FontAwesomeConfig = { observeMutations: false };"
ALTAIR_DIV = re.compile(r'<div id="altair-viz-[0-9a-f]+"')


def has_chart(body: str) -> bool:
    """Whether a page's HTML displays an Altair chart.

    >>> has_chart('<div id="altair-viz-0a1b"></div>'), has_chart("<p>altair-viz</p>")
    (True, False)
    """
    return bool(ALTAIR_DIV.search(body))


def unique_scripts(scripts: list) -> list:
    """`scripts` (Sphinx's ``_JavaScript`` assets) without repeats, in their order.

    A script without a file counts as the same whether Sphinx stored its name as None or "".
    """
    seen, kept = set(), []
    for script in scripts:
        key = (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    return kept


def _config_inited(app, config) -> None:
    folder = Path(app.srcdir) / VENDOR_FOLDER
    if (folder / BUNDLE).is_file():
        config.html_static_path.append(str(folder))


def _builder_inited(app) -> None:
    if app.builder.format == "html":
        app.add_js_file(None, body=ICONS_ONCE)
    if app.builder.format == "html" and not (Path(app.srcdir) / VENDOR_FOLDER / BUNDLE).is_file():
        LOGGER.warning(
            f"{VENDOR_FOLDER}/{BUNDLE} is missing (make vendor writes it): charts would load vega from a CDN",
            type="tacmg",
            subtype="vega",
        )


def _page_context(app, pagename, templatename, context, doctree) -> None:
    if has_chart(context.get("body", "")):
        app.add_js_file(BUNDLE)  # added while a page is written: this page only
    scripts = context.get("script_files")
    if isinstance(scripts, list):
        scripts[:] = unique_scripts(scripts)


def setup(app):
    os.environ[BOOK_BUILD_VARIABLE] = "1"  # for the kernels MyST-NB starts, if it executes a page
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    # after every other extension has added its scripts
    app.connect("html-page-context", _page_context, priority=900)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
