"""A tiny publish/subscribe bus, so the core can tell views what changed without knowing them.

Examples
--------
>>> bus = EventBus()
>>> seen = []
>>> unsubscribe = bus.subscribe(DirtyChanged, seen.append)
>>> bus.publish(DirtyChanged(dirty=True))
>>> seen
[DirtyChanged(dirty=True)]
>>> unsubscribe()
>>> bus.publish(DirtyChanged(dirty=False))
>>> len(seen)
1
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .positions import Place
from .terms import Quad


@dataclass(frozen=True)
class GraphChanged:
    """Quads were added to and removed from the map, as one step.

    ``moves``, when the step only moved nodes, lists their new places in the default graph
    (:func:`~explorer.core.positions.position_changes`): a view can follow them without reading the quads.
    """

    added: frozenset[Quad]
    removed: frozenset[Quad]
    moves: list[Place] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DirtyChanged:
    """The map went from saved to unsaved or back (undoing to the saved state counts)."""

    dirty: bool


@dataclass(frozen=True)
class DocumentSaved:
    """The map was written to ``path``; ``warning`` says what went wrong beside it (no earlier version kept)."""

    path: Path
    warning: str = ""


@dataclass(frozen=True)
class StackChanged:
    """The undo stack changed: ``undo_text``/``redo_text`` are the labels now on offer."""

    undo_text: str | None
    redo_text: str | None


@dataclass(frozen=True)
class DerivedGraphsChanged:
    """Derived graphs (analysis runs) were added or dropped; they are not edits and not undoable."""

    added: tuple
    removed: tuple


class EventBus:
    """Delivers each published event to the callbacks subscribed to its type."""

    def __init__(self) -> None:
        self._subscribers: dict[type, list[Callable[[Any], None]]] = defaultdict(list)

    def subscribe(self, event_type: type, callback: Callable[[Any], None]) -> Callable[[], None]:
        """Call ``callback(event)`` for each event of ``event_type``; returns an unsubscribe function."""
        self._subscribers[event_type].append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers[event_type]:
                self._subscribers[event_type].remove(callback)

        return unsubscribe

    def publish(self, event: object) -> None:
        """Deliver ``event`` to its subscribers, in the order they subscribed."""
        for callback in list(self._subscribers.get(type(event), ())):
            callback(event)


@dataclass(frozen=True)
class DocumentReloaded:
    """The whole map was replaced (revert): views should rebuild from the store."""


@dataclass(frozen=True)
class EditNotRecorded:
    """An edit was refused because its journal entry could not be written (a full disk, say).

    Nothing changed: no :class:`GraphChanged` follows. ``message`` says which edit, why and
    what to do. The same text is raised to the caller as a
    :class:`~explorer.core.errors.JournalError`; the window listens for this event so it can
    warn the same way whichever panel made the edit.
    """

    message: str
