"""Which claims the priors were chosen with in mind, so that no page calls their support independent.

The report gives no molecule levels. The priors that set them (the patient-to-control ratios, the
changes by status, the target correlations) were chosen so that the reconstruction shows what the
report states, and they lean towards what its lists leave out (decision ``implied-lists``). A claim
of these findings that holds in nearly every reconstruction not conditioned on it therefore
restates that choice; a page says so wherever it shows such a share or verdict.
"""

from __future__ import annotations

from tacmg.claims import verdicts

# Finding -> the priors.yaml entry chosen with its claims in mind.
PRIORS_CHOSEN_FOR = {
    "molecules_vs_controls": "molecules.patient_to_control_ratio",
    "molecule_change": "molecules.log_change_by_status",
    "improved_subset": "molecules.log_change_by_status",
    "correlations": "correlations.molecule_pairs",
    "implied_change": "molecules.log_change_by_status",
    "implied_subset": "molecules.log_change_by_status",
    "implied_correlations": "correlations.molecule_pairs",
}
PRIORS_LEAN = "the priors lean towards it"


def chosen_for(finding: str) -> bool:
    """Whether the priors were chosen with `finding`'s claims in mind.

    Examples
    --------
    >>> chosen_for("molecule_change"), chosen_for("clinical_scores")
    (True, False)
    """
    return finding in PRIORS_CHOSEN_FOR


def verdict_words(verdict: str, finding: str, kind: str) -> str:
    """A verdict as a page shows it: an implied claim that holds where the priors lean towards it
    says so, since the data were not conditioned on it but not drawn blind to it either.

    Examples
    --------
    >>> verdict_words("holds (tested)", "implied_change", "implied")
    'holds (tested; the priors lean towards it)'
    >>> verdict_words("holds (tested)", "clinical_scores", "inferential")
    'holds (tested)'
    """
    if kind == "implied" and verdict == verdicts.HOLDS_TESTED and chosen_for(finding):
        return f"holds (tested; {PRIORS_LEAN})"
    return verdict
