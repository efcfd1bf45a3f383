"""Every edit is a :class:`Command`: a diff (quads added, quads removed) and a label.

Commands are built against the current state of a store, so a diff holds only
what really changes: ``removed`` is present, ``added`` is absent. That makes
undo exact (apply the inverse) and lets consecutive diffs compose. The
:class:`CommandStack` keeps them for undo and redo, knows the saved ("clean")
point, and merges consecutive edits of the same field into one step.

Examples
--------
>>> from rdflib import URIRef, Literal, RDF
>>> from explorer.core.store import EmbeddedStore
>>> store = EmbeddedStore()
>>> ward = URIRef("http://example.org/ward-7")
>>> cmd = add_node(store, ward, URIRef("http://example.org/Unit"), "Ward 7")
>>> cmd.label
'Add Ward 7'
>>> store.apply(added=cmd.added, removed=cmd.removed)
>>> rename = set_property(store, ward, RDFS.label, Literal("Ward Seven"))
>>> sorted(str(q[2]) for q in rename.removed), sorted(str(q[2]) for q in rename.added)
(['Ward 7'], ['Ward Seven'])
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, BNode, Literal, URIRef

from .errors import CommandError
from .journal import Encoded, encoded
from .positions import Place, position_changes
from .store import Store, rewritten_forms
from .terms import DEFAULT_GRAPH, Quad, local_name, normalise_quads, to_ox_quad
from .text import shortened


@dataclass(frozen=True)
class Command:
    """A labelled diff. Apply = remove ``removed``, then add ``added``.

    ``merge_key``, when set, lets the stack merge this command into the previous
    one with the same key (typing in a field makes one undo step, not one per key).
    ``view`` marks a command that changes what is shown, not the map a save writes
    (showing a scenario, :mod:`explorer.core.scenarios`): it is undone like any other,
    but it does not make the map dirty.
    """

    label: str
    added: frozenset = field(default_factory=frozenset)
    removed: frozenset = field(default_factory=frozenset)
    merge_key: Hashable | None = None
    view: bool = False

    @property
    def is_empty(self) -> bool:
        """True when the command changes nothing."""
        return not self.added and not self.removed

    @functools.cached_property
    def native(self) -> tuple[list, list]:
        """``(added, removed)`` as Oxigraph quads, made once: the store and the journal take them as they are.

        A layout's command holds 40k quads at 10k nodes; converting them at each undo and redo cost
        the UI thread most of a second. The command is built in a worker, which makes these there too.

        Examples
        --------
        >>> from rdflib import URIRef
        >>> command = Command("a", added=frozenset({(URIRef("urn:s"), URIRef("urn:p"), URIRef("urn:o"), None)}))
        >>> [str(q.subject) for q in command.native[0]], command.native[1]
        (['<urn:s>'], [])
        """
        return [to_ox_quad(q) for q in self.added], [to_ox_quad(q) for q in self.removed]

    @functools.cached_property
    def journal(self) -> tuple[Encoded, Encoded]:
        """``(added, removed)`` as the recovery journal writes them (:func:`~explorer.core.journal.encoded`)."""
        return encoded(self.native[0]), encoded(self.native[1])

    @functools.cached_property
    def rewritten(self) -> tuple[dict, dict]:
        """:func:`~explorer.core.store.rewritten_forms` of the native ``added`` and ``removed`` (what undo adds)."""
        return rewritten_forms(self.native[0]), rewritten_forms(self.native[1])

    def prepare(self, *, nodes: Iterable | None = None) -> Command:
        """Make now, once, what applying and undoing this command need: call it in the worker that built it.

        A layout's command holds 40k quads at 10k nodes; their Oxigraph form (:attr:`native`), journal
        text (:attr:`journal`), canonical literals (:attr:`rewritten`) and new places (:attr:`moves`)
        cost the window a fifth of a second each time it was applied or undone.

        ``nodes``: the terms the views know the map's nodes by (a projection's keys). The places then
        name those very objects: the quads hold equal copies, which rdflib compares in Python when the
        views look them up (~1 us each, 10 ms of following a 10k-node layout on the window's thread).

        Examples
        --------
        >>> Command("Nothing").prepare().journal[0].json
        '""'
        >>> from rdflib import Literal
        >>> from explorer.core.namespaces import RX
        >>> ana = URIRef("urn:ana")
        >>> move = Command("Move", added=frozenset({(URIRef("urn:ana"), RX.canvasX, Literal(5.0), DEFAULT_GRAPH),
        ...                                         (URIRef("urn:ana"), RX.canvasY, Literal(6.0), DEFAULT_GRAPH)}))
        >>> move.prepare(nodes=[ana]).moves[0][0].node is ana
        True
        """
        self.native, self.journal, self.rewritten, self.moves  # noqa: B018 - cached on the command
        if nodes is not None:
            own = {str(node): node for node in nodes}
            # Set on the instance, as cached_property does (a frozen dataclass refuses setattr).
            self.__dict__["moves"] = tuple(
                None if places is None else [Place(own.get(str(p.node), p.node), p.x, p.y) for p in places]
                for places in self.moves
            )
        return self

    @functools.cached_property
    def moves(self) -> tuple[list[Place] | None, list[Place] | None]:
        """The places this command and its undo give nodes, when it only moves nodes (else None for each).

        Read once, like :attr:`native` and in the same worker, so a layout's apply and undo hand
        the window its new places instead of 40k quads to read (see :mod:`explorer.core.positions`).

        Examples
        --------
        >>> from rdflib import Literal, URIRef
        >>> from explorer.core.namespaces import RX
        >>> ana = URIRef("urn:ana")
        >>> at = lambda p, v: (ana, p, Literal(v), DEFAULT_GRAPH)
        >>> move = Command("Move", added=frozenset({at(RX.canvasX, 5.0), at(RX.canvasY, 6.0)}),
        ...                removed=frozenset({at(RX.canvasX, 1.0), at(RX.canvasY, 2.0)}))
        >>> [(p.x, p.y) for p in move.moves[0]], [(p.x, p.y) for p in move.moves[1]]
        ([(5.0, 6.0)], [(1.0, 2.0)])
        >>> Command("Label", added=frozenset({(ana, RDFS.label, Literal("Ana"), DEFAULT_GRAPH)})).moves
        (None, None)
        """
        return position_changes(self.added, self.removed), position_changes(self.removed, self.added)

    def inverse(self) -> Command:
        """The command that undoes this one."""
        return Command(f"Undo {self.label}", added=self.removed, removed=self.added, view=self.view)

    def then(self, other: Command, label: str | None = None) -> Command:
        """The net effect of this command followed by ``other`` as one command (a view command if both are)."""
        return Command(
            label or other.label,
            added=(self.added - other.removed) | (other.added - self.removed),
            removed=(self.removed - other.added) | (other.removed - self.added),
            merge_key=other.merge_key,
            view=self.view and other.view,
        )


def _diff(store: Store, label: str, added: Iterable[Quad], removed: Iterable[Quad], merge_key=None) -> Command:
    """Make a command whose diff holds only real changes against ``store``."""
    added_set = normalise_quads(added)
    removed_set = normalise_quads(removed)
    both = added_set & removed_set
    added_set, removed_set = added_set - both, removed_set - both
    return Command(
        label,
        added=frozenset(q for q in added_set if not store.contains(q)),
        removed=frozenset(q for q in removed_set if store.contains(q)),
        merge_key=merge_key,
    )


def _check_subject(node) -> None:
    if not isinstance(node, (URIRef, BNode)):
        raise CommandError(f"A node must be identified by an IRI or blank node, not {node!r}.")


def _check_predicate(predicate) -> None:
    if not isinstance(predicate, URIRef):
        raise CommandError(f"A property must be an IRI, not {predicate!r}.")


def _check_value(value) -> None:
    if not isinstance(value, (URIRef, BNode, Literal)):
        raise CommandError(f"A value must be an IRI, blank node or literal, not {value!r} ({type(value).__name__}).")


def add_node(store: Store, node: URIRef, kind: URIRef, label: str | None = None, *, graph=DEFAULT_GRAPH) -> Command:
    """Add ``node`` typed ``kind`` with an optional ``rdfs:label``.

    Examples
    --------
    >>> from explorer.core.store import EmbeddedStore
    >>> cmd = add_node(EmbeddedStore(), URIRef("http://e/n"), URIRef("http://e/Routine"), "Handover")
    >>> len(cmd.added), cmd.label
    (2, 'Add Handover')
    """
    _check_subject(node)
    _check_value(kind)
    quads = [(node, RDF.type, kind, graph)]
    if label is not None:
        quads.append((node, RDFS.label, Literal(label), graph))
    return _diff(store, f"Add {shortened(label or node)}", quads, [])


def description(store: Store, node, *, graph=DEFAULT_GRAPH) -> list[Quad]:
    """The node's own quads plus, recursively, those of the blank nodes it points to."""
    return _description(store, node, graph, set())


def _description(store: Store, node, graph, seen: set) -> list[Quad]:
    quads = list(store.quads(node, None, None, graph))
    seen.add(node)
    for _, _, obj, _ in list(quads):
        if isinstance(obj, BNode) and obj not in seen:
            quads.extend(_description(store, obj, graph, seen))
    return quads


def remove_node(store: Store, node, *, graph=DEFAULT_GRAPH, label: str | None = None) -> Command:
    """Remove ``node``: its statements, those of blank nodes it owns, and every tie pointing at it.

    Examples
    --------
    >>> from explorer.core.store import EmbeddedStore
    >>> store = EmbeddedStore()
    >>> n = URIRef("http://e/n")
    >>> c = add_node(store, n, URIRef("http://e/Unit"), "ICU"); store.apply(added=c.added)
    >>> len(remove_node(store, n).removed)
    2
    """
    _check_subject(node)
    quads = _description(store, node, graph, set())
    quads.extend(store.quads(None, None, node, graph))
    if not quads:
        raise CommandError(f"There is no node {node} in the map to remove.")
    return _diff(store, f"Delete {shortened(label or node)}", [], quads)


def set_property(
    store: Store, subject, predicate: URIRef, value, *, graph=DEFAULT_GRAPH, label: str | None = None
) -> Command:
    """Replace every value of ``predicate`` on ``subject`` with ``value``.

    Consecutive sets of the same field merge into one undo step.
    """
    _check_subject(subject)
    _check_predicate(predicate)
    _check_value(value)
    old = list(store.quads(subject, predicate, None, graph))
    return _diff(
        store,
        label or f"Set {shortened(local_name(predicate))}",
        [(subject, predicate, value, graph)],
        old,
        merge_key=("set", subject, predicate, graph),
    )


def unset_property(
    store: Store, subject, predicate: URIRef, value=None, *, graph=DEFAULT_GRAPH, label: str | None = None
) -> Command:
    """Remove ``predicate`` from ``subject`` (only ``value`` if given)."""
    _check_subject(subject)
    _check_predicate(predicate)
    old = list(store.quads(subject, predicate, value, graph))
    return _diff(store, label or f"Clear {shortened(local_name(predicate))}", [], old)


def add_tie(store: Store, subject, predicate: URIRef, obj, *, graph=DEFAULT_GRAPH, label: str | None = None) -> Command:
    """Add the statement ``subject predicate obj`` (a tie between two nodes, or a value)."""
    _check_subject(subject)
    _check_predicate(predicate)
    _check_value(obj)
    return _diff(store, label or "Add tie", [(subject, predicate, obj, graph)], [])


def remove_tie(
    store: Store, subject, predicate: URIRef, obj, *, graph=DEFAULT_GRAPH, label: str | None = None
) -> Command:
    """Remove the statement ``subject predicate obj``."""
    _check_subject(subject)
    _check_predicate(predicate)
    _check_value(obj)
    return _diff(store, label or "Remove tie", [], [(subject, predicate, obj, graph)])


def diff(store: Store, label: str, *, added: Iterable[Quad] = (), removed: Iterable[Quad] = ()) -> Command:
    """A command from arbitrary quads, trimmed to what really changes (used by imports and updates)."""
    return _diff(store, label, added, removed)


def compose(label: str, commands: Iterable[Command]) -> Command:
    """Several commands, applied in order, as one undo step.

    Each command must have been built against the state the previous ones leave;
    :meth:`explorer.core.document.MapDocument.batch` does that for you. The result
    is never a view command: a batch is an edit.
    """
    result = Command(label)
    for command in commands:
        result = result.then(command, label=label)
    return Command(label, added=result.added, removed=result.removed)


class CommandStack:
    """Undo and redo over commands, with a clean (saved) point and merging.

    Examples
    --------
    >>> stack = CommandStack()
    >>> stack.push(Command("a", added=frozenset({1})))
    >>> stack.push(Command("b", added=frozenset({2})))
    >>> stack.undo().label, stack.undo_text, stack.redo_text
    ('b', 'a', 'b')
    """

    def __init__(self) -> None:
        self._commands: list[Command] = []
        self._index = 0
        self._clean: int | None = 0

    @property
    def commands(self) -> tuple[Command, ...]:
        """All commands, done and undone (for the history view)."""
        return tuple(self._commands)

    @property
    def index(self) -> int:
        """How many commands are currently applied."""
        return self._index

    @property
    def is_clean(self) -> bool:
        """True when the applied commands are those of the saved state, give or take view commands.

        Showing a scenario changes what is shown, not what a save writes, so view
        commands between the saved point and now leave the map clean.

        Examples
        --------
        >>> stack = CommandStack()
        >>> stack.push(Command("Show “to-be”", added=frozenset({1}), view=True))
        >>> stack.is_clean
        True
        >>> stack.push(Command("Add Ward 7", added=frozenset({2})))
        >>> stack.is_clean
        False
        """
        return self._clean is not None and self._only_views(self._clean, self._index)

    def _only_views(self, start: int, stop: int) -> bool:
        """Whether every command between the two positions (either order) is a view command."""
        low, high = sorted((start, stop))
        return all(command.view for command in self._commands[low:high])

    @property
    def clean_index(self) -> int | None:
        """How many commands were applied when the map was last saved (None if that state is gone)."""
        return self._clean

    def set_clean(self, index: int | None = None) -> None:
        """Mark the current state (or the state after ``index`` commands) as saved."""
        self._clean = self._index if index is None else index

    def can_undo(self) -> bool:
        return self._index > 0

    def can_redo(self) -> bool:
        return self._index < len(self._commands)

    @property
    def undo_text(self) -> str | None:
        return self._commands[self._index - 1].label if self.can_undo() else None

    @property
    def redo_text(self) -> str | None:
        return self._commands[self._index].label if self.can_redo() else None

    def push(self, command: Command) -> None:
        """Record a command that has just been applied; discards the redo branch."""
        if self._clean is not None and self._clean > self._index:
            # The saved state was on the discarded branch; if only view commands lead
            # there, the state now differs from it only in what is shown.
            self._clean = self._index if self._only_views(self._index, self._clean) else None
        del self._commands[self._index :]
        top = self._commands[-1] if self._commands else None
        if (
            top is not None
            and command.merge_key is not None
            and top.merge_key == command.merge_key
            and self._clean != self._index
        ):
            self._commands[-1] = top.then(command)
            return
        self._commands.append(command)
        self._index += 1

    def undo(self) -> Command:
        """Step back; returns the command whose inverse the caller must apply."""
        if not self.can_undo():
            raise CommandError("There is nothing to undo.")
        self._index -= 1
        return self._commands[self._index]

    def redo(self) -> Command:
        """Step forward; returns the command the caller must apply again."""
        if not self.can_redo():
            raise CommandError("There is nothing to redo.")
        self._index += 1
        return self._commands[self._index - 1]

    def clear(self) -> None:
        """Forget all history (the current state becomes the clean one)."""
        self._commands.clear()
        self._index = 0
        self._clean = 0
