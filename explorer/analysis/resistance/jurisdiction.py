"""Jurisdiction: tasks the change moves between roles and professional groups.

A ``rx:TaskReallocation`` from *u* to *v* (by this change, or by no change in
particular) crosses a professional boundary when their professions are known
and disjoint (a professional group is its own profession; anyone else has the
groups of ``rx:ofProfession``): the side that loses the task bears
``transgression.jurisdiction_group``, the side that gains it
``transgression.gainer_share`` of that. A move inside one profession, or
between actors whose professions the map does not give, weighs
``transgression.jurisdiction_role`` (and then the point says the professions
are missing). A side with a profession bears it as its jurisdiction (the
family top-down sponsorship and divergence weigh on); a side without one (a
clerk, a porter) as a task moved, which they do not. A group's jurisdiction
reaches its members one level down
(:func:`explorer.analysis.resistance.model.inherit`).
"""

from __future__ import annotations

from .builder import JURISDICTION, TASK, Builder
from .structure import RX


def add(b: Builder) -> None:
    """The ``transgression.jurisdiction`` mechanism: a channel for both sides of each task reallocation by the change.

    A task moves once, however the map draws its sides: a side that loses (or gains) the same task in
    several moves (a role drawn as two sub-roles, a task shared out) bears one channel for it, the
    heaviest when the moves differ (a move across professional groups over one within them).
    """
    s = b.structure
    moves: dict = {}  # (side, task, "loses" | "gains") -> (weights, family, text, evidence, key, across)
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
        boundary = (
            "across professional groups"
            if across
            else ("within one profession" if lost and gained else "between roles")
        )
        evidence = (tie, u, v, task)
        for side, way, professions, weights, text in (
            (
                v,
                "gains",
                gained,
                (weight, "transgression.gainer_share"),
                f"Gains {what} from “{b.label(u)}”, {boundary}",
            ),
            (u, "loses", lost, (weight,), f"Loses {what} to “{b.label(v)}”, {boundary}"),
        ):
            if side not in b.G or not s.is_carrier(side) or not s.in_scope(side):
                continue
            found = moves.get((side, task, way))
            if found is None or (across and not found[5]):
                moves[(side, task, way)] = (
                    weights,
                    JURISDICTION if professions else TASK,
                    text,
                    evidence,
                    ("task", tie, way),
                    across,
                )
    for (side, _task, _way), (weights, family, text, evidence, key, _across) in sorted(
        moves.items(), key=lambda kv: tuple(map(str, kv[0]))
    ):
        b.channel(
            side, family, weights, mechanism=weights[0], kind="jurisdiction", key=key, text=text, evidence=evidence
        )
