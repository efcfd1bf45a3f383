"""The ontology, schemes and presentation annotations: parse, consistency, documentation."""

from __future__ import annotations

import re
import subprocess
import sys

import owlrl
import pyshacl
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import ORG, OWL, RDF, RDFS, SH, SKOS
from support.ontology import ROOT, RX, ontology, presentation, sample, schemes, shapes, vocabulary

ERRNS = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
RX_IRI = str(RX)


def _rx_terms(g: Graph, *types: URIRef) -> set[URIRef]:
    return {s for t in types for s in g.subjects(RDF.type, t) if isinstance(s, URIRef) and str(s).startswith(RX_IRI)}


def _owlrl_errors(g: Graph) -> list[str]:
    closure = Graph()
    closure += g
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    errors = [str(m) for m in closure.objects(None, ERRNS.error)]
    errors += [f"{s} is a member of owl:Nothing" for s in closure.subjects(RDF.type, OWL.Nothing)]
    return errors


def test_header_has_version():
    g = ontology()
    onto = URIRef("https://w3id.org/routine-explorer/ns")
    assert (onto, RDF.type, OWL.Ontology) in g
    assert g.value(onto, OWL.versionInfo) == Literal("0.1.0")
    assert g.value(onto, OWL.versionIRI) == URIRef("https://w3id.org/routine-explorer/ns/0.1.0")


def test_owl_rl_closure_of_vocabulary_is_consistent():
    assert _owlrl_errors(vocabulary()) == []


def test_owl_rl_closure_of_each_sample_is_consistent(sample_name):
    g = ontology() + schemes() + sample(sample_name)
    assert _owlrl_errors(g) == []


def test_owl_rl_detects_a_contradiction():
    """The check above can fail: a node that is both a routine and a norm is caught."""
    g = ontology() + schemes()
    x = URIRef("https://example.org/map/x")
    g.add((x, RDF.type, RX.Routine))
    g.add((x, RDF.type, RX.Norm))
    assert _owlrl_errors(g), "owlrl should report the disjoint classes"


def test_owl_rl_types_the_end_of_a_tie():
    """A Role at the 'from' end of an interdependency is inferred to be a Routine: a contradiction."""
    g = ontology() + schemes()
    tie, role, routine = (URIRef(f"https://example.org/map/{n}") for n in ("tie", "role", "routine"))
    g.add((tie, RDF.type, RX.Interdependency))
    g.add((tie, RX["from"], role))
    g.add((tie, RX.to, routine))
    g.add((role, RDF.type, RX.Role))
    assert _owlrl_errors(g)


def test_hybrid_leader_is_inferred_from_role_kinds():
    g = ontology() + schemes() + sample("video-consultations-gp")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    leaders = set(g.subjects(RDF.type, RX.HybridLeader))
    base = "https://w3id.org/routine-explorer/sample/video-consultations-gp/role/"
    assert leaders == {URIRef(base + "gp-partner")}


def test_every_class_and_property_has_english_label_and_comment():
    g = vocabulary()
    terms = _rx_terms(g, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    assert len(terms) > 60
    missing = []
    for t in sorted(terms):
        labels = [o for o in g.objects(t, RDFS.label) if isinstance(o, Literal) and o.language == "en"]
        comments = [o for o in g.objects(t, RDFS.comment) if isinstance(o, Literal) and o.language == "en"]
        if len(labels) != 1 or not comments or len(str(comments[0])) < 20:
            missing.append(str(t))
    assert missing == []


def test_every_concept_has_label_definition_and_scheme():
    g = vocabulary()
    concepts = _rx_terms(g, SKOS.Concept)
    assert len(concepts) > 60
    bad = [
        str(c)
        for c in concepts
        if g.value(c, SKOS.prefLabel) is None
        or g.value(c, SKOS.definition) is None
        or g.value(c, SKOS.inScheme) is None
    ]
    assert bad == []
    for scheme in _rx_terms(g, SKOS.ConceptScheme):
        assert g.value(scheme, RDFS.label) and g.value(scheme, RDFS.comment), scheme


def test_every_rx_iri_used_is_defined():
    g = vocabulary()
    used = {t for triple in g for t in triple if isinstance(t, URIRef) and str(t).startswith(RX_IRI)}
    defined = {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef)}
    assert sorted(used - defined) == []


def test_no_duplicates_of_org_terms():
    g = vocabulary()
    names = {str(t)[len(RX_IRI) :].lower() for t in _rx_terms(g, OWL.ObjectProperty, OWL.Class)}
    for org_term in (
        "memberof",
        "reportsto",
        "headof",
        "hasunit",
        "unitof",
        "suborganizationof",
        "holds",
        "linkedto",
        "membership",
        "post",
        "organization",
    ):
        assert org_term not in names


