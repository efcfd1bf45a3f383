"""Quick add: read a typed line such as ``Ward 7 (unit) -> Discharge huddle (routine)`` into the nodes it names.

A line names one node, or two joined by an arrow: ``->``, ``=>``, ``—>``, ``→``, ``⟶`` or ``⇒``;
``<-`` (or ``←``) names them the other way round, so ``A <- B`` is ``B -> A``. A name left holding
something arrow-like (``>``, ``<->``, a trailing ``<``) is refused rather than read into the name.
Each name may end with its kind in brackets, matched against the palette's kinds by the start of their names (``unit``,
``change prop``); a name without a kind is matched to a node of the map by its label, or takes
the last kind used. Reading is plain string work: anything it cannot read raises a
:class:`~explorer.core.errors.CommandError` that says how to write it.

Examples
--------
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.schema import Schema
>>> doc = MapDocument.new(); schema = Schema.from_store(doc.store)
>>> [(p.name, p.kind.split("#")[1] if p.kind else None) for p in read_line("Ward 7 (unit) -> Discharge huddle", schema)]
[('Ward 7', 'Unit'), ('Discharge huddle', None)]
>>> read_line("Ward 7 -> ", schema)
Traceback (most recent call last):
...
explorer.core.errors.CommandError: Write a name on both sides of the arrow: Ward 7 (unit) -> Discharge huddle (routine).
>>> [p.name for p in read_line("Ward 7 (unit) <- Discharge huddle", schema)]
['Discharge huddle', 'Ward 7']
>>> read_line("Ward 7 (unit) > Huddle", schema)
Traceback (most recent call last):
...
explorer.core.errors.CommandError: “Ward 7 (unit) > Huddle” holds an arrow quick add cannot read. Use -> ...
>>> doc.close()
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef

from .errors import CommandError
from .schema import MAX_NAME, Schema
from .text import one_line, shortened

#: The longest line quick add reads, in characters (two names, their kinds and an arrow).
MAX_LINE = 2 * MAX_NAME + 100
EXAMPLE = "Ward 7 (unit) -> Discharge huddle (routine)"
#: An arrow between two names: dashes or equals signs with ``>`` or ``<`` at an end, or an arrow sign.
_ARROW = re.compile(r"<?[-\u2010-\u2015=]+>|<[-\u2010-\u2015=]+|[→⟶⇒⟹←⟵⇐⟸↔⟷⇔⟺]")
_BACKWARD = "←⟵⇐⟸"
_BOTH_WAYS = "↔⟷⇔⟺"
#: What is still arrow-like in a name once the arrows above are taken out: refused, not kept in the name.
_ARROW_LIKE = re.compile(r">|<\s*$|^\s*<|<[<~]|[\u2190-\u21ff\u27f0-\u27ff\u2900-\u297f\u2794-\u27bf]")


@dataclass(frozen=True)
class Named:
    """One node a quick-add line names: its ``name`` and, if the line says it, its ``kind``."""

    name: str
    kind: URIRef | None = None


def read_line(text: str, schema: Schema) -> list[Named]:
    """The one or two nodes ``text`` names, in order; raises ``CommandError`` saying how to write it."""
    if len(text) > MAX_LINE:
        raise CommandError(f"That line is too long ({len(text):,} characters; at most {MAX_LINE}).")
    line = one_line(text).strip()
    if not line:
        raise CommandError(f"Type a name, or two joined by an arrow: {EXAMPLE}.")
    arrows = _ARROW.findall(line)
    sides = [side.strip() for side in _ARROW.split(line)]
    if len(arrows) > 1:
        raise CommandError(f"Use one arrow, between two names: {EXAMPLE}.")
    if any(not side for side in sides):
        raise CommandError(f"Write a name on both sides of the arrow: {EXAMPLE}.")
    for side in sides:
        if _ARROW_LIKE.search(side):
            raise CommandError(
                f"“{shortened(side)}” holds an arrow quick add cannot read. Use -> between two names: {EXAMPLE}."
            )
    named = [_named(side, schema) for side in sides]
    if arrows:
        arrow = arrows[0]
        if arrow in _BOTH_WAYS or (arrow.startswith("<") and arrow.endswith(">")):
            raise CommandError(f"A tie runs one way. Use -> between two names: {EXAMPLE}.")
        if arrow in _BACKWARD or arrow.startswith("<"):
            named.reverse()
    return named


def _named(side: str, schema: Schema) -> Named:
    name, kind = side, None
    if side.endswith(")") and "(" in side:
        opening = side.rindex("(")
        name, said = side[:opening].strip(), side[opening + 1 : -1].strip()
        kind = kind_named(said, schema)
    if not name:
        raise CommandError(f"Write the name before its kind: {EXAMPLE}.")
    if len(name) > MAX_NAME:
        raise CommandError(f"The name “{shortened(name)}” is too long (at most {MAX_NAME} characters).")
    return Named(name, kind)


def kind_named(said: str, schema: Schema) -> URIRef:
    """The palette kind whose name is ``said`` or starts with it (any case); raises ``CommandError`` if none or many.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> doc = MapDocument.new(); schema = Schema.from_store(doc.store)
    >>> kind_named("Routine", schema).split("#")[1], kind_named("change p", schema).split("#")[1]
    ('Routine', 'ChangeProposal')
    >>> doc.close()
    """
    kinds = [kind for _, members in schema.palette() for kind in members]
    wanted = said.casefold()
    exact = [k for k in kinds if k.label.casefold() == wanted]
    found = exact or [k for k in kinds if wanted and k.label.casefold().startswith(wanted)]
    if len(found) == 1:
        return found[0].iri
    if found:
        names = " or ".join(k.label.lower() for k in found)
        raise CommandError(f"“{shortened(said)}” could be {names}: say which.")
    names = ", ".join(k.label.lower() for k in kinds)
    raise CommandError(
        f"No kind “{shortened(said)}”. Say one of: {names}. "
        "To keep brackets in a name, put the kind after them: ICU (north) (unit)."
    )
