"""Evaluate a compiled model for many runs at once: inputs and weights in, resistance of every point out.

One *run* is one reading of the map and the weights: the stated values for the
point estimate, or a seeded draw for the uncertainty runs
(:mod:`.uncertainty`). Everything is arrays with a runs axis:

1. routine impacts and transgression ``tau_r`` (:mod:`.routines`), stances
   after influence (:mod:`.stances`), norm strengths ``s_n`` (:mod:`.norms`);
2. each channel's value: its weights x ``decay**depth`` x its hold x its
   quantity (1, ``tau_r`` or ``s_n``);
3. each term's value: its weight x const x ``decay**depth`` x z;
4. per carrier and family: ``T_if`` (channels summed) and ``U_if`` (the terms
   that apply to the family summed); ``R_i = sum_f T_if * exp(U_if)``;
5. points: a carrier's ``R``; a collective whose exposed members are drawn:
   the headcount-weighted mean of their likelihoods ``1 - exp(-R)`` (the share
   of them likely to resist), as the score ``-log(1 - mean)``; a routine or
   norm: the same over those who carry it, of the likelihood its channels give
   them (a typical carrier in a neutral context when nobody is drawn);
6. the context figure: the expected number of people likely to resist,
   ``sum_i h_i (1 - exp(-R_i))`` over the exposed carriers (headcount h; external
   bodies are not people of the organisation), and the share it is of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from . import norms, routines, stances
from .builder import FAMILIES, Q_NORM, Q_ONE, Q_ROUTINE, Z_CENTERED, Z_ONE, Z_RAW, Z_STANCE

if TYPE_CHECKING:
    from .model import Model

_SLOTS = 3
#: Context's exponent is read within ±50: beyond, a likelihood is 0 or 1 to machine precision, and exp() would
#: overflow (thousands of concurrent initiatives).
EXPONENT_CAP = 50.0


def pack(model: Model) -> None:
    """Turn the model's channel, term and site lists into the arrays :func:`evaluate` uses."""
    from scipy import sparse  # here, not at start: scipy.sparse is a quarter of a second

    names = sorted(model.weights)
    model.weight_names = names
    index = {n: i for i, n in enumerate(names)}
    one = len(names)  # the extra row of ones
    a = model.arrays
    nc = len(model.carrier_nodes)
    channels, terms, gterms = model.channels, model.terms, model.global_terms
    n_routines = len(model.routines.routines)
    a["ch_carrier"] = np.array([c.carrier for c in channels], dtype=np.int64)
    a["ch_family"] = np.array([c.family for c in channels], dtype=np.int64)
    a["ch_depth"] = np.array([c.depth for c in channels], dtype=float)
    a["ch_hold"] = np.array([c.hold for c in channels], dtype=np.int64)
    a["ch_fixed"] = np.array([c.fixed for c in channels], dtype=float)
    slots = np.full((len(channels), _SLOTS), one, dtype=np.int64)
    for j, c in enumerate(channels):
        for k, name in enumerate(c.weights[:_SLOTS]):
            slots[j, k] = index[name]
    a["ch_slots"] = slots
    offset = {Q_ONE: 0, Q_ROUTINE: 1, Q_NORM: 1 + n_routines}
    a["ch_q"] = np.array([offset[c.qty[0]] + (c.qty[1] if c.qty[0] != Q_ONE else 0) for c in channels], dtype=np.int64)
    a["ch_site"] = np.array([c.site for c in channels], dtype=np.int64)
    for prefix, table in (("t", terms), ("g", gterms)):
        a[f"{prefix}_carrier"] = np.array(table.carrier, dtype=np.int64)
        a[f"{prefix}_mask"] = np.array(table.mask, dtype=np.int64)
        a[f"{prefix}_weight"] = np.array([index[w] for w in table.weight], dtype=np.int64)
        a[f"{prefix}_const"] = np.array(table.const, dtype=float)
        a[f"{prefix}_depth"] = np.array(table.depth, dtype=float)
        a[f"{prefix}_zkind"] = np.array(table.zkind, dtype=np.int64)
        a[f"{prefix}_zidx"] = np.array(table.zidx, dtype=np.int64)
        a[f"{prefix}_bits"] = ((a[f"{prefix}_mask"][:, None] >> np.arange(FAMILIES)[None, :]) & 1).astype(float)
    # Family incidence: which channels add to T_if, which local terms to U_if.
    a["T"] = [
        sparse.csr_matrix(
            (
                np.ones(int((a["ch_family"] == f).sum())),
                (a["ch_carrier"][a["ch_family"] == f], np.flatnonzero(a["ch_family"] == f)),
            ),
            shape=(nc, len(channels)),
        )
        for f in range(FAMILIES)
    ]
    a["U"] = []
    for f in range(FAMILIES):
        mine = (a["t_mask"] >> f) & 1 == 1
        a["U"].append(
            sparse.csr_matrix(
                (np.ones(int(mine.sum())), (a["t_carrier"][mine], np.flatnonzero(mine))), shape=(nc, len(terms))
            )
        )
    # Sites: the channels about a site add up per (site, carrier) pair; each pair then counts with its carrier's
    # headcount share among the site's carriers.
    headcount = model.headcount
    ns = len(model.sites)
    pair_of: dict = {}
    rows, cols = [], []
    for j, c in enumerate(channels):
        if c.site >= 0:
            pair = pair_of.setdefault((c.site, c.carrier), len(pair_of))
            rows.append(pair)
            cols.append(j)
    a["A"] = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(pair_of), len(channels)))
    pairs = sorted(pair_of, key=pair_of.get)
    totals = np.zeros(ns)
    for site, carrier in pairs:
        totals[site] += headcount[carrier]
    a["pair_site"] = np.array([site for site, _ in pairs], dtype=np.int64)
    a["pair_carrier"] = np.array([carrier for _, carrier in pairs], dtype=np.int64)
    count = np.bincount(a["pair_site"], minlength=ns) if pairs else np.zeros(ns)
    # Nobody counted (every carrier drawn with headcount 0): a plain mean over them.
    share = [headcount[carrier] / totals[site] if totals[site] > 0 else 1.0 / count[site] for site, carrier in pairs]
    a["B"] = sparse.csr_matrix((share, (a["pair_site"], np.arange(len(pairs)))), shape=(ns, len(pairs)))
    a["site_bare"] = np.array([count[s] == 0 for s in range(ns)], dtype=bool) if ns else np.zeros(0, dtype=bool)
    a["site_q"] = np.array(
        [offset[s.qty[0]] + (s.qty[1] if s.qty[0] != Q_ONE else 0) for s in model.sites], dtype=np.int64
    )
    a["site_slot"] = np.array([index[s.weight[0]] if s.weight else one for s in model.sites], dtype=np.int64)
    a["site_hold"] = np.array([s.hold for s in model.sites], dtype=float)


