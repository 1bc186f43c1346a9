"""Layer 1 of 6: statistics that know nothing of the study.

Rank tests batched over cohorts under their standard variants (`rank_tests`), the Hodges-Lehmann
and rank-biserial estimates that go with them (`estimates`), the Benjamini-Hochberg adjustment
(`multiplicity`), the one rounding rule and number-to-text path (`rounding`) and measurement grids
(`grids`). The lowest layer: imports only numpy, scipy, statsmodels and the standard library,
never another part of the package, so every layer above may use it.
"""
