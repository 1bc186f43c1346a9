"""Sphinx extension: the book's ``{eval}`v.<key>[.<variant>]``` role, read from glued values.

The chapters' prose quotes numbers with inline expressions that jupyterlab-myst evaluates in the
kernel (see `tacmg.presentation.glue`). MyST-NB's own ``eval`` role needs a live kernel (its
"inline" execution mode), which would give up the execution cache and parallel execution; this
role instead reads the value the chapter glued under the same key in its executed (cached)
notebook and formats it with the package's `variant_text`, the function the kernel uses, so the
book and JupyterLab show the same characters. Anything other than ``v.<key>`` or
``v.<key>.<variant>`` is refused with a warning, which ``-W`` makes an error.
"""

from __future__ import annotations

import ast
import re

from docutils import nodes
from myst_nb.core.variables import RetrievalError
from myst_nb.ext.glue.utils import glue_warning, retrieve_glue_data
from myst_nb.ext.utils import RoleBase

from tacmg.presentation.glue import VARIANT, variant_text

__version__ = "1.0"

EXPRESSION = re.compile(r"v\.(?P<key>[A-Za-z_][A-Za-z0-9_]*)(?:\.(?P<variant>[a-z0-9]+))?")


def glued_value(text_plain: str) -> object:
    """The Python value behind a glued text/plain repr (numbers, strings, booleans, None, nan)."""
    if text_plain in ("nan", "inf", "-inf"):
        return float(text_plain)
    try:
        return ast.literal_eval(text_plain)
    except (ValueError, SyntaxError):
        return text_plain


class ProseEvalRole(RoleBase):
    """``{eval}`v.key.variant``` -> the glued value of ``key`` as text (see the module docstring)."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        match = EXPRESSION.fullmatch(self.text.strip())
        if match is None or (match["variant"] and not VARIANT.fullmatch(match["variant"])):
            message = f"prose expression {self.text!r} is not v.<key> or v.<key>.<variant>"
            return [], [glue_warning(message, self.document, self.line)]
        try:
            result = retrieve_glue_data(self.document, match["key"])
        except RetrievalError as exc:
            return [], [glue_warning(f"{exc} (add it with v.add(prefix, values))", self.document, self.line)]
        text_plain = result.data.get("text/plain")
        if text_plain is None:
            return [], [glue_warning(f"no text/plain for {match['key']!r}", self.document, self.line)]
        text = variant_text(glued_value(text_plain), match["variant"] or "")
        node = nodes.inline(text, text, classes=["tacmg-prose-value"])
        self.set_source_info(node)
        return [node], []


def setup(app):
    # Loaded after myst_nb (local extensions come last), so this replaces its kernel-bound role.
    app.add_role("eval", ProseEvalRole(), override=True)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
