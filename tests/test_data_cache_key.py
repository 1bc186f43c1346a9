"""tools/data_cache_key.py: a change of dataset forces every page to be read and executed again."""

from __future__ import annotations

import subprocess
import sys

from tacmg.data.paths import REPO_ROOT

SCRIPT = REPO_ROOT / "tools" / "data_cache_key.py"


def _run(build, env_dir=None):
    env = {"PATH": "/usr/bin:/bin"}
    if env_dir is not None:
        env["MG_DATA_DIR"] = str(env_dir)
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--build", str(build)],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )


def _stale_dirs(build):
    paths = [build / ".doctrees", build / "jupyter_execute"]
    for path in paths:
        path.mkdir(parents=True, exist_ok=True)
    return paths


def test_same_inputs_keep_the_caches_and_another_dataset_clears_them(tmp_path):
    build = tmp_path / "_build"
    _run(build)
    stale = _stale_dirs(build)
    _run(build)
    assert all(path.exists() for path in stale)  # unchanged rebuild keeps its caches

    other = tmp_path / "other"
    other.mkdir()
    (other / "patients.csv").write_text("patient_id\n", encoding="utf-8")
    result = _run(build, other)
    assert not any(path.exists() for path in stale)
    assert "executed again" in result.stdout

    stale = _stale_dirs(build)
    (other / "patients.csv").write_text("patient_id\nP01\n", encoding="utf-8")  # same folder, new data
    _run(build, other)
    assert not any(path.exists() for path in stale)
