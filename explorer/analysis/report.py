"""A change analysis as text for people, or as JSON, CSV or Turtle for other tools.

Examples
--------
>>> from explorer.analysis.change import analyse_change
>>> from explorer.analysis.graph import map_graph_from_text
>>> G = map_graph_from_text('''@prefix rx: <https://w3id.org/routine-explorer/ns#> .
... <urn:x:c> a rx:ChangeProposal ; rx:disrupts <urn:x:r> .
... <urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .''')
>>> result = analyse_change(G, runs=0)
>>> print(as_csv(result, top=1).splitlines()[0])
rank,level,kind,label,score,likelihood,likelihood_low,likelihood_high,rank_low,rank_high,stability,confidence,restraining,driving,sentence,missing,reasons,iri
"""

from __future__ import annotations

import csv
import io
import json

from explorer.core.presentation import LEVELS
from explorer.core.spreadsheet import neutralise as _cell
from explorer.core.terms import local_name
from explorer.core.text import one_line

from .change import ChangeAnalysis
from .resistance.explain import NBSP, figure_sentence, interval, lever_effect, percent


def _kind(point) -> str:
    return local_name(point.kind) if point.kind is not None else ""


def _percent(value) -> str:
    return percent(value).replace(NBSP, " ")


def _interval(low, high) -> str:
    return interval(low, high).replace(NBSP, " ")


def figure_text(result: ChangeAnalysis) -> str:
    """The context figure in one sentence, with its interval."""
    return figure_sentence(result.figure, runs=result.runs).replace(NBSP, " ")


def as_text(result: ChangeAnalysis, *, top: int | None = 10, reasons: int = 4) -> str:
    """A ranked, explained report for a terminal."""
    points = result.points[:top] if top else result.points
    lines = [
        f"Change: {one_line(result.change_label, 200)} <{result.change}>",
        "Likely concerns of roles, units, routines and norms (not judgements of people).",
        figure_text(result),
    ]
    if result.missing:
        lines.append(
            f"The map does not give the change's: {', '.join(result.missing)} "
            "(taken as neutral; the intervals say how much that matters)."
        )
    lines += [
        "",
        f"{'#':>3}  {'level':5}  {'score':>6}  {'likely':>6}  {'interval':>9}  "
        f"{'rank':>7}  {'top k':>5}  {'conf.':>5}  kind / label",
    ]
    for rank, point in enumerate(points, 1):
        ranks = "-" if point.rank_low is None else f"{point.rank_low}-{point.rank_high}"
        lines.append(
            f"{rank:>3}  {LEVELS.get(point.level, '?'):5}  {point.score:6.2f}  {_percent(point.likelihood):>6}  "
            f"{_interval(point.likelihood_low, point.likelihood_high) or '-':>9}  {ranks:>7}  "
            f"{_percent(point.stability):>5}  {_percent(point.confidence):>5}  {_kind(point)}: "
            f"{one_line(point.label, 80)}"
        )
        lines.append(f"{'':>8}{one_line(point.sentence, 200)}")
        for reason in point.reasons[:reasons]:
            cite = (
                f" [{reason.construct_label or reason.label}; {one_line(reason.citation, 60)}]"
                if reason.citation
                else ""
            )
            lines.append(f"{'':>8}{reason.value:+.2f}  {one_line(reason.text, 110)}{cite}")
        if point.missing:
            lines.append(f"{'':>8}not given: {one_line(', '.join(point.missing), 160)} (taken as neutral)")
    if result.fragile:
        lines += ["", "Fragile:"] + [f"  - {one_line(text, 200)}" for text in result.fragile]
    if result.levers:
        lines += [
            "",
            "Levers (each tried by running the model again with the edit; effect on the people likely to resist):",
        ]
        lines += [
            f"  {lever_effect(lever, short=True):>14}  {one_line(lever.text, 150)}" for lever in result.levers[:10]
        ]
    for logic, items in result.logics.items():
        if items:
            lines += ["", f"Read through the {logic} logic:"] + [f"  - {one_line(item, 160)}" for item in items[:6]]
    return "\n".join(lines) + "\n"


