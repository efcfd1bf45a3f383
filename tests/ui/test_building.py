"""Building a map fluently, driven through the event loop: naming new nodes, the tie menu, quick add.

Every step lets the event loop run (``settle``) before the next one, as a person's next key or click
would: a queued event that reopens or cancels a name box shows up here, not only in use.
"""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from explorer.core import editing
from explorer.core.namespaces import RX

#: Palette entries for the 13 nodes of the discharge scenario, in the order a person might add them.
THIRTEEN = [
    ("Unit", "Ward 7"),
    ("Routine", "Discharge huddle"),
    ("Role", "Ward 7 nurses"),
    ("Norm", "Doctors decide discharge"),
    ("Change proposal", "Nurse-led discharge"),
    ("Unit", "Pharmacy"),
    ("Routine", "Medicines reconciliation"),
    ("Role", "Consultants"),
    ("Norm", "Patients leave before noon"),
    ("Change component", "Criteria-led discharge"),
    ("Professional group", "Nurses"),
    ("Routine", "Transport booking"),
    ("Artefact", "Discharge checklist"),
]


@pytest.fixture
def window(make_window):
    window = make_window(size=(1280, 800))
    window.new_map()
    return window


def settle(qtbot, ms: int = 60) -> None:
    """Let the event loop run a few turns (queued calls, deferred deletes, focus changes)."""
    qtbot.wait(ms)
    QApplication.processEvents()


def name_box(window):
    return window.canvas.name_editor


