"""The interactive HTML export, checked as a page and then opened from disk in headless Chromium.

The browser is Debian's ``chromium`` driven by playwright's Python package
(``executable_path``, no browser download). Every request that is not for the
file itself is recorded and refused, so a page that reaches for a CDN fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest
from export_maps import IMG_ALERT, IMG_FLAG, QUOTED_IRI, SCRIPT_CLOSE, hostile_map, keystone

from explorer.core.errors import ExplorerError
from explorer.core.presentation import OTHER_TIE_STYLE, legend_entries, relation_name, tie_style
from explorer.core.projection import Projection
from explorer.core.schema import schema_of
from explorer.io.html import _vis_assets, page_data, render_html, script_json, write_html
from explorer.io.model import (
    HEAT_LEGEND,
    ExportNode,
    ExportTie,
    ExportView,
    LegendEntry,
    export_view,
    heat_colour,
)

CHROMIUM = shutil.which("chromium")


# ----------------------------------------------------------------------------- the page as text
def test_script_json_cannot_end_its_element():
    hostile = {"id": SCRIPT_CLOSE, "x": "<!-- & \u2028 \u2029 '\""}
    text = script_json(hostile)
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == hostile


def _hostile_view() -> ExportView:
    """A view no store could hold (IRIs with markup and quotes), to test the page on its own."""
    kind = LegendEntry("urn:k:<b>", '<img src=x onerror="window.__pwned=true">', "#5fa880", "ellipse", "solid", 2)
    nodes = (
        ExportNode(
            "https://e/</script><script>window.__pwned=true</script>",
            SCRIPT_CLOSE,
            kind.kind,
            kind.label,
            2,
            "meso",
            "#5fa880",
            "ellipse",
            0.0,
            0.0,
            {"note": IMG_ALERT},
            1.0,
        ),
        ExportNode(
            'https://e/"onmouseover="window.__pwned=true',
            IMG_FLAG,
            kind.kind,
            kind.label,
            1,
            "micro",
            "#5fa880",
            "ellipse",
            200.0,
            300.0,
            {},
            None,
        ),
    )
    tie = ExportTie(
        "t1", nodes[0].id, nodes[1].id, "urn:r", "<b>tie</b>", True, "#c8932f", "dashed", {"why": IMG_ALERT}
    )
    return ExportView(
        "</title><script>window.__pwned=true</script>",
        "map",
        nodes,
        (tie,),
        (kind,),
        (LegendEntry("urn:r", "<i>tie</i>", "#c8932f", "", "dashed", 1),),
        {1: "micro", 2: "<meso>", 3: "macro"},
        {"note": str},
        {"why": str},
        has_heat=True,
    )


def test_the_heat_is_the_likelihood_on_a_fixed_scale():
    doc = keystone()
    try:
        view = export_view(doc, heat={export_view(doc).nodes[0].id: 0.5})
    finally:
        doc.close()
    data = page_data(view)
    (hot,) = [n for n in data["nodes"] if "heat" in n]
    # Alone on the map, a likelihood of 0.5 is still drawn at half strength, in the colour of 0.5.
    assert (hot["heat"], hot["heatStrength"], hot["heatColour"]) == (0.5, 0.5, heat_colour(0.5))
    page = render_html(view)
    legend = page[page.index("<h3>Analysis heat</h3>") :]
    assert HEAT_LEGEND in legend and "likely support" not in page
    # The legend's scale runs between the colours the canvas and the nodes use at 0 and 1.
    assert f"--heat-cold: {heat_colour(0.0)}; --heat-warm: {heat_colour(1.0)}" in legend
    assert "likelihood of resistance: " in page  # the tooltip and the details panel say what the number is


def test_the_legend_lists_what_every_legend_lists():
    doc = keystone()
    try:
        view = export_view(doc)
        schema = schema_of(doc)
        entries = legend_entries(Projection.build(doc.store, schema), schema)
    finally:
        doc.close()
    assert view.node_kinds + view.tie_kinds == tuple(entries)
    page = render_html(view)
    ties = page[page.index('<ul class="ties">') : page.index("</ul>", page.index('<ul class="ties">'))]
    # Plain ties share one entry, counted like the others (as on the canvas and in the images).
    plain = entries[-1]
    assert (plain.label, plain.section, plain.kind) == ("other relation", "tie", "")
    assert f'--stroke: {plain.colour}; --width: {plain.line_width:.1f}px"></span>other relation' in ties
    assert f'other relation <span class="count">{plain.count}</span>' in ties
    assert ties.count("<li ") == len(view.tie_kinds)


def _family_looks(doc) -> tuple[dict, dict]:
    """Tie id -> its family's style, and relation IRI -> what a tie's relation is called, read from the map."""
    schema = schema_of(doc)
    projection = Projection.build(doc.store, schema)
    styles, names = {}, {}
    for tie in projection.ties.values():
        styles[str(tie.tie) if tie.tie is not None else f"{tie.source}|{tie.relation}|{tie.target}"] = tie_style(
            schema, tie.relation
        )
        names[str(tie.relation)] = relation_name(schema, tie)
    return styles, names


def test_ties_are_drawn_in_their_familys_look_and_name_it_on_hover():
    doc = keystone()
    try:
        view = export_view(doc)
        styles, names = _family_looks(doc)
    finally:
        doc.close()
    data = page_data(view)
    default = data["options"]["edges"]
    dashes = {"solid": False, "dashed": True, "dotted": [2, 4]}
    assert len(data["edges"]) == len(view.ties) == len(styles)
    for tie, edge in zip(view.ties, data["edges"]):
        style = styles[tie.id]
        assert edge.get("color", default["color"])["color"] == style.colour, tie.relation
        assert edge.get("width", default["width"]) == style.width
        assert edge.get("dashes", False) == dashes[style.line_style]
        relation = names[tie.relation]
        hover = edge["title"].split("\n")[0]
        assert hover == (relation if style == OTHER_TIE_STYLE else f"{relation} ({style.label})"), hover
    # The sample has ties of several families, some of several relations each: the test tells them apart.
    families = {styles[t.id].label for t in view.ties}
    assert len(families) >= 3 and "other relation" in families
    assert len({t.relation for t in view.ties}) > len(families)
    # Every colour on the page is one the legend explains.
    assert {edge.get("color", default["color"])["color"] for edge in data["edges"]} == {
        e.colour for e in view.tie_kinds
    }


def test_page_is_self_contained_and_escaped():
    page = render_html(_hostile_view())
    head, _, body = page.partition("<body>")
    assert "default-src 'none'" in head
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page, re.IGNORECASE)
    assert "<link" not in page and "@import" not in page
    # Every hostile text is escaped where the template prints it, and absent raw from the whole page.
    assert "&lt;/title&gt;&lt;script&gt;window.__pwned=true&lt;/script&gt;" in head
    assert "&lt;img src=x onerror=&#34;window.__pwned=true&#34;&gt;" in body
    own = page.replace(_vis_assets()[0], "")  # vis-network's code mentions <b> and <i> (its multi-font parser)
    assert "<img" not in own and "<b>" not in own and "<i>" not in own
    assert own.count("</script>") == own.count("<script") == 3  # data, vis-network, the page's own; and nothing else
    assert "<!--" not in page  # would let a later "<script" change how the parser ends a script element
    data = json.loads(re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page, re.S).group(1))
    assert [n["id"] for n in data["nodes"]] == [n.id for n in _hostile_view().nodes]
    assert data["nodes"][0]["label"] == SCRIPT_CLOSE


def test_big_maps_keep_physics_off_and_take_positions_from_python():
    nodes = tuple(
        ExportNode(f"urn:n:{i}", f"n{i}", "urn:k", "K", 2, "meso", "#8a95a5", "rectangle", float(i), 5.0)
        for i in range(1200)
    )
    view = ExportView(
        "big",
        "levels",
        nodes,
        (),
        (LegendEntry("urn:k", "K", "#8a95a5", "rectangle", "solid", 1200),),
        (),
        {2: "meso"},
        {},
        {},
    )
    data = page_data(view)
    assert data["options"]["physics"] == {"enabled": False}
    assert data["options"]["layout"]["improvedLayout"] is False
    assert data["options"]["interaction"]["hideEdgesOnDrag"] is True and data["big"] is True
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    assert data["options"]["groups"]["k0"]["shapeProperties"] == {"borderRadius": 0}
    # Labels are plain text: vis-network's HTML-like markup in labels stays off.
    assert data["options"]["nodes"]["font"]["multi"] is False


def test_bad_option_and_unwritable_folder(tmp_path):
    doc = keystone()
    try:
        with pytest.raises(ExplorerError, match="Unknown export option"):
            write_html(doc, tmp_path / "a.html", physics=True)
        with pytest.raises(ExplorerError, match="does not exist"):
            write_html(doc, tmp_path / "no" / "a.html")
    finally:
        doc.close()


# ----------------------------------------------------------------------------- in Chromium
@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium): the exported page cannot be opened")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright's Python package is not installed")
    with sync_api.sync_playwright() as playwright:
        args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        yield chromium
        chromium.close()


class Visit:
    """One page opened from disk, with what it tried to reach, said and raised."""

    def __init__(self, browser, path) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.console: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda message: self.console.append(message.text))
        self.page.goto(path.as_uri())
        # A selector, not wait_for_function: polling a JS string is eval, which the page's policy forbids.
        self.page.wait_for_selector("html[data-rendered='true']", state="attached", timeout=20_000)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def assert_clean(self) -> None:
        assert self.outside == [], f"requests left the machine: {self.outside}"
        assert self.dialogs == [], f"script ran: {self.dialogs}"
        assert self.errors == [], f"page errors: {self.errors}"
        assert not [m for m in self.console if "Content Security Policy" in m], self.console
        assert self.js("window.__pwned") is None
        assert self.js("document.querySelectorAll('img, iframe, object, embed').length") == 0

    def close(self) -> None:
        self.context.close()


def test_sample_map_renders_offline_with_every_node_and_the_heat(browser, tmp_path):
    doc = keystone()
    try:
        view = export_view(doc)
        heat = {view.nodes[0].id: 0.9, view.nodes[1].id: -0.4}
        out = tmp_path / "keystone.html"
        write_html(doc, out, heat=heat, layout="levels")
    finally:
        doc.close()
    visit = Visit(browser, out)
    try:
        assert visit.js("routineExplorer.network.body.data.nodes.length") == len(view.nodes)
        assert visit.js("routineExplorer.network.body.data.edges.length") == len(view.ties)
        # Drawn: every node has a place on the canvas, and physics is off.
        assert visit.js("Object.keys(routineExplorer.network.getPositions()).length") == len(view.nodes)
        assert visit.js("routineExplorer.network.physics.options.enabled") is False
        assert visit.js("routineExplorer.data.bands.length") == 3
        hot = view.nodes[0].id
        assert visit.js(f"routineExplorer.nodes.get({json.dumps(hot)}).shadow.enabled") is True
        assert visit.js(f"routineExplorer.nodes.get({json.dumps(view.nodes[5].id)}).opacity") == 0.35
        scale = visit.js("getComputedStyle(document.querySelector('.heat-scale')).backgroundImage")
        cold, warm = (
            ", ".join(str(int(c[i : i + 2], 16)) for i in (1, 3, 5)) for c in (heat_colour(0.0), heat_colour(1.0))
        )
        assert scale == f"linear-gradient(to right, rgb({cold}), rgb({warm}))", scale
        assert visit.page.locator(".heat-scale").bounding_box()["height"] > 0
        visit.page.uncheck("#heat")
        assert visit.js(f"routineExplorer.nodes.get({json.dumps(view.nodes[5].id)}).opacity") == 1
        assert visit.page.locator("#legend").inner_text().count("Routine") >= 1
        visit.assert_clean()
    finally:
        visit.close()


def test_the_browser_draws_each_tie_in_its_familys_colour(browser, tmp_path):
    doc = keystone()
    try:
        view = export_view(doc)
        styles, _ = _family_looks(doc)
        out = tmp_path / "keystone.html"
        write_html(doc, out)
    finally:
        doc.close()
    visit = Visit(browser, out)
    try:
        # What vis-network will draw: each edge's options once the page's defaults and its own are merged.
        drawn = visit.js(
            "routineExplorer.edges.getIds().map(id => {"
            " const o = routineExplorer.network.body.edges[id].options;"
            " return [o.color.color, o.width, o.dashes, o.title]; })"
        )
        assert len(drawn) == len(view.ties)
        for tie, (colour, width, dashes, title) in zip(view.ties, drawn):
            style = styles[tie.id]
            assert (colour.lower(), width, bool(dashes)) == (style.colour, style.width, style.line_style != "solid")
            assert style == OTHER_TIE_STYLE or f"({style.label})" in title
        visit.assert_clean()
    finally:
        visit.close()


def test_hostile_labels_show_as_text_and_never_run(browser, tmp_path):
    doc = hostile_map(tmp_path)
    try:
        out = tmp_path / "hostile.html"
        write_html(doc, out)
    finally:
        doc.close()
    visit = Visit(browser, out)
    try:
        page = visit.page
        assert visit.js("routineExplorer.network.body.data.nodes.length") == 6
        assert SCRIPT_CLOSE in page.title()
        # Search finds the label and lists it as text.
        page.fill("#search", "<img")
        results = page.locator("#results button")
        assert results.count() == 2
        assert {IMG_ALERT, IMG_FLAG} == {text.rsplit(" ", 1)[0].strip() for text in results.all_inner_texts()}
        results.first.click()
        details = page.locator("#details")
        assert details.is_visible() and details.inner_text().count("<img") >= 1
        # The tooltip of a node with a hostile label, shown by hovering it, is text too.
        page.fill("#search", "")
        target = json.dumps(f"{QUOTED_IRI}")
        visit.js(
            f"routineExplorer.network.moveTo({{position: routineExplorer.network.getPositions([{target}])[{target}], "
            "scale: 1})"
        )
        box = page.locator("#network").bounding_box()
        point = visit.js(
            f"routineExplorer.network.canvasToDOM(routineExplorer.network.getPositions([{target}])[{target}])"
        )
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        tooltip = page.locator("div.vis-tooltip")
        tooltip.wait_for(state="visible", timeout=5000)
        assert "O'Brien \"quoted\" ' -->" in tooltip.inner_text()
        hostile_tip = visit.js(f"routineExplorer.nodes.get({json.dumps('https://example.org/hostile/p1')}).title")
        assert hostile_tip.startswith(IMG_ALERT)
        page.wait_for_timeout(100)  # an onerror handler, had markup been parsed, would have fired by now
        visit.assert_clean()
    finally:
        visit.close()


def test_hostile_ids_and_title_cannot_break_out_of_the_page(browser, tmp_path):
    out = tmp_path / "ids.html"
    out.write_text(render_html(_hostile_view()), encoding="utf-8")
    visit = Visit(browser, out)
    try:
        assert visit.js("routineExplorer.network.body.data.nodes.length") == 2
        assert visit.js("routineExplorer.network.body.data.edges.length") == 1
        assert visit.js("Object.keys(routineExplorer.network.getPositions()).sort()") == sorted(
            n.id for n in _hostile_view().nodes
        )
        assert visit.page.title() == "</title><script>window.__pwned=true</script>"
        visit.js(f"routineExplorer.focusNode({json.dumps(_hostile_view().nodes[0].id)})")
        assert IMG_ALERT in visit.page.locator("#details").inner_text()
        visit.assert_clean()
    finally:
        visit.close()


def test_an_empty_map_says_so(browser, tmp_path):
    out = tmp_path / "empty.html"
    out.write_text(render_html(ExportView("Empty", "map", (), (), (), (), {2: "meso"}, {}, {})), encoding="utf-8")
    visit = Visit(browser, out)
    try:
        assert visit.page.locator("#network").inner_text() == "This map has no nodes yet."
        visit.assert_clean()
    finally:
        visit.close()
