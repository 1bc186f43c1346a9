"""The statistics layer: rounding and number-to-text rules, rank tests batched over cohorts,
Hodges-Lehmann and rank-biserial estimates, multiplicity adjustment and measurement grids.

It is the lowest layer: its modules know nothing of datasets, claims or chapters and import only
numpy, scipy, statsmodels and the standard library (no other ``tacmg`` layer), so every layer
above may use them.
"""
