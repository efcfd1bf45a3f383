"""What the map still lacks, in plain words: the shapes' findings and the analysis's missing inputs, as one list.

Two sources say what is missing, and this module only gathers them:

* the SHACL shapes (:func:`explorer.core.validation.validate_store`), whose messages are written for a person
  ("Say whether this force drives the change or restrains it");
* the change analysis (:func:`explorer.analysis.resistance.model.build`, run once per change proposal without
  its uncertainty runs), which notes every input the map does not give and it must take as neutral (a norm's
  pillar, a routine's embeddedness, a person's stance...).

Each finding becomes a :class:`Check` naming its node. An analysis gap that a shape already reports on the same
node and property is left out, so nothing is said twice. Checks are sorted most serious first, then by node.

:func:`map_checks` checks an open map; a window takes a copy first (:func:`snapshot`) and checks the copy
(:func:`checks_of_snapshot`) in a child process (:func:`checks_in_process`): pySHACL is pure Python, and on a
thread it would hold the GIL and make the window stutter while edits go on.

Examples
--------
>>> from explorer.core.store import EmbeddedStore
>>> from explorer.core.rdf_formats import format_by_name
>>> store = EmbeddedStore()
>>> _ = store.load(b'''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... <urn:x:c> a rx:ChangeProposal ; rdfs:label "New handover" ; rx:violates <urn:x:n> .
... <urn:x:n> a rx:Norm ; rdfs:label "Doctors sign off" ; rx:formality 0.8 .
... <urn:x:p> a rx:Role ; rdfs:label "Nurses" .
... [] a rx:NormSubscription ; rx:from <urn:x:p> ; rx:to <urn:x:n> ; rx:strength 0.7 .''',
... format=format_by_name("turtle"))
>>> for resource in ontology_files():
...     _ = store.load(resource, graph=ONTOLOGY_GRAPH)
>>> report = checks_of_store(store)
>>> report.summary()
'15 things to fill in, 2 suggestions'
>>> print(*[c.as_text() for c in report.checks if c.focus != "urn:x:c"][:4], sep=chr(10))
To fill in   Doctors sign off (norm kind): Say what kind of norm this is: law, regulation, policy, procedure, ...
To fill in   Doctors sign off (pillar): Which of Scott's pillars holds this norm in place: regulative, normative ...
To fill in   Nurses (change fatigue): Give its change fatigue: the analysis of “New handover” takes it as neutral ...
To fill in   Nurses (readiness): Give its readiness: the analysis of “New handover” takes it as neutral until then.
>>> next(c.message for c in report.checks if c.focus == "urn:x:p" and not c.path)
'Not given: stance. The analysis of “New handover” needs it.'

The shapes already ask for the norm's pillar, so the analysis does not ask again:

>>> [c.source for c in report.checks if c.focus == "urn:x:n" and c.path_label == "pillar"], report.changes
(['shape'], 1)
"""

from __future__ import annotations

import pickle
import re
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass

from rdflib import RDF, URIRef
from rdflib.namespace import VOID

from explorer.core.document import ONTOLOGY_GRAPH
from explorer.core.rdf_formats import format_by_name
from explorer.core.resources import ontology_files
from explorer.core.schema import Schema, schema_of
from explorer.core.store import EmbeddedStore
from explorer.core.terms import DEFAULT_GRAPH, local_name
from explorer.core.text import one_line
from explorer.core.validation import validate_store

from .change import changes_in
from .graph import map_graph
from .resistance.model import build
from .weights import Weights, load_weights

#: Severities, most serious first, with the words a person reads for each (one and many).
SEVERITY_WORDS = {
    "Violation": ("problem to fix", "problems to fix"),
    "Warning": ("thing to fill in", "things to fill in"),
    "Info": ("suggestion", "suggestions"),
}
#: Short titles for a severity, as a group's heading or a row's tag.
SEVERITY_TITLES = {"Violation": "To fix", "Warning": "To fill in", "Info": "Suggestion"}
_ORDER = {name: i for i, name in enumerate(SEVERITY_WORDS)}
#: What a check about the map itself (its description, not a node) is said to be about.
THIS_MAP = "This map"
#: An ontology term in brackets, as the shapes' messages name the property for people who know RDF:
#: "(rx:direction)". The property is shown apart, in words, so the panel leaves it out.
_TERM_IN_BRACKETS = re.compile(r"\s*\((?:rx|rdfs|dct|skos|org|prov|void):[A-Za-z]+\)")
#: Changes named in one analysis message before "and N more".
_CHANGES_NAMED = 2


