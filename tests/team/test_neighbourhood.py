"""Exploring a graph on a real Oxigraph server by neighbourhood: search, paging, hostile labels, the boundary."""

from __future__ import annotations

import random

import pytest
from rdflib import RDF, RDFS, Literal, URIRef
from support.oxigraph_server import oxigraph, put_triples

from explorer.core.namespaces import RX
from explorer.team.endpoint import Endpoint, SparqlClient, term_text
from explorer.team.neighbourhood import Fetched, expand, find, size, tie_counts

EX = "https://example.org/nb/"
G = URIRef(EX + "graph")
OTHER = URIRef(EX + "other-graph")
HUB = URIRef(EX + "hub")
KNOWS, PART_OF = URIRef(EX + "knows"), URIRef(EX + "partOf")
TIE, ROUTINE = URIRef(EX + "tie"), URIRef(EX + "routine")
HOSTILE = [
    'say "hi"',
    '"} } ; DROP ALL ; #',
    "') } UNION { ?s ?p ?o } #",
    "back\\slash",
    "tab\tand\nnewline",
    "<https://evil.example/> ?p ?o",
    "' OR 1=1 --",
]


def _nt(triples) -> str:
    return "".join(f"{term_text(s)} {term_text(p)} {term_text(o)} .\n" for s, p, o in triples)


def _build():
    """The graph: a hub with 25 neighbours (15 out, 10 in, 3 both ways), each with some ties outside, and a
    qualified tie from the hub to a routine that has two more ties; returns the triples and each neighbour's
    ties that expanding the hub does not fetch."""
    rng = random.Random(7)
    triples, outside = [], {}
    triples += [(HUB, RDF.type, RX.Unit), (HUB, RDFS.label, Literal("The Hub"))]
    for i in range(25):
        n = URIRef(f"{EX}node/{i:02d}")
        triples += [(n, RDF.type, RX.Person), (n, RDFS.label, Literal(f"Node {i}"))]
        if i < 15 or i >= 22:
            triples.append((HUB, KNOWS, n))
        if i >= 15:
            triples.append((n, PART_OF, HUB))
        k = rng.randrange(4)
        for j in range(k):
            triples.append((n, KNOWS, URIRef(f"{EX}far/{i}-{j}")))
        if k:
            outside[n] = k
    triples += [
        (TIE, RDF.type, RX.Interdependency),
        (TIE, RX["from"], HUB),
        (TIE, RX.to, ROUTINE),
        (ROUTINE, RDF.type, RX.Routine),
        (ROUTINE, RDFS.label, Literal("Sterile routine")),
        (ROUTINE, RX.ownedBy, URIRef(EX + "far/unit")),
        (URIRef(EX + "far/person"), RX.performs, ROUTINE),
    ]
    outside[ROUTINE] = 2
    for i, label in enumerate(HOSTILE):
        triples.append((URIRef(f"{EX}hostile/{i}"), RDFS.label, Literal(label)))
    return triples, outside


TRIPLES, OUTSIDE = _build()


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with oxigraph(tmp_path_factory.mktemp("oxigraph")) as base:
        put_triples(base, _nt(TRIPLES), str(G))
        # The same hub, tied to an outsider, in another graph; and a node in the default graph.
        outsider = URIRef(EX + "outsider")
        put_triples(base, _nt([(HUB, KNOWS, outsider), (outsider, RDFS.label, Literal("Node outsider"))]), str(OTHER))
        put_triples(base, _nt([(URIRef(EX + "default"), RDFS.label, Literal("Node in the default graph"))]))
        with SparqlClient(Endpoint.for_server(base, read_only=True)) as made:
            yield made


def test_size_counts_up_to_the_cap(client):
    assert size(client, G, cap=10).words() == "more than 10 statements"
    exact = size(client, G)
    assert (exact.triples, exact.more) == (len(set(TRIPLES)), False)


def test_find_by_label_ignores_case_respects_the_limit_and_the_graph(client):
    found = find(client, "NODE 1", G)
    assert [f.label for f in found] == ["Node 1"] + [f"Node {i}" for i in range(10, 20)]
    assert found[0].kind == RX.Person and found[0].iri == URIRef(f"{EX}node/01")
    assert len(find(client, "node", G, limit=3)) == 3
    assert all("outsider" not in f.label for f in find(client, "node", G, limit=100))
    assert [f.label for f in find(client, "node", None)] == ["Node in the default graph"]
    assert find(client, "   ", G) == []


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_labels_are_found_literally_and_never_change_the_query(client, label, monkeypatch):
    before = size(client, G)
    found = find(client, label, G)
    assert URIRef(f"{EX}hostile/{HOSTILE.index(label)}") in {f.iri for f in found}
    assert all(label.strip().lower() in f.label.lower() for f in found)
    assert size(client, G) == before

    sent = []
    monkeypatch.setattr(client, "select", lambda q: sent.append(q) or [])
    find(client, label, G)
    find(client, "placeholder", G)
    hostile, plain = sent
    # The text goes in as one escaped constant: replacing it gives the very query a harmless word gives.
    assert hostile.replace(term_text(Literal(label.strip().lower())), term_text(Literal("placeholder"))) == plain


def test_expand_pages_neither_repeat_nor_skip_and_keep_their_order(client):
    expected = sorted(
        {t[2] for t in TRIPLES if t[0] == HUB and t[1] == KNOWS} | {s for s, p, o in TRIPLES if o == HUB}, key=str
    )
    assert len(expected) == 26  # 25 people and the qualified tie
    pages, after = [], None
    while True:
        page = expand(client, HUB, G, limit=7, after=after)
        assert len(page.neighbours) <= 7
        pages.append(page)
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert [len(p.neighbours) for p in pages] == [7, 7, 7, 5]
    assert [p.truncated for p in pages] == [True, True, True, False]
    seen = [n.iri for p in pages for n in p.neighbours]
    assert seen == expected
    # The same request gives the same page.
    assert expand(client, HUB, G, limit=7, after=pages[1].next_cursor) == pages[2]
    first = pages[0].neighbours[0]
    assert (first.label, first.kinds) == ("Node 0", (RX.Person,))
    # The other graph's outsider never comes in.
    assert all("outsider" not in str(t) for p in pages for t in p.triples)


def test_boundary_counts_the_ties_left_on_the_server(client):
    fetched = Fetched(G)
    pages = 0
    while True:
        fetched.expand(client, HUB, limit=10)
        pages += 1
        if not fetched.has_more(HUB):
            break
    assert pages == 3
    assert fetched.expand(client, HUB).neighbours == []  # everything is here already
    # The qualified tie came with both its ends; the hub's own values too.
    assert {(TIE, RX["from"], HUB), (TIE, RX.to, ROUTINE), (HUB, RDFS.label, Literal("The Hub"))} <= fetched.triples
    boundary = fetched.boundary(client)
    assert boundary.outside == OUTSIDE
    assert boundary.nodes == 28  # hub, 25 people, the tie and the routine
    assert boundary.note().startswith(f"{len(OUTSIDE)} of 28 nodes have ties outside what was fetched")
    assert tie_counts(client, [HUB], G) == {HUB: 18 + 10 + 1}  # 18 out, 10 in, the tie


def test_the_fetched_part_opens_as_a_read_only_map(client):
    fetched = Fetched(G)
    fetched.expand(client, HUB, limit=5)
    doc = fetched.document()
    try:
        assert not doc.editing
        drawn = {(s, p, o) for s, p, o, _ in doc.store.quads()}
        assert fetched.triples <= drawn
    finally:
        doc.close()
