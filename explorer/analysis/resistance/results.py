"""The plain, picklable results of a change analysis (re-exported by :mod:`explorer.analysis.change`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from ..weights import Weights
from .routines import Impact

__all__ = ["ChangeAnalysis", "Figure", "Impact", "Lever", "Point", "Reason"]


class Reason(NamedTuple):
    """One signed contribution to a point's score.

    ``value`` is positive when it raises resistance and negative when it lowers
    it; a point's reasons add up to its score exactly. ``kind`` is
    ``"transgression"`` (a source of resistance), ``"context"`` (what makes it
    easier or harder to bear) or ``"members"`` (a collective's members, by
    mechanism). ``mechanism`` is the weight it is filed under (its label in
    ``label``); ``evidence`` are the map's nodes and ties it rests on;
    ``construct`` the theoretical construct (a CURIE, with its label from the
    ontology in ``construct_label``) and ``citation`` its source.

    A named tuple rather than a dataclass: a big map's analysis makes a hundred
    thousand of them.
    """

    mechanism: str
    value: float
    text: str
    evidence: tuple = ()
    construct: str = ""
    citation: str = ""
    kind: str = "transgression"
    label: str = ""
    construct_label: str = ""

    @property
    def restraining(self) -> bool:
        return self.value > 0


@dataclass(frozen=True)
class Point:
    """A likely point of resistance: a role, unit, routine or norm, with its score and its reasons.

    ``score`` is the resistance ``R`` (0 for none; see docs/analysis-model.md),
    ``likelihood`` reads it as ``1 - exp(-R)``. ``restraining`` and ``driving``
    are the sums of the positive and (as a positive number) the negative
    reasons; ``score = restraining - driving``. The uncertainty fields are None
    when no uncertainty runs were made.
    """

    node: object
    label: str
    kind: object
    level: int
    score: float
    restraining: float
    driving: float
    likelihood: float = 0.0
    role: str = "carrier"  # carrier | collective | routine | norm
    missing: tuple = ()
    reasons: tuple = ()
    sentence: str = ""
    headcount: float = 1.0
    stated_attitude: float | None = None
    attitude: float | None = None  # after influence
    confidence: float | None = None
    stability: float | None = None  # share of the uncertainty runs in which it is in the top k
    rank_low: int | None = None
    rank_high: int | None = None
    score_low: float | None = None
    score_high: float | None = None
    likelihood_low: float | None = None
    likelihood_high: float | None = None


@dataclass(frozen=True)
class Lever:
    """A concrete edit to the map, and what it does to the context figure when the model is run again with it.

    ``edit`` is ``(("add" | "remove" | "set", subject, predicate, object), ...)``
    in rdflib terms; ``set`` replaces every value of the predicate on the
    subject by the literal; a blank node subject stands for a new qualified
    tie. ``effect`` is the figure before minus the figure after: how many fewer
    people are likely to resist with the edit; ``resistance_effect`` the same
    for the sum of all points' scores.
    """

    kind: str
    text: str
    nodes: tuple = ()
    edit: tuple = ()
    effect: float = 0.0  # people: fewer likely to resist with the edit
    figure_after: float = 0.0
    resistance_effect: float = 0.0

    @property
    def weight(self) -> float:
        return self.effect


@dataclass(frozen=True)
class Figure:
    """The context-level figure: the expected number of people likely to resist the change.

    ``value`` is ``sum h_i p_i`` over the points the change exposes (headcount
    ``h``, likelihood ``p``; external bodies are not people of the organisation),
    from 0 to ``people``, how many people they stand for. It never falls when the
    change transgresses more, ignores nodes the change does not reach, and is the
    same however a role is split into identical sub-roles. ``share`` is
    ``value / people``, the share of the exposed who are likely to resist (a
    reading: it can fall when the change exposes more people less). ``low`` and
    ``high`` bound the central ``interval`` of the uncertainty runs (widened to
    include the value), None without runs; ``points`` is how many points count.
    """

    value: float
    low: float | None = None
    high: float | None = None
    people: float = 0.0
    points: int = 0
    interval: float = 0.8

    @property
    def share(self) -> float:
        return self.value / self.people if self.people > 0 else 0.0

    @property
    def share_low(self) -> float | None:
        return None if self.low is None else (self.low / self.people if self.people > 0 else 0.0)

    @property
    def share_high(self) -> float | None:
        return None if self.high is None else (self.high / self.people if self.people > 0 else 0.0)


@dataclass(frozen=True)
class ChangeAnalysis:
    """The result of :func:`explorer.analysis.change.analyse_change`."""

    change: object
    change_label: str
    points: tuple
    impacts: tuple
    levers: tuple
    logics: dict
    figure: Figure
    restraining: float
    driving: float
    weights: Weights | None = field(repr=False, compare=False, default=None)
    seed: int = 0
    #: Uncertainty runs behind the intervals (0: none) and the top k the stability share is about.
    runs: int = 0
    top_k: int = 10
    #: Inputs of the change itself that the map does not give (they lower every point's confidence).
    missing: tuple = ()
    #: Plain sentences naming what the uncertainty runs show to be fragile.
    fragile: tuple = ()
    notes: tuple = ()
