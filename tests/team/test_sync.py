"""Team maps on real servers: share, clone, edit on two copies, sync; history; conflicts; revert; no edit lost.

Each test runs on the Oxigraph server (no write isolation) and on Virtuoso (from Debian), started by
the fixtures in conftest.py.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from rdflib import RDFS, XSD, Literal, URIRef

from explorer.core.commands import Command
from explorer.core.document import MapDocument
from explorer.core.terms import DEFAULT_GRAPH
from explorer.team import changelog, sync
from explorer.team.changelog import Author
from explorer.team.endpoint import EndpointError, SparqlClient

ANN, BOB = Author.named("Ann Lee"), Author.named("Bob Osei")
RX = "https://w3id.org/routine-explorer/ns#"


@pytest.fixture(params=["oxigraph", "virtuoso"])
def server(request):
    """A function giving a fresh client of the engine (an editor's, on Virtuoso)."""
    if request.param == "oxigraph":
        base = request.getfixturevalue("oxigraph_server")
        from explorer.team.endpoint import Endpoint

        return lambda: SparqlClient(Endpoint.for_server(base))
    virtuoso = request.getfixturevalue("virtuoso_server")
    return lambda: SparqlClient(virtuoso.endpoint(virtuoso.editor))


def small_map(tmp_path: Path) -> MapDocument:
    text = f"""@prefix rx: <{RX}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    <urn:x:ward> a rx:Unit ; rdfs:label "Ward 7"@en-GB ; rx:headcount "012"^^xsd:int .
    <urn:x:nurse> a rx:Role ; rdfs:label "Nurse \\"in charge\\" <b>" ; rx:influence 0.50 .
    [] a rx:InfluenceTie ; rx:from <urn:x:nurse> ; rx:to <urn:x:ward> ; rx:strength 0.3 .
    """
    path = tmp_path / "map.ttl"
    path.write_text(text, encoding="utf-8")
    return MapDocument.open(path, editing=False, with_ontology=False)


def content(doc: MapDocument) -> set:
    return {(s, p, o) for s, p, o, _ in doc.store.quads(graph=DEFAULT_GRAPH)}


def label_of(doc: MapDocument, node) -> set:
    return {str(o) for _, _, o, _ in doc.store.quads(URIRef(node), RDFS.label, None, DEFAULT_GRAPH)}


def add(doc: MapDocument, node: str, label: str) -> None:
    doc.execute(Command("Add", added=frozenset({(URIRef(node), RDFS.label, Literal(label), DEFAULT_GRAPH)})))


def rename(doc: MapDocument, node: str, label: str) -> None:
    node_ = URIRef(node)
    old = frozenset(q for q in doc.store.quads(node_, RDFS.label, None, DEFAULT_GRAPH))
    new = frozenset({(node_, RDFS.label, Literal(label), DEFAULT_GRAPH)})
    doc.execute(Command("Rename", added=new, removed=old))


def shared_copies(tmp_path, server, n=2):
    """A map shared from one client and ``n`` working copies of it, opened for editing."""
    with server() as client:
        iri = sync.share(client, small_map(tmp_path), "Ward 7 map", ANN)
        return iri, [
            MapDocument.open(sync.clone(client, iri, tmp_path / f"copy{i}.trig"), with_ontology=False) for i in range(n)
        ]


def test_two_copies_edited_and_synced_see_both_edits_and_the_history_names_both(tmp_path, server):
    iri, (a, b) = shared_copies(tmp_path, server)
    with server() as client:
        # The copy is the shared map exactly: no phantom change from the server's forms of values.
        assert sync.status(a, client).text() == "Up to date"
        assert not any(type(t).__name__ == "BNode" for triple in content(a) for t in triple)
        add(a, "urn:x:huddle", "Discharge huddle")
        add(b, "urn:x:pharmacy", "Pharmacy")
        assert sync.status(a, client).local_changes == 1
        assert sync.sync(a, client, ANN, "Added the huddle").published is not None
        assert sync.status(b, client).remote_changes == 1
        result = sync.sync(b, client, BOB, "Added pharmacy")
        assert [r.author_name for r in result.pulled] == ["Ann Lee"] and result.published is not None
        sync.sync(a, client, ANN)
        for doc in (a, b):
            assert label_of(doc, "urn:x:huddle") == {"Discharge huddle"}
            assert label_of(doc, "urn:x:pharmacy") == {"Pharmacy"}
            assert sync.status(doc, client).text() == "Up to date"
        history = changelog.history(client, iri)
        assert [(r.author_name, r.message) for r in history[:2]] == [
            ("Bob Osei", "Added pharmacy"),
            ("Ann Lee", "Added the huddle"),
        ]
        assert changelog.content(client, iri) == changelog.replayed(client, iri) == content(a) == content(b)


def test_a_value_both_changed_is_a_conflict_with_both_values_and_the_choice_is_a_new_change(tmp_path, server):
    iri, (a, b) = shared_copies(tmp_path, server)
    with server() as client:
        rename(a, "urn:x:ward", "Ward Seven")
        rename(b, "urn:x:ward", "Ward VII")
        add(b, "urn:x:other", "Something else")  # not in conflict: published at once
        sync.sync(a, client, ANN)
        result = sync.sync(b, client, BOB)
        assert result.published is not None and label_of(a, "urn:x:other") == set()
        (conflict,) = result.conflicts
        assert (conflict.label, conflict.what) == ("Ward VII", "name")
        assert [str(v) for v in conflict.mine] == ["Ward VII"] and [str(v) for v in conflict.theirs] == ["Ward Seven"]
        assert label_of(b, "urn:x:ward") == {"Ward VII"}  # my value stays in my map, and is not published
        assert {
            str(o) for s, p, o in changelog.content(client, iri) if s == URIRef("urn:x:ward") and p == RDFS.label
        } == {"Ward Seven"}
        assert sync.sync(b, client, BOB).conflicts  # still waiting: nothing published for it
        sync.resolve(b, sync.conflicts(b), "mine")
        published = sync.sync(b, client, BOB, "Kept my name").published
        assert published is not None and not sync.conflicts(b)
        sync.sync(a, client, ANN)
        assert label_of(a, "urn:x:ward") == label_of(b, "urn:x:ward") == {"Ward VII"}
        assert changelog.content(client, iri) == changelog.replayed(client, iri)


def test_taking_their_value_settles_the_conflict_without_publishing(tmp_path, server):
    _iri, (a, b) = shared_copies(tmp_path, server)
    with server() as client:
        rename(a, "urn:x:nurse", "Charge nurse")
        rename(b, "urn:x:nurse", "Lead nurse")
        sync.sync(a, client, ANN)
        assert sync.sync(b, client, BOB).conflicts
        sync.resolve(b, sync.conflicts(b), "theirs")
        assert label_of(b, "urn:x:nurse") == {"Charge nurse"}
        assert sync.sync(b, client, BOB).published is None
        assert sync.status(b, client).text() == "Up to date"


def test_a_revert_is_a_new_change_that_undoes_the_old_one(tmp_path, server):
    iri, (a, b) = shared_copies(tmp_path, server)
    with server() as client:
        add(a, "urn:x:mistake", "A mistake")
        record = sync.sync(a, client, ANN, "Oops").published
        sync.sync(b, client, BOB)
        result = sync.revert(b, client, record, BOB)
        assert result.published is not None and result.published.reverts == record.iri
        sync.sync(a, client, ANN)
        assert label_of(a, "urn:x:mistake") == set()
        latest = changelog.history(client, iri)[0]
        assert (latest.author_name, latest.message, latest.reverts) == ("Bob Osei", "Revert: Oops", record.iri)


def test_a_sync_is_one_undoable_step_and_syncing_again_redoes_it(tmp_path, server):
    _iri, (a, b) = shared_copies(tmp_path, server)
    with server() as client:
        add(a, "urn:x:new", "New")
        sync.sync(a, client, ANN)
        sync.sync(b, client, BOB)
        assert label_of(b, "urn:x:new") == {"New"}
        b.undo()  # the sync: back to before it, pulled change and all
        assert label_of(b, "urn:x:new") == set() and sync.status(b, client).remote_changes == 1
        sync.sync(b, client, BOB)
        assert label_of(b, "urn:x:new") == {"New"} and sync.status(b, client).text() == "Up to date"


def test_a_server_that_is_down_or_refuses_the_password_leaves_the_copy_as_it_was(tmp_path, oxigraph_server):
    from explorer.team.endpoint import Endpoint

    with SparqlClient(Endpoint.for_server(oxigraph_server)) as client:
        iri = sync.share(client, small_map(tmp_path), "Down", ANN)
        doc = MapDocument.open(sync.clone(client, iri, tmp_path / "c.trig"), with_ontology=False)
    add(doc, "urn:x:kept", "Kept")
    before = set(doc.store.quads())
    with (
        SparqlClient(Endpoint.for_server("http://127.0.0.1:9", timeout=2)) as dead,
        pytest.raises(EndpointError, match="cannot reach"),
    ):
        sync.sync(doc, dead, ANN)
    assert set(doc.store.quads()) == before and label_of(doc, "urn:x:kept") == {"Kept"}


def test_wrong_credentials_are_named_and_the_copy_is_kept(tmp_path, virtuoso_server):
    with SparqlClient(virtuoso_server.endpoint(virtuoso_server.editor)) as client:
        iri = sync.share(client, small_map(tmp_path), "Locked", ANN)
        doc = MapDocument.open(sync.clone(client, iri, tmp_path / "c.trig"), with_ontology=False)
    add(doc, "urn:x:kept", "Kept")
    before = set(doc.store.quads())
    wrong = virtuoso_server.endpoint((virtuoso_server.editor[0], "not the password"))
    with SparqlClient(wrong) as client, pytest.raises(EndpointError, match="refused"):
        sync.sync(doc, client, ANN)
    assert set(doc.store.quads()) == before


def test_values_keep_one_form_through_the_server(tmp_path, server):
    _iri, (a,) = shared_copies(tmp_path, server, n=1)
    values = {o for _, _, o in content(a) if isinstance(o, Literal)}
    assert Literal("12", datatype=XSD.integer) in values and Literal("0.5", datatype=XSD.decimal) in values
    assert Literal("Ward 7", lang="en-gb") in values and Literal('Nurse "in charge" <b>') in values


def test_eight_copies_publishing_thirty_edits_each_at_once_lose_nothing(tmp_path, server):
    """Every edit is in the final map or was shown to its author as a conflict; the map is its log replayed."""
    clients, edits = 8, 30
    iri, docs = shared_copies(tmp_path, server, n=clients)
    shown: list[set] = [set() for _ in range(clients)]  # the values each author was told clashed
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            with server() as client:
                for k in range(edits):
                    add(docs[i], f"urn:x:c{i}-e{k}", f"edit {k} of copy {i}")
                    if k % 10 == 0:  # everybody renames the one ward now and then: real clashes
                        rename(docs[i], "urn:x:ward", f"Ward named by {i} at {k}")
                    for _ in range(10):  # the person presses Sync again when others kept publishing first
                        try:
                            result = sync.sync(docs[i], client, Author.named(f"copy {i}"))
                            break
                        except sync.SyncError:
                            continue
                    else:
                        raise AssertionError(f"copy {i} could not sync in ten tries")
                    shown[i] |= {str(v) for c in result.conflicts for v in c.mine}
                    if result.conflicts:
                        sync.resolve(docs[i], result.conflicts, "theirs")
        except Exception as err:  # noqa: BLE001 - any failure in a thread is reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors, errors
    with server() as client:
        for _round in range(2):  # the first round may publish what a copy still held; the second pulls it
            for doc in docs:
                sync.sync(doc, client, ANN)
        final = changelog.content(client, iri)
        assert final == changelog.replayed(client, iri)
        for i in range(clients):
            for k in range(edits):
                assert (URIRef(f"urn:x:c{i}-e{k}"), RDFS.label, Literal(f"edit {k} of copy {i}")) in final
        # Every name given to the ward reached the log (where any later change of it is in the history)
        # or was shown to its author as a conflict.
        logged = {
            str(t[2])
            for r in changelog.records(client, iri)
            for t in r.adds
            if t[:2] == (URIRef("urn:x:ward"), RDFS.label)
        }
        for i in range(clients):
            for k in range(0, edits, 10):
                name = f"Ward named by {i} at {k}"
                assert name in logged or name in shown[i], name
        for doc in docs:
            assert content(doc) == final


def test_of_two_copies_asking_for_the_lease_at_once_the_first_waits_instead_of_both_stepping_back(tmp_path, server):
    """Another copy asked for the write lease just after this one and has not stepped back yet: this copy, the
    first to ask, waits for it to step back and publishes at its first try (when both stepped back, copies
    publishing at once could step back together time after time until they gave up)."""
    import time

    iri, (a,) = shared_copies(tmp_path, server, n=1)
    g = changelog.graphs(iri)
    with server() as client, server() as others:
        later = URIRef(f"{iri}/lease/{time.time_ns() + 10**12:020d}-asked-later")
        real_update, leases_asked = client.update, []

        def update(text: str) -> None:
            if "/lease/" in text and "INSERT DATA" in text:
                leases_asked.append(text)
                others.update(  # the other copy's lease, live for a minute unless it steps back
                    f"INSERT DATA {{ GRAPH <{g.meta}> {{ <{iri}> <{changelog.TEAM.lease}> <{later}> . "
                    f'<{later}> <{changelog.TEAM.until}> "{time.time() + 60}"^^<{XSD.decimal}> }} }}'
                )
                threading.Timer(
                    0.5,
                    lambda: others.update(
                        f"DELETE WHERE {{ GRAPH <{g.meta}> {{ <{iri}> ?p <{later}> . <{later}> ?q ?o }} }}"
                    ),
                ).start()
            real_update(text)

        client.update = update  # type: ignore[method-assign]
        add(a, "urn:x:first", "First to ask")
        assert sync.sync(a, client, ANN).published is not None
        assert len(leases_asked) == 1, "it stepped back and asked again"
        assert changelog.content(client, iri) == changelog.replayed(client, iri) == content(a)


def test_a_copy_that_has_read_the_server_to_publish_is_not_overtaken(tmp_path, server, monkeypatch):
    """Ann syncs just after Bob's sync has read the server: Bob took the map's write lease before he read, so
    Ann waits for it and publishes after him, and Bob publishes at his first try (one lease asked for)."""
    iri, (a, b) = shared_copies(tmp_path, server)
    with server() as anns, server() as bobs:
        add(a, "urn:x:ann-only", "Ann's unit")
        add(b, "urn:x:bob-only", "Bob's unit")
        real_pull, real_update = sync._pull, bobs.update
        anns_results: list = []
        ann = threading.Thread(target=lambda: anns_results.append(sync.sync(a, anns, ANN)))
        leases_asked = []

        def bob_update(text: str) -> None:
            if "/lease/" in text and "INSERT DATA" in text:
                leases_asked.append(text)
            real_update(text)

        def pull(client, found):
            records = real_pull(client, found)
            if client is bobs and not ann.is_alive() and not anns_results:  # Bob has read; Ann syncs now
                ann.start()
                ann.join(timeout=1.0)  # she would be done by now if nothing kept her out
            return records

        bobs.update = bob_update  # type: ignore[method-assign]
        monkeypatch.setattr(sync, "_pull", pull)
        bobs_result = sync.sync(b, bobs, BOB)
        ann.join(timeout=120)
        assert len(leases_asked) == 1, "Bob was overtaken between his read and his publish"
        (anns_result,) = anns_results
        assert bobs_result.published is not None and anns_result.published is not None
        assert anns_result.published.base_version == bobs_result.published.version, "Ann published after Bob"
        sync.sync(b, bobs, BOB)
        assert content(a) == content(b) == changelog.content(anns, iri) == changelog.replayed(anns, iri)


@pytest.mark.parametrize("delay", [0.02])
def test_a_copy_killed_while_publishing_leaves_all_or_nothing_and_resumes(tmp_path, oxigraph_server, delay):
    import os
    import signal
    import subprocess
    import sys
    import time

    from explorer.team.endpoint import Endpoint

    with SparqlClient(Endpoint.for_server(oxigraph_server)) as client:
        iri = sync.share(client, small_map(tmp_path), "Killed", ANN)
        path = sync.clone(client, iri, tmp_path / "c.trig")
        doc = MapDocument.open(path, with_ontology=False)
        many = frozenset(
            (URIRef(f"urn:x:n{k}"), RDFS.label, Literal(f"node {k} " + "x" * 50), DEFAULT_GRAPH) for k in range(30_000)
        )
        doc.execute(Command("Add many", added=many))
        doc.save()
        doc.close()
        env = {**os.environ, "ROUTINE_EXPLORER_AUTHOR": "Killed client"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "explorer", "sync", str(path), "-m", "big"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        # Killed while it writes the change (its statements first go to graphs of its own).
        staging = f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), '{iri}/changes/')) }}"
        deadline = time.monotonic() + 60
        while not client.ask(staging) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
        time.sleep(delay)
        assert proc.poll() is None, "the copy was still publishing when it was killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        # All of the change or none of it: the log and the map agree.
        on_server = changelog.content(client, iri)
        published = {(s, p, o) for s, p, o, _ in many} <= on_server
        assert published or not ({(s, p, o) for s, p, o, _ in many} & on_server)
        assert (changelog.count_changes(client, iri) == 2) == published
        assert on_server == changelog.replayed(client, iri)
        # The copy resumes: a second sync finishes the work, publishing nothing twice.
        doc = MapDocument.open(path, with_ontology=False)
        if doc.pending_recovery is not None:
            doc.recover()
        sync.sync(doc, client, ANN, "big")
        assert {(s, p, o) for s, p, o, _ in many} <= changelog.content(client, iri)
        assert changelog.count_changes(client, iri) == 2
        assert sync.status(doc, client).text() == "Up to date"
        doc.close()


