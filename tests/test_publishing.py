"""How the project is published: one version, declared-then-locked dependencies, environment.yml in
step with the lock, licences stated everywhere, CITATION.cff and the changelog.

The lock test works offline (CI needs no network beyond the PyPI downloads `make venv` already
made): it proves that requirements.txt is exactly the dependency closure of what pyproject.toml
declares, using the metadata of the packages installed from the lock. Re-resolving against PyPI
(`make lock-check`) is kept out of the test suite: it needs the index, and it changes whenever PyPI
adds a wheel to a release that is already pinned (a new hash), which says nothing about this project.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.version import Version

import tacmg

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
LICENSES = PYPROJECT["tool"]["tacmg"]["licenses"]


def load_tool(name: str):
    spec = importlib.util.spec_from_file_location(f"publishing_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


lockfile = load_tool("lockfile")
publication = load_tool("publication_ext")
HEADER, ENTRIES = lockfile.read(ROOT / "requirements.txt")


# ------------------------------------------------------------------------------------ version
def test_one_version_everywhere():
    version = PROJECT["version"]
    assert tacmg.__version__ == version, "reinstall the package (make venv) after changing pyproject.toml"
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert str(citation["version"]) == version
    provenance = json.loads((ROOT / "data/reconstructed/datapackage.json").read_text())["provenance"]
    # The committed cohort says which version generated it (it is regenerated on a release).
    assert provenance["generator_version"] == version


def test_version_is_not_typed_in_the_package():
    for path in (ROOT / "src" / "tacmg").rglob("*.py"):
        assert not re.search(r"__version__\s*=\s*['\"]\d+\.\d+", path.read_text()), path


# ---------------------------------------------------------------------------------- the lock
def declared_requirements() -> list[Requirement]:
    """Every requirement pyproject.toml declares, less the project's references to its own extras."""
    texts = list(PROJECT["dependencies"])
    for extra in PROJECT["optional-dependencies"].values():
        texts += extra
    return [r for r in map(Requirement, texts) if lockfile.normalize(r.name) != "tacmg"]


def extras_reached(extra: str) -> set[str]:
    """`extra` and every extra of the project it pulls in (tacmg[test] inside dev, ...)."""
    seen, todo = set(), [extra]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for text in PROJECT["optional-dependencies"][name]:
            req = Requirement(text)
            if lockfile.normalize(req.name) == "tacmg":
                todo += sorted(req.extras)
    return seen


def applies_here(entry) -> bool:
    return entry.marker is None or Requirement(f"x; {entry.marker}").marker.evaluate()


def test_lock_entries_are_exact_pins_with_hashes():
    assert ENTRIES
    for entry in ENTRIES:
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", entry.version), entry.name
        assert entry.hashes and all(h.startswith("sha256:") for h in entry.hashes), entry.name
    # One entry per package and platform: two pins of one name must be for disjoint platforms.
    here = [e.key for e in ENTRIES if applies_here(e)]
    assert len(here) == len(set(here))


def test_lock_was_compiled_from_pyproject_with_every_extra():
    command = " ".join(HEADER)
    assert "uv pip compile pyproject.toml" in command
    extras = re.findall(r"--extra[= ](\S+)", command)
    reached = set().union(*(extras_reached(e) for e in extras)) if extras else set()
    assert reached == set(PROJECT["optional-dependencies"]), "lock every extra (make lock)"


def test_every_declaration_is_locked_at_a_version_it_allows():
    pins: dict[str, list] = {}
    for entry in ENTRIES:
        pins.setdefault(entry.key, []).append(entry)
    for req in declared_requirements():
        entries = pins.get(lockfile.normalize(req.name))
        assert entries, f"{req.name} is declared in pyproject.toml but not locked: make lock"
        for entry in entries:
            assert req.specifier.contains(entry.version, prereleases=True), (
                f"{req.name}: the lock pins {entry.version}, pyproject.toml asks {req.specifier}: make lock"
            )