@dataclass(frozen=True)
class Check:
    """One thing the map lacks or gets wrong, on one node.

    Attributes
    ----------
    severity : str
        ``"Violation"`` (must be fixed), ``"Warning"`` (to fill in) or ``"Info"`` (a suggestion): the shapes'
        severities; the analysis's missing inputs are warnings.
    message : str
        What to do, in plain words.
    focus : str
        The IRI of the node (or tie) it is about.
    focus_label : str
        That node's name, one line.
    path : str or None
        The IRI of the property it is about, when one is known.
    source : str
        ``"shape"`` or ``"analysis"``.
    path_label : str
        The property's name in words (empty when none).
    on_map : bool
        Whether it is about the map itself (its description: title, authors…), not a node; its
        ``focus_label`` is then :data:`THIS_MAP`.
    """

    severity: str
    message: str
    focus: str
    focus_label: str
    path: str | None
    source: str
    path_label: str = ""
    on_map: bool = False

    def as_text(self) -> str:
        """One line: severity, node, property and message."""
        where = self.focus_label + (f" ({self.path_label})" if self.path_label else "")
        return f"{SEVERITY_TITLES[self.severity]:<12} {where}: {self.message}"


@dataclass(frozen=True)
class ChecksReport:
    """Every check of one map, most serious first, how many change proposals the analysis looked at, and how many
    statements of the map graph the shapes checked (None when not counted)."""

    checks: tuple[Check, ...]
    changes: int = 0
    checked: int | None = None

    @property
    def nothing_checked(self) -> bool:
        """The map graph held no statement: an empty list means nothing was looked at, not nothing is missing.

        >>> ChecksReport((), checked=0).nothing_checked, ChecksReport((), checked=3).nothing_checked
        (True, False)
        """
        return self.checked == 0

    def counts(self) -> dict:
        """Checks per severity, most serious first, leaving out severities with none."""
        found = Counter(c.severity for c in self.checks)
        return {name: found[name] for name in SEVERITY_WORDS if found[name]}

    def summary(self) -> str:
        """The counts in words: ``"1 problem to fix, 3 things to fill in"`` (empty when nothing is missing).

        Examples
        --------
        >>> ChecksReport((Check("Warning", "m", "urn:x:a", "A", None, "shape"),) * 3).summary()
        '3 things to fill in'
        """
        return ", ".join(
            f"{n:,} {SEVERITY_WORDS[name][0] if n == 1 else SEVERITY_WORDS[name][1]}"
            for name, n in self.counts().items()
        )


def plain_message(message: str) -> str:
    """A shape's message without the ontology term in brackets (the property is named apart, in words).

    Examples
    --------
    >>> plain_message("Say whether this force drives the change or restrains it (rx:direction).")
    'Say whether this force drives the change or restrains it.'
    """
    return _TERM_IN_BRACKETS.sub("", message)


def map_checks(doc, *, weights: Weights | None = None) -> ChecksReport:
    """The checks of an open map (:class:`~explorer.core.document.MapDocument`), read in place.

    Parameters
    ----------
    doc : MapDocument
        The map, with its ontology graph.
    weights : Weights, optional
        The analysis weights; the shipped ones when omitted.

    Returns
    -------
    ChecksReport
    """
    return checks_of_store(doc.store, schema=schema_of(doc), weights=weights)


def snapshot(doc) -> bytes:
    """A copy of the map graph and the ontology graph of ``doc`` as N-Quads (a quick native dump), to check
    elsewhere while the map goes on changing.

    Examples
    --------
    >>> from explorer.core.document import MapDocument
    >>> doc = MapDocument.new(editing=False)
    >>> checks_of_snapshot(snapshot(doc)) == map_checks(doc)
    True
    >>> doc.close()
    """
    # The map graph as a graph format: a view of named graphs (explorer.core.graph_view) writes, in a dataset
    # format, the map graph's own statements without the viewed ones, and the copy would check none of what
    # the window shows. N-Triples lines are N-Quads lines of the default graph, so the two join as they are.
    data = doc.store.dump(format_by_name("ntriples"), graphs=[DEFAULT_GRAPH])
    if ONTOLOGY_GRAPH in doc.store.graph_names():
        data += doc.store.dump(format_by_name("nquads"), graphs=[ONTOLOGY_GRAPH])
    return data


def checks_of_snapshot(data: bytes, *, weights: Weights | None = None) -> ChecksReport:
    """The checks of a map copied by :func:`snapshot` (with the shipped ontology when the copy has none)."""
    store = EmbeddedStore()
    store.load(data, format=format_by_name("nquads"))
    if ONTOLOGY_GRAPH not in store.graph_names():
        for resource in ontology_files():
            store.load(resource, graph=ONTOLOGY_GRAPH)
    return checks_of_store(store, weights=weights)


