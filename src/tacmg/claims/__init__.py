"""Layer 3 of 6: what the paper claims and whether data bear it out.

The registry of published claims (`registry`, its schema in `schema`), their evaluation on one
dataset or on a batch of thousands of cohorts with the same rules (`evaluate`), the verdict
vocabulary and its rule (`verdicts`: holds (conditioned), holds (tested), does not hold), and the
checks of the published figures against each other (`consistency`). Imports only from stats and
data.
"""
