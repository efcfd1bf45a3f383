"""Team maps on a shared SPARQL server: the connection, the change log beside each map, and sync.

A map shared on a server lives in one named graph, with a change log beside it
(:mod:`explorer.team.changelog`). Each person works on a local copy (a TriG file)
and syncs: their changes are published as log records, others' are pulled and
merged, and where two people changed the same value the author chooses
(:mod:`explorer.team.sync`). Only standard SPARQL 1.1 is spoken
(:mod:`explorer.team.endpoint`), so any engine works.
"""
