"""The registry of the resistance mechanisms: keyed by weights that exist, documented in order, and split into
transgression mechanisms (channels only) and context mechanisms (terms only), which is how the code keeps
"context never creates resistance"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from explorer.analysis.change import choose_change
from explorer.analysis.graph import map_graph
from explorer.analysis.resistance import model as compile_step
from explorer.analysis.weights import load_weights
from explorer.core.document import MapDocument
from explorer.core.resources import sample_maps

REPO = Path(__file__).resolve().parents[2]


def test_every_mechanism_is_keyed_by_a_group_of_weights_in_the_weights_file():
    names = list(load_weights())
    for key in compile_step.MECHANISMS:
        assert any(n == key or n.startswith((key + ".", key + "_")) for n in names), key


def test_the_registry_runs_every_transgression_mechanism_before_any_context_one():
    assert list(compile_step.MECHANISMS) == [*compile_step.TRANSGRESSION, *compile_step.CONTEXT]
    assert not set(compile_step.TRANSGRESSION) & set(compile_step.CONTEXT)


def test_the_docs_list_the_mechanisms_in_the_order_they_run():
    text = (REPO / "docs" / "analysis-model.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| \d+ \| `([a-z_.]+)`", text, flags=re.M)
    assert listed == list(compile_step.MECHANISMS)


@pytest.mark.parametrize("path", sample_maps(), ids=lambda p: p.stem)
def test_transgression_mechanisms_add_only_channels_and_context_mechanisms_only_terms(path, monkeypatch):
    seen = []

    def watched(name, mechanism, context):
        def run(b):
            channels, terms = len(b.channels), len(b.terms) + len(b.global_terms)
            mechanism(b)
            seen.append(name)
            if context:
                assert len(b.channels) == channels, f"{name} added a channel"
            else:
                assert len(b.terms) + len(b.global_terms) == terms, f"{name} added a term"

        return run

    monkeypatch.setattr(
        compile_step, "TRANSGRESSION", {k: watched(k, f, False) for k, f in compile_step.TRANSGRESSION.items()}
    )
    monkeypatch.setattr(compile_step, "CONTEXT", {k: watched(k, f, True) for k, f in compile_step.CONTEXT.items()})
    doc = MapDocument.open(path, editing=False)
    try:
        G = map_graph(doc.store)
    finally:
        doc.close()
    model = compile_step.build(G, choose_change(G), load_weights())
    assert seen == list(compile_step.MECHANISMS)
    assert len(model.channels) and len(model.terms)
