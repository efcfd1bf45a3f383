"""The SPARQL connection against real servers, and against a small server that misbehaves on purpose.

The round trips run on Oxigraph server and Virtuoso (the fixtures of ``conftest.py``). What no real
server does on demand (answer slowly, trickle, send ten megabytes of junk, not JSON, broken triples)
comes from :class:`Misbehaving`, a ``http.server`` in a thread on a free loopback port. Every failure
must be an :class:`EndpointError` with a one-line message naming the server, within bounded time and
memory.
"""

from __future__ import annotations

import base64
import json
import shutil
import ssl
import subprocess
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rdflib import XSD, Literal, URIRef

from explorer.team.endpoint import (
    AuthenticationError,
    Endpoint,
    EndpointError,
    SparqlClient,
    term_text,
)

S, P = URIRef("urn:test:s"), URIRef("urn:test:p")

#: Values that break a careless writer: quotes, escapes, lines, scripts beyond the BMP, markup.
AWKWARD = [
    Literal("say \"hi\" and 'bye'"),
    Literal("two\nlines\r\nand a\ttab and a back\\slash"),
    Literal("Ünïcødé 病房 Đồng 😀 עברית"),
    Literal("<b>bold</b> & <script>alert(1)</script> ]]> }} ;"),
    Literal("-- DROP ALL ; } INSERT DATA { <urn:x> <urn:y> <urn:z> }"),
    Literal(""),
    Literal("a" * 20_000),
    Literal("hello", lang="fr"),
    Literal("42", datatype=XSD.integer),
    Literal("x", datatype=URIRef("urn:test:datatype")),
]


@pytest.fixture(params=["oxigraph", "virtuoso"])
def editor(request) -> Endpoint:
    """An endpoint that may read and change, on each engine."""
    if request.param == "oxigraph":
        return Endpoint.for_server(request.getfixturevalue("oxigraph_server"))
    virtuoso = request.getfixturevalue("virtuoso_server")
    return virtuoso.endpoint(virtuoso.editor)


def _triples(values) -> str:
    return " ".join(
        f"{term_text(S)} {term_text(URIRef(f'urn:test:p{i}'))} {term_text(v)} ." for i, v in enumerate(values)
    )


def test_values_survive_insert_select_ask_construct_and_delete(editor, graph):
    expected = {(URIRef(f"urn:test:p{i}"), v) for i, v in enumerate(AWKWARD)}
    with SparqlClient(editor) as client:
        client.update(f"INSERT DATA {{ GRAPH <{graph}> {{ {_triples(AWKWARD)} }} }}")

        rows = client.select(f"SELECT ?p ?o WHERE {{ GRAPH <{graph}> {{ {term_text(S)} ?p ?o }} }}")
        assert {(row["p"], row["o"]) for row in rows} == expected
        # Literal equality ignores nothing that matters here, but say it outright for the text.
        assert {str(row["o"]) for row in rows} == {str(v) for v in AWKWARD}

        assert client.ask(f"ASK {{ GRAPH <{graph}> {{ {term_text(S)} {term_text(URIRef('urn:test:p2'))} ?o }} }}")
        triples = client.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert {(s, p, o) for s, p, o in triples} == {(S, p, o) for p, o in expected}

        # The same text deletes exactly what it inserted: nothing is left behind as a near-copy.
        client.update(f"DELETE DATA {{ GRAPH <{graph}> {{ {_triples(AWKWARD)} }} }}")
        assert not client.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")


def test_an_update_of_several_operations_is_all_or_nothing_when_one_is_refused(editor, graph):
    with SparqlClient(editor) as client:
        with pytest.raises(EndpointError):
            client.update(
                f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:test:a> <urn:test:b> 1 }} }} ;"
                f" INSERT DATA {{ GRAPH <{graph}> {{ <urn:test:a> <urn:test:b> }} }}"
            )
        assert not client.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")


# ---------------------------------------------------------------------------------------- access (Virtuoso)


def test_a_wrong_password_is_refused_in_plain_words_without_showing_it(virtuoso_server, graph):
    endpoint = virtuoso_server.endpoint(("editor", "not-the-password"))
    with SparqlClient(endpoint) as client, pytest.raises(AuthenticationError) as refused:
        client.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:test:a> <urn:test:b> <urn:test:c> }} }}")
    message = str(refused.value)
    assert "wrong user name or password" in message and endpoint.update_url in message
    assert "not-the-password" not in message and "\n" not in message


