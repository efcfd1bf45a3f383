"""Images of the map, read back by their real consumers: SVG as XML, PDF by pypdf, PNG by Qt's image reader."""

from __future__ import annotations

import io
import math
import threading
import xml.etree.ElementTree as ET

import numpy as np
import pytest

pytest.importorskip("PySide6")
from pypdf import PdfReader
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from support.paths import KEYSTONE

from explorer.core.document import MapDocument
from explorer.core.errors import ExplorerError
from explorer.core.presentation import legend_entries
from explorer.core.projection import Projection
from explorer.core.resources import sample_maps
from explorer.core.schema import Schema
from explorer.io import registry
from explorer.ui.canvas import image_export
from explorer.ui.canvas.items import LABEL_ZOOM

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<img src=x onerror=alert(1)>"
SMALL_MAP = f"""@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/m/> .
ex:ward a rx:Unit ; rdfs:label "Ward 7" .
ex:rounds a rx:Routine ; rdfs:label "Rounds" ; rx:ownedBy ex:ward .
ex:nurse a rx:Role ; rdfs:label "Nurse" ; org:memberOf ex:ward ; rx:performs ex:rounds .
ex:law a rx:Norm ; rdfs:label "Law" .
ex:bad a rx:Role ; rdfs:label "{HOSTILE}" ; org:memberOf ex:ward .
ex:script a rx:Role ; rdfs:label "</script>" .
"""


@pytest.fixture(scope="module")
def keystone():
    doc = MapDocument.open(KEYSTONE, editing=False)
    yield doc
    doc.close()


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "small.ttl"
    path.write_text(SMALL_MAP, encoding="utf-8")
    doc = MapDocument.open(path, editing=False)
    yield doc
    doc.close()


def svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)  # well-formed XML, or this raises
    return ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]


def test_svg_is_xml_with_labels_title_legend_and_no_bitmaps(small, tmp_path):
    out = tmp_path / "map.svg"
    image_export.write_svg(small, out, title="Ward <b>7</b> & co")
    data = out.read_bytes()
    texts = svg_texts(data)
    for label in ("Ward 7", "Rounds", "Nurse", "Law", "</script>"):
        assert label in texts, label
    assert "Ward <b>7</b> & co" in texts  # the title, as text
    assert "<img src=x" in texts and any(t.startswith("onerror=") for t in texts)  # the hostile label is text, wrapped
    root = ET.fromstring(data)
    tags = {e.tag for e in root.iter()}
    assert (
        f"{SVG}img" not in tags and f"{SVG}script" not in tags and f"{SVG}image" not in tags
    )  # vector, no markup from labels
    for legend in ("Legend", "Role", "Unit", "Routine", "Macro", "Meso", "Micro"):
        assert legend in texts, legend


def test_labels_are_drawn_however_small_the_map_is(keystone):
    drawing = image_export.draw_map(keystone, max_size=(200, 200))
    assert drawing.zoom < LABEL_ZOOM  # the canvas would hide labels at this zoom
    texts = svg_texts(image_export.render_svg(drawing))
    assert "Hospital B" in texts and "ICU nurses" in texts


def test_pdf_is_one_vector_page_with_the_labels(keystone, tmp_path):
    out = tmp_path / "map.pdf"
    image_export.write_pdf(keystone, out)
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for words in ("Keystone ICU, Michigan", "Hospital B", "ICU nurses", "Legend", "Macro", "Micro"):
        assert all(w in text for w in words.split()), words
    drawing = image_export.draw_map(keystone)
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(drawing.size.width() * 0.75, abs=2)
    assert float(box.height) == pytest.approx(drawing.size.height() * 0.75, abs=2)
    a4 = PdfReader(io.BytesIO(image_export.render_pdf(drawing, page_size="A4"))).pages[0].mediabox
    assert sorted((round(float(a4.width)), round(float(a4.height)))) == [595, 842]


def _printed_sizes(data: bytes) -> list[tuple[float, str]]:
    """(size in points as printed, text) of every piece of text on every page."""
    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.append((size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]), text.strip()))

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


