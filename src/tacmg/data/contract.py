"""The data contract: the three tables a dataset must provide, and every column's meaning.

This module is the single source of truth for column names, types, units and allowed values.
The loader validates against it, the generator writes it, and `datapackage.json` (a Frictionless
Data Package) is rendered from it, so the three can never disagree. Post-intervention status and
clinical classes follow the MGFA research standards (Jaretzki A, Barohn RJ, Ernstoff RM, et al.
Myasthenia gravis: recommendations for clinical research standards. Neurology 2000;55:16-23).
"""

from __future__ import annotations

from tacmg.data.table_spec import Column, ForeignKey, Table

VISITS = ("baseline", "month_12")

# MGFA post-intervention status codes (Jaretzki et al. 2000).
STATUS_CODES = ("CSR", "PR", "MM", "I", "U", "W", "E", "D")
STATUS_MEANINGS = {
    "CSR": "complete stable remission",
    "PR": "pharmacologic remission",
    "MM": "minimal manifestation status",
    "I": "improved",
    "U": "unchanged",
    "W": "worse",
    "E": "exacerbation",
    "D": "died of myasthenia gravis",
}
MGFA_CLASSES = ("I", "IIa", "IIb", "IIIa", "IIIb", "IVa", "IVb", "V")
ANTIBODY_STATUSES = ("AChR", "MuSK", "LRP4", "seronegative")
SEXES = ("F", "M")

# Clinical scores: (column, label, minimum, maximum, description). Higher is worse on all four.
SCORES = {
    "qmg": ("QMG", 0, 39, "Quantitative Myasthenia Gravis score: 13 items scored 0-3 (Barohn 1998)"),
    "mmt": ("MMT", 0, 120, "Manual muscle test, MG-MMT: 30 muscle groups scored 0-4 (Sanders 2003)"),
    "mg_adl": ("MG-ADL", 0, 24, "MG activities of daily living: 8 items scored 0-3 (Wolfe 1999)"),
    "mg_qol15": ("MG-QOL15", 0, 60, "MG quality of life, original 15-item version scored 0-4 (Burns 2008)"),
}

# Soluble molecules, all in pg/mL (ELISA). Label as printed in the paper.
MOLECULES = {
    "spd1": "sPD-1",
    "spdl1": "sPD-L1",
    "sicos": "sICOS",
    "sicosl": "sICOSL",
    "scd40": "sCD40",
    "scd40l": "sCD40L",
    "scd25": "sCD25",
    "il2": "IL-2",
}
MOLECULE_UNIT = "pg/mL"

PREDNISONE_MAX_MG_DAY = 100

# How a missing value may be written in a cell that may be missing (a score, the prednisone dose, a
# molecule, the post-intervention status): the only spellings read as "no value" (a cell of spaces
# only counts as empty). Any other text is checked as a value. The one place this set is defined.
MISSING_VALUES = ("", "NA", "na", "N/A", "n/a", ".")
# A molecule cell "<X" means below the detection limit X (in the column's unit), e.g. "<15.6".
CENSORED_PREFIX = "<"

LABELS = {**{k: v[0] for k, v in SCORES.items()}, **MOLECULES, "prednisone_mg_day": "Prednisone"}

# Column names and cell contents that would identify a person are refused by the rules of
# `tacmg.data.privacy`.


# ---- Table and column specifications, derived from the constants above. The loader checks each
# cell against these specs and `tacmg.data.datapackage` renders them as Frictionless Table Schemas,
# so a rule added here is enforced and documented in one move.

# Pseudonymous codes: letters, digits, "_" and "-" (whole cell; Table Schema anchors patterns).
ID_PATTERN = "[A-Za-z0-9_-]+"
ID_PATTERN_MEANING = 'letters, digits, "_" and "-"'

MGFA_CLASS_MEANINGS = {
    "I": "any ocular muscle weakness, all other muscle strength normal",
    "IIa": "mild weakness beyond the ocular muscles, mainly of limb or axial muscles",
    "IIb": "mild weakness beyond the ocular muscles, mainly of oropharyngeal or respiratory muscles",
    "IIIa": "moderate weakness beyond the ocular muscles, mainly of limb or axial muscles",
    "IIIb": "moderate weakness beyond the ocular muscles, mainly of oropharyngeal or respiratory muscles",
    "IVa": "severe weakness beyond the ocular muscles, mainly of limb or axial muscles",
    "IVb": "severe weakness beyond the ocular muscles, mainly of oropharyngeal or respiratory muscles",
    "V": "intubation, with or without mechanical ventilation",
}
ANTIBODY_MEANINGS = {
    "AChR": "antibodies against the acetylcholine receptor",
    "MuSK": "antibodies against muscle-specific kinase",
    "LRP4": "antibodies against low-density lipoprotein receptor-related protein 4",
    "seronegative": "none of these antibodies detected",
}
SEX_MEANINGS = {"F": "female", "M": "male"}
VISIT_MEANINGS = {
    "baseline": "before tacrolimus was started",
    "month_12": "after 12 months of tacrolimus",
}
MOLECULE_NAMES = {
    "spd1": "soluble programmed cell death protein 1",
    "spdl1": "soluble programmed death-ligand 1",
    "sicos": "soluble inducible T-cell costimulator",
    "sicosl": "soluble ICOS ligand",
    "scd40": "soluble CD40",
    "scd40l": "soluble CD40 ligand (CD154)",
    "scd25": "soluble CD25, the alpha chain of the interleukin-2 receptor",
    "il2": "interleukin-2",
}
PREDNISONE_UNIT = "mg/day"
YEARS = "years"