@pytest.mark.parametrize("who", ["reader", "anonymous"])
def test_someone_who_may_only_read_is_told_so_when_changing(virtuoso_server, who, graph):
    endpoint = virtuoso_server.endpoint(virtuoso_server.reader if who == "reader" else None)
    with SparqlClient(endpoint) as client:
        assert client.ask("ASK {}")
        with pytest.raises(AuthenticationError, match="may not change"):
            client.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:test:a> <urn:test:b> <urn:test:c> }} }}")
    with SparqlClient(virtuoso_server.endpoint(virtuoso_server.editor)) as editor:
        assert not editor.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")


def test_virtuoso_cuts_long_answers_and_the_client_says_so_instead_of_losing_rows(virtuoso_server, graph):
    """Virtuoso answers at most ResultSetMaxRows (10,000 by default) rows and calls it a full answer."""
    with SparqlClient(virtuoso_server.endpoint(virtuoso_server.editor)) as client:
        # Its parser takes about 4,990 triples in one INSERT DATA, but several in one request.
        client.update(
            " ; ".join(
                f"INSERT DATA {{ GRAPH <{graph}> {{ "
                + " ".join(f"<urn:test:s{part}-{i}> <urn:test:p> {i} ." for i in range(2_600))
                + " } }"
                for part in range(4)
            )
        )
        (count,) = client.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert count["n"].toPython() == 10_400
        assert len(client.select(f"SELECT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} LIMIT 9000")) == 9_000
        with pytest.raises(EndpointError, match="cut its answer at 10,000 rows"):
            client.select(f"SELECT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")


# ---------------------------------------------------------------------------------------- misbehaving servers


