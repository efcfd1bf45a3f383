"""The change report: what a board reads about where a proposed change will meet resistance, as HTML.

One self-contained page (styles inline, images as ``data:`` URIs, a
Content-Security-Policy that allows nothing else), rendered from an
autoescaping jinja2 template (``templates/report.html.j2``), so a label such
as ``<img src=x onerror=alert(1)>`` reads as text. It holds the title and date;
the proposed change; the map by level with its legend (a PNG the caller makes,
since drawing the map needs Qt: see :func:`explorer.ui.image_export.map_png`);
the points of likely resistance with their reasons and numbered citations;
charts drawn with matplotlib (the force field of the top points, the scores by
level); the levers; the result read through the three logics; the sensitivity
caveat; and a method note naming the ontology version and the weights file.

The PDF of the same report is :mod:`explorer.ui.report_pdf`.

Examples
--------
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.resources import sample_maps
>>> doc = MapDocument.open([p for p in sample_maps() if p.stem == "keystone-michigan"][0], editing=False)
>>> result = run_analysis(doc, sensitivity_runs=20)
>>> page = report_html(doc, result, charts=False)
>>> "CLABSI checklist bundle" in page and "How far to trust the ranking" in page
True
>>> doc.close()
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
from collections import Counter
from pathlib import Path
from typing import Callable, Mapping

import jinja2
from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from explorer import __version__
from explorer.analysis.change import ChangeAnalysis
from explorer.analysis.weights import DEFAULT_WEIGHTS, Weights, load_weights
from explorer.core.atomic_file import atomic_write
from explorer.core.document import ONTOLOGY_GRAPH
from explorer.core.errors import ExplorerError
from explorer.core.namespaces import RX

TEMPLATES = Path(__file__).resolve().parent / "templates"
LEVELS = {3: "macro", 2: "meso", 1: "micro"}
RESTRAINING_COLOUR = "#d6604d"  # as the analysis dock draws them
DRIVING_COLOUR = "#4393c3"
#: Points shown in the table, the charts and the reasons.
TOP = 10
#: Reasons shown for each point, strongest first (the rest are summed in one line).
REASONS = 4
#: Items shown in each list of levers and in each logic (the rest are counted).
LIST_LIMIT = 10
#: Below this share of sensitivity runs in the top k, a point is called fragile.
FRAGILE = 0.7
LOGICS = (
    ("mechanistic", "Mechanistic: barriers, facilitators, fidelity",
     "Which forces hold the change back or carry it, and which components may not be done as designed?"),
    ("ecological", "Ecological: interdependencies and local adaptation",
     "How does the change travel through routines that depend on each other, and where will it be adapted?"),
    ("social", "Social: norms, legitimacy, ownership and fatigue",
     "Which norms does it collide with, who owns it, and what else competes for the same people?"),
)
LEVER_TITLES = {"broker": "People who can broker", "lateral tie": "Lateral ties to build", "renegotiate norm": "Norms to renegotiate"}
_ONTOLOGY = URIRef(str(RX).rstrip("#/"))

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATES)),
    autoescape=True,  # every value from the map is text, whatever the template's name
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class ReportError(ExplorerError):
    """The report cannot be made (bad option, nothing to analyse...)."""


# ----------------------------------------------------------------------------- analysis
def run_analysis(document, change=None, *, weights=None, top_k: int = TOP, seed: int = 0, sensitivity_runs: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> ChangeAnalysis:
    """Analyse ``change`` (the map's only one when None) on ``document``, as ``routine-explorer analyse`` does.

    ``weights`` is a :class:`~explorer.analysis.weights.Weights`, a weights file or None (the defaults).

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.resources import sample_graphs_dir
    >>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
    >>> result = run_analysis(doc, sensitivity_runs=0)
    >>> result.change_label, len(result.points) > 10
    ('CLABSI checklist bundle (Keystone)', True)
    >>> doc.close()
    """
    from explorer.analysis.change import analyse_change
    from explorer.analysis.graph import map_graph

    table = weights if isinstance(weights, Weights) else load_weights(weights)
    G = map_graph(document.store)
    return analyse_change(G, change, weights=table, top_k=top_k, seed=seed, sensitivity_runs=sensitivity_runs, progress=progress)


# ----------------------------------------------------------------------------- charts
def data_uri(data: bytes, mime: str) -> str:
    """``data`` as a ``data:`` URI (base64).

    Examples
    --------
    >>> data_uri(b"<svg/>", "image/svg+xml")
    'data:image/svg+xml;base64,PHN2Zy8+'
    """
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _plain(text, limit: int = 200) -> str:
    """One line of plain text, at most ``limit`` characters (map text may hold newlines and control characters)."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in str(text)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _figure_bytes(figure, fmt: str, dpi: int) -> bytes:
    out = io.BytesIO()
    # No date in the file and a fixed id salt: the same result gives the same bytes.
    metadata = {"Date": None} if fmt == "svg" else {"Software": f"Routine Explorer {__version__}"}
    figure.savefig(out, format=fmt, dpi=dpi, metadata=metadata, bbox_inches="tight", pad_inches=0.08, facecolor="white")
    return out.getvalue()


def _chart_style():
    import matplotlib

    # parse_math off: a label such as "cost $5 to $10" is text, not TeX.
    return matplotlib.rc_context({
        "text.parse_math": False, "svg.fonttype": "path", "svg.hashsalt": "routine-explorer",
        "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
        "axes.edgecolor": "#8d96a3", "axes.labelcolor": "#1d232b", "xtick.color": "#5f6875", "ytick.color": "#1d232b",
    })


def chart_force_field(points, *, fmt: str = "svg", dpi: int = 200) -> bytes:
    """A force-field chart of ``points`` (in rank order): driving bars left, restraining right, the score marked.

    Examples
    --------
    >>> from explorer.analysis.change import Point
    >>> svg = chart_force_field([Point("urn:x:a", "Ward <7>", None, 1, 0.5, 0.8, 0.3, 1.0)])
    >>> svg.startswith(b"<?xml") and b"<script" not in svg
    True
    """
    from matplotlib.figure import Figure

    points = list(points)
    with _chart_style():
        height = 1.0 + 0.36 * max(len(points), 1)
        figure = Figure(figsize=(7.2, height))
        axes = figure.add_subplot()
        names = [f"{rank}. {_plain(p.label, 46)}" for rank, p in enumerate(points, 1)]
        ys = list(range(len(points)))
        axes.barh(ys, [-p.driving for p in points], color=DRIVING_COLOUR, height=0.62, label="driving")
        axes.barh(ys, [p.restraining for p in points], color=RESTRAINING_COLOUR, height=0.62, label="restraining")
        axes.scatter([p.score for p in points], ys, marker="D", s=22, color="#1d232b", zorder=3, label="score")
        axes.axvline(0, color="#1d232b", linewidth=0.8)
        axes.set_yticks(ys, labels=names)
        axes.invert_yaxis()
        limit = max([max(p.restraining, p.driving) for p in points] + [0.5]) * 1.08
        axes.set_xlim(-limit, limit)
        axes.set_xlabel("← driving (support)        restraining (resistance) →")
        axes.grid(axis="x", color="#e3e7ec", linewidth=0.6)
        axes.set_axisbelow(True)
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8, ncols=3)
        return _figure_bytes(figure, fmt, dpi)