def test_reuse_of_w3c_terms():
    g = ontology()
    assert (RX.Unit, RDFS.subClassOf, ORG.OrganizationalUnit) in g
    assert (RX.Collaborative, RDFS.subClassOf, ORG.OrganizationalCollaboration) in g
    assert (RX.lateralSupport, RDFS.subPropertyOf, ORG.linkedTo) in g
    assert (RX.Person, RDFS.subClassOf, URIRef("http://xmlns.com/foaf/0.1/Person")) in g


def test_theory_defined_terms_cite_a_source():
    g = ontology()
    for term in (
        RX.Routine,
        RX.Interdependency,
        RX.ForceInfluence,
        RX.pillar,
        RX.changeFatigue,
        RX.readiness,
        RX.relativeAdvantage,
        RX.sponsorshipMode,
        RX.lateralSupport,
        RX.HybridLeader,
    ):
        assert g.value(term, URIRef("http://purl.org/dc/terms/source")) is not None, term


def _scale_properties(g: Graph) -> dict[URIRef, tuple[float, float]]:
    return {p: (float(lo), float(g.value(p, RX.scaleMax))) for p, lo in g.subject_objects(RX.scaleMin)}


def test_scale_properties_cover_the_brief():
    names = {str(p)[len(RX_IRI) :] for p in _scale_properties(ontology())}
    for required in (
        "attitude",
        "influence",
        "formalAuthority",
        "formality",
        "strength",
        "embeddedness",
        "workload",
        "changeFatigue",
        "readiness",
        "absorptiveCapacity",
        "tensionForChange",
        "divergence",
        "relativeAdvantage",
        "compatibility",
        "complexity",
        "trialability",
        "observability",
        "confidence",
        "degree",
        "magnitude",
    ):
        assert required in names


def test_every_scale_property_states_its_scale_in_comment_and_range():
    g = ontology()
    for p, (lo, hi) in _scale_properties(g).items():
        comment = str(g.value(p, RDFS.comment))
        assert f"[{int(lo)},{int(hi)}]" in comment, p
        assert g.value(p, RDFS.range) == URIRef("http://www.w3.org/2001/XMLSchema#decimal"), p


def test_every_scale_property_has_its_range_in_the_shapes():
    g, sg = ontology(), shapes()
    for p, (lo, hi) in _scale_properties(g).items():
        found = False
        for ps in sg.subjects(SH.path, p):
            mn, mx = sg.value(ps, SH.minInclusive), sg.value(ps, SH.maxInclusive)
            if mn is not None and mx is not None:
                assert (float(mn), float(mx)) == (lo, hi), p
                assert sg.value(ps, SH.severity) == SH.Violation, p
                assert sg.value(ps, SH.maxCount) == Literal(1), p
                assert sg.value(ps, SH.message) is not None, p
                found = True
        assert found, f"no range for {p} in the shapes"


def test_shape_value_lists_match_the_schemes():
    sg, sc = shapes(), schemes()
    cases = {
        RX.level: RX.LevelScheme,
        RX.pillar: RX.ScottPillarScheme,
        RX.interdependenceType: RX.InterdependenceTypeScheme,
        RX.direction: RX.ForceDirectionScheme,
        RX.sponsorshipMode: RX.SponsorshipModeScheme,
        RX.normKind: RX.NormKindScheme,
        RX.forceKind: RX.ForceKindScheme,
        RX.roleKind: RX.RoleKindScheme,
        RX.sourceKind: RX.SourceKindScheme,
        RX.bodyKind: RX.BodyKindScheme,
        RX.spreadLogic: RX.SpreadLogicScheme,
    }
    for prop, scheme in cases.items():
        members = set(sc.subjects(SKOS.inScheme, scheme))
        lists = [
            set(Collection(sg, sg.value(ps, SH["in"])))
            for ps in sg.subjects(SH.path, prop)
            if sg.value(ps, SH["in"]) is not None
        ]
        assert lists == [members], prop


def test_thompson_types_are_ordered_by_coordination_cost():
    g = schemes()
    assert [int(g.value(c, RX.order)) for c in (RX.pooled, RX.sequential, RX.reciprocal)] == [1, 2, 3]
    assert [int(g.value(c, RX.order)) for c in (RX.micro, RX.meso, RX.macro)] == [1, 2, 3]


def test_every_palette_class_has_default_level_colour_shape_and_inspector_list():
    g = vocabulary()
    shapes_allowed = {"ellipse", "rectangle", "rounded-rectangle", "diamond", "hexagon", "triangle", "octagon"}
    node_classes = [c for c in g.subjects(RX.paletteGroup, None) if g.value(c, RX.shape) is not None]
    assert len(node_classes) >= 14
    colours = set()
    for c in node_classes:
        assert g.value(c, RX.defaultLevel) in {RX.micro, RX.meso, RX.macro} or c == RX.SourceRecord, c
        colour = str(g.value(c, RX.colour))
        assert re.fullmatch(r"#[0-9A-F]{6}", colour), c
        colours.add(colour)
        assert str(g.value(c, RX.shape)) in shapes_allowed, c
        assert isinstance(g.value(c, RX.paletteOrder).toPython(), int)
    assert len(colours) == len(node_classes), "palette colours must be distinct"
    for c, head in g.subject_objects(RX.inspectorProperties):
        props = list(Collection(g, head))
        assert props and all(isinstance(p, URIRef) for p in props), c
        for p in props:
            if str(p).startswith(RX_IRI):
                assert (p, RDF.type, None) in g, p