class Misbehaving(ThreadingHTTPServer):
    """A server on 127.0.0.1 whose first path segment says how to misbehave; it keeps the headers it got."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: list[tuple[str, dict[str, str]]] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.thread = threading.Thread(target=self.serve_forever, name="misbehaving-server", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=5)


_TEN_MB = 10 * 1024 * 1024


class _Handler(BaseHTTPRequestHandler):
    server: Misbehaving

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._answer()

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _answer(self) -> None:
        self.server.seen.append((self.path, dict(self.headers.items())))
        how = self.path.split("/")[1]
        try:
            if how == "slow":
                time.sleep(5)
                self._send(200, "application/sparql-results+json", b'{"boolean": true}')
            elif how == "drip":  # a byte every tenth of a second, for a minute
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.end_headers()
                for _ in range(600):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.1)
            elif how in ("huge", "huge-declared"):
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                if how == "huge-declared":
                    self.send_header("Content-Length", str(_TEN_MB))
                self.end_headers()
                junk = b"\x00junk" * 13_107
                for _ in range(_TEN_MB // len(junk)):
                    self.wfile.write(junk)
            elif how == "not-json":
                self._send(200, "application/sparql-results+json", b"<html><body>Welcome!</body></html>")
            elif how == "odd-json":
                rows = {"results": {"bindings": [{"x": {"type": "spaceship", "value": "1"}}]}}
                self._send(200, "application/sparql-results+json", json.dumps(rows).encode())
            elif how == "bad-triples":
                self._send(200, "application/n-triples", b"<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> broken\n")
            elif how == "redirect":
                self.send_response(302)
                self.send_header("Location", f"{self.server.url}/echo/query")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:  # echo: a valid answer
                self._send(200, "application/sparql-results+json", b'{"head": {}, "boolean": true}')
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading, as it should


@pytest.fixture(scope="module")
def misbehaving():
    server = Misbehaving()
    yield server
    server.stop()


def _refused_within(endpoint: Endpoint, call, seconds: float) -> str:
    """The message of the EndpointError ``call(client)`` raises, which must come within ``seconds``."""
    start = time.monotonic()
    with SparqlClient(endpoint) as client, pytest.raises(EndpointError) as failed:
        call(client)
    took = time.monotonic() - start
    assert took < seconds, f"the error came after {took:.1f} s"
    message = str(failed.value)
    assert "\n" not in message and len(message) <= 400
    return message


def test_a_server_that_is_down_is_reported_at_once(closed_port):
    endpoint = Endpoint.for_server(f"http://127.0.0.1:{closed_port}", timeout=5)
    message = _refused_within(endpoint, lambda c: c.ask("ASK {}"), 3)
    assert message.startswith(f"cannot reach the server at http://127.0.0.1:{closed_port}/query")


def test_a_server_that_does_not_answer_is_given_up_after_the_timeout(misbehaving):
    message = _refused_within(Endpoint(f"{misbehaving.url}/slow/query", timeout=1), lambda c: c.ask("ASK {}"), 3)
    assert "did not answer a question within 1 s" in message


def test_a_server_that_trickles_its_answer_is_cut_off(misbehaving):
    """Each byte comes within the timeout, so only a limit on the whole answer stops it."""
    endpoint = Endpoint(f"{misbehaving.url}/drip/query", timeout=0.4)
    message = _refused_within(endpoint, lambda c: c.ask("ASK {}"), 10)
    assert "too long to send" in message


@pytest.mark.parametrize("how", ["huge", "huge-declared"])
def test_a_huge_answer_is_refused_without_filling_memory(misbehaving, how):
    endpoint = Endpoint(f"{misbehaving.url}/{how}/query", timeout=5, max_bytes=1024 * 1024)
    tracemalloc.start()
    try:
        message = _refused_within(endpoint, lambda c: c.select("SELECT * {}"), 10)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "1,048,576" in message
    assert peak < 4 * 1024 * 1024, f"peak {peak:,} bytes"


@pytest.mark.parametrize(
    ("how", "call", "words"),
    [
        ("not-json", lambda c: c.select("SELECT * {}"), "did not send SPARQL results (not JSON)"),
        ("not-json", lambda c: c.ask("ASK {}"), "did not send SPARQL results (not JSON)"),
        ("odd-json", lambda c: c.select("SELECT * {}"), "sent results we cannot read"),
        ("echo", lambda c: c.select("SELECT * {}"), "sent results we cannot read"),
        ("bad-triples", lambda c: c.construct("CONSTRUCT {} {}"), "sent triples we cannot read"),
        ("redirect", lambda c: c.ask("ASK {}"), "with HTTP 302"),
    ],
)
def test_an_answer_that_is_not_sparql_is_reported(misbehaving, how, call, words):
    message = _refused_within(Endpoint(f"{misbehaving.url}/{how}/query", timeout=5), call, 5)
    assert words in message and f"{misbehaving.url}/{how}/query" in message


def test_a_redirect_is_not_followed_so_credentials_stay_with_the_named_server(misbehaving):
    misbehaving.seen.clear()
    endpoint = Endpoint(f"{misbehaving.url}/redirect/query", auth="bearer", secret="t0ken", timeout=5)
    _refused_within(endpoint, lambda c: c.ask("ASK {}"), 5)
    assert [path for path, _ in misbehaving.seen] == ["/redirect/query"]


@pytest.mark.parametrize(
    ("auth", "header"),
    [
        ("bearer", "Bearer s3cret-token"),
        ("basic", "Basic " + base64.b64encode(b"ann:s3cret-token").decode()),
        ("none", None),
    ],
)
def test_the_sign_in_is_sent_as_the_method_says(misbehaving, auth, header):
    misbehaving.seen.clear()
    endpoint = Endpoint(f"{misbehaving.url}/echo/query", auth=auth, user="ann", secret="s3cret-token", timeout=5)
    assert "s3cret-token" not in repr(endpoint)
    with SparqlClient(endpoint) as client:
        assert client.ask("ASK {}") is True
    ((_, headers),) = misbehaving.seen
    assert headers.get("Authorization") == header


def test_a_read_only_connection_refuses_changes_without_asking_the_server(misbehaving):
    misbehaving.seen.clear()
    endpoint = Endpoint.for_server(f"{misbehaving.url}/echo/sparql", read_only=True, timeout=5)
    assert endpoint.read_only
    with SparqlClient(endpoint) as client:
        assert client.ask("ASK {}")
        with pytest.raises(EndpointError, match="read-only"):
            client.update("INSERT DATA { <urn:test:a> <urn:test:b> <urn:test:c> }")
    assert len(misbehaving.seen) == 1


# ---------------------------------------------------------------------------------------- TLS


@pytest.fixture(scope="module")
def self_signed_server(tmp_path_factory):
    """An HTTPS server on 127.0.0.1 whose certificate no one vouches for."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed, so no certificate can be made")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True,
        capture_output=True,
    )  # fmt: skip
    server = Misbehaving()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.url = server.url.replace("http://", "https://")
    yield server
    server.stop()


def test_certificates_are_checked_unless_the_user_turns_it_off(self_signed_server):
    endpoint = Endpoint(f"{self_signed_server.url}/echo/query", timeout=5)
    assert endpoint.verify
    message = _refused_within(endpoint, lambda c: c.ask("ASK {}"), 5)
    assert "has a certificate this computer does not trust" in message
    with SparqlClient(Endpoint(f"{self_signed_server.url}/echo/query", timeout=5, verify=False)) as client:
        assert client.ask("ASK {}")
