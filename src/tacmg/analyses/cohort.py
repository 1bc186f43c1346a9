"""Table 1 of the cohort (chapter 1): each characteristic with what the study published about it
and, for what it did not, the assumptions of the reconstruction behind the value.
"""

from __future__ import annotations

import pandas as pd

from tacmg.claims.registry import Registry, load_claims
from tacmg.data import contract
from tacmg.data.loader import Dataset
from tacmg.stats.rounding import fixed, quantity_text

# The priors.yaml entries behind each characteristic that the study did not report.
TABLE_ONE_PRIORS = {
    "sex": ("cohort.female_share",),
    "age_sd": ("cohort.age_at_onset_sd_years", "cohort.age_at_onset_range_years"),
    "duration_spread": ("cohort.disease_duration_cv", "cohort.disease_duration_range_years"),
    "mgfa_class": ("cohort.mgfa_class_shares",),
    "antibody_status": ("cohort.antibody_shares",),
    "thymectomy": ("cohort.thymectomy_share",),
    "score_spread": ("scores.baseline_log_sd",),
    "prednisone_spread": ("prednisone.baseline_log_sd", "prednisone.range_mg_day"),
}


def _claim(registry: Registry, quantity: str, variable: str, visit: str | None = None):
    for claim in registry:
        if (
            claim.quantity == quantity
            and claim.variables
            and claim.variables[0] == variable
            and (visit is None or claim.visits[0] == visit)
        ):
            return claim
    return None


# What each of those assumptions is, in the words a reader of Table 1 sees (the book's
# Assumptions page lists the entries themselves; a file name and a key mean nothing to a reader).
TABLE_ONE_ASSUMPTIONS = {
    "sex": "the share of women in a similar drug-refractory cohort",
    "age_sd": "the spread and range of age at onset in a similar cohort",
    "duration_spread": "the spread and range of disease duration",
    "mgfa_class": "the shares of the MGFA classes",
    "antibody_status": "the shares of the antibody statuses",
    "thymectomy": "the share of patients with a thymectomy",
    "score_spread": "the spread of the baseline scores",
    "prednisone_spread": "the spread and range of the baseline prednisone doses",
}


MEASURED = "measured in these data (the study published no figure)"


def _assumed(key: str, reconstructed: bool = True) -> str:
    """What sets a value the study did not publish: a prior in a reconstruction, the data otherwise."""
    return f"assumed ({TABLE_ONE_ASSUMPTIONS[key]})" if reconstructed else MEASURED


def _published(claim, what: str, unit: str = "") -> str:
    unit = f" {unit}" if unit else ""
    return f"published: {what} {fixed(float(claim.published))}{unit} ({' and '.join(claim.source)})"


def _partly(claim, what: str, unit: str, rest: str, key: str, reconstructed: bool = True) -> str:
    if claim is None:
        return _assumed(key, reconstructed)
    return f"{_published(claim, what, unit)}; {rest} {_assumed(key) if reconstructed else 'not published'}"


def _is_reconstruction(dataset: Dataset) -> bool:
    """The rule of `tacmg.presentation.report.is_reconstructed` (which this layer may not import):
    a data package that says it is a reconstruction and whose every file matches its recorded hash."""
    return bool(dataset.verified and (dataset.provenance or {}).get("reconstructed"))


def _count_row(section, characteristic, count, n, basis):
    return {
        "section": section,
        "characteristic": characteristic,
        "statistic": "n (%)",
        "value": float(count),
        "summary": f"{count} ({fixed(100 * count / n, 1)}%)",
        "basis": basis,
    }


