"""The package's shape: layers import only downwards, modules stay small, public names are documented.

Layers, lowest first: stats (pure statistics) -> data (contract, loading, data package) -> claims
(registry, evaluation, consistency) -> reconstruction (generating cohorts) -> analyses (the
chapters' statistics) -> presentation (tables, prose, charts, glue). A module may import from its
own layer or a lower one; the top level (``tacmg/__init__.py``, ``__main__.py``) may import any.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import pkgutil
from pathlib import Path

import pytest

import tacmg

PACKAGE_DIR = Path(tacmg.__file__).parent
LAYERS = ("stats", "data", "claims", "reconstruction", "analyses", "presentation")
MAX_MODULE_LINES = 400
# Modules every layer may import: the version, defined once.
ANY_LAYER = {"tacmg._version"}


def _layer_of(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "tacmg" and parts[1] in LAYERS:
        return LAYERS.index(parts[1])
    return None


def _tacmg_imports(path: Path, package_dir: Path = PACKAGE_DIR) -> list[tuple[int, str]]:
    """(line, module) of every tacmg import in a source file, relative imports resolved."""
    tree = ast.parse(path.read_text())
    package = ".".join(("tacmg", *path.relative_to(package_dir).with_suffix("").parts[:-1]))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                found.append((node.lineno, submodule if _is_module(submodule) else module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return [(line, m) for line, m in found if m == "tacmg" or m.startswith("tacmg.")]


def _is_module(dotted: str) -> bool:
    try:
        return importlib.util.find_spec(dotted) is not None
    except ModuleNotFoundError:
        return False


def _sources() -> list[Path]:
    return sorted(PACKAGE_DIR.rglob("*.py"))


def layer_violations(files: list[Path], package_dir: Path = PACKAGE_DIR) -> list[str]:
    """One line per import that goes up a layer, in `files` of the package found in `package_dir`."""
    problems = []
    for path in files:
        own = _layer_of(".".join(("tacmg", *path.relative_to(package_dir).parts)))
        if own is None:
            continue  # the top level may import anything
        for line, module in _tacmg_imports(path, package_dir):
            if module in ANY_LAYER:
                continue
            theirs = _layer_of(module)
            if theirs is None or theirs > own:
                problems.append(f"{path.relative_to(package_dir)}:{line} ({LAYERS[own]}) imports {module}")
    return problems


def test_imports_go_only_downwards():
    assert layer_violations(_sources()) == []


def test_the_layer_check_catches_an_upward_import(tmp_path):
    # A copy of the package's layout outside src/: other workers hash src/ (cache keys) meanwhile.
    package_dir = tmp_path / "tacmg"
    (package_dir / "stats").mkdir(parents=True)
    bad = package_dir / "stats" / "_upward_probe.py"
    bad.write_text("from tacmg.presentation import tables\nfrom . import rank_tests\n")
    expected = ["stats/_upward_probe.py:1 (stats) imports tacmg.presentation.tables"]
    assert layer_violations([bad], package_dir) == expected


def test_every_module_belongs_to_a_layer():
    loose = [p.name for p in PACKAGE_DIR.glob("*.py") if p.name not in {"__init__.py", "__main__.py", "_version.py"}]
    assert loose == []
    assert sorted(p.name for p in PACKAGE_DIR.iterdir() if p.is_dir() and (p / "__init__.py").exists()) == sorted(
        LAYERS
    )


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_modules_stay_small(path):
    assert len(path.read_text().splitlines()) <= MAX_MODULE_LINES


def _public_functions():
    for info in pkgutil.walk_packages(tacmg.__path__, "tacmg."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(value) or inspect.isclass(value):
                yield f"{module.__name__}.{name}", value


def test_every_public_function_and_class_has_a_docstring():
    missing = [name for name, value in _public_functions() if not (value.__doc__ or "").strip()]
    assert missing == []


def test_the_top_level_api_is_small_and_documented():
    assert set(tacmg.__all__) <= {
        "DataError",
        "Dataset",
        "load",
        "validate",
        "load_claims",
        "evaluate",
        "reconstruct",
        "__version__",
    }
    for name in tacmg.__all__:
        if name != "__version__":
            assert (getattr(tacmg, name).__doc__ or "").strip(), name
