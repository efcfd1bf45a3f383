"""Seeded synthetic organisations for benchmarks: units, people, roles, routines, norms, forces and ties.

The shape follows the ontology: people are members of units and perform
routines; routines are owned by units, interdependent (qualified ties with a
Thompson type and strength) and governed by norms with a pillar; external
bodies issue norms; forces bear on units; people influence each other.

Run as a script to write a file::

    python tests/benchmarks/synthetic.py 1000000 org-1m.nt --seed 1
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

RX = "https://w3id.org/routine-explorer/ns#"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
DEC = "http://www.w3.org/2001/XMLSchema#decimal"
BASE = "https://example.org/synthetic/"

# Approximate triples a person brings with their share of everything else (measured on output).
_TRIPLES_PER_PERSON = 11.57


def _rx(name: str) -> str:
    return f"<{RX}{name}>"


def _node(kind: str, i: int) -> str:
    return f"<{BASE}{kind}/{i}>"


def _decimal(rng: random.Random, low: float = 0.0, high: float = 1.0) -> str:
    return f'"{rng.uniform(low, high):.2f}"^^<{DEC}>'


def generate(triples: int, seed: int = 1):
    """Yield N-Triples lines describing an organisation of about ``triples`` triples.

    Examples
    --------
    >>> lines = list(generate(2000, seed=3))
    >>> 1500 < len(lines) < 2600
    True
    >>> lines == list(generate(2000, seed=3))
    True
    """
    rng = random.Random(seed)
    people = max(10, round(triples / _TRIPLES_PER_PERSON))
    units = max(2, people // 25)
    routines = max(4, people // 5)
    norms = max(3, routines // 8)
    bodies = max(2, norms // 10)
    roles = max(3, units * 2)
    yield f"<{BASE}> {RDF_TYPE} <http://rdfs.org/ns/void#Dataset> ."
    yield f'<{BASE}> <http://purl.org/dc/terms/title> "Synthetic organisation, {triples} triples, seed {seed}" .'
    yield f'<{BASE}> <http://rdfs.org/ns/void#uriSpace> "{BASE}" .'
    for u in range(units):
        yield f"{_node('unit', u)} {RDF_TYPE} {_rx('Unit')} ."
        yield f'{_node("unit", u)} {LABEL} "Unit {u}" .'
        yield f"{_node('unit', u)} {_rx('readiness')} {_decimal(rng)} ."
        if u:
            yield f"{_node('unit', u)} <{ORG}subOrganizationOf> {_node('unit', rng.randrange(u))} ."
        if u and rng.random() < 0.5:
            yield f"{_node('unit', u)} {_rx('lateralSupport')} {_node('unit', rng.randrange(u))} ."
    for r in range(roles):
        yield f"{_node('role', r)} {RDF_TYPE} {_rx('Role')} ."
        yield f'{_node("role", r)} {LABEL} "Role {r}" .'
    for p in range(people):
        node = _node("person", p)
        yield f"{node} {RDF_TYPE} {_rx('Person')} ."
        yield f'{node} {LABEL} "Person {p}" .'
        yield f"{node} <{ORG}memberOf> {_node('unit', rng.randrange(units))} ."
        yield f"{node} {_rx('attitude')} {_decimal(rng, -1, 1)} ."
        yield f"{node} {_rx('changeFatigue')} {_decimal(rng)} ."
        for _ in range(2):
            yield f"{node} {_rx('performs')} {_node('routine', rng.randrange(routines))} ."
        yield f"{node} {_rx('influences')} {_node('person', rng.randrange(people))} ."
        if rng.random() < 0.1:
            yield f"{node} <{ORG}reportsTo> {_node('person', rng.randrange(people))} ."
    for r in range(routines):
        node = _node("routine", r)
        yield f"{node} {RDF_TYPE} {_rx('Routine')} ."
        yield f'{node} {LABEL} "Routine {r}" .'
        yield f"{node} {_rx('ownedBy')} {_node('unit', rng.randrange(units))} ."
        yield f"{node} {_rx('embeddedness')} {_decimal(rng)} ."
        yield f"{node} {_rx('governedBy')} {_node('norm', rng.randrange(norms))} ."
        for k in range(2):
            tie = _node("interdependency", r * 2 + k)
            yield f"{tie} {RDF_TYPE} {_rx('Interdependency')} ."
            yield f"{tie} {_rx('from')} {node} ."
            yield f"{tie} {_rx('to')} {_node('routine', rng.randrange(routines))} ."
            yield f"{tie} {_rx('interdependenceType')} {_rx(rng.choice(['pooled', 'sequential', 'reciprocal']))} ."
            yield f"{tie} {_rx('strength')} {_decimal(rng)} ."
    for n in range(norms):
        node = _node("norm", n)
        yield f"{node} {RDF_TYPE} {_rx('Norm')} ."
        yield f'{node} {LABEL} "Norm {n}" .'
        yield f"{node} {_rx('pillar')} {_rx(rng.choice(['regulative', 'normative', 'culturalCognitive']))} ."
        yield f"{node} {_rx('formality')} {_decimal(rng)} ."
        yield f"{node} {_rx('issuedBy')} {_node('body', rng.randrange(bodies))} ."
    for b in range(bodies):
        yield f"{_node('body', b)} {RDF_TYPE} {_rx('ExternalBody')} ."
        yield f'{_node("body", b)} {LABEL} "External body {b}" .'


def write(path: str | Path, triples: int, seed: int = 1) -> Path:
    """Write a synthetic organisation as N-Triples to ``path``; returns the path."""
    path = Path(path)
    with open(path, "w", encoding="utf-8") as out:
        for line in generate(triples, seed):
            out.write(line + "\n")
    return path


# Measured on output: nodes (not counting qualified-tie nodes) per triple, and ties per node.
_NODES_PER_TRIPLE = 0.1167


def triples_for_nodes(nodes: int) -> int:
    """How many triples to generate for an organisation of about ``nodes`` nodes (with ~3.5 ties each).

    Examples
    --------
    >>> 80_000 < triples_for_nodes(10_000) < 95_000
    True
    """
    return round(nodes / _NODES_PER_TRIPLE)


def write_nodes(path: str | Path, nodes: int, seed: int = 1) -> Path:
    """Write an organisation of about ``nodes`` nodes as N-Triples to ``path``."""
    return write(path, triples_for_nodes(nodes), seed)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("triples", type=int)
    parser.add_argument("output")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write(args.output, args.triples, args.seed)
