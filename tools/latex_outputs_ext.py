"""Sphinx extension: the chapters' HTML outputs as LaTeX can show them (PDF build only).

The chapters display three kinds of rich output, each as ``text/html`` beside a ``text/plain``
(or, for the banner, ``text/markdown``) fallback. LaTeX cannot show HTML, and MyST-NB's LaTeX
priorities would print the plain-text fallbacks: a chart's Python repr, a table as fixed-width
text. This post-transform runs for the LaTeX builder only, before MyST-NB picks a mime type
(its ``SelectMimeType`` has priority 4), and replaces each such output with a document node:

* an **Altair chart** (``<div id="altair-viz-...">`` and its Vega-Lite spec) becomes a vector PDF
  image drawn by vl-convert (the same Vega-Lite version the HTML uses), written under the LaTeX
  output's ``charts/`` folder and named by the spec's hash, so an unchanged chart is not redrawn,
  with the spec's ``description`` as its alternative text;
* an **HTML table** (``report.table_view``, the scorecard) becomes a docutils table, cells
  HTML-unescaped, column spans kept;
* the **reconstructed-data banner** (``<div class="admonition ...">``) becomes an admonition, so
  the notice stands out on every chapter of the PDF as it does on the web.

Anything else keeps MyST-NB's choice. Nothing changes for the HTML build and no notebook is
touched: the conversion reads the outputs the notebooks already store.

The PDF is for reading, so a second post-transform leaves out what only a web reader or a
programmer uses:

* the **API reference** (``book/api``, 90-odd pages of autodoc) keeps its title and opening
  paragraph and says where the reference is; the docstrings stay in the HTML book;
* the **source of cells the web page folds away** (``hide-input``: the display plumbing under
  each chart and table) and cells folded whole (``hide-cell``: the parameter cell, which a PDF
  reader cannot run); the analysis cells a web reader sees stay.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

__version__ = "1.0"

LOGGER = logging.getLogger(__name__)
ALTAIR = re.compile(r'<div id="altair-viz-[0-9a-f]+"')
SCHEMA_VERSION = re.compile(r"vega-lite/v(\d+)\.(\d+)")
ADMONITION = re.compile(
    r'^\s*<div class="admonition (?P<kind>[\w-]+)[^"]*">\s*'
    r'<p class="admonition-title">(?P<title>.*?)</p>(?P<body>.*)</div>\s*$',
    re.DOTALL,
)


# --------------------------------------------------------------------------------- charts
def vegalite_spec(page: str) -> dict | None:
    """The Vega-Lite spec of Altair's HTML output: the first argument of its embedding call."""
    start = page.rfind("})(")
    if start < 0:
        return None
    try:
        spec, _ = json.JSONDecoder().raw_decode(page, start + 3)
    except ValueError:
        return None
    return spec if isinstance(spec, dict) else None


def chart_pdf(spec: dict, folder: Path) -> Path:
    """Draw `spec` as a PDF in `folder` (once per distinct spec) and return its path."""
    import vl_convert

    canonical = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    path = folder / f"chart-{hashlib.sha256(canonical.encode()).hexdigest()[:16]}.pdf"
    if not path.exists():
        found = SCHEMA_VERSION.search(spec.get("$schema", ""))
        available = vl_convert.get_vegalite_versions()
        wanted = f"{found[1]}.{found[2]}" if found else None
        version = wanted if wanted in available else None  # None: vl-convert's newest
        folder.mkdir(parents=True, exist_ok=True)
        # allowed_base_urls=[]: Altair inlines the data; nothing is fetched while drawing.
        path.write_bytes(vl_convert.vegalite_to_pdf(spec, vl_version=version, allowed_base_urls=[]))
    return path