def test_a_map_larger_than_a_servers_answer_cap_shares_clones_and_publishes_whole(tmp_path, server):
    """Virtuoso cuts answers at 10,000 rows and one INSERT DATA at ~5,000 triples: reading and writing go in parts."""
    doc = small_map(tmp_path)
    doc.store.apply(
        added=[(URIRef(f"urn:x:r{k:05d}"), RDFS.label, Literal(f"role {k}"), DEFAULT_GRAPH) for k in range(10_500)]
    )
    with server() as client:
        iri = sync.share(client, doc, "Big", ANN)
        copy = MapDocument.open(sync.clone(client, iri, tmp_path / "big.trig"), with_ontology=False)
        assert content(copy) == changelog.content(client, iri) and len(content(copy)) > 10_500
        big = frozenset((URIRef(f"urn:x:t{k:05d}"), RDFS.label, Literal(f"t {k}"), DEFAULT_GRAPH) for k in range(3_000))
        copy.execute(Command("Add many", added=big))
        assert sync.sync(copy, client, ANN).published is not None
        assert changelog.content(client, iri) == content(copy) == changelog.replayed(client, iri)


def test_the_engine_check_says_how_many_simultaneous_changes_went_through(server):
    with server() as client:
        endpoint = client.endpoint
    found = changelog.check_engine(endpoint)
    assert 1 <= found.winners <= 8 and found.writers == 8
    assert ("does not isolate writes" in found.text()) == (found.winners > 1)
    with server() as client:  # the scratch graph is gone
        assert not client.ask(
            f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), '{changelog.SHARED_BASE}engine-check/')) }}"
        )