def _spell_out(meanings: dict[str, str]) -> str:
    """Return 'code = meaning; ...' for a description."""
    return "; ".join(f"{code} = {meaning}" for code, meaning in meanings.items())


def _sex_column() -> Column:
    return Column("sex", "string", "Sex", "sex code", f"Sex: {_spell_out(SEX_MEANINGS)}.", enum=SEXES)


def _id_column(name: str, title: str, description: str) -> Column:
    return Column(name, "string", title, name, description, pattern=ID_PATTERN)


def _molecule_columns(who: str) -> tuple[Column, ...]:
    return tuple(
        Column(
            name,
            "number",
            label,
            f"{label} concentration",
            f"{label} ({MOLECULE_NAMES[name]}) concentration in {who}, measured by ELISA, in "
            f"{MOLECULE_UNIT}; strictly greater than 0. The study names both serum and plasma "
            "as the sample, so the matrix is uncertain.",
            unit=MOLECULE_UNIT,
            exclusive_minimum=0,
            required=False,
            censorable=True,
        )
        for name, label in MOLECULES.items()
    )


def _score_columns() -> tuple[Column, ...]:
    return tuple(
        Column(
            name,
            "integer",
            label,
            label,
            f"{description}. Whole-number total from {low} to {high} points; higher means more severe.",
            minimum=low,
            maximum=high,
            required=False,
        )
        for name, (label, low, high, description) in SCORES.items()
    )


PATIENTS_TABLE = Table(
    "patients",
    "Patients",
    "One row per patient with refractory myasthenia gravis treated with tacrolimus: "
    "characteristics at baseline and MGFA post-intervention status after 12 months.",
    (
        _id_column(
            "patient_id",
            "Patient code",
            f"Pseudonymous patient code ({ID_PATTERN_MEANING}), unique within the dataset; "
            "never a name, hospital number or other identifier.",
        ),
        _sex_column(),
        Column(
            "age_at_onset_years",
            "number",
            "Age at onset",
            "age at onset",
            "Age at onset of myasthenia gravis, in years.",
            unit=YEARS,
            minimum=0,
            maximum=100,
        ),
        Column(
            "disease_duration_years",
            "number",
            "Disease duration",
            "disease duration",
            "Time from onset of myasthenia gravis to the baseline visit, in years (may carry one decimal).",
            unit=YEARS,
            minimum=0,
            maximum=80,
        ),
        Column(
            "mgfa_class",
            "string",
            "MGFA class",
            "MGFA class",
            f"MGFA clinical classification at baseline (Jaretzki et al. 2000): {_spell_out(MGFA_CLASS_MEANINGS)}.",
            enum=MGFA_CLASSES,
        ),
        Column(
            "antibody_status",
            "string",
            "Antibody status",
            "antibody status",
            f"Serum autoantibody status: {_spell_out(ANTIBODY_MEANINGS)}.",
            enum=ANTIBODY_STATUSES,
        ),
        Column(
            "thymectomy",
            "boolean",
            "Thymectomy",
            "thymectomy flag",
            "Whether the thymus had been removed before baseline, written true or false.",
        ),
        Column(
            "post_intervention_status",
            "string",
            "Post-intervention status",
            "post-intervention status",
            "MGFA post-intervention status after 12 months of tacrolimus (Jaretzki et al. "
            f"2000): {_spell_out(STATUS_MEANINGS)}.",
            enum=STATUS_CODES,
            required=False,
        ),
    ),
    primary_key=("patient_id",),
)

VISITS_TABLE = Table(
    "visits",
    "Visits",
    "One row per patient and visit (baseline and month 12; every patient has both): clinical "
    "scores, daily prednisone dose and soluble molecule concentrations.",
    (
        _id_column("patient_id", "Patient code", "Pseudonymous patient code; refers to patient_id in patients.csv."),
        Column(
            "visit",
            "string",
            "Visit",
            "visit code",
            f"When the assessment was made: {_spell_out(VISIT_MEANINGS)}.",
            enum=VISITS,
        ),
        *_score_columns(),
        Column(
            "prednisone_mg_day",
            "number",
            LABELS["prednisone_mg_day"],
            "prednisone dose",
            f"Daily oral prednisone dose at the visit, in {PREDNISONE_UNIT} (0 = none).",
            unit=PREDNISONE_UNIT,
            minimum=0,
            maximum=PREDNISONE_MAX_MG_DAY,
            required=False,
        ),
        *_molecule_columns("the patient's blood at this visit"),
    ),
    primary_key=("patient_id", "visit"),
    foreign_keys=(ForeignKey(("patient_id",), "patients", ("patient_id",)),),
)

CONTROLS_TABLE = Table(
    "controls",
    "Healthy controls",
    "One row per healthy control, sampled once: sex, age and soluble molecule concentrations.",
    (
        _id_column(
            "control_id",
            "Control code",
            f"Pseudonymous healthy-control code ({ID_PATTERN_MEANING}), unique within the "
            "dataset; never a name, hospital number or other identifier.",
        ),
        _sex_column(),
        Column(
            "age_years", "number", "Age", "age", "Age at blood sampling, in years.", unit=YEARS, minimum=0, maximum=120
        ),
        *_molecule_columns("the control's blood"),
    ),
    primary_key=("control_id",),
)

# The three tables of a dataset, in the fixed order used for checksums and for reporting.
TABLES = {table.name: table for table in (PATIENTS_TABLE, VISITS_TABLE, CONTROLS_TABLE)}