# --------------------------------------------------------------------------------- tables
class _TableReader(HTMLParser):
    """Rows of the first <table>: [(is_header_row, [(text, colspan, is_th), ...]), ...]."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[bool, list[tuple[str, int, bool]]]] = []
        self.depth = 0
        self.section = None
        self.cell: list[str] | None = None
        self.cell_info = (1, False)
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("style", "script"):
            self.skip += 1
        elif tag == "table":
            self.depth += 1
        elif self.depth != 1:
            return
        elif tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr":
            self.rows.append((self.section == "thead", []))
        elif tag in ("td", "th") and self.rows:
            self.cell = []
            self.cell_info = (max(1, int(attrs.get("colspan") or 1)), tag == "th")
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip = max(0, self.skip - 1)
        elif tag == "table":
            self.depth -= 1
        elif tag in ("td", "th") and self.cell is not None and self.depth == 1:
            text = re.sub(r"\s+", " ", "".join(self.cell)).strip()
            self.rows[-1][1].append((text, *self.cell_info))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None and not self.skip:
            self.cell.append(data)


def table_rows(page: str) -> list[tuple[bool, list[tuple[str, int, bool]]]]:
    reader = _TableReader()
    reader.feed(page)
    reader.close()
    return [row for row in reader.rows if row[1]]


def column_widths(rows, columns: int) -> list[int]:
    """Relative column widths from the cells' text: at least the longest word (so no identifier is
    cut), and otherwise the typical length of a cell, capped so that long prose wraps."""
    longest_word = [1] * columns
    lengths: list[list[int]] = [[] for _ in range(columns)]
    for _, cells in rows:
        column = 0
        for text, span, _ in cells:
            if span == 1 and column < columns and text:
                longest_word[column] = max(longest_word[column], *(len(w) for w in text.split()))
                lengths[column].append(len(text))
            column += span
    typical = [sum(ls) / len(ls) if ls else 1 for ls in lengths]
    # A word needs a little more than its letters: the column's padding, a bold header.
    return [max(round(word * 1.25) + 2, round(min(mean, 60))) for word, mean in zip(longest_word, typical)]


def table_node(rows) -> nodes.table:
    """A docutils table of `rows` (from table_rows): header rows first, column spans kept."""
    columns = max(sum(span for _, span, _ in cells) for _, cells in rows)
    # longtable: a long table breaks across pages; colwidths-given: the widths below, not LaTeX's.
    table = nodes.table(classes=["tacmg-output-table", "longtable", "colwidths-given"])
    group = nodes.tgroup(cols=columns)
    table += group
    group += [nodes.colspec(colwidth=width) for width in column_widths(rows, columns)]

    def row_node(cells):
        row = nodes.row()
        width = 0
        for text, span, is_th in cells:
            entry = nodes.entry()
            if span > 1:
                entry["morecols"] = span - 1
            paragraph = nodes.paragraph()
            paragraph += nodes.strong(text, text) if is_th and text else nodes.Text(text)
            entry += paragraph
            row += entry
            width += span
        for _ in range(columns - width):  # a short row is padded, as a browser would show it
            row += nodes.entry("", nodes.paragraph())
        return row

    head = [cells for is_head, cells in rows if is_head]
    body = [cells for is_head, cells in rows if not is_head]
    if head:
        thead = nodes.thead()
        thead += [row_node(cells) for cells in head]
        group += thead
    tbody = nodes.tbody()
    tbody += [row_node(cells) for cells in body]
    group += tbody
    return table


# ----------------------------------------------------------------------------- admonitions
def admonition_node(page: str) -> nodes.Element | None:
    match = ADMONITION.match(page)
    if not match:
        return None
    title = html.unescape(re.sub(r"<[^>]+>", "", match["title"])).strip()
    node = nodes.admonition(classes=[match["kind"], "tacmg-banner"])
    node += nodes.title(title, title)
    for paragraph in re.findall(r"<p>(.*?)</p>", match["body"], re.DOTALL):
        text = html.unescape(re.sub(r"<[^>]+>", "", paragraph)).strip()
        node += nodes.paragraph(text, text)
    return node


# ---------------------------------------------------------------------------- the transform
def convert(page: str, chart_folder: Path, relative_to: Path) -> list[nodes.Node] | None:
    """LaTeX-ready nodes for one HTML output, or None to leave it to MyST-NB."""
    if ALTAIR.search(page):
        spec = vegalite_spec(page)
        if spec is None:
            return None
        path = chart_pdf(spec, chart_folder)
        uri = path.relative_to(relative_to).as_posix()
        image = nodes.image(uri=uri, candidates={"*": uri}, align="center")
        if isinstance(spec.get("description"), str):
            image["alt"] = spec["description"]  # the chart's alternative text
        return [image]
    if "<table" in page:
        rows = table_rows(page)
        return [table_node(rows)] if rows else None
    node = admonition_node(page)
    return [node] if node is not None else None


class HtmlOutputsForLatex(SphinxPostTransform):
    default_priority = 3  # before MyST-NB's SelectMimeType (4) chooses a mime type
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        outdir = Path(self.app.outdir)
        for bundle in list(
            self.document.findall(lambda n: isinstance(n, nodes.container) and n.get("nb_element") == "mime_bundle")
        ):
            html_child = next((c for c in bundle.children if c.get("mime_type") == "text/html"), None)
            if html_child is None:
                continue
            page = "".join(raw.astext() for raw in html_child.findall(nodes.raw))
            try:
                converted = convert(page, outdir / "charts", outdir)
            except Exception as error:
                LOGGER.warning(
                    f"cannot convert an HTML output for LaTeX: {error}", location=bundle, type="tacmg", subtype="latex"
                )
                continue
            if converted is None:
                if ALTAIR.search(page) or "<table" in page:
                    LOGGER.warning(
                        "an HTML chart or table could not be read; LaTeX shows its text form",
                        location=bundle,
                        type="tacmg",
                        subtype="latex",
                    )
                continue
            bundle.replace_self(converted)


WEB_ONLY_DOCS = {
    "book/api": "The API reference is generated from the package's docstrings and is part of the HTML book."
}


def is_cell_with_tag(node, tag: str) -> bool:
    return (
        isinstance(node, nodes.container) and node.get("nb_element") == "cell_code" and f"tag_{tag}" in node["classes"]
    )


# Chinese, Japanese and Korean text (the identifier names the validator refuses, in the rules table):
# the PDF's fonts have no glyphs for it, so the PDF names the script and points to the HTML book.
CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
CJK_RUN = re.compile(f"[{CJK_CHARS}]+(?:[,\\s\u3001]+[{CJK_CHARS}]+)*")
CJK_NOTE = "(terms in Chinese, Japanese or Korean script: see the HTML book)"


class ReadersPdf(SphinxPostTransform):
    """Leave out of the PDF what only a web reader or a programmer uses (see the module docstring)."""

    default_priority = 5
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        for start in list(self.document.findall(addnodes.start_of_file)):
            note = WEB_ONLY_DOCS.get(start.get("docname"))
            section = next(iter(start.findall(nodes.section)), None)
            if note and section is not None:
                opening = [c for c in section.children[:2] if isinstance(c, (nodes.title, nodes.paragraph))]
                section.children = []
                section.extend([*opening, nodes.paragraph(text=note)])
        for cell in list(self.document.findall(lambda n: is_cell_with_tag(n, "hide-cell"))):
            cell.parent.remove(cell)
        for cell in list(self.document.findall(lambda n: is_cell_with_tag(n, "hide-input"))):
            for source in [c for c in cell.children if c.get("nb_element") == "cell_code_source"]:
                cell.remove(source)
        for text in list(self.document.findall(nodes.Text)):
            if CJK_RUN.search(text.astext()):
                text.parent.replace(text, nodes.Text(CJK_RUN.sub(CJK_NOTE, text.astext())))


def setup(app):
    app.add_post_transform(HtmlOutputsForLatex)
    app.add_post_transform(ReadersPdf)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