def dependency_closure() -> set[str]:
    """Names reached from the declarations on this platform, through installed packages' metadata.

    Packages the venv skips on purpose ([tool.tacmg.venv] skip) are not installed, so their own
    dependencies cannot be read: they must be skipped too, which the skip test checks.
    """
    skipped = {lockfile.normalize(n) for n in lockfile.venv_skip()}
    environment = default_environment()
    seen: set[tuple[str, str]] = set()
    todo = [(r, "") for r in declared_requirements()]
    names: set[str] = set()
    while todo:
        req, extra = todo.pop()
        if req.marker is not None and not req.marker.evaluate({**environment, "extra": extra}):
            continue
        name = lockfile.normalize(req.name)
        names.add(name)
        if name in skipped:
            continue
        for wanted in ("", *sorted(req.extras)):
            if (name, wanted) in seen:
                continue
            seen.add((name, wanted))
            for text in metadata.requires(name) or []:
                child = Requirement(text)
                todo.append((child, wanted))
    return names


def test_lock_is_exactly_the_closure_of_the_declarations():
    locked = {e.key for e in ENTRIES if applies_here(e)}
    closure = dependency_closure()
    assert sorted(closure - locked) == [], "needed but not locked: make lock"
    # The skipped packages' own dependencies (lark, of rfc3987-syntax) cannot be read from .venv.
    skipped = {lockfile.normalize(n) for n in lockfile.venv_skip()}
    assert sorted(locked - closure - skipped) == [], "locked but nothing declared needs it: make lock"


def test_venv_skips_only_locked_packages_that_nothing_declares():
    skip = {lockfile.normalize(n) for n in lockfile.venv_skip()}
    assert skip <= {e.key for e in ENTRIES}
    declared = {lockfile.normalize(r.name) for r in declared_requirements()}
    assert not skip & declared, "a declared package cannot be left out of .venv"


def test_installed_packages_have_the_locked_versions():
    """Whatever environment runs the tests (.venv, conda, Binder), what it has of the lock is as pinned."""
    wrong = {}
    for entry in ENTRIES:
        if applies_here(entry):
            try:
                installed = metadata.version(entry.key)
            except metadata.PackageNotFoundError:
                continue  # the skipped packages, or the test tools in Binder's runtime environment
            if Version(installed) != Version(entry.version):
                wrong[entry.name] = (entry.version, installed)
    assert wrong == {}, "reinstall from the lock (make venv)"


def test_lockfile_drops_the_skipped_packages_and_keeps_the_rest():
    kept = lockfile.without(ENTRIES, ["lark"])
    assert {e.key for e in ENTRIES} - {e.key for e in kept} == {"lark"}
    with pytest.raises(ValueError, match="does not have"):
        lockfile.without(ENTRIES, ["no-such-package-for-tacmg"])
    header, again = lockfile.parse(lockfile.render(kept, ["# header"]))
    assert header == ["# header"] and [e.hashes for e in again] == [e.hashes for e in kept]


def test_lockfile_refuses_an_unreadable_line():
    with pytest.raises(ValueError, match="line 2"):
        lockfile.parse("a==1 \\\n    --hash=sha256:00\n")


def test_cffconvert_lock_comes_from_its_own_group():
    header, entries = lockfile.read(ROOT / "requirements/cffconvert.txt")
    assert "uv pip compile --group pyproject.toml:cff" in " ".join(header)
    pins = {e.key: e for e in entries}
    for text in PYPROJECT["dependency-groups"]["cff"]:
        req = Requirement(text)
        assert req.specifier.contains(pins[lockfile.normalize(req.name)].version)
    assert all(e.hashes for e in entries)


# --------------------------------------------------------------------------- environment.yml
def test_environment_yml_and_postbuild_install_the_runtime_part_of_the_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert f"python={PYPROJECT['tool']['uv']['pip']['python-version']}" in env["dependencies"]
    assert Requirement(f"x{PROJECT['requires-python']}").specifier.contains(
        PYPROJECT["tool"]["uv"]["pip"]["python-version"] + ".0"
    )
    # Nothing from conda's resolver or an unhashed pip line: postBuild installs the lock's runtime part.
    assert not [d for d in env["dependencies"] if isinstance(d, dict)]
    post_build = (ROOT / "postBuild").read_text()
    assert "tools/lockfile.py runtime-requirements requirements.txt" in post_build
    assert re.search(r"pip install .*--require-hashes --no-deps -r", post_build)
    assert re.search(r"pip install .*--no-deps.* -e \.", post_build)
    assert (ROOT / "postBuild").stat().st_mode & 0o111


