"""Reading files for import.

CSV and Excel rows with their spreadsheet row numbers, graphs, Kumu blueprints, refusals.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import zipfile

import openpyxl
import pytest

from explorer.core.errors import FormatError, UnsafeInputError
from explorer.io import registry
from explorer.io.csv_tables import read_csv
from explorer.io.gexf import read_gexf
from explorer.io.graphml import read_graphml
from explorer.io.kumu import read_kumu_json
from explorer.io.xlsx import read_xlsx, sheet_names


def test_registry_names_every_import_format_and_each_loads():
    names = {f.name for f in registry.formats("import")}
    assert {"csv", "xlsx", "graphml", "gexf", "kumu"} <= names
    for fmt in registry.formats("import"):
        assert callable(fmt.load())
        assert fmt.load().__name__.startswith("read_")
    assert registry.for_path("team.JSON", "import").name == "kumu"
    assert registry.for_path("roster.tsv", "import").name == "csv"


def test_csv_rows_keep_spreadsheet_numbers_through_blank_rows_and_multiline_cells(tmp_path):
    path = tmp_path / "roster.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Notes"])
        writer.writerow(["Ana", "line one\nline two"])
        writer.writerow([])
        writer.writerow(["Ben", ""])
    table = read_csv(path).nodes
    assert table.columns == ("Name", "Notes")
    assert table.rows == [(2, ("Ana", "line one\nline two")), (4, ("Ben", ""))]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiter_is_detected(tmp_path, delimiter):
    path = tmp_path / "roster.csv"
    path.write_text(
        delimiter.join(["Name", "Team", "Role"]) + "\n" + delimiter.join(["Ana", "ICU", "clinical"]) + "\n",
        encoding="utf-8",
    )
    assert read_csv(path).nodes.rows == [(2, ("Ana", "ICU", "clinical"))]


def test_csv_encodings_bom_and_windows_1252(tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffName\nZoë\n".encode("utf-8"))
    assert read_csv(bom).nodes.columns == ("Name",)
    assert read_csv(bom).nodes.rows[0][1] == ("Zoë",)
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes("Name\nZoë Müller\n".encode("cp1252"))
    assert read_csv(legacy).nodes.rows[0][1] == ("Zoë Müller",)


def test_duplicate_and_empty_headers_get_unique_names(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Name,,Name\na,b,c\n", encoding="utf-8")
    assert read_csv(path).nodes.columns == ("Name", "Column 2", "Name (2)")


def test_xlsx_rows_values_and_formulas_without_cached_values(tmp_path):
    path = tmp_path / "roster.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Staff"
    sheet.append(["Name", "Workload", "Since", "Link"])
    sheet.append(["Ana", 0.5, dt.date(2024, 5, 3), '=HYPERLINK("http://example.org","click")'])
    sheet.append([])
    sheet.append(["Ben", 1, None, None])
    workbook.create_sheet("Other").append(["x"])
    workbook.save(path)
    assert sheet_names(path) == ["Staff", "Other"]
    table = read_xlsx(path).nodes
    assert table.columns == ("Name", "Workload", "Since", "Link")
    # A formula never computed by a spreadsheet has no cached value: it reads as empty, never as code.
    assert table.rows == [(2, ("Ana", 0.5, dt.datetime(2024, 5, 3), None)), (4, ("Ben", 1, None, None))]
    assert read_xlsx(path, sheet="Other").nodes.columns == ("x",)
    with pytest.raises(FormatError, match="no sheet called 'Nope'"):
        read_xlsx(path, sheet="Nope")


def test_files_that_are_not_what_they_claim_are_refused_with_what_they_are(tmp_path):
    fake_xlsx = tmp_path / "roster.xlsx"
    fake_xlsx.write_text("Name,Team\nAna,ICU\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"not an Excel workbook \(.xlsx\): it is text \(perhaps CSV"):
        read_xlsx(fake_xlsx)
    old_xls = tmp_path / "old.xlsx"
    old_xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(FormatError, match="Excel 97-2003"):
        read_xlsx(old_xls)
    odd_zip = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(odd_zip, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(FormatError, match="it is a ZIP archive"):
        read_xlsx(odd_zip)
    workbook_as_csv = tmp_path / "roster.csv"
    openpyxl.Workbook().save(workbook_as_csv)
    with pytest.raises(FormatError, match="not a CSV file: it is a ZIP archive"):
        read_csv(workbook_as_csv)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"Name\x00\x01\x02")
    with pytest.raises(FormatError, match="binary data"):
        read_csv(binary)
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(FormatError, match="holds no rows"):
        read_csv(empty)


def test_workbook_part_declaring_entities_is_refused_before_openpyxl_reads_it(tmp_path):
    good = tmp_path / "good.xlsx"
    openpyxl.Workbook().save(good)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + data
            target.writestr(item, data)
    with pytest.raises(UnsafeInputError, match="declares XML entities"):
        read_xlsx(bomb)


def test_graphml_with_a_doctype_is_refused_before_parsing(tmp_path):
    path = tmp_path / "laughs.graphml"
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE graphml [<!ENTITY l0 "lol">{lol}]>'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph><node id="&l9;"/></graph></graphml>',
        encoding="utf-8",
    )
    with pytest.raises(UnsafeInputError, match="DOCTYPE"):
        read_graphml(path)
    external = tmp_path / "external.gexf"
    external.write_text('<?xml version="1.0"?><!DOCTYPE gexf SYSTEM "file:///etc/passwd"><gexf/>', encoding="utf-8")
    with pytest.raises(UnsafeInputError):
        read_gexf(external)
    utf16 = tmp_path / "utf16.graphml"
    utf16.write_bytes(
        '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE x [<!ENTITY a "b">]><graphml/>'.encode("utf-16")
    )
    with pytest.raises(UnsafeInputError):
        read_graphml(utf16)


def test_graph_files_with_the_wrong_root_or_no_xml_are_refused(tmp_path):
    gexf = tmp_path / "graph.graphml"
    gexf.write_text('<gexf xmlns="http://www.gexf.net/1.2draft"><graph/></gexf>', encoding="utf-8")
    with pytest.raises(FormatError, match="root element is 'gexf'"):
        read_graphml(gexf)
    text = tmp_path / "graph.gexf"
    text.write_text("Name,Team\n", encoding="utf-8")
    with pytest.raises(FormatError, match="not an XML file"):
        read_gexf(text)


def test_generic_graphml_becomes_node_and_edge_rows(tmp_path):
    path = tmp_path / "g.graphml"
    path.write_text(
        """<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
      <key id="w" for="edge" attr.name="weight" attr.type="double"/>
      <key id="t" for="node" attr.name="team" attr.type="string"/>
      <graph edgedefault="undirected">
        <node id="n1"><data key="t">ICU</data></node><node id="n2"/>
        <edge source="n1" target="n2"><data key="w">2.5</data></edge>
      </graph></graphml>""",
        encoding="utf-8",
    )
    source = read_graphml(path)
    assert source.nodes.columns == ("id", "team")
    assert source.nodes.rows == [(1, ("n1", "ICU")), (2, ("n2", None))]
    assert source.edges.columns == ("from", "to", "weight")
    assert source.edges.rows == [(1, ("n1", "n2", 2.5))]
    assert source.suggested["name"] == "id" and source.suggested["identifier"] == "id"
    assert any("undirected" in note for note in source.notes)


def test_cytoscape_graphml_names_nodes_by_their_name_column(tmp_path):
    """Cytoscape writes a node's label as the attribute "name" (its ids are its own numbers), and no "label"."""
    path = tmp_path / "cytoscape.graphml"
    path.write_text(
        """<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
      <key id="name" for="node" attr.name="name" attr.type="string"/>
      <key id="interaction" for="edge" attr.name="interaction" attr.type="string"/>
      <graph edgedefault="directed">
        <node id="1"><data key="name">Ward 4</data></node><node id="2"><data key="name">Charge nurse</data></node>
        <edge source="2" target="1"><data key="interaction">works in</data></edge>
      </graph></graphml>""",
        encoding="utf-8",
    )
    source = read_graphml(path)
    assert source.suggested["name"] == "name" and source.suggested["identifier"] == "id"
    # Through the command line, into a map: the nodes are named as Cytoscape showed them.
    from rdflib import Graph, Literal
    from rdflib.namespace import RDFS

    from explorer.cli import main

    base, out = tmp_path / "map.ttl", tmp_path / "merged.ttl"
    base.write_text("", encoding="utf-8")
    assert main(["import", str(base), str(path), "--kind", "Unit", "-o", str(out)]) == 0
    assert set(Graph().parse(out).objects(None, RDFS.label)) >= {Literal("Ward 4"), Literal("Charge nurse")}


