"""Stances on the change: stated, passed down from units and bodies, and spread along influence ties.

Each agent's *anchor* is its own stated attitude (``rx:Stance`` to the change
or one of its components, in [-1, 1]); without one, the stated attitude of its
nearest collective that has one (a unit's or a body's stance reaches its
members), times ``levels.decay`` per level; else 0, the neutral "undecided".
Stances then spread along influence ties by the Friedkin-Johnsen update::

    x_i <- (1 - s_i) * anchor_i + s_i * sum_j W_ij x_j

where ``W`` is row-normalised over those who influence *i* and hold a stance
(stated, inherited, or reached through influence ties from one: a source
nobody informed says nothing about the change): ``rx:InfluenceTie``
(its strength), ``rx:influences`` and ``rx:advises`` (0.5), and a reporting
line (the superior's formal authority), each times the source's influence
relative to the neutral 0.5 (``2 * influence``) and the number of people the
source stands for (``rx:headcount``: a role of ten pulls as ten people would).
``s_i`` is ``stance.susceptibility`` times the strongest single pull (tie
strength times ``2 * influence``, at most 1), so an agent nobody influences
keeps its anchor, and drawing a role as two halves changes nothing.

The influence network's weights are taken at the map's values; the uncertainty
runs vary the stated attitudes (by their confidence) and the susceptibility.

Examples
--------
>>> import numpy as np
>>> W = np.array([[0.0, 1.0], [0.0, 0.0]])
>>> spread(np.array([[0.0], [-0.8]]), W, np.array([[0.5], [0.0]]), iterations=30)[:, 0].round(2).tolist()
[-0.4, -0.8]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .builder import Builder
from .structure import REPORTS_TO, RX, clip_unit

_INFLUENCE = (RX.influences, RX.advises)


@dataclass
class StanceModel:
    """The agents whose stance the model needs, their anchors and the influence among them."""

    agents: list = field(default_factory=list)
    row: dict = field(default_factory=dict)
    stated: list = field(default_factory=list)  # input row of the agent's own attitude, or -1
    anchor_row: list = field(default_factory=list)  # input row the anchor comes from, or -1 (neutral)
    anchor_depth: list = field(default_factory=list)  # levels up the anchor comes from
    anchor_from: list = field(default_factory=list)  # the node whose stated stance is the anchor
    weights: object = None  # row-normalised sparse W
    strongest: np.ndarray = None  # per agent, min(1, strongest incoming weight)
    sources: list = field(default_factory=list)  # per agent, the agents influencing it
    how: list = field(default_factory=list)  # stated | influence | inherited | none
    base: np.ndarray = None  # attitude after influence at the map's values

    def stated_value(self, builder: Builder, node):
        row = self.row.get(node)
        if row is None or self.stated[row] < 0:
            return None
        return builder.value(self.stated[row])


#: What the stance model reads: an edit touching none of these leaves it as it was (:func:`reuse`).
RELATIONS = frozenset(
    {
        RX.Stance,
        RX.InfluenceTie,
        RX.influences,
        RX.advises,
        REPORTS_TO,
        "attitude",
        "strength",
        "influence",
        "formalAuthority",
        "headcount",
    }
)


def add(b: Builder) -> None:
    """The ``stance`` mechanism: the stance model of the exposed carriers and every agent the model needs
    (bodies behind violated norms, leaders, change agents), in ``b.stance_model``; ``b.reuse``'s when the edit
    touched nothing the stances read and it holds them all."""
    # Leaders and change agents need their attitude (a leader who opposes the change is no help), stated or not.
    b.stance_agents |= set(b.structure.leader_nodes()) | set(b.structure.change_agents())
    model = None
    if b.reuse is not None and not b.edited_relations & RELATIONS:
        model = reuse(b, b.exposed, b.reuse.stances)
    if model is None:
        model = build(b, b.exposed)
    b.stance_model = model


def reuse(b: Builder, exposed: set, base: StanceModel) -> StanceModel | None:
    """``base`` again when it holds every agent this build needs (an edit that touched nothing the stances
    read), else None."""
    needed = {b.carrier_nodes[i] for i in exposed} | b.stance_agents
    return base if all(node in base.row for node in needed) else None


def spread(anchor: np.ndarray, W, s: np.ndarray, *, iterations: int, tolerance: float = 1e-6) -> np.ndarray:
    """Friedkin-Johnsen: iterate ``x <- (1 - s) * anchor + s * (W @ x)`` from the anchor (``agents x runs``)."""
    x = anchor.copy()
    keep = (1.0 - s) * anchor
    for _ in range(iterations):
        nxt = keep + s * (W @ x)
        if np.max(np.abs(nxt - x), initial=0.0) < tolerance:
            return nxt
        x = nxt
    return x


def build(b: Builder, exposed: set) -> StanceModel:
    """Gather the agents (exposed carriers, stated stances, the influence network, bodies behind norms)."""
    G, s = b.G, b.structure
    model = StanceModel()
    stated: dict = {}
    for c in s.changers:
        for agent, data in sorted(s.ins(c, RX.Stance), key=lambda x: str(x[1].get("tie"))):
            if data.get("attitude") is None or agent in stated:
                continue
            if c != s.change and any(a == agent for a, _ in s.ins(s.change, RX.Stance)):
                continue  # a stance on the whole change wins over one on a component
            stated[agent] = b.read(data.get("tie"), data, "attitude")
    edges = []  # (source, target, weight)
    for relation in _INFLUENCE:
        for u, v, _ in s.every.get(relation, ()):
            edges.append((u, v, 0.5))
    for u, v, data in s.every.get(RX.InfluenceTie, ()):
        edges.append((u, v, clip_unit(data.get("strength"))))
    for u, v, _ in s.every.get(REPORTS_TO, ()):
        edges.append((v, u, clip_unit(G.nodes[v].get("formalAuthority"))))
    agents = {b.carrier_nodes[i] for i in exposed} | set(stated) | b.stance_agents
    agents |= {u for u, _, _ in edges} | {v for _, v, _ in edges}
    agents = sorted((a for a in agents if a in G), key=str)
    model.agents = agents
    model.row = {a: i for i, a in enumerate(agents)}
    n = len(agents)
    for agent in agents:
        model.stated.append(stated.get(agent, -1))
        if agent in stated:
            model.anchor_row.append(stated[agent])
            model.anchor_depth.append(0)
            model.anchor_from.append(agent)
            continue
        for ancestor, depth in s.ancestors(agent):
            if ancestor in stated:
                model.anchor_row.append(stated[ancestor])
                model.anchor_depth.append(depth)
                model.anchor_from.append(ancestor)
                break
        else:
            model.anchor_row.append(-1)
            model.anchor_depth.append(0)
            model.anchor_from.append(None)
    rows, cols, values, pulls = [], [], [], []
    for u, v, weight in edges:
        if u == v or u not in model.row or v not in model.row:
            continue
        factor = 2.0 * clip_unit(G.nodes[u].get("influence"))
        headcount = G.nodes[u].get("headcount")
        people = float(headcount) if isinstance(headcount, (int, float)) and headcount >= 0 else 1.0
        rows.append(model.row[v])
        cols.append(model.row[u])
        pulls.append(weight * factor)
        # A role standing for ten people pulls as ten people would: its weight in the mean counts them.
        values.append(weight * factor * people)
    # Who holds a stance, stated or inherited, and who is reached by one through influence ties: only they
    # pull. A source nobody has informed says nothing about the change; counting it as "undecided" (0) would
    # drag everyone it influences towards the middle on no evidence.
    informed = {i for i in range(n) if model.anchor_row[i] >= 0}
    targets_of = [[] for _ in range(n)]
    for i, j, pull in zip(rows, cols, pulls):
        if pull > 0:
            targets_of[j].append(i)
    influenced, frontier = set(), list(informed)
    while frontier:
        nxt = []
        for j in frontier:
            for i in targets_of[j]:
                if i not in informed and i not in influenced:
                    influenced.add(i)
                    nxt.append(i)
        frontier = nxt
    kept = [k for k, j in enumerate(cols) if j in informed or j in influenced]
    rows, cols = [rows[k] for k in kept], [cols[k] for k in kept]
    pulls, values = [pulls[k] for k in kept], [values[k] for k in kept]
    strongest = np.zeros(n)
    if rows:
        np.maximum.at(strongest, np.asarray(rows), np.asarray(pulls))
        strongest = np.minimum(1.0, strongest)
    from scipy import sparse  # here, not at start: scipy.sparse is a quarter of a second

    W = sparse.csr_matrix((values, (rows, cols)), shape=(n, n))
    W.sum_duplicates()
    if W.nnz:
        totals = np.asarray(W.sum(axis=1)).ravel()
        scale = np.divide(1.0, totals, out=np.zeros(n), where=totals > 0)
        W = sparse.diags(scale) @ W
    model.weights = W.tocsr()
    model.strongest = strongest
    model.sources = [[] for _ in range(n)]
    coo = model.weights.tocoo()
    for i, j in zip(coo.row, coo.col):
        model.sources[i].append(agents[j])
    for i, _agent in enumerate(agents):
        if model.stated[i] >= 0:
            model.how.append("stated")
        elif i in influenced:
            model.how.append("influence")
        elif model.anchor_row[i] >= 0:
            model.how.append("inherited")
        else:
            model.how.append("none")
    decay, sus = b.weights["levels.decay"], b.weights["stance.susceptibility"]
    anchor = anchors(model, np.asarray(b.inputs._values, dtype=float)[:, None], np.array([decay]))
    model.base = spread(
        anchor, model.weights, (sus * model.strongest)[:, None], iterations=int(b.weights["stance.iterations"])
    )[:, 0]
    return model


def anchors(model: StanceModel, X: np.ndarray, decay: np.ndarray) -> np.ndarray:
    """``agents x runs`` anchors for inputs ``X`` and a decay per run."""
    runs = X.shape[1]
    out = np.zeros((len(model.agents), runs))
    for i, (row, depth) in enumerate(zip(model.anchor_row, model.anchor_depth)):
        if row >= 0:
            out[i] = X[row] * decay**depth
    return out


def evaluate(
    model: StanceModel, X: np.ndarray, decay: np.ndarray, susceptibility: np.ndarray, iterations: int
) -> np.ndarray:
    """``agents x runs`` attitudes after influence."""
    if not model.agents:
        return np.zeros((0, X.shape[1]))
    anchor = anchors(model, X, decay)
    s = model.strongest[:, None] * susceptibility[None, :]
    return spread(anchor, model.weights, s, iterations=iterations)
