"""Review: levers are concrete edits, never use an opponent, and pair only peers (docs/analysis-model.md §8)."""

from rdflib import URIRef
from review_helpers import run

OPPOSED_UNIT_LEADER = """
<urn:x:change> a rx:ChangeProposal .
[] a rx:Disruption ; rx:from <urn:x:change> ; rx:to <urn:x:r> ; rx:degree 0.8 .
<urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .
<urn:x:p> a rx:Role ; rdfs:label "Nurse" ; rx:performs <urn:x:r> ; org:memberOf <urn:x:ward> .
<urn:x:ward> a rx:Unit ; rdfs:label "Ward" .
<urn:x:lead> a rx:Role, rx:OpinionLeader ; rdfs:label "Senior" ; org:memberOf <urn:x:cons>, <urn:x:ward> .
<urn:x:cons> a rx:Unit ; rdfs:label "Consultants" .
[] a rx:Stance ; rx:from <urn:x:cons> ; rx:to <urn:x:change> ; rx:attitude -1.0 .
"""


def test_a_leader_whose_own_unit_opposes_the_change_is_neither_a_help_nor_a_broker():
    # By the model's own rule the leader's anchor is the Consultants' stance times the decay (-0.5), so the
    # leader opposes the change. Today the leader is "an opinion leader who does not oppose the change"
    # (lowering the nurse's score) and is proposed as a broker, with a negative computed effect.
    result = run(OPPOSED_UNIT_LEADER, levers=True)
    lead = URIRef("urn:x:lead")
    assert not any(lever.kind == "broker" and lead in lever.nodes for lever in result.levers)
    assert not any(r.mechanism == "context.leader_nearby" for p in result.points for r in p.reasons)


SPONSOR_AS_PEER = """
<urn:x:change> a rx:ChangeProposal ; rx:violates <urn:x:n> ; rx:sponsoredBy <urn:x:ccg> ;
    rx:sponsorshipMode rx:topDown .
<urn:x:n> a rx:Norm ; rx:pillar rx:normative .
<urn:x:practice> a rx:Organisation ; rdfs:label "Practice" ; rx:subscribesTo <urn:x:n> ; rx:headcount 10 .
<urn:x:ccg> a rx:Organisation ; rdfs:label "Commissioner" .
<urn:x:gp> a rx:Role ; rdfs:label "GP" ; org:memberOf <urn:x:practice> ; rx:roleKind rx:clinicalRole .
"""


def test_no_lateral_tie_lever_pairs_a_resistant_organisation_with_the_changes_sponsor():
    # The commissioner sponsors the change top-down: it is not a peer giving lateral support to the practice.
    result = run(SPONSOR_AS_PEER, levers=True)
    ccg = URIRef("urn:x:ccg")
    assert not any(lever.kind == "lateral tie" and ccg in lever.nodes for lever in result.levers)


TWO_RESISTANT_UNITS = """
<urn:x:change> a rx:ChangeProposal .
[] a rx:Disruption ; rx:from <urn:x:change> ; rx:to <urn:x:r> ; rx:degree 0.8 .
<urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .
<urn:x:a> a rx:Role ; rx:performs <urn:x:r> ; org:memberOf <urn:x:u1> .
<urn:x:b> a rx:Role ; rx:performs <urn:x:r> ; org:memberOf <urn:x:u2> .
<urn:x:u1> a rx:Unit ; rdfs:label "Clinical team" . <urn:x:u2> a rx:Unit ; rdfs:label "Reception" .
"""


def test_the_same_symmetric_lateral_tie_is_not_offered_twice():
    # rx:lateralSupport is symmetric: "u1 supports u2" and "u2 supports u1" are one lever. Today both are
    # listed with the same effect (as in sample_graphs/video-consultations-gp.ttl).
    result = run(TWO_RESISTANT_UNITS, levers=True)
    pairs = [frozenset(lever.nodes) for lever in result.levers if lever.kind == "lateral tie"]
    assert pairs and len(pairs) == len(set(pairs))