def checks_in_process(outbox, path: str) -> None:
    """Run in a child process: check the copy (:func:`snapshot`) in the file at ``path``, put the answer on
    ``outbox``: ``("result", pickled ChecksReport)`` or ``("error", message, expected)``, the messages of
    :class:`explorer.ui.common.process_run.ProcessRun`. It imports no Qt, so the process starts quickly.

    Examples
    --------
    >>> import os, pickle, tempfile
    >>> from explorer.core.document import MapDocument
    >>> class Outbox(list):
    ...     put = list.append
    ...     def close(self): pass
    ...     join_thread = close
    >>> doc = MapDocument.new(editing=False)
    >>> fd, path = tempfile.mkstemp()
    >>> _ = os.write(fd, snapshot(doc)); os.close(fd)
    >>> outbox = Outbox()
    >>> checks_in_process(outbox, path)
    >>> outbox[0][0], pickle.loads(outbox[0][1]) == map_checks(doc)
    ('result', True)
    >>> doc.close(); os.unlink(path)
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        payload = pickle.dumps(checks_of_snapshot(data), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as error:  # noqa: BLE001 - every failure must reach the window
        outbox.put(("error", f"{type(error).__name__}: {error}\n\n{traceback.format_exc()}", False))
    else:
        outbox.put(("result", payload))
    outbox.close()
    outbox.join_thread()


def checks_of_store(store, *, schema: Schema | None = None, weights: Weights | None = None) -> ChecksReport:
    """The checks of the map graph in ``store``, whose ontology graph it also holds.

    Returns
    -------
    ChecksReport
        The shapes' findings and the analysis's missing inputs, most serious first, then by node name.
    """
    if schema is None:
        schema = Schema.from_store(store)
    # The map's own description (a void:Dataset): its checks are about "This map", never a node named by its IRI.
    descriptions = {str(s) for s, _, _, _ in store.quads(None, RDF.type, VOID.Dataset, DEFAULT_GRAPH)}
    validation = validate_store(store)
    found = [
        Check(
            r.severity,
            plain_message(r.message),
            r.focus,
            THIS_MAP if r.focus in descriptions else r.focus_label,
            r.path,
            "shape",
            _property_label(schema, r.path),
            r.focus in descriptions,
        )
        for r in validation.results
    ]
    said = {(c.focus, c.path) for c in found if c.path}
    gaps, changes = _analysis_gaps(store, schema, weights)
    found += [c for c in gaps if (c.focus, c.path) not in said]
    found.sort(
        key=lambda c: (
            _ORDER[c.severity],
            not c.on_map,
            c.focus_label.casefold(),
            c.focus,
            c.source != "shape",
            c.message,
        )
    )
    return ChecksReport(tuple(found), changes, validation.checked)


def _property_label(schema: Schema, path: str | None) -> str:
    if not path:
        return ""
    spec = schema.properties.get(URIRef(path))
    return spec.label if spec is not None else local_name(path)


def _analysis_gaps(store, schema: Schema, weights: Weights | None) -> tuple[list[Check], int]:
    """The inputs the analysis of each change proposal takes as neutral because the map does not give them."""
    G = map_graph(store, schema)
    changes = changes_in(G)
    if not changes:
        return [], 0
    weights = weights if weights is not None else load_weights()
    needed: dict = defaultdict(list)  # (node, what is missing) -> changes whose analysis needs it
    for change in changes:
        builder = build(G, change, weights).builder
        for node, lacking in builder.missing.items():
            for what in lacking:
                needed[(node, what)].append(change)
        for what in builder.change_missing:
            needed[(change, what.removeprefix("its "))].append(None)  # the change's own input

    def label(node) -> str:
        return one_line(G.nodes[node].get("label") or local_name(node)) if node in G else local_name(node)

    by_words = {spec.label.casefold(): spec for spec in schema.properties.values()}
    checks = []
    for (node, what), wanting in needed.items():
        if None in wanting:
            named = "this change"
        else:
            names = [f"“{label(c)}”" for c in sorted(set(wanting), key=label)]
            more = len(names) - _CHANGES_NAMED
            named = " and ".join(names) if more <= 0 else ", ".join(names[:_CHANGES_NAMED]) + f" and {more} more"
        spec = by_words.get(what.casefold())
        kind = schema.kind(G.nodes[node].get("kind")) if node in G else None
        if spec is not None and (kind is None or spec not in schema.inspector(kind)):
            spec = None  # a word the node has no field for (a tie's degree, said on its routine)
        if spec is not None and spec.minimum is not None:
            message = f"Give its {what}: the analysis of {named} takes it as neutral until then."
        else:
            message = f"Not given: {what}. The analysis of {named} needs it."
        checks.append(
            Check(
                "Warning",
                message,
                str(node),
                label(node),
                str(spec.iri) if spec is not None else None,
                "analysis",
                spec.label if spec is not None else "",
            )
        )
    return checks, len(changes)


__all__ = [
    "SEVERITY_TITLES",
    "SEVERITY_WORDS",
    "THIS_MAP",
    "Check",
    "ChecksReport",
    "checks_in_process",
    "checks_of_snapshot",
    "checks_of_store",
    "map_checks",
    "plain_message",
    "snapshot",
]