def click_palette(qtbot, window, kind_label: str) -> None:
    palette = window.palette_view
    items = palette.findItems(kind_label, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    assert items, f"no palette entry {kind_label}"
    palette.scrollToItem(items[0])
    qtbot.mouseClick(palette.viewport(), Qt.MouseButton.LeftButton, pos=palette.visualItemRect(items[0]).center())


def type_name(qtbot, window, name: str, key=Qt.Key.Key_Return) -> None:
    qtbot.waitUntil(lambda: name_box(window) is not None and name_box(window).isVisible(), timeout=2000)
    editor = name_box(window)
    assert editor.hasFocus(), "the name box has the keyboard"
    qtbot.keyClicks(editor, name)
    qtbot.keyClick(editor, key)


def labels(window) -> list[str]:
    return sorted(view.label for view in window.projection.nodes.values())


def undo_texts(window) -> list[str]:
    return [command.label for command in window.document.stack.commands[: window.document.stack.index]]


def test_enter_names_a_new_node_once_and_the_box_stays_closed(qtbot, window):
    click_palette(qtbot, window, "Unit")
    type_name(qtbot, window, "Ward 7")
    for _ in range(5):
        settle(qtbot)
        assert name_box(window) is None, "Enter ended naming; nothing reopened the box"
    assert labels(window) == ["Ward 7"]
    assert undo_texts(window) == ["Add unit New unit", "Rename “New unit” to “Ward 7”"]


def test_thirteen_nodes_in_a_row_by_palette_clicks_and_enter(qtbot, window):
    for kind, name in THIRTEEN:
        click_palette(qtbot, window, kind)
        settle(qtbot)
        type_name(qtbot, window, name)
        settle(qtbot)
        assert name_box(window) is None
    settle(qtbot, 200)
    assert labels(window) == sorted(name for _, name in THIRTEEN)
    assert not [label for label in labels(window) if label.startswith("New ")]
    renames = [text for text in undo_texts(window) if text.startswith("Rename")]
    assert len(renames) == 13, renames


def test_a_palette_click_commits_the_name_being_typed(qtbot, window):
    click_palette(qtbot, window, "Unit")
    qtbot.waitUntil(lambda: name_box(window) is not None)
    qtbot.keyClicks(name_box(window), "Ward 7")
    click_palette(qtbot, window, "Routine")  # no Enter: the next node is asked for straight away
    settle(qtbot)
    type_name(qtbot, window, "Discharge huddle")
    settle(qtbot, 200)
    assert labels(window) == ["Discharge huddle", "Ward 7"]
    assert name_box(window) is None


def test_escape_cancels_naming_once(qtbot, window):
    click_palette(qtbot, window, "Unit")
    type_name(qtbot, window, "Ward 7", key=Qt.Key.Key_Escape)
    for _ in range(3):
        settle(qtbot)
        assert name_box(window) is None
    assert labels(window) == ["New unit"]
    assert window.canvas.selected_nodes(), "Escape in the name box keeps the node selected"
    assert undo_texts(window) == ["Add unit New unit"]


def test_tab_names_the_node_and_ends_naming(qtbot, window):
    click_palette(qtbot, window, "Routine")
    type_name(qtbot, window, "Discharge huddle", key=Qt.Key.Key_Tab)
    settle(qtbot)
    assert name_box(window) is None
    assert labels(window) == ["Discharge huddle"]


def test_f2_renames_an_existing_node_naming_both_names_in_history(qtbot, window):
    iri = window.place_node(RX.Unit, label="Ward 7")
    window.canvas.setFocus()
    window.canvas.select([iri])
    qtbot.keyClick(window.canvas, Qt.Key.Key_F2)
    type_name(qtbot, window, "Ward 7 East")
    settle(qtbot)
    assert name_box(window) is None
    assert undo_texts(window)[-1] == "Rename “Ward 7” to “Ward 7 East”"


# ---------------------------------------------------------------------------------------------- the tie menu
def made(window, kind, name, x=0.0):
    command, iri = editing.create_node(window.document, window.schema, kind, name, position=(x, 0))
    window.document.execute(command)
    return iri


def entries(menu) -> list[str]:
    return [a.text().strip().replace("&&", "&") for a in menu.actions() if a.isEnabled() and a.text().strip()]


def sections(menu) -> list[list[str]]:
    """The relations offered in each direction (the entries under each "A → B" heading)."""
    found = []
    for action in menu.actions():
        text = action.text().strip()
        if "→" in text:
            found.append([])
        elif text and action.isEnabled():
            found[-1].append(text)
    return found


def test_a_tie_from_a_change_to_a_norm_offers_violates_first(qtbot, window, monkeypatch):
    change = made(window, RX.ChangeProposal, "Nurse-led discharge")
    norm = made(window, RX.Norm, "Doctors decide discharge", 300)
    offered = []

    def choose(menu, global_pos):
        offered.extend(entries(menu))
        next(a for a in menu.actions() if a.text().strip() == "violates").trigger()

    monkeypatch.setattr(window, "popup", choose)
    window.canvas.select([change, norm])
    window.tie_selected()
    assert offered[0] == "violates"
    assert "aligns with" in offered
    assert (change, RX.violates, norm) in {(s, p, o) for s, p, o, _ in window.document.store.quads(change, None, None)}
    assert undo_texts(window)[-1] == "Tie “Nurse-led discharge” violates “Doctors decide discharge”"


def test_dragging_from_a_change_to_a_norm_offers_the_theory_relations(qtbot, window, monkeypatch):
    change = made(window, RX.ChangeComponent, "Criteria-led discharge")
    norm = made(window, RX.Norm, "Doctors decide discharge", 300)
    offered = []
    monkeypatch.setattr(window, "popup", lambda menu, pos: offered.extend(entries(menu)))
    canvas, viewport = window.canvas, window.canvas.viewport()
    settle(qtbot)

    def at(iri) -> QPoint:
        return canvas.mapFromScene(QPointF(*canvas.positions[iri]))

    def mouse(kind, pos, buttons=Qt.MouseButton.LeftButton, button=Qt.MouseButton.LeftButton):
        event = QMouseEvent(
            kind, QPointF(pos), QPointF(viewport.mapToGlobal(pos)), button, buttons, Qt.KeyboardModifier.NoModifier
        )
        QApplication.sendEvent(viewport, event)

    canvas.set_zoom(1.0)
    canvas.centerOn(150, 0)
    settle(qtbot)
    mouse(QMouseEvent.Type.MouseMove, at(change), Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)
    handle = canvas.mapFromScene(canvas._handle.scenePos())
    mouse(QMouseEvent.Type.MouseButtonPress, handle)
    mouse(QMouseEvent.Type.MouseMove, at(norm))
    mouse(QMouseEvent.Type.MouseButtonRelease, at(norm), Qt.MouseButton.NoButton)
    assert offered[:2] == ["violates", "aligns with"]


def test_the_tie_menu_has_one_entry_per_relation_in_plain_words(qtbot, window):
    pairs = [
        (RX.Role, RX.ProfessionalGroup),
        (RX.Unit, RX.Norm),
        (RX.Routine, RX.Routine),
        (RX.ChangeProposal, RX.Routine),
        (RX.Person, RX.ChangeProposal),
    ]
    for i, (a, b) in enumerate(pairs):
        source = made(window, a, f"A{i}", i * 400)
        target = made(window, b, f"B{i}", i * 400 + 200)
        texts = entries(window.relations_menu(source, target))
        for section in sections(window.relations_menu(source, target)):
            assert len(section) == len(set(section)), section
        assert not [t for t in texts if "with details" in t]
        assert not {"of profession", "subscribes to"} & set(texts)
    role, group = made(window, RX.Role, "Ward 7 nurses", 2000), made(window, RX.ProfessionalGroup, "Nurses", 2200)
    assert "belongs to the profession" in entries(window.relations_menu(role, group))
    unit, norm = made(window, RX.Unit, "Ward 7", 2400), made(window, RX.Norm, "Before noon", 2600)
    assert "holds the norm" in entries(window.relations_menu(unit, norm))


def test_a_unit_is_not_offered_to_report_to_a_role(qtbot, window):
    unit, role = made(window, RX.Unit, "Ward 7"), made(window, RX.Role, "Matron", 300)
    texts = entries(window.relations_menu(unit, role))
    assert "reports to" not in texts
    nurse, matron = made(window, RX.Role, "Ward 7 nurse", 600), role
    assert "reports to" in entries(window.relations_menu(nurse, matron))


def test_a_relation_with_details_is_made_as_a_tie_the_inspector_can_fill_in(qtbot, window, monkeypatch):
    change, routine = made(window, RX.ChangeProposal, "Nurse-led discharge"), made(window, RX.Routine, "Huddle", 300)
    menu = window.relations_menu(change, routine)
    disrupts = [a for a in menu.actions() if a.text().strip() == "disrupts"]
    assert len(disrupts) == 1
    disrupts[0].trigger()
    tie = window.canvas.selected_keys()[0]
    assert tie[0] == "tie" and (tie[1], None, RX.Disruption) is not None
    kinds = {o for _, _, o, _ in window.document.store.quads(tie[1], None, None) if o == RX.Disruption}
    assert kinds == {RX.Disruption}, "the one entry makes the tie that can carry a degree"


# ---------------------------------------------------------------------------------------------- quick add
def test_quick_add_makes_two_nodes_and_offers_the_tie(qtbot, window, monkeypatch):
    offered = []

    def choose(menu, global_pos):
        offered.extend(entries(menu))
        next(a for a in menu.actions() if a.text().strip() == "owned by").trigger()

    monkeypatch.setattr(window, "popup", choose)
    window.building.quick_add_action.trigger()
    field = window.building.quick_add
    qtbot.waitUntil(lambda: field.isVisible() and field.hasFocus(), timeout=2000)
    qtbot.keyClicks(field, "Discharge huddle (routine) -> Ward 7 (unit)")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    settle(qtbot)
    assert labels(window) == ["Discharge huddle", "Ward 7"]
    kinds = {view.label: view.kind for view in window.projection.nodes.values()}
    assert kinds == {"Discharge huddle": RX.Routine, "Ward 7": RX.Unit}
    assert "owned by" in offered
    assert len(window.projection.ties) == 1
    assert not field.isVisible()
    # An existing node is matched by its label; a kind left out is the last one used.
    offered.clear()
    monkeypatch.setattr(window, "popup", lambda menu, pos: offered.extend(entries(menu)))
    window.building.quick_add_action.trigger()
    qtbot.waitUntil(lambda: field.isVisible(), timeout=2000)
    qtbot.keyClicks(field, "ward 7 -> Pharmacy")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    settle(qtbot)
    assert labels(window) == ["Discharge huddle", "Pharmacy", "Ward 7"]
    assert {view.label: view.kind for view in window.projection.nodes.values()}["Pharmacy"] == RX.Unit
    assert offered, "the relations between the two are offered"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("-> Ward 7", "both sides"),
        ("A -> B -> C", "one arrow"),
        ("Ward 7 (spaceship) -> Huddle (routine)", "spaceship"),
        ("x" * 600, "too long"),
    ],
)
def test_quick_add_refuses_what_it_cannot_read_with_a_message(qtbot, window, text, says):
    window.building.quick_add_action.trigger()
    field = window.building.quick_add
    field.setText(text)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    settle(qtbot)
    assert labels(window) == []
    assert says in window.statusBar().currentMessage()
    assert field.isVisible(), "the line stays open to be corrected"


