"""Scenarios inside a map: made, shown, edited, undone, saved, reopened and recovered, the base never touched."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import RDF, RDFS, Literal, URIRef
from support.processes import kill_when_ready

from explorer.core import events as ev
from explorer.core.commands import Command, add_node, add_tie, compose, remove_node, remove_tie, set_property
from explorer.core.document import MapDocument
from explorer.core.errors import CommandError, ExplorerError, SaveError, ScenariosNotSaved
from explorer.core.graph_view import census
from explorer.core.namespaces import RX
from explorer.core.scenarios import (
    SCENARIOS_GRAPH,
    base_quads,
    create,
    delete,
    differences,
    display_title,
    find,
    keep,
    rename,
    route,
    scenarios,
    show,
    shown,
    unreadable,
)
from explorer.core.schema import MAX_NAME
from explorer.core.terms import DEFAULT_GRAPH

E = "http://example.org/map/"
WARD, NURSE, BROKER = URIRef(E + "unit/ward-7"), URIRef(E + "person/nurse"), URIRef(E + "person/broker")
MAP_TRIG = f"""
<http://example.org/map> a <http://rdfs.org/ns/void#Dataset> ; <http://rdfs.org/ns/void#uriSpace> "{E}" .
<{WARD}> a <{RX.Unit}> ; <{RDFS.label}> "Ward 7" .
<{NURSE}> a <{RX.Person}> ; <{RDFS.label}> "Nurse" ; <http://www.w3.org/ns/org#memberOf> <{WARD}> .
"""


def default_graph(doc) -> frozenset:
    return frozenset(doc.store.quads())


def named(doc, graph) -> frozenset:
    return frozenset(doc.store.quads(None, None, None, graph))


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "ward.trig"
    path.write_text(MAP_TRIG, encoding="utf-8")
    opened = MapDocument.open(path, with_ontology=False)
    yield opened
    opened.close()


def make(doc, name, **kwargs):
    command, scenario = create(doc, name, **kwargs)
    doc.execute(command)
    return scenario


# ------------------------------------------------------------------ make, show, edit
def test_create_show_edit_undo_and_redo_within_a_scenario(doc):
    base = default_graph(doc)
    to_be = make(doc, "to-be: nurse-led discharge", description="Nurses discharge on criteria")
    assert [(s.name, s.description) for s in scenarios(doc.store)] == [
        ("to-be: nurse-led discharge", "Nurses discharge on criteria")
    ]
    assert shown(doc.store) is None and default_graph(doc) == base  # made, not shown
    doc.execute(show(doc, to_be))
    assert shown(doc.store) == to_be
    doc.execute(add_node(doc.store, BROKER, RX.Person, "Bed manager"))
    doc.execute(set_property(doc.store, NURSE, RDFS.label, Literal("Discharge nurse")))
    added, removed = differences(doc.store, to_be)
    assert (BROKER, RDFS.label, Literal("Bed manager"), DEFAULT_GRAPH) in added
    assert (NURSE, RDFS.label, Literal("Discharge nurse"), DEFAULT_GRAPH) in added
    assert removed == {(NURSE, RDFS.label, Literal("Nurse"), DEFAULT_GRAPH)}
    shown_then = default_graph(doc)
    assert shown_then == (base - removed) | added

    doc.undo()  # the rename, in the scenario and its difference alike
    assert differences(doc.store, to_be)[1] == frozenset()
    assert (NURSE, RDFS.label, Literal("Nurse"), DEFAULT_GRAPH) in default_graph(doc)
    doc.redo()
    assert default_graph(doc) == shown_then and differences(doc.store, to_be) == (added, removed)

    doc.execute(show(doc, None))
    assert default_graph(doc) == base  # the base never saw those edits


def test_typing_in_a_field_of_a_scenario_is_one_undo_step(doc):
    to_be = make(doc, "to-be")
    doc.execute(show(doc, to_be))
    for text in ("D", "Di", "Dis"):
        doc.execute(set_property(doc.store, NURSE, RDFS.label, Literal(text)))
    assert named(doc, to_be.added_graph) == {(NURSE, RDFS.label, Literal("Dis"), to_be.added_graph)}
    doc.undo()
    assert named(doc, to_be.added_graph) == frozenset() and named(doc, to_be.removed_graph) == frozenset()
    assert shown(doc.store) == to_be


def test_a_batch_in_a_scenario_routes_each_command_as_it_is_applied(doc):
    to_be = make(doc, "to-be")
    doc.execute(show(doc, to_be))
    with doc.batch("Add and drop"):
        doc.execute(add_node(doc.store, BROKER, RX.Person, "Broker"))
        doc.execute(remove_node(doc.store, BROKER))  # added in the batch, gone again: nothing left
        doc.execute(remove_tie(doc.store, NURSE, URIRef("http://www.w3.org/ns/org#memberOf"), WARD))
    assert named(doc, to_be.added_graph) == frozenset()
    assert differences(doc.store, to_be)[1] == {
        (NURSE, URIRef("http://www.w3.org/ns/org#memberOf"), WARD, DEFAULT_GRAPH)
    }
    doc.undo()
    assert differences(doc.store, to_be) == (frozenset(), frozenset())


def test_switching_never_changes_the_base(doc):
    before = doc.serialize("trig")
    to_be, broker = make(doc, "to-be"), make(doc, "with a bed-manager broker")
    doc.execute(show(doc, to_be))
    doc.execute(remove_node(doc.store, NURSE))
    doc.execute(show(doc, broker))
    doc.execute(add_node(doc.store, BROKER, RX.Person, "Bed manager"))
    doc.execute(show(doc, to_be))
    assert (BROKER, RDF.type, RX.Person, DEFAULT_GRAPH) not in default_graph(doc)
    assert not any(doc.store.quads(NURSE))
    doc.execute(show(doc, None))
    for scenario in (to_be, broker):  # delete both, and the map is the one read
        doc.execute(delete(doc, scenario))
    assert doc.serialize("trig") == before


def test_undo_after_a_switch_switches_back(doc):
    to_be = make(doc, "to-be")
    doc.execute(show(doc, to_be))
    assert doc.stack.undo_text == "Show “to-be”"
    doc.undo()
    assert shown(doc.store) is None and doc.stack.redo_text == "Show “to-be”"
    doc.redo()
    doc.execute(show(doc, None))
    assert doc.stack.undo_text == "Show the as-is map"
    assert show(doc, None).is_empty and show(doc, None).view


def test_switching_alone_leaves_a_saved_map_clean(doc):
    to_be = make(doc, "to-be")
    doc.save()
    seen = []
    doc.events.subscribe(ev.DirtyChanged, lambda e: seen.append(e.dirty))
    doc.execute(show(doc, to_be))
    doc.execute(show(doc, None))
    doc.undo()
    assert not doc.dirty and seen == []
    doc.execute(add_tie(doc.store, NURSE, RDFS.seeAlso, WARD))  # an edit in the scenario
    assert doc.dirty and seen == [True]
    doc.undo()
    assert not doc.dirty and seen == [True, False]
    doc.undo()  # the switch: still the saved map
    assert not doc.dirty and shown(doc.store) is None and seen == [True, False]
    doc.execute(show(doc, to_be))  # a new branch of switches only
    assert not doc.dirty


def test_an_edit_of_the_base_shows_in_every_scenario(doc):
    to_be = make(doc, "to-be", added=[(BROKER, RDF.type, RX.Person)], removed=[(NURSE, RDFS.label, Literal("Nurse"))])
    doc.execute(add_node(doc.store, BROKER, RX.Person))  # now in the base: moot in the scenario
    doc.execute(set_property(doc.store, NURSE, RDFS.label, Literal("Charge nurse")))
    assert differences(doc.store, to_be) == (frozenset(), frozenset())
    doc.execute(show(doc, to_be))
    assert (NURSE, RDFS.label, Literal("Charge nurse"), DEFAULT_GRAPH) in default_graph(doc)
    doc.execute(show(doc, None))
    doc.undo()  # the switch back
    doc.undo()  # the switch
    doc.undo()  # the rename of the base
    doc.undo()  # the node: the scenario's own difference is back
    assert differences(doc.store, to_be) == (
        {(BROKER, RDF.type, RX.Person, DEFAULT_GRAPH)},
        {(NURSE, RDFS.label, Literal("Nurse"), DEFAULT_GRAPH)},
    )


def test_a_statement_added_then_dropped_by_the_base_is_gone_from_the_scenario_too(doc):
    to_be = make(doc, "to-be")
    note = (WARD, RDFS.comment, Literal("nurse-led"))
    doc.execute(show(doc, to_be))
    doc.execute(add_tie(doc.store, *note))  # the scenario adds it
    doc.execute(show(doc, None))
    doc.execute(add_tie(doc.store, *note))  # then the base has it too
    doc.execute(remove_tie(doc.store, *note))  # and drops it: so does every scenario
    doc.execute(show(doc, to_be))
    assert (*note, DEFAULT_GRAPH) not in default_graph(doc)


def test_a_scenario_listed_wrongly_in_a_file_never_changes_the_base(tmp_path):
    path = tmp_path / "odd.trig"
    s = E + "scenario/odd"
    path.write_text(
        MAP_TRIG
        + f"""
        <{SCENARIOS_GRAPH}> {{ <{s}> a <{RX.Scenario}> ; <{RDFS.label}> "odd" ;
            <{RX.addedGraph}> <{s}/added> ; <{RX.removedGraph}> <{s}/removed> . }}
        <{s}/added> {{ <{WARD}> <{RDFS.label}> "Ward 7" . }}
        <{s}/removed> {{ <{WARD}> <{RDFS.comment}> "not in the map" . }}
        """,
        encoding="utf-8",
    )
    doc = MapDocument.open(path, with_ontology=False)
    try:
        base = default_graph(doc)
        odd = find(doc.store, "odd")
        assert differences(doc.store, odd) == (frozenset(), frozenset())
        doc.execute(show(doc, odd))
        assert default_graph(doc) == base
        doc.execute(show(doc, None))
        assert default_graph(doc) == base
    finally:
        doc.close()


def test_only_a_command_of_views_alone_is_a_view_command():
    switch, edit = Command("Show", view=True), Command("Edit")
    assert switch.then(switch).view and switch.inverse().view
    assert not switch.then(edit).view and not edit.then(switch).view
    assert not compose("Both", [switch, switch]).view


def test_a_new_switch_after_undoing_one_past_the_save_stays_clean(doc):
    to_be, other = make(doc, "to-be"), make(doc, "other")
    doc.execute(show(doc, to_be))
    doc.save()
    doc.undo()  # back before the save, by a switch only
    assert not doc.dirty
    doc.execute(show(doc, other))  # the saved switch is discarded; the map is the saved one
    assert not doc.dirty
    doc.execute(add_tie(doc.store, NURSE, RDFS.seeAlso, WARD))
    assert doc.dirty


def test_create_keeps_only_real_differences_from_the_base_whatever_is_shown(doc):
    other = make(doc, "other", removed=[(NURSE, RDFS.label, Literal("Nurse"))])
    doc.execute(show(doc, other))
    lever = make(
        doc,
        "lever",
        added=[(WARD, RDFS.label, Literal("Ward 7")), (WARD, RDFS.comment, Literal("new"))],
        removed=[(NURSE, RDFS.label, Literal("Nurse")), (WARD, RDFS.comment, Literal("absent"))],
    )
    assert differences(doc.store, lever) == (
        {(WARD, RDFS.comment, Literal("new"), DEFAULT_GRAPH)},
        {(NURSE, RDFS.label, Literal("Nurse"), DEFAULT_GRAPH)},
    )
    with pytest.raises(CommandError, match="map graph only"):
        create(doc, "stray", added=[(WARD, RDFS.label, Literal("x"), SCENARIOS_GRAPH)])


def test_names_are_checked_and_found(doc):
    make(doc, "To-be")
    with pytest.raises(CommandError, match="already a scenario called “To-be”"):
        create(doc, " to-BE ")
    with pytest.raises(CommandError, match="needs a name"):
        create(doc, "   ")
    with pytest.raises(CommandError, match=f"at most {MAX_NAME}"):
        create(doc, "x" * (MAX_NAME + 1))
    broker = make(doc, "broker 10")
    make(doc, "broker 9")
    assert [s.name for s in scenarios(doc.store)] == ["broker 9", "broker 10", "To-be"]
    assert find(doc.store, "BROKER 10") == broker == find(doc.store, str(broker.iri))
    message = "no scenario “as-is” in this map; it has “broker 9”, “broker 10”, “To-be”."
    with pytest.raises(ExplorerError, match=re.escape(message)):
        find(doc.store, "as-is")
    doc.execute(rename(doc, broker, "with a broker"))
    assert find(doc.store, "with a broker").iri == broker.iri
    assert rename(doc, find(doc.store, "with a broker"), "With a broker").label.startswith("Rename")
    with pytest.raises(CommandError, match="already"):
        rename(doc, broker, "to-be")


def test_the_same_name_again_after_a_delete_gets_a_new_iri_when_its_graphs_remain(doc):
    first = make(doc, "to-be", added=[(WARD, RDFS.comment, Literal("a"))])
    second = make(doc, "to be")  # another name, the same slug
    assert first.iri != second.iri and str(second.iri).endswith("scenario/to-be-2")
    assert str(first.iri) == E + "scenario/to-be"


def test_deleting_the_shown_scenario_shows_the_base_in_the_same_step(doc):
    base = default_graph(doc)
    to_be = make(doc, "to-be")
    doc.execute(show(doc, to_be))
    doc.execute(add_tie(doc.store, NURSE, RDFS.seeAlso, WARD))
    doc.execute(delete(doc, to_be))
    assert shown(doc.store) is None and scenarios(doc.store) == [] and default_graph(doc) == base
    assert named(doc, to_be.added_graph) == frozenset() and named(doc, SCENARIOS_GRAPH) == frozenset()
    doc.undo()
    assert shown(doc.store) == to_be and (NURSE, RDFS.seeAlso, WARD, DEFAULT_GRAPH) in default_graph(doc)


def test_route_leaves_switches_and_other_graphs_alone(doc):
    to_be = make(doc, "to-be")
    doc.execute(show(doc, to_be))
    switch = show(doc, None)
    assert route(doc.store, switch) is switch
    graph_only = delete(doc, make(doc, "other"))
    assert route(doc.store, graph_only) is graph_only


# ------------------------------------------------------------------ saving and reopening
@pytest.mark.parametrize("extension", ["trig", "nq"])
def test_a_scenario_survives_save_and_reopen(doc, tmp_path, extension):
    base = default_graph(doc)
    to_be = make(doc, "to-be: nurse-led discharge")
    make(doc, "with a bed-manager broker", added=[(BROKER, RDF.type, RX.Person)])
    doc.execute(show(doc, to_be))
    doc.execute(add_node(doc.store, BROKER, RX.Person, "Discharge coordinator"))
    doc.execute(remove_tie(doc.store, NURSE, URIRef("http://www.w3.org/ns/org#memberOf"), WARD))
    shown_before, diff_before = default_graph(doc), differences(doc.store, to_be)
    path = tmp_path / f"saved.{extension}"
    # The app adds positions for nodes it placed: one for the scenario's own node stays out of the base.
    doc.finish_save(
        doc.write_file(
            path,
            extra=[(BROKER, RX.canvasX, Literal(1.0), DEFAULT_GRAPH), (WARD, RX.canvasX, Literal(2.0), DEFAULT_GRAPH)],
        )
    )
    assert shown(doc.store) == to_be and default_graph(doc) == shown_before  # put back after the write
    assert not doc.dirty
    doc.close()

    again = MapDocument.open(path, with_ontology=False)
    try:
        assert shown(again.store) is None
        assert default_graph(again) == base | {(WARD, RX.canvasX, Literal(2.0), DEFAULT_GRAPH)}
        assert not any(again.store.quads(None, RX.shownScenario, None, SCENARIOS_GRAPH))
        assert [s.name for s in scenarios(again.store)] == ["to-be: nurse-led discharge", "with a bed-manager broker"]
        reopened = find(again.store, "to-be: nurse-led discharge")
        assert differences(again.store, reopened) == diff_before
        again.execute(show(again, reopened))
        assert default_graph(again) == shown_before | {(WARD, RX.canvasX, Literal(2.0), DEFAULT_GRAPH)}
        assert not again.dirty
    finally:
        again.close()


def test_turtle_cannot_hold_scenarios_and_says_which(doc, tmp_path):
    doc.save_as(tmp_path / "plain.ttl")  # no scenarios: Turtle as before
    to_be = make(doc, "to-be: nurse-led discharge")
    broker = make(doc, "with a bed-manager broker")
    with pytest.raises(ScenariosNotSaved) as caught:
        doc.save_as(tmp_path / "plain.ttl")
    assert caught.value.scenarios == ("to-be: nurse-led discharge", "with a bed-manager broker")
    assert isinstance(caught.value, SaveError)
    assert str(caught.value) == (
        "This map has 2 scenarios (“to-be: nurse-led discharge”, “with a bed-manager broker”), "
        "which Turtle cannot hold. Save as TriG or N-Quads to keep them."
    )
    doc.execute(delete(doc, to_be))
    doc.execute(delete(doc, broker))
    doc.save_as(tmp_path / "plain.ttl")  # their emptied graphs hold nothing to lose


def test_scenario_graphs_are_not_data_graphs(tmp_path):
    doc = MapDocument.new()
    try:
        # The base has no node; the scenario adds one: still no offer to view named graphs.
        make(doc, "to-be", added=[(BROKER, RDF.type, RX.Person), (BROKER, RDFS.label, Literal("Broker"))])
        found = census(doc)
        assert found.graphs == () and not found.needs_view
    finally:
        doc.close()


def test_a_base_edit_of_a_value_a_scenario_replaced_keeps_the_scenario_s_value(doc):
    to_be = make(doc, "to-be")
    doc.execute(show(doc, to_be))
    doc.execute(set_property(doc.store, NURSE, RDFS.label, Literal("Lead")))  # the scenario replaces the value
    doc.execute(show(doc, None))
    doc.execute(set_property(doc.store, NURSE, RDFS.label, Literal("Charge nurse")))  # the base corrects its own

    def labels():
        return {str(q[2]) for q in doc.store.quads(NURSE, RDFS.label, None)}

    assert labels() == {"Charge nurse"}
    doc.execute(show(doc, to_be))
    assert labels() == {"Lead"}  # one value, the scenario's
    doc.execute(show(doc, None))
    doc.undo()  # the switch back
    doc.undo()  # the switch
    doc.undo()  # the base's correction: the scenario is as it was
    assert differences(doc.store, to_be) == (
        {(NURSE, RDFS.label, Literal("Lead"), DEFAULT_GRAPH)},
        {(NURSE, RDFS.label, Literal("Nurse"), DEFAULT_GRAPH)},
    )


def test_a_base_edit_to_the_value_a_scenario_sets_leaves_the_scenario_nothing_to_do(doc):
    to_be = make(doc, "to-be")
    doc.execute(show(doc, to_be))
    doc.execute(set_property(doc.store, NURSE, RDFS.label, Literal("Lead")))
    doc.execute(show(doc, None))
    doc.execute(set_property(doc.store, NURSE, RDFS.label, Literal("Lead")))
    assert differences(doc.store, to_be) == (frozenset(), frozenset())


# ------------------------------------------------------------------ crafted files
_HEAD = f"""
@prefix rx: <{RX}> .
@prefix rdfs: <{RDFS}> .
@prefix ex: <urn:ex:> .
{{ ex:nurse a rx:Role ; rdfs:label "Nurse" ; rx:changeFatigue 0.5 . ex:ward a rx:Unit ; rdfs:label "Ward" . }}
"""
_S = "ex:s a rx:Scenario ; rdfs:label 'to-be' ; "
_ONTOLOGY = "<https://w3id.org/routine-explorer/graph/ontology>"
_CRAFTED = {  # index graph body, other graphs, what the notice says
    "same_graphs": (_S + "rx:addedGraph ex:g ; rx:removedGraph ex:g .", "ex:g { ex:nurse rx:changeFatigue 0.9 . }"),
    "removed_is_ontology": (_S + f"rx:addedGraph ex:a ; rx:removedGraph {_ONTOLOGY} .", ""),
    "added_is_index": (_S + f"rx:addedGraph <{SCENARIOS_GRAPH}> ; rx:removedGraph ex:r .", ""),
    "added_is_map": (_S + "rx:addedGraph <urn:x-rdflib:default> ; rx:removedGraph ex:r .", ""),
    "added_is_a_run": (
        _S + "rx:addedGraph <https://w3id.org/routine-explorer/graph/analysis/1> ; rx:removedGraph ex:r .",
        "",
    ),
    "shared_graphs": (
        _S + "rx:addedGraph ex:g ; rx:removedGraph ex:r1 . "
        "ex:t a rx:Scenario ; rdfs:label 'other' ; rx:addedGraph ex:g ; rx:removedGraph ex:r2 .",
        "ex:g { ex:nurse rx:changeFatigue 0.9 . }",
    ),
    "two_added_graphs": (
        _S + "rx:addedGraph ex:a, ex:a2 ; rx:removedGraph ex:r .",
        "ex:a { ex:nurse rx:changeFatigue 0.9 . } ex:a2 { ex:ward rx:workload 0.9 . }",
    ),
    "two_names": ("ex:s a rx:Scenario ; rdfs:label 'to-be', 'zz' ; rx:addedGraph ex:a ; rx:removedGraph ex:r .", ""),
    "no_name": ("ex:s a rx:Scenario ; rx:addedGraph ex:a ; rx:removedGraph ex:r .", ""),
}


def _crafted(tmp_path, name, index, graphs):
    path = tmp_path / f"{name}.trig"
    path.write_text(_HEAD + f"<{SCENARIOS_GRAPH}> {{ {index} }}\n{graphs}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(_CRAFTED))
def test_a_crafted_scenario_is_left_out_and_named_and_its_graphs_stay_data(tmp_path, name):
    index, graphs = _CRAFTED[name]
    doc = MapDocument.open(_crafted(tmp_path, name, index, graphs))
    try:
        ontology = len(list(doc.store.quads(None, None, None, _ONTOLOGY_IRI)))
        assert scenarios(doc.store) == []
        notice = unreadable(doc.store)
        assert len(notice) == (2 if name == "shared_graphs" else 1)
        assert all(line.startswith("Scenario ") and "left out" in line for line in notice)
        with pytest.raises(ExplorerError):
            find(doc.store, "to-be")  # so nothing can show or delete it
        data = {URIRef(g) for g in ("urn:ex:g", "urn:ex:a", "urn:ex:a2")} & set(doc.store.graph_names())
        assert data <= {g.name for g in census(doc).graphs}  # the named-graph bar offers them as data
        assert len(list(doc.store.quads(None, None, None, _ONTOLOGY_IRI))) == ontology
    finally:
        doc.close()


_ONTOLOGY_IRI = URIRef(_ONTOLOGY[1:-1])


def test_a_marker_in_a_file_is_dropped_on_open_so_a_save_keeps_the_base(tmp_path):
    # The file says "to-be" is shown and its added graph repeats a statement of the base.
    index = _S + "rx:addedGraph ex:a ; rx:removedGraph ex:r . " + f"<{SCENARIOS_GRAPH}> rx:shownScenario ex:s ."
    path = _crafted(tmp_path, "marker", index, 'ex:a { ex:ward rdfs:label "Ward" . }')
    with MapDocument.open(path, editing=False, with_ontology=False) as plain:
        base = default_graph(plain)
    doc = MapDocument.open(path, with_ontology=False)
    try:
        assert shown(doc.store) is None and not doc.dirty
        assert not any(doc.store.quads(None, RX.shownScenario, None, SCENARIOS_GRAPH))
        doc.save(overwrite=True)
    finally:
        doc.close()
    with MapDocument.open(path, editing=False, with_ontology=False) as saved:
        assert default_graph(saved) == base  # the label was not taken out of the base


def test_a_marker_naming_nothing_is_ignored_and_two_markers_are_not_trusted(doc):
    to_be, other = make(doc, "to-be"), make(doc, "other")
    ghost = (SCENARIOS_GRAPH, RX.shownScenario, URIRef("urn:ex:ghost"), SCENARIOS_GRAPH)
    doc.store.apply(added=[ghost])
    assert shown(doc.store) is None
    doc.store.apply(removed=[ghost])
    doc.execute(show(doc, to_be))
    assert shown(doc.store) == to_be
    doc.store.apply(added=[(SCENARIOS_GRAPH, RX.shownScenario, other.iri, SCENARIOS_GRAPH)])
    assert shown(doc.store) is None


# ------------------------------------------------------------------ trials
def test_a_trial_is_a_what_if_never_saved_until_kept(doc, tmp_path):
    doc.save_as(tmp_path / "ward.ttl")
    command, trial = create(doc, "Try: a broker", added=[(BROKER, RDF.type, RX.Person)], trial=True)
    assert command.view and trial.trial
    doc.execute(command)
    assert not doc.dirty and scenarios(doc.store) == [trial]
    doc.execute(show(doc, trial))
    doc.save()  # Turtle: no scenario to leave out, the trial is not one
    doc.execute(show(doc, None))
    doc.save_as(tmp_path / "ward.trig")
    with MapDocument.open(tmp_path / "ward.trig", editing=False, with_ontology=False) as saved:
        assert scenarios(saved.store) == [] and not any(saved.store.quads(None, None, None, trial.added_graph))
    assert scenarios(doc.store) == [trial]  # put back after the write
    removal = delete(doc, trial)
    assert removal.view
    doc.execute(removal)
    assert not doc.dirty and scenarios(doc.store) == []
    doc.undo()
    doc.execute(keep(doc, trial))
    assert doc.dirty and not scenarios(doc.store)[0].trial
    with pytest.raises(ScenariosNotSaved):
        doc.save_as(tmp_path / "ward.ttl")
    doc.undo()  # keep undone: a trial again, and the map clean
    assert not doc.dirty and scenarios(doc.store)[0].trial


def test_the_display_title_names_the_scenario_shown(doc):
    to_be = make(doc, "to-be")
    assert display_title(doc) == doc.title
    doc.execute(show(doc, to_be))
    assert display_title(doc) == f"{doc.title} — scenario “to-be”"


# ------------------------------------------------------------------ crash recovery
@pytest.mark.skipif(os.name != "posix", reason="uses SIGKILL")
@pytest.mark.parametrize("saved_while_shown", [False, True])
def test_a_crash_while_a_scenario_is_shown_recovers_it(tmp_path, saved_while_shown):
    path = tmp_path / "ward.trig"
    path.write_text(MAP_TRIG, encoding="utf-8")
    with MapDocument.open(path, editing=False, with_ontology=False) as fresh:
        base = default_graph(fresh)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import time
                from rdflib import URIRef, Literal, RDFS
                from explorer.core import commands, scenarios
                from explorer.core.document import MapDocument
                doc = MapDocument.open({str(path)!r}, with_ontology=False)
                command, to_be = scenarios.create(doc, "to-be")
                doc.execute(command)
                doc.execute(scenarios.show(doc, to_be))
                if {saved_while_shown}:
                    doc.save()
                doc.execute(commands.set_property(doc.store, URIRef({str(NURSE)!r}), RDFS.label, Literal("Lead")))
                print("ready", flush=True)
                time.sleep(60)  # killed here: the crash under test
                """
            ),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    kill_when_ready(proc)
    doc = MapDocument.open(path, with_ontology=False)
    try:
        assert doc.pending_recovery is not None and doc.pending_recovery.matches(doc.content_sha256)
        doc.recover()
        to_be = shown(doc.store)
        assert to_be is not None and to_be.name == "to-be"
        nurse_label = (NURSE, RDFS.label, Literal("Lead"), DEFAULT_GRAPH)
        assert nurse_label in default_graph(doc)
        assert differences(doc.store, to_be) == ({nurse_label}, {(NURSE, RDFS.label, Literal("Nurse"), DEFAULT_GRAPH)})
        doc.save()
        assert shown(doc.store) == to_be
    finally:
        doc.close()
    with MapDocument.open(path, editing=False, with_ontology=False) as saved:
        assert default_graph(saved) == base and shown(saved.store) is None
        assert differences(saved.store, find(saved.store, "to-be"))[0] == {nurse_label}


