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
    """Register a jurisdiction channel for both sides of each task reallocation by the change.

    A task moved from one side to several (a role drawn as two sub-roles, a task shared out) is lost once:
    the losing side bears one channel per task (the heaviest when the moves differ), each gaining side its own.
    """
    s = b.structure
    losing: dict = {}  # (loser, task) -> (weight, text, evidence, key)
    for u, v, data in sorted(s.every.get(RX.TaskReallocation, ()), key=lambda e: str(e[2].get("tie"))):
        if data.get("byChange") not in (None, *s.changers) or u == v:
            continue
        tie, task = data.get("tie"), data.get("task")
        lost, gained = s.professions(u), s.professions(v)
        if lost and gained:
            across = not (lost & gained)
        else:
            across = False
            for side in (u, v):
                if side in b.G:
                    b.lack(side, "professions of a task reallocation")
        weight = "transgression.jurisdiction_group" if across else "transgression.jurisdiction_role"
        what = f"“{b.label(task)}”" if task is not None else "a task"
        boundary = "across professional groups" if across else ("within one profession" if lost and gained else "between roles")
        evidence = (tie, u, v, task)
        if v in b.G and s.is_carrier(v) and s.in_scope(v):
            b.channel(v, JURISDICTION, (weight, "transgression.gainer_share"), mechanism=weight, kind="jurisdiction",
                      key=("task", tie, "gains"), text=f"Gains {what} from “{b.label(u)}”, {boundary}", evidence=evidence)
        if u in b.G and s.is_carrier(u) and s.in_scope(u):
            found = losing.get((u, task))
            if found is None or (across and found[0] != "transgression.jurisdiction_group"):
                losing[(u, task)] = (weight, f"Loses {what} to “{b.label(v)}”, {boundary}", evidence, ("task", tie, "loses"))
    for (u, task), (weight, text, evidence, key) in sorted(losing.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        b.channel(u, JURISDICTION, (weight,), mechanism=weight, kind="jurisdiction", key=key, text=text, evidence=evidence)
