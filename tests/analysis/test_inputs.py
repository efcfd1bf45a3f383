"""No silent input: every term the map vocabulary offers is marked in ontology/analysis-inputs.ttl, and each
marked input moves the result the way its mark says (or, marked as not used, moves nothing).

The marks are read from the ontology; every mark needs a probe here, and every probe a mark. A probe is two
small maps that differ only in the input, the point to watch, and the direction the mark promises.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from explorer.analysis.change import analyse_change
from explorer.analysis.graph import map_graph_from_text
from explorer.core.resources import ontology_files

RX = "https://w3id.org/routine-explorer/ns#"
PREFIXES = (
    "@prefix rx: <https://w3id.org/routine-explorer/ns#> .\n@prefix org: <http://www.w3.org/ns/org#> .\n"
    "@prefix prov: <http://www.w3.org/ns/prov#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
)
#: A nurse in a unit of a trust performs a routine the change disrupts.
BASE = """
<urn:x:change> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
<urn:x:r> a rx:Routine ; rx:embeddedness 0.6 ; rx:ownedBy <urn:x:unit> .
<urn:x:unit> a rx:Unit ; org:unitOf <urn:x:org> .
<urn:x:org> a rx:Organisation .
<urn:x:p> a rx:Role ; org:memberOf <urn:x:unit> ; rx:performs <urn:x:r> .
"""
#: The same, but the change touches nothing yet.
BARE = BASE.replace(" ; rx:disrupts <urn:x:r>", "")
#: The nurse (clinical) holds a violated norm; the change is sponsored as given.
NORM = (
    BASE
    + """
<urn:x:p> rx:roleKind rx:clinicalRole .
<urn:x:n> a rx:Norm ; rx:pillar rx:{pillar} ; rx:formality {formality} .
[] a rx:NormSubscription ; rx:from <urn:x:p> ; rx:to <urn:x:n> ; rx:strength 0.7 .
<urn:x:change> rx:violates <urn:x:n> .
"""
)
#: Another nurse, in another unit, whose routine is interdependent with the disrupted one.
NEIGHBOUR = (
    BASE
    + """
