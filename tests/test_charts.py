"""The charts' visual language: only the palette's colours, a legend for every colour encoding,
alternative text on every chart, and the four chart bugs a reviewer found kept fixed.

Every chart is built as the chapters build it, on the committed reconstructed cohort (the
robustness charts on small frames shaped like the ensembles' results), and its Vega-Lite spec is
scanned.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Iterator

import altair as alt
import numpy as np
import pandas as pd
import pytest

import tacmg
from tacmg.analyses import (
    correlations,
    molecule_change,
    molecule_values,
    molecules_vs_controls,
    prednisone,
    scores,
    status,
)
from tacmg.claims.registry import load_claims
from tacmg.data import contract
from tacmg.data.paths import RECONSTRUCTED_DIR
from tacmg.presentation import clinical_charts, correlation_charts, molecule_charts, palette, robustness_charts

HEX = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b")
COLOUR_KEYS = {"color", "fill", "stroke", "subtitleColor", "titleColor", "labelColor"}


@pytest.fixture(scope="module")
def committed():
    return tacmg.load(RECONSTRUCTED_DIR)


def _robustness_frames() -> dict[str, pd.DataFrame]:
    shares = pd.DataFrame(
        {
            "claim_id": ["qmg-decrease", "il2-spd1-correlation", "spdl1-vs-controls"],
            "finding": ["clinical_scores", "correlations", "molecules_vs_controls"],
            "finding_title": ["Four clinical scores", "Correlations", "Molecules against healthy controls"],
            "published": ["decrease", "positive", "higher"],
            "share": [1.0, 0.74, 0.03],
            "ci_low": [0.99, 0.70, 0.01],
            "ci_high": [1.0, 0.78, 0.05],
            "reading": ["holds almost always", "holds sometimes", "holds almost never"],
        }
    )
    scenarios = shares.drop(columns="finding").merge(pd.DataFrame({"scenario": ["as assumed", "null"]}), how="cross")
    return {"shares": shares, "scenarios": scenarios}


def per_patient_charts(dataset) -> dict[str, alt.TopLevelMixin]:
    """The charts that draw a mark per patient or per value (so grow with the cohort), called as
    their chapters call them."""
    p = dataset.patients
    panels = [
        dict(
            label=contract.SCORES[s][0],
            unit="points",
            paired=scores.paired_with_status(dataset, s),
            mcid=scores.MCID_POINTS[s],
        )
        for s in contract.SCORES
    ]
    table = correlations.correlation_table(dataset)
    return {
        "01 means": clinical_charts.side_by_side(
            clinical_charts.mean_against_published(p["age_at_onset_years"], "Age", "years", True, published_mean=37.8),
            clinical_charts.mean_against_published(p["disease_duration_years"], "Duration", "years", True, 4.9, 1),
        ),
        "02 scores": clinical_charts.score_change_grid(panels, True),
        "03 doses": clinical_charts.dose_chart(prednisone.prednisone_taper(dataset).doses, True),
        "05 strips": molecule_charts.strip_grid(molecule_values.values_by_group(dataset), "t", True),
        "06 paired": molecule_charts.paired_grid(molecule_values.paired_values(dataset), "t", True),
        "06 status": molecule_charts.status_change_chart(molecule_values.log_ratios(dataset), "t", True),
        "07 scatter": correlation_charts.scatter_grid(
            molecule_values.pair_values(dataset, correlations.published_pairs(table)), table, "t", True
        ),
        "07 between": correlation_charts.between_within_chart(
            molecule_values.trajectories(dataset), molecule_values.changes_together(dataset), "sCD25", "t", True
        ),
    }


def all_charts(dataset) -> dict[str, alt.TopLevelMixin]:
    """Every chart of the book, called as its chapter calls it."""
    table = correlations.correlation_table(dataset)
    both = pd.concat(
        [
            molecule_change.paired_change(dataset).assign(subset="all patients"),
            molecule_change.paired_change(dataset, statuses=("I",)).assign(subset="improved"),
        ]
    )
    rob = _robustness_frames()
    charts = {
        "04 status": clinical_charts.status_intervals(status.status_counts(dataset), True),
        "04 arithmetic": clinical_charts.share_arithmetic_chart(
            status.share_arithmetic(observed=11), 33, True, accepted=(10, 11)
        ),
        "05 forest": molecule_charts.ratio_forest(
            molecules_vs_controls.baseline_against_controls(dataset), "t", "r", True
        ),
        "06 forest": molecule_charts.ratio_forest(both, "t", "r", True, group="subset"),
        "07 heatmap": correlation_charts.correlation_heatmap(table, "t", True),
        "10 claims": robustness_charts.claims_by_share(rob["shares"]),
        "10 heatmap": robustness_charts.share_heatmap(rob["scenarios"], "scenario", ["as assumed", "null"], "t"),
    }
    return {**per_patient_charts(dataset), **charts}


@pytest.fixture(scope="module")
def specs(committed) -> dict[str, dict]:
    return {name: chart.to_dict() for name, chart in all_charts(committed).items()}


def _walk(node, key=None) -> Iterator[tuple[str | None, object]]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("datasets", "data", "resolve"):  # the data (and shared or independent scales) are not styling
                continue
            yield from _walk(v, k)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, key)
    else:
        yield key, node


def _encodings(node) -> Iterator[dict]:
    if isinstance(node, dict):
        if isinstance(node.get("encoding"), dict):
            yield node["encoding"]
        for k, v in node.items():
            if k not in ("datasets", "data"):
                yield from _encodings(v)
    elif isinstance(node, list):
        for item in node:
            yield from _encodings(item)


# ----------------------------------------------------------------------------- colours


def test_every_chart_uses_only_the_palette(specs):
    allowed = palette.palette_colours()
    for name, spec in specs.items():
        values = list(_walk(spec))
        hexes = {h.lower() for _, v in values if isinstance(v, str) for h in HEX.findall(v)}
        assert hexes <= allowed, (name, hexes - allowed)
        schemes = {v for k, v in values if k == "scheme"}
        assert schemes <= {palette.DIVERGING_SCHEME}, (name, schemes)
        named = {v for k, v in values if k in COLOUR_KEYS and isinstance(v, str) and not v.startswith("#")}
        assert not named, (name, named)  # "black", "red": a colour outside the palette


def test_the_palette_check_catches_a_foreign_colour(committed):
    foreign = alt.Chart(pd.DataFrame({"x": [1]})).mark_point(color="#4c72b0").encode(x="x:Q").to_dict()
    hexes = {h.lower() for _, v in _walk(foreign) if isinstance(v, str) for h in HEX.findall(v)}
    assert hexes - palette.palette_colours() == {"#4c72b0"}


def _lch(colour: str) -> tuple[float, float, float]:
    """CIE L*, C*, h (degrees) of an sRGB hex colour (D65)."""
    rgb = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    f = np.cbrt(xyz / np.array([0.95047, 1.0, 1.08883]))
    f = np.where(xyz / np.array([0.95047, 1.0, 1.08883]) > 0.008856, f, 7.787 * xyz + 16 / 116)
    a, b = 500 * (f[0] - f[1]), 200 * (f[1] - f[2])
    return 116 * f[1] - 16, math.hypot(a, b), math.degrees(math.atan2(b, a)) % 360


@pytest.mark.parametrize("status_code", list(palette.STATUS_COLOURS))
def test_no_status_shares_a_hue_with_a_visit(status_code):
    lightness, chroma, hue = _lch(palette.STATUS_COLOURS[status_code])
    for visit, colour in palette.VISIT_COLOURS.items():
        v_lightness, v_chroma, v_hue = _lch(colour)
        if chroma > 15 and v_chroma > 15:  # two hues: at least 25 degrees apart
            assert min(abs(hue - v_hue), 360 - abs(hue - v_hue)) >= 25, (status_code, visit)
        elif chroma <= 15 and v_chroma <= 15:  # two greys: far apart in lightness
            assert abs(lightness - v_lightness) >= 30, (status_code, visit)


def test_every_colour_encoding_has_a_legend(specs):
    for name, spec in specs.items():
        for encoding in _encodings(spec):
            colour = encoding.get("color")
            if not isinstance(colour, dict) or "field" not in colour:
                continue
            on_an_axis = any(encoding.get(axis, {}).get("field") == colour["field"] for axis in ("x", "y"))
            assert colour.get("legend", {}) is not None or on_an_axis, (name, colour["field"])
            if colour.get("legend"):
                assert colour["legend"].get("labelLimit") == 0, (name, colour["field"])  # never cut


# ----------------------------------------------------------------------------- alternative text


def test_every_chart_has_alternative_text_from_its_data(specs):
    for name, spec in specs.items():
        text = spec.get("description", "")
        assert len(text) > 60 and re.search(r"\d", text), name
        assert "None" not in text and "nan" not in text, name


def test_alternative_text_follows_the_data(committed):
    doses = prednisone.prednisone_taper(committed).doses
    text = clinical_charts.dose_chart(doses, True).to_dict()["description"]
    change = doses.pivot(index="patient", columns="visit", values="dose_mg_day").diff(axis=1).iloc[:, -1]
    assert f"{int((change > 0).sum())} rose" in text and f"{int((change < 0).sum())} fell" in text


# ----------------------------------------------------------------------------- the four bugs


def test_the_published_mean_is_drawn_on_top_and_both_means_are_labelled(committed):
    chart = clinical_charts.mean_against_published(
        committed.patients["age_at_onset_years"], "Age at onset", "years", True, published_mean=37.8
    )
    layers = chart.to_dict()["layer"]
    rules = [layer for layer in layers if layer["mark"]["type"] == "rule"]
    drawn = [r["transform"][0]["filter"] for r in rules]
    assert "Published mean" in drawn[-1]  # last layer of rules: on top
    widths = [r["mark"]["strokeWidth"] for r in rules]
    assert widths[0] > widths[-1]  # the data's mean is wider, so it shows round the dashes
    colour_range = rules[0]["encoding"]["color"]["scale"]["range"]
    assert len(set(colour_range)) == 2
    labels = [row["label"] for d in chart.to_dict()["datasets"].values() for row in d if "label" in row]
    assert any(t.startswith("published 37.8") for t in labels) and any(t.startswith("data ") for t in labels)


def test_the_arithmetic_chart_agrees_with_the_verdict(committed):
    registry = load_claims()
    accepted = status.claim_bounds(registry, "status-mm")
    codes = committed.patients["post_intervention_status"].to_numpy()
    for mm in (9, 10, 11, 12):
        # a dataset with `mm` patients at MM (the rest improved or unchanged as before)
        statuses = np.where(np.arange(len(codes)) < mm, "MM", np.where(codes == "MM", "I", codes))
        patients = committed.patients.assign(post_intervention_status=statuses)
        dataset = dataclasses.replace(committed, patients=patients)
        verdict = tacmg.evaluate(dataset, registry.select(["status-mm"]))["verdict"].iloc[0]
        chart = clinical_charts.share_arithmetic_chart(
            status.share_arithmetic(observed=mm), 33, True, accepted=accepted
        ).to_dict()
        ringed = [row for d in chart["datasets"].values() for row in d if row.get("what") == "the count in this data"]
        assert len(ringed) == 1
        assert ringed[0]["reading"].startswith("accepted") == verdict.startswith("holds"), (mm, verdict)


def test_the_dose_chart_shows_every_patient_apart(committed):
    doses = prednisone.prednisone_taper(committed).doses
    spec = clinical_charts.dose_chart(doses, True).to_dict()
    rows = [d for d in spec["datasets"].values() if d and "stack" in d[0] and "direction" in d[0]]
    (dots,) = rows
    assert len(dots) == doses["patient"].nunique()
    positions = {(row["change"], row["stack"]) for row in dots}
    assert len(positions) == len(dots)  # no dot hides another
    assert any(row["direction"] == "rose" for row in dots)  # the patient whose dose rose
    text = json.dumps(spec)
    assert '"triangle-up"' in text  # ...drawn as a rise


def test_the_robustness_chart_has_no_cut_labels_and_no_side_legend():
    spec = robustness_charts.claims_by_share(_robustness_frames()["shares"]).to_dict()
    for panel in spec["vconcat"]:  # one panel per finding
        legend = panel["layer"][-1]["encoding"]["color"]["legend"]
        assert legend["orient"] == "bottom" and legend["labelLimit"] == 0
        assert panel["layer"][-1]["encoding"]["y"]["axis"]["labelLimit"] == 0
        assert panel["width"] <= 360


def _fields_available(spec: dict) -> set[str]:
    """Column names of every inline dataset of a spec, and the names its transforms create."""
    names: set[str] = set()
    for rows in spec.get("datasets", {}).values():
        for row in rows:
            names |= set(row)

    def created(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "as":
                    names.update([value] if isinstance(value, str) else value)
                elif key == "flatten":
                    names.update(value)
                else:
                    created(value)
        elif isinstance(node, list):
            for item in node:
                created(item)

    created(spec)
    return names


def test_every_encoded_field_exists_in_the_chart_data(specs):
    for name, spec in specs.items():
        available = _fields_available(spec)
        for encoding in _encodings(spec):
            for channel, definition in encoding.items():
                for item in definition if isinstance(definition, list) else [definition]:
                    if isinstance(item, dict) and "field" in item:
                        assert item["field"] in available, (name, channel, item["field"])