def _just_after_reading(monkeypatch, reader: SparqlClient, act) -> None:
    """Run ``act()`` once, just after the sync made with ``reader`` has read the server's changes: a real event
    between its read and its publish, as when another copy publishes at that moment."""
    real, done = sync._pull, []

    def pull(client, found):
        records = real(client, found)
        if client is reader and not done:
            done.append(True)
            act()
        return records

    monkeypatch.setattr(sync, "_pull", pull)


def _without_the_lease(monkeypatch, iri, act) -> None:
    """Run ``act()`` as a copy that publishes without taking the map's write lease (an older app, another tool)."""
    import contextlib

    with monkeypatch.context() as patched:
        patched.setattr(changelog, "write_lease", lambda *_a, **_k: contextlib.nullcontext(URIRef(f"{iri}/lease/none")))
        act()


def test_a_clash_stays_held_when_the_publish_is_tried_again(tmp_path, server, monkeypatch):
    """Bob's name clashes with Ann's; Cat publishes (without the lease) just after Bob's first read, so Bob's
    publish finds the version moved on and his sync tries again."""
    iri, (a, b, c) = shared_copies(tmp_path, server, n=3)
    with server() as client, server() as cats:
        rename(a, "urn:x:ward", "Ann's ward")
        sync.sync(a, client, ANN)
        rename(b, "urn:x:ward", "Bob's ward")
        add(b, "urn:x:bob-only", "Bob's unit")
        add(c, "urn:x:cat-only", "Cat's unit")
        _just_after_reading(
            monkeypatch,
            client,
            lambda: _without_the_lease(monkeypatch, iri, lambda: sync.sync(c, cats, Author.named("Cat"))),
        )
        result = sync.sync(b, client, BOB)
        assert result.published is not None and [str(v) for v in result.conflicts[0].theirs] == ["Ann's ward"]
        ward = {str(o) for s, p, o in changelog.content(client, iri) if (s, p) == (URIRef("urn:x:ward"), RDFS.label)}
        assert ward == {"Ann's ward"}, "Bob's clashing name was not published behind Ann's back"
        assert label_of(b, "urn:x:cat-only") == {"Cat's unit"} and label_of(b, "urn:x:ward") == {"Bob's ward"}


