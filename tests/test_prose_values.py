"""The prose values: one text for each value and variant, the same in JupyterLab and in the book."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from tacmg.presentation.glue import ProseText, ProseValues, variant_text

ROOT = Path(__file__).resolve().parent.parent


def load_tool(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("value", "variant", "text"),
    [
        (32, "", "32"),
        (32.0, "", "32"),
        (np.float64(4.9), "", "4.9"),
        (0.125, "f2", "0.13"),  # half up, where Python's format gives 0.12
        (-4.5, "g", "\u22124.5"),  # the reader sees a true minus sign (issue 22)
        (0.000028, "g2", "0.000028"),  # never exponent notation
        (0.34375, "pct0", "34%"),
        (3.0, "sf1", "+3.0"),
        (-0.5, "sf2", "\u22120.50"),
        (0.0, "sf0", "0"),
        (-0.004, "f2", "0.00"),  # no negative zero
        (float("nan"), "f2", "n/a"),
        ("decrease", "f2", "decrease"),
        (True, "", "yes"),
    ],
)
def test_variant_text(value, variant, text):
    assert variant_text(value, variant) == text


def test_an_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="unknown prose variant"):
        variant_text(1.5, "x9")


def test_prose_text_shows_without_quotes_and_offers_variants():
    text = ProseText(-4.5)
    assert repr(text) == "\u22124.5" and text.f2 == "\u22124.50" and text.sg == "\u22124.5"
    with pytest.raises(AttributeError):
        _ = text.not_a_variant


def test_values_are_kept_under_prefix_and_name():
    v = ProseValues(glue=False)
    v.add("cohort", {"n": np.int64(32), "share": 0.34375})
    assert v.cohort_n == "32" and v.cohort_share.pct0 == "34%"
    with pytest.raises(AttributeError, match="no prose value 'cohort_missing'"):
        _ = v.cohort_missing


def test_the_book_reads_the_glued_repr_back_to_the_same_text():
    ext = load_tool("prose_eval_ext")
    for value in (32, 0.000284, -4.5, "lies short", float("nan"), True):
        glued = repr(value)
        assert variant_text(ext.glued_value(glued), "g2") == variant_text(value, "g2")


@pytest.mark.parametrize(
    ("expression", "ok"),
    [("v.scores_qmg_hl", True), ("v.scores_qmg_hl.f1", True), ("x + 1", False), ("v.a.b.c", False)],
)
def test_the_book_role_accepts_only_value_expressions(expression, ok):
    ext = load_tool("prose_eval_ext")
    assert bool(ext.EXPRESSION.fullmatch(expression)) is ok