def pack_population(model: Model) -> None:
    """The arrays of the people the figure counts and the collectives their members represent."""
    from scipy import sparse  # here, not at start: scipy.sparse is a quarter of a second

    a = model.arrays
    headcount = model.headcount
    nc = len(model.carrier_nodes)
    rows, cols, vals = [], [], []
    for i, members in model.collective_members.items():
        # Weights over all the people it stands for: members the change does not reach add people, not likelihood.
        for m in members.rows:
            rows.append(i)
            cols.append(m)
            vals.append(headcount[m] / members.people if members.people > 0 else 1.0 / len(members.rows))
    a["C"] = sparse.csr_matrix((vals, (rows, cols)), shape=(nc, nc))
    a["represented"] = np.zeros(nc, dtype=bool)
    a["represented"][list(model.collective_members)] = True
    people = headcount * model.leaves
    a["people"] = people
    a["people_total"] = people.sum()


def base_transgression(model: Model) -> np.ndarray:
    """Each carrier's transgression (all families) at the map's values and the weights as given."""
    X = model.inputs.values[:, None]
    return evaluate(model, X, weights_matrix(model, [model.weights.values()]), population=False).T.sum(axis=0)[:, 0]


@dataclass
class Evaluation:
    """One evaluation (``runs`` columns): everything explanations and summaries read."""

    tau: np.ndarray
    norm_strength: np.ndarray
    attitude: np.ndarray
    channel: np.ndarray  # channels x runs
    term: np.ndarray  # local terms x runs
    global_term: np.ndarray  # global terms x runs
    T: np.ndarray  # families x carriers x runs
    U: np.ndarray  # families x carriers x runs
    R: np.ndarray  # carriers x runs (own)
    points: np.ndarray  # (carriers + sites) x runs: the point scores
    figure: np.ndarray  # runs: the expected number of people likely to resist
    pair_score: np.ndarray = None  # (site, carrier) pairs x runs: the resistance a site causes a carrier


def weights_matrix(model: Model, values: list[dict]) -> np.ndarray:
    """``(weights + 1) x runs``: each run's weight values, and a last row of ones."""
    names = model.weight_names
    out = np.ones((len(names) + 1, len(values)))
    for r, table in enumerate(values):
        out[:-1, r] = [table[n] for n in names]
    return out


