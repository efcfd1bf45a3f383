"""File > Open Endpoint (Read-Only)…: connect, find, expand, next page, analyse, on a real Oxigraph server."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from rdflib import RDF, RDFS, Literal, URIRef
from support.oxigraph_server import oxigraph, put_triples

from explorer.core.namespaces import RX
from explorer.team.endpoint import term_text
from explorer.ui.files import endpoint_browser

EX = "https://example.org/ui-nb/"
GRAPH = EX + "graph"
UNIT = URIRef(EX + "unit")


def _data() -> str:
    triples = [(UNIT, RDF.type, RX.Unit), (UNIT, RDFS.label, Literal('Ward "7" {night}'))]
    for i in range(12):
        person = URIRef(f"{EX}person/{i:02d}")
        triples += [(person, RDF.type, RX.Person), (person, RDFS.label, Literal(f"Nurse {i}"))]
        triples.append((person, URIRef("http://www.w3.org/ns/org#memberOf"), UNIT))
        triples.append((person, RX.influences, URIRef(f"{EX}elsewhere/{i}")))
    return "".join(f"{term_text(s)} {term_text(p)} {term_text(o)} .\n" for s, p, o in triples)


@pytest.fixture
def server(tmp_path):
    with oxigraph(tmp_path / "store") as base:
        put_triples(base, _data(), GRAPH)
        yield base


def test_browse_a_server_by_neighbourhood(qtbot, make_window, server, monkeypatch):
    monkeypatch.setattr(endpoint_browser, "PAGE", 5)
    window = make_window()
    feature = window.endpoint_browsing
    assert feature.action in window.menus["file"].actions()
    feature.action.trigger()
    browser = feature.window
    qtbot.waitExposed(browser)
    assert not browser.search.isEnabled() and not browser.expand_button.isEnabled()
    assert "Read-only" in browser.note.text()

    qtbot.keyClicks(browser.address, server)
    qtbot.keyClicks(browser.graph, GRAPH)
    qtbot.mouseClick(browser.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: browser.client is not None and not browser.busy, timeout=10_000)
    assert "50 statements" in browser.boundary.text()

    qtbot.keyClicks(browser.search, '"7" {')
    qtbot.keyClick(browser.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: browser.results.count() == 1 and not browser.busy, timeout=10_000)
    assert browser.results.item(0).text() == 'Ward "7" {night} (Unit)'

    qtbot.mouseClick(browser.expand_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: browser.result is not None and not browser.busy, timeout=10_000)
    assert len(browser.fetched.nodes()) == 6  # the ward and the first 5 nurses
    assert "6 of 6 nodes have ties outside what was fetched (12 ties not fetched)" in browser.boundary.text()
    assert "More fetches the next page" in browser.boundary.text()
    assert browser.canvas.selected_keys() == [UNIT]

    for expected in (11, 13):
        assert browser.more_button.isEnabled()
        qtbot.mouseClick(browser.more_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda n=expected: len(browser.fetched.nodes()) == n and not browser.busy, timeout=10_000)
    assert not browser.more_button.isEnabled()  # all 12 nurses are here
    assert "12 of 13 nodes" in browser.boundary.text()
    assert len(browser.result.projection.nodes) == 13

    qtbot.mouseClick(browser.analyse_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: browser.boundary.text().startswith("The fetched part") and not browser.busy, timeout=20_000)
    assert (
        "12 Person" in browser.boundary.text() and "figures describe the fetched part only" in browser.boundary.text()
    )

    # Editing gestures do nothing: renaming is refused, the main window has no map.
    browser.canvas.start_rename(UNIT)
    assert window.document is None
    browser.close()
    qtbot.waitUntil(lambda: feature.window is None)


def test_a_wrong_address_says_why(qtbot, make_window):
    window = make_window()
    browser = window.endpoint_browsing.open()
    qtbot.keyClicks(browser.address, "ftp://nowhere")
    qtbot.mouseClick(browser.connect_button, Qt.MouseButton.LeftButton)
    assert "is not a web address" in browser.statusBar().currentMessage()
    assert browser.client is None
    browser.close()