@pytest.mark.parametrize("paper", ["A4", "letter", "A3"])
def test_node_labels_print_at_least_the_minimum_size_on_paper(keystone, paper):
    drawing = image_export.draw_map(keystone, heat={})
    data = image_export.render_pdf(drawing, page_size=paper)
    sizes = _printed_sizes(data)
    labels = {
        v.label.split()[0] for v in Projection.build(keystone.store, Schema.from_store(keystone.store)).nodes.values()
    }
    printed = [size for size, text in sizes if text.split()[0] in labels and not text.isupper()]
    assert printed and min(printed) >= image_export.MIN_PRINT_PT - 0.05, min(printed)
    legend = [size for size, text in sizes if text in ("Legend", "belongs to", "violates a norm")]
    assert legend and min(legend) >= image_export.MIN_PRINT_PT - 0.05
    text = "".join(t for _, t in sizes)
    assert "Hospital" in text and "ICU" in text  # every part of the map is on some page


@pytest.mark.parametrize("sample", sample_maps(), ids=lambda path: path.stem)
def test_the_legend_costs_no_page_of_its_own_on_paper(sample):
    # A map split across paper takes no more pages with its legend than without: the legend finds room
    # beside the map (on A4 its count column once spilled onto a third page, alone).
    doc = MapDocument.open(sample, editing=False)
    try:
        for paper in ("A4", "letter"):
            pages = [
                len(PdfReader(io.BytesIO(image_export.render_pdf(drawing, page_size=paper))).pages)
                for drawing in (image_export.draw_map(doc, heat={}), image_export.draw_map(doc, legend=False))
            ]
            assert pages[0] == pages[1], f"{paper}: {pages[0]} pages with the legend, {pages[1]} without"
    finally:
        doc.close()


def test_png_has_the_size_asked_for_by_scale_or_dpi(keystone, tmp_path):
    drawing = image_export.draw_map(keystone)
    width, height = drawing.size.width(), drawing.size.height()
    one = QImage.fromData(image_export.render_png(drawing))
    assert (one.width(), one.height()) == (round(width), round(height))
    double = QImage.fromData(image_export.render_png(drawing, scale=2))
    assert (double.width(), double.height()) == (round(width * 2), round(height * 2))
    printed = QImage.fromData(image_export.render_png(drawing, dpi=144))
    assert (printed.width(), printed.height()) == (round(width * 1.5), round(height * 1.5))
    assert printed.dotsPerMeterX() == pytest.approx(144 / 0.0254, abs=2)
    out = tmp_path / "map.png"
    image_export.write_png(keystone, out, scale=0.5, positions={"https://example.org/not-a-node": (float("nan"), 0.0)})
    written = QImage(str(out))
    assert written.width() == pytest.approx(width * 0.5, abs=1)
    # Not a blank page: the map's colours are there.
    colours = {
        written.pixelColor(x, y).name() for x in range(0, written.width(), 7) for y in range(0, written.height(), 7)
    }
    assert len(colours) > 50


def test_heat_is_drawn_and_explained_in_the_legend(small):
    bad = next(iri for iri, view in _projection(small).nodes.items() if view.label == "Nurse")
    drawing = image_export.draw_map(small, heat={str(bad): 1.5, "https://example.org/gone": float("nan")})
    # The legend says what the heat is, on its fixed scale: "HEAT: LIKELIHOOD OF RESISTANCE", "0–100 %".
    assert [e.label for e in drawing.legend if e.section == "heat"] == ["0–100 %", "not ranked (dimmed)"]
    # The entries every legend lists (the canvas's panel and the HTML page draw the same ones).
    schema = Schema.from_store(small.store)
    assert drawing.legend == legend_entries(Projection.build(small.store, schema), schema, heat=True)
    assert image_export._SECTION_TITLES["heat"] == "HEAT: LIKELIHOOD OF RESISTANCE"
    svg = image_export.render_svg(drawing).decode("utf-8")
    assert "#d7301f" in svg  # the canvas's warm halo colour
    assert "HEAT: LIKELIHOOD OF RESISTANCE" in svg and "0–100 %" in svg
    plain = image_export.render_svg(image_export.draw_map(small)).decode("utf-8")
    assert "#d7301f" not in plain


def _projection(doc):
    from explorer.core.projection import Projection
    from explorer.core.schema import Schema

    return Projection.build(doc.store, Schema.from_store(doc.store))


