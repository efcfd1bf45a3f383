"""Jurisdiction: tasks the change moves between roles and professional groups.

A ``rx:TaskReallocation`` from *u* to *v* (by this change, or by no change in
particular) crosses a professional boundary when their professions are known
and disjoint (a professional group is its own profession; anyone else has the
groups of ``rx:ofProfession``): the side that loses the task bears
``transgression.jurisdiction_group``, the side that gains it
``transgression.gainer_share`` of that. A move inside one profession, or
between actors whose professions the map does not give, weighs
``transgression.jurisdiction_role`` (and then the point says the professions
are missing). A group's jurisdiction reaches its members one level down
(:func:`explorer.analysis.resistance.model._inherit`).
"""

from __future__ import annotations


from .model import JURISDICTION, Builder
from .structure import RX


def add(b: Builder) -> None:
    """Register a jurisdiction channel for both sides of each task reallocation by the change."""
    s = b.structure
    for u, v, data in sorted(s.every.get(RX.TaskReallocation, ()), key=lambda e: str(e[2].get("tie"))):
        if data.get("byChange") not in (None, *s.changers) or u == v:
            continue
        tie, task = data.get("tie"), data.get("task")
        losing, gaining = s.professions(u), s.professions(v)
        if losing and gaining:
            across = not (losing & gaining)
        else:
            across = False
            for side in (u, v):
                if side in b.G:
                    b.lack(side, "professions of a task reallocation")
        weight = "transgression.jurisdiction_group" if across else "transgression.jurisdiction_role"
        what = f"“{b.label(task)}”" if task is not None else "a task"
        boundary = "across professional groups" if across else ("within one profession" if losing and gaining else "between roles")
        for side, other, extra, direction in ((u, v, (), "to"), (v, u, ("transgression.gainer_share",), "from")):
            if side in b.G and s.is_carrier(side) and s.in_scope(side):
                verb = "loses" if direction == "to" else "gains"
                b.channel(side, JURISDICTION, (weight, *extra), mechanism=weight, kind="jurisdiction",
                          key=("task", tie, direction),
                          text=f"{verb.capitalize()} {what} {direction} “{b.label(other)}”, {boundary}",
                          evidence=tuple(x for x in (tie, u, v, task) if x is not None))
