"""Display forms of the molecule chapters' tables (chapters 05-07): against controls, change, by
status, correlations, between and within patients; headings and number formats as in `tables`.
"""

from __future__ import annotations

import pandas as pd

from tacmg.data.contract import STATUS_CODES
from tacmg.presentation.tables import conditional_label, for_display, level_text
from tacmg.stats.rounding import p_value_text, quantity_text

BELOW_LIMIT_HEADING = "Values below the detection limit"


def _range(low: float, high: float, text=p_value_text) -> str:
    """A statistic's range over substitutions of censored values (`tacmg.analyses.censoring`), or ''."""
    if pd.isna(low) or pd.isna(high):
        return ""
    return f"{text(low)} to {text(high)}"


def _published_split_text(table: pd.DataFrame) -> list[str]:
    texts = []
    for published_significant, abstract in zip(table["published_significant"], table["in_abstract_list"]):
        if published_significant is pd.NA:
            texts.append("not reported")
        elif published_significant:
            texts.append("significant (news and abstract)" if abstract else "significant (news)")
        else:
            texts.append("not significant (news)")
    return texts


def against_controls_view(table: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """A `baseline_against_controls` table as the page shows it (medians in pg/mL).

    The size of each difference is the Hodges-Lehmann ratio with its interval, the one effect
    size the page gives for the comparison (the rank-biserial correlation is not shown).
    """
    ratio = ("hl_ratio", "hl_ratio_ci_low", "hl_ratio_ci_high")
    return for_display(
        table.assign(published_text=_published_split_text(table)),
        {
            "label": "Molecule",
            "n_patients": "Patients (n)",
            "n_controls": "Controls (n)",
            "median_patients": "Patients, median (pg/mL)",
            "median_controls": "Controls, median (pg/mL)",
            ratio: f"Ratio, patients / controls ({level_text(confidence)} CI)",
            "p_value": "P",
            "p_value_adjusted": "P (adjusted)",
            "published_text": "Published",
        },
        {"median_patients": "pg/mL", "median_controls": "pg/mL", ratio: "ratio"},
    )


def change_view(table: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """A `paired_change` table as the page shows it (medians in pg/mL; ratio month 12 / baseline,
    the one effect size of each change), each row with its n; where values below a detection limit
    enter, a last column gives each paired statistic's range over substitutions of them."""
    ratio = ("hl_ratio", "hl_ratio_ci_low", "hl_ratio_ci_high")
    below = {}
    if "censored_ranges" in table and (table["censored_ranges"] != "").any():
        below = {"censored_ranges": BELOW_LIMIT_HEADING}
    return for_display(
        table,
        {
            "label": "Molecule",
            "n": "Patients (n)",
            "median_baseline": "Baseline, median (pg/mL)",
            "median_month_12": "Month 12, median (pg/mL)",
            ratio: f"Ratio, month 12 / baseline ({level_text(confidence)} CI)",
            "p_value": "P (Wilcoxon)",
            "p_value_permutation": f"P ({conditional_label(table['n'])})" if "n" in table else "P (exact conditional)",
            "p_value_adjusted": "P (adjusted)",
            "published": "Published",
            **below,
        },
        {"median_baseline": "pg/mL", "median_month_12": "pg/mL", ratio: "ratio"},
    )


def status_view(by_status: pd.DataFrame, test: pd.DataFrame) -> pd.DataFrame:
    """Median percent change per status group (one column per group) beside the Kruskal-Wallis p."""
    wide = by_status.pivot(index="label", columns="status", values="pct_change")
    statuses = [s for s in STATUS_CODES if s in wide.columns]
    order = list(dict.fromkeys(by_status["label"]))
    wide = wide.loc[order, statuses]
    frame = pd.DataFrame({"label": wide.index})
    for status in statuses:
        frame[status] = [quantity_text(v, "%", sign=True, with_unit=False) for v in wide[status]]
    counts = by_status.pivot(index="label", columns="status", values="n").loc[order, statuses]
    frame["group_sizes"] = [", ".join(f"{s} {int(n)}" for s, n in row.dropna().items()) for _, row in counts.iterrows()]
    columns = ["label", "p_value", "p_value_adjusted"]
    below = {}
    if "p_value_low" in test and test["p_value_low"].notna().any():
        test = test.assign(censored_range=[_range(lo, hi) for lo, hi in zip(test["p_value_low"], test["p_value_high"])])
        columns.append("censored_range")
        below = {"censored_range": f"P over {BELOW_LIMIT_HEADING.lower()}"}
    merged = frame.merge(test[columns], on="label", how="left")
    return for_display(
        merged,
        {
            "label": "Molecule",
            "group_sizes": "Patients (n)",
            **{s: f"{s}: median change (%)" for s in statuses},
            "p_value": "P (Kruskal-Wallis)",
            "p_value_adjusted": "P (adjusted)",
            **below,
        },
    )


def correlation_view(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of a `correlation_table` as the page shows them, rho with its interval."""
    rho = ("rho", "rho_ci_low", "rho_ci_high")
    frame = table.assign(
        pair=[f"{x} and {y}" for x, y in zip(table["label_x"], table["label_y"])],
        published_text=table["published_sign"].where(table["published_sign"].notna(), "not reported"),
    )
    return for_display(
        frame,
        {
            "pair": "Pair",
            "n": "Patients (n)",
            rho: f"Spearman rho ({level_text(table['confidence'].iloc[0])} CI)",
            "p_value": "P",
            "p_value_adjusted": "P (adjusted)",
            "published_text": "Published sign",
            "matches_published": "As published",
            "matches_published_adjusted": "As published, adjusted",
        },
        {rho: "correlation"},
    )


def between_within_view(table: pd.DataFrame) -> pd.DataFrame:
    """A `between_and_within` table as the page shows it, with its n; where values below a
    detection limit enter, the changes' rho and P over substitutions of them."""
    shown = table.assign(share_both_fell=100 * table["share_both_fell"])
    below = {}
    if "rho_change_low" in table and table["rho_change_low"].notna().any():

        def rho_text(value: float) -> str:
            return quantity_text(value, "correlation", with_unit=False)

        shown["change_range"] = [
            f"rho {_range(lo, hi, rho_text)}, P {_range(plo, phi)}"
            for lo, hi, plo, phi in zip(
                table["rho_change_low"],
                table["rho_change_high"],
                table["p_value_change_low"],
                table["p_value_change_high"],
            )
        ]
        below = {"change_range": f"Changes over {BELOW_LIMIT_HEADING.lower()}"}
    return for_display(
        shown,
        {
            "label_score": "Score",
            "n": "Patients (n)",
            "rho_baseline": "Rho at baseline",
            "p_value_baseline": "P at baseline",
            "rho_month_12": "Rho at month 12",
            "p_value_month_12": "P at month 12",
            "rho_change": "Rho of the changes",
            "p_value_change": "P of the changes",
            "share_both_fell": "Both fell (% of patients)",
            **below,
        },
        {
            "rho_baseline": "correlation",
            "rho_month_12": "correlation",
            "rho_change": "correlation",
            "share_both_fell": "%",
        },
    )
