"""Layer 6 of 6: how results reach the reader.

`tables` (the HTML table wrapper and display forms), `prose` (sentence fragments),
`chapter_values` and `summaries` (the values each chapter's prose quotes), `glue` (the one way
they reach the prose), `report` (which data a chapter reads, its banner, the scorecard) and the
chart modules (`palette` holds the one colour system; `clinical_charts`, `molecule_charts`,
`correlation_charts`, `robustness_charts`). May import from every lower layer.
"""
