"""The change report: what a board reads about where a proposed change will meet resistance, as HTML.

One self-contained page (styles inline, images as ``data:`` URIs, a
Content-Security-Policy that allows nothing else), rendered from an
autoescaping jinja2 template (``templates/report.html.j2``), so a label such
as ``<img src=x onerror=alert(1)>`` reads as text. It holds the title and date;
the proposed change; the map by level with its legend (a PNG the caller makes,
since drawing the map needs Qt: see :func:`explorer.ui.canvas.image_export.map_png`);
the headline figure (how many of the people the change exposes are likely
to resist, with its interval); the points of likely resistance, each
with its likelihood, interval, rank range, sentence and reasons grouped into
what the change transgresses and what makes it harder or easier, with
construct labels and numbered citations; charts drawn with matplotlib (the
force field of the top points, the likelihood by level); the levers with their
computed effects; the result read through the three logics; how far to trust
it (the uncertainty runs and the fragile conclusions); and a method note naming
the ontology version and the weights file.

The PDF of the same report is :mod:`explorer.ui.files.report_pdf`.

Examples
--------
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.resources import sample_maps
>>> doc = MapDocument.open([p for p in sample_maps() if p.stem == "keystone-michigan"][0], editing=False)
>>> result = run_analysis(doc, runs=20)
>>> page = report_html(doc, result, charts=False)
>>> "CLABSI checklist bundle" in page and "How far to trust the result" in page
True
>>> doc.close()
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import io
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from explorer import __version__
from explorer.analysis.change import ChangeAnalysis
from explorer.analysis.weights import DEFAULT_WEIGHTS, Weights, load_weights
from explorer.core.atomic_file import atomic_write
from explorer.core.document import ONTOLOGY_GRAPH
from explorer.core.errors import ExplorerError
from explorer.core.map_details import credit_line, description_paragraphs, read_details
from explorer.core.namespaces import RX
from explorer.core.presentation import DRIVING_COLOUR, LEVELS, RESTRAINING_COLOUR
from explorer.core.scenarios import display_title, shown
from explorer.core.schema import schema_of
from explorer.core.software import software_line
from explorer.core.terms import local_name
from explorer.core.text import one_line

from .change_text import (
    figure_caption,
    figure_meaning,
    figure_sentence,
    interval,
    kind_text,
    lever_effect,
    people,
    percent,
    plain_missing,
    rank_range,
    reason_groups,
)
from .model import HEAT_LEGEND

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Points shown in the table, the charts and the reasons.
TOP = 10
#: Reasons shown in each group of a point, strongest first (the rest are summed in one line).
REASONS = 3
#: Items shown in each list of levers and in each logic (the rest are counted).
LIST_LIMIT = 10
LOGICS = (
    (
        "mechanistic",
        "Mechanistic: barriers, facilitators, fidelity",
        "Which forces hold the change back or carry it, and which components may not be done as designed?",
    ),
    (
        "ecological",
        "Ecological: interdependencies and local adaptation",
        "How does the change travel through routines that depend on each other, and where will it be adapted?",
    ),
    (
        "social",
        "Social: norms, legitimacy, ownership and fatigue",
        "Which norms does it collide with, who owns it, and what else competes for the same people?",
    ),
)
_ONTOLOGY = URIRef(str(RX).rstrip("#/"))


@functools.cache
def template_env():
    """The templates' environment, shared by the change report and the comparison report (one escaping).

    Made when a report is first written, not at start (jinja2's import is a fiftieth of a second of every start).

    Examples
    --------
    >>> template_env().autoescape, template_env() is template_env()
    (True, True)
    """
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every value from the map is text, whatever the template's name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class ReportError(ExplorerError):
    """The report cannot be made (bad option, nothing to analyse...)."""


# ----------------------------------------------------------------------------- analysis
def run_analysis(
    document,
    change=None,
    *,
    weights=None,
    top_k: int = TOP,
    seed: int = 0,
    runs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ChangeAnalysis:
    """Analyse ``change`` (the map's only one when None) on ``document``, as ``routine-explorer analyse`` does.

    ``weights`` is a :class:`~explorer.analysis.weights.Weights`, a weights file or None (the defaults);
    ``runs`` the number of uncertainty runs (the weights file's when None; 0 skips them).

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.resources import sample_graphs_dir
    >>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
    >>> result = run_analysis(doc, runs=0)
    >>> result.change_label, len(result.points) > 10
    ('CLABSI checklist bundle (Keystone)', True)
    >>> doc.close()
    """
    from explorer.analysis.change import analyse_change
    from explorer.analysis.graph import map_graph

    table = weights if isinstance(weights, Weights) else load_weights(weights)
    G = map_graph(document.store)
    return analyse_change(G, change, weights=table, top_k=top_k, seed=seed, runs=runs, progress=progress)


# ----------------------------------------------------------------------------- charts
def data_uri(data: bytes, mime: str) -> str:
    """``data`` as a ``data:`` URI (base64).

    Examples
    --------
    >>> data_uri(b"<svg/>", "image/svg+xml")
    'data:image/svg+xml;base64,PHN2Zy8+'
    """
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def figure_bytes(figure, fmt: str, dpi: int) -> bytes:
    """A matplotlib ``figure`` as ``fmt`` bytes (``svg`` or ``png``), the same bytes for the same figure."""
    out = io.BytesIO()
    # No date in the file and a fixed id salt: the same result gives the same bytes.
    metadata = {"Date": None} if fmt == "svg" else {"Software": f"Routine Explorer {__version__}"}
    figure.savefig(out, format=fmt, dpi=dpi, metadata=metadata, bbox_inches="tight", pad_inches=0.08, facecolor="white")
    return out.getvalue()


def chart_style():
    """The reports' chart style for matplotlib, as a context manager (labels as text, quiet axes)."""
    import matplotlib

    # parse_math off: a label such as "cost $5 to $10" is text, not TeX.
    return matplotlib.rc_context(
        {
            "text.parse_math": False,
            "svg.fonttype": "path",
            "svg.hashsalt": "routine-explorer",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#8d96a3",
            "axes.labelcolor": "#1d232b",
            "xtick.color": "#5f6875",
            "ytick.color": "#1d232b",
        }
    )


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
    with chart_style():
        height = 1.0 + 0.36 * max(len(points), 1)
        figure = Figure(figsize=(7.2, height))
        axes = figure.add_subplot()
        names = [f"{rank}. {one_line(p.label, 46)}" for rank, p in enumerate(points, 1)]
        ys = list(range(len(points)))
        axes.barh(ys, [-p.driving for p in points], color=DRIVING_COLOUR, height=0.62, label="driving")
        axes.barh(ys, [p.restraining for p in points], color=RESTRAINING_COLOUR, height=0.62, label="restraining")
        axes.scatter([p.score for p in points], ys, marker="D", s=22, color="#1d232b", zorder=3, label="score")
        axes.axvline(0, color="#1d232b", linewidth=0.8)
        axes.set_yticks(ys, labels=names)
        axes.invert_yaxis()
        limit = max([max(p.restraining, p.driving) for p in points] + [0.5]) * 1.08
        axes.set_xlim(-limit, limit)
        axes.set_xlabel("← driving forces (ease it)        restraining forces (resistance) →")
        axes.grid(axis="x", color="#e3e7ec", linewidth=0.6)
        axes.set_axisbelow(True)
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8, ncols=3)
        return figure_bytes(figure, fmt, dpi)


def chart_likelihood_by_level(points, *, fmt: str = "svg", dpi: int = 200) -> bytes:
    """Every point's likelihood of resistance in its level's row (macro at the top), on a fixed 0–100 % axis,
    coloured as the heat; the level's mean marked and its likeliest point named.

    Examples
    --------
    >>> from explorer.analysis.change import Point
    >>> png = chart_likelihood_by_level([Point("urn:x:a", "ICU", None, 2, 0.5, 0.8, 0.3, 0.39)], fmt="png", dpi=50)
    >>> png[:4]
    b'\\x89PNG'
    """
    import numpy as np
    from matplotlib.figure import Figure

    from .model import heat_colour, heat_strength

    rows = (3, 2, 1)
    rng = np.random.default_rng(0)  # jitter only: the same points always land in the same places
    with chart_style():
        figure = Figure(figsize=(7.2, 2.9))
        axes = figure.add_subplot()
        for row, level in enumerate(rows):
            mine = [p for p in points if p.level == level]
            if not mine:
                continue
            values = np.array([100 * (heat_strength(p.likelihood) or 0.0) for p in mine])
            jitter = rng.uniform(-0.18, 0.18, len(mine))
            colours = [heat_colour(v / 100) for v in values]
            axes.scatter(
                values, row + jitter, s=30, c=colours, alpha=0.95, edgecolors="#8d96a3", linewidths=0.5, zorder=3
            )
            axes.plot([values.mean()] * 2, [row - 0.32, row + 0.32], color="#1d232b", linewidth=2, zorder=4)
            top = max(mine, key=lambda p: p.likelihood)
            x = 100 * (heat_strength(top.likelihood) or 0.0)
            axes.annotate(
                one_line(top.label, 34),
                (x, row),
                xytext=(-6 if x > 70 else 6, 9),
                textcoords="offset points",
                fontsize=7.5,
                color="#1d232b",
                ha="right" if x > 70 else "left",
            )
        axes.set_yticks(
            range(len(rows)),
            labels=[f"{LEVELS[lv].capitalize()} ({sum(1 for p in points if p.level == lv)})" for lv in rows],
        )
        axes.set_ylim(len(rows) - 0.5, -0.75)  # room above the top row for its name
        axes.set_xlim(-2, 102)
        axes.set_xticks([0, 25, 50, 75, 100], labels=["0 %", "25 %", "50 %", "75 %", "100 %"])
        axes.set_xlabel("likelihood of resistance (bar: the level's mean)")
        axes.grid(axis="x", color="#e3e7ec", linewidth=0.6)
        axes.set_axisbelow(True)
        return figure_bytes(figure, fmt, dpi)


# ----------------------------------------------------------------------------- reading the map
def _label(store, iri) -> str:
    labels = [
        (str(o), getattr(o, "language", None) or "")
        for p in (RDFS.label, SKOS.prefLabel)
        for _, _, o, _ in store.quads(iri, p, None)
    ]
    if labels:
        preferred = [pair for pair in labels if pair[1] in ("", "en")] or labels
        return one_line(min(preferred)[0], 200)
    return local_name(iri)


def _text(store, iri, predicates, graph=None) -> str:
    for predicate in predicates:
        for _, _, value, _ in (
            store.quads(iri, predicate, None) if graph is None else store.quads(iri, predicate, None, graph)
        ):
            return one_line(value, 1200)
    return ""


def ontology_version(document) -> str:
    """The ontology's ``owl:versionInfo`` (and version IRI) as loaded with the map, or ``"not recorded with the map"``.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> ontology_version(MapDocument.new())
    '0.1.0 (https://w3id.org/routine-explorer/ns/0.1.0)'
    """
    store = document.store
    candidates = [_ONTOLOGY] + [
        s for s, _, _, _ in store.quads(None, RDF.type, OWL.Ontology, ONTOLOGY_GRAPH) if s != _ONTOLOGY
    ]
    for ontology in candidates:
        version = _text(store, ontology, (OWL.versionInfo,), ONTOLOGY_GRAPH)
        if version:
            iri = _text(store, ontology, (OWL.versionIRI,), ONTOLOGY_GRAPH)
            return f"{version} ({iri})" if iri else version
    return "not recorded with the map"


def _construct_label(store, reason) -> str:
    """The reason's construct as people name it: its label (``"legitimation"``), never the CURIE.

    The analysis gives the label; a reason without one is looked up in the ontology's schemes.
    """
    if reason.construct_label:
        return one_line(reason.construct_label, 120)
    curie = reason.construct or ""
    if curie.startswith("rx:"):
        return _text(store, RX[curie[3:]], (SKOS.prefLabel, RDFS.label), ONTOLOGY_GRAPH)
    return ""


def capped(items: list, limit: int | None = None, *, command: str = "routine-explorer analyse") -> list:
    """At most ``limit`` items (:data:`LIST_LIMIT`), the rest counted in a last line: a big map lists hundreds.

    ``command`` is the command line that lists all of them (with ``--format json``).

    Examples
    --------
    >>> capped(["a", "b", "c"], 2)
    ['a', 'b', '… and 1 more (all of them in the app and in routine-explorer analyse --format json)']
    """
    limit = LIST_LIMIT if limit is None else limit
    if len(items) <= limit:
        return list(items)
    return list(items[:limit]) + [
        f"… and {len(items) - limit:,} more (all of them in the app and in {command} --format json)"
    ]


def _work(citation: str) -> str:
    """A citation without its closing parenthetical note.

    Examples
    --------
    >>> _work("Lewin K. Field Theory in Social Science. 1951 (force field)")
    'Lewin K. Field Theory in Social Science. 1951'
    """
    text = one_line(citation, 400).strip()
    if text.endswith(")") and " (" in text:
        text = text[: text.rindex(" (")].rstrip()
    return text


def file_facts(path) -> str:
    """A weights file as a report names it: its name and digest (the defaults said to be the defaults)."""
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
def report_context(
    document,
    analysis: ChangeAnalysis,
    *,
    title: str | None = None,
    top: int = TOP,
    top_k: int | None = None,
    runs: int | None = None,
    generated: dt.datetime | None = None,
) -> dict:
    """Everything the template shows, as plain values (map text as it is: the template escapes it).

    ``top_k`` (the k of the top-k share) and ``runs`` (how many uncertainty
    runs the analysis made) come from the analysis unless given.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.resources import sample_graphs_dir
    >>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
    >>> context = report_context(doc, run_analysis(doc, runs=0), top=3)
    >>> [p["rank"] for p in context["points"]], context["uncertainty"]["runs_text"]
    ([1, 2, 3], 'no uncertainty runs')
    >>> doc.close()
    """
    if not isinstance(top, int) or top < 1:
        raise ReportError(f"The number of points to show must be a whole number of at least 1, not {top!r}.")
    store = document.store
    schema = schema_of(document)
    generated = generated or dt.datetime.now().astimezone()
    weights = analysis.weights if analysis.weights is not None else load_weights()

    def kind_label(kind) -> str:
        found = schema.kind(kind) if kind is not None else None
        return found.label if found is not None else (local_name(kind) if kind else "")

    change_kind = next((o for _, _, o, _ in store.quads(analysis.change, RDF.type, None)), None)
    direct = [i for i in analysis.impacts if i.direct]
    change = {
        "label": one_line(analysis.change_label, 300),
        "kind": kind_label(change_kind) if change_kind is not None else "",
        "description": _text(store, analysis.change, (DCTERMS.description, RDFS.comment, SKOS.definition)),
        "components": capped(
            sorted(_label(store, c) for _, _, c, _ in store.quads(analysis.change, RX.hasComponent, None))
        ),
        "direct": [{"label": one_line(i.label, 120), "impact": i.impact} for i in direct[:LIST_LIMIT]],
        "direct_more": max(0, len(direct) - LIST_LIMIT),
        "indirect": len(analysis.impacts) - len(direct),
        "missing": [plain_missing(m) for m in analysis.missing],
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

    # The analysis records how its uncertainty was measured; the arguments only override that.
    runs = analysis.runs if runs is None else runs
    top_k = analysis.top_k if top_k is None else top_k
    figure = analysis.figure

    def reason_rows(reasons: list) -> dict:
        shown = reasons[:REASONS]
        rest = reasons[REASONS:]
        return {
            "items": [
                {
                    "value": r.value,
                    "text": one_line(r.text, 400),
                    "refs": refs(r.citation),
                    "construct": _construct_label(store, r),
                }
                for r in shown
            ],
            "more": len(rest),
            "more_value": sum(r.value for r in rest),
        }

    shown = analysis.points[:top]
    points = []
    for rank, p in enumerate(shown, 1):
        transgressions, harder, easier = reason_groups(p.reasons)
        attitudes = []
        if p.stated_attitude is not None:
            attitudes.append(f"stated {p.stated_attitude:+.2f}")
            if p.attitude is not None and abs(p.attitude - p.stated_attitude) >= 0.005:
                attitudes.append(f"{p.attitude:+.2f} after the influence of their ties")
        elif p.attitude is not None and abs(p.attitude) >= 0.005:
            attitudes.append(f"none stated; {p.attitude:+.2f} from the influence of their ties")
        points.append(
            {
                "rank": rank,
                "label": one_line(p.label, 160),
                "kind": kind_text(kind_label(p.kind), p.role),
                "level": LEVELS.get(p.level, "meso"),
                "likelihood": percent(p.likelihood),
                "interval": interval(p.likelihood_low, p.likelihood_high) or "–",
                "ranks": rank_range(p.rank_low, p.rank_high),
                "ranks_text": ""
                if p.rank_low is None
                else (
                    f"rank{'s' if p.rank_low != p.rank_high else ''} {rank_range(p.rank_low, p.rank_high)} across runs"
                ),
                "top_share": percent(p.stability),
                "confidence": percent(p.confidence),
                "score": p.score,
                "restraining": p.restraining,
                "driving": p.driving,
                "sentence": one_line(p.sentence, 1200),
                "attitude": ", ".join(attitudes),
                "missing": [plain_missing(m) for m in p.missing],
                "collective": p.role == "collective",
                "transgressions": reason_rows(transgressions),
                "harder": reason_rows(harder),
                "easier": reason_rows(easier),
            }
        )

    likely = [p for p in analysis.points if p.likelihood >= 0.5]
    headlines = []
    # Named by who carries it: a unit or group ranked high restates its people.
    carriers = [p for p in analysis.points if p.role == "carrier"] or list(analysis.points)
    if carriers:
        named = "; ".join(f"{one_line(p.label, 60)} ({percent(p.likelihood)})" for p in carriers[:3])
        headlines.append(f"The likeliest to resist: {named}.")
    # Carriers only: a unit, routine or norm restates its people's reasons.
    by_mechanism: Counter = Counter()
    labels: dict = {}
    for p in analysis.points:
        if p.role != "carrier":
            continue
        for r in p.reasons:
            by_mechanism[r.mechanism] += r.value
            labels.setdefault(r.mechanism, r.label or r.mechanism.split(".", 1)[-1].replace("_", " "))
    barriers = [m for m, v in by_mechanism.most_common() if v > 0][:3]
    if barriers:
        headlines.append("What weighs most: " + ", ".join(labels[m] for m in barriers) + ".")
    helps = sorted((m for m, v in by_mechanism.items() if v < 0), key=lambda m: by_mechanism[m])[:2]
    if helps:
        headlines.append("What helps most: " + ", ".join(labels[m] for m in helps) + ".")
    if analysis.levers and analysis.levers[0].effect > 0:
        best = analysis.levers[0]
        headlines.append(f"The strongest lever: {one_line(best.text, 160)} ({lever_effect(best)}).")
    if analysis.fragile:
        headlines.append(
            f"{len(analysis.fragile)} conclusion{'s are' if len(analysis.fragile) != 1 else ' is'} fragile "
            "(see How far to trust the result)."
        )

    levels = []
    for level in (3, 2, 1):
        mine = [p for p in analysis.points if p.level == level]
        best = max(mine, key=lambda p: p.likelihood) if mine else None
        levels.append(
            {
                "name": LEVELS[level].capitalize(),
                "points": len(mine),
                "likely": sum(1 for p in mine if p.likelihood >= 0.5),
                "mean": percent(sum(p.likelihood for p in mine) / len(mine)) if mine else "–",
                "top": f"{one_line(best.label, 80)} ({percent(best.likelihood)})" if best is not None else "–",
            }
        )

    levers = [
        {
            "effect": lever_effect(lever, short=True),
            "helps": lever.effect > 0,
            "text": one_line(lever.text, 300),
            "kind": lever.kind,
            "after": people(lever.figure_after),
        }
        for lever in analysis.levers[:LIST_LIMIT]
    ]
    levers_more = max(0, len(analysis.levers) - LIST_LIMIT)
    logics = [
        {
            "title": title,
            "question": question,
            "items": capped([one_line(t, 300) for t in (analysis.logics or {}).get(key, ())]),
        }
        for key, title, question in LOGICS
    ]

    weight_spread, input_spread = weights["uncertainty.weight_spread"], weights["uncertainty.input_spread"]
    caveat = [
        "Every number in this report rests on weights that are assumptions, each with a source (see Method), and on "
        "the map's inputs, which are estimates. The likelihoods rank likely concerns against each other; they are not "
        "measurements, and small differences mean little.",
    ]
    if runs:
        caveat.append(
            f"To see how much the result depends on both, the analysis was run {runs:,} more times "
            f"(seed {analysis.seed}). Each run multiplied every weight by a random factor between "
            f"{1 - weight_spread:.2f} and {1 + weight_spread:.2f}, "
            "and drew each of the map's inputs around its value by its stated confidence (the less sure the map is of "
            "an input, the wider it varies; an input the map does not give varies over its whole scale). "
            f"The intervals hold the middle {figure.interval:.0%} of those runs; the rank range, the ranks a point "
            f"took; the top-{top_k} share, how often it was among the {top_k} likeliest."
        )
    else:
        caveat.append(
            "No uncertainty runs were made for this report: there are no intervals, and the ranking should "
            "be read as indicative only."
        )
    missing = [f"{p['rank']}. {p['label']}: {', '.join(p['missing'])}" for p in points if p["missing"]]

    weights_path = getattr(weights, "path", None)
    facts = [
        ("Change analysed", f"{one_line(analysis.change_label, 200)} <{analysis.change}>"),
        (
            "Map",
            f"{one_line(document.title, 200)}"
            + (f" ({document.path.name})" if getattr(document, "path", None) else "")
            + f", {store.count():,} triples",
        ),
        ("Ontology", f"Routine Explorer ontology, version {ontology_version(document)}"),
        ("Weights", file_facts(weights_path) if weights_path is not None else "built in"),
        (
            "Uncertainty",
            (
                f"{runs:,} runs, seed {analysis.seed}; weights ±{weight_spread:.0%}, inputs by their confidence "
                f"(spread {input_spread:g}); intervals of the middle {figure.interval:.0%}; top {top_k}"
            )
            if runs
            else "not run",
        ),
        (
            "Propagation",
            f"at most {int(weights['propagation.max_hops'])} interdependencies; "
            f"shares pooled {weights['propagation.pooled']:.2f}, "
            f"sequential {weights['propagation.sequential']:.2f}, reciprocal {weights['propagation.reciprocal']:.2f}, "
            f"untyped {weights['propagation.untyped']:.2f}",
        ),
        (
            "Likelihood",
            "1 − e^(−R) for a point's resistance R; "
            "the headline figure adds up each exposed point's likelihood times its headcount",
        ),
        ("Software", software_line()),
        ("Generated", generated.isoformat(timespec="seconds")),
    ]
    weight_rows = []
    for name in weights:
        entry = weights.entry(name)
        weight_rows.append(
            {
                "label": one_line(entry.label or name, 120),
                "name": name,
                "value": f"{entry.value:g}",
                "source": one_line(entry.source, 300),
            }
        )

    details = read_details(store)
    return {
        "title": one_line(title, 300)
        if title
        else f"Where “{one_line(analysis.change_label, 160)}” may meet resistance",
        "map_title": one_line(document.title, 200),
        # Who made the map and what it is about, under the title (the description cut to a title block's worth).
        "credits": credit_line(details),
        "map_description": description_paragraphs(details, limit=1200),
        "date_long": f"{generated.day} {generated:%B %Y}",
        "generated_iso": generated.isoformat(timespec="seconds"),
        "software_version": __version__,
        "change": change,
        "summary": {
            "points": len(analysis.points),
            "likely": len(likely),
            "headlines": headlines,
            "figure": people(figure.value) if figure.points else "0",
            "figure_sentence": figure_sentence(figure, runs),
            "figure_caption": figure_caption(figure),
            "figure_share": percent(figure.share) if figure.points and figure.people != 1 else "",
            "figure_interval": f"{people(figure.low)}–{people(figure.high)}" if runs and figure.low is not None else "",
            "figure_meaning": figure_meaning(figure, runs),
            "people": figure.people,
            "exposed": bool(figure.points),
            "best_lever": lever_effect(analysis.levers[0], short=True)
            if analysis.levers and analysis.levers[0].effect > 0
            else "",
        },
        "points": points,
        "levels": levels,
        "levers": levers,
        "levers_more": levers_more,
        "levers_start": people(figure.value),
        "logics": logics,
        "uncertainty": {
            "caveat": caveat,
            "fragile": [one_line(t, 400) for t in analysis.fragile],
            "missing": missing,
            "top_k": top_k,
            "runs": runs,
            "interval": percent(figure.interval),
            "runs_text": f"{runs:,} uncertainty runs" if runs else "no uncertainty runs",
        },
        "heat_legend": HEAT_LEGEND,
        "sources": sources,
        "method": {
            "summary": (
                "The change analysis finds what the change transgresses (the routines it disrupts or introduces, the "
                "norms it violates, the tasks it moves across professional boundaries) and who carries each "
                "transgression, at micro, meso and macro level. The context (sponsorship, fatigue, workload, "
                "readiness, peers, data feedback, stances spread along influence ties, leaders, external forces) makes "
                "each transgression easier or harder to bear but never creates resistance on its own. Each point's "
                "reasons are signed parts that add up to its resistance, one documented mechanism at a time."
            ),
            "facts": facts,
        },
        "weights": weight_rows,
    }


def render_report(
    context: Mapping,
    *,
    map_src: str | None = None,
    charts: Mapping[str, str] | None = None,
    for_print: bool = False,
    image_width: int = 680,
    level_maps: list | None = None,
) -> str:
    """The report page from :func:`report_context` and image sources (``data:`` URIs or resource names).

    ``level_maps`` are further figures of the map after the whole one, each a mapping with ``title``, ``src``
    and ``caption`` (the PDF's map level by level, at a size its labels can be read on paper).
    """
    template = template_env().get_template("report.html.j2")
    return template.render(
        **context,
        map_src=map_src,
        charts={"force_field": None, "by_level": None, **(charts or {})},
        for_print=for_print,
        image_width=image_width,
        level_maps=list(level_maps or ()),
    )


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


def report_html(
    document,
    analysis: ChangeAnalysis,
    *,
    map_image: bytes | str | None = None,
    title: str | None = None,
    top: int = TOP,
    top_k: int | None = None,
    runs: int | None = None,
    charts: bool = True,
    chart_format: str = "svg",
    for_print: bool = False,
    image_width: int = 680,
    generated: dt.datetime | None = None,
    map_src: str | None = None,
    level_maps: list | None = None,
) -> str:
    """The report as one HTML page; ``map_image`` is PNG bytes (or a ``data:image/`` URI) of the map.

    Charts are SVG by default (PNG for engines without SVG images, such as the PDF's).
    ``map_src`` replaces ``map_image`` with an image source the caller vouches for
    (the PDF puts a placeholder there and paints the map itself, as vectors); ``level_maps`` are the
    further figures of :func:`render_report`.
    """
    context = report_context(document, analysis, title=title, top=top, top_k=top_k, runs=runs, generated=generated)
    images = {}
    if charts and analysis.points:
        mime = {"svg": "image/svg+xml", "png": "image/png"}[chart_format]
        shown = analysis.points[:top]
        images["force_field"] = data_uri(chart_force_field(shown, fmt=chart_format), mime)
        images["by_level"] = data_uri(chart_likelihood_by_level(analysis.points, fmt=chart_format), mime)
    return render_report(
        context,
        map_src=map_src or _map_src(map_image),
        charts=images,
        for_print=for_print,
        image_width=image_width,
        level_maps=level_maps,
    )


def scenario_title(document, analysis) -> str | None:
    """The report's title while a scenario is shown, naming it (a board must not read the to-be map as today's);
    None when the map as it is is shown (the usual title). ``analysis`` gives the change's label.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.scenarios import create, show
    >>> doc = MapDocument.new(with_ontology=False, title="Ward 7")
    >>> from types import SimpleNamespace
    >>> analysis = SimpleNamespace(change_label="Discharge")
    >>> scenario_title(doc, analysis) is None
    True
    >>> command, to_be = create(doc, "to-be"); doc.execute(command); doc.execute(show(doc, to_be))
    >>> scenario_title(doc, analysis)
    'Where “Discharge” may meet resistance in Ward 7 — scenario “to-be”'
    >>> doc.close()
    """
    if shown(document.store) is None:
        return None
    return f"Where “{one_line(analysis.change_label, 160)}” may meet resistance in {display_title(document)}"


def generate_report_html(
    document,
    path: Path,
    *,
    title: str | None = None,
    change=None,
    weights=None,
    analysis: ChangeAnalysis | None = None,
    map_image: bytes | str | None = None,
    progress: Callable[[int, int], None] | None = None,
    top: int = TOP,
    top_k: int = TOP,
    seed: int = 0,
    runs: int | None = None,
    generated: dt.datetime | None = None,
    **options,
) -> None:
    """Write the report on ``change`` (the map's only one when None) as a self-contained HTML file.

    ``analysis`` is reused when given (and must be of ``change``); otherwise
    the change is analysed here with ``weights`` (a file, or the defaults).
    ``map_image`` is the map as PNG bytes (see
    :func:`explorer.ui.canvas.image_export.map_png`); without it the report says
    where to get one. Other options are refused, naming them.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.resources import sample_graphs_dir
    >>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
    >>> out = Path(tempfile.mkdtemp()) / "report.html"
    >>> generate_report_html(doc, out, runs=0)
    >>> page = out.read_text(encoding="utf-8")
    >>> "<title>Where “CLABSI checklist bundle (Keystone)” may meet resistance</title>" in page
    True
    >>> doc.close()
    """
    options.pop("heat", None)  # the report draws its own heat from the analysis
    if options:
        raise ReportError(f"Unknown report option(s): {', '.join(sorted(options))}.")
    report = progress or (lambda done, total: None)
    # In hundredths: the analysis (mostly its uncertainty runs and levers) is the first 80, the page the rest.
    analysis = ensure_analysis(
        document,
        analysis,
        change=change,
        weights=weights,
        top_k=top_k,
        seed=seed,
        runs=runs,
        progress=lambda done, total: report(80 * done // max(total, 1), 100),
    )
    report(80, 100)
    page = report_html(document, analysis, map_image=map_image, title=title, top=top, generated=generated)
    report(95, 100)
    atomic_write(path, page.encode("utf-8"))
    report(100, 100)


def ensure_analysis(
    document,
    analysis: ChangeAnalysis | None,
    *,
    change=None,
    weights=None,
    top_k: int = TOP,
    seed: int = 0,
    runs: int | None = None,
    progress=None,
) -> ChangeAnalysis:
    """``analysis`` when it is of ``change`` (or no change is asked for); else a new analysis of ``change``."""
    if analysis is not None and (change is None or URIRef(str(change)) == analysis.change):
        return analysis
    return run_analysis(document, change, weights=weights, top_k=top_k, seed=seed, runs=runs, progress=progress)
