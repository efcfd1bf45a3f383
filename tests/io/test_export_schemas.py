"""GraphML and GEXF exports are valid against the formats' official schemas, which validating readers enforce.

JGraphT, for one, validates GraphML by default: a key id declared twice or a node id that is not an XML
name token (an IRI) and it reads nothing. The schemas are kept in tests/support/schemas (see its README).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from export_maps import hostile_map, keystone

from explorer.core.resources import sample_graphs_dir
from explorer.io.gexf import write_gexf
from explorer.io.graphml import write_graphml

etree = pytest.importorskip("lxml.etree")

SCHEMAS = Path(__file__).resolve().parents[1] / "support" / "schemas"


@pytest.fixture(scope="module")
def graphml_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "graphml" / "graphml.xsd")))


@pytest.fixture(scope="module")
def gexf_grammar():
    return etree.RelaxNG(etree.parse(str(SCHEMAS / "gexf-1.3" / "gexf.rng")))


def _maps(tmp_path):
    from explorer.core.document import MapDocument

    yield "keystone", keystone()
    yield "hostile", hostile_map(tmp_path)
    for path in sorted(sample_graphs_dir().glob("*.ttl")):
        yield path.stem, MapDocument.open(path, editing=False)
    yield "empty", MapDocument.new(title="Empty", editing=False)


def _valid(schema, path: Path) -> None:
    document = etree.parse(str(path))
    assert schema.validate(document), f"{path.name}: {schema.error_log.filter_from_errors()[:3]}"


def test_every_graphml_export_is_valid_against_the_graphml_schema(tmp_path, graphml_schema):
    for name, doc in _maps(tmp_path):
        out = tmp_path / f"{name}.graphml"
        write_graphml(doc, out, heat={})
        doc.close()
        _valid(graphml_schema, out)


def test_every_gexf_export_is_valid_gexf_1_3_with_our_creator_and_the_title_in_meta(tmp_path, gexf_grammar):
    for name, doc in _maps(tmp_path):
        out = tmp_path / f"{name}.gexf"
        title = doc.title
        write_gexf(doc, out)
        doc.close()
        _valid(gexf_grammar, out)
        root = etree.parse(str(out)).getroot()
        ns = {"g": "http://gexf.net/1.3"}
        assert root.get("version") == "1.3" and root.find("g:graph", ns).get("name") is None
        assert root.findtext("g:meta/g:creator", namespaces=ns).startswith("Routine Explorer")
        assert root.findtext("g:meta/g:description", namespaces=ns) == title
        titles = [a.get("title") for a in root.iterfind("g:graph/g:attributes/g:attribute", ns)]
        assert "networkx_key" not in titles


def test_the_schemas_refuse_what_the_networkx_writers_wrote(tmp_path, graphml_schema, gexf_grammar):
    # The check itself can fail: a key id declared twice and IRIs as node ids, as the exports had them.
    bad = tmp_path / "bad.graphml"
    bad.write_text(
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<key id="colour" for="node" attr.name="colour" attr.type="string"/>'
        '<key id="colour" for="edge" attr.name="colour" attr.type="string"/>'
        '<graph edgedefault="directed"><node id="https://example.org/a#b"/></graph></graphml>',
        encoding="utf-8",
    )
    assert not graphml_schema.validate(etree.parse(str(bad)))
    named = tmp_path / "named.gexf"
    named.write_text(
        '<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph name="Map"><nodes/><edges/></graph></gexf>',
        encoding="utf-8",
    )
    assert not gexf_grammar.validate(etree.parse(str(named)))
