"""The base IRI a map's data assumes (issue 21, item 2): ``MapDocument.open(base=...)`` and ``--base IRI``.

Published data often writes relative IRIs and says which base it assumes; by default they resolve against the
file's name (:func:`explorer.core.rdf_formats.local_base`), which stays so.
"""

from __future__ import annotations

import pytest
import rdflib

from explorer.cli import main
from explorer.core.document import MapDocument
from explorer.core.errors import ExplorerError
from explorer.core.rdf_formats import local_base

BASE = "https://data.example.org/ward-7/"
RELATIVE = b"<alice> <worksIn> <#ward> .\n"


@pytest.fixture
def relative_map(tmp_path):
    path = tmp_path / "relative.ttl"
    path.write_bytes(RELATIVE)
    return path


def _subjects(doc) -> set[str]:
    return {str(q[0]) for q in doc.store.quads()}


def test_open_resolves_relative_iris_against_the_base_given(relative_map):
    doc = MapDocument.open(relative_map, editing=False, with_ontology=False, base=BASE)
    assert _subjects(doc) == {BASE + "alice"}
    assert {str(q[2]) for q in doc.store.quads()} == {BASE + "#ward"}


def test_open_without_a_base_resolves_against_the_files_name(relative_map):
    doc = MapDocument.open(relative_map, editing=False, with_ontology=False)
    assert _subjects(doc) == {local_base(relative_map).rsplit("/", 1)[0] + "/alice"}


def test_a_base_in_the_file_still_wins_over_the_one_given(tmp_path):
    path = tmp_path / "based.ttl"
    path.write_bytes(b"@base <http://inside.example/> .\n" + RELATIVE)
    doc = MapDocument.open(path, editing=False, with_ontology=False, base=BASE)
    assert _subjects(doc) == {"http://inside.example/alice"}


def test_revert_reads_the_file_with_the_same_base(relative_map):
    doc = MapDocument.open(relative_map, with_ontology=False, base=BASE)
    try:
        doc.revert()
        assert _subjects(doc) == {BASE + "alice"}
    finally:
        doc.close()


@pytest.mark.parametrize("bad", ["data/ward-7/", "#ward", "http://exa mple.org/", ""])
def test_open_refuses_a_base_that_is_not_an_absolute_iri(relative_map, bad):
    with pytest.raises(ExplorerError) as caught:
        MapDocument.open(relative_map, editing=False, with_ontology=False, base=bad)
    assert "not an absolute IRI" in str(caught.value) and repr(bad) in str(caught.value)


def test_convert_base_option(relative_map, tmp_path, capsys):
    out = tmp_path / "out.nt"
    assert main(["convert", str(relative_map), str(out), "--base", BASE]) == 0
    graph = rdflib.Graph().parse(out, format="nt")
    assert set(graph.subjects()) == {rdflib.URIRef(BASE + "alice")}


@pytest.mark.parametrize("command", [["convert", "{map}", "{out}"], ["info", "{map}"], ["validate", "{map}"]])
def test_a_bad_base_is_one_line_exit_2_and_nothing_written(relative_map, tmp_path, capsys, command):
    out = tmp_path / "out.nt"
    argv = [part.format(map=relative_map, out=out) for part in command] + ["--base", "ward-7/"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'ward-7/' is not an absolute IRI" in err and "Traceback" not in err
    assert not out.exists()


def test_export_reads_with_the_base(relative_map, tmp_path, capsys):
    out = tmp_path / "exported.nt"
    assert main(["export", str(relative_map), str(out), "--base", BASE]) == 0, capsys.readouterr().err
    graph = rdflib.Graph().parse(out, format="nt")
    assert rdflib.URIRef(BASE + "alice") in set(graph.subjects())