def as_dict(result: ChangeAnalysis, *, top: int | None = None) -> dict:
    """Plain data: everything in the result, IRIs as strings."""
    points = result.points[:top] if top else result.points
    f = result.figure
    return {
        "change": str(result.change),
        "change_label": result.change_label,
        "figure": {
            "meaning": "expected number of people likely to resist, out of `people` the change exposes",
            "value": f.value,
            "low": f.low,
            "high": f.high,
            "interval": f.interval,
            "people": f.people,
            "points": f.points,
            "share": f.share,
        },
        "restraining": result.restraining,
        "driving": result.driving,
        "seed": result.seed,
        "runs": result.runs,
        "top_k": result.top_k,
        "missing": list(result.missing),
        "fragile": list(result.fragile),
        "parameters": result.weights.values() if result.weights is not None else {},
        "points": [
            {
                "rank": rank,
                "iri": str(p.node),
                "label": p.label,
                "kind": str(p.kind),
                "level": LEVELS.get(p.level),
                "role": p.role,
                "score": p.score,
                "likelihood": p.likelihood,
                "restraining": p.restraining,
                "driving": p.driving,
                "sentence": p.sentence,
                "headcount": p.headcount,
                "stated_attitude": p.stated_attitude,
                "attitude": p.attitude,
                "confidence": p.confidence,
                "stability": p.stability,
                "rank_low": p.rank_low,
                "rank_high": p.rank_high,
                "score_low": p.score_low,
                "score_high": p.score_high,
                "likelihood_low": p.likelihood_low,
                "likelihood_high": p.likelihood_high,
                "missing": list(p.missing),
                "reasons": [
                    {
                        "mechanism": r.mechanism,
                        "label": r.label,
                        "kind": r.kind,
                        "value": r.value,
                        "text": r.text,
                        "evidence": [str(e) for e in r.evidence],
                        "construct": r.construct,
                        "construct_label": r.construct_label,
                        "citation": r.citation,
                    }
                    for r in p.reasons
                ],
            }
            for rank, p in enumerate(points, 1)
        ],
        "impacts": [
            {
                "routine": str(i.routine),
                "label": i.label,
                "impact": i.impact,
                "direct": i.direct,
                "how": i.how,
                "path": [str(n) for n in i.path],
                "via": list(i.via),
            }
            for i in result.impacts
        ],
        "levers": [
            {
                "kind": lever.kind,
                "text": lever.text,
                "nodes": [str(n) for n in lever.nodes],
                "effect": lever.effect,
                "figure_after": lever.figure_after,
                "edit": [[op, str(s), str(p), str(o)] for op, s, p, o in lever.edit],
            }
            for lever in result.levers
        ],
        "logics": {name: list(items) for name, items in result.logics.items()},
    }


def as_json(result: ChangeAnalysis, *, top: int | None = None) -> str:
    """:func:`as_dict` as JSON text."""
    return json.dumps(as_dict(result, top=top), indent=2, ensure_ascii=False) + "\n"


