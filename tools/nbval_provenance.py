"""pytest plugin for `make nbval`: record which notebooks nbval showed to reproduce in full.

nbval re-executes every code cell of ``notebooks/*.ipynb`` and compares the fresh outputs with the
stored ones, but only in part: it skips output metadata (MyST-NB's ``glue`` keeps the name of
each glued value there), stream names, PNG/JPEG images, the relative order of outputs of
different kinds, and any cell marked to be skipped or not checked. That is enough to test the
chapters; it is not enough to show the book the stored outputs instead of fresh ones.

So, for every cell nbval executes, this plugin also compares the *whole* fresh output list with
the stored one (streams coalesced as nbval does, which also applies carriage returns and
backspaces; every string, nested ones included, passed through nbval's sanitizer; only
``execution_count`` and ``transient`` ignored), and records:

* per code cell: passed (nbval's verdict), full_match (this comparison), masked (equal only after
  sanitizing) and seconds (nbval's execution time of the cell);
* per notebook: a digest of the notebook nbval read (before nbval's comparison mutates it), its
  number of code cells, any failure, and the ``language_info`` the kernel reports (what nbclient
  writes into an executed notebook);
* for the session: ``TACMG_TEST_RUN`` (set by ``make test``), ``MG_DATA_DIR``, and the key of
  ``tools/data_cache_key.py`` at the start of the session (cleared when it differs at the end).

It changes no test outcome. ``tools/prefill_cache.py`` reads the record to decide whether the
book may use a stored notebook instead of executing the chapter again; its module docstring has
the argument. Works with pytest-xdist: workers attach their findings to the test reports, the
controller writes the record.

    pytest -p nbval_provenance --nbval notebooks/ --nbval-record _build/.nbval-record.json
    (tools/ on PYTHONPATH)
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest

PROPERTY = "tacmg-nbval-provenance"
RUN_ENV = "TACMG_TEST_RUN"


def pytest_addoption(parser):
    parser.addoption(
        "--nbval-record",
        default=None,
        metavar="PATH",
        help="write which notebooks nbval reproduced in full to PATH (JSON)",
    )


def _enabled(config) -> bool:
    return bool(config.getoption("--nbval-record"))


def _is_controller(config) -> bool:
    return not hasattr(config, "workerinput")


def _inputs_key() -> str | None:
    try:
        from data_cache_key import inputs_key
    except ImportError:
        return None
    return inputs_key()


# -------------------------------------------------------------------------- the comparison
def _sanitize(value, sanitize):
    if isinstance(value, str):
        return sanitize(value)
    if isinstance(value, dict):
        return {key: _sanitize(item, sanitize) for key, item in value.items()}
    if isinstance(value, list):
        return [_sanitize(item, sanitize) for item in value]
    return value


def _normalised(outputs, sanitize) -> list:
    """Outputs as plain data: streams coalesced as nbval does, execution_count and transient dropped."""
    import nbformat
    from nbval.plugin import coalesce_streams

    copies = [nbformat.from_dict(json.loads(json.dumps(output))) for output in outputs]
    normal = []
    for output in coalesce_streams(copies):
        output = json.loads(json.dumps(output))
        output.pop("execution_count", None)
        output.pop("transient", None)
        normal.append(_sanitize(output, sanitize) if sanitize else output)
    return normal


def compare_in_full(fresh, stored, sanitize) -> tuple[bool, bool]:
    """(equal after sanitizing, equal only after sanitizing) for two output lists."""
    raw_equal = _normalised(fresh, None) == _normalised(stored, None)
    if raw_equal:
        return True, False
    return _normalised(fresh, sanitize) == _normalised(stored, sanitize), True


# ------------------------------------------------------------------------- worker side
def _snapshot(item) -> dict:
    """Digest, code-cell count and kernel language_info of item's notebook, taken once."""
    notebook_file = item.parent
    snapshot = getattr(notebook_file, "_tacmg_snapshot", None)
    if snapshot is None:
        from prefill_cache import notebook_digest

        pristine = copy.deepcopy(notebook_file.nb)
        snapshot = {
            "digest": notebook_digest(pristine),
            "code_cells": sum(1 for cell in pristine.cells if cell.cell_type == "code"),
            "stored": [cell.get("outputs", []) for cell in pristine.cells if cell.cell_type == "code"],
            "language_info": _language_info(notebook_file.kernel),
        }
        notebook_file._tacmg_snapshot = snapshot
    return snapshot


