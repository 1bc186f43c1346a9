"""Layer 1 of 6: statistics that know nothing of the study.

Rank tests batched over cohorts under their standard variants (`rank_tests`), the Hodges-Lehmann
and rank-biserial estimates that go with them (`estimates`), the Benjamini-Hochberg adjustment
(`multiplicity`), the one rounding rule and number-to-text path (`rounding`) and measurement grids
(`grids`); the exact conditional signed-rank test (`permutation`); and batched forms of the
one-cohort estimates and scipy tests the chapters use (`batched_estimates`, `batched_tests`,
`rows`), equal to them row by row, for the ensembles' numbers. The lowest layer: imports only
numpy, scipy, statsmodels and the standard library, never another part of the package, so every
layer above may use it.
"""
