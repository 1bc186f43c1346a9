"""Sphinx extension: where each chapter comes from, said on the page itself.

1. **A chapter's sources.** Every page executed as a notebook gets, at the end of its "Try it"
   section (or of the page, if it has none), one paragraph of links. In every HTML build: the
   notebook as executed for this build and its MyST Markdown source, the two files the page's
   download button offers (``publication_ext`` puts the executed notebook there). When the build is
   given ``BOOK_REPOSITORY_URL`` (read by ``publication_ext.repository_settings``): also the page's
   ``.md`` and, where one is committed beside it, its paired ``.ipynb`` with stored outputs, on the
   repository, and the repository's README, which says how to open a chapter in JupyterLab.
2. **The repository's address**: a sentence with it, or, when the build has none, a sentence saying
   so and where the chapters can be had instead. A page asks for it with a standard ``{note}`` of
   class ``tacmg-repository-link`` (the landing page does), which this extension replaces by that
   sentence; jupyterlab-myst, which knows no project directive, shows the note's own text instead
   (where to read how to run the chapters), not an "Unknown Directive" box. The older
   ``{repository-link}`` directive does the same in the book.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective

__version__ = "1.0"

ROOT = Path(__file__).resolve().parent.parent
TRY_IT = "Try it"
REPOSITORY_LINK_CLASS = "tacmg-repository-link"


def _publication():
    # Loaded by Sphinx from the same folder (local_extensions); imported lazily so that this module
    # can also be loaded on its own by the tests.
    import publication_ext

    return publication_ext


def file_url(repo: dict[str, str], path: str) -> str:
    """The web address of `path` (relative to the repository root) on the repository's branch."""
    base, branch = repo["url"], repo["branch"]
    if repo["provider"] == "gitlab":
        return f"{base}/-/blob/{branch}/{path}"
    if repo["provider"] == "bitbucket":
        return f"{base}/src/{branch}/{path}"
    return f"{base}/blob/{branch}/{path}"


def chapter_links(docname: str, source_suffix: str, repo: dict[str, str] | None, paired_ipynb: bool) -> list:
    """(text, href) pieces of a chapter's sources paragraph; a plain string is text without a link.

    `docname` is the page's name (``notebooks/01-cohort``), `source_suffix` its source's extension
    (``.md``), `paired_ipynb` whether a paired ``.ipynb`` is committed beside the source.
    """
    name = posixpath.basename(docname)
    here = posixpath.dirname(docname) or "."
    download = posixpath.relpath(f"_sources/{docname}.ipynb", here)
    source = posixpath.relpath(f"_sources/{docname}{source_suffix}", here)
    pieces: list = []
    if repo:
        pieces += [
            "This page on the repository: its source ",
            (f"{docname}{source_suffix}", file_url(repo, f"{docname}{source_suffix}")),
        ]
        if paired_ipynb:
            pieces += [
                " and the paired notebook with its stored outputs ",
                (f"{docname}.ipynb", file_url(repo, f"{docname}.ipynb")),
            ]
        pieces += [
            "; the repository's ",
            ("README", file_url(repo, "README.md")),
            " says how to open it in JupyterLab. As built here: ",
        ]
    else:
        pieces += ["Download this page as built here: "]
    pieces += [
        "the notebook as executed for this build, ",
        (f"{name}.ipynb", download),
        ", and its MyST Markdown source, ",
        (f"{name}{source_suffix}", source),
        " (the download button at the top of the page offers the same two files).",
    ]
    if not repo:
        pieces += [
            " To run it, open it in JupyterLab from a copy of the project's repository, as the "
            "repository's README describes; this build was not given the repository's address."
        ]
    return pieces


def _paragraph(pieces: list) -> nodes.paragraph:
    para = nodes.paragraph(classes=["tacmg-source-links"])
    for piece in pieces:
        if isinstance(piece, tuple):
            text, href = piece
            ref = nodes.reference("", "", refuri=href, internal=False)
            ref += nodes.literal(text, text)
            para += ref
        else:
            para += nodes.Text(piece)
    return para


def _try_it_section(doctree: nodes.document) -> nodes.Element | None:
    for section in doctree.findall(nodes.section):
        title = section.next_node(nodes.title)
        if title is not None and title.astext().strip() == TRY_IT:
            return section
    return None


def _add_source_links(app, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html" or "kernelspec" not in app.env.metadata.get(docname, {}):
        return
    source = Path(app.env.doc2path(docname))
    repo = _publication().repository_settings()
    para = _paragraph(chapter_links(docname, source.suffix, repo, source.with_suffix(".ipynb").is_file()))
    section = _try_it_section(doctree)
    if section is None:
        sections = list(doctree.findall(nodes.section))
        section = sections[0] if sections else doctree
    # After the section's own text, before any subsection.
    subsections = [child for child in section.children if isinstance(child, nodes.section)]
    if subsections:
        section.insert(section.index(subsections[0]), para)
    else:
        section += para


def repository_paragraph(repo: dict[str, str] | None) -> nodes.paragraph:
    """The repository's address in a sentence (`repo` as ``repository_settings`` gives it), or,
    for None, that this build has none."""
    para = nodes.paragraph(classes=[REPOSITORY_LINK_CLASS])
    if repo:
        para += nodes.Text("The book's source (the package, the chapters, the data and the tools) is at ")
        para += nodes.reference(repo["url"], repo["url"], refuri=repo["url"])
        para += nodes.Text("; its ")
        para += nodes.reference("README", "README", refuri=file_url(repo, "README.md"))
        para += nodes.Text(" says how to run it. Every chapter links to its own files there.")
    else:
        para += nodes.Text(
            "This build was made without the repository's address, so it links to none; every "
            "chapter offers its executed notebook and its source for download instead."
        )
    return para


def replace_repository_notes(document: nodes.Element, repo: dict[str, str] | None) -> int:
    """Replace every note of class `REPOSITORY_LINK_CLASS` by `repository_paragraph`; return how many."""
    notes = [note for note in document.findall(nodes.note) if REPOSITORY_LINK_CLASS in note["classes"]]
    for note in notes:
        note.replace_self(repository_paragraph(repo))
    return len(notes)


class RepositoryLinkNotes(SphinxTransform):
    """The ``{note}`` of class `REPOSITORY_LINK_CLASS` -> the repository sentence (module docstring)."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        publication = _publication()
        if replace_repository_notes(self.document, publication.repository_settings()):
            # Re-read when the build facts (the repository among them) change, as publication_ext's pages are.
            publication._AlwaysReread._mark(self)


class RepositoryLink(SphinxDirective):
    """The repository's address in a sentence, or that this build has none."""

    def run(self) -> list[nodes.Node]:
        publication = _publication()
        # Re-read when the build facts (the repository among them) change, as publication_ext's pages are.
        publication._AlwaysReread._mark(self)
        return [repository_paragraph(publication.repository_settings())]


def setup(app):
    app.setup_extension("publication_ext")
    app.add_directive("repository-link", RepositoryLink)
    app.add_transform(RepositoryLinkNotes)
    app.connect("doctree-resolved", _add_source_links)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