# ------------------------------------------------------------------------- a name still being typed
MAP = """@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://e.org/u1> a rx:Unit ; rdfs:label "Ward 7\\n(north wing)" .
"""


@pytest.fixture
def saved_map(make_window, tmp_path):
    """A window with a one-node map open from a file (its one unit's label spans two lines)."""
    path = tmp_path / "map.ttl"
    path.write_text(MAP, encoding="utf-8")
    return make_window(path, size=(1280, 800)), path


def start_naming_a_new_unit(qtbot, window, name: str):
    click_palette(qtbot, window, "Unit")
    qtbot.waitUntil(lambda: name_box(window) is not None and name_box(window).hasFocus(), timeout=2000)
    qtbot.keyClicks(name_box(window), name)  # no Enter: the next key is the window's


def test_ctrl_s_while_naming_saves_the_typed_name(qtbot, saved_map):
    window, path = saved_map
    start_naming_a_new_unit(qtbot, window, "Pharmacy")
    qtbot.keyClick(name_box(window), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.busy and not window.document.dirty, timeout=5000)
    settle(qtbot)
    saved = path.read_text(encoding="utf-8")
    assert "Pharmacy" in saved and "New unit" not in saved
    assert name_box(window) is None
    assert undo_texts(window)[-1] == "Rename “New unit” to “Pharmacy”"


