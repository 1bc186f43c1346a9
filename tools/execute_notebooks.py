"""Regenerate each notebooks/*.ipynb from its MyST-markdown twin and execute it in place.

The .md file is the source of truth; the .ipynb beside it carries the executed outputs that nbval
compares against. Output is kept deterministic so that regenerating an unchanged notebook leaves
git clean: no execution timestamps (``record_timing=False``) and cell ids derived from the cell's
position and content instead of jupytext's random ones.

The prose's inline expressions (``{eval}`v.<key>```) are evaluated too, once every cell ran, in the
same kernel and by the same request jupyterlab-myst sends (an empty ``execute`` with
``user_expressions``), and their results are stored in each markdown cell's ``user_expressions``
metadata, where jupyterlab-myst reads them. A reader who opens the chapter's ``.md`` in JupyterLab
then sees the stored values in the prose before running anything: jupytext brings that metadata
from the paired ``.ipynb`` because the chapters' header filters it out of the ``.md``
(``cell_metadata_filter: -user_expressions``), which also keeps a save in JupyterLab from writing
it into the ``.md``.

Usage: python tools/execute_notebooks.py [notebooks/NAME.md ...]   (default: notebooks/*.md)
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from pathlib import Path

import jupytext
import nbclient
import nbformat
from jupyter_core.utils import ensure_async, run_sync
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
KERNEL_NAME = "python3"
ALTAIR_ID = re.compile(r"altair-viz-[0-9a-f]{32}")
# MyST's inline expression role, as jupyterlab-myst parses it (the expression between backticks).
INLINE_EXPRESSION = re.compile(r"\{eval\}`([^`]+)`")
TIMEOUT_S = 600


def stable_cell_ids(nb: nbformat.NotebookNode) -> None:
    """Replace cell ids by a hash of (position, type, source): same input, same ids."""
    for index, cell in enumerate(nb.cells):
        key = f"{index}\0{cell.cell_type}\0{cell.source}".encode()
        cell["id"] = hashlib.sha1(key).hexdigest()[:8]


def stable_altair_ids(nb: nbformat.NotebookNode, salt: str) -> None:
    """Rename Altair's random ``altair-viz-<uuid4>`` div ids to ids derived from ``salt``.

    Each id is used only inside the one HTML output that defines it, so renaming every
    occurrence consistently changes nothing a reader sees; it only stops git churn. The new ids
    keep the same shape, so the nbval sanitizer treats both alike.
    """
    mapping: dict[str, str] = {}

    def rename(match: re.Match) -> str:
        old = match.group(0)
        if old not in mapping:
            digest = hashlib.md5(f"{salt}:{len(mapping)}".encode()).hexdigest()
            mapping[old] = f"altair-viz-{digest}"
        return mapping[old]

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mimetype, value in data.items():
                if isinstance(value, str):
                    data[mimetype] = ALTAIR_ID.sub(rename, value)
                elif isinstance(value, list):
                    data[mimetype] = [ALTAIR_ID.sub(rename, v) if isinstance(v, str) else v for v in value]


def inline_expressions(source: str) -> list[str]:
    """The inline expressions of a markdown cell, in order, as jupyterlab-myst evaluates them.

    >>> inline_expressions("QMG fell by {eval}`v.scores_qmg_fall` points ({eval}`v.scores_n` patients).")
    ['v.scores_qmg_fall', 'v.scores_n']
    """
    return INLINE_EXPRESSION.findall(source)


def store_expression_results(nb: nbformat.NotebookNode, results: dict[str, dict]) -> None:
    """Write each markdown cell's expressions with their `results` (by expression) into its
    ``user_expressions`` metadata, in jupyterlab-myst's shape; drop it from cells without any."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        expressions = inline_expressions(cell.source)
        if expressions:
            cell.metadata["user_expressions"] = [
                {"expression": expression, "result": results[expression]} for expression in expressions
            ]
        else:
            cell.metadata.pop("user_expressions", None)


class ProseExpressionClient(nbclient.NotebookClient):
    """nbclient's executor that, after the last cell, also evaluates the prose's inline expressions."""

    async def async_execute(self, reset_kc: bool = False, **kwargs) -> nbformat.NotebookNode:
        await super().async_execute(reset_kc=reset_kc, cleanup_kc=False, **kwargs)
        try:
            expressions = sorted(
                {e for cell in self.nb.cells if cell.cell_type == "markdown" for e in inline_expressions(cell.source)}
            )
            results: dict[str, dict] = {}
            if expressions:
                assert self.kc is not None
                named = {str(index): expression for index, expression in enumerate(expressions)}
                msg_id = self.kc.execute("", silent=True, store_history=False, user_expressions=named)
                reply = await self.async_wait_for_reply(msg_id)
                await self.until_idle(msg_id)
                returned = reply["content"]["user_expressions"] if reply else {}
                results = {expression: returned[key] for key, expression in named.items()}
            store_expression_results(self.nb, results)
        finally:
            await self._async_cleanup_kernel()
        return self.nb

    async def until_idle(self, msg_id: str) -> None:
        """Wait for the kernel's "idle" after request `msg_id`, so that the shutdown which follows
        does not reach a kernel still busy with it (it then logs a KeyboardInterrupt)."""
        assert self.kc is not None
        while True:
            msg = await ensure_async(self.kc.get_iopub_msg(timeout=self.timeout))
            content = msg["content"]
            if msg["parent_header"].get("msg_id") == msg_id and content.get("execution_state") == "idle":
                return

    # nbclient binds `execute` to its own `async_execute` when the class is made.
    execute = run_sync(async_execute)


def execute(nb: nbformat.NotebookNode, cwd: Path) -> nbformat.NotebookNode:
    """Execute ``nb`` in a fresh python3 kernel running in ``cwd``, then store the prose's
    inline expressions' values (see the module docstring); raise on a failing cell."""
    client = ProseExpressionClient(
        nb,
        record_timing=False,
        timeout=TIMEOUT_S,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    return nb


def regenerate(md_path: Path) -> Path:
    """Read ``md_path`` with jupytext, execute it, write the paired .ipynb; return its path."""
    nb = jupytext.read(md_path)
    stable_cell_ids(nb)
    execute(nb, md_path.parent)
    stable_altair_ids(nb, salt=md_path.stem)
    ipynb_path = md_path.with_suffix(".ipynb")
    jupytext.write(nb, ipynb_path, fmt="ipynb")
    return ipynb_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.paths or sorted((ROOT / "notebooks").glob("*.md"))
    if not paths:
        print("execute_notebooks: no notebooks/*.md found")
        return 0
    failed = []
    for md_path in paths:
        start = time.perf_counter()
        try:
            ipynb_path = regenerate(md_path)
        except CellExecutionError as err:
            failed.append(md_path)
            print(f"execute_notebooks: FAILED {md_path}\n{err}", file=sys.stderr)
            continue
        print(f"execute_notebooks: {md_path} -> {ipynb_path.name} ({time.perf_counter() - start:.1f} s)")
    if failed:
        print("execute_notebooks: failing notebooks: " + ", ".join(map(str, failed)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