# ------------------------------------------------------------------ the property
_SUBJECTS = [URIRef(f"urn:x:{n}") for n in "abc"]
_TRIPLES = [(s, RDFS.label, Literal(str(i))) for s in _SUBJECTS for i in range(3)]
_STEP = st.one_of(
    st.tuples(st.sampled_from(["add", "remove"]), st.sampled_from(_TRIPLES)),
    st.tuples(st.just("show"), st.sampled_from([None, 0, 1])),
    st.tuples(st.sampled_from(["undo", "redo"]), st.none()),
)


def _edit(triples: frozenset, action: str, triple) -> frozenset:
    return triples | {triple} if action == "add" else triples - {triple}


def _base_edit(base: frozenset, view: frozenset, action: str, triple) -> frozenset:
    """What a scenario shows after an edit of the base: the edit, unless it adds a value the scenario replaced."""
    s, p, _ = triple
    replaced = any(t[:2] == (s, p) for t in base - view) and any(t[:2] == (s, p) for t in view - base)
    if action == "add" and replaced:
        return view  # the scenario keeps its own value: one value, not two
    return _edit(view, action, triple)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.sets(st.sampled_from(_TRIPLES)), steps=st.lists(_STEP, max_size=30))
@example(  # the scenario replaces a's value, then the base gets another: the scenario keeps its own
    start={_TRIPLES[0]},
    steps=[("show", 0), ("remove", _TRIPLES[0]), ("add", _TRIPLES[1]), ("show", None), ("add", _TRIPLES[2])]
    + [("show", 0), ("undo", None), ("undo", None), ("redo", None), ("show", None), ("remove", _TRIPLES[2])],
)
def test_edits_and_switches_keep_the_base_and_every_scenario_exact(start, steps):
    doc = MapDocument.new(with_ontology=False, editing=False)
    try:
        doc.store.clear(DEFAULT_GRAPH)
        doc.store.apply(added=[(*t, DEFAULT_GRAPH) for t in start])
        pair = [make(doc, "one"), make(doc, "two")]
        first = doc.stack.index
        # The model: the base, what each scenario shows, which is shown; one snapshot per undo step.
        history = [(frozenset(start), (frozenset(start), frozenset(start)), None)]
        at = 0
        for action, arg in steps:
            base, views, showing = history[at]
            if action in ("add", "remove"):
                builder = add_tie if action == "add" else remove_tie
                command = builder(doc.store, *arg)
                if command.is_empty:
                    continue

                if showing is None:  # an edit of the base shows in every scenario that did not replace its value
                    state = (_edit(base, action, arg), tuple(_base_edit(base, v, action, arg) for v in views), None)
                else:
                    changed = list(views)
                    changed[showing] = _edit(views[showing], action, arg)
                    state = (base, tuple(changed), showing)
                # Routed twice, a command is the same object (a layout's is routed and made ready in its worker).
                routed = route(doc.store, command)
                assert route(doc.store, routed) is routed
                doc.execute(command)
            elif action == "show":
                if arg == showing:
                    assert show(doc, None if arg is None else pair[arg]).is_empty
                    continue
                doc.execute(show(doc, None if arg is None else pair[arg]))
                state = (base, views, arg)
            elif action == "undo":
                if doc.stack.index == first:
                    continue
                doc.undo()
                at -= 1
                state = None
            else:
                if not doc.stack.can_redo():
                    continue
                doc.redo()
                at += 1
                state = None
            if state is not None:
                del history[at + 1 :]
                history.append(state)
                at += 1
            base, views, showing = history[at]

            triples = frozenset(q[:3] for q in doc.store.quads())
            assert triples == (base if showing is None else views[showing])
            assert shown(doc.store) == (None if showing is None else pair[showing])
            to_add, to_remove = base_quads(doc.store)
            rebuilt = (triples | {q[:3] for q in to_add}) - {q[:3] for q in to_remove if q[3] == DEFAULT_GRAPH}
            assert rebuilt == base
            for scenario, view in zip(pair, views, strict=True):
                added, removed = differences(doc.store, scenario)
                assert ({q[:3] for q in added}, {q[:3] for q in removed}) == (view - base, base - view)
    finally:
        doc.close()
