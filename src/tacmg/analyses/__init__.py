"""Layer 5 of 6: the statistics each chapter reports, as tidy DataFrames.

One module per chapter (cohort, scores, prednisone, status, molecules_vs_controls,
molecule_change, correlations, plausibility, robustness), plus `selection` (which rows an
analysis reads) and `molecule_values` (long-form values for charts). Every table uses the result
vocabulary of the developer guide (statistic, p_value, p_value_adjusted, hl_change with
hl_change_ci_low / hl_change_ci_high, effect_size, n, ...). Imports only from stats, data, claims
and reconstruction; never from presentation, so no analysis knows how it is shown.
"""