def test_two_changes_of_one_value_landing_at_once_come_to_their_authors_as_a_conflict(tmp_path, server, monkeypatch):
    """Both guards pass on an engine without write isolation: Ann's change (from a copy not using the write
    lease) lands while Bob's is in flight, and the server evaluates Bob's guard as of before (here the meta
    graph is set back to that version, which is what such an engine does in effect). Both changes are in the
    map; each author is shown the clash."""
    iri, (a, b) = shared_copies(tmp_path, server)
    meta = changelog.graphs(iri).meta
    with server() as client, server() as anns:
        rename(a, "urn:x:ward", "Ward A")
        rename(b, "urn:x:ward", "Ward B")

        def ann_lands_first() -> None:
            _without_the_lease(monkeypatch, iri, lambda: sync.sync(a, anns, ANN))
            anns.update(
                f"DELETE {{ GRAPH <{meta}> {{ <{iri}> <{changelog.TEAM.version}> 1 }} }} "
                f"INSERT {{ GRAPH <{meta}> {{ <{iri}> <{changelog.TEAM.version}> 0 }} }} WHERE {{}}"
            )

        _just_after_reading(monkeypatch, client, ann_lands_first)
        assert sync.sync(b, client, BOB).published is not None
        assert [r.base_version for r in changelog.history(client, iri)[:2]] == [0, 0], "both landed on version 0"
        for doc, who in ((a, ANN), (b, BOB)):
            (conflict,) = sync.sync(doc, client, who).conflicts
            assert {str(v) for v in conflict.mine + conflict.theirs} == {"Ward A", "Ward B"}
        sync.resolve(b, sync.conflicts(b), "theirs")  # Bob takes Ann's name; Ann keeps hers
        sync.resolve(a, sync.conflicts(a), "mine")
        for doc, who in ((b, BOB), (a, ANN), (b, BOB)):
            sync.sync(doc, client, who)
        assert label_of(a, "urn:x:ward") == label_of(b, "urn:x:ward") == {"Ward A"}
        assert content(a) == content(b) == changelog.content(client, iri) == changelog.replayed(client, iri)