def test_runtime_environment_has_the_book_and_lab_but_no_test_or_dev_tool():
    runtime = {e.key for e in lockfile.runtime(lockfile.without(ENTRIES, lockfile.venv_skip()))}
    assert {"jupyter-book", "jupyterlab", "jupyterlab-myst", "ipykernel", "altair", "pandas"} <= runtime
    extras = PROJECT["optional-dependencies"]
    tools = {lockfile.normalize(Requirement(text).name) for x in ("test", "dev") for text in extras[x]}
    assert runtime & (tools - {"tacmg"}) == set()


def test_runtime_keeps_what_a_kept_package_needs_through_uvs_via_comments(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\ndependencies = ["pandas>=3"]\n[project.optional-dependencies]\nbook = ["jupyterlab"]\n'
        'test = ["pytest"]\n'
    )
    _, entries = lockfile.parse(
        "pandas==3.1\n    # via tacmg (pyproject.toml)\n"
        "jupyterlab==4.6\n    # via tacmg (pyproject.toml)\n"
        "pytest==9.2\n    # via tacmg (pyproject.toml)\n"
        "numpy==2.4\n    # via\n    #   pandas\n    #   pytest\n"
        "pluggy==1.6\n    # via pytest\n"
        "jinja2==3.1\n    # via jupyterlab\n"
        "markupsafe==3.0\n    # via jinja2\n"
    )
    kept = [e.key for e in lockfile.runtime(entries, pyproject)]
    assert kept == ["pandas", "jupyterlab", "numpy", "jinja2", "markupsafe"]


# -------------------------------------------------------------------------------- licences
def test_licences_are_stated_in_every_place():
    readme = (ROOT / "README.md").read_text()
    for part, licence in LICENSES.items():
        assert (ROOT / licence["file"]).is_file(), licence["file"]
        assert licence["spdx"] in readme and licence["file"] in readme, part
    assert PROJECT["license"] == LICENSES["code"]["spdx"]
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert sorted(citation["license"]) == sorted(licence["spdx"] for licence in LICENSES.values())
    entry = "\n".join(publication.bibtex_entry(citation, "the tacmg team", "2027", None, LICENSES))
    (field,) = re.findall(r"license = \{(.+)\},", entry)
    assert all(f"{part}: {licence['spdx']}" in field for part, licence in LICENSES.items()), field
    package = json.loads((ROOT / "data/reconstructed/datapackage.json").read_text())
    assert [lic["name"] for lic in package["licenses"]] == [LICENSES["data"]["spdx"]]


def test_citation_cites_the_study():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    (study,) = citation["references"]
    assert study["doi"] == "10.1016/j.jneuroim.2022.577955"
    bib = (ROOT / "book/references.bib").read_text()
    assert study["doi"] in bib and str(study["volume"]) in bib and str(study["year"]) in bib