def evaluate(model: Model, X: np.ndarray, Wv: np.ndarray, *, population: bool = True) -> Evaluation:  # noqa: N803 - matrix, as X
    """Evaluate ``model`` for inputs ``X`` (rows x runs) and weights ``Wv`` (:func:`weights_matrix`).

    ``population=False`` stops after each carrier's own resistance (the points and the figure need to know
    who is exposed, which is decided from that at the map's values).
    """
    a = model.arrays
    runs = X.shape[1]
    index = {n: i for i, n in enumerate(model.weight_names)}

    def weight_row(name: str) -> np.ndarray:
        return Wv[index[name]]

    decay = weight_row("levels.decay")
    attitude = stances.evaluate(
        model.stances, X, decay, weight_row("stance.susceptibility"), int(model.weights["stance.iterations"])
    )
    stance_rows = model.stances.row
    zeros = np.zeros(runs)

    def stance_of(node) -> np.ndarray:
        row = stance_rows.get(node)
        return zeros if row is None else attitude[row]

    impact = routines.evaluate(model.routines, X, weight_row, model.weights["propagation.min_impact"])
    emb = X[np.asarray(model.routines.embeddedness, dtype=np.int64)] if model.routines.routines else np.zeros((0, runs))
    tau = impact * emb
    strength = norms.evaluate(model.norms, X, weight_row, stance_of)
    quantities = np.vstack([np.ones((1, runs)), tau, strength])
    Xh = np.vstack([X, np.ones((1, runs))])  # noqa: N806 - X with a row of ones, as in the maths

    # Channels
    slots = a["ch_slots"]
    channel = Wv[slots[:, 0]] * Wv[slots[:, 1]] * Wv[slots[:, 2]]
    channel = channel * decay[None, :] ** a["ch_depth"][:, None]
    channel *= Xh[a["ch_hold"]] * a["ch_fixed"][:, None]
    channel *= quantities[a["ch_q"]]

    # Terms
    centered = model.inputs.centered(X) if len(X) else X
    Z = np.vstack([np.ones((1, runs)), centered, X, attitude])
    z_offsets = np.zeros(4, dtype=np.int64)
    z_offsets[[Z_ONE, Z_CENTERED, Z_RAW, Z_STANCE]] = [0, 1, 1 + len(X), 1 + 2 * len(X)]

    def term_values(prefix: str) -> np.ndarray:
        kinds, idx = a[f"{prefix}_zkind"], a[f"{prefix}_zidx"]
        rows = z_offsets[kinds] + np.where(kinds == Z_ONE, 0, idx)
        values = (
            Wv[a[f"{prefix}_weight"]] * a[f"{prefix}_const"][:, None] * decay[None, :] ** a[f"{prefix}_depth"][:, None]
        )
        return values * Z[rows] if len(rows) else values

    term = term_values("t")
    gterm = term_values("g")
    nc = len(model.carrier_nodes)
    T = np.stack([a["T"][f] @ channel for f in range(FAMILIES)]) if nc else np.zeros((FAMILIES, 0, runs))
    global_u = a["g_bits"].T @ gterm if len(gterm) else np.zeros((FAMILIES, runs))
    U = (
        np.stack([a["U"][f] @ term + global_u[f][None, :] for f in range(FAMILIES)])
        if nc
        else np.zeros((FAMILIES, 0, runs))
    )
    expU = np.exp(np.clip(U, -EXPONENT_CAP, EXPONENT_CAP))  # noqa: N806 - exp(U_if) of R_i = sum_f T_if exp(U_if)
    R = (T * expU).sum(axis=0)
    if not population:
        return Evaluation(tau, strength, attitude, channel, term, gterm, T, U, R, None, None, None)

    # Points: carriers (represented collectives by their members), then sites.
    # A collective, a routine or a norm takes the headcount-weighted mean likelihood of those it stands for
    # (the share of them likely to resist), and the score that reads as that likelihood.
    likelihood = -np.expm1(-R)
    carriers = R.copy()
    if a["represented"].any():
        carriers[a["represented"]] = _score_of(a["C"] @ likelihood)[a["represented"]]
    per_channel = channel * expU[a["ch_family"], a["ch_carrier"]] if len(channel) else channel
    pair_score = a["A"] @ per_channel if len(channel) else np.zeros((0, runs))
    sites = _score_of(a["B"] @ -np.expm1(-pair_score)) if len(model.sites) else np.zeros((0, runs))
    if a["site_bare"].any():
        bare = a["site_bare"]
        sites[bare] = Wv[a["site_slot"][bare]] * quantities[a["site_q"][bare]] * a["site_hold"][bare][:, None]
    points = np.vstack([carriers, sites])
    figure = a["people"] @ likelihood
    return Evaluation(tau, strength, attitude, channel, term, gterm, T, U, R, points, figure, pair_score)


def _score_of(likelihood: np.ndarray) -> np.ndarray:
    """The score whose likelihood is ``likelihood``: ``-log(1 - p)`` (a mean of near-certainties stays finite)."""
    return -np.log1p(-np.minimum(likelihood, 1.0 - 1e-15))


def base(model: Model) -> Evaluation:
    """The point estimate: the map's values (neutral where missing) and the weights as given."""
    X = model.inputs.values[:, None]
    return evaluate(model, X, weights_matrix(model, [model.weights.values()]))
