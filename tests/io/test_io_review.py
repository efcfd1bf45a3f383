"""Defects found reviewing the exports and imports: each test failed before its fix.

XML screening that an encoding or a long comment could slip past, a workbook
that unpacks a hundredfold, formulas in CSV headers, control characters that
made GraphML and GEXF unreadable, tie identifiers reused within one import,
"replace" dropping values the file keeps, exports written over the map itself,
and a CSV sample that took the sniffer tens of seconds.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile

import networkx as nx
import openpyxl
import pytest
from export_maps import KEYSTONE
from rdflib import Literal, URIRef
from rdflib.namespace import RDF
from support.waiting import no_hang

from explorer.cli import main
from explorer.core.commands import Command, add_node
from explorer.core.document import MapDocument
from explorer.core.errors import UnsafeInputError
from explorer.core.namespaces import RX
from explorer.core.schema import schema_of
from explorer.core.store import ANY_GRAPH
from explorer.core.terms import DEFAULT_GRAPH
from explorer.io import merge
from explorer.io.csv_tables import csv_paths, read_csv, write_csv
from explorer.io.gexf import read_gexf, write_gexf
from explorer.io.graphml import read_graphml, write_graphml
from explorer.io.xlsx import read_xlsx

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

GRAPHML_WITH_ENTITY = (
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE graphml [<!ENTITY a "EXPANDED">]>'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
    '<key id="l" for="node" attr.name="label" attr.type="string"/>'
    '<graph edgedefault="directed"><node id="n"><data key="l">&a;</data></node></graph></graphml>'
)


@pytest.fixture
def doc():
    document = MapDocument.new(base_iri="https://example.org/map/")
    yield document
    document.close()


def everything(document) -> set:
    return set(document.store.quads(graph=ANY_GRAPH))


# ----------------------------------------------------------------------------- XML entities


def test_a_doctype_in_utf16_without_a_byte_order_mark_is_refused(tmp_path):
    # expat reads UTF-16 from "<\0?\0" without a BOM; a byte search for "<!DOCTYPE" saw nothing.
    for reader, name in ((read_graphml, "x.graphml"), (read_gexf, "x.gexf")):
        path = tmp_path / name
        text = GRAPHML_WITH_ENTITY if reader is read_graphml else GRAPHML_WITH_ENTITY.replace("graphml", "gexf")
        path.write_bytes(text.encode("utf-16-le"))
        with pytest.raises(UnsafeInputError, match="DOCTYPE"):
            reader(path)


def _workbook_with_sheet(tmp_path, transform):
    good = tmp_path / "good.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Name"])
    book.active.append(["Ana"])
    book.save(good)
    out = tmp_path / "changed.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = transform(data)
            target.writestr(item.filename, data)
    return out


def test_a_workbook_doctype_behind_a_long_comment_is_refused(tmp_path):
    # Only the first 4 KiB of each part were searched; a comment before the DOCTYPE pushed it past them.
    def hide(data: bytes) -> bytes:
        body = re.sub(rb"<c r=\"A2\"[^>]*>.*?</c>", b'<c r="A2" t="inlineStr"><is><t>&a;</t></is></c>', data)
        return b'<?xml version="1.0"?><!--' + b"x" * 5000 + b'--><!DOCTYPE worksheet [<!ENTITY a "EXPANDED">]>' + body

    with pytest.raises(UnsafeInputError, match="DOCTYPE"):
        read_xlsx(_workbook_with_sheet(tmp_path, hide))


def test_a_workbook_that_unpacks_a_hundredfold_is_refused(tmp_path):
    # 5 MB of one repeated row packs into a few kilobytes: a small zip bomb that the 2 GB total let through.
    # How fast it is refused (from the zip's directory, before unpacking) is measured by
    # tests/benchmarks/bench_import.py --hostile.
    row = b'<row><c t="inlineStr"><is><t>a</t></is></c></row>'

    def inflate(data: bytes) -> bytes:
        return data.replace(b"</sheetData>", row * (5_000_000 // len(row)) + b"</sheetData>")

    bomb = _workbook_with_sheet(tmp_path, inflate)
    assert bomb.stat().st_size < 100_000
    with pytest.raises(UnsafeInputError, match="unpack"):
        read_xlsx(bomb)


def test_an_ordinary_workbook_still_reads(tmp_path):
    path = tmp_path / "roster.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Name", "Team"])
    for i in range(3000):
        book.active.append([f"Person {i}", f"Ward {i % 7}"])
    book.save(path)
    assert len(read_xlsx(path).nodes.rows) == 3000


# ----------------------------------------------------------------------------- CSV


def test_csv_headers_cannot_start_a_formula(doc, tmp_path):
    unit = doc.mint_iri(RX.Unit, "ICU")
    doc.execute(add_node(doc.store, unit, RX.Unit, "ICU"))
    doc.execute(
        Command(
            "p",
            added=frozenset({(unit, URIRef("https://example.org/=1+2"), Literal("v"), DEFAULT_GRAPH)}),
            removed=frozenset(),
        )
    )
    write_csv(doc, tmp_path / "x.csv")
    with open(csv_paths(tmp_path / "x.csv")[0], encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header[-1] == "'=1+2"
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in header)


def test_a_hostile_csv_sample_does_not_stall_the_sniffer(tmp_path):
    # csv.Sniffer is quadratic in its sample: 64 KiB of this took it over 20 seconds, so the 250 KB
    # here would run for minutes if the whole file were sniffed; the capped sample takes milliseconds.
    path = tmp_path / "slow.csv"
    path.write_text("Name\n" + ',"a' * 84_000 + "\n", encoding="utf-8")
    with no_hang(60, "sniffing a hostile CSV"):
        source = read_csv(path)
    assert len(source.nodes.rows) == 1


# ----------------------------------------------------------------------------- GraphML and GEXF


@pytest.mark.parametrize(
    ("writer", "reader"), [(write_graphml, nx.read_graphml), (write_gexf, nx.read_gexf)], ids=["graphml", "gexf"]
)
def test_control_characters_in_map_text_keep_graph_files_readable(doc, tmp_path, writer, reader):
    # XML 1.0 cannot hold U+0000-U+001F (but tab, newline, return): the files were not well-formed.
    unit = doc.mint_iri(RX.Unit, "ICU")
    doc.execute(add_node(doc.store, unit, RX.Unit, "Ward\x01 7\x0b\x00 end\ttab"))
    doc.execute(
        Command(
            "c",
            added=frozenset(
                {
                    (unit, RX.readiness, Literal("0.5"), DEFAULT_GRAPH),
                    (unit, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"), Literal("bell\x07"), DEFAULT_GRAPH),
                }
            ),
            removed=frozenset(),
        )
    )
    out = tmp_path / f"x.{writer.__name__[6:]}"
    writer(doc, out)
    G = reader(out)
    data = next(d for n, d in G.nodes(data=True) if d.get("iri", n) == str(unit))  # GraphML ids are short
    assert data["label"] == "Ward\ufffd 7\ufffd\ufffd end\ttab"
    assert data["comment"] == "bell\ufffd"


def _graphml(nodes, edges) -> str:
    lines = [
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
        '<key id="l" for="node" attr.name="label" attr.type="string"/>',
        '<key id="k" for="node" attr.name="kind" attr.type="string"/>',
        '<key id="r" for="edge" attr.name="relation" attr.type="string"/>',
        '<key id="i" for="edge" attr.name="id" attr.type="string"/>',
        '<graph edgedefault="directed">',
    ]
    lines += [
        f'<node id="{i}"><data key="l">{label}</data><data key="k">{RX.Routine}</data></node>' for i, label in nodes
    ]
    lines += [
        f'<edge source="{a}" target="{b}"><data key="r">{RX.Interdependency}</data><data key="i">{i}</data></edge>'
        for i, a, b in edges
    ]
    return "\n".join([*lines, "</graph></graphml>"])


def test_an_edge_identifier_used_twice_or_by_a_node_is_listed_not_merged(doc, tmp_path):
    # Both edges became one tie with two "from" and two "to"; an edge named like a node turned the node into a tie.
    nodes = [("urn:x:r1", "R1"), ("urn:x:r2", "R2"), ("urn:x:r3", "R3")]
    edges = [
        ("urn:x:t1", "urn:x:r1", "urn:x:r2"),
        ("urn:x:t1", "urn:x:r2", "urn:x:r3"),
        ("urn:x:r3", "urn:x:r1", "urn:x:r3"),
    ]
    path = tmp_path / "dup.graphml"
    path.write_text(_graphml(nodes, edges), encoding="utf-8")
    source = read_graphml(path)
    plan = merge.plan_import(doc, source, merge.guess_mapping(source, schema_of(doc)))
    assert sorted((p.row, p.column, p.skipped) for p in plan.problems) == [(2, "id", True), (3, "id", True)]
    assert "already" in str(plan.problems[0]) and plan.counts["ties"] == 1
    before = everything(doc)
    merge.apply_plan(doc, plan)
    store = doc.store
    assert len(list(store.quads(URIRef("urn:x:t1"), RX["from"], None))) == 1
    assert {o for _, _, o, _ in store.quads(URIRef("urn:x:r3"), RDF.type, None)} == {RX.Routine}
    doc.undo()
    assert everything(doc) == before


def test_replace_keeps_the_values_the_file_also_gives(doc, tmp_path):
    # With on_conflict "replace", a role kind both on the map and in the file was removed and not added back.
    first = tmp_path / "first.csv"
    first.write_text('Name,Kind,Role\nBen,Person,"clinical, managerial"\n', encoding="utf-8")
    source = read_csv(first)
    plan = merge.plan_import(doc, source, merge.guess_mapping(source, schema_of(doc)))
    merge.apply_plan(doc, plan)
    ben = plan.rows[0].iri
    before = everything(doc)
    second = tmp_path / "second.csv"
    second.write_text("Name,Kind,Role\nBen,Person,clinical\n", encoding="utf-8")
    source = read_csv(second)
    mapping = merge.guess_mapping(source, schema_of(doc))
    mapping.on_conflict = "replace"
    plan = merge.plan_import(doc, source, mapping)
    assert plan.counts["update"] == 1
    merge.apply_plan(doc, plan)
    assert {o for _, _, o, _ in doc.store.quads(ben, RX.roleKind, None)} == {RX.clinicalRole}
    doc.undo()
    assert everything(doc) == before


# ----------------------------------------------------------------------------- the map file itself


@pytest.mark.parametrize(
    "command",
    [
        ["export", "{map}", "{map}", "--format", "html"],
        ["export", "{map}", "{map}"],
        ["report", "{map}", "-o", "{map}", "--format", "html", "--runs", "0"],
    ],
)
def test_the_command_line_never_writes_an_export_over_the_map(tmp_path, capsys, command):
    path = tmp_path / "keystone.ttl"
    path.write_bytes(KEYSTONE.read_bytes())
    assert main([part.format(map=path) for part in command]) == 2
    assert "is the map itself" in capsys.readouterr().err
    assert path.read_bytes() == KEYSTONE.read_bytes()


# ----------------------------------------------------------------------------- round trips


def _statements(document) -> set:
    """The map graph's statements, literals compared by value, without what GraphML and GEXF do not carry:
    positions and the map's own description (its dataset resource)."""
    dataset = {
        s
        for s, _, _, _ in document.store.quads(None, RDF.type, URIRef("http://rdfs.org/ns/void#Dataset"), DEFAULT_GRAPH)
    }
    found = set()
    for s, p, o, _ in document.store.quads(graph=DEFAULT_GRAPH):
        if s in dataset or p in (RX.canvasX, RX.canvasY):
            continue
        found.add(
            (
                s,
                p,
                (o.datatype, o.language, o.value if o.value is not None else str(o)) if isinstance(o, Literal) else o,
            )
        )
    return found


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
@pytest.mark.parametrize("sample", ["keystone-michigan", "action-schools-bc"])
def test_export_then_import_gives_the_same_map(tmp_path, fmt, sample):
    # Lost before: the ties' own labels, ties' links to nodes (a task reallocation's task and change, a
    # force's source record), and a node's second type (a role that is also an opinion leader).
    original = MapDocument.open(KEYSTONE.with_name(f"{sample}.ttl"), editing=False)
    fresh = MapDocument.new()
    try:
        out = tmp_path / f"map.{fmt}"
        (write_graphml if fmt == "graphml" else write_gexf)(original, out)
        source = (read_graphml if fmt == "graphml" else read_gexf)(out)
        plan = merge.plan_import(fresh, source, merge.guess_mapping(source, schema_of(original)))
        assert plan.problems == []
        merge.apply_plan(fresh, plan)
        before, after = _statements(original), _statements(fresh)
        assert sorted(before - after, key=str) == [] and sorted(after - before, key=str) == []
        # Imported again into the map it came from, it changes nothing but positions.
        again = merge.plan_import(original, source, merge.guess_mapping(source, schema_of(original)))
        assert again.counts["new"] == 0 and again.counts["conflicts"] == 0 and again.removed == []
        assert {q[1] for q in merge.plan_command(original, again).added} <= {RX.canvasX, RX.canvasY}
    finally:
        original.close()
        fresh.close()


