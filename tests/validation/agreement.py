"""How many of the validation set's published orderings the resistance analysis reproduces.

For each case, both contexts are analysed with the default weights; the ordering holds when the context the
literature reports as more resistant has the higher share of the people the change exposes who are likely to
resist (the context figure, the expected number of them, divided by how many it exposes: the two maps draw
different numbers of people, so the number itself is not comparable between them). Each comparison also gets the
share of uncertainty runs, paired by their weights (the same seed draws the same weights for both maps), in which it
holds: how firm it is.

Run it as a script for the table (``python tests/validation/agreement.py``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = tomllib.loads((HERE / "cases.toml").read_text(encoding="utf-8"))["case"]


@dataclass(frozen=True)
class Comparison:
    case: str
    more: str
    less: str
    more_figure: float
    less_figure: float
    paired_share: float

    @property
    def holds(self) -> bool:
        return self.more_figure > self.less_figure


def _graph(path: Path):
    from explorer.analysis.graph import map_graph
    from explorer.core.document import MapDocument

    doc = MapDocument.open(path, editing=False)
    try:
        return map_graph(doc.store)
    finally:
        doc.close()


def compare(*, runs: int = 200, seed: int = 0) -> list[Comparison]:
    """One :class:`Comparison` per case of ``cases.toml``, read from the app's own comparison
    (:func:`explorer.analysis.compare.compare`, the less resistant context as A)."""
    from explorer.analysis import compare as comparing

    found = []
    for case in CASES:
        more = case["more_resistant"]
        less = next(c for c in case["contexts"] if c != more)
        graphs = [_graph(HERE / "cases" / case["id"] / f"{c}.ttl") for c in (less, more)]
        result = comparing.compare(*graphs, runs=runs, seed=seed)
        share = result.difference.b_more_resistant if runs else float("nan")
        found.append(Comparison(case["id"], more, less, result.b.figure.share, result.a.figure.share, share))
    return found


def table(comparisons: list[Comparison]) -> str:
    lines = [f"{'case':30} {'more resistant (published)':34} {'share':>7} {'other':>7}  holds  paired runs"]
    for c in comparisons:
        lines.append(
            f"{c.case:30} {c.more:34} {c.more_figure:7.3f} {c.less_figure:7.3f}  {'yes' if c.holds else 'NO ':5}  "
            f"{c.paired_share:6.0%}"
        )
    held = sum(c.holds for c in comparisons)
    firm = sum(c.paired_share >= 0.8 for c in comparisons)
    lines.append(
        f"{held} of {len(comparisons)} published orderings hold at the map's values; "
        f"{firm} of {len(comparisons)} hold in at least 80 % of the paired uncertainty runs."
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(compare()))