<urn:x:r3> a rx:Routine ; rx:embeddedness 0.6 .
<urn:x:q> a rx:Role ; rx:performs <urn:x:r3> .
"""
)


@dataclass(frozen=True)
class Probe:
    before: str
    after: str
    point: str = "urn:x:p"
    expect: str = "up"  # up | down | same | appears | vanishes | narrower | missing:<text> | figure-up
    note: str = ""


def norm(pillar="normative", formality=0.5, extra=""):
    return NORM.replace("{pillar}", pillar).replace("{formality}", str(formality)) + extra


def swap(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


FORCE = (
    "<urn:x:f> a rx:ExternalForce . [] a rx:ForceInfluence ; rx:from <urn:x:f> ; rx:to <{to}> ; "
    "rx:direction rx:{d} ; rx:magnitude {m} {extra}.\n"
)


def force(to="urn:x:unit", d="restraining", m=0.8, extra=""):
    return FORCE.replace("{to}", to).replace("{d}", d).replace("{m}", str(m)).replace("{extra}", extra)


OPPONENT = (
    "<urn:x:boss> a rx:Role . [] a rx:Stance ; rx:from <urn:x:boss> ; rx:to <urn:x:change> ; "
    "rx:attitude -1.0 ; rx:confidence 1 .\n"
)
LEADER = "<urn:x:lead> a rx:Role ; rx:influences <urn:x:p> .\n"

#: A stated attitude of 0: undecided (an attitude nobody states is not evidence of ambivalence).
UNDECIDED = "[] a rx:Stance ; rx:from <urn:x:p> ; rx:to <urn:x:change> ; rx:attitude 0.0 . "

PROBES: dict[str, list[Probe]] = {
    # Transgression
    "rx:disrupts": [Probe(BARE, BARE + "<urn:x:change> rx:disrupts <urn:x:r> .", expect="appears")],
    "rx:Disruption": [
        Probe(
            BARE,
            BARE + "[] a rx:Disruption ; rx:from <urn:x:change> ; rx:to <urn:x:r> ; rx:degree 0.8 .",
            expect="appears",
        )
    ],
    "rx:degree": [
        Probe(
            BARE + "[] a rx:Disruption ; rx:from <urn:x:change> ; rx:to <urn:x:r> ; rx:degree 0.2 .",
            BARE + "[] a rx:Disruption ; rx:from <urn:x:change> ; rx:to <urn:x:r> ; rx:degree 0.9 .",
        )
    ],
    "rx:replaces": [Probe(BASE, swap(BASE, "rx:disrupts", "rx:replaces"))],
    "rx:introduces": [
        Probe(
            BASE,
            BASE + "<urn:x:new> a rx:Routine . <urn:x:p> rx:performs <urn:x:new> . "
            "<urn:x:change> rx:introduces <urn:x:new> .",
        )
    ],
    "rx:reallocatesTask": [Probe(BARE, BARE + "<urn:x:change> rx:reallocatesTask <urn:x:r> .", expect="appears")],
    "rx:TaskReallocation": [
        Probe(
            BASE,
            BASE + "<urn:x:q> a rx:Role . [] a rx:TaskReallocation ; rx:from <urn:x:p> ; rx:to <urn:x:q> ; "
            "rx:byChange <urn:x:change> .",
        )
    ],
    "rx:violates": [Probe(swap(norm(), "<urn:x:change> rx:violates <urn:x:n> .", ""), norm())],
    "rx:embeddedness": [
        Probe(
            swap(BASE, "rx:embeddedness 0.6", "rx:embeddedness 0.2"),
            swap(BASE, "rx:embeddedness 0.6", "rx:embeddedness 0.9"),
        )
    ],
    "rx:sanctionSeverity": [
        Probe(
            norm("regulative", extra="<urn:x:n> rx:sanctionSeverity 0.1 ."),
            norm("regulative", extra="<urn:x:n> rx:sanctionSeverity 0.9 ."),
        )
    ],
    # Carrying
    "rx:performs": [Probe(swap(BASE, " ; rx:performs <urn:x:r>", ""), BASE, expect="appears")],
    "rx:ownedBy": [
        Probe(
            BASE + "<urn:x:u2> a rx:Unit .",
            BASE + "<urn:x:u2> a rx:Unit . <urn:x:r> rx:ownedBy <urn:x:u2> .",
            point="urn:x:u2",
            expect="appears",
        )
    ],
    "rx:performanceOf": [
        Probe(
            BASE + "<urn:x:q> a rx:Person . <urn:x:perf> a rx:Performance ; prov:wasAssociatedWith <urn:x:q> .",
            BASE + "<urn:x:q> a rx:Person . <urn:x:perf> a rx:Performance ; prov:wasAssociatedWith <urn:x:q> ; "
            "rx:performanceOf <urn:x:r> .",
            point="urn:x:q",
            expect="appears",
        )
    ],
    "prov:wasAssociatedWith": [
        Probe(
            BASE + "<urn:x:q> a rx:Person . <urn:x:perf> a rx:Performance ; rx:performanceOf <urn:x:r> .",
            BASE + "<urn:x:q> a rx:Person . <urn:x:perf> a rx:Performance ; rx:performanceOf <urn:x:r> ; "
            "prov:wasAssociatedWith <urn:x:q> .",
            point="urn:x:q",
            expect="appears",
        )
    ],
    "rx:Performance": [
        Probe(
            BASE
            + "<urn:x:q> a rx:Person . <urn:x:perf> rx:performanceOf <urn:x:r> ; prov:wasAssociatedWith <urn:x:q> .",
            BASE + "<urn:x:q> a rx:Person . <urn:x:perf> a rx:Performance ; rx:performanceOf <urn:x:r> ; "
            "prov:wasAssociatedWith <urn:x:q> .",
            point="urn:x:q",
            expect="appears",
        )
    ],
    "rx:interdependentWith": [
        Probe(NEIGHBOUR, NEIGHBOUR + "<urn:x:r> rx:interdependentWith <urn:x:r3> .", point="urn:x:q", expect="appears")
    ],
    "rx:Interdependency": [
        Probe(
            NEIGHBOUR,
            NEIGHBOUR + "[] a rx:Interdependency ; rx:from <urn:x:r> ; rx:to <urn:x:r3> ; "
            "rx:interdependenceType rx:reciprocal ; rx:strength 0.9 .",
            point="urn:x:q",
            expect="appears",
        )
    ],
    "rx:governedBy": [
        Probe(
            BASE + "<urn:x:n> a rx:Norm ; rx:pillar rx:normative . <urn:x:change> rx:violates <urn:x:n> .",
            BASE + "<urn:x:n> a rx:Norm ; rx:pillar rx:normative . <urn:x:change> rx:violates <urn:x:n> . "
            "<urn:x:r> rx:governedBy <urn:x:n> .",
        )
    ],
    "rx:usesArtefact": [
        Probe(
            BARE + "<urn:x:a> a rx:Artefact . <urn:x:change> rx:introduces <urn:x:a> .",
            BARE + "<urn:x:a> a rx:Artefact . <urn:x:change> rx:introduces <urn:x:a> . "
            "<urn:x:r> rx:usesArtefact <urn:x:a> .",
            expect="appears",
        )
    ],
    "rx:inscribes": [
        Probe(
            BASE + "<urn:x:n> a rx:Norm ; rx:pillar rx:normative . <urn:x:change> rx:violates <urn:x:n> . "
            "<urn:x:a> a rx:Artefact . <urn:x:r> rx:usesArtefact <urn:x:a> .",
            BASE + "<urn:x:n> a rx:Norm ; rx:pillar rx:normative . <urn:x:change> rx:violates <urn:x:n> . "
            "<urn:x:a> a rx:Artefact ; rx:inscribes <urn:x:n> . <urn:x:r> rx:usesArtefact <urn:x:a> .",
        )
    ],
    "rx:subscribesTo": [
        Probe(
            BASE + "<urn:x:n> a rx:Norm ; rx:pillar rx:normative . <urn:x:change> rx:violates <urn:x:n> .",
            BASE + "<urn:x:n> a rx:Norm ; rx:pillar rx:normative . <urn:x:change> rx:violates <urn:x:n> . "
            "<urn:x:p> rx:subscribesTo <urn:x:n> .",
        )
    ],
    "rx:NormSubscription": [
        Probe(
            swap(norm(), "[] a rx:NormSubscription ; rx:from <urn:x:p> ; rx:to <urn:x:n> ; rx:strength 0.7 .", ""),
            norm(),
        )
    ],
    "rx:ofProfession": [
        Probe(
            BASE + "<urn:x:q> a rx:Role . <urn:x:g1> a rx:ProfessionalGroup . <urn:x:g2> a rx:ProfessionalGroup . "
            "<urn:x:q> rx:ofProfession <urn:x:g2> . [] a rx:TaskReallocation ; rx:from <urn:x:p> ; rx:to <urn:x:q> .",
            BASE + "<urn:x:q> a rx:Role . <urn:x:g1> a rx:ProfessionalGroup . <urn:x:g2> a rx:ProfessionalGroup . "
            "<urn:x:q> rx:ofProfession <urn:x:g2> . [] a rx:TaskReallocation ; rx:from <urn:x:p> ; rx:to <urn:x:q> . "
            "<urn:x:p> rx:ofProfession <urn:x:g1> .",
        )
    ],
    "org:memberOf": [Probe(swap(BASE, " org:memberOf <urn:x:unit> ;", "") + force(), BASE + force())],
    "org:unitOf": [Probe(swap(BASE, " ; org:unitOf <urn:x:org>", "") + force("urn:x:org"), BASE + force("urn:x:org"))],
    "org:hasUnit": [
        Probe(
            swap(BASE, " ; org:unitOf <urn:x:org>", "") + force("urn:x:org"),
            swap(BASE, " ; org:unitOf <urn:x:org>", "") + force("urn:x:org") + "<urn:x:org> org:hasUnit <urn:x:unit> .",
        )
    ],
    "org:subOrganizationOf": [
        Probe(
            swap(BASE, " ; org:unitOf <urn:x:org>", " ; org:unitOf <urn:x:org2>")
            + "<urn:x:org2> a rx:Organisation ."
            + force("urn:x:org"),
            swap(BASE, " ; org:unitOf <urn:x:org>", " ; org:unitOf <urn:x:org2>")
            + "<urn:x:org2> a rx:Organisation ; org:subOrganizationOf <urn:x:org> ."
            + force("urn:x:org"),
        )
    ],
    "org:headOf": [
        Probe(
            swap(BASE, " org:memberOf <urn:x:unit> ;", "") + force(),
            swap(BASE, " org:memberOf <urn:x:unit> ;", " org:headOf <urn:x:unit> ;") + force(),
        )
    ],
    "rx:from": [
        Probe(
            BARE + "[] a rx:Disruption ; rx:to <urn:x:r> ; rx:degree 0.8 .",
            BARE + "[] a rx:Disruption ; rx:from <urn:x:change> ; rx:to <urn:x:r> ; rx:degree 0.8 .",
            expect="appears",
        )
    ],
    "rx:to": [
        Probe(
            BARE + "[] a rx:Disruption ; rx:from <urn:x:change> ; rx:degree 0.8 .",
            BARE + "[] a rx:Disruption ; rx:from <urn:x:change> ; rx:to <urn:x:r> ; rx:degree 0.8 .",
            expect="appears",
        )
    ],
    "rx:task": [
        Probe(
            BARE + "<urn:x:q> a rx:Role . [] a rx:TaskReallocation ; rx:from <urn:x:q> ; rx:to <urn:x:q2> . "
            "<urn:x:q2> a rx:Role .",
            BARE + "<urn:x:q> a rx:Role . [] a rx:TaskReallocation ; rx:from <urn:x:q> ; rx:to <urn:x:q2> ; "
            "rx:task <urn:x:r> . <urn:x:q2> a rx:Role .",
            expect="appears",
        )
    ],
    # Raising context
    "rx:workload": [
        Probe(BASE + "<urn:x:p> rx:workload 0.1 .", BASE + "<urn:x:p> rx:workload 0.9 ."),
        Probe(
            BASE + "<urn:x:unit> rx:workload 0.1 .",
            BASE + "<urn:x:unit> rx:workload 0.9 .",
            note="a unit's reaches its members",
        ),
    ],
    "rx:changeFatigue": [
        Probe(BASE + "<urn:x:p> rx:changeFatigue 0.1 .", BASE + "<urn:x:p> rx:changeFatigue 0.9 ."),
        Probe(BASE + "<urn:x:unit> rx:changeFatigue 0.1 .", BASE + "<urn:x:unit> rx:changeFatigue 0.9 ."),
    ],
    "rx:dispositionalResistance": [
        Probe(BASE + "<urn:x:p> rx:dispositionalResistance 0.1 .", BASE + "<urn:x:p> rx:dispositionalResistance 0.9 .")
    ],
    "rx:complexity": [Probe(BASE + "<urn:x:change> rx:complexity 0.1 .", BASE + "<urn:x:change> rx:complexity 0.9 .")],
    "rx:runsConcurrentlyWith": [
        Probe(
            BASE + "<urn:x:i> a rx:Initiative .",
            BASE + "<urn:x:i> a rx:Initiative ; rx:runsConcurrentlyWith <urn:x:change> .",
        )
    ],
    "rx:Initiative": [
        Probe(
            BASE + "<urn:x:i> rx:runsConcurrentlyWith <urn:x:change> .",
            BASE + "<urn:x:i> a rx:Initiative ; rx:runsConcurrentlyWith <urn:x:change> .",
        )
    ],
    "rx:backedBy": [
        Probe(
            norm("regulative", extra="<urn:x:b> a rx:ExternalBody ; rx:formalAuthority 0.9 ."),
            norm(
                "regulative",
                extra="<urn:x:b> a rx:ExternalBody ; rx:formalAuthority 0.9 . <urn:x:n> rx:backedBy <urn:x:b> .",
            ),
        )
    ],
    "rx:issuedBy": [
        Probe(
            norm("regulative", extra="<urn:x:b> a rx:ExternalBody ; rx:formalAuthority 0.9 ."),
            norm(
                "regulative",
                extra="<urn:x:b> a rx:ExternalBody ; rx:formalAuthority 0.9 . <urn:x:n> rx:issuedBy <urn:x:b> .",
            ),
        )
    ],
    # Lowering context
    "rx:readiness": [
        Probe(BASE + "<urn:x:p> rx:readiness 0.1 .", BASE + "<urn:x:p> rx:readiness 0.9 .", expect="down"),
        Probe(
            BASE,
            BASE + "<urn:x:p> rx:readiness 0.1 .",
            expect="up",
            note="a low stated readiness is evidence for resistance",
        ),
    ],
    "rx:tensionForChange": [
        Probe(
            BASE + "<urn:x:unit> rx:tensionForChange 0.1 .",
            BASE + "<urn:x:unit> rx:tensionForChange 0.9 .",
            expect="down",
        )
    ],
    "rx:absorptiveCapacity": [
        Probe(
            BASE + "<urn:x:unit> rx:absorptiveCapacity 0.1 .",
            BASE + "<urn:x:unit> rx:absorptiveCapacity 0.9 .",
            expect="down",
        )
    ],
    "rx:resourceAdequacy": [
        Probe(
            BASE + "<urn:x:change> rx:resourceAdequacy 0.1 .",
            BASE + "<urn:x:change> rx:resourceAdequacy 0.9 .",
            expect="down",
        ),
        Probe(
            BASE + "<urn:x:unit> rx:resourceAdequacy 0.1 .",
            BASE + "<urn:x:unit> rx:resourceAdequacy 0.9 .",
            expect="down",
        ),
        Probe(
            BASE + "<urn:x:i> a rx:Initiative ; rx:runsConcurrentlyWith <urn:x:change> ; rx:resourceAdequacy 0.1 .",
            BASE + "<urn:x:i> a rx:Initiative ; rx:runsConcurrentlyWith <urn:x:change> ; rx:resourceAdequacy 0.9 .",
            expect="down",
        ),
    ],
    "rx:attitude": [
        Probe(
            BASE + "[] a rx:Stance ; rx:from <urn:x:p> ; rx:to <urn:x:change> ; rx:attitude -0.5 .",
            BASE + "[] a rx:Stance ; rx:from <urn:x:p> ; rx:to <urn:x:change> ; rx:attitude 0.5 .",
            expect="down",
        ),
        Probe(
            BASE + "[] a rx:Stance ; rx:from <urn:x:unit> ; rx:to <urn:x:change> ; rx:attitude -0.5 .",
            BASE + "[] a rx:Stance ; rx:from <urn:x:unit> ; rx:to <urn:x:change> ; rx:attitude 0.5 .",
            expect="down",
            note="a unit's stance reaches its members",
        ),
    ],
    "rx:Stance": [
        Probe(
            BASE, BASE + "[] a rx:Stance ; rx:from <urn:x:p> ; rx:to <urn:x:change> ; rx:attitude -0.8 .", expect="up"
        ),
        Probe(
            BASE, BASE + "[] a rx:Stance ; rx:from <urn:x:p> ; rx:to <urn:x:change> ; rx:attitude 0.8 .", expect="down"
        ),
        Probe(
            norm(
                "regulative",
                extra="<urn:x:b> a rx:ExternalBody ; rx:formalAuthority 0.9 . <urn:x:n> rx:backedBy <urn:x:b> .",
            ),
            norm(
                "regulative",
                extra="<urn:x:b> a rx:ExternalBody ; rx:formalAuthority 0.9 . <urn:x:n> rx:backedBy <urn:x:b> . "
                "[] a rx:Stance ; rx:from <urn:x:b> ; rx:to <urn:x:change> ; rx:attitude 0.8 .",
            ),
            expect="down",
            note="a body that supports the change lends the norm it backs less weight",
        ),
    ],
    "rx:relativeAdvantage": [
        Probe(
            BASE + "<urn:x:change> rx:relativeAdvantage -0.5 .",
            BASE + "<urn:x:change> rx:relativeAdvantage 0.5 .",
            expect="down",
        )
    ],
    "rx:compatibility": [
        Probe(
            BASE + "<urn:x:change> rx:compatibility -0.5 .",
            BASE + "<urn:x:change> rx:compatibility 0.5 .",
            expect="down",
        )
    ],
    "rx:trialability": [
        Probe(
            BASE + "<urn:x:change> rx:trialability 0.1 .", BASE + "<urn:x:change> rx:trialability 0.9 .", expect="down"
        )
    ],
    "rx:observability": [
        Probe(
            BASE + "<urn:x:change> rx:observability 0.1 .",
            BASE + "<urn:x:change> rx:observability 0.9 .",
            expect="down",
        )
    ],
    "rx:lateralSupport": [
        Probe(
            BASE + "<urn:x:peer> a rx:Unit .",
            BASE + "<urn:x:peer> a rx:Unit . <urn:x:unit> rx:lateralSupport <urn:x:peer> .",
            expect="down",
        )
    ],
    "rx:adoptedBy": [
        Probe(
            BASE + "<urn:x:peer> a rx:Unit ; rx:lateralSupport <urn:x:unit> .",
            BASE
            + "<urn:x:peer> a rx:Unit ; rx:lateralSupport <urn:x:unit> . <urn:x:change> rx:adoptedBy <urn:x:peer> .",
            expect="down",
        ),
        Probe(
            BASE + "<urn:x:sib> a rx:Unit ; org:unitOf <urn:x:org> .",
            BASE + "<urn:x:sib> a rx:Unit ; org:unitOf <urn:x:org> . <urn:x:change> rx:adoptedBy <urn:x:sib> .",
            expect="down",
            note="a unit of the same organisation",
        ),
    ],
    "rx:feedsBackDataTo": [Probe(BASE, BASE + "<urn:x:change> rx:feedsBackDataTo <urn:x:unit> .", expect="down")],
    "rx:alignsWith": [
        Probe(
            BASE + "<urn:x:n2> a rx:Norm . <urn:x:p> rx:subscribesTo <urn:x:n2> .",
            BASE
            + "<urn:x:n2> a rx:Norm . <urn:x:p> rx:subscribesTo <urn:x:n2> . <urn:x:change> rx:alignsWith <urn:x:n2> .",
            expect="down",
        )
    ],
    "rx:HybridLeader": [Probe(BASE + LEADER, BASE + LEADER + "<urn:x:lead> a rx:HybridLeader .", expect="down")],
    "rx:OpinionLeader": [Probe(BASE + LEADER, BASE + LEADER + "<urn:x:lead> a rx:OpinionLeader .", expect="down")],
    # Depending on the value or another input
    "rx:pillar": [
        Probe(
            norm("regulative", 0.1),
            norm("culturalCognitive", 0.1),
            expect="up",
            note="taken for granted where nothing is written",
        ),
        Probe(norm("culturalCognitive", 0.9), norm("regulative", 0.9), expect="up", note="a written rule"),
    ],
    "rx:formality": [
        Probe(norm("regulative", 0.1), norm("regulative", 0.9), expect="up"),
        Probe(norm("culturalCognitive", 0.1), norm("culturalCognitive", 0.9), expect="down"),
        Probe(norm("normative", 0.1), norm("normative", 0.9), expect="same"),
    ],
    "rx:normKind": [
        Probe(
            swap(norm("regulative"), "<urn:x:p> rx:roleKind rx:clinicalRole .", "")
            + "<urn:x:change> rx:sponsorshipMode rx:topDown . <urn:x:n> rx:normKind rx:regulation .",
            swap(norm("regulative"), "<urn:x:p> rx:roleKind rx:clinicalRole .", "")
            + "<urn:x:change> rx:sponsorshipMode rx:topDown . <urn:x:n> rx:normKind rx:professionalNorm .",
        )
    ],
    "rx:bodyKind": [
        Probe(
            norm(
                "regulative",
                extra="<urn:x:change> rx:sponsorshipMode rx:topDown . <urn:x:b> a rx:ExternalBody ; "
                "rx:bodyKind rx:bodyGovernment . <urn:x:n> rx:backedBy <urn:x:b> .",
            ),
            norm(
                "regulative",
                extra="<urn:x:change> rx:sponsorshipMode rx:topDown . <urn:x:b> a rx:ExternalBody ; "
                "rx:bodyKind rx:bodyProfessional . <urn:x:n> rx:backedBy <urn:x:b> .",
            ),
        )
    ],
    "rx:sponsorshipMode": [
        Probe(norm(), norm(extra="<urn:x:change> rx:sponsorshipMode rx:topDown ."), expect="up"),
        Probe(norm(), norm(extra="<urn:x:change> rx:sponsorshipMode rx:professionallyLed ."), expect="down"),
        Probe(norm(), norm(extra="<urn:x:change> rx:sponsorshipMode rx:grassroots ."), expect="down"),
        Probe(
            norm(extra="<urn:x:change> rx:sponsorshipMode rx:topDown ."),
            norm(extra="<urn:x:change> rx:sponsorshipMode rx:topDown, rx:professionallyLed ."),
            expect="down",
            note="mixed modes",
        ),
        Probe(
            BASE,
            BASE + "<urn:x:change> rx:sponsorshipMode rx:topDown .",
            expect="same",
            note="no professional norm or jurisdiction at stake",
        ),
    ],
    "rx:divergence": [
        Probe(
            norm(extra="<urn:x:change> rx:divergence 0.1 ."),
            norm(extra="<urn:x:change> rx:divergence 0.9 ."),
            expect="up",
        )
    ],
    "rx:ledBy": [
        Probe(
            BASE
            + UNDECIDED
            + "<urn:x:agent> a rx:Role . [] a rx:InfluenceTie ; rx:from <urn:x:agent> ; rx:to <urn:x:p> ; "
            "rx:strength 0.9 .",
            BASE
            + UNDECIDED
            + "<urn:x:agent> a rx:Role . [] a rx:InfluenceTie ; rx:from <urn:x:agent> ; rx:to <urn:x:p> ; "
            "rx:strength 0.9 . <urn:x:change> rx:ledBy <urn:x:agent> .",
            expect="down",
            note="an undecided contact of the change agent",
        ),
        Probe(
            BASE,
            BASE + "<urn:x:change> rx:ledBy <urn:x:p> .",
            expect="vanishes",
            note="the change agent is not a point",
        ),
    ],
    "rx:sponsoredBy": [Probe(BASE, BASE + "<urn:x:change> rx:sponsoredBy <urn:x:p> .", expect="vanishes")],
    "rx:spreadLogic": [
        Probe(BASE, BASE + "<urn:x:change> rx:spreadLogic rx:mechanisticLogic .", expect="up"),
        Probe(BASE, BASE + "<urn:x:change> rx:spreadLogic rx:ecologicalLogic .", expect="down"),
    ],
    "rx:roleKind": [
        Probe(
            norm(extra="<urn:x:change> rx:sponsorshipMode rx:topDown .").replace(
                "rx:clinicalRole", "rx:administrativeRole"
            ),
            norm(extra="<urn:x:change> rx:sponsorshipMode rx:topDown ."),
            expect="up",
            note="clinical: a professional",
        ),
        Probe(
            BASE + LEADER + "<urn:x:lead> rx:roleKind rx:clinicalRole .",
            BASE + LEADER + "<urn:x:lead> rx:roleKind rx:clinicalRole, rx:managerialRole .",
            expect="down",
            note="clinical and managerial: a hybrid leader",
        ),
    ],
    "rx:interdependenceType": [
        Probe(
            NEIGHBOUR
            + "[] a rx:Interdependency ; rx:from <urn:x:r> ; rx:to <urn:x:r3> ; rx:interdependenceType rx:pooled ; "
            "rx:strength 0.9 .",
            NEIGHBOUR + "[] a rx:Interdependency ; rx:from <urn:x:r> ; rx:to <urn:x:r3> ; "
            "rx:interdependenceType rx:reciprocal ; rx:strength 0.9 .",
            point="urn:x:q",
        )
    ],
    "rx:strength": [
        Probe(
            NEIGHBOUR + "[] a rx:Interdependency ; rx:from <urn:x:r> ; rx:to <urn:x:r3> ; "
            "rx:interdependenceType rx:reciprocal ; rx:strength 0.3 .",
            NEIGHBOUR + "[] a rx:Interdependency ; rx:from <urn:x:r> ; rx:to <urn:x:r3> ; "
            "rx:interdependenceType rx:reciprocal ; rx:strength 0.9 .",
            point="urn:x:q",
        ),
        Probe(swap(norm(), "rx:strength 0.7", "rx:strength 0.2"), norm()),
        Probe(
            BASE + OPPONENT + "[] a rx:InfluenceTie ; rx:from <urn:x:boss> ; rx:to <urn:x:p> ; rx:strength 0.2 .",
            BASE + OPPONENT + "[] a rx:InfluenceTie ; rx:from <urn:x:boss> ; rx:to <urn:x:p> ; rx:strength 0.9 .",
            note="an opponent's pull",
        ),
    ],
    "rx:influence": [
        Probe(
            BASE + OPPONENT + "<urn:x:boss> rx:influence 0.1 ; rx:influences <urn:x:p> .",
            BASE + OPPONENT + "<urn:x:boss> rx:influence 0.9 ; rx:influences <urn:x:p> .",
        ),
        Probe(
            norm(extra="<urn:x:b> a rx:ExternalBody ; rx:influence 0.1 . <urn:x:n> rx:backedBy <urn:x:b> ."),
            norm(extra="<urn:x:b> a rx:ExternalBody ; rx:influence 0.9 . <urn:x:n> rx:backedBy <urn:x:b> ."),
        ),
    ],
    "rx:formalAuthority": [
        Probe(
            BASE + OPPONENT + "<urn:x:boss> rx:formalAuthority 0.1 . <urn:x:p> org:reportsTo <urn:x:boss> .",
            BASE + OPPONENT + "<urn:x:boss> rx:formalAuthority 0.9 . <urn:x:p> org:reportsTo <urn:x:boss> .",
        ),
        Probe(
            norm(
                "regulative",
                extra="<urn:x:b> a rx:ExternalBody ; rx:formalAuthority 0.1 . <urn:x:n> rx:backedBy <urn:x:b> .",
            ),
            norm(
                "regulative",
                extra="<urn:x:b> a rx:ExternalBody ; rx:formalAuthority 0.9 . <urn:x:n> rx:backedBy <urn:x:b> .",
            ),
        ),
    ],
    "rx:direction": [
        Probe(BASE, BASE + force(d="restraining"), expect="up"),
        Probe(BASE, BASE + force(d="driving"), expect="down"),
    ],
    "rx:magnitude": [
        Probe(BASE + force(m=0.1), BASE + force(m=0.9), expect="up"),
        Probe(BASE + force(d="driving", m=0.1), BASE + force(d="driving", m=0.9), expect="down"),
    ],
    "rx:ForceInfluence": [
        Probe(
            BASE + "<urn:x:f> a rx:ExternalForce .",
            BASE + force("urn:x:change"),
            expect="up",
            note="a force on the change",
        ),
        Probe(
            BASE + "<urn:x:f> a rx:ExternalForce .",
            BASE + force("urn:x:r"),
            expect="up",
            note="a force on a routine they carry",
        ),
    ],
    "rx:influences": [Probe(BASE + OPPONENT, BASE + OPPONENT + "<urn:x:boss> rx:influences <urn:x:p> .")],
    "rx:advises": [Probe(BASE + OPPONENT, BASE + OPPONENT + "<urn:x:boss> rx:advises <urn:x:p> .")],
    "rx:InfluenceTie": [
        Probe(
            BASE + OPPONENT,
            BASE + OPPONENT + "[] a rx:InfluenceTie ; rx:from <urn:x:boss> ; rx:to <urn:x:p> ; rx:strength 0.8 .",
        )
    ],
    "org:reportsTo": [
        Probe(
            BASE + OPPONENT + "<urn:x:boss> rx:formalAuthority 0.8 .",
            BASE + OPPONENT + "<urn:x:boss> rx:formalAuthority 0.8 . <urn:x:p> org:reportsTo <urn:x:boss> .",
        )
    ],
    # Scope
    "rx:hasComponent": [
        Probe(
            BARE + "<urn:x:part> a rx:ChangeComponent ; rx:disrupts <urn:x:r> .",
            BARE + "<urn:x:part> a rx:ChangeComponent ; rx:disrupts <urn:x:r> . "
            "<urn:x:change> rx:hasComponent <urn:x:part> .",
            expect="appears",
        )
    ],
    "rx:ChangeComponent": [
        Probe(
            BARE + "<urn:x:part> rx:disrupts <urn:x:r> . <urn:x:change> rx:hasComponent <urn:x:part> .",
            BARE + "<urn:x:part> a rx:ChangeComponent ; rx:disrupts <urn:x:r> . "
            "<urn:x:change> rx:hasComponent <urn:x:part> .",
            expect="appears",
        )
    ],
    "rx:rolledOutTo": [
        Probe(
            BASE + "<urn:x:u2> a rx:Unit .",
            BASE + "<urn:x:u2> a rx:Unit . <urn:x:change> rx:rolledOutTo <urn:x:u2> .",
            expect="vanishes",
        ),
        Probe(BASE, BASE + "<urn:x:change> rx:rolledOutTo <urn:x:unit> .", expect="same"),
    ],
    "rx:withRespectTo": [
        Probe(
            BASE + force() + "<urn:x:other> a rx:ChangeProposal .",
            BASE + force(extra="; rx:withRespectTo <urn:x:other> ") + "<urn:x:other> a rx:ChangeProposal .",
            expect="down",
            note="a force about another change stops counting",
        )
    ],
    "rx:byChange": [
        Probe(
            BASE + "<urn:x:q> a rx:Role . [] a rx:TaskReallocation ; rx:from <urn:x:p> ; rx:to <urn:x:q> .",
            BASE + "<urn:x:q> a rx:Role . <urn:x:other> a rx:ChangeProposal . [] a rx:TaskReallocation ; "
            "rx:from <urn:x:p> ; rx:to <urn:x:q> ; rx:byChange <urn:x:other> .",
            expect="down",
        )
    ],
    # Confidence and people
    "rx:confidence": [
        Probe(
            # Mid-scale, where a stated value's spread is not cut off by the end of its scale.
            BASE + "<urn:x:p> rx:workload 0.6 ; rx:confidence 0.1 .",
            BASE + "<urn:x:p> rx:workload 0.6 ; rx:confidence 1.0 .",
            expect="narrower",
        )
    ],
    "rx:bearsOn": [
        Probe(
            BASE + "<urn:x:f> a rx:ExternalForce .",
            BASE + "<urn:x:f> a rx:ExternalForce ; rx:bearsOn <urn:x:unit> .",
            expect="missing:direction of a force",
        )
    ],
    "rx:headcount": [
        Probe(
            BASE + "<urn:x:q> a rx:Role ; rx:performs <urn:x:r> ; rx:workload 0.1 . <urn:x:p> rx:workload 0.9 .",
            BASE + "<urn:x:q> a rx:Role ; rx:performs <urn:x:r> ; rx:workload 0.1 . <urn:x:p> rx:workload 0.9 ; "
            "rx:headcount 5 .",
            expect="figure-up",
            note="more of the more resistant people",
        )
    ],
    # Not used
    **{
        term: [
            Probe(
                BASE + "<urn:x:f> a rx:ExternalForce . <urn:x:b> a rx:ExternalBody . <urn:x:s> a rx:SourceRecord .",
                BASE
                + "<urn:x:f> a rx:ExternalForce . <urn:x:b> a rx:ExternalBody . <urn:x:s> a rx:SourceRecord . "
                + extra,
                expect="same",
            )
        ]
        for term, extra in {
            "rx:forceKind": "<urn:x:f> rx:forceKind rx:forceMedia .",
            "rx:exertedBy": "<urn:x:f> rx:exertedBy <urn:x:b> .",
            "rx:sourceKind": "<urn:x:s> rx:sourceKind rx:interviewSource .",
            "rx:level": "<urn:x:p> rx:level rx:macro . <urn:x:unit> rx:level rx:micro .",
            "rx:canvasX": "<urn:x:p> rx:canvasX 120.5 .",
            "rx:canvasY": "<urn:x:p> rx:canvasY -40 .",
            "rx:order": "<urn:x:p> rx:order 3 .",
            "org:holds": "<urn:x:post> a <http://www.w3.org/ns/org#Post> . <urn:x:p> org:holds <urn:x:post> .",
            "org:linkedTo": "<urn:x:peer> a rx:Unit . <urn:x:unit> org:linkedTo <urn:x:peer> .",
            # Scenario bookkeeping, even when a hand-made file puts it in the map graph.
            "rx:addedGraph": "<urn:x:s1> a rx:Scenario ; rx:addedGraph <urn:x:g1> .",
            "rx:removedGraph": "<urn:x:s1> a rx:Scenario ; rx:removedGraph <urn:x:g2> .",
            "rx:shownScenario": "<urn:x:g0> rx:shownScenario <urn:x:s1> .",
            "rx:trial": "<urn:x:s1> a rx:Scenario ; rx:trial true .",
        }.items()
    },
}


def _ontology() -> Graph:
    graph = Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    return graph


ANNOTATED = None


def annotated() -> dict:
    global ANNOTATED
    if ANNOTATED is None:
        graph = _ontology()
        ANNOTATED = {_curie(s): o for s, o in graph.subject_objects(URIRef(RX + "analysisEffect"))}
    return ANNOTATED


def _curie(term) -> str:
    text = str(term)
    for prefix, ns in (("rx", RX), ("org", "http://www.w3.org/ns/org#"), ("prov", "http://www.w3.org/ns/prov#")):
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns) :]}"
    return text


#: The analysis results' own vocabulary (what a run writes), not something a map states.
RESULTS = {
    "rx:analysedChange",
    "rx:parameter",
    "rx:hasPoint",
    "rx:concerns",
    "rx:hasReason",
    "rx:evidence",
    "rx:rank",
    "rx:score",
    "rx:restrainingSum",
    "rx:drivingSum",
    "rx:stability",
    "rx:missingInput",
    "rx:contribution",
    "rx:mechanism",
    "rx:likelihood",
    "rx:likelihoodLow",
    "rx:likelihoodHigh",
    "rx:rankLow",
    "rx:rankHigh",
    "rx:reasonKind",
    "rx:exposedShare",
    "rx:exposedShareLow",
    "rx:exposedShareHigh",
    "rx:peopleExposed",
    "rx:peopleLikelyToResist",
    "rx:peopleLikelyToResistLow",
    "rx:peopleLikelyToResistHigh",
    "rx:hasLever",
    "rx:leverEffect",
}


def test_every_property_a_map_can_state_is_marked_with_its_effect_on_the_analysis():
    graph = _ontology()
    properties = {
        _curie(p)
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in graph.subjects(RDF.type, kind)
        if str(p).startswith(RX)
    }
    unmarked = sorted(properties - RESULTS - set(annotated()))
    assert not unmarked, f"mark these in ontology/analysis-inputs.ttl: {unmarked}"
    assert not (RESULTS & set(annotated())), "the results' own vocabulary is not an input"


def test_every_mark_has_a_probe_and_every_probe_a_mark():
    assert sorted(set(annotated()) - set(PROBES)) == [], "an input without a probe here is an untested claim"
    assert sorted(set(PROBES) - set(annotated())) == [], "a probe for a term the ontology does not mark"


EXPECTED = {
    "transgressionEffect": {"up", "appears"},
    "raisingEffect": {"up"},
    "loweringEffect": {"down"},
    "carryingEffect": {"up", "appears"},
    "scopeEffect": None,
    "dependingEffect": None,
    "confidenceEffect": {"narrower", "missing"},
    "peopleEffect": {"figure-up"},
    "noEffect": {"same"},
}


def test_each_probe_checks_what_its_mark_promises():
    for term, probes in PROBES.items():
        effect = str(annotated()[term]).rsplit("#", 1)[-1]
        allowed = EXPECTED[effect]
        if allowed is None:
            continue  # its use names the directions, and its probes show each
        for probe in probes:
            kind = probe.expect.split(":", 1)[0]
            assert kind in allowed or (effect == "loweringEffect" and probe.note), (
                f"{term} ({effect}) probed as {probe.expect}"
            )


def _analyse(text: str, runs: int = 0):
    # Some probes draw a person: list them, to see the input move their point.
    return analyse_change(
        map_graph_from_text(PREFIXES + text), URIRef("urn:x:change"), runs=runs, levers=False, seed=3, name_people=True
    )


def _point(result, iri):
    found = [p for p in result.points if str(p.node) == iri and p.role in ("carrier", "collective")]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("term", "probe"),
    [(t, p) for t, ps in PROBES.items() for p in ps],
    ids=[f"{t}-{i}" for t, ps in PROBES.items() for i, _ in enumerate(ps)],
)
def test_the_input_moves_the_result_as_marked(term, probe):
    runs = 60 if probe.expect == "narrower" else 0
    before, after = _analyse(probe.before, runs), _analyse(probe.after, runs)
    a, b = _point(before, probe.point), _point(after, probe.point)
    kind = probe.expect.split(":", 1)[0]
    if kind == "appears":
        assert a is None and b is not None and b.score > 0, term
    elif kind == "vanishes":
        assert a is not None and b is None, term
    elif kind == "figure-up":
        assert after.figure.value > before.figure.value, term
    elif kind == "missing":
        assert probe.expect.split(":", 1)[1] in " ".join(b.missing) and probe.expect.split(":", 1)[1] not in " ".join(
            a.missing
        ), term
    elif kind == "narrower":
        assert (b.likelihood_high - b.likelihood_low) < (a.likelihood_high - a.likelihood_low), term
        assert b.score == pytest.approx(a.score), term
    else:
        assert a is not None and b is not None, f"{term}: the point is missing ({a}, {b})"
        if kind == "up":
            assert b.score > a.score + 1e-12, f"{term}: {a.score} -> {b.score} ({probe.note})"
        elif kind == "down":
            assert b.score < a.score - 1e-12, f"{term}: {a.score} -> {b.score} ({probe.note})"
        else:
            assert b.score == pytest.approx(a.score, rel=1e-12, abs=1e-12), f"{term}: {a.score} -> {b.score}"
            assert after.figure.value == pytest.approx(before.figure.value, rel=1e-12, abs=1e-12)
