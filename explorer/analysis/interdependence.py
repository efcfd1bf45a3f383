"""Interdependencies in a map: who brokers, what breaks alone, which units are coupled, how the macro level
reaches the micro.

Every function takes the map graph of :func:`explorer.analysis.graph.map_graph`
first, keyword options after, and returns frozen dataclasses. Randomness comes
only from ``seed``. Results are ordered deterministically (by score, then by
label, then by IRI), so the same map and seed give the same result.

* :func:`brokerage`: Burt's constraint and effective size (networkx), and
  betweenness, exact on small graphs and sampled with a stated error on big ones.
* :func:`single_points_of_failure`: articulation points and bridges of the
  routine interdependency graph, each with the routines it would cut off.
* :func:`unit_coupling`: shared routines and interdependencies crossing each
  pair of units, by Thompson type, and a coupling score.
* :func:`cross_level_paths`: how macro forces, bodies and norms reach routines
  and micro-level actors, with the path.
* :func:`clusters`: communities (seeded) and the boundary spanners between them.
* :func:`hybrid_leaders`: actors bridging clinical and managerial roles, and where they sit.
* :func:`summary`: all of the above.

Examples
--------
>>> from explorer.analysis.graph import map_graph_from_text
>>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
... <urn:x:a> a rx:Routine . <urn:x:b> a rx:Routine . <urn:x:c> a rx:Routine .
... <urn:x:a> rx:interdependentWith <urn:x:b> . <urn:x:b> rx:interdependentWith <urn:x:c> .''')
>>> [p.label for p in single_points_of_failure(G).articulation_points]
['b']
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx
from rdflib import URIRef

from explorer.core.namespaces import RX

from .graph import (
    DEFAULT_ORDER,
    DEFAULT_STRENGTH,
    ORG,
    ORG_ORGANIZATION,
    is_a,
    nodes_of,
    routine_graph,
    social_graph,
    social_nodes,
    tie_weight,
)

_ORG_MEMBER_OF = URIRef(ORG + "memberOf")
_ORG_HEAD_OF = URIRef(ORG + "headOf")
_ORG_HAS_MEMBER = URIRef(ORG + "hasMember")
_CLINICAL, _MANAGERIAL = RX.clinicalRole, RX.managerialRole
_THOMPSON = {1: "pooled", 2: "sequential", 3: "reciprocal"}
_HOME_RELATIONS = (RX.ownedBy, _ORG_MEMBER_OF, _ORG_HEAD_OF, _ORG_HAS_MEMBER, RX.performs)


def _label(G, node) -> str:
    return G.nodes[node].get("label", str(node))


def _order_key(G, node):
    return (_label(G, node).casefold(), str(node))


# ------------------------------------------------------------------ brokerage


@dataclass(frozen=True)
class Broker:
    """One actor's or organisation's position among the others.

    ``constraint`` and ``effective_size`` are Burt's (None for an isolated
    node); ``betweenness`` is normalised to [0, 1] (the share of shortest paths
    between other pairs that pass through the node), exact or estimated as
    said by :class:`Brokerage`.
    """

    node: object
    label: str
    kind: object
    level: int
    degree: int
    constraint: float | None
    effective_size: float | None
    betweenness: float


@dataclass(frozen=True)
class Brokerage:
    """Brokerage measures for every actor and organisation, highest betweenness first.

    ``exact`` says whether betweenness is exact. When sampled, ``k`` source
    nodes were drawn with ``seed``; ``error_bound`` is a Hoeffding bound that
    holds for each node with 95 % probability, and ``estimated_error`` the
    split-half estimate of the mean absolute error (see :func:`brokerage`).
    """

    brokers: tuple
    exact: bool
    k: int | None = None
    seed: int | None = None
    error_bound: float = 0.0
    estimated_error: float = 0.0
    by_node: Mapping = field(default_factory=dict, repr=False, compare=False)


def burt_measures(S: nx.Graph, *, weight: str | None = "weight") -> tuple[dict, dict]:
    """Burt's constraint and effective size of every node of an undirected graph, as networkx defines them.

    The same formulas as :func:`networkx.constraint` and
    :func:`networkx.effective_size`, on sparse matrices: networkx's own SciPy
    path builds a dense n x n array (51 GB at 83k nodes), its per-node path
    took minutes at 100k. With ``p`` the proportional tie strengths and ``m``
    the strengths relative to each node's strongest tie::

        constraint(i) = sum over j in N(i) of (p_ij + sum_q p_iq p_qj)^2
        effective_size(i) = sum over j in N(i) of (1 - sum_q p_iq m_jq)

    Isolated nodes get NaN, as in networkx.

    Examples
    --------
    >>> G = nx.star_graph(3)
    >>> c, e = burt_measures(G)
    >>> round(c[0], 4) == round(nx.constraint(G)[0], 4), e[0]
    (True, 3.0)
    """
    import numpy as np
    from scipy import sparse

    nodes = list(S)
    if not nodes:
        return {}, {}
    A = nx.to_scipy_sparse_array(S, nodelist=nodes, weight=weight, format="csr", dtype=float)
    A.setdiag(0)
    A.eliminate_zeros()
    total = np.asarray(A.sum(axis=1)).ravel()
    strongest = A.max(axis=1).toarray().ravel()
    with np.errstate(divide="ignore"):
        P = sparse.diags_array(np.where(total > 0, 1 / total, 0.0)) @ A
        M = sparse.diags_array(np.where(strongest > 0, 1 / strongest, 0.0)) @ A
    pattern = (A != 0).astype(float)
    direct_and_indirect = P + (P @ P).multiply(pattern)
    constraint = np.asarray(direct_and_indirect.multiply(direct_and_indirect).sum(axis=1)).ravel()
    degree = np.asarray(pattern.sum(axis=1)).ravel()
    redundancy = np.asarray((P @ M.T).multiply(pattern).sum(axis=1)).ravel()
    isolated = degree == 0
    constraint[isolated] = np.nan
    effective = np.where(isolated, np.nan, degree - redundancy)
    return dict(zip(nodes, constraint.tolist())), dict(zip(nodes, effective.tolist()))


#: Work budget of the automatic sample size: sources x (nodes + ties) visited, ~2 s of networkx here.
AUTO_BUDGET = 600_000


def auto_k(n: int, m: int) -> int:
    """Sources to sample for betweenness on a graph of ``n`` nodes and ``m`` ties when ``k`` is not given.

    Each source costs one breadth-first search, O(n + m) in pure Python, so
    ``k`` is what fits :data:`AUTO_BUDGET`, between 8 and 200.

    Examples
    --------
    >>> auto_k(8_000, 16_000), auto_k(80_000, 160_000), auto_k(1_000, 2_000)
    (25, 8, 200)
    """
    return max(8, min(200, AUTO_BUDGET // max(1, n + m)))


def _betweenness(S: nx.Graph, *, exact_below: int, k: int | None, seed: int):
    """Exact betweenness, or a sampled one with its error; see :func:`brokerage`."""
    n = S.number_of_nodes()
    if k is None:
        k = auto_k(n, S.number_of_edges())
    if n <= exact_below or k >= n:
        return nx.betweenness_centrality(S, normalized=True), True, None, 0.0, 0.0
    # Two independent half samples: their mean is the estimate (k sources in all), and half
    # their difference has the same expected absolute value as the estimate's own error.
    rng = random.Random(seed)
    k1 = k // 2
    first = nx.betweenness_centrality(S, k=k1, normalized=True, seed=rng.randrange(2**32))
    second = nx.betweenness_centrality(S, k=k - k1, normalized=True, seed=rng.randrange(2**32))
    estimate = {v: (k1 * first[v] + (k - k1) * second[v]) / k for v in first}
    # Var(first - second) = s2 (1/k1 + 1/k2) and Var(estimate) = s2 / k, so the estimate's
    # error is |first - second| * sqrt(k1 k2) / k in expectation (1/2 for equal halves).
    estimated_error = sum(abs(first[v] - second[v]) for v in first) / n * math.sqrt(k1 * (k - k1)) / k
    bound = math.sqrt(math.log(2 / 0.05) / (2 * k)) * n / (n - 1)
    return estimate, False, k, bound, estimated_error


def brokerage(
    G, *, exact_below: int = 1000, k: int | None = None, seed: int = 0, nodes: Iterable | None = None
) -> Brokerage:
    """Burt's constraint and effective size, and betweenness, of each actor and organisation.

    Measured on :func:`~explorer.analysis.graph.social_graph` (actors, units,
    organisations and external bodies with the ties among them, weighted by
    strength for Burt's measures). Low constraint and a large effective size
    mark a broker across structural holes (Burt 1992); betweenness counts the
    shortest paths (by number of ties) that run through a node.

    Betweenness is exact (Brandes' algorithm) when the social graph has at most
    ``exact_below`` nodes; above, it is estimated from ``k`` source nodes drawn
    with ``seed`` (Brandes & Pich 2007). The estimate is unbiased; each node's
    estimate is a mean of ``k`` per-source values in [0, 1], so by Hoeffding's
    inequality it is within ``sqrt(ln(40) / 2k)`` of the exact value with 95 %
    probability (0.096 for k = 200): a loose bound, as real errors are far
    smaller for all but the top brokers. Without ``k``, :func:`auto_k` picks
    what fits about two seconds (k = 25 at 10k nodes, 8 at 100k): the
    result's ``estimated_error`` says what that cost in accuracy. The sources are drawn as two
    independent halves, and half the difference between the halves' estimates
    is reported as ``estimated_error`` (it estimates the mean absolute error).
    ``tests/benchmarks/bench_analysis.py`` measures both against the exact
    figures on a 2k-node map.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A map graph.
    exact_below : int
        Largest social graph for which betweenness is computed exactly.
    k : int, optional
        Sources to sample for a bigger graph (cost grows linearly with ``k``; default :func:`auto_k`).
    seed : int
        Seeds the sampling.
    nodes : iterable, optional
        The nodes to measure among (default: every actor and organisation).

    Returns
    -------
    Brokerage

    Examples
    --------
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:a> a rx:Person ; rx:influences <urn:x:b> . <urn:x:b> a rx:Person ; rx:influences <urn:x:c> .
    ... <urn:x:c> a rx:Person .''')
    >>> top = brokerage(G).brokers[0]
    >>> top.label, top.betweenness, top.effective_size
    ('b', 1.0, 2.0)
    """
    members = sorted(nodes if nodes is not None else social_nodes(G), key=str)
    S = social_graph(G, nodes=members)
    if S.number_of_nodes() == 0:
        return Brokerage(brokers=(), exact=True)
    constraint, effective = burt_measures(S, weight="weight")
    between, exact, used_k, bound, estimated = _betweenness(S, exact_below=exact_below, k=k, seed=seed)
    brokers = []
    for node in S:
        data = S.nodes[node]
        c, e = constraint.get(node), effective.get(node)
        brokers.append(
            Broker(
                node=node,
                label=data.get("label", str(node)),
                kind=data.get("kind"),
                level=data.get("level", 2),
                degree=S.degree(node),
                constraint=None if c is None or math.isnan(c) else float(c),
                effective_size=None if e is None or math.isnan(e) else float(e),
                betweenness=float(between.get(node, 0.0)),
            )
        )
    brokers.sort(
        key=lambda b: (
            -b.betweenness,
            b.constraint if b.constraint is not None else 2.0,
            b.label.casefold(),
            str(b.node),
        )
    )
    return Brokerage(
        brokers=tuple(brokers),
        exact=exact,
        k=used_k,
        seed=None if exact else seed,
        error_bound=bound,
        estimated_error=estimated,
        by_node={b.node: b for b in brokers},
    )


# ---------------------------------------------------- single points of failure


@dataclass(frozen=True)
class CutPoint:
    """A routine whose loss splits its part of the interdependency network.

    ``parts`` are the sizes (in routines) of the pieces left, largest first;
    ``cut_off`` lists routines outside the largest piece (up to the limit
    asked for), ``cut_off_size`` counts them all.
    """

    node: object
    label: str
    parts: tuple
    cut_off: tuple
    cut_off_size: int


@dataclass(frozen=True)
class Bridge:
    """An interdependency whose loss splits the routines in two; ``cut_off`` is the smaller side."""

    ends: tuple
    ties: tuple
    cut_off: tuple
    cut_off_size: int


@dataclass(frozen=True)
class FailurePoints:
    """Articulation points and bridges of the routine graph, most routines cut off first."""

    articulation_points: tuple
    bridges: tuple


def _block_cut_tree(R: nx.Graph, component: set):
    """The block-cut tree of one connected component, rooted, with the routines each subtree holds.

    Returns ``(children, own, order)``: tree nodes are ``("b", i)`` for
    biconnected blocks and ``("c", v)`` for cut vertices; ``own`` are the
    routines a tree node holds by itself (a block holds its members that are
    not cut vertices; a cut vertex holds itself); ``order`` lists tree nodes
    parents first. Cut-off sets come from subtree sizes in one pass, rather
    than re-searching the graph once per cut vertex.
    """
    sub = R.subgraph(component)
    cuts = set(nx.articulation_points(sub))
    blocks = list(nx.biconnected_components(sub))
    adjacency: dict = {}
    own: dict = {}
    for i, block in enumerate(blocks):
        own[("b", i)] = [v for v in block if v not in cuts]
        for v in block & cuts:
            adjacency.setdefault(("b", i), []).append(("c", v))
            adjacency.setdefault(("c", v), []).append(("b", i))
    for v in cuts:
        own[("c", v)] = [v]
    root = ("c", min(cuts, key=str)) if cuts else ("b", 0)
    children: dict = {root: []}
    order, stack, seen = [], [root], {root}
    while stack:
        node = stack.pop()
        order.append(node)
        for other in adjacency.get(node, ()):
            if other not in seen:
                seen.add(other)
                children[node].append(other)
                children[other] = []
                stack.append(other)
    return children, own, order, cuts, blocks


def _members(children, own, start, limit: int) -> list:
    found, stack = [], [start]
    while stack and len(found) < limit:
        node = stack.pop()
        found.extend(own[node])
        stack.extend(children[node])
    return found


def single_points_of_failure(G, *, list_limit: int = 50) -> FailurePoints:
    """Routines and interdependencies whose loss cuts other routines off from the rest.

    Measured on :func:`~explorer.analysis.graph.routine_graph` (undirected):
    an articulation point is a routine whose removal disconnects its component
    (networkx ``articulation_points``), a bridge an interdependency whose
    removal does (networkx ``bridges``). What each cuts off is read from the
    block-cut tree, so the whole map costs one pass whatever the number of cut points.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A map graph.
    list_limit : int
        At most this many cut-off routines are listed per point (all are counted).

    Returns
    -------
    FailurePoints

    Examples
    --------
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:a> a rx:Routine . <urn:x:b> a rx:Routine . <urn:x:c> a rx:Routine .
    ... <urn:x:a> rx:interdependentWith <urn:x:b> . <urn:x:b> rx:interdependentWith <urn:x:c> .''')
    >>> found = single_points_of_failure(G)
    >>> p = found.articulation_points[0]
    >>> p.label, p.parts, [G.nodes[n]["label"] for n in p.cut_off]
    ('b', (1, 1), ['c'])
    >>> sorted(b.cut_off_size for b in found.bridges)
    [1, 1]
    """
    R = routine_graph(G)
    points, bridges = [], []
    for component in nx.connected_components(R):
        if len(component) < 2:
            continue
        children, own, order, cuts, blocks = _block_cut_tree(R, component)
        size = {}
        for node in reversed(order):
            size[node] = len(own[node]) + sum(size[c] for c in children[node])
        total = len(component)

        def piece_members(node, piece, limit):
            if piece is not None:
                return _members(children, own, piece, limit)  # noqa: B023 - called within this iteration
            # The side above the cut vertex: everything outside its subtree.
            below = set(_members(children, own, node, total))  # noqa: B023 - called within this iteration
            return [n for n in component if n not in below]  # noqa: B023 - called within this iteration

        for v in cuts:
            node = ("c", v)
            pieces = [(size[c], c) for c in children[node]]
            above = total - size[node]
            if above:
                pieces.append((above, None))
            biggest = max(p[0] for p in pieces)
            tied = [p for p in pieces if p[0] == biggest]
            if len(tied) > 1:
                # Equal largest pieces: the one holding the first routine by label stays, the others are cut off.
                keep = min(tied, key=lambda p: min(_order_key(G, n) for n in piece_members(node, p[1], total)))
            else:
                keep = tied[0]
            pieces.remove(keep)
            pieces.sort(key=lambda p: -p[0])
            pieces.insert(0, keep)
            cut_off = []
            for _, piece in pieces[1:]:
                cut_off.extend(piece_members(node, piece, list_limit if piece is not None else total))
            cut_off = sorted(cut_off, key=lambda n: _order_key(G, n))[:list_limit]
            points.append(
                CutPoint(
                    node=v,
                    label=_label(G, v),
                    parts=tuple(p[0] for p in pieces),
                    cut_off=tuple(cut_off),
                    cut_off_size=sum(p[0] for p in pieces[1:]),
                )
            )
        for i, block in enumerate(blocks):
            if len(block) != 2:
                continue
            u, v = sorted(block, key=lambda n: _order_key(G, n))
            if R.number_of_edges(u, v) != 1:
                continue
            node = ("b", i)
            if node == order[0]:
                # A component of two routines and one tie: either side is cut off; name the second.
                side, other, members = 1, 1, [v]
            else:
                # The side away from the root: the block's member that is not its parent, with its subtree.
                side = size[node]
                other = total - side
                members = _members(children, own, node, total)
                if side > other:
                    inside = set(members)
                    members = [n for n in component if n not in inside]
            members = sorted(members, key=lambda n: _order_key(G, n))
            bridges.append(
                Bridge(
                    ends=(u, v),
                    ties=R.edges[u, v]["ties"],
                    cut_off=tuple(members[:list_limit]),
                    cut_off_size=min(side, other),
                )
            )
    points.sort(key=lambda p: (-p.cut_off_size, p.label.casefold(), str(p.node)))
    bridges.sort(key=lambda b: (-b.cut_off_size, _label(G, b.ends[0]).casefold(), str(b.ends[0]), str(b.ends[1])))
    return FailurePoints(articulation_points=tuple(points), bridges=tuple(bridges))


# ------------------------------------------------------------ unit coupling


@dataclass(frozen=True)
class UnitCoupling:
    """How tightly two units are coupled through routines.

    ``shared_routines`` are owned or performed in both; ``crossing`` are the
    interdependencies between a routine of one and a routine of the other,
    counted by Thompson type in ``by_type`` (pooled, sequential, reciprocal,
    unspecified). ``score`` is defined in :func:`unit_coupling`.
    """

    units: tuple
    labels: tuple
    shared_routines: tuple
    crossing: tuple
    by_type: Mapping
    score: float


def _units(G) -> list:
    return [n for n in nodes_of(G, ORG_ORGANIZATION) if not is_a(G, n, RX.ExternalBody)]


def _edges_by_relation(G, relations) -> dict:
    """``{relation: [(u, v, key, data), ...]}`` for the given relations, in one pass.

    Reads the adjacency directly: a networkx edge view with data costs about
    2 s per million edges in generator overhead, and comparing rdflib terms
    with ``==`` goes through Python; a dict lookup by hash does not.
    """
    found = {relation: [] for relation in relations}
    for u, neighbours in G._adj.items():
        for v, keyed in neighbours.items():
            for key, data in keyed.items():
                bucket = found.get(data.get("relation"))
                if bucket is not None:
                    bucket.append((u, v, key, data))
    return found


def _unit_homes(G, units: set, edges: dict | None = None):
    """For each routine: the units that own it, and the units whose members perform it."""
    if edges is None:
        edges = _edges_by_relation(G, _HOME_RELATIONS)
    owners: dict = {}
    performed_in: dict = {}
    member_of: dict = {}
    for u, v, _, _ in edges[RX.ownedBy]:
        if v in units:
            owners.setdefault(u, set()).add(v)
    for relation in (_ORG_MEMBER_OF, _ORG_HEAD_OF):
        for u, v, _, _ in edges[relation]:
            if v in units:
                member_of.setdefault(u, set()).add(v)
    for u, v, _, _ in edges[_ORG_HAS_MEMBER]:
        if u in units:
            member_of.setdefault(v, set()).add(u)
    for u, v, _, _ in edges[RX.performs]:
        if u in member_of:
            performed_in.setdefault(v, set()).update(member_of[u])
    return owners, performed_in


def unit_coupling(
    G,
    *,
    shared_weight: float = 3.0,
    default_strength: float = DEFAULT_STRENGTH,
    default_order: int = DEFAULT_ORDER,
    units: Iterable | None = None,
    top: int | None = None,
) -> tuple:
    """Coupling between each pair of units through shared routines and crossing interdependencies.

    A routine's **units** are those that own it (``rx:ownedBy``) and those
    whose members (``org:memberOf``, ``org:headOf``) perform it; two units
    **share** a routine when both are among its units. A routine's **home** is
    its owners, or the units performing it when nobody owns it; an
    interdependency **crosses** from unit a to unit b when its routines have
    homes a and b (a != b).

    The **coupling score** of a pair is::

        score = shared_weight * shared + sum over crossing ties of strength * order

    where ``order`` is the Thompson type's rank (pooled 1, sequential 2,
    reciprocal 3; Thompson 1967: coordination cost rises in that order),
    ``strength`` the tie's strength in [0, 1] (``default_strength`` when absent)
    and ``shared_weight`` (3) counts a routine enacted by both units like a
    reciprocal interdependency of full strength, since two units carrying one
    routine must adjust to each other continuously. These weights are
    assumptions: the ranking matters more than the figure.

    Every pair is scored; the full records (which routines, which ties) are
    built only for the ``top`` pairs, since a big map couples hundreds of
    thousands of pairs (824k on a generated 100k-node map, where building them
    all took 24 s).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A map graph.
    shared_weight, default_strength, default_order
        The score's parameters (above).
    units : iterable, optional
        The units to compare (default: every organisation that is not an external body).
    top : int, optional
        Keep only the ``top`` highest-scoring pairs (default: all).

    Returns
    -------
    tuple of UnitCoupling
        Pairs with any coupling, highest score first.

    Examples
    --------
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... @prefix org: <http://www.w3.org/ns/org#> .
    ... <urn:x:icu> a rx:Unit . <urn:x:ward> a rx:Unit .
    ... <urn:x:handover> a rx:Routine ; rx:ownedBy <urn:x:icu> .
    ... <urn:x:nurse> a rx:Person ; org:memberOf <urn:x:ward> ; rx:performs <urn:x:handover> .''')
    >>> [(c.labels, len(c.shared_routines), c.score) for c in unit_coupling(G)]
    [(('icu', 'ward'), 1, 3.0)]
    """
    unit_set = set(units) if units is not None else set(_units(G))
    edges = _edges_by_relation(G, (*_HOME_RELATIONS, RX.Interdependency))
    owners, performed_in = _unit_homes(G, unit_set, edges)
    # Units are compared by their IRI text once, so a pair has one key whichever way it is met.
    text = {u: str(u) for u in unit_set}

    def key_of(a, b):
        return (a, b) if text[a] <= text[b] else (b, a)

    shared_by_routine = []
    for routine in nodes_of(G, RX.Routine):
        where = owners.get(routine, set()) | performed_in.get(routine, set())
        if len(where) > 1:
            shared_by_routine.append((routine, sorted(where, key=text.__getitem__)))
    crossing_ties = []
    for u, v, key, data in edges[RX.Interdependency]:
        home_u = owners.get(u) or performed_in.get(u) or ()
        home_v = owners.get(v) or performed_in.get(v) or ()
        if home_u and home_v:
            weight = tie_weight(data, default_strength=default_strength, default_order=default_order)
            kind = _THOMPSON.get(data.get("interdependenceType_order"), "unspecified")
            crossing_ties.append((key, home_u, home_v, weight, kind))

    scores: dict = {}
    for _, where in shared_by_routine:
        for i, a in enumerate(where):
            for b in where[i + 1 :]:
                scores[(a, b)] = scores.get((a, b), 0.0) + shared_weight
    for _key, home_u, home_v, weight, _kind in crossing_ties:
        for a in home_u:
            for b in home_v:
                if a != b:
                    pair = key_of(a, b)
                    scores[pair] = scores.get(pair, 0.0) + weight
    chosen = (
        set(scores)
        if top is None
        else set(heapq.nlargest(top, scores, key=lambda p: (scores[p], text[p[0]], text[p[1]])))
    )

    entries = {pair: {"shared": [], "crossing": [], "types": {}} for pair in chosen}
    for routine, where in shared_by_routine:
        for i, a in enumerate(where):
            for b in where[i + 1 :]:
                entry = entries.get((a, b))
                if entry is not None:
                    entry["shared"].append(routine)
    for key, home_u, home_v, _weight, kind in crossing_ties:
        for a in home_u:
            for b in home_v:
                entry = entries.get(key_of(a, b)) if a != b else None
                if entry is not None:
                    entry["crossing"].append(key)
                    entry["types"][kind] = entry["types"].get(kind, 0) + 1
    result = []
    for (a, b), entry in entries.items():
        a, b = sorted((a, b), key=lambda n: _order_key(G, n))
        by_type = {name: entry["types"].get(name, 0) for name in ("pooled", "sequential", "reciprocal", "unspecified")}
        result.append(
            UnitCoupling(
                units=(a, b),
                labels=(_label(G, a), _label(G, b)),
                shared_routines=tuple(sorted(entry["shared"], key=lambda n: _order_key(G, n))),
                crossing=tuple(sorted(entry["crossing"], key=str)),
                by_type=by_type,
                score=round(scores[key_of(a, b)], 12),
            )
        )
    result.sort(key=lambda c: (-c.score, c.labels[0].casefold(), c.labels[1].casefold(), str(c.units)))
    return tuple(result[:top] if top is not None else result)


# --------------------------------------------------------- cross-level paths


@dataclass(frozen=True)
class CrossLevelPath:
    """How a macro-level ``source`` reaches ``target``: the nodes on the way and each step's relation.

    ``steps[i]`` is ``(relation, forward)`` for the step from ``path[i]`` to
    ``path[i + 1]``: ``forward`` is False when the tie was drawn the other way
    (a routine ``governedBy`` a norm is read norm -> routine).
    """

    source: object
    target: object
    path: tuple
    steps: tuple
    hops: int


@dataclass(frozen=True)
class CrossLevel:
    """Cross-level paths, shortest first; ``reach`` counts the targets each source is nearest to."""

    paths: tuple
    reach: Mapping
    unreached: int


_MACRO_KINDS = (RX.ExternalForce, RX.ExternalBody, RX.Norm)


def cross_level_paths(
    G, *, sources: Iterable | None = None, targets: Iterable | None = None, max_hops: int = 4
) -> CrossLevel:
    """How macro-level forces, bodies and norms reach routines and micro-level actors.

    Sources default to macro-level (level 3) external forces, external bodies
    and norms; targets to every routine (routines are enacted at the micro
    level, whatever level the map gives their ostensive pattern) and every
    micro-level actor or performance. Ties are followed in either direction
    (a force bears on a norm, a routine is governed by it, a person performs
    the routine) but not through source records, which are evidence rather
    than channels. Each target gets its shortest path, of at most
    ``max_hops`` ties, from the nearest source: one multi-source search
    (networkx ``multi_source_dijkstra`` with unit weights) for the whole map.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A map graph.
    sources, targets : iterable, optional
        Override the defaults above.
    max_hops : int
        Longest path considered.

    Returns
    -------
    CrossLevel

    Examples
    --------
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:force> a rx:ExternalForce ; rx:bearsOn <urn:x:norm> .
    ... <urn:x:norm> a rx:Norm . <urn:x:line> a rx:Routine ; rx:governedBy <urn:x:norm> .
    ... <urn:x:nurse> a rx:Person ; rx:performs <urn:x:line> .''')
    >>> [[G.nodes[n]["label"] for n in p.path] for p in cross_level_paths(G).paths]
    [['force', 'norm', 'line'], ['force', 'norm', 'line', 'nurse']]
    """
    if sources is None:
        sources = [n for n, level in G.nodes(data="level") if level == 3 and any(is_a(G, n, k) for k in _MACRO_KINDS)]
    sources = sorted(set(sources), key=str)
    if targets is None:
        micro = [
            n
            for n, level in G.nodes(data="level")
            if level == 1 and (is_a(G, n, RX.Actor) or is_a(G, n, RX.Performance))
        ]
        targets = set(nodes_of(G, RX.Routine)) | set(micro)
    targets = set(targets) - set(sources)
    evidence = set(nodes_of(G, RX.SourceRecord))
    if not sources or not targets:
        return CrossLevel(paths=(), reach={}, unreached=len(targets))
    # Nodes in sorted order so ties between equally short paths break the same way every run.
    U = nx.Graph()
    U.add_nodes_from(sorted((n for n in G if n not in evidence), key=str))
    U.add_edges_from((u, v) for u, v in G.edges() if u != v and u not in evidence and v not in evidence)
    _, paths = nx.multi_source_dijkstra(U, sources, cutoff=max_hops, weight=lambda u, v, d: 1)
    found, reach = [], dict.fromkeys(sources, 0)
    for target in targets:
        path = paths.get(target)
        if path is None:
            continue
        steps = []
        for a, b in itertools.pairwise(path):
            forward = G.get_edge_data(a, b)
            if forward:
                steps.append((min((d["relation"] for d in forward.values()), key=str), True))
            else:
                steps.append((min((d["relation"] for d in G.get_edge_data(b, a).values()), key=str), False))
        reach[path[0]] += 1
        found.append(
            CrossLevelPath(source=path[0], target=target, path=tuple(path), steps=tuple(steps), hops=len(path) - 1)
        )
    found.sort(key=lambda p: (p.hops, _order_key(G, p.source), _order_key(G, p.target)))
    return CrossLevel(paths=tuple(found), reach=reach, unreached=len(targets) - len(found))


# ------------------------------------------------------------------ clusters


@dataclass(frozen=True)
class Spanner:
    """A node with ties into other clusters than its own.

    ``reaches`` are the indices of the other clusters it touches;
    ``participation`` is Guimerà & Amaral's participation coefficient,
    1 - sum over clusters of (ties into the cluster / degree)^2: 0 when all ties
    stay home, towards 1 when they spread evenly over many clusters.
    """

    node: object
    label: str
    kind: object
    level: int
    cluster: int
    reaches: tuple
    participation: float


@dataclass(frozen=True)
class Clusters:
    """Communities of the map (largest first) and the boundary spanners that link them."""

    communities: tuple
    membership: Mapping
    spanners: tuple
    method: str
    modularity: float
    seed: int


def _leiden(size: int, weights: dict, *, seed: int, resolution: float) -> tuple[list, float]:
    """Leiden communities (modularity objective) by igraph over nodes ``0..size-1``, and their modularity.

    igraph's RNG is global; a seeded generator is installed for the call and
    the default restored after, so results repeat and other users are not disturbed.
    """
    import igraph

    graph = igraph.Graph(n=size, edges=list(weights), edge_attrs={"weight": list(weights.values())})
    igraph.set_random_number_generator(random.Random(seed))
    try:
        found = graph.community_leiden(
            objective_function="modularity", weights="weight", resolution=resolution, n_iterations=2
        )
    finally:
        igraph.set_random_number_generator(random)
    groups: dict = {}
    for node, community in enumerate(found.membership):
        groups.setdefault(community, []).append(node)
    modularity = graph.modularity(found.membership, weights="weight", resolution=resolution) if weights else 0.0
    return list(groups.values()), modularity


def clusters(G, *, seed: int = 0, method: str = "auto", resolution: float = 1.0, louvain_below: int = 3000) -> Clusters:
    """Communities of the map and the nodes that link them.

    The map is read as an undirected graph (each pair weighted by the number
    of ties between them; source records left out). Communities maximise
    modularity: by networkx's Louvain (``louvain_communities``) up to
    ``louvain_below`` nodes, and above that by igraph's Leiden (Traag et al.
    2019), a compiled refinement of Louvain that guarantees connected
    communities. networkx's Louvain took 9 s at 10k nodes and 869 s at 100k
    here, and its fast label propagation 77-138 s at 100k with a lower
    modularity (0.25 against Leiden's 0.34 in 2.5 s). Both are seeded.
    A boundary spanner is a node with ties into a community other than its
    own, ranked by the number of communities it reaches and its
    participation coefficient.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A map graph.
    seed : int
        Seeds the community detection.
    method : {"auto", "louvain", "leiden"}
        The algorithm ("auto": by size, as above).
    resolution : float
        The modularity resolution (higher: smaller communities).

    Returns
    -------
    Clusters

    Examples
    --------
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... <urn:x:a1> a rx:Person ; rx:influences <urn:x:a2>, <urn:x:a3> .
    ... <urn:x:a2> a rx:Person ; rx:influences <urn:x:a3> .
    ... <urn:x:a3> a rx:Person ; rx:influences <urn:x:b1> .
    ... <urn:x:b1> a rx:Person ; rx:influences <urn:x:b2>, <urn:x:b3> .
    ... <urn:x:b2> a rx:Person ; rx:influences <urn:x:b3> .
    ... <urn:x:b3> a rx:Person .''')
    >>> found = clusters(G, seed=1)
    >>> len(found.communities), sorted(s.label for s in found.spanners)
    (2, ['a3', 'b1'])
    >>> clusters(G, seed=1, method="leiden").communities == found.communities
    True
    """
    if method not in ("auto", "louvain", "leiden"):
        raise ValueError(f"method must be 'auto', 'louvain' or 'leiden', not {method!r}")
    evidence = set(nodes_of(G, RX.SourceRecord))
    nodes = sorted((n for n in G if n not in evidence), key=str)
    order = {n: i for i, n in enumerate(nodes)}
    # Pairs of node indices (lower first) -> number of ties; integers keep rdflib's Python-level
    # term comparisons off this loop, which visits every tie of the map.
    weights: dict = {}
    for u, neighbours in G._adj.items():
        a = order.get(u)
        if a is None:
            continue
        for v, keyed in neighbours.items():
            b = order.get(v)
            if b is None or a == b:
                continue
            pair = (a, b) if a < b else (b, a)
            weights[pair] = weights.get(pair, 0) + len(keyed)
    if method == "auto":
        method = "louvain" if len(nodes) < louvain_below else "leiden"
    if method == "louvain":
        U = nx.Graph()
        U.add_nodes_from(range(len(nodes)))
        U.add_weighted_edges_from((a, b, float(w)) for (a, b), w in weights.items())
        found = nx.community.louvain_communities(U, weight="weight", resolution=resolution, seed=seed)
        modularity = nx.community.modularity(U, found, weight="weight", resolution=resolution) if weights else 0.0
    else:
        found, modularity = _leiden(len(nodes), weights, seed=seed, resolution=resolution)
    # Indices follow the IRIs' sort order, so the smallest index is the smallest IRI.
    found = sorted(found, key=lambda c: (-len(c), min(c)))
    communities = tuple(frozenset(nodes[i] for i in c) for c in found)
    home_of = [0] * len(nodes)
    for index, members in enumerate(found):
        for i in members:
            home_of[i] = index
    membership = {nodes[i]: home_of[i] for i in range(len(nodes))}
    into: list = [None] * len(nodes)
    for a, b in weights:
        ca, cb = home_of[a], home_of[b]
        counts = into[a]
        if counts is None:
            counts = into[a] = {}
        counts[cb] = counts.get(cb, 0) + 1
        counts = into[b]
        if counts is None:
            counts = into[b] = {}
        counts[ca] = counts.get(ca, 0) + 1
    spanners = []
    for i, counts in enumerate(into):
        if counts is None or (len(counts) < 2 and home_of[i] in counts):
            continue
        home = home_of[i]
        reaches = tuple(sorted(c for c in counts if c != home))
        degree = sum(counts.values())
        node = nodes[i]
        data = G.nodes[node]
        spanners.append(
            Spanner(
                node=node,
                label=data.get("label", str(node)),
                kind=data.get("kind"),
                level=data.get("level", 2),
                cluster=home,
                reaches=reaches,
                participation=1.0 - sum((n / degree) ** 2 for n in counts.values()),
            )
        )
    spanners.sort(key=lambda s: (-len(s.reaches), -s.participation, s.label.casefold(), str(s.node)))
    return Clusters(
        communities=communities,
        membership=membership,
        spanners=tuple(spanners),
        method=method,
        modularity=modularity,
        seed=seed,
    )


# ------------------------------------------------------------- hybrid leaders


@dataclass(frozen=True)
class HybridLeader:
    """An actor bridging clinical and managerial roles, and where they sit.

    ``asserted``: typed ``rx:HybridLeader``; ``by_role_kinds``: holds both the
    clinical and the managerial role kind (the ontology's definition).
    ``units`` they belong to or head, ``routines`` they perform, ``reaches``
    the actors and organisations they are tied to.
    """

    node: object
    label: str
    kind: object
    level: int
    asserted: bool
    by_role_kinds: bool
    role_kinds: frozenset
    units: tuple
    routines: tuple
    reaches: int


def hybrid_leaders(G) -> tuple:
    """Actors typed ``rx:HybridLeader`` or holding both clinical and managerial role kinds.

    Hybrid leaders, bridging clinical and managerial roles, create the
    conditions in which staff feel confident to innovate (Greenhalgh &
    Papoutsi 2019; McGivern et al. 2015).

    Returns
    -------
    tuple of HybridLeader
        Ordered by label.

    Examples
    --------
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
    ... @prefix org: <http://www.w3.org/ns/org#> .
    ... <urn:x:cd> a rx:Person ; rx:roleKind rx:clinicalRole, rx:managerialRole ; org:memberOf <urn:x:icu> .
    ... <urn:x:icu> a rx:Unit .''')
    >>> [(h.label, h.asserted, h.by_role_kinds, [G.nodes[u]["label"] for u in h.units]) for h in hybrid_leaders(G)]
    [('cd', False, True, ['icu'])]
    """
    found = []
    organisations = set(nodes_of(G, ORG_ORGANIZATION))
    for node in nodes_of(G, RX.Actor):
        data = G.nodes[node]
        role_kinds = data.get("roleKind", frozenset())
        asserted = RX.HybridLeader in data.get("kinds", ())
        by_roles = _CLINICAL in role_kinds and _MANAGERIAL in role_kinds
        if not (asserted or by_roles):
            continue
        units, routines, reaches = set(), set(), set()
        for _, other, d in G.out_edges(node, data=True):
            relation = d.get("relation")
            if relation in (_ORG_MEMBER_OF, _ORG_HEAD_OF) and other in organisations:
                units.add(other)
            elif relation == RX.performs:
                routines.add(other)
        for other in nx.all_neighbors(G, node):
            if other != node and (other in organisations or is_a(G, other, RX.Actor)):
                reaches.add(other)
        found.append(
            HybridLeader(
                node=node,
                label=data.get("label", str(node)),
                kind=data.get("kind"),
                level=data.get("level", 1),
                asserted=asserted,
                by_role_kinds=by_roles,
                role_kinds=frozenset(role_kinds),
                units=tuple(sorted(units, key=lambda n: _order_key(G, n))),
                routines=tuple(sorted(routines, key=lambda n: _order_key(G, n))),
                reaches=len(reaches),
            )
        )
    found.sort(key=lambda h: (h.label.casefold(), str(h.node)))
    return tuple(found)


# ------------------------------------------------------------------- summary


@dataclass(frozen=True)
class InterdependenceSummary:
    """Every interdependency measure of one map."""

    brokerage: Brokerage
    failure_points: FailurePoints
    coupling: tuple
    cross_level: CrossLevel
    clusters: Clusters
    hybrid_leaders: tuple


def summary(
    G, *, seed: int = 0, k: int | None = None, exact_below: int = 1000, max_hops: int = 4, list_limit: int = 50
) -> InterdependenceSummary:
    """Run every interdependency measure on ``G`` with shared options.

    Examples
    --------
    >>> from explorer.analysis.graph import map_graph_from_text
    >>> G = map_graph_from_text("<urn:x:r> a <https://w3id.org/routine-explorer/ns#Routine> .")
    >>> s = summary(G)
    >>> s.failure_points.articulation_points, s.coupling, s.cross_level.unreached
    ((), (), 1)
    """
    return InterdependenceSummary(
        brokerage=brokerage(G, exact_below=exact_below, k=k, seed=seed),
        failure_points=single_points_of_failure(G, list_limit=list_limit),
        coupling=unit_coupling(G, top=list_limit),
        cross_level=cross_level_paths(G, max_hops=max_hops),
        clusters=clusters(G, seed=seed),
        hybrid_leaders=hybrid_leaders(G),
    )


__all__ = [
    "Bridge",
    "Broker",
    "Brokerage",
    "Clusters",
    "CrossLevel",
    "CrossLevelPath",
    "CutPoint",
    "FailurePoints",
    "HybridLeader",
    "InterdependenceSummary",
    "Spanner",
    "UnitCoupling",
    "auto_k",
    "brokerage",
    "burt_measures",
    "clusters",
    "cross_level_paths",
    "hybrid_leaders",
    "single_points_of_failure",
    "summary",
    "unit_coupling",
]
