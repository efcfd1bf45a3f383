"""The resistance model, one module per mechanism (the public entry is :mod:`explorer.analysis.change`).

:mod:`.structure` (scope and levels), :mod:`.routines`, :mod:`.norms` and
:mod:`.jurisdiction` (transgression), :mod:`.stances`, :mod:`.context` and
:mod:`.network` (context), :mod:`.model` (compiling a map), :mod:`.evaluate`
(many runs at once), :mod:`.explain` (reasons and sentences),
:mod:`.uncertainty` (seeded Monte Carlo) and :mod:`.levers` (counterfactual
edits). docs/analysis-model.md gives every equation.
"""
