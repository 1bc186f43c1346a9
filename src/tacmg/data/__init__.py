"""The data layer: the data contract (tables, columns, units, allowed values), reading and
checking a dataset directory, the Frictionless Data Package it is documented by, the batch-of-
cohorts arrays and the writing of generated cohorts as CSV.

It may import only the statistics layer (`tacmg.stats`) below it, besides numpy, pandas and the
standard library; the claims, reconstruction, analyses and presentation layers build on it.
"""