def table_one(dataset: Dataset, registry: Registry | None = None, reconstructed: bool | None = None) -> pd.DataFrame:
    """Table 1 of the cohort, one row per characteristic (or category).

    Columns: section; characteristic (with its unit); statistic (what `summary` shows, e.g.
    'mean (SD)', 'n (%)', 'median (IQR)'); value (the leading number of `summary` as a float:
    count, mean or median, in the characteristic's unit); summary (text for the table); basis
    ('published: mean 37.8 years (news)', naming the sources that give the figure, then for what
    the study did not report 'assumed (...)', saying in words which of the reconstruction's
    assumptions (`TABLE_ONE_PRIORS`) lies behind it; a line with no published figure is only assumed);
    claim (the id of the claim whose figure the line gives, None where none).

    On data that are not a reconstruction (`reconstructed` false; None decides from the data
    package, as `tacmg.presentation.report.is_reconstructed` does) nothing is assumed: a value
    the study did not publish is `MEASURED`, and the part of a line the study did not publish
    (an SD, an IQR) is "not published".

    Published figures are looked up in the claims registry, never typed here. Categories are
    listed in the contract's order and only when present in the data.
    """
    registry = registry or load_claims()
    built = _is_reconstruction(dataset) if reconstructed is None else reconstructed
    p, n = dataset.patients, len(dataset.patients)
    rows = []
    n_claim = _claim(registry, "count", "patient_id")
    rows.append(
        {
            "section": "Cohort",
            "characteristic": "Patients",
            "statistic": "n",
            "value": float(n),
            "summary": str(n),
            "claim": n_claim.id if n_claim else None,
            "basis": (
                f"published: {n_claim.published} patients ({' and '.join(n_claim.source)})"
                if n_claim
                else "not published"
            ),
        }
    )
    women = int((p["sex"] == "F").sum())
    rows.append(_count_row("Demographics", "Women", women, n, _assumed("sex", built)))

    age = p["age_at_onset_years"]
    age_claim = _claim(registry, "mean", "age_at_onset_years")
    rows.append(
        {
            "section": "Demographics",
            "characteristic": "Age at onset (years)",
            "statistic": "mean (SD)",
            "value": float(age.mean()),
            "summary": f"{fixed(age.mean(), 1)} ({fixed(age.std(), 1)})",
            "claim": age_claim.id if age_claim else None,
            "basis": _partly(age_claim, "mean", "years", "SD", "age_sd", built),
        }
    )

    duration = p["disease_duration_years"]
    duration_claim = _claim(registry, "mean", "disease_duration_years")
    rows.append(
        {
            "section": "Disease",
            "characteristic": "Disease duration (years)",
            "statistic": "mean (SD)",
            "value": float(duration.mean()),
            "summary": f"{fixed(duration.mean(), 1)} ({fixed(duration.std(), 1)})",
            "claim": duration_claim.id if duration_claim else None,
            "basis": _partly(duration_claim, "mean", "years", "SD", "duration_spread", built),
        }
    )
    rows.append(
        {
            "section": "Disease",
            "characteristic": "Disease duration (years)",
            "statistic": "median (range)",
            "value": float(duration.median()),
            "summary": f"{fixed(duration.median(), 1)} ({fixed(duration.min(), 1)} to {fixed(duration.max(), 1)})",
            "basis": _assumed("duration_spread", built),
        }
    )

    for code in contract.MGFA_CLASSES:
        count = int((p["mgfa_class"] == code).sum())
        if count:
            rows.append(
                _count_row("Disease", f"MGFA class {code} at baseline", count, n, _assumed("mgfa_class", built))
            )
    for code in contract.ANTIBODY_STATUSES:
        count = int((p["antibody_status"] == code).sum())
        if count:
            label = "Seronegative" if code == "seronegative" else f"{code} antibodies"
            rows.append(_count_row("Disease", label, count, n, _assumed("antibody_status", built)))
    rows.append(
        _count_row(
            "Disease", "Thymectomy before baseline", int(p["thymectomy"].sum()), n, _assumed("thymectomy", built)
        )
    )

    baseline_columns = [(c, f"{contract.SCORES[c][0]} (points)", "score_spread") for c in contract.SCORES]
    baseline_columns.append(("prednisone_mg_day", f"Prednisone ({contract.PREDNISONE_UNIT})", "prednisone_spread"))
    for column, label, key in baseline_columns:
        values = dataset.paired(column)["baseline"].dropna()  # the patients with a baseline value
        q1, median, q3 = (float(values.quantile(q)) for q in (0.25, 0.5, 0.75))
        present = "" if len(values) == n else f"; n = {len(values)}"
        unit = contract.PREDNISONE_UNIT if column == "prednisone_mg_day" else "points"
        rows.append(
            {
                "section": "At baseline",
                "characteristic": label,
                "statistic": "median (IQR)",
                "value": median,
                "summary": " ".join(
                    [
                        quantity_text(median, unit, with_unit=False),
                        f"({quantity_text(q1, unit, with_unit=False)} to",
                        f"{quantity_text(q3, unit, with_unit=False)}{present})",
                    ]
                ),
                "claim": median_claim.id if (median_claim := _claim(registry, "median", column, "baseline")) else None,
                "basis": _partly(median_claim, "median", unit, "IQR", key, built),
            }
        )
    columns = ["section", "characteristic", "statistic", "value", "summary", "basis", "claim"]
    return pd.DataFrame(rows, columns=columns).astype({"claim": object})
