"""Layer 4 of 6: cohorts generated to agree with the published claims.

The stated assumptions (`priors`), marginals with exact published medians and means
(`marginals`), the Iman-Conover reordering for rank correlations (`iman_conover`), the seeded
generator with rejection on the claims (`generator`, with the private `_draws`) and the writing of
the committed cohort (`reconstruct`). Imports only from stats, data and claims.
"""
