"""Every legend (the canvas's panel, the images, the HTML page) lists the same entries, counted from the map."""

from __future__ import annotations

import pytest

from explorer.core.document import MapDocument
from explorer.core.namespaces import ORG, RX
from explorer.core.presentation import (
    FALLBACK_COLOUR,
    HEAT_RANGE,
    OTHER_TIE_STYLE,
    PLAIN_TIE_COLOUR,
    PLAIN_TIE_COMMENT,
    PLAIN_TIE_LABEL,
    UNRANKED_LABEL,
    heat_colour,
    legend_entries,
    safe_colour,
    tie_style,
)
from explorer.core.projection import Projection
from explorer.core.resources import sample_graphs_dir
from explorer.core.schema import Schema
from explorer.core.terms import local_name

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


def test_ties_by_family_in_order_then_one_entry_for_every_other_tie(sample):
    projection, schema = sample
    ties = [e for e in legend_entries(projection, schema) if e.section == "tie"]
    assert sum(e.count for e in ties) == len(projection.ties)
    styles = [tie_style(schema, t.relation) for t in projection.ties.values()]
    assert {e.kind: e.count for e in ties} == {s.family: styles.count(s) for s in set(styles)}
    other = sum(1 for s in styles if s == OTHER_TIE_STYLE)
    if other:
        assert ties[-1].kind == "" and ties[-1].count == other
        assert (ties[-1].label, ties[-1].colour, ties[-1].line_style) == (PLAIN_TIE_LABEL, PLAIN_TIE_COLOUR, "solid")
        assert ties[-1].comment.startswith(PLAIN_TIE_COMMENT)
    assert all(e.line_style in ("solid", "dashed", "dotted") and e.line_width > 0 for e in ties)
    order = [next(s.order for s in styles if s.family == e.kind) for e in ties]
    assert order == sorted(order)
    # Most ties of every sample are drawn in a named family, not as grey "other relation".
    assert other <= 0.15 * len(projection.ties)


def test_every_relation_and_tie_kind_of_the_ontology_has_a_family():
    """Generated from the ontology: every property that ties two nodes, every qualified tie class."""
    doc = MapDocument.new()
    schema = Schema.from_store(doc.store)
    doc.close()
    relations = {p.iri for p in schema.properties.values() if p.widget == "link"} - {RX["from"], RX.to}
    tie_kinds = {k.iri for k in schema.kinds.values() if k.is_tie}
    assert len(relations) > 40 and len(tie_kinds) >= 7
    missing = sorted(str(r) for r in relations | tie_kinds if r not in schema.family_of)
    assert missing == []
    families = {f.iri for f in schema.tie_families}
    assert {f.iri for f in schema.family_of.values()} <= families
    # The six families a change agent reads the map by, then "other"; each named in plain words.
    assert [local_name(f.iri) for f in schema.tie_families] == [
        "familyInterdependency",
        "familyViolation",
        "familyDisruption",
        "familyMembership",
        "familyInfluence",
        "familyStance",
        "familyOther",
    ]
    named = [tie_style(schema, f.iri) for f in schema.tie_families]  # a family is not a relation: other
    assert all(s == OTHER_TIE_STYLE for s in named)
    looks = {tie_style(schema, r) for r in relations | tie_kinds} - {OTHER_TIE_STYLE}
    assert len(looks) == 6
    assert len({(s.colour, s.line_style, s.width) for s in looks}) == 6
    assert all(":" not in s.label and s.label == s.label.lower() for s in looks), "plain words, no ontology terms"
    assert tie_style(schema, RX.violates).label == "violates a norm"
    assert tie_style(schema, RX.disrupts) == tie_style(schema, RX.Disruption)
    assert tie_style(schema, ORG.memberOf).label == "belongs to"


def test_a_hostile_family_look_is_refused():
    from dataclasses import replace

    doc = MapDocument.new()
    schema = Schema.from_store(doc.store)
    doc.close()
    family = schema.family_of[RX.violates]
    schema.family_of[RX.violates] = replace(
        family, colour="red;x:url(y)", line_style="zigzag", width=float("inf"), label="a\nb" * 50
    )
    style = tie_style(schema, RX.violates)
    assert (style.colour, style.line_style, style.width) == (FALLBACK_COLOUR, "solid", 1.6)
    assert "\n" not in style.label and len(style.label) <= 60


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