def test_a_long_log_is_read_a_batch_at_a_time(tmp_path, oxigraph_server, monkeypatch):
    from explorer.team.endpoint import Endpoint

    monkeypatch.setattr(changelog, "BATCH", 3)  # as if the log were longer than a server's answer cap
    with SparqlClient(Endpoint.for_server(oxigraph_server)) as client:
        iri = sync.share(client, small_map(tmp_path), "Long log", ANN)
        doc = MapDocument.open(sync.clone(client, iri, tmp_path / "c.trig"), with_ontology=False)
        for k in range(8):
            add(doc, f"urn:x:n{k}", f"node {k}")
            sync.sync(doc, client, ANN, f"change {k}")
        history = changelog.history(client, iri)
        assert [r.message for r in history] == [f"change {k}" for k in reversed(range(8))] + ["Shared Long log"]
        assert changelog.replayed(client, iri) == changelog.content(client, iri) == content(doc)
        fresh = MapDocument.open(sync.clone(client, iri, tmp_path / "d.trig"), with_ontology=False)
        assert content(fresh) == content(doc)


def test_a_copy_holding_the_write_lease_keeps_others_out_until_it_expires(tmp_path, server, monkeypatch):
    """The lease that keeps a slow change from landing after a later one (engines without write isolation)."""
    iri, (a,) = shared_copies(tmp_path, server, n=1)
    g = changelog.graphs(iri)
    lease = URIRef(f"{iri}/lease/someone-else")

    def hold(until: float) -> None:
        client.update(
            f"INSERT DATA {{ GRAPH <{g.meta}> {{ <{iri}> <{changelog.TEAM.lease}> <{lease}> . "
            f'<{lease}> <{changelog.TEAM.until}> "{until}"^^<{XSD.decimal}> }} }}'
        )

    with server() as client:
        import time

        hold(time.time() + 60)
        add(a, "urn:x:waits", "Waits")
        monkeypatch.setattr(sync, "ATTEMPTS", 2)
        monkeypatch.setattr(changelog, "LEASE_WAIT", 0.2)  # whichever lease sorts first, it is not kept waiting long
        with pytest.raises(sync.SyncError, match="kept publishing first"):
            sync.sync(a, client, ANN)
        assert label_of(a, "urn:x:waits") == {"Waits"} and sync.status(a, client).local_changes == 1
        client.update(f"DELETE WHERE {{ GRAPH <{g.meta}> {{ <{iri}> <{changelog.TEAM.lease}> ?l . ?l ?p ?o }} }}")
        hold(time.time() - 1)  # a lease left by a copy that died: expired, so it is cleared and ignored
        assert sync.sync(a, client, ANN).published is not None
        assert changelog.content(client, iri) == changelog.replayed(client, iri) == content(a)


