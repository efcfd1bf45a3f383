"""The team commands on a real Oxigraph server: share, clone, sync (exit 3 on conflicts), history."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import RDFS, Literal, URIRef
from support.paths import SAMPLES

from explorer.cli import EXIT_BAD_INPUT, EXIT_CONFLICTS, EXIT_OK, main
from explorer.core.commands import Command
from explorer.core.document import MapDocument
from explorer.core.terms import DEFAULT_GRAPH

SAMPLE = SAMPLES / "keystone-michigan.ttl"
NODE = URIRef("urn:x:cli-node")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def rename(path: Path, name: str) -> None:
    with MapDocument.open(path, with_ontology=False) as doc:
        old = frozenset(doc.store.quads(NODE, RDFS.label, None, DEFAULT_GRAPH))
        doc.execute(Command("Rename", added=frozenset({(NODE, RDFS.label, Literal(name), DEFAULT_GRAPH)}), removed=old))
        doc.save()


def test_share_clone_sync_conflict_and_history(capsys, oxigraph_server, tmp_path, monkeypatch):
    monkeypatch.setenv("ROUTINE_EXPLORER_AUTHOR", "Ann Lee")
    ann, bob = tmp_path / "ann.trig", tmp_path / "bob.trig"
    code, out, err = run(
        capsys, "share", str(SAMPLE), "--endpoint", oxigraph_server, "--title", "Keystone", "-o", str(ann)
    )
    assert code == EXIT_OK, err
    iri = out.strip()
    assert iri.startswith("https://w3id.org/routine-explorer/shared/")
    code, out, err = run(capsys, "clone", oxigraph_server, iri, "-o", str(bob))
    assert code == EXIT_OK and "working copy" in out, err
    assert run(capsys, "clone", oxigraph_server, iri, "-o", str(bob))[0] == EXIT_BAD_INPUT  # never overwrites

    rename(ann, "Ann's name")
    code, out, err = run(capsys, "sync", str(ann), "-m", "Named it")
    assert code == EXIT_OK and "published 1" in out, err
    rename(bob, "Bob's name")
    monkeypatch.setenv("ROUTINE_EXPLORER_AUTHOR", "Bob Osei")
    code, out, err = run(capsys, "sync", str(bob))
    assert code == EXIT_CONFLICTS, err
    assert "1 conflict" in out and "yours Bob's name" in out and "on the server Ann's name" in out
    code, out, err = run(capsys, "sync", str(bob), "--mine", "-m", "My name stays")
    assert code == EXIT_OK and "published 1" in out, err
    monkeypatch.setenv("ROUTINE_EXPLORER_AUTHOR", "Ann Lee")
    assert run(capsys, "sync", str(ann))[0] == EXIT_OK
    with MapDocument.open(ann, editing=False, with_ontology=False) as doc:
        assert {str(o) for _, _, o, _ in doc.store.quads(NODE, RDFS.label, None, DEFAULT_GRAPH)} == {"Bob's name"}

    code, out, err = run(capsys, "history", str(ann), "--format", "json")
    assert code == EXIT_OK, err
    changes = json.loads(out)["changes"]
    assert [(c["author"], c["message"]) for c in changes] == [
        ("Bob Osei", "My name stays"),
        ("Ann Lee", "Named it"),
        ("Ann Lee", "Shared Keystone"),
    ]
    code, out, _ = run(capsys, "history", str(ann))
    assert "Bob Osei" in out.splitlines()[0] and "+1 −1 statements" in out


def test_another_engines_layout_and_bad_requests(capsys, oxigraph_server, tmp_path):
    copy = tmp_path / "c.trig"
    code, _out, err = run(
        capsys,
        "share",
        str(SAMPLE),
        "--endpoint",
        oxigraph_server + "/query",
        "--update-endpoint",
        oxigraph_server + "/update",
        "-o",
        str(copy),
    )
    assert code == EXIT_OK, err
    assert run(capsys, "sync", str(copy))[0] == EXIT_OK
    code, _, err = run(capsys, "sync", str(SAMPLE))
    assert code == EXIT_BAD_INPUT and "not a working copy" in err
    code, _, err = run(capsys, "share", str(SAMPLE), "--endpoint", "http://127.0.0.1:9", "--timeout", "2")
    assert code == EXIT_BAD_INPUT and "cannot reach" in err and "\n" not in err.strip()
    code, _, err = run(capsys, "share", str(SAMPLE), "--endpoint", "ftp://x")
    assert code == EXIT_BAD_INPUT and "web address" in err
