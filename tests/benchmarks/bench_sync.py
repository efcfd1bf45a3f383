"""Benchmark team maps on real servers on loopback (issue 17): sync, share and clone of a working copy.

The benchmark starts its own servers, each in a folder of its own on a free loopback port:
the Oxigraph server (``.venv/bin/oxigraph serve``) and, when ``virtuoso-t`` is installed,
Virtuoso set up as the team tests set it up (``tests/team/conftest.py``: an editor signed in
with digest on ``/sparql-auth``, Debian's answer cap of 10,000 rows).

For each map (a sample map from ``sample_graphs/`` and a generated organisation of 10k nodes,
``synthetic.py``) and each server:

- share the map, and clone it; beside saving it as a TriG file and opening that file;
- publish 100 edits (50 new nodes, 50 renames) made in a working copy with one
  :func:`explorer.team.sync.sync` (target < 1 s);
- pull 100 edits made by another copy, published as 100 changes of one edit each,
  with one sync (target < 1 s);
- a sync with nothing to do and a sync of one edit, for scale.

Every figure is printed beside its baseline measured in the same run: reading the same
map from a local TriG file with ``MapDocument.open`` (what opening the map costs without
any server), or saving it, for share. The ratio is ours / baseline. ``--profile`` prints
cProfile's top entries for the publish and the pull on the biggest map.

Usage::

    python tests/benchmarks/bench_sync.py [--nodes 10000] [--sample keystone-michigan.ttl]
        [--engines oxigraph virtuoso] [--profile]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # tests/: the servers of tests/support
sys.path.insert(0, str(REPO))

import synthetic  # noqa: E402
from support.oxigraph_server import oxigraph  # noqa: E402
from support.virtuoso_server import START_LIMIT, missing, virtuoso  # noqa: E402

EDITS = 100


def _row(what: str, ours: float, baseline: float | None, unit: str = "s", target: float | None = None) -> None:
    ratio = f"{ours / baseline:7.1f}x" if baseline else " " * 8
    base = f"{baseline:8.3f} {unit}" if baseline is not None else " " * 10
    goal = f"   target < {target:g} {unit}: {'met' if ours < target else 'MISSED'}" if target else ""
    print(f"  {what:<50} {ours:8.3f} {unit}   baseline {base}   {ratio}{goal}")


def _timed(work):
    started = time.perf_counter()
    value = work()
    return time.perf_counter() - started, value


def _best(work, repeat: int = 3) -> float:
    return min(_timed(work)[0] for _ in range(repeat))


# ------------------------------------------------------------------------------------------- servers
@contextlib.contextmanager
def oxigraph_server(folder: Path):
    """An Oxigraph server on an empty store in ``folder``; yields a function giving a new client."""
    from explorer.team.endpoint import Endpoint, SparqlClient

    with oxigraph(folder / "store", timeout=START_LIMIT) as base:
        yield lambda: SparqlClient(Endpoint.for_server(base))


@contextlib.contextmanager
def virtuoso_server(folder: Path):
    """Virtuoso on an empty database in ``folder``; yields a function giving a new (editor's) client."""
    from explorer.team.endpoint import SparqlClient

    with virtuoso(folder) as server:
        yield lambda: SparqlClient(server.endpoint(server.editor))


# ------------------------------------------------------------------------------------------- edits
@dataclass
class Edits:
    """Makes edits in a working copy: new nodes and renames of the map's named nodes, never the same twice."""

    named: list
    made: int = 0

    @classmethod
    def of(cls, document) -> Edits:
        from rdflib import RDFS, URIRef

        from explorer.core.terms import DEFAULT_GRAPH

        nodes = {s for s, _, _, _ in document.store.quads(None, RDFS.label, None, DEFAULT_GRAPH)}
        return cls(sorted((n for n in nodes if isinstance(n, URIRef)), key=str)[:200])

    def make(self, document, count: int) -> None:
        from rdflib import RDFS, Literal, URIRef

        from explorer.core.commands import add_node, set_property

        rx = URIRef(synthetic.RX + "Routine")
        for _ in range(count):
            i, self.made = self.made, self.made + 1
            if i % 2:
                node = self.named[i % len(self.named)]
                document.execute(set_property(document.store, node, RDFS.label, Literal(f"Renamed {i}")))
            else:
                node = URIRef(f"https://example.org/bench/new/{i}")
                document.execute(add_node(document.store, node, rx, f"New routine {i}"))


def publish_singles(client, map_iri, count: int, tag: str) -> None:
    """Publish ``count`` changes of one edit each, as another working copy's syncs would."""
    from rdflib import RDF, RDFS, Literal, URIRef

    from explorer.team import changelog
    from explorer.team.changelog import Author
    from explorer.team.patch import Patch

    bob = Author.named("Bob Osei")
    labels: dict = {}
    for s, p, o in changelog.content(client, map_iri):
        if p == RDFS.label and isinstance(s, URIRef):
            labels.setdefault(s, o)
    named = sorted(labels, key=str)[:200]
    version = changelog.version(client, map_iri)
    for i in range(count):
        if i % 2:
            node = named[i % len(named)]
            new = Literal(f"Renamed by Bob {tag} {i}")
            patch = Patch(frozenset({(node, RDFS.label, new)}), frozenset({(node, RDFS.label, labels[node])}))
            labels[node] = new
        else:
            node = URIRef(f"https://example.org/bench/bob/{tag}/{i}")
            patch = Patch(
                frozenset(
                    {(node, RDF.type, URIRef(synthetic.RX + "Routine")), (node, RDFS.label, Literal(f"Bob {i}"))}
                ),
                frozenset(),
            )
        record = changelog.publish(client, map_iri, version, patch, bob, f"edit {i}")
        assert record is not None, "nobody else publishes here"
        version = record.version


def _profiled(work: Callable, title: str, top: int = 18):
    profile = cProfile.Profile()
    value = profile.runcall(work)
    print(f"\n  cProfile, {title} (top {top} by cumulative time):")
    stats = pstats.Stats(profile, stream=sys.stdout)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    return value


# ------------------------------------------------------------------------------------------- benchmark
def bench(engine: str, new_client: Callable, source: Path, folder: Path, profile: bool) -> None:
    from explorer.core.document import MapDocument
    from explorer.core.terms import DEFAULT_GRAPH
    from explorer.team import changelog, sync
    from explorer.team.changelog import Author

    ann = Author.named("Ann Lee")
    work = folder / f"{engine}-{source.stem}"
    work.mkdir()
    # The same map as a local TriG file: the baseline every figure is compared with.
    local = work / "map.trig"
    with contextlib.closing(MapDocument.open(source, editing=False, with_ontology=False)) as doc:
        doc.save_as(local, "trig")
        triples = doc.store.count()
    opened = _best(lambda: MapDocument.open(local, editing=False, with_ontology=False).close())
    print(f"\n== {engine}: {source.name}, {triples:,} statements")

    def save():
        with contextlib.closing(MapDocument.open(local, editing=False, with_ontology=False)) as doc:
            return _timed(lambda: doc.save_as(work / "saved.trig", "trig", overwrite=True))[0]

    saved = min(save() for _ in range(3))
    with new_client() as client, contextlib.closing(MapDocument.open(local, editing=False, with_ontology=False)) as doc:
        shared, iri = _timed(lambda: sync.share(client, doc, "Benchmark map", ann))
        _row("share the map (vs save it as TriG)", shared, saved)
        cloned = _best(lambda: sync.clone(client, iri, work / "a.trig", overwrite=True))
        _row("clone it (vs open the TriG file)", cloned, opened)

        # (1) 100 edits in a working copy, published with one sync.
        with contextlib.closing(MapDocument.open(work / "a.trig", editing=False, with_ontology=False)) as a:
            edits = Edits.of(a)
            took = []
            for attempt in range(3):
                edits.make(a, EDITS)
                if profile and attempt == 2:
                    # Timed under cProfile, so slower than the other two: the median stays theirs.
                    result = _profiled(lambda: sync.sync(a, client, ann, "100 edits"), "publish 100 edits")
                    continue
                seconds, result = _timed(lambda: sync.sync(a, client, ann, "100 edits"))
                assert result.published is not None and not result.conflicts
                took.append(seconds)
            published = len(result.published.adds) + len(result.published.deletes)
            _row(
                f"sync publishing {EDITS} edits ({published} statements), median",
                statistics.median(took),
                opened,
                target=1.0,
            )

        # (2) 100 changes of one edit each by another copy, pulled with one sync.
        sync.clone(client, iri, work / "b.trig")
        with contextlib.closing(MapDocument.open(work / "b.trig", editing=False, with_ontology=False)) as b:
            publish_singles(client, iri, EDITS, engine)
            if profile:
                seconds, result = _timed(lambda: _profiled(lambda: sync.sync(b, client, ann), "pull 100 changes"))
            else:
                seconds, result = _timed(lambda: sync.sync(b, client, ann))
            assert len(result.pulled) == EDITS and result.published is None, result
            profiled = " (under cProfile)" if profile else ""
            _row(f"sync pulling {EDITS} changes of one edit each{profiled}", seconds, opened, target=1.0)
            copy = {(s, p, o) for s, p, o, _ in b.store.quads(graph=DEFAULT_GRAPH)}
            print(f"  (the copy equals the map on the server: {copy == changelog.content(client, iri)})")
            _row("sync with nothing to do, best of 3", _best(lambda: sync.sync(b, client, ann)), opened)
            single = Edits(Edits.of(b).named, made=10_000)

            def one_edit():
                single.make(b, 1)
                return _timed(lambda: sync.sync(b, client, ann, "one edit"))[0]

            _row("sync publishing 1 edit, best of 3", min(one_edit() for _ in range(3)), opened)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000, help="size of the generated map (0: none)")
    parser.add_argument("--sample", default="keystone-michigan.ttl", help="a map in sample_graphs/")
    parser.add_argument("--engines", nargs="+", default=["oxigraph", "virtuoso"], choices=["oxigraph", "virtuoso"])
    parser.add_argument("--profile", action="store_true", help="profile publish and pull on the biggest map")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="rx-bench-sync-"))
    os.environ["ROUTINE_EXPLORER_DATA_DIR"] = str(folder / "state")
    maps = [REPO / "sample_graphs" / args.sample] if args.sample else []
    if args.nodes:
        maps.append(synthetic.write_nodes(folder / f"org-{args.nodes}.nt", args.nodes))
    servers = [("Oxigraph server", oxigraph_server)] if "oxigraph" in args.engines else []
    if "virtuoso" in args.engines:
        if missing() is None:
            servers.append(("Virtuoso", virtuoso_server))
        else:
            print(f"{missing()}: measuring the Oxigraph server only")
    try:
        for engine, start in servers:
            (folder / engine).mkdir()
            with start(folder / engine) as new_client:
                for source in maps:
                    bench(engine.split()[0], new_client, source, folder, args.profile and source == maps[-1])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