def chart_scores_by_level(points, *, fmt: str = "svg", dpi: int = 200) -> bytes:
    """Every point's score in its level's row (macro at the top), the level's mean marked, its highest point named.

    Examples
    --------
    >>> from explorer.analysis.change import Point
    >>> png = chart_scores_by_level([Point("urn:x:a", "ICU", None, 2, 0.5, 0.8, 0.3, 1.0)], fmt="png", dpi=50)
    >>> png[:4]
    b'\\x89PNG'
    """
    import numpy as np
    from matplotlib.figure import Figure

    rows = (3, 2, 1)
    rng = np.random.default_rng(0)  # jitter only: the same points always land in the same places
    with _chart_style():
        figure = Figure(figsize=(7.2, 2.9))
        axes = figure.add_subplot()
        scores = [p.score for p in points]
        span = max([abs(s) for s in scores] + [0.5])
        for row, level in enumerate(rows):
            mine = [p for p in points if p.level == level]
            if not mine:
                continue
            values = np.array([p.score for p in mine])
            jitter = rng.uniform(-0.18, 0.18, len(mine))
            colours = [RESTRAINING_COLOUR if v > 0 else DRIVING_COLOUR for v in values]
            axes.scatter(values, row + jitter, s=26, c=colours, alpha=0.85, edgecolors="white", linewidths=0.5, zorder=3)
            axes.plot([values.mean()] * 2, [row - 0.32, row + 0.32], color="#1d232b", linewidth=2, zorder=4)
            top = max(mine, key=lambda p: p.score)
            axes.annotate(_plain(top.label, 34), (top.score, row), xytext=(6, 9), textcoords="offset points", fontsize=7.5,
                          color="#1d232b")
        axes.axvline(0, color="#8d96a3", linewidth=0.8)
        axes.set_yticks(range(len(rows)), labels=[f"{LEVELS[lv].capitalize()} ({sum(1 for p in points if p.level == lv)})" for lv in rows])
        axes.set_ylim(len(rows) - 0.5, -0.75)  # room above the top row for its name
        axes.set_xlim(-span * 1.1, span * 1.25)
        axes.set_xlabel("score: ← likely support        likely resistance →  (bar: the level's mean)")
        axes.grid(axis="x", color="#e3e7ec", linewidth=0.6)
        axes.set_axisbelow(True)
        return _figure_bytes(figure, fmt, dpi)


