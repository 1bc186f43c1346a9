"""The claims layer: the registry of the paper's published claims, their evaluation on one dataset
or on a batch of cohorts, and the consistency checks of the published figures among themselves.

It may import the statistics and data layers (`tacmg.stats`, `tacmg.data`) below it, never the
reconstruction, analyses or presentation layers above it.
"""
