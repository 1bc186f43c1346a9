"""Layer 2 of 6: the data a chapter reads and how it is checked.

The data contract, every table and column with its unit and allowed values (`contract`); the rules
a cell must satisfy (`cell_rules`); reading and validating a dataset directory (`loader`, with
`csv_checks`); the Frictionless Data Package that documents it (`datapackage`); cohorts
as batched arrays (`cohorts`); writing a generated cohort as CSV (`tables`); the committed data's
paths (`paths`). Imports only from `tacmg.stats`.
"""