def as_csv(result: ChangeAnalysis, *, top: int | None = None) -> str:
    """One row per point; the reasons joined in one column. Text cells that a spreadsheet would read as a
    formula are prefixed with an apostrophe; rows end in CRLF, so a CR or LF inside a cell is quoted."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)  # CRLF line ends, so a CR or LF inside a label is quoted, never a new row
    writer.writerow(
        [
            "rank",
            "level",
            "kind",
            "label",
            "score",
            "likelihood",
            "likelihood_low",
            "likelihood_high",
            "rank_low",
            "rank_high",
            "stability",
            "confidence",
            "restraining",
            "driving",
            "sentence",
            "missing",
            "reasons",
            "iri",
        ]
    )

    def number(v, f="{:.4f}"):
        return "" if v is None else f.format(v)

    for rank, p in enumerate(result.points[:top] if top else result.points, 1):
        writer.writerow(
            [
                rank,
                LEVELS.get(p.level),
                _cell(_kind(p)),
                _cell(p.label),
                number(p.score),
                number(p.likelihood),
                number(p.likelihood_low),
                number(p.likelihood_high),
                number(p.rank_low, "{}"),
                number(p.rank_high, "{}"),
                number(p.stability, "{:.2f}"),
                number(p.confidence, "{:.2f}"),
                number(p.restraining),
                number(p.driving),
                _cell(p.sentence),
                _cell("; ".join(p.missing)),
                _cell(" | ".join(f"{r.value:+.2f} {r.text}" for r in p.reasons)),
                _cell(str(p.node)),
            ]
        )
    return out.getvalue()


def interdependencies_text(summary, *, top: int = 10, labels: dict | None = None) -> str:
    """The interdependency measures of a map (:func:`explorer.analysis.interdependence.summary`) for a terminal.

    ``labels`` maps nodes to their labels (paths are shown by label when given).
    """
    labels = labels or {}
    b = summary.brokerage
    sampling = "exact" if b.exact else f"betweenness sampled, k={b.k}, estimated error {b.estimated_error:.4f}"
    lines = [f"Brokers ({sampling}):"]
    ranked = sorted(b.brokers, key=lambda x: (-x.betweenness, x.label))[:top]
    for broker in ranked:
        constraint = "-" if broker.constraint is None else f"{broker.constraint:.2f}"
        lines.append(
            f"  {broker.betweenness:.3f}  constraint {constraint:>5}  {LEVELS.get(broker.level, '?'):5}  "
            f"{one_line(broker.label, 70)}"
        )
    failure = summary.failure_points
    lines += [
        "",
        f"Single points of failure among routines: {len(failure.articulation_points)} routine(s), "
        f"{len(failure.bridges)} tie(s)",
    ]
    for cut in sorted(failure.articulation_points, key=lambda c: -c.cut_off_size)[:top]:
        lines.append(f"  {one_line(cut.label, 70)}: losing it cuts off {cut.cut_off_size} routine(s)")
    lines += ["", "Coupling between units (3 x shared routines + strength x Thompson order of crossing ties):"]
    for pair in sorted(summary.coupling, key=lambda c: -c.score)[:top]:
        types = ", ".join(f"{k} {v}" for k, v in sorted(pair.by_type.items()) if v)
        lines.append(
            f"  {pair.score:6.2f}  {one_line(' & '.join(pair.labels), 80)}  "
            f"({len(pair.shared_routines)} shared; {types or 'no crossing ties'})"
        )
    cross = summary.cross_level
    lines += [
        "",
        f"Cross-level paths from macro forces, bodies and norms: {len(cross.paths)} reached, "
        f"{cross.unreached} not reached",
    ]
    for path in sorted(cross.paths, key=lambda p: (p.hops, str(p.target)))[:top]:
        names = (labels.get(n) or local_name(n) for n in path.path)
        lines.append(f"  {path.hops} hop{'s' if path.hops != 1 else ''}: {one_line(' → '.join(names), 140)}")
    clusters = summary.clusters
    lines += [
        "",
        f"Clusters ({clusters.method}, modularity {clusters.modularity:.2f}): {len(clusters.communities)}; "
        f"{len(clusters.spanners)} node(s) link them",
    ]
    for spanner in sorted(clusters.spanners, key=lambda s: -s.participation)[:top]:
        lines.append(
            f"  {spanner.participation:.2f}  {one_line(spanner.label, 70)} "
            f"(reaches {len(spanner.reaches)} other cluster(s))"
        )
    lines += ["", f"Hybrid leaders: {len(summary.hybrid_leaders)}"]
    for leader in summary.hybrid_leaders[:top]:
        how = "typed" if leader.asserted else "clinical and managerial role kinds"
        lines.append(f"  {one_line(leader.label, 70)} ({how})")
    return "\n".join(lines) + "\n"