# ----------------------------------------------------------------------------- reading the map
def _label(store, iri) -> str:
    labels = [(str(o), getattr(o, "language", None) or "") for p in (RDFS.label, SKOS.prefLabel) for _, _, o, _ in store.quads(iri, p, None)]
    if labels:
        preferred = [pair for pair in labels if pair[1] in ("", "en")] or labels
        return _plain(min(preferred)[0])
    text = str(iri)
    return text.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _text(store, iri, predicates, graph=None) -> str:
    for predicate in predicates:
        for _, _, value, _ in (store.quads(iri, predicate, None) if graph is None else store.quads(iri, predicate, None, graph)):
            return _plain(value, 1200)
    return ""


def ontology_version(document) -> str:
    """The ontology's ``owl:versionInfo`` (and version IRI) as loaded with the map, or ``"unknown"``.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> ontology_version(MapDocument.new())
    '0.1.0 (https://w3id.org/routine-explorer/ns/0.1.0)'
    """
    store = document.store
    candidates = [_ONTOLOGY] + [s for s, _, _, _ in store.quads(None, RDF.type, OWL.Ontology, ONTOLOGY_GRAPH) if s != _ONTOLOGY]
    for ontology in candidates:
        version = _text(store, ontology, (OWL.versionInfo,), ONTOLOGY_GRAPH)
        if version:
            iri = _text(store, ontology, (OWL.versionIRI,), ONTOLOGY_GRAPH)
            return f"{version} ({iri})" if iri else version
    return "unknown"


def _construct_label(store, curie: str) -> str:
    """``rx:nptLegitimation`` as its concept's label from the ontology's schemes (the CURIE when it has none)."""
    if not curie:
        return ""
    if curie.startswith("rx:"):
        label = _text(store, RX[curie[3:]], (SKOS.prefLabel, RDFS.label), ONTOLOGY_GRAPH)
        if label:
            return label
    return curie


def _capped(items: list, limit: int | None = None) -> list:
    """At most ``limit`` items (:data:`LIST_LIMIT`), the rest counted in a last line: a big map lists hundreds.

    Examples
    --------
    >>> _capped(["a", "b", "c"], 2)
    ['a', 'b', '… and 1 more (all of them in the app and in routine-explorer analyse --format json)']
    """
    limit = LIST_LIMIT if limit is None else limit
    if len(items) <= limit:
        return list(items)
    return list(items[:limit]) + [f"… and {len(items) - limit:,} more (all of them in the app and in routine-explorer analyse --format json)"]