# ----------------------------------------------------------------------------- width


def test_a_file_with_too_many_columns_is_refused_before_its_rows_are_built(tmp_path):
    # A column per distinct key: 80,000 Kumu elements each with a key of its own made 80,000 rows of
    # 80,000 cells (tens of GB); the import dialog also built one combo box per column on the UI thread.
    from explorer.core.errors import FormatError
    from explorer.io.kumu import read_kumu_json
    from explorer.io.tables import MAX_COLUMNS

    blueprint = tmp_path / "wide.json"
    blueprint.write_text(
        json.dumps({"elements": [{"label": f"e{i}", f"key {i}": 1} for i in range(20_000)]}), encoding="utf-8"
    )
    with no_hang(60, "refusing 20,001 columns"), pytest.raises(FormatError, match=f"20,001 columns.*{MAX_COLUMNS:,}"):
        read_kumu_json(blueprint)
    table = tmp_path / "wide.csv"
    table.write_text(",".join(f"c{i}" for i in range(MAX_COLUMNS + 1)) + "\n" + "x\n", encoding="utf-8")
    with pytest.raises(FormatError, match="columns"):
        read_csv(table)
    table.write_text(",".join(f"c{i}" for i in range(MAX_COLUMNS)) + "\n" + "x\n", encoding="utf-8")
    assert len(read_csv(table).nodes.columns) == MAX_COLUMNS