def test_empty_map_and_bad_options(tmp_path, keystone):
    empty = MapDocument.new()
    try:
        texts = svg_texts(image_export.render_svg(image_export.draw_map(empty)))
        assert "Nothing on the map yet." in texts
    finally:
        empty.close()
    drawing = image_export.draw_map(keystone)
    for bad in ({"scale": 0}, {"scale": "2"}, {"dpi": 5}, {"scale": 19}):
        with pytest.raises(ExplorerError):
            image_export.render_png(drawing, **bad)
    with pytest.raises(ExplorerError, match="pixels"):
        image_export.render_png(drawing, scale=19)
    with pytest.raises(ExplorerError, match="page size"):
        image_export.render_pdf(drawing, page_size="B7")
    with pytest.raises(ExplorerError, match="Unknown image option"):
        image_export.write_svg(keystone, tmp_path / "x.svg", colour="red")
    with pytest.raises(ExplorerError):
        image_export.write_png(keystone, tmp_path / "missing-folder" / "x.png")
    assert not (tmp_path / "x.svg").exists()


def test_every_image_format_in_the_registry_writes_from_a_worker_thread(qtbot, keystone, tmp_path):
    """The app exports in a worker: the scene is built on the GUI thread, which keeps its event loop running."""
    formats = [f for f in registry.formats("export") if f.needs_qt]
    assert {f.name for f in formats} == {"png", "svg", "pdf"}
    done: dict = {}

    def work():
        try:
            for fmt in formats:
                steps = []
                fmt.load()(
                    keystone,
                    tmp_path / f"map.{fmt.extensions[0]}",
                    title="Threads",
                    progress=lambda d, t: steps.append((d, t)),  # noqa: B023 - called during this export only
                )
                done[fmt.name] = steps[-1]
        except BaseException as error:  # noqa: BLE001
            done["error"] = error

    thread = threading.Thread(target=work)
    thread.start()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=60_000)
    assert "error" not in done, done.get("error")
    assert all(d == t for d, t in (done[f.name] for f in formats))  # progress reached its end
    assert QImage(str(tmp_path / "map.png")).width() > 500
    assert "Threads" in svg_texts((tmp_path / "map.svg").read_bytes())
    assert len(PdfReader(tmp_path / "map.pdf").pages) == 1


def test_look_at_it(keystone, tmp_path):
    """A picture to look at (saved next to the test's files): title, bands, legend and labels present and readable."""
    drawing = image_export.draw_map(keystone, heat=None)
    image = QImage.fromData(image_export.render_png(drawing, scale=1))
    image.save(str(tmp_path / "keystone.png"))
    assert QApplication.instance() is not None
    assert image.pixelColor(5, 5).name() == "#ffffff"  # a white page around the map


def test_given_places_win_whatever_their_key_type(small):
    projection = _projection(small)
    nurse = next(iri for iri, view in projection.nodes.items() if view.label == "Nurse")
    far = {str(nurse): (9000.0, 0.0)}  # a plain string key, as a JSON round trip would give
    assert image_export.draw_map(small, positions=far).source.right() > 9000
    assert image_export.draw_map(small).source.right() < 9000


def test_bands_are_left_out_when_the_layout_mixes_the_levels(small):
    by_level = image_export.draw_map(small)
    assert [band[0] for band in by_level.bands] == [3, 2, 1]  # macro on top
    # One row for every node (as a force-directed or circular layout may give): no band would be true.
    from explorer.core.projection import Projection
    from explorer.core.schema import Schema

    nodes = Projection.build(small.store, Schema.from_store(small.store)).nodes
    row = {key: (i * 200.0, -220.0) for i, key in enumerate(nodes)}  # all in the macro band
    mixed = image_export.draw_map(small, positions=row)
    assert mixed.bands == []
    texts = svg_texts(image_export.render_svg(mixed))
    assert "Ward 7" in texts and "Rounds" in texts


def test_ties_are_drawn_wherever_the_map_lies_in_the_scene(keystone, tmp_path):
    """The canvas paints its ties only where a view shows them; an export has no view (it records into a
    picture): moved far into negative coordinates, the same map draws the same image."""
    projection = Projection.build(keystone.store, Schema.from_store(keystone.store))
    places = image_export._positions(projection, None)
    images = []
    for dx, dy in ((0, 0), (-30_000, -20_000)):
        out = tmp_path / f"at{dx}.png"
        moved = {iri: (x + dx, y + dy) for iri, (x, y) in places.items()}
        image_export.write_png(keystone, out, positions=moved, title="Keystone")
        images.append(QImage(str(out)))
    assert images[0].size() == images[1].size()
    first, second = (np.frombuffer(i.constBits(), dtype=np.uint8).astype(int) for i in images)
    # The same picture but for antialiasing's rounding at other subpixel offsets; ties left out differ by far more.
    assert (np.abs(first - second) > 60).sum() < first.size / 1000
