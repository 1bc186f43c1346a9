"""The package's shape: layers import only downwards, no import cycle, no private name crosses a
module, modules stay small, public names are documented.

Layers, lowest first: stats (pure statistics) -> data (contract, loading, data package) -> claims
(registry, evaluation, consistency) -> reconstruction (generating cohorts) -> analyses (the
chapters' statistics) -> presentation (tables, prose, charts, glue). A module may import from its
own layer or a lower one; the top level (``tacmg/__init__.py``, ``__main__.py``, ``version.py`` and
``ensembles.py``, the ensemble build step the command line runs) may import any. The import
graph, imports under ``TYPE_CHECKING`` and inside functions included, has no cycle, within a
layer as across layers: a type two modules share lives in a module of its own below both
(`tacmg.claims.outcome`, `tacmg.reconstruction.targets`). No module of the project (package,
tests, tools, benchmarks) imports a name or a module whose name starts with an
underscore from another module: what another module needs is public, and says so in its name.

Why these checks are written here rather than as import-linter contracts: import-linter (with its
graph builder grimp) is not in the lock, and adding it would change requirements.txt, which every
engineer's venv and the ensemble store's key depend on. It would replace only the layer walk
(``layer_violations``, about 40 lines, which already runs); its ``layers`` contract sees cycles
between layers, not between two modules of one layer (the two cycles this file was written
against, ``claims.evaluate`` <-> ``claims.verdicts`` and ``reconstruction.generator`` <->
``_draws``, were both inside a layer), so the cycle check would stay, and no contract forbids
importing a private name, so the AST walk over imports would stay too. One dependency for a net
gain of a few lines did not serve; the checks below use only ``ast`` and ``graphlib``.
"""

from __future__ import annotations

import ast
import graphlib
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
ANY_LAYER = {"tacmg.version"}
REPO_ROOT = PACKAGE_DIR.parent.parent
# Where the project's own Python lives: the package, its tests, build tools and benchmarks.
PROJECT_DIRS = ("src", "tests", "tools", "bench")


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


def _module_name(path: Path, package_dir: Path = PACKAGE_DIR) -> str:
    parts = path.relative_to(package_dir).with_suffix("").parts
    return ".".join(("tacmg", *(parts[:-1] if parts[-1] == "__init__" else parts)))


def import_graph(files: list[Path], package_dir: Path = PACKAGE_DIR) -> dict[str, set[str]]:
    """Module to the tacmg modules it imports, ``TYPE_CHECKING`` and function-level imports included."""
    graph = {}
    for path in files:
        name = _module_name(path, package_dir)
        graph[name] = {m for _, m in _tacmg_imports(path, package_dir)} - {name}
    return graph


def import_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph (its first module repeated at the end), or [] when it has none."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return list(reversed(error.args[1]))  # graphlib lists a cycle against the import direction
    return []


def test_the_import_graph_has_no_cycle():
    assert import_cycle(import_graph(_sources())) == []


def test_the_cycle_check_sees_a_cycle_through_type_checking_imports(tmp_path):
    # The probes live in a copy of the package's layout outside src/: other workers read src/ meanwhile.
    package_dir = tmp_path / "tacmg"
    (package_dir / "stats").mkdir(parents=True)
    first, second = package_dir / "stats" / "cycle_probe_a.py", package_dir / "stats" / "cycle_probe_b.py"
    # Plain `import` statements: the check reads them without running the probes.
    first.write_text("import tacmg.stats.cycle_probe_b\n")
    second.write_text("from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import tacmg.stats.cycle_probe_a\n")
    cycle = import_cycle({**import_graph(_sources()), **import_graph([first, second], package_dir)})
    assert cycle[0] == cycle[-1] and set(cycle) == {"tacmg.stats.cycle_probe_a", "tacmg.stats.cycle_probe_b"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _project_modules() -> set[str]:
    """Top-level names that are the project's own: the package and every tests/tools/bench module."""
    return {"tacmg"} | {p.stem for d in PROJECT_DIRS[1:] for p in (REPO_ROOT / d).glob("*.py")}


def private_imports(files: list[Path], root: Path = REPO_ROOT) -> list[str]:
    """Every import of a private name or module from another of the project's modules, as path:line."""
    ours = _project_modules()
    problems = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level == 0 and module.split(".")[0] not in ours:
                    continue  # another project's private names are its business
                names = [*module.split("."), *(alias.name for alias in node.names)]
            elif isinstance(node, ast.Import):
                names = [p for alias in node.names if alias.name.split(".")[0] in ours for p in alias.name.split(".")]
            else:
                continue
            if any(_private(name) for name in names):
                problems.append(f"{path.relative_to(root)}:{node.lineno}")
    return problems


def _project_sources() -> list[Path]:
    return sorted(p for d in PROJECT_DIRS for p in (REPO_ROOT / d).rglob("*.py") if ".venv" not in p.parts)


def test_no_module_imports_a_private_name_from_another():
    assert private_imports(_project_sources()) == []


def test_the_private_import_check_catches_a_private_name_and_a_private_module(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from tacmg.claims.holds_rule import tested_claim_holds\n"
        "from tacmg.data.cell_rules import _TYPES\n"
        "import tacmg.stats._hidden\n"
        "from tacmg import __version__\n"
        "from scipy.stats._stats_py import _sum_of_squares\n"
    )
    assert private_imports([probe], root=tmp_path) == ["probe.py:2", "probe.py:3"]


def test_every_module_belongs_to_a_layer():
    top_level = {"__init__.py", "__main__.py", "version.py", "ensembles.py"}
    loose = [p.name for p in PACKAGE_DIR.glob("*.py") if p.name not in top_level]
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