def test_a_workbook_formatted_far_to_the_right_still_reads(tmp_path):
    from openpyxl.styles import Font

    path = tmp_path / "styled.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Team"])
    sheet.append(["Ana", "ICU"])
    sheet.cell(row=1, column=5000).font = Font(bold=True)  # formatting only: the rows now reach column 5,000
    book.save(path)
    table = read_xlsx(path).nodes
    assert table.columns == ("Name", "Team") and table.rows == [(2, ("Ana", "ICU"))]


def test_a_damaged_worksheet_is_a_format_error_naming_the_file(tmp_path, capsys):
    # A mismatched tag inside the sheet escaped as an XML ParseError: "internal error", exit 1.
    from explorer.core.errors import FormatError

    def damage(data: bytes) -> bytes:
        return data.replace(b"</sheetData>", b"<row><c><v>1</v></row></sheetData>")

    path = _workbook_with_sheet(tmp_path, damage)
    with pytest.raises(FormatError, match=r"changed\.xlsx.*damaged"):
        read_xlsx(path)
    team = tmp_path / "team.ttl"
    team.write_bytes(KEYSTONE.read_bytes())
    assert main(["import", str(team), str(path), "--dry-run"]) == 2
    assert "internal error" not in capsys.readouterr().err


def test_a_type_column_beside_the_kind_is_not_taken_for_rdf_type(doc, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("Name,Kind,Type\nAna,Person,Permanent\n", encoding="utf-8")
    source = read_csv(path)
    mapping = merge.guess_mapping(source, schema_of(doc))
    assert mapping.columns["kind"] == "Kind" and "Type" not in mapping.properties
    assert merge.plan_import(doc, source, mapping).problems == []