# ------------------------------------------------------------------------------- changelog
def test_changelog_keeps_the_keep_a_changelog_form():
    text = (ROOT / "CHANGELOG.md").read_text()
    sections = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", text, re.MULTILINE)
    assert sections and sections[0] == ("Unreleased", "")
    released = [Version(v) for v, _ in sections[1:]]
    assert released == sorted(released, reverse=True)
    assert all(Version(PROJECT["version"]) >= v for v in released)
    for heading in re.findall(r"^### (.+)$", text, re.MULTILINE):
        assert heading in {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


# ----------------------------------------------------------------- footer, buttons, downloads
check_published = load_tool("check_published")


def test_no_repository_setting_means_no_buttons_and_no_address():
    assert publication.repository_settings({}) is None
    options = publication.theme_options(None)
    assert options["repository_url"] == "" and options["launch_buttons"] == {}
    assert not any(options[k] for k in ("use_repository_button", "use_issues_button", "use_edit_page_button"))


def test_one_repository_setting_drives_every_button():
    repo = publication.repository_settings({"BOOK_REPOSITORY_URL": "https://github.com/owner/book.git/"})
    assert repo["url"] == "https://github.com/owner/book" and repo["provider"] == "github"
    assert repo["branch"] == "main"
    options = publication.theme_options(repo)
    assert options["repository_url"] == repo["url"] and options["repository_provider"] == "github"
    assert all(options[k] for k in ("use_repository_button", "use_issues_button", "use_edit_page_button"))
    assert options["launch_buttons"]["binderhub_url"].startswith("https://")
    assert options["launch_buttons"]["notebook_interface"] == "jupyterlab"
    assert "jupyterhub_url" not in options["launch_buttons"]
    hub = publication.repository_settings(
        {"BOOK_REPOSITORY_URL": "https://github.com/owner/book", "BOOK_JUPYTERHUB_URL": "https://hub.example.org/"}
    )
    assert publication.theme_options(hub)["launch_buttons"]["jupyterhub_url"] == "https://hub.example.org"


@pytest.mark.parametrize(
    "url",
    [
        "http://github.com/owner/book",
        "https://git.example.org/owner/book",
        "https://github.com/owner",
        "github.com/owner/book",
    ],
)
def test_an_unusable_repository_setting_gives_no_buttons_rather_than_a_broken_build(url):
    assert publication.repository_settings({"BOOK_REPOSITORY_URL": url}) is None


def test_a_custom_host_needs_its_provider_named():
    repo = publication.repository_settings(
        {"BOOK_REPOSITORY_URL": "https://git.example.org/owner/book", "BOOK_REPOSITORY_PROVIDER": "gitlab"}
    )
    assert repo["provider"] == "gitlab"


def test_build_time_is_reproducible_with_source_date_epoch():
    moment = publication.build_time({"SOURCE_DATE_EPOCH": "1700000059"})
    assert moment.isoformat() == "2023-11-14T22:14:00+00:00"


def facts(**data):
    base = {
        "reconstructed": True,
        "chosen": None,
        "seed": 7,
        "checksum": "ab" * 32,
        "variable": "MG_DATA_DIR",
        "directory": Path("/x/mine"),
    }
    return {
        "version": "9.8.7",
        "commit": {"sha": "c0ffee" * 7, "short": "c0ffeec0ffee", "dirty": False},
        "built": publication.build_time({"SOURCE_DATE_EPOCH": "1700000000"}),
        "data": {**base, **data},
        "licences": LICENSES,
        "repository": None,
    }


def test_a_rebuild_with_the_same_facts_keeps_the_time_and_a_new_commit_takes_its_own(tmp_path):
    first = facts()
    assert publication.kept_build_time(tmp_path, first, {}) == first["built"]
    later = {**first, "built": publication.build_time({"SOURCE_DATE_EPOCH": "1700009000"})}
    assert publication.kept_build_time(tmp_path, later, {}) == first["built"]  # nothing else changed
    committed = {**later, "commit": {**first["commit"], "sha": "beef" * 10, "short": "beefbeefbeef"}}
    assert publication.kept_build_time(tmp_path, committed, {}) == later["built"]
    assert publication.kept_build_time(tmp_path / "deleted", committed, {}) == later["built"]


def test_footer_says_version_commit_time_data_and_licences():
    footer = publication.footer_html(facts())
    assert (
        check_published.check_footer(
            footer, {"version": "9.8.7", "commit": "c0ffeec0ffee", "licences": [v["spdx"] for v in LICENSES.values()]}
        )
        == []
    )
    assert "seed 7" in footer and "not patient data" in footer and "2023-11-14 22:13 UTC" in footer
    assert publication.ABOUT_PLACEHOLDER in footer


def test_footer_names_a_readers_dataset_by_its_checksum():
    footer = publication.footer_html(facts(reconstructed=False, chosen="/x/mine"))
    assert "sha256 " + "ab" * 6 in footer and "reader's dataset" in footer and "seed" not in footer


def test_footer_check_fails_on_a_wrong_version_or_a_missing_footer():
    footer = publication.footer_html(facts())
    want = {"version": "9.8.8", "commit": "c0ffeec0ffee", "licences": ["MIT"]}
    assert any("version 9.8.8" in p for p in check_published.check_footer(footer, want))
    assert check_published.check_footer("<p>no footer</p>", want) == ["no build-facts footer"]


def test_download_check_wants_an_executed_notebook_and_the_source(tmp_path):
    (tmp_path / "_sources" / "notebooks").mkdir(parents=True)
    (tmp_path / "notebooks").mkdir()
    page = (
        '<a class="btn btn-download-notebook-button" href="../_sources/notebooks/a.ipynb">'
        '<a class="btn btn-download-source-button" href="../_sources/notebooks/a.md">'
    )
    (tmp_path / "_sources" / "notebooks" / "a.md").write_text("# a")
    notebook = tmp_path / "_sources" / "notebooks" / "a.ipynb"
    notebook.write_text(json.dumps({"cells": [{"cell_type": "code", "outputs": []}]}))
    problems = check_published.check_downloads(page, tmp_path, Path("notebooks/a.html"))
    assert problems == ["../_sources/notebooks/a.ipynb has no outputs: not the executed notebook"]
    notebook.write_text(json.dumps({"cells": [{"cell_type": "code", "outputs": [{"output_type": "stream"}]}]}))
    assert check_published.check_downloads(page, tmp_path, Path("notebooks/a.html")) == []
    assert check_published.check_downloads("", tmp_path, Path("notebooks/a.html")) == [
        "no .ipynb download",
        "no .md download",
    ]


# --------------------------------------------------------------------------------- releasing
check_release = load_tool("check_release")
PYPROJECT_TEXT = '[project]\nname = "tacmg"\nversion = "1.2.0"\n'
CITATION_TEXT = "cff-version: 1.2.0\nversion: 1.2.0\ndate-released: 2027-01-05\n"
CHANGELOG_TEXT = """# Changelog

## [Unreleased]

## [1.2.0] - 2027-01-05

### Added

- A thing.

## [1.1.0] - 2026-12-01

### Fixed

- Another.

[1.2.0]: https://example.org/compare
"""


def test_release_check_accepts_a_consistent_release_and_writes_its_notes():
    found, notes = check_release.problems("v1.2.0", PYPROJECT_TEXT, CITATION_TEXT, CHANGELOG_TEXT)
    assert found == [] and notes == "### Added\n\n- A thing."


@pytest.mark.parametrize(
    "tag, pyproject, citation, changelog, expected",
    [
        ("v1.2.1", PYPROJECT_TEXT, CITATION_TEXT, CHANGELOG_TEXT, "tag v1.2.1"),
        (
            "v1.2.0",
            PYPROJECT_TEXT,
            CITATION_TEXT.replace("version: 1.2.0", "version: 1.1.0"),
            CHANGELOG_TEXT,
            "CITATION.cff version",
        ),
        ("v1.2.0", PYPROJECT_TEXT, "version: 1.2.0\n", CHANGELOG_TEXT, "no date-released"),
        (
            "v1.2.0",
            PYPROJECT_TEXT,
            CITATION_TEXT,
            CHANGELOG_TEXT.replace("[1.2.0] - 2027-01-05", "[1.2.0] - 2027-01-06"),
            "CHANGELOG.md dates",
        ),
        (
            "v1.2.0",
            PYPROJECT_TEXT,
            CITATION_TEXT,
            CHANGELOG_TEXT.replace("## [1.2.0] - 2027-01-05", ""),
            "no section [1.2.0]",
        ),
    ],
)
def test_release_check_refuses_any_disagreement(tag, pyproject, citation, changelog, expected):
    found, _ = check_release.problems(tag, pyproject, citation, changelog)
    assert any(expected in p for p in found), found


# ------------------------------------------------------------------------------------ the PDF
latex_outputs = load_tool("latex_outputs_ext")
check_pdf = load_tool("check_pdf")

TABLE_HTML = """<style type="text/css">
#T_1 td { color: red; }
</style>
<table id="T_1">
  <thead><tr><th class="col_heading">claim</th><th>published</th></tr></thead>
  <tbody>
    <tr><td>qmg-decrease</td><td>P &lt; 0.0001</td></tr>
    <tr class="tacmg-finding"><th colspan="2"><a href="x.html">Four clinical scores</a> (1 of 1)</th></tr>
  </tbody>
</table>"""
BANNER_HTML = (
    '<div class="admonition warning tacmg-banner"><p class="admonition-title">Reconstructed data</p>'
    "<p>Reconstructed data, not patient data &amp; more.</p></div>"
)


def test_html_tables_become_tables_with_their_spans_and_escapes():
    rows = latex_outputs.table_rows(TABLE_HTML)
    assert rows == [
        (True, [("claim", 1, True), ("published", 1, True)]),
        (False, [("qmg-decrease", 1, False), ("P < 0.0001", 1, False)]),
        (False, [("Four clinical scores (1 of 1)", 2, True)]),
    ]
    table = latex_outputs.table_node(rows)
    assert "longtable" in table["classes"] and "colwidths-given" in table["classes"]
    entries = list(table.findall(latex_outputs.nodes.entry))
    assert entries[-1].get("morecols") == 1 and "P < 0.0001" in table.astext()


def test_table_columns_are_wide_enough_for_their_longest_word():
    rows = [
        (True, [("id", 1, True), ("reason", 1, True)]),
        (False, [("improved-subset", 1, False), ("word " * 40, 1, False)]),
    ]
    narrow, wide = latex_outputs.column_widths(rows, 2)
    assert narrow >= len("improved-subset") and wide >= narrow


def test_the_banner_becomes_an_admonition_with_its_title():
    node = latex_outputs.admonition_node(BANNER_HTML)
    assert node is not None and "tacmg-banner" in node["classes"]
    assert node.astext().startswith("Reconstructed data") and "not patient data & more." in node.astext()
    assert latex_outputs.admonition_node("<div>plain</div>") is None


def test_an_altair_chart_becomes_a_vector_image(tmp_path):
    import altair as alt

    chart = alt.Chart(alt.Data(values=[{"x": 1, "y": 2}, {"x": 2, "y": 1}])).mark_point().encode(x="x:Q", y="y:Q")
    chart = chart.properties(description="Two points, at (1, 2) and (2, 1).")
    page = chart._repr_mimebundle_()["text/html"]  # what a chapter stores (the default renderer)
    spec = latex_outputs.vegalite_spec(page)
    assert spec == chart.to_dict()
    (image,) = latex_outputs.convert(page, tmp_path / "charts", tmp_path)
    pdf = tmp_path / image["uri"]
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.parent.name == "charts"
    assert image["alt"] == "Two points, at (1, 2) and (2, 1)."  # the chart's alternative text
    assert latex_outputs.convert(page, tmp_path / "charts", tmp_path)[0]["uri"] == image["uri"]  # cached by spec


def test_pdf_check_counts_charts_and_banners_in_the_latex_source():
    tex = (
        "\\sphinxincludegraphics{{charts/chart-0123456789abcdef}.pdf}\n"
        "\\begin{sphinxadmonition}{note}{Reconstructed data}\n"
    )
    assert check_pdf.check(tex, 1, ["Reconstructed data"]) == []
    assert any("2 chart(s)" in p for p in check_pdf.check(tex, 2, ["Reconstructed data"]))
    assert any("banner" in p for p in check_pdf.check(tex, 1, ["Reconstructed data"] * 2))
    assert any("text form" in p for p in check_pdf.check(tex + "alt.VConcatChart(...)", 1, ["Reconstructed data"]))
    signature = "\\pysiglinewithargsret{\\sphinxbfcode{load}}{dataset}{}\n"
    for text, problem in ((signature, "API reference"), ("Hover over a point", "hover"), ("| 姓名 |", "CJK")):
        assert any(problem in p for p in check_pdf.check(tex + text, 1, ["Reconstructed data"])), problem


# -------------------------------------------------------------------------------- workflows
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_the_four_workflows_exist():
    assert {p.stem for p in WORKFLOWS} >= {"tests", "deploy", "weekly", "release"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_job_has_least_privilege_permissions(path):
    workflow = yaml.safe_load(path.read_text())
    assert workflow.get("permissions") == {}, "no permissions by default; each job asks for its own"
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, name
        granted = {scope for scope, level in job["permissions"].items() if level == "write"}
        allowed = {"deploy": {"pages", "id-token"}, "publish": {"contents"}, "report-failure": {"issues"}}
        allowed = allowed.get(name, set())
        assert granted <= allowed, (name, granted)


def test_tests_workflow_runs_the_readme_test_command():
    workflow = yaml.safe_load((ROOT / ".github/workflows/tests.yml").read_text())
    on = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true
    assert "pull_request" in on
    runs = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert "make test" in runs


def test_deploy_takes_the_repository_from_where_it_runs():
    text = (ROOT / ".github/workflows/deploy.yml").read_text()
    assert "BOOK_REPOSITORY_URL: ${{ github.server_url }}/${{ github.repository }}" in text


def test_only_the_configuration_dumps_are_filtered_from_the_build_log():
    import logging

    def record(level, message, *args):
        return logging.LogRecord("sphinx.myst_nb.sphinx_ext", level, __file__, 1, message, args, None)

    assert publication.is_configuration_dump(record(logging.INFO, "myst-nb v%s: %s", "1.4", "NbParserConfig(x=1)"))
    assert not publication.is_configuration_dump(record(logging.INFO, "Using jupyter-cache at: %s", "/x"))
    assert not publication.is_configuration_dump(record(logging.WARNING, "bad NbParserConfig(x=1)"))
