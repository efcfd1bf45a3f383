"""Benchmark the checks run before parsing (:mod:`explorer.core.screening`) against the parse itself.

For a generated organisation written in each format, prints the time of the screen alone, of
opening through :func:`explorer.core.rdf_formats.load_into` (screen, parse and store), and of
pyoxigraph loading the same file into a store (the baseline, measured in this run), with the
ratio open / baseline. The screen must stay a small share of opening.

Usage::

    python tests/benchmarks/bench_screening.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from bench_change import _with_change  # noqa: E402

from explorer.core import screening  # noqa: E402
from explorer.core.rdf_formats import FORMATS, load_into  # noqa: E402
from explorer.core.screening import BoundedGzip  # noqa: E402


def _best(work, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def _files(source: Path, folder: Path) -> dict[str, Path]:
    store = ox.Store()
    store.bulk_load(path=str(source), format=ox.RdfFormat.N_TRIPLES)
    files = {"ntriples": source}
    for name, ext in (("turtle", "ttl"), ("jsonld", "jsonld"), ("rdfxml", "rdf")):
        files[name] = folder / f"map.{ext}"
        store.dump(str(files[name]), FORMATS[name].ox_format, from_graph=ox.DefaultGraph())
    files["ntriples.gz"] = folder / "map.nt.gz"
    with open(source, "rb") as raw, gzip.open(files["ntriples.gz"], "wb", compresslevel=6) as packed:
        shutil.copyfileobj(raw, packed)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    print(f"{'nodes':>8} {'format':<12} {'MB':>7} {'screen s':>9} {'open s':>8} {'pyoxigraph s':>13} {'open/pyox':>10}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            for name, path in _files(_with_change(size), Path(tmp)).items():
                fmt = name.removesuffix(".gz")
                gz = name.endswith(".gz")

                # These run inside _best, in this iteration, so each sees this file's path and format.
                def screen_only() -> None:
                    with open(path, "rb") as raw:  # noqa: B023
                        screening.screen(BoundedGzip(raw, path=str(path)) if gz else raw, fmt, path=str(path))  # noqa: B023

                def open_ours() -> None:
                    load_into(ox.Store(), path, format=FORMATS[fmt])  # noqa: B023

                def baseline() -> None:
                    if gz:  # noqa: B023
                        with gzip.open(path, "rb") as unpacked:  # noqa: B023
                            ox.Store().bulk_load(unpacked, format=FORMATS[fmt].ox_format)  # noqa: B023
                    else:
                        ox.Store().bulk_load(path=str(path), format=FORMATS[fmt].ox_format)  # noqa: B023

                screen_s, open_s, base_s = _best(screen_only), _best(open_ours), _best(baseline)
                megabytes = path.stat().st_size / 1e6
                print(
                    f"{size:>8} {name:<12} {megabytes:>7.1f} {screen_s:>9.2f} {open_s:>8.2f} {base_s:>13.2f} "
                    f"{open_s / base_s:>9.2f}x",
                    flush=True,
                )


if __name__ == "__main__":
    main()
