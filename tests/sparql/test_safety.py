"""Safe by default: SERVICE, LOAD and FROM other graphs are refused before anything runs, and nothing
reaches the network; with network access allowed, a federated query to a real Oxigraph server works."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from support.network import Listener

from explorer.core.document import ONTOLOGY_GRAPH
from explorer.core.errors import QueryError
from explorer.sparql import MAP_GRAPH, QueryRefused, QuerySyntaxError


@pytest.fixture
def listener():
    """A TCP listener on loopback; the test asserts it was never connected to."""
    server = Listener()
    yield server
    server.stop()


def _hostile_queries(port: int) -> list[str]:
    here = f"http://127.0.0.1:{port}"
    return [
        f"SELECT * WHERE {{ SERVICE <{here}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{here}/a> {{ ?s ?q ?r }} }} }}",
        f"select * where {{ ?s ?p ?o . filter exists {{ service <{here}/b> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{here}/c> {{ ?s ?p ?o }} }} }} }}",
        f"ASK {{ SERVICE <{here}/d> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{here}/e> {{ ?s ?p ?o }} }}",
        f"PREFIX remote: <{here}/>\nSELECT * WHERE {{ SERVICE remote:f {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { BIND (<" + here + "/g> AS ?endpoint) SERVICE ?endpoint { ?s ?p ?o } }",
        f"SELECT * FROM <{here}/h.ttl> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{here}/i.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"LOAD <{here}/j.ttl>",
        f"LOAD SILENT <{here}/k.ttl> INTO GRAPH <http://example.org/g>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{here}/l> {{ ?s ?p ?o }} }}",
        f"DELETE {{ ?s ?p ?o }} USING <{here}/m.ttl> WHERE {{ ?s ?p ?o }}",
        f"INSERT DATA {{ <http://e/a> <http://e/b> 1 }} ; LOAD <{here}/n.ttl>",
    ]


def test_service_load_and_outside_graphs_are_refused_and_nothing_connects(listener, small_doc, services):
    service = services(small_doc)
    before = set(small_doc.store.quads())
    port = listener.port
    for text in _hostile_queries(port):
        with pytest.raises(QueryRefused) as refused:
            service.kind(text)
        assert "network access" in str(refused.value).lower(), text
        with pytest.raises(QueryRefused):
            service.run(text)
    assert listener.connections() == 0
    assert set(small_doc.store.quads()) == before and not small_doc.dirty


def test_refusals_say_what_and_how_to_allow(small_doc, services):
    service = services(small_doc)
    with pytest.raises(QueryRefused, match=r"SERVICE <http://example.org/sparql>.*--allow-network"):
        service.run("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryRefused, match=r"LOAD <http://example.org/x.ttl>"):
        service.kind("LOAD <http://example.org/x.ttl>")
    with pytest.raises(QueryRefused, match=r"FROM <file:///etc/passwd> names a graph that is not part of this map"):
        service.kind("SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }")


def test_the_word_service_in_strings_and_comments_is_not_a_service_call(small_doc, services):
    service = services(small_doc)
    text = (
        "# SERVICE <http://example.org/x> { }\n"
        'SELECT ?x WHERE { BIND ("SERVICE <http://example.org/> { ?s ?p ?o }" AS ?x) }'
    )
    out = service.run(text)
    assert out.rows == ((Literal("SERVICE <http://example.org/> { ?s ?p ?o }"),),)


def test_from_may_name_the_map_and_its_own_graphs(small_doc, services):
    service = services(small_doc)
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    in_map = int(service.run(everything.replace("WHERE", f"FROM <{MAP_GRAPH}> WHERE")).rows[0][0])
    in_ontology = int(service.run(everything.replace("WHERE", f"FROM <{ONTOLOGY_GRAPH}> WHERE")).rows[0][0])
    default_view = int(service.run(everything).rows[0][0])
    assert in_map == small_doc.store.count()
    assert in_ontology == small_doc.store.count(ONTOLOGY_GRAPH) > 1000
    assert default_view == in_map + in_ontology
    # The default view reaches class hierarchies in the ontology.
    actors = service.run("SELECT ?who WHERE { ?who a ?kind . ?kind rdfs:subClassOf* rx:Actor } ORDER BY ?who")
    assert [str(r[0]) for r in actors.rows] == ["http://example.org/map/ana"]
    with pytest.raises(QueryError, match="FROM NAMED"):
        service.kind(f"SELECT * FROM NAMED <{MAP_GRAPH}> {{ GRAPH ?g {{ ?s ?p ?o }} }}")


def test_the_map_alone_when_the_ontology_is_left_out(small_doc, services):
    service = services(small_doc, include_ontology=False)
    count = service.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(count.rows[0][0]) == small_doc.store.count()


def test_prefixes_are_declared_for_the_user(sample, services):
    service = services(sample("matching-michigan-england.ttl"))
    assert service.prefixes["rx"] == "https://w3id.org/routine-explorer/ns#"
    assert service.prefixes["unit"].endswith("/matching-michigan-england/unit/")
    assert "skos" in service.prefixes and "owl" in service.prefixes
    out = service.run("SELECT ?label WHERE { unit:icu-a rdfs:label ?label }")
    assert out.rows == ((Literal("ICU A (transformed)"),),)
    # The query's own PREFIX wins over the declared one.
    out = service.run("PREFIX unit: <http://elsewhere.example/>\nASK { unit:icu-a ?p ?o }")
    assert out.boolean is False


# ------------------------------------------------------------ network allowed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def oxigraph_server(tmp_path):
    """An Oxigraph SPARQL server (the ``oxigraph`` package's binary) on a free loopback port, with a small dataset."""
    binary = Path(sys.executable).with_name("oxigraph")
    if not binary.exists():
        pytest.skip("the oxigraph server binary is not installed next to this Python")
    port = _free_port()
    proc = subprocess.Popen(
        [str(binary), "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1) as answer:
                    answer.read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("the Oxigraph server did not start")
                time.sleep(0.1)
        data = b'<http://example.org/remote/ward> <http://www.w3.org/2000/01/rdf-schema#label> "Remote ward" .\n'
        request = urllib.request.Request(
            f"{base}/store?default", data=data, method="PUT", headers={"Content-Type": "application/n-triples"}
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            answer.read()
        yield base
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_federated_query_works_when_network_is_allowed(oxigraph_server, small_doc, services):
    text = f"""SELECT ?unitLabel ?remoteLabel WHERE {{
  ?unit a rx:Unit ; rdfs:label ?unitLabel .
  SERVICE <{oxigraph_server}/query> {{ ?remote rdfs:label ?remoteLabel }}
}}"""
    with pytest.raises(QueryRefused):
        services(small_doc).run(text)
    out = services(small_doc, allow_network=True).run(text, timeout=20)
    assert out.rows == ((Literal("ICU"), Literal("Remote ward")),)


def test_from_another_graph_with_network_allowed_reads_nothing_and_fetches_nothing(listener, small_doc, services):
    port = listener.port
    service = services(small_doc, allow_network=True)
    out = service.run(f"SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}")
    assert out.rows == ()
    assert listener.connections() == 0


def test_a_bound_iri_cannot_smuggle_a_service_call(listener, small_doc, services):
    port = listener.port
    service = services(small_doc)
    hostile = URIRef(f"http://e/a> }} SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o")
    with pytest.raises(QueryError):
        service.run("SELECT ?node ?p ?o WHERE { ?node ?p ?o }", bindings={"node": hostile})
    assert listener.connections() == 0


# ------------------------------------------------ the checker and the engine read the same text


def test_a_carriage_return_ends_a_comment_for_the_check_as_it_does_for_the_engine(listener, small_doc, services):
    """rdflib (the check) once read a comment on to the next line feed; Oxigraph (the engine) ends it at a
    lone carriage return, and ran the SERVICE or LOAD that followed."""
    here = f"http://127.0.0.1:{listener.port}"
    service = services(small_doc)
    before = set(small_doc.store.quads())
    for text in (
        f"SELECT * WHERE {{\n  # a note\rSERVICE <{here}/cr> {{ ?s ?p ?o }}\n}}",
        f"INSERT DATA {{ <http://e/a> <http://e/b> 1 }} # a note\r; LOAD <{here}/cr.ttl>",
    ):
        with pytest.raises(QueryRefused, match=f"(SERVICE|LOAD) <{here}/cr"):
            service.run(text, timeout=5)
    assert listener.connections() == 0
    assert set(small_doc.store.quads()) == before and not small_doc.dirty


def test_unicode_escapes_are_read_once_and_the_same_way_by_the_check_and_the_engine(listener, small_doc, services):
    """rdflib expands \\u escapes before parsing (as SPARQL says), Oxigraph only inside strings: ``"a\\u005c"``
    was a string holding a backslash to Oxigraph, which then ran the SERVICE that rdflib read as more of the string."""
    here = f"http://127.0.0.1:{listener.port}"
    service = services(small_doc)
    text = 'SELECT ?x WHERE { BIND ("a\\u005c" AS ?x) SERVICE <' + here + '/u> { ?s ?p ?o } # " AS ?x)\n}'
    assert service.run(text, timeout=5).rows == ((Literal(f'a" AS ?x) SERVICE <{here}/u> {{ ?s ?p ?o }} # '),),)
    update = 'INSERT DATA { <http://e/a> <http://e/b> "a\\u005c" } ; LOAD <' + here + '/u.ttl> # " }\n'
    out = service.run(update, timeout=5)
    assert [str(q[2]) for q in out.command.added] == [f'a" }} ; LOAD <{here}/u.ttl> # ']
    assert listener.connections() == 0
    with pytest.raises(QuerySyntaxError, match=r"escape spells another escape"):
        service.kind('SELECT * WHERE { BIND ("\\u005Cu0041" AS ?x) }')


def test_line_ends_and_escapes_keep_their_meaning(small_doc, services):
    service = services(small_doc)
    # Windows line ends, a comment ended by a lone carriage return, and escapes in a string.
    text = 'SELECT ?x WHERE {\r\n  # first\r  BIND ("caf\\u00e9 \\U0001F600" AS ?x)\r\n}'
    assert service.run(text).rows == ((Literal("café \U0001f600"),),)


def test_the_engine_itself_refuses_service_and_load_while_network_is_off(listener, small_doc, services, monkeypatch):
    """A second line of defence: should the checker ever read a text differently from Oxigraph, the engine
    still refuses a SERVICE or LOAD it finds, and nothing connects."""
    from explorer.sparql import service as service_module
    from explorer.sparql.checking import CheckedQuery

    here = f"http://127.0.0.1:{listener.port}"
    texts = {
        "select": f"SELECT * WHERE {{ SERVICE <{here}/a> {{ ?s ?p ?o }} }}",
        "ask": f"ASK {{ SERVICE SILENT <{here}/b> {{ ?s ?p ?o }} }}",
        "construct": f"CONSTRUCT WHERE {{ ?s ?p ?o . SERVICE <{here}/c> {{ ?s ?p ?o }} }}",
        "update": f"load <{here}/d.ttl>",
    }
    # Pretend the checker saw nothing to refuse.
    monkeypatch.setattr(service_module, "_cached_check", lambda text, *args: CheckedQuery(text, kind_of[text]))
    kind_of = {text: kind for kind, text in texts.items()}
    service = services(small_doc)
    for text in texts.values():
        with pytest.raises(QueryRefused, match="SERVICE or LOAD"):
            service.run(text, timeout=5)
    assert listener.connections() == 0
    # Words that merely contain them, in names, strings, prefixes and comments, still run.
    ordinary = (
        "PREFIX load: <http://e/load#>\nSELECT ?workload WHERE { # customer service\n"
        '  BIND ("SERVICE <http://e/> {}" AS ?workload) OPTIONAL { ?workload load:service ?x } }'
    )
    kind_of[ordinary] = "select"
    assert service.run(ordinary).rows == ((Literal("SERVICE <http://e/> {}"),),)
