"""Talking to a SPARQL 1.1 server: query, update and the graph store, with bounded time and memory.

An :class:`Endpoint` says where a server is and how to sign in; :class:`SparqlClient`
speaks only the standard protocols (SPARQL 1.1 Query and Update over HTTP, the Graph
Store Protocol), so any engine works: Oxigraph server, Virtuoso, Fuseki, GraphDB,
Stardog, Neptune. Every request has a timeout and a response-size limit; every
failure is an :class:`EndpointError` whose message names the server and what went
wrong (wrong password, server down, too slow, too big, not SPARQL), never a traceback.

Values are never pasted into query text by the caller: :func:`term_text` writes a
term in N-Triples form (escaped by pyoxigraph), which is how SPARQL takes a constant.

Examples
--------
>>> e = Endpoint("http://127.0.0.1:7878/query", update_url="http://127.0.0.1:7878/update")
>>> e.read_only, e.describe()
(False, 'http://127.0.0.1:7878/query')
>>> term_text(Literal('say "hi"'))
'"say \\\\"hi\\\\""'
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from ..core.errors import ExplorerError
from ..core.terms import from_ox, to_ox

if TYPE_CHECKING:
    import httpx

#: Seconds to wait for a server to connect and for each read.
DEFAULT_TIMEOUT = 30.0
#: Largest response read (bytes): a server cannot fill the laptop's memory.
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
#: A whole answer must arrive within this many timeouts: a server that trickles bytes, each within the
#: timeout, is cut off all the same.
WHOLE_ANSWER_TIMEOUTS = 10
_SPARQL_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"


class EndpointError(ExplorerError):
    """A server could not be reached, refused us, or answered something we cannot read."""


class AuthenticationError(EndpointError):
    """The server refused the credentials (HTTP 401 or 403)."""


@dataclass(frozen=True)
class Endpoint:
    """Where a SPARQL server is and how to sign in to it.

    Parameters
    ----------
    query_url : str
        The SPARQL query service (``…/query`` on Oxigraph, ``…/sparql`` on Virtuoso).
    update_url : str or None
        The SPARQL update service; None for a read-only connection (editing is disabled).
    store_url : str or None
        The Graph Store Protocol service (``…/store``), used for whole-graph reads when present.
    auth : str
        ``"none"``, ``"basic"``, ``"digest"`` or ``"bearer"``.
    user : str
        The user name for basic and digest.
    secret : str
        The password or token, held in memory only (the keyring keeps it between sessions:
        :mod:`explorer.team.credentials`); never written to a map, the settings or a log.
    verify : bool
        Check the server's TLS certificate (default). Off only when the user says so.
    """

    query_url: str
    update_url: str | None = None
    store_url: str | None = None
    auth: str = "none"
    user: str = ""
    secret: str = field(default="", repr=False, compare=False)
    verify: bool = True
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES

    def __post_init__(self) -> None:
        for url in (self.query_url, self.update_url, self.store_url):
            if url is None:
                continue
            if not url.startswith(("http://", "https://")):
                raise EndpointError(f"{url[:200]!r} is not a web address (it must start with http:// or https://)")
            if "@" in urlsplit(url).netloc:
                # A password in an address would be written into the working copy and every message.
                raise EndpointError(
                    "a server address may not hold a user name or password; give them in the sign-in fields"
                )
        if self.auth not in ("none", "basic", "digest", "bearer"):
            raise EndpointError(f"unknown sign-in method {self.auth!r} (none, basic, digest or bearer)")
        if self.auth != "none":
            # The secret goes with every request: only to the server the user named (a working copy's file
            # could name another for updates).
            origin = _origin(self.query_url)
            for url in (self.update_url, self.store_url):
                if url is not None and _origin(url) != origin:
                    raise EndpointError(
                        f"the update address {url[:200]} is on another server than {self.query_url[:200]}; "
                        "a password is sent only to the server it was given for"
                    )

    @property
    def read_only(self) -> bool:
        """Whether this connection can only read (no update service given)."""
        return self.update_url is None

    def describe(self) -> str:
        """The server as a person names it: its query address, with the user if any."""
        return f"{self.user}@{self.query_url}" if self.user else self.query_url

    def with_secret(self, secret: str) -> Endpoint:
        """The same endpoint holding ``secret``."""
        return replace(self, secret=secret)

    @classmethod
    def for_server(cls, base: str, **options: Any) -> Endpoint:
        """The endpoint of a server from its base address, guessing the engine from the address's form.

        ``http://host:7878`` (Oxigraph: ``/query``, ``/update``, ``/store``) or ``…/sparql`` (Virtuoso:
        ``/sparql``, ``/sparql-auth`` for signed-in updates, ``/sparql-graph-crud``).

        Examples
        --------
        >>> Endpoint.for_server("http://127.0.0.1:8890/sparql", auth="digest", user="editor").update_url
        'http://127.0.0.1:8890/sparql-auth'
        >>> Endpoint.for_server("http://127.0.0.1:7878").store_url
        'http://127.0.0.1:7878/store'
        """
        base = base.rstrip("/")
        read_only = options.pop("read_only", False)
        if base.endswith("/sparql"):
            root = base[: -len("/sparql")]
            signed_in = options.get("auth", "none") != "none"
            update = root + ("/sparql-auth" if signed_in else "/sparql")
            store = root + ("/sparql-graph-crud-auth" if signed_in else "/sparql-graph-crud")
            return cls(base, None if read_only else update, store, **options)
        if base.endswith("/query"):
            base = base[: -len("/query")]
        return cls(base + "/query", None if read_only else base + "/update", base + "/store", **options)


def _origin(url: str) -> tuple:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)


def term_text(term) -> str:
    """``term`` as a SPARQL constant (N-Triples form, escaped); refuses blank nodes, which a shared map
    never holds (they are skolemised first).

    Examples
    --------
    >>> term_text(URIRef("urn:x:a"))
    '<urn:x:a>'
    >>> term_text(Literal("a\\nb"))
    '"a\\\\nb"'
    """
    if isinstance(term, BNode):
        raise EndpointError("a blank node cannot be sent to a shared map (skolemise it first)")
    return str(to_ox(term))


class SparqlClient:
    """A connection to one :class:`Endpoint` (a pool of HTTP connections; close it when done).

    Examples
    --------
    >>> client = SparqlClient(Endpoint("http://127.0.0.1:9/query", timeout=0.5))
    >>> try:
    ...     client.ask("ASK {}")
    ... except EndpointError as err:
    ...     print(str(err).split(":")[0])
    cannot reach the server at http
    >>> client.close()
    """

    def __init__(self, endpoint: Endpoint) -> None:
        import httpx  # here, not at start: a tenth of a second of every start, for a map on a server

        self.endpoint = endpoint
        auth: httpx.Auth | None = None
        headers = {"User-Agent": "routine-explorer"}
        if endpoint.auth == "basic":
            auth = httpx.BasicAuth(endpoint.user, endpoint.secret)
        elif endpoint.auth == "digest":
            auth = httpx.DigestAuth(endpoint.user, endpoint.secret)
        elif endpoint.auth == "bearer":
            headers["Authorization"] = f"Bearer {endpoint.secret}"
        # No proxies or netrc from the environment: the user names the server, nothing else is asked.
        self._http = httpx.Client(
            auth=auth,
            headers=headers,
            verify=endpoint.verify,
            timeout=httpx.Timeout(endpoint.timeout),
            trust_env=False,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SparqlClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ requests
    def _request(self, method: str, url: str, *, what: str, **kwargs) -> tuple[int, str, bytes]:
        """Send one request; the status, content type and body (read up to the size limit)."""
        import httpx

        limit = self.endpoint.max_bytes
        allowed = self.endpoint.timeout * WHOLE_ANSWER_TIMEOUTS
        deadline = time.monotonic() + allowed
        try:
            with self._http.stream(method, url, **kwargs) as response:
                declared = response.headers.get("content-length")
                if declared is not None and declared.isdigit() and int(declared) > limit:
                    raise EndpointError(
                        f"the server at {url} sent {int(declared):,} bytes for {what}; the limit is {limit:,}"
                    )
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise EndpointError(
                            f"the server at {url} sent more than {limit:,} bytes for {what}; stopped reading"
                        )
                    if time.monotonic() > deadline:
                        raise EndpointError(f"the server at {url} took too long to send {what} (over {allowed:g} s)")
                status, kind = response.status_code, response.headers.get("content-type", "")
                # Virtuoso stops at its ResultSetMaxRows and calls the rest a full answer; only this says so.
                cut = response.headers.get("x-sparql-maxrows")
        except httpx.TimeoutException:
            raise EndpointError(
                f"the server at {url} did not answer {what} within {self.endpoint.timeout:g} s"
            ) from None
        except httpx.ConnectError as err:
            if "CERTIFICATE_VERIFY_FAILED" in str(err):
                raise EndpointError(
                    f"the server at {url} has a certificate this computer does not trust ({_reason(err)})"
                ) from None
            raise EndpointError(f"cannot reach the server at {url} ({_reason(err)})") from None
        except httpx.HTTPError as err:
            raise EndpointError(f"the connection to {url} failed during {what} ({_reason(err)})") from None
        if status in (401, 403):
            raise AuthenticationError(
                f"the server at {url} refused {what}: "
                + ("wrong user name or password" if status == 401 else "this user may not do that")
                + f" (HTTP {status})"
            )
        # Virtuoso refuses a user without the right to change with HTTP 500 and "SR186:SECURITY".
        if status == 500 and b"SR186:SECURITY" in body[:500]:
            raise AuthenticationError(f"the server at {url} refused {what}: this user may not change the data")
        if status >= 300:
            text = bytes(body[:300]).decode("utf-8", "replace")
            raise EndpointError(f"the server at {url} answered {what} with HTTP {status}: {text}")
        if cut is not None:
            rows = f"{int(cut):,} rows" if cut.isdigit() else "its row limit"
            raise EndpointError(
                f"the server at {url} cut its answer at {rows} (its result limit); ask for fewer rows at a time"
            )
        return status, kind.split(";")[0].strip().lower(), bytes(body)

    def _query(self, sparql: str, accept: str, what: str) -> tuple[str, bytes]:
        _, kind, body = self._request(
            "POST",
            self.endpoint.query_url,
            what=what,
            data={"query": sparql},
            headers={"Accept": accept},
        )
        return kind, body

    def select(self, sparql: str) -> list[dict[str, Any]]:
        """Rows of a SELECT, each a dict of variable name to rdflib term (unbound variables left out)."""
        _, body = self._query(sparql, _SPARQL_JSON, "a query")
        data = _json(body, self.endpoint.query_url)
        try:
            return [{k: _json_term(v) for k, v in row.items()} for row in data["results"]["bindings"]]
        except (KeyError, TypeError, AttributeError, ValueError) as err:
            raise EndpointError(
                f"the server at {self.endpoint.query_url} sent results we cannot read ({err})"
            ) from None

    def ask(self, sparql: str) -> bool:
        """The answer to an ASK."""
        _, body = self._query(sparql, _SPARQL_JSON, "a question")
        answer = _json(body, self.endpoint.query_url).get("boolean")
        if not isinstance(answer, bool):
            raise EndpointError(f"the server at {self.endpoint.query_url} did not answer yes or no to an ASK")
        return answer

    def construct(self, sparql: str) -> list[tuple]:
        """The triples of a CONSTRUCT, as rdflib terms."""
        kind, body = self._query(sparql, _NTRIPLES + ", text/turtle;q=0.5", "a query")
        return _parse_triples(body, kind, self.endpoint.query_url)

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update (one request: all of it or none of it on engines that promise atomic requests)."""
        if self.endpoint.update_url is None:
            raise EndpointError(f"the connection to {self.endpoint.query_url} is read-only")
        self._request(
            "POST",
            self.endpoint.update_url,
            what="a change",
            content=sparql.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update"},
        )


def _reason(err: Exception) -> str:
    text = str(err) or type(err).__name__
    return text.split("\n")[0][:200]


def _json(body: bytes, url: str) -> dict:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise EndpointError(f"the server at {url} did not send SPARQL results (not JSON)") from None
    if not isinstance(data, dict):
        raise EndpointError(f"the server at {url} did not send SPARQL results")
    return data


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _json_term(value: dict):
    kind = value["type"]
    text = value["value"]
    if not isinstance(text, str):
        raise ValueError("a value that is not text")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang")
        datatype = value.get("datatype")
        if lang:
            return Literal(text, lang=lang)
        if datatype and datatype != _XSD_STRING:
            return from_ox(ox.Literal(text, datatype=ox.NamedNode(datatype)))
        return Literal(text)
    raise ValueError(f"unknown term type {kind!r}")


def _parse_triples(body: bytes, kind: str, url: str) -> list[tuple]:
    fmt = ox.RdfFormat.TURTLE if kind == "text/turtle" else ox.RdfFormat.N_TRIPLES
    try:
        return [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in ox.parse(body, format=fmt)]
    except (SyntaxError, ValueError) as err:
        raise EndpointError(f"the server at {url} sent triples we cannot read ({_reason(err)})") from None
