"""The validation set is well formed: every case's two maps exist, parse, validate, stay small,
hold one change proposal, and describe the SAME intervention (only the context may differ).

This checks the set's construction only; it never runs the resistance analysis on it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, VOID

from explorer.cli import main

HERE = Path(__file__).parent
RX = Namespace("https://w3id.org/routine-explorer/ns#")
BASE = "https://w3id.org/routine-explorer/validation/"
CASES = tomllib.loads((HERE / "cases.toml").read_text(encoding="utf-8"))["case"]
MAPS = [(c["id"], ctx) for c in CASES for ctx in c["contexts"]]

# What the change itself is: the same in both maps of a case.
CHANGE_LINKS = (
    RX.hasComponent,
    RX.disrupts,
    RX.introduces,
    RX.replaces,
    RX.violates,
    RX.alignsWith,
    RX.reallocatesTask,
)
CHANGE_ATTRIBUTES = (
    RX.divergence,
    RX.relativeAdvantage,
    RX.compatibility,
    RX.complexity,
    RX.trialability,
    RX.observability,
)
COMPONENT_LINKS = (RX.disrupts, RX.introduces, RX.replaces, RX.violates, RX.alignsWith)
NORM_ATTRIBUTES = (RX.normKind, RX.pillar, RX.formality)


def path_of(case: str, context: str) -> Path:
    return HERE / "cases" / case / f"{context}.ttl"


def load(case: str, context: str) -> tuple[Graph, str]:
    graph = Graph().parse(path_of(case, context), format="turtle")
    return graph, f"{BASE}{case}/{context}/"


def local(node, space: str):
    """A node of the map by its name inside the map's uriSpace; vocabulary terms and literals as they are."""
    text = str(node)
    return text[len(space) :] if isinstance(node, URIRef) and text.startswith(space) else text


def the_change(graph: Graph) -> URIRef:
    changes = list(graph.subjects(RDF.type, RX.ChangeProposal))
    assert len(changes) == 1, f"expected one change proposal, found {len(changes)}"
    return changes[0]


def intervention_signature(graph: Graph, space: str) -> set[tuple]:
    change = the_change(graph)
    sig: set[tuple] = set()
    for p in CHANGE_LINKS:
        for o in graph.objects(change, p):
            sig.add(("change", local(p, ""), local(o, space)))
    for p in CHANGE_ATTRIBUTES:
        for o in graph.objects(change, p):
            sig.add(("change", local(p, ""), str(o)))
    for component in graph.objects(change, RX.hasComponent):
        for p in COMPONENT_LINKS:
            for o in graph.objects(component, p):
                sig.add((local(component, space), local(p, ""), local(o, space)))
    for tie in graph.subjects(RX["from"], change):
        if (tie, RDF.type, RX.Disruption) in graph:
            sig.add(("disruption", local(graph.value(tie, RX.to), space), str(graph.value(tie, RX.degree))))
    for tie in graph.subjects(RX.byChange, change):
        sig.add(
            (
                "reallocation",
                local(graph.value(tie, RX["from"]), space),
                local(graph.value(tie, RX.to), space),
                local(graph.value(tie, RX.task), space),
            )
        )
    touched = {
        o
        for p in (RX.disrupts, RX.introduces, RX.replaces, RX.reallocatesTask)
        for o in graph.objects(change, p)
        if (o, RDF.type, RX.Routine) in graph
    }
    for routine in touched:
        sig.add(("routine", local(routine, space), str(graph.value(routine, RX.embeddedness))))
    for norm in {*graph.objects(change, RX.violates), *graph.objects(change, RX.alignsWith)}:
        for p in NORM_ATTRIBUTES:
            sig.add(("norm", local(norm, space), local(p, ""), local(graph.value(norm, p), space)))
    return sig


def test_every_case_names_two_contexts_and_an_answer_among_them():
    assert len(CASES) >= 5
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
    for case in CASES:
        assert len(case["contexts"]) == 2 and case["contexts"][0] != case["contexts"][1]
        assert case["more_resistant"] in case["contexts"]
        for key in ("title", "intervention", "outcome", "why_comparable", "caveats"):
            assert case[key].strip(), f"{case['id']}: empty {key}"
        assert case["sources"], f"{case['id']}: no sources"


@pytest.mark.parametrize(("case", "context"), MAPS)
def test_map_describes_itself_under_its_uri_space(case, context):
    graph, space = load(case, context)
    dataset = URIRef(space)
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert str(graph.value(dataset, VOID.uriSpace)) == space
    assert graph.value(dataset, DCTERMS.title) is not None
    assert graph.value(dataset, DCTERMS.description) is not None
    the_change(graph)


@pytest.mark.parametrize(("case", "context"), MAPS)
def test_map_is_small(case, context, capsys):
    import json

    assert main(["info", "--json", str(path_of(case, context))]) == 0
    nodes = json.loads(capsys.readouterr().out)["nodes"]
    assert 25 <= nodes <= 80, f"{case}/{context}: {nodes} nodes"


@pytest.mark.parametrize(("case", "context"), MAPS)
def test_peer_adoption_is_never_the_outcome(case, context):
    """rx:adoptedBy names peers that adopted before the change arrived, never the units it was rolled out to."""
    graph, _ = load(case, context)
    change = the_change(graph)
    assert not set(graph.objects(change, RX.adoptedBy)) & set(graph.objects(change, RX.rolledOutTo))


@pytest.mark.parametrize("case", [c["id"] for c in CASES])
def test_both_contexts_carry_the_same_intervention(case):
    first, second = (load(case, ctx) for ctx in next(c for c in CASES if c["id"] == case)["contexts"])
    assert intervention_signature(*first) == intervention_signature(*second)


def test_every_map_has_no_shacl_violations(capsys):
    assert main(["validate", *(str(path_of(c, ctx)) for c, ctx in MAPS)]) == 0
    out = capsys.readouterr().out
    assert out.count("0 violation(s)") == len(MAPS)
