"""Benchmark the interdependency analysis on generated organisations.

Figures, each beside its baseline measured in the same run:

* **projection** (``map_graph``) at 10k and 100k nodes, against reading the
  same triples with ``Store.text_triples`` alone (the floor for any bulk read);
* **sampled betweenness** on a ~2k-node map against networkx's exact result:
  max and mean absolute error, the estimated error and Hoeffding bound the
  result reports, the rank agreement (Spearman) of the exact top 20, and
  both times; Burt's constraint and effective size (exact, sparse) against
  networkx's per-node functions;
* **each interdependency measure** at 10k and 100k nodes.

Usage::

    python tests/benchmarks/bench_analysis.py [--sizes 10000 100000] [--sample 2000] [--k 200]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("ROUTINE_EXPLORER_DATA_DIR", tempfile.mkdtemp(prefix="bench-analysis-"))

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

import networkx as nx  # noqa: E402
import synthetic  # noqa: E402
from scipy.stats import spearmanr  # noqa: E402

from explorer.analysis import interdependence as ia  # noqa: E402
from explorer.analysis.graph import map_graph, social_graph  # noqa: E402
from explorer.core.document import MapDocument  # noqa: E402
from explorer.core.schema import Schema  # noqa: E402


def _map_file(nodes: int, seed: int = 1) -> Path:
    DATA.mkdir(exist_ok=True)
    path = DATA / f"analysis-{nodes}-s{seed}.nt"
    if not path.exists():
        synthetic.write_nodes(path, nodes, seed)
    return path


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def _open(nodes: int):
    doc = MapDocument.open(_map_file(nodes), editing=False)
    return doc, Schema.from_store(doc.store)


def bench_projection(nodes: int):
    doc, schema = _open(nodes)
    _, floor = _timed(lambda: sum(1 for _ in doc.store.text_triples()))
    G, took = _timed(map_graph, doc.store, schema)
    print(
        f"projection {nodes:>7,} nodes: {took:6.2f} s for {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges"
        f"  (reading the triples alone: {floor:.2f} s, ratio {took / floor:.1f}x)"
    )
    doc.close()
    return G


def bench_sampling(nodes: int, k: int, seed: int = 0):
    doc, schema = _open(nodes)
    G = map_graph(doc.store, schema)
    doc.close()
    S = social_graph(G, nodes=sorted(ia.social_nodes(G), key=str))
    exact, t_exact = _timed(nx.betweenness_centrality, S, normalized=True)
    result, t_sampled = _timed(ia.brokerage, G, exact_below=0, k=k, seed=seed)
    sampled = {b.node: b.betweenness for b in result.brokers}
    errors = [abs(sampled[v] - exact[v]) for v in S]
    top = sorted(S, key=lambda v: -exact[v])[:20]
    rho = spearmanr([exact[v] for v in top], [sampled[v] for v in top]).statistic
    top_s = {b.node for b in result.brokers[:20]}
    print(f"betweenness on a {S.number_of_nodes():,}-node social graph ({nodes:,}-node map), k={k}, seed={seed}:")
    print(
        f"  exact (networkx Brandes) {t_exact:6.2f} s; sampled {t_sampled:6.2f} s (ratio {t_sampled / t_exact:.2f}x, "
        f"includes constraint and effective size)"
    )
    print(
        f"  max abs error {max(errors):.5f}, mean abs error {sum(errors) / len(errors):.6f} "
        f"(reported estimate {result.estimated_error:.6f}, 95% Hoeffding bound per node {result.error_bound:.4f}); "
        f"largest exact value {exact[top[0]]:.4f}"
    )
    print(f"  top 20: Spearman rho {rho:.3f} between exact and sampled values; {len(top_s & set(top))}/20 shared")
    (c, e), t_burt = _timed(ia.burt_measures, S, weight="weight")
    nx_c, t_c = _timed(nx.constraint, S, nodes=list(S), weight="weight")
    nx_e, t_e = _timed(nx.effective_size, S, nodes=list(S), weight="weight")
    diff = max(max(abs(c[v] - nx_c[v]), abs(e[v] - nx_e[v])) for v in S if S.degree(v))
    print(
        f"  Burt's constraint + effective size, sparse: {t_burt:.3f} s; networkx per node: {t_c + t_e:.2f} s "
        f"(ratio {t_burt / (t_c + t_e):.3f}x); max difference {diff:.1e}"
    )


def bench_measures(nodes: int, k: int):
    doc, schema = _open(nodes)
    G, t_graph = _timed(map_graph, doc.store, schema)
    doc.close()
    print(f"measures at {nodes:,} nodes (projection {t_graph:.2f} s):")
    total = t_graph
    for name, fn, kwargs in [
        ("brokerage (betweenness, auto k)", ia.brokerage, {"seed": 0}),
        ("single points of failure", ia.single_points_of_failure, {}),
        ("unit coupling (top 50, as the app)", ia.unit_coupling, {"top": 50}),
        ("cross-level paths", ia.cross_level_paths, {}),
        ("clusters", ia.clusters, {"seed": 0}),
        ("hybrid leaders", ia.hybrid_leaders, {}),
    ]:
        result, took = _timed(fn, G, **kwargs)
        total += took
        print(f"  {name:<34} {took:6.2f} s  {_describe(result)}")
    print(f"  {'all, projection included':<34} {total:6.2f} s")
    print("  baselines:")
    result, took = _timed(ia.unit_coupling, G)
    print(f"  {'unit coupling, every pair built':<34} {took:6.2f} s  {_describe(result)}")
    if nodes <= 20_000:  # networkx's Louvain took 869 s at 100k nodes here
        result, took = _timed(ia.clusters, G, seed=0, method="louvain")
        print(f"  {'clusters, networkx Louvain':<34} {took:6.2f} s  {_describe(result)}")


def _describe(result) -> str:
    if isinstance(result, ia.Brokerage):
        return (
            f"{len(result.brokers):,} actors/orgs, exact={result.exact}, k={result.k}, "
            f"est. error {result.estimated_error:.2e}"
        )
    if isinstance(result, ia.FailurePoints):
        return f"{len(result.articulation_points):,} articulation points, {len(result.bridges):,} bridges"
    if isinstance(result, ia.CrossLevel):
        return f"{len(result.paths):,} paths, {result.unreached:,} targets unreached"
    if isinstance(result, ia.Clusters):
        return (
            f"{len(result.communities):,} communities ({result.method}), modularity {result.modularity:.3f}, "
            f"{len(result.spanners):,} spanners"
        )
    return f"{len(result):,} results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--k", type=int, default=200)
    args = parser.parse_args()
    for n in args.sizes:
        bench_projection(n)
    bench_sampling(args.sample, args.k)
    for n in args.sizes:
        bench_measures(n, args.k)


if __name__ == "__main__":
    main()