def test_a_change_shows_what_it_transgresses_first():
    """Transgression is the source of resistance (DOMAIN.md 4): a change's inspector leads with it."""
    g = presentation()
    theory = [RX.violates, RX.disrupts, RX.replaces, RX.reallocatesTask, RX.introduces, RX.alignsWith]
    for kind in (RX.ChangeProposal, RX.ChangeComponent):
        props = list(Collection(g, g.value(kind, RX.inspectorProperties)))
        assert props[2:8] == theory, kind


def test_colours_are_mid_tone():
    """Calm colours that keep contrast on light and on dark canvases."""
    g = presentation()
    for c, colour in g.subject_objects(RX.colour):
        r, gg, b = (int(str(colour)[i : i + 2], 16) / 255 for i in (1, 3, 5))
        lightness = (max(r, gg, b) + min(r, gg, b)) / 2
        assert 0.35 <= lightness <= 0.75, (c, colour)


def test_namespace_module_is_up_to_date_and_closed():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_namespace.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    import importlib.util

    spec = importlib.util.spec_from_file_location("rx_namespaces", ROOT / "explorer" / "core" / "namespaces.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.RX.Routine == RX.Routine
    assert module.RX["from"] == RX["from"]
    assert not hasattr(module.RX, "Rotuine"), "RX must be closed"
    for name in ("ORG", "FOAF", "PROV", "SKOS", "DCTERMS", "RDF", "RDFS", "OWL", "XSD", "SH", "VOID"):
        assert hasattr(module, name)


NOT_ORG = """
@prefix org:  <http://example.org/not-org#> .
@prefix rx:   <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/m/role/a> a rx:Role ; rdfs:label "Role A" ;
    org:memberOf <https://example.org/m/routine/r> .
<https://example.org/m/routine/r> a rx:Routine ; rdfs:label "R" ;
    rx:ownedBy <https://example.org/m/unit/u> .
<https://example.org/m/unit/u> a rx:Unit ; rdfs:label "U" .
"""


def test_a_file_binding_org_elsewhere_is_read_by_iri():
    g = Graph().parse(data=NOT_ORG, format="turtle")
    role = URIRef("https://example.org/m/role/a")
    assert (role, ORG.memberOf, None) not in g
    assert (role, URIRef("http://example.org/not-org#memberOf"), None) in g
    # The shapes key on the IRI too: the fake memberOf pointing at a routine is not a membership ...
    conforms, report, _ = pyshacl.validate(g, shacl_graph=shapes(), ont_graph=ontology(), inference="none")
    assert (None, SH.resultSeverity, SH.Violation) not in report
    # ... while the real org:memberOf pointing at a routine is a violation naming the role.
    g2 = Graph().parse(
        data=NOT_ORG.replace("http://example.org/not-org#", "http://www.w3.org/ns/org#"), format="turtle"
    )
    assert (role, ORG.memberOf, None) in g2
    conforms, report, _ = pyshacl.validate(g2, shacl_graph=shapes(), ont_graph=ontology(), inference="none")
    assert not conforms
    focus = {
        report.value(r, SH.focusNode)
        for r in report.objects(None, SH.result)
        if report.value(r, SH.resultSeverity) == SH.Violation
    }
    assert focus == {role}


def test_alignments_parse_and_only_map_rx_terms():
    g = Graph().parse(ROOT / "ontology" / "alignments.ttl", format="turtle")
    voc = vocabulary()
    for s, p, _o in g.triples((None, None, None)):
        if p in (SKOS.closeMatch, SKOS.relatedMatch):
            assert (s, RDF.type, None) in voc, s


def test_docs_are_generated_from_the_turtle_and_escaped():
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate_docs", ROOT / "scripts" / "generate_docs.py")
    docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(docs)
    g = docs.load()
    page = docs.render_html(g, docs.model(g))
    assert (ROOT / "docs" / "ontology.html").read_text(encoding="utf-8") == page
    assert (ROOT / "docs" / "ontology.md").read_text(encoding="utf-8") == docs.render_md(g, docs.model(g))
    assert "<script" not in page and "<link" not in page and "http://" not in page.split("<body>")[0]
    # hostile text is escaped
    g.add((RX.Routine, RDFS.comment, Literal("<script>alert(1)</script>")))
    g.remove((RX.Routine, RDFS.comment, None))
    g.add((RX.Routine, RDFS.comment, Literal("<script>alert(1)</script>", lang="en")))
    hostile = docs.render_html(g, docs.model(g))
    assert "<script>alert" not in hostile and "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile
    for c in g.subjects(RX.paletteGroup, None):
        assert f'id="{docs.curie(c)}"' in page
