"""The sample maps: header pattern, IRIs, size, levels, content, and the Michigan/England contrast."""

from __future__ import annotations

from statistics import mean

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, VOID
from support.ontology import RX, ontology, sample, sample_path

SIZES = {"video-consultations-gp": (20, 40)}
DEFAULT_SIZE = (40, 150)
BASE = "https://w3id.org/routine-explorer/sample/"


def _tie_classes():
    g = ontology()
    return set(g.transitive_subjects(RDFS.subClassOf, RX.QualifiedTie))


def _nodes(g):
    """Things drawn as nodes: subjects typed with an rx class that is not a qualified tie."""
    ties = _tie_classes()
    return {s for s, o in g.subject_objects(RDF.type) if str(o).startswith(str(RX)) and o not in ties}


def test_file_begins_with_the_map_description(sample_name):
    text = sample_path(sample_name).read_text(encoding="utf-8")
    body = [line for line in text.splitlines() if line.strip() and not line.startswith(("#", "@prefix"))]
    iri = f"{BASE}{sample_name}/"
    assert body[0] == f"<{iri}> a void:Dataset ;"
    g = sample(sample_name)
    ds = URIRef(iri)
    assert g.value(ds, VOID.uriSpace) == Literal(iri)
    assert g.value(ds, DCTERMS.title) is not None
    assert 20 < len(str(g.value(ds, DCTERMS.description))) < 160


def test_all_node_iris_live_under_the_uri_space(sample_name):
    g = sample(sample_name)
    space = f"{BASE}{sample_name}/"
    subjects = {s for s in g.subjects() if isinstance(s, URIRef)}
    assert all(str(s).startswith(space) for s in subjects), sorted(s for s in subjects if not str(s).startswith(space))
    objects = {o for o in g.objects() if isinstance(o, URIRef) and str(o).startswith(BASE)}
    assert all(str(o).startswith(space) for o in objects)
    # every map IRI used as an object is described in the map
    assert {o for o in objects if o != URIRef(space)} <= subjects


def test_size(sample_name):
    lo, hi = SIZES.get(sample_name, DEFAULT_SIZE)
    assert lo <= len(_nodes(sample(sample_name))) <= hi


def test_spans_three_levels(sample_name):
    g = sample(sample_name) + ontology()
    levels = set()
    for n in _nodes(g):
        own = g.value(n, RX.level)
        if own is not None:
            levels.add(own)
            continue
        for cls in g.objects(n, RDF.type):
            if g.value(cls, RX.defaultLevel) is not None:
                levels.add(g.value(cls, RX.defaultLevel))
    assert {RX.micro, RX.meso, RX.macro} <= levels


def test_holds_the_required_content(sample_name):
    g = sample(sample_name)
    assert set(g.subjects(RDF.type, RX.Role))
    assert set(g.subjects(RDF.type, RX.Unit))
    assert set(g.subjects(RDF.type, RX.Routine))
    assert set(g.subjects(RDF.type, RX.Interdependency))
    norms = set(g.subjects(RDF.type, RX.Norm))
    assert norms and all(g.value(n, RX.pillar) is not None for n in norms)
    assert set(g.subjects(RDF.type, RX.ExternalForce))
    assert set(g.subjects(RDF.type, RX.ExternalBody))
    changes = list(g.subjects(RDF.type, RX.ChangeProposal))
    assert len(changes) == 1
    change = changes[0]
    assert g.value(change, RX.sponsorshipMode) is not None
    assert set(g.objects(change, RX.violates)) and set(g.objects(change, RX.alignsWith))
    disrupted = set(g.objects(change, RX.disrupts))
    tie_disrupted = {g.value(t, RX.to) for t in g.subjects(RDF.type, RX.Disruption) if g.value(t, RX["from"]) == change}
    assert disrupted and disrupted == tie_disrupted  # shortcut and qualified ties agree
    stances = [t for t in g.subjects(RDF.type, RX.Stance) if g.value(t, RX.to) == change]
    assert len(stances) >= 3
    assert {g.value(t, RX.direction) for t in g.subjects(RDF.type, RX.ForceInfluence)} <= {RX.driving, RX.restraining}


def test_no_named_people(sample_name):
    g = sample(sample_name)
    assert not set(g.subjects(RDF.type, RX.Person))
    assert not set(g.subjects(RDF.type, FOAF.Person))
    assert not set(g.objects(None, FOAF.name))


def test_same_intervention_in_michigan_and_england():
    mi, en = sample("keystone-michigan"), sample("matching-michigan-england")
    mc = next(mi.subjects(RDF.type, RX.ChangeProposal))
    ec = next(en.subjects(RDF.type, RX.ChangeProposal))
    for p in (
        RX.divergence,
        RX.relativeAdvantage,
        RX.compatibility,
        RX.complexity,
        RX.trialability,
        RX.observability,
        RX.resourceAdequacy,
    ):
        assert mi.value(mc, p) == en.value(ec, p), p

    def local(g, c, p):
        return sorted(str(o).rsplit("/", 1)[-1] for o in g.objects(c, p))

    for p in (RX.disrupts, RX.hasComponent, RX.introduces):
        assert local(mi, mc, p) == local(en, ec, p)


def test_england_context_carries_the_resistance_mechanisms():
    """What the map says, not special-casing: each mechanism input is worse in England."""
    mi, en = sample("keystone-michigan"), sample("matching-michigan-england")
    mc = next(mi.subjects(RDF.type, RX.ChangeProposal))
    ec = next(en.subjects(RDF.type, RX.ChangeProposal))
    assert mi.value(mc, RX.sponsorshipMode) == RX.professionallyLed
    assert en.value(ec, RX.sponsorshipMode) == RX.topDown
    assert len(set(en.objects(ec, RX.runsConcurrentlyWith))) > len(set(mi.objects(mc, RX.runsConcurrentlyWith)))

    def lateral(g):
        return len({frozenset((s, o)) for s, o in g.subject_objects(RX.lateralSupport)})

    assert lateral(mi) >= 3 * lateral(en)

    def units(g, c):
        return list(g.objects(c, RX.rolledOutTo))

    def fatigue(g, c):
        return mean(float(g.value(u, RX.changeFatigue)) for u in units(g, c))

    def ready(g, c):
        return mean(float(g.value(u, RX.readiness)) for u in units(g, c))

    assert fatigue(en, ec) > fatigue(mi, mc) and ready(en, ec) < ready(mi, mc)
    assert len(set(mi.objects(mc, RX.feedsBackDataTo))) > len(set(en.objects(ec, RX.feedsBackDataTo)))
    assert len(set(mi.objects(mc, RX.adoptedBy))) > len(set(en.objects(ec, RX.adoptedBy)))
    assert set(mi.subjects(RDF.type, RX.OpinionLeader)) and not set(en.subjects(RDF.type, RX.OpinionLeader))
    punitive = [
        n
        for n in en.subjects(RDF.type, RX.Norm)
        if en.value(n, RX.pillar) == RX.regulative and float(en.value(n, RX.sanctionSeverity) or 0) >= 0.7
    ]
    assert punitive


def test_uncertain_facts_carry_lower_confidence(sample_name):
    g = sample(sample_name)
    values = [float(o) for o in g.objects(None, RX.confidence)]
    assert values and min(values) <= 0.6
