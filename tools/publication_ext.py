"""Sphinx extension: what every page says about how it was built, and where it comes from.

1. **Footer.** Every HTML page ends with one line naming the tacmg version and the git commit that
   built it, when (UTC; ``SOURCE_DATE_EPOCH`` if set), on which data (the reconstruction's seed from
   its datapackage.json provenance, or the checksum of a reader's dataset when ``MG_DATA_DIR`` is
   set) and under which licences (``[tool.tacmg.licenses]`` in pyproject.toml), with a link to the
   About page. It is the theme's ``extra_footer``, set when the configuration is read: a changed
   footer changes the configuration's hash, so Sphinx rewrites every page rather than leave old
   footers on pages whose source did not change. The time is that of the last build whose other
   facts were the same (kept beside Sphinx's saved environment, `kept_build_time`): a rebuild with
   nothing changed rewrites no page (it rewrote all 26, 15 s, when the minute had moved on), and the
   footer says when the pages it sits on were built. Edits left uncommitted keep the time of the
   first build with uncommitted changes on that commit.
2. **Repository buttons.** One setting, the environment variable ``BOOK_REPOSITORY_URL`` (for
   example ``https://github.com/OWNER/NAME``; the deploy workflow sets it from the repository it
   runs in), turns on the repository, issues and edit-this-page buttons and the Binder launch
   button; ``BOOK_REPOSITORY_BRANCH`` (default ``main``), ``BOOK_BINDERHUB_URL`` (default the
   public mybinder.org) and ``BOOK_JUPYTERHUB_URL`` (no default: a JupyterHub button only when
   set) refine it. Unset, there are no such buttons and no repository address anywhere in the
   book (not even Jupyter Book's default one). Launching opens the chapter's paired ``.ipynb``
   (the theme prefers it when it exists beside the ``.md``) in JupyterLab; Binder builds from
   environment.yml and postBuild, which install the package.
3. **Executed notebooks for download.** Each chapter's download menu offers the notebook as it was
   executed for this build, besides its ``.md`` source, whether or not launch buttons are
   configured: MyST-NB's own copy (``_build/jupyter_execute``).
4. **Directives.** ``{build-facts}`` (the About page: the footer's facts at length) and
   ``{how-to-cite}`` (the How to cite page: the citation of this version, read from CITATION.cff).
   Pages using them are re-read on every build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import logging as std_logging
import os
import subprocess
import tomllib
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

__version__ = "1.0"

ROOT = Path(__file__).resolve().parent.parent
LOGGER = logging.getLogger(__name__)
ABOUT_DOC = "book/about"
ABOUT_PLACEHOLDER = "__TACMG_ABOUT_HREF__"
DEFAULT_BINDERHUB = "https://mybinder.org"
PROVIDERS = {"github.com": "github", "gitlab.com": "gitlab", "bitbucket.org": "bitbucket"}


# ------------------------------------------------------------------------------- the facts
def git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def commit_facts() -> dict[str, Any]:
    """The commit checked out (full and short id) and whether tracked files differ from it."""
    sha = git("rev-parse", "HEAD") or os.environ.get("GITHUB_SHA")
    if not sha:
        return {"sha": None, "short": "unknown", "dirty": False}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"sha": sha, "short": sha[:12], "dirty": bool(status)}


def build_time(environ: Mapping[str, str] | None = None) -> dt.datetime:
    """Now, in UTC to the minute; or SOURCE_DATE_EPOCH, for a reproducible build."""
    env: Mapping[str, str] = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else dt.datetime.now(dt.UTC)
    return moment.replace(second=0, microsecond=0)


def kept_build_time(doctrees: Path, facts: dict[str, Any], environ: Mapping[str, str] | None = None) -> dt.datetime:
    """The time of the last build whose facts (but the time) were `facts`, recorded in `doctrees`
    (Sphinx's saved environment, deleted by tools/data_cache_key.py when the data change); else
    `facts["built"]`, recorded for the next build. ``SOURCE_DATE_EPOCH`` is part of the record."""
    env: Mapping[str, str] = os.environ if environ is None else environ
    record = doctrees / "tacmg-build-time.json"
    key = facts_key(facts) + env.get("SOURCE_DATE_EPOCH", "")
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        kept = json.loads(record.read_text(encoding="utf-8"))
        if kept["key"] == key:
            return dt.datetime.fromisoformat(kept["built"])
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"key": key, "built": facts["built"].isoformat()}), encoding="utf-8")
    return facts["built"]


def data_facts() -> dict[str, Any]:
    """Which dataset the chapters read, as tacmg.report chooses it, and what identifies it."""
    from tacmg.data.loader import DataError, data_checksum
    from tacmg.presentation.report import DATA_DIR_VARIABLE, data_directory

    directory = data_directory()
    chosen = os.environ.get(DATA_DIR_VARIABLE, "").strip()
    facts: dict[str, Any] = {"directory": directory, "variable": DATA_DIR_VARIABLE, "chosen": chosen or None}
    try:
        facts["checksum"] = data_checksum(directory)
    except DataError as error:
        facts["checksum"] = None
        facts["error"] = str(error)
    provenance = None
    with contextlib.suppress(OSError, ValueError, AttributeError):
        provenance = json.loads((directory / "datapackage.json").read_text()).get("provenance")
    facts["reconstructed"] = False
    if isinstance(provenance, dict) and provenance.get("reconstructed"):
        facts["reconstructed"] = True
        facts["seed"] = provenance.get("seed")
        facts["generator_version"] = provenance.get("generator_version")
        facts["conditioned_on"] = len(provenance.get("claims_conditioned_on") or [])
    return facts


def licences() -> dict[str, dict[str, str]]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["tacmg"]["licenses"]


def build_facts(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    try:
        tacmg_version = version("tacmg")
    except PackageNotFoundError:
        tacmg_version = "unknown"
    return {
        "version": tacmg_version,
        "commit": commit_facts(),
        "built": build_time(environ),
        "data": data_facts(),
        "licences": licences(),
        "repository": repository_settings(environ),
    }


# --------------------------------------------------------------------------------- the footer
def data_phrase(data: dict[str, Any]) -> str:
    """The data in a few words (plain text)."""
    checksum = f"sha256 {data['checksum'][:12]}" if data.get("checksum") else "checksum unavailable"
    if data["reconstructed"] and not data["chosen"]:
        return f"the reconstructed cohort, seed {data['seed']} (synthetic, not patient data)"
    if data["reconstructed"]:
        return (
            f"a reconstructed cohort from {data['variable']}, seed {data['seed']}, {checksum} "
            f"(synthetic, not patient data)"
        )
    return f"a reader's dataset from {data['variable']} ({data['directory'].name}/, {checksum})"


def footer_html(facts: dict[str, Any]) -> str:
    """The footer line (HTML); the About link's href is a placeholder each page fills in."""
    commit = facts["commit"]
    commit_text = commit["short"] + (" with uncommitted changes" if commit["dirty"] else "")
    repo = facts["repository"]
    if repo and commit["sha"] and repo["provider"] == "github":
        commit_html = f'<a href="{html.escape(repo["url"])}/commit/{commit["sha"]}">{html.escape(commit_text)}</a>'
    else:
        commit_html = html.escape(commit_text)
    lic = facts["licences"]
    licence_html = ", ".join(
        f'{part} <a href="{html.escape(lic[part]["url"])}">{html.escape(lic[part]["spdx"])}</a>'
        for part in ("code", "text", "data")
    )
    built = facts["built"].strftime("%Y-%m-%d %H:%M UTC")
    return (
        f'<p class="tacmg-build-facts">Built with tacmg {html.escape(facts["version"])} from commit '
        f"{commit_html} on {built}, on {html.escape(data_phrase(facts['data']), quote=False)}. "
        f"Licences: {licence_html}. "
        f'<a href="{ABOUT_PLACEHOLDER}">About this book</a>.</p>'
    )


# ---------------------------------------------------------------------- repository settings
def repository_settings(environ: Mapping[str, str] | None = None) -> dict[str, str] | None:
    """The repository the book links to, from BOOK_REPOSITORY_URL (None when unset or unusable)."""
    env: Mapping[str, str] = os.environ if environ is None else environ
    url = env.get("BOOK_REPOSITORY_URL", "").strip().rstrip("/").removesuffix(".git")
    if not url:
        return None
    host = url.split("://", 1)[-1].split("/", 1)[0].lower()
    provider = env.get("BOOK_REPOSITORY_PROVIDER", "").strip().lower() or PROVIDERS.get(host, "")
    parts = url.split("://", 1)[-1].split("/")
    if not url.startswith("https://") or provider not in PROVIDERS.values() or len(parts) != 3 or not all(parts):
        LOGGER.warning(
            f"BOOK_REPOSITORY_URL={url!r} is not https://HOST/OWNER/NAME on GitHub, GitLab or "
            f"Bitbucket (set BOOK_REPOSITORY_PROVIDER for another host): no repository buttons",
            type="tacmg",
            subtype="repository",
        )
        return None
    return {
        "url": url,
        "provider": provider,
        "branch": env.get("BOOK_REPOSITORY_BRANCH", "").strip() or "main",
        "binderhub": env.get("BOOK_BINDERHUB_URL", DEFAULT_BINDERHUB).strip().rstrip("/"),
        "jupyterhub": env.get("BOOK_JUPYTERHUB_URL", "").strip().rstrip("/"),
    }


def theme_options(repo: dict[str, str] | None) -> dict[str, Any]:
    """sphinx-book-theme options for the repository buttons (all off, and no URL, when unset)."""
    if repo is None:
        return {
            "repository_url": "",
            "use_repository_button": False,
            "use_issues_button": False,
            "use_edit_page_button": False,
            "launch_buttons": {},
        }
    launch = {"notebook_interface": "jupyterlab", "binderhub_url": repo["binderhub"]}
    if repo["jupyterhub"]:
        launch["jupyterhub_url"] = repo["jupyterhub"]
    if repo["provider"] != "github":
        launch.pop("binderhub_url")  # the theme builds Binder links for GitHub and GitLab only
        if repo["provider"] == "gitlab":
            launch["binderhub_url"] = repo["binderhub"]
    return {
        "repository_url": repo["url"],
        "repository_branch": repo["branch"],
        "repository_provider": repo["provider"],
        "path_to_docs": "",
        "use_repository_button": True,
        "use_issues_button": True,
        "use_edit_page_button": True,
        "launch_buttons": launch,
    }


# ------------------------------------------------------------------------------ Sphinx hooks
def _config_inited(app, config) -> None:
    facts = build_facts()
    facts["built"] = kept_build_time(Path(app.doctreedir), facts)
    app.tacmg_build_facts = facts
    options = dict(config.html_theme_options or {})
    options.update(theme_options(facts["repository"]))
    options["extra_footer"] = footer_html(facts)
    config.html_theme_options = options
    if facts["data"].get("error"):
        LOGGER.warning(
            f"build facts: the dataset cannot be identified: {facts['data']['error']}", type="tacmg", subtype="data"
        )


def _builder_inited(app) -> None:
    """The PDF's title page names the version (Sphinx prints the release under the title).

    Set in the LaTeX builder's context only: ``version`` and ``release`` are configuration values that
    Sphinx saves with its environment, which the HTML and LaTeX builds share, so changing them made
    the next HTML build re-read (and re-execute) every page."""
    if app.builder.format == "latex" and isinstance(getattr(app.builder, "context", None), dict):
        app.builder.context["release"] = app.tacmg_build_facts["version"]


def _page_context(app, pagename, templatename, context, doctree) -> None:
    footer = context.get("theme_extra_footer")
    if footer and ABOUT_PLACEHOLDER in footer:
        context["theme_extra_footer"] = footer.replace(ABOUT_PLACEHOLDER, context["pathto"](ABOUT_DOC))
    _offer_executed_notebook(app, pagename, context)


def executed_notebook(app, pagename: str) -> bytes | None:
    """The chapter as executed for this build, as .ipynb bytes (None if it cannot be had).

    MyST-NB (``execute_notebooks: force``) writes each page it executes, with its outputs, to
    ``_build/jupyter_execute/PAGE.ipynb``.
    """
    written = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    return written.read_bytes() if written.is_file() else None


def _offer_executed_notebook(app, pagename, context) -> None:
    """Put the executed notebook of a MyST Markdown chapter beside its source for download."""
    source = context.get("sourcename") or ""
    if not source.endswith((".md", ".md.txt")) or "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    content = executed_notebook(app, pagename)
    if content is None:
        LOGGER.warning(f"{pagename}: no executed notebook to offer for download", type="tacmg", subtype="download")
        return
    # Into _sources (what the download button links to) and into jupyter_execute, which the
    # theme copies over it when launch buttons are on.
    for folder in (Path(app.outdir) / "_sources", Path(app.outdir).parent / "jupyter_execute"):
        target = folder / f"{pagename}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_bytes() != content:
            target.write_bytes(content)
    context["ipynb_source"] = f"{pagename}.ipynb"


# --------------------------------------------------------------------------------- directives
def _rows_table(rows: list[tuple[str, nodes.Node | str]], classes: list[str]) -> nodes.table:
    table = nodes.table(classes=classes)
    group = nodes.tgroup(cols=2)
    table += group
    group += [nodes.colspec(colwidth=1), nodes.colspec(colwidth=3)]
    body = nodes.tbody()
    for label, value in rows:
        row = nodes.row()
        row += nodes.entry("", nodes.paragraph(text=label))
        cell = nodes.entry()
        cell += value if isinstance(value, nodes.Node) else nodes.paragraph(text=value)
        row += cell
        body += row
    group += body
    return table


def _link(text: str, url: str) -> nodes.paragraph:
    para = nodes.paragraph()
    para += nodes.reference("", text, refuri=url)
    return para


class _AlwaysReread(SphinxDirective):
    def _mark(self) -> None:
        pages = getattr(self.env, "tacmg_publication_pages", set())
        pages.add(self.env.docname)
        self.env.tacmg_publication_pages = pages


class BuildFacts(_AlwaysReread):
    """The About page's table: version, commit, time, data, licences, repository."""

    def run(self) -> list[nodes.Node]:
        self._mark()
        facts = getattr(self.env.app, "tacmg_build_facts", None) or build_facts()
        commit, data, repo = facts["commit"], facts["data"], facts["repository"]
        commit_text = (commit["sha"] or "unknown") + (" (with uncommitted changes)" if commit["dirty"] else "")
        if data["reconstructed"]:
            data_text = (
                f"Reconstructed cohort (synthetic, not patient data) generated by tacmg "
                f"{data['generator_version']} from seed {data['seed']}, conditioned on "
                f"{data['conditioned_on']} published claims"
            )
        else:
            data_text = "A reader's dataset (not the reconstruction)"
        where = (
            f"{data['directory'].name}/, chosen by {data['variable']}"
            if data["chosen"]
            else "the committed data/reconstructed/"
        )
        checksum = data.get("checksum") or f"unavailable ({data.get('error')})"
        rows: list[tuple[str, nodes.Node | str]] = [
            ("Version", f"tacmg {facts['version']}"),
            ("Commit", commit_text),
            ("Built", facts["built"].strftime("%Y-%m-%d %H:%M UTC")),
            ("Data", f"{data_text}; read from {where}."),
            ("Data checksum", f"sha256 {checksum} (of patients.csv, visits.csv and controls.csv)"),
        ]
        for part, covers in (
            ("code", "Code (the tacmg package, tools, the chapters' code cells)"),
            ("text", "Text (the pages and the chapters' prose, tables and charts)"),
            ("data", "Data (the reconstructed cohort, claims registry, assumptions)"),
        ):
            licence = facts["licences"][part]
            rows.append((covers, _link(f"{licence['name']} ({licence['spdx']})", licence["url"])))
        rows.append(
            ("Repository", _link(repo["url"], repo["url"]) if repo else "not set for this build (BOOK_REPOSITORY_URL)")
        )
        return [_rows_table(rows, ["tacmg-build-facts"])]


def bibtex_entry(cff: dict, authors: str, year: str, repo: dict | None, licence_parts: dict) -> list[str]:
    """The lines of the BibTeX entry: its ``license`` field names each licence and what it covers."""
    lines = [
        "@software{tacmg,",
        f"  author  = {{{{{authors}}}}},",
        f"  title   = {{{cff['title']}}},",
        f"  version = {{{cff['version']}}},",
        f"  year    = {{{year}}},",
    ]
    if repo:
        lines.append(f"  url     = {{{repo['url']}}},")
    named = "; ".join(f"{part}: {licence['spdx']}" for part, licence in licence_parts.items())
    lines += [f"  license = {{{named}}},", "}"]
    return lines


class HowToCite(_AlwaysReread):
    """The citation of this version, from CITATION.cff: a sentence and a BibTeX entry."""

    def run(self) -> list[nodes.Node]:
        self._mark()
        cff_path = ROOT / "CITATION.cff"
        self.env.note_dependency(str(cff_path))
        cff = yaml.safe_load(cff_path.read_text())
        authors = " and ".join(
            a.get("name") or f"{a.get('family-names')}, {a.get('given-names')}" for a in cff["authors"]
        )
        year = str(cff.get("date-released", ""))[:4] or "n.d."
        repo = repository_settings()
        sentence = f"{authors} ({year}). {cff['title']} (version {cff['version']}) [Software]."
        if repo:
            sentence += f" {repo['url']}"
        bibtex = bibtex_entry(cff, authors, year, repo, licences())
        block = nodes.literal_block("\n".join(bibtex), "\n".join(bibtex))
        block["language"] = "bibtex"
        return [nodes.paragraph(text=sentence), block]


def facts_key(facts: dict[str, Any]) -> str:
    """What the build-facts pages show apart from the build time: version, commit, data, licences."""
    return json.dumps({k: v for k, v in facts.items() if k != "built"}, sort_keys=True, default=str)


def _reread(app, env, added, changed, removed):
    # Re-read the pages that show build facts only when a fact other than the time changed: an
    # unchanged rebuild then reads and writes nothing (each page keeps the time it was built).
    key = facts_key(getattr(app, "tacmg_build_facts", None) or build_facts())
    if getattr(env, "tacmg_facts_key", None) == key:
        return []
    env.tacmg_facts_key = key
    return sorted(getattr(env, "tacmg_publication_pages", set()) - set(removed))


def _forget(app, env, docname):
    getattr(env, "tacmg_publication_pages", set()).discard(docname)


def _merge(app, env, docnames, other):
    env.tacmg_publication_pages = getattr(env, "tacmg_publication_pages", set()) | getattr(
        other, "tacmg_publication_pages", set()
    )


def is_configuration_dump(record) -> bool:
    """Whether a log record is MyST's or MyST-NB's print-out of its whole configuration (an INFO
    line of about 3,000 characters at every build, which buries the lines worth reading)."""
    return record.levelno == 20 and "ParserConfig(" in record.getMessage()


def setup(app):
    # Filters on the two loggers (Sphinx names them "sphinx." + the module), before builder-inited
    # prints the dumps; everything else they log, warnings included, passes.
    for module in ("myst_parser.sphinx_ext.main", "myst_nb.sphinx_ext"):
        std_logging.getLogger(f"sphinx.{module}").addFilter(lambda record: not is_configuration_dump(record))
    app.add_directive("build-facts", BuildFacts)
    app.add_directive("how-to-cite", HowToCite)
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    # Before the theme's header buttons (priority 501) read context["ipynb_source"].
    app.connect("html-page-context", _page_context, priority=400)
    app.connect("env-get-outdated", _reread)
    app.connect("env-purge-doc", _forget)
    app.connect("env-merge-info", _merge)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
