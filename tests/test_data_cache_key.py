"""tools/data_cache_key.py: a change of dataset forces every page to be read and executed again."""

from __future__ import annotations

import pytest

from test_toolchain import load_tool

data_cache_key = load_tool("data_cache_key")


@pytest.fixture
def run(monkeypatch, capsys):
    """The tool on `build` with MG_DATA_DIR unset or set to `env_dir`, in this process (a new
    process would import the package again: about a second a run); returns what it printed."""

    def run(build, env_dir=None) -> str:
        if env_dir is None:
            monkeypatch.delenv("MG_DATA_DIR", raising=False)
        else:
            monkeypatch.setenv("MG_DATA_DIR", str(env_dir))
        data_cache_key.main(["--build", str(build)])
        return capsys.readouterr().out

    return run


def _stale_dirs(build):
    paths = [build / ".doctrees", build / "jupyter_execute"]
    for path in paths:
        path.mkdir(parents=True, exist_ok=True)
    return paths


def test_same_inputs_keep_the_caches_and_another_dataset_clears_them(tmp_path, run):
    build = tmp_path / "_build"
    run(build)
    stale = _stale_dirs(build)
    run(build)
    assert all(path.exists() for path in stale)  # unchanged rebuild keeps its caches

    other = tmp_path / "other"
    other.mkdir()
    (other / "patients.csv").write_text("patient_id\n", encoding="utf-8")
    result = run(build, other)
    assert not any(path.exists() for path in stale)
    assert "executed again" in result

    stale = _stale_dirs(build)
    (other / "patients.csv").write_text("patient_id\nP01\n", encoding="utf-8")  # same folder, new data
    run(build, other)
    assert not any(path.exists() for path in stale)