def _work(citation: str) -> str:
    """A citation without its closing parenthetical note.

    Examples
    --------
    >>> _work("Lewin K. Field Theory in Social Science. 1951 (force field)")
    'Lewin K. Field Theory in Social Science. 1951'
    """
    text = _plain(citation, 400).strip()
    if text.endswith(")") and " (" in text:
        text = text[: text.rindex(" (")].rstrip()
    return text


def _file_facts(path) -> str:
    path = Path(path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return str(path)
    if path.resolve() == DEFAULT_WEIGHTS.resolve():
        return f"{path.name}, the defaults shipped with Routine Explorer {__version__} (SHA-256 {digest}…)"
    # The name and a digest identify the file without printing the folders of the user's machine.
    return f"{path.name}, a user's file (SHA-256 {digest}…)"


# ----------------------------------------------------------------------------- the page
def report_context(document, analysis: ChangeAnalysis, *, title: str | None = None, top: int = TOP, top_k: int | None = None,
                   sensitivity_runs: int | None = None, generated: dt.datetime | None = None) -> dict:
    """Everything the template shows, as plain values (map text as it is: the template escapes it).

    ``top_k`` (the k of the stability figure) and ``sensitivity_runs`` (how
    many perturbed runs the analysis made) come from the analysis unless given.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.resources import sample_graphs_dir
    >>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
    >>> context = report_context(doc, run_analysis(doc, sensitivity_runs=0), top=3)
    >>> [p["rank"] for p in context["points"]], context["sensitivity"]["runs_text"]
    ([1, 2, 3], 'no runs')
    >>> doc.close()
    """
    if not isinstance(top, int) or top < 1:
        raise ReportError(f"The number of points to show must be a whole number of at least 1, not {top!r}.")
    from explorer.core.schema import Schema

    store = document.store
    schema = Schema.from_store(store)
    generated = generated or dt.datetime.now().astimezone()
    weights = analysis.weights if analysis.weights is not None else load_weights()

    def kind_label(kind) -> str:
        found = schema.kind(kind) if kind is not None else None
        return found.label if found is not None else (str(kind).rsplit("#", 1)[-1].rsplit("/", 1)[-1] if kind else "")

    change_kind = next((o for _, _, o, _ in store.quads(analysis.change, RDF.type, None)), None)
    direct = [i for i in analysis.impacts if i.direct]
    change = {
        "label": _plain(analysis.change_label, 300),
        "kind": kind_label(change_kind) if change_kind is not None else "",
        "description": _text(store, analysis.change, (DCTERMS.description, RDFS.comment, SKOS.definition)),
        "components": _capped(sorted(_label(store, c) for _, _, c, _ in store.quads(analysis.change, RX.hasComponent, None))),
        "direct": [{"label": _plain(i.label, 120), "impact": i.impact} for i in direct[:LIST_LIMIT]],
        "direct_more": max(0, len(direct) - LIST_LIMIT),
        "indirect": len(analysis.impacts) - len(direct),
    }

    # Sources are numbered in the order the reasons shown first cite them.
    sources: list[str] = []
    source_index: dict[str, int] = {}

    def refs(citation: str) -> list[int]:
        numbers = []
        # "; " separates works ("2013;8:70" is one reference); a closing "(what it shows)" names the
        # mechanism, not the work, so the same paper is one source however many mechanisms cite it.
        for part in (_work(c) for c in citation.split("; ")):
            if not part or part.lower().startswith("judgement"):
                continue
            if part not in source_index:
                sources.append(part)
                source_index[part] = len(sources)
            numbers.append(source_index[part])
        return numbers

    # The analysis records how its stability was measured; the arguments only override that.
    runs = analysis.sensitivity_runs if sensitivity_runs is None else sensitivity_runs
    top_k = analysis.top_k if top_k is None else top_k
    shown = analysis.points[:top]
    points = []
    for rank, p in enumerate(shown, 1):
        reasons = sorted(p.reasons, key=lambda r: -abs(r.value))
        points.append({
            "rank": rank, "label": _plain(p.label, 160), "kind": kind_label(p.kind), "level": LEVELS.get(p.level, "meso"),
            "score": p.score, "restraining": p.restraining, "driving": p.driving, "confidence": p.confidence,
            "stability_text": "–" if p.stability is None else f"{p.stability:.0%}", "missing": list(p.missing),
            "reasons": [{"value": r.value, "text": _plain(r.text, 400), "refs": refs(r.citation),
                         "construct": _construct_label(store, r.construct)} for r in reasons[:REASONS]],
            "more": len(reasons) - REASONS if len(reasons) > REASONS else 0,
            "more_value": sum(r.value for r in reasons[REASONS:]),
        })

    resisting = [p for p in analysis.points if p.score > 0]
    headlines = []
    if resisting:
        named = ", ".join(f"{_plain(p.label, 60)} ({LEVELS.get(p.level, 'meso')})" for p in resisting[:3])
        headlines.append(f"The strongest likely resistance: {named}.")
    by_mechanism: Counter = Counter()
    for p in analysis.points:
        for r in p.reasons:
            by_mechanism[r.mechanism] += r.value
    barriers = [m for m, v in by_mechanism.most_common() if v > 0][:3]
    if barriers:
        headlines.append("Main reasons: " + ", ".join(m.split(".", 1)[-1].replace("_", " ") for m in barriers) + ".")
    helps = sorted((m for m, v in by_mechanism.items() if v < 0), key=lambda m: by_mechanism[m])[:2]
    if helps:
        headlines.append("What helps: " + ", ".join(m.split(".", 1)[-1].replace("_", " ") for m in helps) + ".")
    if analysis.levers:
        headlines.append(f"{len(analysis.levers)} lever{'s' if len(analysis.levers) != 1 else ''} found; first: {_plain(analysis.levers[0].text, 160)}.")
    top_stability = [p.stability for p in shown if p.stability is not None]
    if top_stability:
        steady = sum(1 for s in top_stability if s >= FRAGILE)
        headlines.append(f"{steady} of the {len(top_stability)} points shown stay in the top {top_k} in at least {FRAGILE:.0%} of sensitivity runs.")

    levels = []
    for level in (3, 2, 1):
        mine = [p for p in analysis.points if p.level == level]
        best = max(mine, key=lambda p: p.score) if mine else None
        levels.append({
            "name": LEVELS[level].capitalize(), "points": len(mine), "resisting": sum(1 for p in mine if p.score > 0),
            "mean": sum(p.score for p in mine) / len(mine) if mine else 0.0,
            "restraining": sum(p.restraining for p in mine), "driving": sum(p.driving for p in mine),
            "top": f"{_plain(best.label, 80)} ({best.score:+.2f})" if best is not None else "–",
        })

    groups: dict[str, list[str]] = {}
    for lever in analysis.levers:
        groups.setdefault(lever.kind, []).append(_plain(lever.text, 300))
    levers = [{"title": LEVER_TITLES.get(kind, kind.capitalize()), "items": _capped(items)} for kind, items in groups.items()]
    logics = [{"title": title, "question": question,
               "items": _capped([_plain(t, 300) for t in (analysis.logics or {}).get(key, ())])}
              for key, title, question in LOGICS]

    spread = weights["sensitivity.spread"]
    caveat = [
        "Every number in this report rests on weights that are assumptions, each with a source (see Method). "
        "The scores rank likely concerns against each other; they are not measurements, and small differences mean little.",
    ]
    if runs:
        mean = sum(top_stability) / len(top_stability) if top_stability else 0.0
        caveat.append(
            f"To see how much the ranking depends on those weights, the analysis was run {runs:,} more times, each time multiplying "
            f"every mechanism's weight by a random factor between {1 - spread:.2f} and {1 + spread:.2f} (seed {analysis.seed}). "
            f"The points shown stayed in the top {top_k} in {mean:.0%} of those runs on average.")
    else:
        caveat.append("No sensitivity runs were made for this report: read the ranking as indicative only.")
    caveat.append("Propagation and stance parameters (how far an impact travels, how stances spread) were held at their values in "
                  "those runs; change them in a copy of the weights file to test them.")
    fragile = [f"{p['rank']}. {p['label']}: in the top {top_k} in {p['stability_text']} of runs"
               for p, raw in zip(points, shown) if raw.stability is not None and raw.stability < FRAGILE]
    missing = [f"{p['rank']}. {p['label']}: no {', '.join(p['missing'])}" for p in points if p["missing"]]

    weights_path = getattr(weights, "path", None)
    facts = [
        ("Change analysed", f"{_plain(analysis.change_label, 200)} <{analysis.change}>"),
        ("Map", f"{_plain(document.title, 200)}" + (f" ({document.path.name})" if getattr(document, "path", None) else "")
                + f", {store.count():,} triples"),
        ("Ontology", f"Routine Explorer ontology, version {ontology_version(document)}"),
        ("Weights", _file_facts(weights_path) if weights_path is not None else "built in"),
        ("Sensitivity", f"{runs:,} runs, spread ±{spread:.0%}, top {top_k}, seed {analysis.seed}" if runs else "not run"),
        ("Propagation", f"at most {int(weights['propagation.max_hops'])} interdependencies; shares pooled {weights['propagation.pooled']:.2f}, "
                        f"sequential {weights['propagation.sequential']:.2f}, reciprocal {weights['propagation.reciprocal']:.2f}, "
                        f"untyped {weights['propagation.untyped']:.2f}"),
        ("Confidence", f"minus {weights['confidence.missing_input']:.2f} for each input the map does not give"),
        ("Software", f"Routine Explorer {__version__}"),
        ("Generated", generated.isoformat(timespec="seconds")),
    ]
    weight_rows = [{"name": name, "value": f"{weights[name]:g}", "source": _plain(weights.entry(name).source, 300)} for name in weights]

    return {
        "title": _plain(title, 300) if title else f"Where “{_plain(analysis.change_label, 160)}” may meet resistance",
        "map_title": _plain(document.title, 200),
        "date_long": f"{generated.day} {generated:%B %Y}",
        "generated_iso": generated.isoformat(timespec="seconds"),
        "software_version": __version__,
        "change": change,
        "summary": {"points": len(analysis.points), "resisting": len(resisting), "restraining": analysis.restraining,
                    "driving": analysis.driving, "index": analysis.index, "headlines": headlines},
        "points": points,
        "levels": levels,
        "levers": levers,
        "logics": logics,
        "sensitivity": {"caveat": caveat, "fragile": fragile, "missing": missing, "top_k": top_k,
                        "runs_text": f"{runs:,} runs" if runs else "no runs"},
        "sources": sources,
        "method": {
            "summary": "The change analysis follows the routines the change disrupts and the interdependencies between them, "
                       "finds who carries each routine and which norms and external forces bear on them, lets stated stances "
                       "spread along influence ties, and adds up each point's restraining and driving forces, one documented "
                       "mechanism at a time.",
            "facts": facts,
        },
        "weights": weight_rows,
    }


def render_report(context: Mapping, *, map_src: str | None = None, charts: Mapping[str, str] | None = None,
                  for_print: bool = False, image_width: int = 680) -> str:
    """The report page from :func:`report_context` and image sources (``data:`` URIs or resource names)."""
    return _ENV.get_template("report.html.j2").render(
        **context, map_src=map_src, charts={"force_field": None, "by_level": None, **(charts or {})}, for_print=for_print,
        image_width=image_width)


def _map_src(map_image) -> str | None:
    if map_image is None:
        return None
    if isinstance(map_image, (bytes, bytearray)):
        if not bytes(map_image[:8]) == b"\x89PNG\r\n\x1a\n":
            raise ReportError("The map image must be PNG bytes.")
        return data_uri(bytes(map_image), "image/png")
    text = str(map_image)
    if not text.startswith("data:image/"):
        raise ReportError("The map image must be PNG bytes or a data:image/ URI (a report never loads files or URLs).")
    return text


def report_html(document, analysis: ChangeAnalysis, *, map_image: bytes | str | None = None, title: str | None = None,
                top: int = TOP, top_k: int | None = None, sensitivity_runs: int | None = None, charts: bool = True,
                chart_format: str = "svg", for_print: bool = False, image_width: int = 680,
                generated: dt.datetime | None = None, map_src: str | None = None) -> str:
    """The report as one HTML page; ``map_image`` is PNG bytes (or a ``data:image/`` URI) of the map.

    Charts are SVG by default (PNG for engines without SVG images, such as the PDF's).
    ``map_src`` replaces ``map_image`` with an image source the caller vouches for
    (the PDF puts a placeholder there and paints the map itself, as vectors).
    """
    context = report_context(document, analysis, title=title, top=top, top_k=top_k, sensitivity_runs=sensitivity_runs,
                             generated=generated)
    images = {}
    if charts and analysis.points:
        mime = {"svg": "image/svg+xml", "png": "image/png"}[chart_format]
        shown = analysis.points[:top]
        images["force_field"] = data_uri(chart_force_field(shown, fmt=chart_format), mime)
        images["by_level"] = data_uri(chart_scores_by_level(analysis.points, fmt=chart_format), mime)
    return render_report(context, map_src=map_src or _map_src(map_image), charts=images, for_print=for_print,
                         image_width=image_width)


def generate_report_html(document, path: Path, *, title: str | None = None, change=None, weights=None,
                         analysis: ChangeAnalysis | None = None, map_image: bytes | str | None = None,
                         progress: Callable[[int, int], None] | None = None, top: int = TOP, top_k: int = TOP, seed: int = 0,
                         sensitivity_runs: int | None = None, generated: dt.datetime | None = None, **options) -> None:
    """Write the report on ``change`` (the map's only one when None) as a self-contained HTML file.

    ``analysis`` is reused when given (and must be of ``change``); otherwise
    the change is analysed here with ``weights`` (a file, or the defaults).
    ``map_image`` is the map as PNG bytes (see
    :func:`explorer.ui.image_export.map_png`); without it the report says
    where to get one. Other options are refused, naming them.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.resources import sample_graphs_dir
    >>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
    >>> out = Path(tempfile.mkdtemp()) / "report.html"
    >>> generate_report_html(doc, out, sensitivity_runs=0)
    >>> "<title>Where “CLABSI checklist bundle (Keystone)” may meet resistance</title>" in out.read_text(encoding="utf-8")
    True
    >>> doc.close()
    """
    options.pop("heat", None)  # the report draws its own heat from the analysis
    if options:
        raise ReportError(f"Unknown report option(s): {', '.join(sorted(options))}.")
    report = progress or (lambda done, total: None)
    # In hundredths: the analysis (mostly its sensitivity runs) is the first 80, the page the rest.
    analysis = ensure_analysis(document, analysis, change=change, weights=weights, top_k=top_k, seed=seed,
                               sensitivity_runs=sensitivity_runs, progress=lambda done, total: report(80 * done // max(total, 1), 100))
    report(80, 100)
    page = report_html(document, analysis, map_image=map_image, title=title, top=top, generated=generated)
    report(95, 100)
    atomic_write(path, page.encode("utf-8"))
    report(100, 100)


def ensure_analysis(document, analysis: ChangeAnalysis | None, *, change=None, weights=None, top_k: int = TOP, seed: int = 0,
                    sensitivity_runs: int | None = None, progress=None) -> ChangeAnalysis:
    """``analysis`` when it is of ``change`` (or no change is asked for); else a new analysis of ``change``."""
    if analysis is not None and (change is None or URIRef(str(change)) == analysis.change):
        return analysis
    return run_analysis(document, change, weights=weights, top_k=top_k, seed=seed, sensitivity_runs=sensitivity_runs,
                        progress=progress)
