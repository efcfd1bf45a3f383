"""The analysis weights: one documented file, checked on load, perturbed reproducibly."""

from __future__ import annotations

import re
import shutil

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from explorer.analysis.weights import DEFAULT_WEIGHTS, WeightsError, load_weights, perturbed
from explorer.core.resources import ontology_dir

RX = "https://w3id.org/routine-explorer/ns#"


def _constructs() -> set[str]:
    graph = Graph().parse(ontology_dir() / "schemes.ttl")
    return {"rx:" + str(c)[len(RX) :] for c in graph.subjects(RDF.type, SKOS.Concept) if str(c).startswith(RX)}


def test_the_default_weights_load_and_cite_real_constructs():
    weights = load_weights(constructs=_constructs())
    for name in weights:
        entry = weights.entry(name)
        assert entry.source.strip() and entry.note.strip() and entry.label.strip(), name
    assert weights["propagation.pooled"] < weights["propagation.sequential"] < weights["propagation.reciprocal"]
    # Scott: taken-for-granted norms are the hardest to change, regulative ones the least bound up with identity.
    assert (
        weights["transgression.norm_regulative"]
        < weights["transgression.norm_normative"]
        < weights["transgression.norm_cultural_cognitive"]
    )


def _copy(tmp_path, text_from=None):
    path = tmp_path / "weights.toml"
    shutil.copy(DEFAULT_WEIGHTS, path)
    return path


READINESS = '[context.readiness]\nlabel = "readiness"\nvalue = 0.5'


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace(READINESS, READINESS.replace("0.5", "7")), "context.readiness"),
        (lambda t: t.replace(READINESS, READINESS.replace("0.5", '"high"')), "must be a number"),
        (
            lambda t: t + '\n[context.charisma]\nlabel = "x"\nvalue = 1\nsource = "x"\nconstruct = ""\nnote = "x"\n',
            "unknown weight",
        ),
        (
            lambda t: re.sub(r"(\[stance\.iterations\]\nlabel = [^\n]*\n)value = 30", r"\1value = 2.5", t),
            "whole number",
        ),
        (
            lambda t: t.replace(
                READINESS + '\nsource = "Weiner BJ. Impl Sci 2009;4:67 (organisational readiness for change)"',
                READINESS + '\nsource = " "',
            ),
            "no source",
        ),
        (lambda t: t.replace("[context.readiness]", "[context.not_readiness]"), "unknown weight"),
        (lambda t: t.replace('construct = "rx:weinerReadiness"', 'construct = "rx:madeUp"', 1), "does not define"),
        (lambda t: t.replace(READINESS, "[context.readiness]\nvalue = 0.5"), "missing label"),
        (lambda t: t + "\n[broken", "not valid TOML"),
    ],
)
def test_a_bad_weights_file_is_refused_naming_the_entry(tmp_path, change, message):
    path = _copy(tmp_path)
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(WeightsError, match=message):
        load_weights(path, constructs=_constructs())


def test_a_missing_weight_is_refused(tmp_path):
    path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    start = text.index("[context.data_feedback]")
    end = text.index("[context.external_force]")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(WeightsError, match=r"missing weight.*context.data_feedback"):
        load_weights(path)


def test_perturbation_is_seeded_bounded_and_leaves_method_parameters_alone():
    weights = load_weights()
    a, b, c = perturbed(weights, seed=3), perturbed(weights, seed=3), perturbed(weights, seed=4)
    assert a.values() == b.values() != c.values()
    spread = weights["uncertainty.weight_spread"]
    fixed = {
        "propagation.max_hops",
        "propagation.min_impact",
        "levels.max_depth",
        "stance.iterations",
        "uncertainty.runs",
        "uncertainty.weight_spread",
        "uncertainty.input_spread",
        "uncertainty.interval",
    }
    for name in weights:
        if name in fixed:
            assert a[name] == weights[name]
        else:
            assert weights[name] * (1 - spread) - 1e-9 <= a[name] <= max(weights[name] * (1 + spread), 0) + 1e-9