def test_closing_the_map_while_naming_and_saving_keeps_the_typed_name(qtbot, saved_map, dialogs):
    window, path = saved_map
    dialogs.answers["warning"] = QMessageBox.StandardButton.Save
    start_naming_a_new_unit(qtbot, window, "Pharmacy")
    qtbot.keyClick(name_box(window), Qt.Key.Key_F4, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.document is None, timeout=5000)
    assert [kind for kind, _, _ in dialogs.shown] == ["warning"], "asked once, about the typed name too"
    saved = path.read_text(encoding="utf-8")
    assert "Pharmacy" in saved and "New unit" not in saved


def test_f2_then_enter_on_a_two_line_label_changes_nothing(qtbot, saved_map):
    window, _ = saved_map
    iri = next(iter(window.projection.nodes))
    window.canvas.setFocus()
    qtbot.waitUntil(window.canvas.hasFocus, timeout=2000)
    window.canvas.select([iri])
    qtbot.keyClick(window.canvas, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: name_box(window) is not None, timeout=2000)
    assert name_box(window).text() == "Ward 7 (north wing)", "the box shows the label on one line"
    qtbot.keyClick(name_box(window), Qt.Key.Key_Return)
    settle(qtbot)
    assert name_box(window) is None
    assert window.projection.nodes[iri].label == "Ward 7\n(north wing)"
    assert not window.document.dirty
    assert undo_texts(window) == []


# ------------------------------------------------------------------------------- quick add, continued
def type_into(qtbot, widget, text: str) -> None:
    """Type ``text`` key by key; a character no key of QTest's makes ("→") comes as a key event carrying it."""
    for char in text:
        if char.isascii():
            qtbot.keyClick(widget, char)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
                QApplication.sendEvent(widget, event)


