"""Uncertainty: seeded Monte Carlo over the weights and the map's inputs, read as intervals, ranks and words.

Each run draws

* every weight times a factor uniform in ``[1 - weight_spread, 1 + weight_spread]``
  (method settings kept; :func:`explorer.analysis.weights.perturbed`), and
* every input of the map: a stated value from a normal around it with standard
  deviation ``input_spread x (1 - confidence) x half its scale`` (clipped to the
  scale), a missing one uniformly over its whole scale
  (:meth:`~explorer.analysis.resistance.inputs.InputTable.sample`).

The map's structure (which ties exist, their types, pillars, modes) is taken as
drawn, as are the paths along which impacts travel and the influence network's
weights. From the runs, each point gets the central ``interval`` of its score
and likelihood, the same interval of its rank (each widened to include the
estimate), the share of runs in which it is in the top k (its *stability*),
and a *confidence*: one minus the relative width of its score interval (1 when
every run agrees). The context figure gets its interval. Fragile conclusions are named:
a leading point whose place in the top k holds in fewer than 80 % of the
runs, and two neighbours in the ranking whose order holds in fewer than 70 %.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..weights import perturbed
from .evaluate import evaluate, weights_matrix
from .model import Model

#: How many runs are evaluated at once (bounds memory: carriers x families x batch floats).
_CELLS_PER_BATCH = 4_000_000
TOP_SHARE_FRAGILE = 0.8
ORDER_SHARE_FRAGILE = 0.7


@dataclass
class Runs:
    """Scores of every point and the figure, per run."""

    scores: np.ndarray  # points x runs (float32)
    figure: np.ndarray  # runs
    interval: float


def run(model: Model, runs: int, *, seed: int, progress=None) -> Runs:
    """``runs`` seeded uncertainty runs of ``model`` (``progress(done, total)`` after each batch; it may raise to
    cancel)."""
    weights = model.weights
    X = model.inputs.sample(runs, seed, weights["uncertainty.input_spread"])
    tables = [perturbed(weights, seed=seed * 100_003 + r).values() for r in range(runs)]
    n_points = len(model.carrier_nodes) + len(model.sites)
    scores = np.zeros((n_points, runs), dtype=np.float32)
    figure = np.zeros(runs)
    width = max(1, len(model.carrier_nodes) * 5 + len(model.channels) + len(model.terms))
    batch = max(1, min(runs, _CELLS_PER_BATCH // width))
    for start in range(0, runs, batch):
        stop = min(runs, start + batch)
        ev = evaluate(model, X[:, start:stop], weights_matrix(model, tables[start:stop]))
        scores[:, start:stop] = ev.points
        figure[start:stop] = ev.figure
        if progress is not None:
            progress(stop, runs)
    return Runs(scores, figure, weights["uncertainty.interval"])


@dataclass
class Summary:
    """What the runs say about each point (rows as in ``Runs.scores``) and about the figure."""

    score_low: np.ndarray
    score_high: np.ndarray
    rank_low: np.ndarray
    rank_high: np.ndarray
    top_share: np.ndarray
    figure_low: float
    figure_high: float
    ranks: np.ndarray


def summarise(
    result: Runs,
    base_order: np.ndarray,
    top_k: int,
    base_scores: np.ndarray,
    base_figure: float,
    shown: int | None = None,
) -> Summary:
    """Intervals, rank ranges and top-k shares; ``base_order`` ranks the points at the stated values (ties).

    Ranks are among the first ``shown`` rows of ``base_order`` (the points listed; all when None): a row
    the result does not list (no transgression at the stated values, a person not named) never takes a
    listed point's place, and ranks after them all.

    Each interval is the central ``interval`` of the runs, widened where needed to include the estimate at
    the stated values (``base_scores``, its rank, ``base_figure``): a value stated at the end of its scale can
    only be read as less extreme by a run, so the runs alone may all fall on one side of it.
    """
    scores = result.scores
    n, runs = scores.shape
    shown = n if shown is None else shown
    lo_q, hi_q = (1 - result.interval) / 2, 1 - (1 - result.interval) / 2
    position = np.empty(n, dtype=np.int64)
    position[base_order] = np.arange(n)
    listed = base_order[:shown]
    ranks = np.full((n, runs), shown + 1, dtype=np.int32)
    for r in range(runs):
        # Higher score first; equal scores keep the order at the stated values.
        order = np.lexsort((position[listed], -scores[listed, r]))
        ranks[listed[order], r] = np.arange(1, shown + 1)
    top = (ranks <= top_k).mean(axis=1)
    base_rank = position + 1
    return Summary(
        np.minimum(np.quantile(scores, lo_q, axis=1), base_scores),
        np.maximum(np.quantile(scores, hi_q, axis=1), base_scores),
        np.minimum(np.floor(np.quantile(ranks, lo_q, axis=1)).astype(int), base_rank),
        np.maximum(np.ceil(np.quantile(ranks, hi_q, axis=1)).astype(int), base_rank),
        top,
        min(float(np.quantile(result.figure, lo_q)), base_figure),
        max(float(np.quantile(result.figure, hi_q)), base_figure),
        ranks,
    )


def confidence(low: float, high: float) -> float:
    """1 minus the relative width of a score's interval, ``(high - low) / (high + low)``: 1 when every run agrees,
    0 when the runs reach from no resistance to some. Read on the score, so it does not saturate where the
    likelihood does.

    Examples
    --------
    >>> confidence(1.0, 1.0), confidence(0.5, 1.5), confidence(0.0, 0.7)
    (1.0, 0.5, 0.0)
    """
    total = high + low
    return 1.0 - (high - low) / total if total > 0 else 0.0


def fragile(points: list, rows: list, summary: Summary, top_k: int) -> list[str]:
    """Sentences naming fragile conclusions about the leading points (their fields; ``rows`` their rows in the runs)."""
    found = []
    shown = min(top_k, len(points))
    for point, row in zip(points[:shown], rows[:shown]):
        share = summary.top_share[row]
        if share < TOP_SHARE_FRAGILE:
            found.append(
                f"“{point['label']}” is in the top {top_k} in only {share:.0%} of the runs "
                f"(rank {summary.rank_low[row]}–{summary.rank_high[row]}): treat its place as uncertain."
            )
    for (a, ra), (b, rb) in zip(list(zip(points, rows))[:shown], list(zip(points, rows))[1:shown]):
        above = float((summary.ranks[ra] < summary.ranks[rb]).mean())
        if above < ORDER_SHARE_FRAGILE:
            found.append(
                f"Whether “{a['label']}” meets more resistance than “{b['label']}” is uncertain: "
                f"it ranks above in {above:.0%} of the runs."
            )
    return found
