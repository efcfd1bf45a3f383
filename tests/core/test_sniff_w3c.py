"""Sniffing agrees with every valid input of the W3C suites (issue 21, item 6).

A file without a known extension is read in the format :func:`~explorer.core.rdf_formats.sniff` guesses.
The guess may be a superset of the real format (TriG for Turtle, N-Quads for N-Triples, N-Quads for Turtle
written as N-Triples lines), but it must never lose or change data: the document read in the guessed
format must hold the same dataset as read in its own. Before this, 197 of the 1,281 inputs were guessed
otherwise than their format's family (TriG opening with ``{`` and Turtle with ``[`` as JSON-LD, RDF 1.2
N-Quads as TriG, ``VERSION``, ``BASE<`` and comment-only documents not at all).
"""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from support.w3c import MF, entries, file_of, suites_root
from support.waiting import no_hang

from explorer.core.rdf_formats import _HEAD_BYTES, format_for_path, sniff

_VALID = ("PositiveSyntax", "Eval", "PositiveC14N")


def _inputs() -> list[tuple[str, Path, str | None]]:
    root = suites_root()
    if root is None:
        return []
    found: dict[Path, tuple[str, Path, str | None]] = {}
    for suite in ("rdf11", "rdf12"):
        for entry in entries(root / "rdf-tests" / "rdf" / suite / "manifest.ttl"):
            if "rdf-semantics" in entry.manifest.parts or not any(t.endswith(_VALID) for t in entry.types):
                continue
            if any(t.endswith("NegativeEval") for t in entry.types):
                continue
            action = file_of(entry.value(MF.action))
            found.setdefault(action, (f"{action.parent.name}/{action.name}", action, entry.base))
    for action in sorted((root / "json-ld-api" / "tests" / "toRdf").glob("*-in.jsonld")):
        found.setdefault(action, (f"toRdf/{action.name}", action, None))
    return sorted(found.values())


_INPUTS = _inputs()


def _dataset(data: bytes, fmt, base: str | None) -> ox.Dataset:
    dataset = ox.Dataset(ox.parse(data, format=fmt, base_iri=base))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


@pytest.mark.skipif(not _INPUTS, reason="the W3C test suites are not here: set ROUTINE_EXPLORER_W3C_TESTS")
@pytest.mark.parametrize(("name", "path", "base"), _INPUTS, ids=[name for name, _, _ in _INPUTS])
def test_the_guess_holds_the_same_data(name, path, base):
    data = path.read_bytes()
    real = format_for_path(path)
    guess = sniff(data[:_HEAD_BYTES])
    if real.name == "jsonld":
        assert guess is not None and guess.name == "jsonld"
        return
    if not data.strip():
        assert guess is None  # nothing to tell by: an empty file of unknown name is not taken for a map
        return
    assert guess is not None, f"{name}: not recognised"
    assert guess.name in ("trig", "nquads", "rdfxml"), f"{name}: {guess.name} is not a superset of {real.name}"
    assert _dataset(data, guess.ox_format, base) == _dataset(data, real.ox_format, base), (
        f"{name}: read as {guess.label} it holds other data than as {real.label}"
    )


@pytest.mark.parametrize(
    "head",
    [
        b"<" * _HEAD_BYTES,
        b"<<(" * (_HEAD_BYTES // 3),
        b"{" + b" " * (_HEAD_BYTES - 1),
        b"[" + b"\n" * (_HEAD_BYTES - 1),
        b'<http://e/s> <http://e/p> "' + b"\\\\" * (_HEAD_BYTES // 2),
        (b"<http://e/s> <http://e/p> <http://e/" + b"\\u0041" * 100 + b"> .\n") * 100,
        b"#" * _HEAD_BYTES,
        b"\x1c\x1d\x1e\x85" * (_HEAD_BYTES // 4),
        b"<a:b> <a:b> " + b"_:" * (_HEAD_BYTES // 2),  # 69 s when a blank node's label could hold ":"
    ],
    ids=[
        "angles", "triple-terms", "brace-space", "bracket-lines", "escapes", "iri-escapes", "hashes", "separators",
        "blank-labels",
    ],
)  # fmt: skip
def test_sniffing_a_hostile_head_does_not_hang(head):
    """A hang check, not a timing: every head here sniffs in milliseconds; a quadratic pattern takes a minute."""
    started = time.perf_counter()
    with no_hang(20, "sniffing a hostile head"):
        sniff(head[:_HEAD_BYTES])
    assert time.perf_counter() - started < 20