def quick_add(qtbot, window, text: str) -> None:
    window.building.quick_add_action.trigger()
    field = window.building.quick_add
    qtbot.waitUntil(lambda: field.isVisible() and field.hasFocus(), timeout=2000)
    type_into(qtbot, field, text)
    assert field.text() == text
    qtbot.keyClick(field, Qt.Key.Key_Return)
    settle(qtbot)


@pytest.mark.parametrize("arrow", ["->", "→", "⟶", "—>", "=>", "⇒"])
def test_quick_add_reads_each_arrow_as_a_tie_between_two_names(qtbot, window, monkeypatch, arrow):
    headings = []
    monkeypatch.setattr(window, "popup", lambda menu, pos: headings.extend(a.text() for a in menu.actions()))
    quick_add(qtbot, window, f"Ward 7 (unit) {arrow} Pharmacy (unit)")
    assert labels(window) == ["Pharmacy", "Ward 7"]
    assert "Ward 7 → Pharmacy" in headings[0]


def test_quick_add_reads_a_backward_arrow_as_the_tie_the_other_way(qtbot, window, monkeypatch):
    headings = []
    monkeypatch.setattr(window, "popup", lambda menu, pos: headings.extend(a.text() for a in menu.actions()))
    quick_add(qtbot, window, "Ward 7 (unit) <- Pharmacy (unit)")
    assert labels(window) == ["Pharmacy", "Ward 7"]
    assert "Pharmacy → Ward 7" in headings[0]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("C (unit) <-> D (unit)", "Use ->"),
        ("C (unit) > D (unit)", "Use -> between two names"),
        ("C (unit) ~> D (unit)", "Use -> between two names"),
        ("C (unit) ↝ D (unit)", "Use -> between two names"),
        ("C (unit) <", "Use -> between two names"),
        ("Ward 7 (unit) -> Ward 7", "Name two different nodes to tie them."),
        ("Ward 7 (unit) -> ward 7 (unit)", "Name two different nodes to tie them."),
    ],
)
def test_quick_add_refuses_odd_arrows_and_one_name_twice(qtbot, window, monkeypatch, text, says):
    offered = []
    monkeypatch.setattr(window, "popup", lambda menu, pos: offered.append(menu))
    quick_add(qtbot, window, text)
    assert labels(window) == [] and not offered, "nothing is made or offered, no name holds an arrow"
    assert says in window.statusBar().currentMessage()
    assert window.building.quick_add.isVisible(), "the line stays open to be corrected"


def test_close_map_hides_and_clears_the_quick_add_line(qtbot, window):
    window.building.quick_add_action.trigger()
    field = window.building.quick_add
    qtbot.waitUntil(lambda: field.isVisible() and field.hasFocus(), timeout=2000)
    qtbot.keyClicks(field, "Half typed")
    qtbot.keyClick(field, Qt.Key.Key_F4, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.document is None, timeout=5000)
    assert not field.isVisible() and field.text() == ""
    window.new_map()
    settle(qtbot)
    assert not field.isVisible(), "the next map opens without the last one's line"


def test_every_editor_refuses_a_name_past_the_one_limit(qtbot, window):
    from explorer.core.schema import MAX_NAME

    quick_add(qtbot, window, "x" * (MAX_NAME + 1) + " (unit)")
    assert labels(window) == [] and f"at most {MAX_NAME}" in window.statusBar().currentMessage()
    iri = window.place_node(RX.Unit, label="Ward 7")
    window.building.rename(iri, "y" * (MAX_NAME + 1))
    assert labels(window) == ["Ward 7"] and f"at most {MAX_NAME}" in window.statusBar().currentMessage()


def test_the_name_box_stops_typing_at_the_limit_so_nothing_typed_is_lost(qtbot, window):
    from explorer.core.schema import MAX_NAME

    click_palette(qtbot, window, "Unit")
    type_name(qtbot, window, "z" * (MAX_NAME + 30))
    settle(qtbot)
    assert labels(window) == ["z" * MAX_NAME], "the name box kept what fits instead of refusing it all"