def _language_info(kernel) -> dict | None:
    """Ask nbval's kernel for its language_info, as nbclient does before executing a notebook."""
    try:
        msg_id = kernel.kc.kernel_info()
        while True:
            reply = kernel.get_message(stream="shell", timeout=30)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        kernel.await_idle(msg_id, 30)
    except Exception:  # no reply: record nothing, and the notebook will not be seeded
        return None
    return reply["content"].get("language_info")


def _is_nbval_cell(item) -> bool:
    from nbval.plugin import IPyNbCell

    return isinstance(item, IPyNbCell)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    outcome = yield
    if _enabled(item.config) and _is_nbval_cell(item) and outcome.excinfo is None:
        _snapshot(item)  # before the first cell runs: nbval's comparison mutates stored outputs


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if not (_enabled(item.config) and _is_nbval_cell(item)) or call.when != "call":
        return
    report = outcome.get_result()
    snapshot = getattr(item.parent, "_tacmg_snapshot", None)
    entry = {
        "cell": item.cell_num,
        "passed": report.passed,
        "full_match": False,
        "masked": False,
        "seconds": report.duration,
    }
    if snapshot is not None:
        entry.update(
            digest=snapshot["digest"], code_cells=snapshot["code_cells"], language_info=snapshot["language_info"]
        )
        if report.passed and item.test_outputs is not None:
            stored = snapshot["stored"][item.cell_num]
            entry["full_match"], entry["masked"] = compare_in_full(item.test_outputs, stored, item.sanitize)
    report.user_properties.append((PROPERTY, entry))


# --------------------------------------------------------------------- controller side
class Recorder:
    def __init__(self, config):
        self.config = config
        self.path = Path(config.getoption("--nbval-record"))
        self.notebooks: dict[str, dict] = {}
        self.inputs_key = None

    def notebook(self, nodeid: str) -> dict:
        return self.notebooks.setdefault(nodeid.split("::")[0], {"cells": {}, "failed": False})

    def start(self):
        self.path.unlink(missing_ok=True)
        self.inputs_key = _inputs_key()

    def add(self, report):
        if not report.nodeid.split("::")[0].endswith(".ipynb"):
            return
        notebook = self.notebook(report.nodeid)
        if report.failed:
            notebook["failed"] = True
        for name, entry in report.user_properties:
            if name != PROPERTY:
                continue
            entry = dict(entry)
            for key in ("digest", "code_cells", "language_info"):
                if key in entry:
                    notebook[key] = entry.pop(key)
            notebook["cells"][str(entry.pop("cell"))] = entry

    def finish(self):
        inputs_key = self.inputs_key if _inputs_key() == self.inputs_key else None
        record = {
            "run": os.environ.get(RUN_ENV),
            "mg_data_dir": os.environ.get("MG_DATA_DIR") or None,
            "inputs_key": inputs_key,
            "notebooks": self.notebooks,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(record, indent=1, sort_keys=True))


def pytest_configure(config):
    if _enabled(config) and _is_controller(config):
        config.pluginmanager.register(_RecorderPlugin(Recorder(config)), "tacmg-nbval-recorder")


class _RecorderPlugin:
    def __init__(self, recorder: Recorder):
        self.recorder = recorder

    def pytest_sessionstart(self, session):
        self.recorder.start()

    def pytest_runtest_logreport(self, report):
        self.recorder.add(report)

    def pytest_sessionfinish(self, session, exitstatus):
        self.recorder.finish()
