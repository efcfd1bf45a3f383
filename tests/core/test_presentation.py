"""Every legend (the canvas's panel, the images, the HTML page) lists the same entries, counted from the map."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from explorer.core.document import MapDocument
from explorer.core.presentation import (
    FALLBACK_COLOUR,
    HEAT_RANGE,
    PLAIN_TIE_COLOUR,
    PLAIN_TIE_COMMENT,
    PLAIN_TIE_LABEL,
    UNRANKED_LABEL,
    LegendEntry,
    heat_colour,
    legend_entries,
    safe_colour,
)
from explorer.core.projection import Projection
from explorer.core.resources import sample_graphs_dir
from explorer.core.schema import Schema

SAMPLES = sorted(sample_graphs_dir().glob("*.ttl"))


@pytest.fixture(scope="module", params=SAMPLES, ids=lambda p: p.stem)
def sample(request):
    doc = MapDocument.open(request.param, editing=False)
    schema = Schema.from_store(doc.store)
    yield Projection.build(doc.store, schema), schema
    doc.close()


def test_each_kind_present_once_with_its_count_colour_and_shape_in_palette_order(sample):
    projection, schema = sample
    nodes = [e for e in legend_entries(projection, schema) if e.section == "node"]
    counts = {}
    for view in projection.nodes.values():
        counts[str(view.kind)] = counts.get(str(view.kind), 0) + 1
    assert {e.kind: e.count for e in nodes} == counts
    kinds = [schema.kind(view.kind) for view in projection.nodes.values()]
    by_iri = {str(k.iri): k for k in kinds}
    assert [(e.label, e.colour, e.shape) for e in nodes] == [
        (by_iri[e.kind].label, safe_colour(by_iri[e.kind].colour), by_iri[e.kind].shape) for e in nodes
    ]
    order = [(by_iri[e.kind].group_order, by_iri[e.kind].order) for e in nodes]
    assert order == sorted(order)


def test_tie_styles_then_one_entry_for_every_plain_tie(sample):
    projection, schema = sample
    ties = [e for e in legend_entries(projection, schema) if e.section == "tie"]
    qualified = [t for t in projection.ties.values() if t.tie is not None]
    plain = len(projection.ties) - len(qualified)
    assert sum(e.count for e in ties) == len(projection.ties)
    assert {e.kind: e.count for e in ties if e.kind} == {
        str(k): sum(1 for t in qualified if t.relation == k) for k in {t.relation for t in qualified}
    }
    assert ties[-1] == LegendEntry("", PLAIN_TIE_LABEL, PLAIN_TIE_COLOUR, "", "solid", plain, "tie", PLAIN_TIE_COMMENT)
    assert all(e.line_style in ("solid", "dashed", "dotted") for e in ties)
    order = [schema.kind(URIRef(e.kind)).order for e in ties if e.kind]
    assert order == sorted(order)


def test_heat_entries_only_when_the_heat_is_shown(sample):
    projection, schema = sample
    plain = legend_entries(projection, schema)
    heat = legend_entries(projection, schema, heat=True)
    assert heat[: len(plain)] == plain and not any(e.section == "heat" for e in plain)
    assert [(e.section, e.label, e.colour, e.count) for e in heat[len(plain) :]] == [
        ("heat", HEAT_RANGE, heat_colour(1.0), None),
        ("heat", UNRANKED_LABEL, FALLBACK_COLOUR, None),
    ]


def test_an_empty_map_has_an_empty_legend():
    doc = MapDocument.new()
    schema = Schema.from_store(doc.store)
    assert legend_entries(Projection.build(doc.store, schema), schema) == []
    doc.close()
