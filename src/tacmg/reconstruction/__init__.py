"""Layer 4 of 6: cohorts generated to agree with the published claims.

The stated assumptions (`priors`), marginals with exact published medians and means
(`marginals`), the Iman-Conover reordering for rank correlations (`iman_conover`), the seeded
generator with rejection on the claims (`generator`, drawing with `column_draws` and
`status_link_draws` towards the medians and means of `targets`) and the writing of the committed
cohort (`reconstruct`). Imports only from stats, data and claims.
"""
