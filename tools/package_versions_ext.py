"""Sphinx extension: the ``package-versions`` directive, a table of installed package versions.

Used by book/status.md. The versions are read with importlib.metadata while the book is built,
in the environment that builds it and runs its notebooks (.venv), so the table is never stale and
costs no kernel start (a notebook cell would be cached on its unchanged code and keep showing the
versions of the first build).

    ```{package-versions}
    python
    numpy
    pandas
    ```

Each content line names one distribution (``python`` means the interpreter). An unknown name
fails the build (a warning, which ``-W`` turns into an error).
"""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

__version__ = "1.0"


def installed_version(name: str) -> str | None:
    if name.lower() == "python":
        return platform.python_version()
    try:
        return version(name)
    except PackageNotFoundError:
        return None


class PackageVersions(SphinxDirective):
    has_content = True

    def run(self) -> list[nodes.Node]:
        names = [line.strip() for line in self.content if line.strip()]
        rows = []
        for name in names:
            found = installed_version(name)
            if found is None:
                return [
                    self.state.document.reporter.warning(
                        f"package-versions: {name!r} is not installed", line=self.lineno
                    )
                ]
            rows.append((name, found))

        table = nodes.table(classes=["package-versions"])
        group = nodes.tgroup(cols=2)
        table += group
        group += [nodes.colspec(colwidth=1), nodes.colspec(colwidth=1)]

        def row(cells):
            tr = nodes.row()
            for text in cells:
                tr += nodes.entry("", nodes.paragraph(text=text))
            return tr

        head = nodes.thead()
        head += row(("package", "version"))
        body = nodes.tbody()
        for cells in rows:
            body += row(cells)
        group += [head, body]
        # Versions change without the page changing: remember what this page shows, and re-read it
        # in a later build when any of those versions differs.
        shown = getattr(self.env, "package_versions_shown", {})
        shown[self.env.docname] = dict(rows)
        self.env.package_versions_shown = shown
        pages = getattr(self.env, "package_versions_pages", set())
        pages.add(self.env.docname)
        self.env.package_versions_pages = pages
        return [table]


def _reread_version_pages(app, env, added, changed, removed):
    """``env-get-outdated`` handler: pages whose listed versions are no longer the installed ones."""
    shown = getattr(env, "package_versions_shown", {})
    return sorted(
        page
        for page in getattr(env, "package_versions_pages", set()) - set(removed)
        if page not in shown or any(installed_version(name) != found for name, found in shown[page].items())
    )


def _forget_page(app, env, docname):
    getattr(env, "package_versions_pages", set()).discard(docname)


def _merge(app, env, docnames, other):
    pages = getattr(env, "package_versions_pages", set())
    env.package_versions_pages = pages | getattr(other, "package_versions_pages", set())


def setup(app):
    app.add_directive("package-versions", PackageVersions)
    app.connect("env-get-outdated", _reread_version_pages)
    app.connect("env-purge-doc", _forget_page)
    app.connect("env-merge-info", _merge)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
