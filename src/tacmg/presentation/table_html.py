"""The HTML of a chapter's table (`TableView`, shown through `tacmg.presentation.tables.table_view`):
a journal's table that fits the text column and shows a reader words and numbers, never ids.
"""

from __future__ import annotations

import hashlib
import math
import re
from html import escape

import pandas as pd
from pandas.io.formats.style_render import CSSDict

from tacmg.stats.rounding import minus_signs

# A cell that reads as a number: a figure, a count ('11/32'), a range or a bound ('< 0.001').
NUMBER_START = re.compile(r"^\s*[<>≤≥~]?\s*[-+−]?\.?\d")
MISSING_TEXT = {"", "n/a", "na", "nan", "none", "-", "—"}
# A column of this name (a claim's registry id) is not shown: its value becomes the hover title of
# the row's first cell, for a reader who wants to find the claim in claims.yaml.
HOVER_COLUMN = "Id"
# At most this many columns side by side: the rest of a wider table is written under each row, in
# a details row ("heading: value; ..."), so every column shows in the 757 px text column of a
# laptop without scrolling sideways (a journal's table has about as many).
MAX_COLUMNS = 7


def numeric_columns(frame: pd.DataFrame) -> list[int]:
    """Positions of the columns whose every present cell is a number or starts with one.

    Such columns are right-aligned (by the table's own style, in the book and in JupyterLab);
    booleans and columns of words stay left-aligned.

    Examples
    --------
    >>> frame = pd.DataFrame({"label": ["sPD-1", "CTLA-4"], "p": ["0.012", "n/a"], "n": [11, 32],
    ...                       "ratio": ["1.2 (0.9 to 1.6)", "< 0.5"], "ok": [True, False]})
    >>> numeric_columns(frame)
    [1, 2, 3]
    """
    found = []
    for position, (_, values) in enumerate(frame.items()):
        if pd.api.types.is_bool_dtype(values):
            continue
        if pd.api.types.is_numeric_dtype(values):
            found.append(position)
            continue
        present = [str(v) for v in values if not (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)))]
        present = [v for v in present if v.strip().lower() not in MISSING_TEXT]
        if present and all(NUMBER_START.match(v) for v in present):
            found.append(position)
    return found


class TableView:
    """A table as the book shows it: HTML from a pandas Styler without the index, every cell
    HTML-escaped (a published figure such as 'P < 0.0001' would otherwise be read as a tag), and
    a plain-text form. Both are the same on every run: the Styler's id comes from the content,
    not from a random uuid, so re-executing a notebook leaves its outputs unchanged.

    What a reader sees is cleaned of what is for machines: negative numbers carry a true minus
    sign (`tacmg.stats.rounding.minus_signs`), and a `HOVER_COLUMN` (a claim's id) is not a
    column but the hover title of each row's first cell.

    The table carries pandas' ``dataframe`` class (the theme's table rules and colours, in light
    and dark mode) and ``tacmg-table`` (the book's three-rule style, ``_static/tacmg.css``), inside a
    ``tacmg-table-wrap`` box that scrolls sideways, with a cue, where the table is wider than the
    column; the cells of its numeric columns (`numeric_columns`) and their headings are
    right-aligned in tabular figures by the table's own style. A numeric cell may break only
    between an estimate and its interval ("−4.0 / (−6.0 to −2.5)": the interval's own spaces are
    no-break spaces, and a true minus sign never parts from its number), so a table narrows to
    its column before it has to scroll, and no number is ever cut in two."""

    def __init__(self, frame: pd.DataFrame, formats: dict | None = None, na_rep: str = "n/a"):
        self.hover = frame[HOVER_COLUMN].astype(str).tolist() if HOVER_COLUMN in frame.columns else None
        shown = frame.drop(columns=[HOVER_COLUMN]) if self.hover is not None else frame
        shown = shown.map(lambda cell: minus_signs(cell) if isinstance(cell, str) else cell)
        numeric_positions = numeric_columns(shown)
        for position in numeric_positions:
            column = shown.iloc[:, position]
            shown.isetitem(position, [_unbroken_ranges(c) if isinstance(c, str) else c for c in column])
        self.frame = shown
        na_text = escape(na_rep)
        details = shown.iloc[:, MAX_COLUMNS:]
        self.details = [
            [(escape(str(h)), na_text if _is_missing(v) else escape(_formatted(formats, h, v))) for h, v in row.items()]
            for _, row in details.iterrows()
        ]
        shown = shown.iloc[:, :MAX_COLUMNS]
        numeric_positions = [p for p in numeric_positions if p < MAX_COLUMNS]
        self.uuid = uuid = hashlib.sha1(frame.to_csv(index=False).encode()).hexdigest()[:5]
        # By position (the Styler's "colN" class): a table's headings need not be unique.
        numeric = [f".col{position}" for position in numeric_positions]
        styles: list[CSSDict] = [{"selector": column, "props": "text-align: right;"} for column in numeric]
        styles += [{"selector": f"td{column}", "props": "font-variant-numeric: tabular-nums;"} for column in numeric]
        formatters = {column: _with_minus(formatter) for column, formatter in (formats or {}).items()}
        self.styler = (
            shown.style.hide(axis="index")
            .format(formatters or None, escape="html", na_rep=na_rep)
            .set_uuid(uuid)
            .set_table_attributes('class="dataframe tacmg-table"')
            .set_table_styles(styles, overwrite=False)
        )

    def to_html(self) -> str:
        html = self.styler.to_html()
        for row, title in enumerate(self.hover or []):
            cell = f'id="T_{self.uuid}_row{row}_col0"'
            html = html.replace(cell, f'{cell} title="{escape(title, quote=True)}"', 1)
        for row, items in enumerate(self.details):
            if not items:
                continue
            start = html.index(f'id="T_{self.uuid}_row{row}_col0"')
            end = html.index("</tr>", start) + len("</tr>")
            text = "; ".join(f'<span class="tacmg-details-label">{h}:</span> {v}' for h, v in items)
            details = f'\n    <tr class="tacmg-details"><td colspan="{MAX_COLUMNS}"><div>{text}</div></td></tr>'
            html = html[:end] + details + html[end:]
        return f'<div class="tacmg-table-wrap">{html}</div>'

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)


def _is_missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _formatted(formats: dict | None, column, value) -> str:
    """`value` in its column's format (a format string or a function), as the Styler would show it."""
    formatter = (formats or {}).get(column)
    if formatter is None:
        return minus_signs(str(value))
    return _with_minus(formatter)(value)


def _unbroken_ranges(text: str) -> str:
    """`text` with each range 'a to b' held together by no-break spaces.

    Examples
    --------
    >>> _unbroken_ranges("−4.0 (−6.0 to −2.5)")
    '−4.0 (−6.0\xa0to\xa0−2.5)'
    """
    return text.replace(" to ", "\u00a0to\u00a0")


def _with_minus(formatter):
    """A Styler formatter (a format string or a function) whose text has true minus signs."""
    if callable(formatter):
        return lambda value: minus_signs(str(formatter(value)))
    return lambda value: minus_signs(str(formatter).format(value))