def test_kumu_blueprint_as_documented(tmp_path):
    path = tmp_path / "kumu.json"
    path.write_text(
        json.dumps(
            {
                "elements": [
                    {"id": "e1", "label": "A", "type": "Person", "description": "This is A", "tags": ["one", "two"]},
                    {"id": "e2", "label": "A", "type": "Unit", "Favorite Dessert": "shave ice"},
                ],
                "connections": [{"id": "c1", "from": "e1", "to": "e2", "type": "member of", "direction": "directed"}],
                "loops": [],
            }
        ),
        encoding="utf-8",
    )
    source = read_kumu_json(path)
    assert source.nodes.columns[:4] == ("id", "label", "type", "description")
    assert source.nodes.rows[0] == (1, ("e1", "A", "Person", "This is A", "one; two", None))
    assert source.edges.columns == ("from", "to", "type", "direction", "id")
    assert source.suggested["identifier"] == "id" and source.suggested["kind"] == "type"
    assert source.notes and "loops" in source.notes[0]


def test_kumu_errors_name_line_and_column_or_what_is_missing(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"elements": [\n  {"label": "A",}\n]}', encoding="utf-8")
    with pytest.raises(FormatError, match=r"broken.json, line 2, column \d+: Not valid JSON"):
        read_kumu_json(broken)
    other = tmp_path / "other.json"
    other.write_text('{"nodes": []}', encoding="utf-8")
    with pytest.raises(FormatError, match="not a Kumu blueprint"):
        read_kumu_json(other)
    bad_items = tmp_path / "items.json"
    bad_items.write_text('{"elements": ["A"]}', encoding="utf-8")
    with pytest.raises(FormatError, match="element 1 must be an object"):
        read_kumu_json(bad_items)