def test_a_change_whose_answer_was_lost_is_known_as_ours_at_the_next_sync(tmp_path, oxigraph_server):
    """The publish lands but neither its answer nor the receipt comes back; the person then deletes what it
    added. The next sync must not bring it back as if someone else had added it."""
    from explorer.team.endpoint import Endpoint

    with SparqlClient(Endpoint.for_server(oxigraph_server)) as client:
        iri = sync.share(client, small_map(tmp_path), "Lost answer", ANN)
        doc = MapDocument.open(sync.clone(client, iri, tmp_path / "c.trig"), with_ontology=False)
        add(doc, "urn:x:t2", "Added then deleted")
        real_update, real_ask = client.update, client.ask
        lost = []

        def update(text: str) -> None:
            real_update(text)
            if "/log>" in text and not lost:  # the guarded request: it lands, its answer does not come back
                lost.append(True)
                raise EndpointError("the connection failed during a change (simulated: the answer was lost)")

        def ask(text: str) -> bool:
            if lost and len(lost) == 1:
                lost.append(True)
                raise EndpointError("the server did not answer a question (simulated)")
            return real_ask(text)

        client.update, client.ask = update, ask  # type: ignore[method-assign]
        with pytest.raises(EndpointError):
            sync.sync(doc, client, ANN, "add t2")
        client.update, client.ask = real_update, real_ask  # type: ignore[method-assign]
        assert changelog.count_changes(client, iri) == 2, "it landed"
        node = URIRef("urn:x:t2")
        doc.execute(Command("Delete", removed=frozenset(doc.store.quads(node, None, None, DEFAULT_GRAPH))))
        sync.sync(doc, client, ANN, "delete t2")
        assert label_of(doc, "urn:x:t2") == set()
        assert not any(s == node for s, _, _ in changelog.content(client, iri))
        assert changelog.content(client, iri) == changelog.replayed(client, iri) == content(doc)
