"""Provenance and words: every listed reference is cited, the two sources are named the same way in
the bibliography and in the tables, the glossary holds the terms the pages link to, and a chapter's
sources paragraph links where it says it does."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
import yaml
from pybtex.database import parse_file

from tacmg.claims.schema import SOURCES
from tacmg.presentation.report import SOURCE_TEXT, source_text

ROOT = Path(__file__).resolve().parent.parent
BIB = parse_file(str(ROOT / "book" / "references.bib"))
# The bibliography entry behind each source tag of the registry.
SOURCE_KEYS = {"abstract": "wu2022tacrolimus", "news": "rarediseaseadvisor_tacrolimus"}
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
TERM = re.compile(r"\{term\}`([^`]+)`")


def _toc_pages() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [ROOT / f"{name}.md" for name in files]


def _cited_keys() -> set[str]:
    groups = (group for page in _toc_pages() for group in CITE.findall(page.read_text()))
    return {key.strip() for group in groups for key in group.split(",")}


def _short_cite(key: str) -> str:
    """The author-year label sphinxcontrib-bibtex prints for `key` ('Wu et al., 2022')."""
    entry = BIB.entries[key]
    people = entry.persons["author"]
    surnames = [" ".join(p.last_names).strip("{}") or str(p).strip("{}") for p in people]
    if len(people) > 2 or any(str(p) == "others" for p in people):
        names = f"{surnames[0]} et al."
    else:
        names = " and ".join(surnames)
    return f"{names}, {entry.fields['year']}"


def test_every_listed_reference_is_cited_on_a_page_of_the_book():
    # The references page lists the whole bibliography (:all:): an entry no page cites would be a
    # reference the book does not use.
    assert ":all:" in (ROOT / "book" / "references.md").read_text()
    assert sorted(set(BIB.entries) - _cited_keys()) == []


def test_every_cited_key_is_in_the_bibliography():
    assert sorted(_cited_keys() - set(BIB.entries)) == []


def test_every_source_tag_is_shown_with_the_citation_of_its_entry():
    assert set(SOURCE_TEXT) == set(SOURCES) == set(SOURCE_KEYS)
    for tag, key in SOURCE_KEYS.items():
        assert SOURCE_TEXT[tag].endswith(f"({_short_cite(key)})"), tag
    assert source_text(("abstract", "news")) == f"{SOURCE_TEXT['abstract']}; {SOURCE_TEXT['news']}"
    news = BIB.entries["rarediseaseadvisor_tacrolimus"]
    assert news.type == "misc" and news.fields["url"].startswith("https://")


def test_a_page_that_mentions_the_news_summary_cites_it():
    for page in _toc_pages():
        text = page.read_text()
        if "news summary" in text.lower() and page.name != "glossary.md":
            assert "rarediseaseadvisor_tacrolimus" in text, page.name


# ------------------------------------------------------------------------------------ glossary
def _glossary_terms() -> set[str]:
    text = (ROOT / "book" / "glossary.md").read_text()
    terms = set()
    for block in re.findall(r"```\{glossary\}\n(.*?)\n```", text, flags=re.S):
        terms |= {line.strip().lower() for line in block.splitlines() if line.strip() and not line.startswith(" ")}
    return terms


REQUIRED_TERMS = [
    "MGFA post-intervention status", "CSR (complete stable remission)", "PR (pharmacologic remission)", "MM",
    "minimal manifestation status", "I (improved)", "U (unchanged)", "W (worse)", "E (exacerbation)",
    "D (died of myasthenia gravis)", "MCID", "Hodges-Lehmann estimate", "rank-biserial correlation", "QMG", "MMT",
    "MG-MMT", "MG-ADL", "MG-QOL15", "Wilcoxon signed-rank test", "Mann-Whitney U test", "Spearman correlation",
    "Benjamini-Hochberg", "Clopper-Pearson interval", "reconstruction", "reconstructed cohort",
    "reconstruction interval", "holds (conditioned)", "holds (tested)", "does not hold", "implied claim", "prior",
    "soluble costimulatory molecule", "refractory myasthenia gravis", "news summary",
    "sPD-1", "sPD-L1", "sICOS", "sICOSL", "sCD40", "sCD40L", "sCD25", "IL-2",
]  # fmt: skip


def test_the_glossary_defines_the_book_s_terms_and_every_molecule_of_the_contract():
    from tacmg.data.contract import MOLECULES, STATUS_CODES

    terms = _glossary_terms()
    assert [t for t in REQUIRED_TERMS if t.lower() not in terms] == []
    assert all(label.lower() in terms for label in MOLECULES.values())
    assert all(any(t == code.lower() or t.startswith(f"{code.lower()} (") for t in terms) for code in STATUS_CODES)
    toc = (ROOT / "_toc.yml").read_text()
    assert "book/glossary" in toc


def test_every_term_a_page_links_is_in_the_glossary_and_every_chapter_links_some():
    terms = _glossary_terms()
    for page in _toc_pages():
        for role in TERM.findall(page.read_text()):
            target = re.search(r"<([^<>]+)>\s*$", role, flags=re.S)
            name = " ".join((target.group(1) if target else role).split()).lower()
            assert name in terms, (page.name, role)
    for page in [*sorted((ROOT / "notebooks").glob("*.md")), ROOT / "book" / "methods.md"]:
        assert TERM.search(page.read_text()), page.name


# ----------------------------------------------------------------------- a chapter's sources
def _load_tool(name: str):
    spec = importlib.util.spec_from_file_location(f"references_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


source_links = _load_tool("source_links_ext")


def _links(pieces: list) -> dict[str, str]:
    return {text: href for text, href in (p for p in pieces if isinstance(p, tuple))}


def test_a_chapter_links_its_downloads_when_the_build_has_no_repository():
    pieces = source_links.chapter_links("notebooks/01-cohort", ".md", None, paired_ipynb=True)
    assert _links(pieces) == {
        "01-cohort.ipynb": "../_sources/notebooks/01-cohort.ipynb",
        "01-cohort.md": "../_sources/notebooks/01-cohort.md",
    }
    assert not any("http" in str(p) for p in pieces)


@pytest.mark.parametrize(
    ("provider", "blob"),
    [("github", "/blob/main/"), ("gitlab", "/-/blob/main/"), ("bitbucket", "/src/main/")],
)
def test_a_chapter_links_its_files_on_the_repository_when_the_build_has_one(provider, blob):
    repo = {"url": "https://host.example/owner/book", "provider": provider, "branch": "main"}
    links = _links(source_links.chapter_links("notebooks/01-cohort", ".md", repo, paired_ipynb=True))
    base = f"https://host.example/owner/book{blob}"
    assert links["notebooks/01-cohort.md"] == f"{base}notebooks/01-cohort.md"
    assert links["notebooks/01-cohort.ipynb"] == f"{base}notebooks/01-cohort.ipynb"
    assert links["README"] == f"{base}README.md"
    assert links["01-cohort.ipynb"] == "../_sources/notebooks/01-cohort.ipynb"
    # A page with no paired notebook in the repository links none there.
    other = _links(source_links.chapter_links("book/assumptions", ".md", repo, paired_ipynb=False))
    assert "book/assumptions.ipynb" not in other and other["assumptions.ipynb"] == "../_sources/book/assumptions.ipynb"


def test_the_repository_note_becomes_the_repository_sentence_and_other_notes_stay():
    from docutils import nodes

    page = nodes.section()
    page += nodes.note("", nodes.paragraph(text="How to run the chapters: see the README."))
    page[-1]["classes"].append(source_links.REPOSITORY_LINK_CLASS)
    page += nodes.note("", nodes.paragraph(text="An ordinary note."))
    repo = {"url": "https://host.example/owner/book", "provider": "github", "branch": "main"}
    assert source_links.replace_repository_notes(page, repo) == 1
    assert [type(child) for child in page.children] == [nodes.paragraph, nodes.note]
    links = [ref["refuri"] for ref in page[0].findall(nodes.reference)]
    assert links == [repo["url"], f"{repo['url']}/blob/main/README.md"]
    assert source_links.replace_repository_notes(page, None) == 0  # the note is gone, once replaced


def test_no_chapter_uses_a_directive_jupyterlab_myst_does_not_know():
    # jupyterlab-myst draws a project directive as a red "Unknown Directive" box: the chapters ask
    # for the repository's address with a standard note the book's extension replaces.
    chapters = sorted((ROOT / "notebooks").glob("*.md"))
    assert chapters and not [c.name for c in chapters if "{repository-link}" in c.read_text(encoding="utf-8")]
    assert any(source_links.REPOSITORY_LINK_CLASS in c.read_text(encoding="utf-8") for c in chapters)
