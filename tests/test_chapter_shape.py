"""A chapter is its analysis: at most a quarter of its code hidden, and its statistical calls visible.

Hidden (``remove-cell``) cells are for the one setup call and display plumbing; a reader must see
the data reshaped, the test, the estimate with its interval and the table assembled. A call counts
as shown only in a cell with none of the hiding tags (``hide-input`` and ``hide-cell`` fold the
code away, ``remove-*`` drop it), and only as a call in the code, not as words in a comment.
"""

from __future__ import annotations

import ast

import jupytext
import pytest

from tacmg.data.paths import REPO_ROOT

NOTEBOOKS = REPO_ROOT / "notebooks"
MAX_REMOVED_SHARE = 0.25
HIDING_TAGS = {"remove-cell", "remove-input", "hide-input", "hide-cell"}

# The statistical calls each chapter describes, as the dotted end of the called name, with the
# keywords that must be spelt out in the call (e.g. the signed-rank test's zero convention).
SHOWN_CALLS: dict[str, dict[str, set[str]]] = {
    "01-cohort": {
        "describe": set(),
        "rounding.round_half_up": set(),
        "cohort.table_one": set(),
    },
    "02-clinical-scores": {
        "dataset.paired": set(),
        "stats.wilcoxon": {"zero_method", "method"},
        "permutation.signed_rank_permutation": set(),
        "estimates.paired_shift": set(),
        "estimates.paired_rank_biserial": set(),
        "scores.score_changes": set(),
        "scores.hl_conventions": set(),
    },
    "03-prednisone": {
        "dataset.paired": set(),
        "stats.wilcoxon": {"zero_method", "method"},
        "estimates.paired_shift": set(),
        "estimates.paired_rank_biserial": set(),
        "prednisone.prednisone_taper": set(),
    },
    "04-post-intervention-status": {
        "proportion_confint": {"alpha", "method"},
        "status.status_counts": set(),
        "status.changes_by_status": set(),
        "status.share_arithmetic": set(),
    },
    "05-molecules-vs-controls": {
        "selection.baseline_rows": set(),
        "rank_tests.rank_sum": set(),
        "estimates.ratio_of_locations": set(),
        "molecules_vs_controls.baseline_against_controls": set(),
    },
    "06-molecule-change": {
        "dataset.paired": set(),
        "rank_tests.signed_rank": set(),
        "permutation.signed_rank_permutation": {"zero_method"},
        "estimates.paired_shift": {"zeros"},
        "molecule_change.paired_change": set(),
        "molecule_change.status_difference_test": set(),
    },
    "07-correlations": {
        "selection.visit_rows": set(),
        "rank_tests.spearman": set(),
        "correlations.correlation_table": set(),
        "correlations.between_and_within": set(),
    },
}


def _code_cells(chapter: str) -> list[tuple[set[str], str]]:
    """(tags, source) of each code cell of a chapter's MyST file."""
    notebook = jupytext.read(NOTEBOOKS / f"{chapter}.md")
    return [(set(cell.metadata.get("tags", [])), cell.source) for cell in notebook.cells if cell.cell_type == "code"]


def _lines(source: str) -> int:
    return sum(1 for line in source.splitlines() if line.strip())


def _dotted(node: ast.expr) -> str:
    """'stats.wilcoxon' for ``stats.wilcoxon``, 'describe' for ``age.describe`` read from its end."""
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    return "<expression>"


def shown_calls(sources: list[str]) -> dict[str, set[str]]:
    """Every call in `sources`, by its dotted name, with the keywords it is given.

    Examples
    --------
    >>> shown_calls(["# stats.wilcoxon(d)\\nx = stats.wilcoxon(d, zero_method='pratt')"])
    {'stats.wilcoxon': {'zero_method'}}
    """
    calls: dict[str, set[str]] = {}
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call):
                keywords = {k.arg for k in node.keywords if k.arg}
                calls.setdefault(_dotted(node.func), set()).update(keywords)
    return calls


def _find(calls: dict[str, set[str]], name: str) -> set[str] | None:
    """The keywords of the call whose dotted name is `name` or ends with ``.name``; None if none."""
    found = [keywords for called, keywords in calls.items() if called == name or called.endswith(f".{name}")]
    return set().union(*found) if found else None


def test_the_call_finder_reads_code_not_comments():
    calls = shown_calls(["# estimates.paired_shift(a, b)\nage.describe()\nstats.wilcoxon(d, method='exact')"])
    assert _find(calls, "estimates.paired_shift") is None
    assert _find(calls, "describe") == set() and _find(calls, "stats.wilcoxon") == {"method"}


@pytest.mark.parametrize("chapter", sorted(SHOWN_CALLS))
def test_at_most_a_quarter_of_the_code_is_removed(chapter):
    cells = _code_cells(chapter)
    total = sum(_lines(source) for _, source in cells)
    removed = sum(_lines(source) for tags, source in cells if "remove-cell" in tags)
    assert total and removed / total <= MAX_REMOVED_SHARE, f"{removed} of {total} code lines in remove-cell"


@pytest.mark.parametrize("chapter", sorted(SHOWN_CALLS))
def test_the_statistical_calls_are_visible(chapter):
    visible = [source for tags, source in _code_cells(chapter) if not tags & HIDING_TAGS]
    calls = shown_calls(visible)
    for name, keywords in SHOWN_CALLS[chapter].items():
        given = _find(calls, name)
        assert given is not None, f"{chapter}: no visible call of {name}"
        assert keywords <= given, f"{chapter}: {name} without {sorted(keywords - given)} spelt out"


@pytest.mark.parametrize("chapter", sorted(SHOWN_CALLS))
def test_the_setup_call_is_removed_with_the_plumbing(chapter):
    removed = [source for tags, source in _code_cells(chapter) if "remove-cell" in tags]
    assert any(f'open_chapter("{chapter}", DATA_DIR)' in source for source in removed)
