"""The reconstruction layer: the priors, marginals with exact published summaries, the
Iman-Conover reordering and the seeded generator that builds cohorts agreeing with the claims.

It may import the statistics, data and claims layers (`tacmg.stats`, `tacmg.data`,
`tacmg.claims`) below it, never the analyses or presentation layers above it.
"""
