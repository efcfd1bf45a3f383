"""Interactive HTML: one self-contained page that draws the map in any browser, offline.

How it is built, and why
------------------------
pyvis 0.3.2 is used for what it does well: it ships a build of vis-network
(9.1.2, JavaScript and stylesheet) and builds the network's base options
(:class:`pyvis.network.Network`, physics off). Its page template is not used:
it loads Bootstrap (and, in most modes, vis-network) from public CDNs, renders
without autoescaping (the heading, the node ids of its select menu and, once
any tooltip holds ``href``, every tooltip are raw HTML sinks), and
``write_html`` writes in the platform's encoding. Its ``add_node``/``add_edge``
also check membership in Python lists, which is quadratic in the map's size.
So the page comes from this package's own Jinja template
(``templates/network.html.j2``, autoescaped) and the nodes and edges are
written straight as vis-network records:

* **Offline**: vis-network's script and stylesheet and the page's own are
  inlined; a Content-Security-Policy (``default-src 'none'``) forbids the page
  any request at all, so nothing can leave the machine even by mistake.
* **Hostile text stays text**: the map's data travels as JSON in a
  ``<script type="application/json">`` block, with ``<``, ``>``, ``&``,
  U+2028 and U+2029 written as ``\\uXXXX`` escapes, so no label or IRI can
  close the block; the page reads it with ``JSON.parse`` and shows labels only
  through ``textContent``, vis-network's canvas and its tooltips (which take a
  string as ``innerText``). Headings and the legend go through the
  autoescaped template.
* **Big maps**: positions are computed in Python (the map's own, or a layout
  of :mod:`explorer.layout.layouts`) and physics is off, since vis-network's
  physics freezes pages beyond 1-2k nodes; edges are straight, and hidden
  while dragging or zooming on maps of more than 1,000 nodes.
* The kinds' colours and shapes come from the ontology (one vis-network
  *group* per kind), ties are drawn in their family's colour, dash and width
  (:func:`explorer.core.presentation.tie_style`, as on the canvas), level
  bands are drawn behind the nodes when the levels sit in separate bands, a
  legend lists kinds, ties, levels and the heat scale, a search box finds
  nodes by label, a panel shows the selected node's values, and with ``heat``
  the analysis's likelihood of resistance is drawn as a warm glow on a fixed
  0–100 % scale, so two maps compare (toggled by a checkbox), nodes without
  one dimmed.

The file is written as UTF-8, atomically. The page exposes
``window.routineExplorer`` (``network``, ``nodes``, ``edges``, ``rendered``)
for scripts and tests.

Examples
--------
>>> import os, tempfile
>>> from pathlib import Path
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> from explorer.core.document import MapDocument
>>> from explorer.core.resources import sample_graphs_dir
>>> doc = MapDocument.open(sample_graphs_dir() / "keystone-michigan.ttl", editing=False)
>>> out = Path(tempfile.mkdtemp()) / "keystone.html"
>>> write_html(doc, out, layout="levels")
>>> page = out.read_text(encoding="utf-8")
>>> re.findall(r'(?:src|href)="[^"]*', page), "default-src 'none'" in page
([], True)
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from .. import __version__
from ..core.atomic_file import atomic_write
from ..core.errors import ExplorerError
from ..core.map_details import MapDetails, credit_line, read_details
from ..core.presentation import HEAT_TOP, OTHER_TIE_STYLE, relation_in_family
from ..core.text import clipped, one_line
from ..layout.layouts import NODE_HEIGHT, NODE_WIDTH
from .model import (
    EXPORT_LAYOUTS,
    HEAT_LEGEND,
    ExportView,
    check_options,
    export_view,
    heat_colour,
    heat_strength,
    safe_colour,
)

#: vis-network's shape for each shape name of the ontology (``rx:shape``).
VIS_SHAPES = {
    "rounded-rectangle": "box",
    "rectangle": "box",
    "ellipse": "ellipse",
    "diamond": "diamond",
    "triangle": "triangle",
    "hexagon": "hexagon",
    "octagon": "dot",
}
# Shapes that draw their label inside (the others draw it underneath).
_LABEL_INSIDE = frozenset({"box", "ellipse"})
# Above this many nodes, edges are hidden while the view moves, to keep it fluid.
_BIG_MAP = 1000
# Longest label drawn on a node; the whole label is in the tooltip and the panel.
_LABEL_LIMIT = 80
_VIS_VERSION = "9.1.2"
# Characters of the map's description shown under the heading, and in its tooltip.
_DESCRIPTION_SHOWN = 240
_DESCRIPTION_HOVER = 2000
_STEPS = 7
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")


def script_json(value) -> str:
    r"""``value`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&``, U+2028 and U+2029 can only occur inside JSON strings,
    where their ``\uXXXX`` escapes mean the same, so nothing in the data can
    end the element or start a comment.

    Examples
    --------
    >>> script_json({"id": "</script><b>&"})
    '{"id":"\\u003c/script\\u003e\\u003cb\\u003e\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_UNSAFE.sub(lambda m: _JSON_ESCAPES[m.group()], text)


def _inline(text: str, element: str) -> str:
    """Library code made safe to inline in ``<script>`` or ``<style>``: no ``</script``/``</style`` inside."""
    # "<\/" means "</" in JavaScript strings and regular expressions and in CSS strings.
    return re.sub(rf"</({element})", r"<\\/\1", text, flags=re.IGNORECASE)


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    spec = find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise ExplorerError("The interactive HTML export needs the pyvis package, which is not installed.")
    folder = Path(next(iter(spec.submodule_search_locations))) / "lib" / f"vis-{_VIS_VERSION}"
    try:
        js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
        css = (folder / "vis-network.css").read_text(encoding="utf-8")
    except OSError as err:
        raise ExplorerError(
            f"vis-network {_VIS_VERSION} was not found in the pyvis package ({folder}): {err}"
        ) from None
    return _inline(js, "script"), _inline(css, "style")


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("explorer.io", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _page_asset(name: str) -> str:
    source, _, _ = _environment().loader.get_source(_environment(), name)
    return source


def _text_colour(fill: str) -> str:
    """Dark or light text, whichever reads better on ``fill`` (the canvas's rule)."""
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "#1d232b" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55 else "#ffffff"


def _shade(colour: str, factor: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{max(0, min(255, round(c * factor))):02x}" for c in (r, g, b))


def _base_options(big: bool) -> dict:
    """vis-network options: pyvis's defaults with physics off, then this page's."""
    from pyvis.network import Network

    net = Network(directed=True)
    net.toggle_physics(False)
    options = json.loads(net.options.to_json())
    options.pop("configure", None)
    options["physics"] = {"enabled": False}
    options["layout"] = {"improvedLayout": False, "randomSeed": 0}
    options["interaction"] = {
        **options.get("interaction", {}),
        "hover": True,
        "tooltipDelay": 150,
        "hideEdgesOnDrag": big,
        "hideEdgesOnZoom": big,
        "keyboard": {"enabled": True, "bindToWindow": False},
        "multiselect": False,
    }
    options["edges"] = {
        "smooth": False,
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
        # Ties of no family are drawn with these defaults; the others carry their family's look.
        "color": {"color": OTHER_TIE_STYLE.colour, "highlight": "#2b3340", "hover": "#2b3340", "inherit": False},
        "width": OTHER_TIE_STYLE.width,
        "selectionWidth": 1.5,
        "font": {"multi": False},
    }
    options["nodes"] = {
        # multi False: vis-network would otherwise read <b>, <i> and <code> in labels as markup.
        "font": {"face": "system-ui, -apple-system, 'Segoe UI', sans-serif", "size": 14, "multi": False},
        "borderWidth": 1,
        "borderWidthSelected": 3,
        "widthConstraint": {"maximum": 150},
        "shapeProperties": {"borderRadius": 6},
        "size": 16,
    }
    return options


def _group(entry) -> dict:
    shape = VIS_SHAPES.get(entry.shape, "box")
    fill = safe_colour(entry.colour)
    border = _shade(fill, 0.74)
    group = {
        "shape": shape,
        "color": {
            "background": fill,
            "border": border,
            "highlight": {"background": _shade(fill, 1.12), "border": "#1d232b"},
            "hover": {"background": _shade(fill, 1.06), "border": "#1d232b"},
        },
        "font": {"color": _text_colour(fill) if shape in _LABEL_INSIDE else "#1d232b"},
    }
    if entry.shape == "rectangle":
        group["shapeProperties"] = {"borderRadius": 0}
    return group


def _bands(view: ExportView) -> list[dict]:
    """Level bands behind the nodes, when each level's nodes sit in a band of their own (macro on top)."""
    if not view.nodes:
        return []
    spans: dict[int, list[float]] = {}
    for n in view.nodes:
        span = spans.setdefault(n.level, [n.y, n.y])
        span[0], span[1] = min(span[0], n.y), max(span[1], n.y)
    order = sorted(spans, reverse=True)
    for upper, lower in itertools.pairwise(order):
        if spans[upper][1] + NODE_HEIGHT / 2 >= spans[lower][0] - NODE_HEIGHT / 2:
            return []  # levels mixed on the page (free positions): bands would mislead
    left = min(n.x for n in view.nodes) - NODE_WIDTH
    right = max(n.x for n in view.nodes) + NODE_WIDTH / 2
    bands = []
    for i, level in enumerate(order):
        top = spans[level][0] - NODE_HEIGHT * 0.55
        bottom = spans[level][1] + NODE_HEIGHT * 0.55
        if i:  # meet the band above halfway
            previous = bands[-1]
            middle = (previous["bottom"] + top) / 2
            previous["bottom"], top = middle, middle
        bands.append(
            {
                "level": level,
                "label": view.levels.get(level, str(level)),
                "top": top,
                "bottom": bottom,
                "left": left,
                "right": right,
            }
        )
    return bands


def page_data(view: ExportView) -> dict:
    """The JSON the page draws from: vis-network nodes, edges and options, bands, kinds and levels."""
    big = len(view.nodes) > _BIG_MAP
    options = _base_options(big)
    kind_index = {entry.kind: i for i, entry in enumerate(view.node_kinds)}
    options["groups"] = {f"k{i}": _group(entry) for i, entry in enumerate(view.node_kinds)}
    nodes = []
    for n in view.nodes:
        label = clipped(n.label, _LABEL_LIMIT)
        record = {
            "id": n.id,
            "label": label,
            "group": f"k{kind_index[n.kind]}",
            "x": round(n.x, 2),
            "y": round(n.y, 2),
            "level": n.level,
        }
        if label != n.label:
            record["name"] = n.label  # the whole label, for the tooltip, the panel and the search
        if n.attributes:
            record["values"] = dict(n.attributes)
        strength = heat_strength(n.heat) if n.heat is not None else None
        if strength is not None:
            record["heat"] = n.heat
            record["heatColour"] = heat_colour(strength)
            record["heatStrength"] = strength
        nodes.append(record)
    edges = []
    for i, t in enumerate(view.ties):
        # Styled by family, as on the canvas and in the images; the hover names the relation and its family.
        title = relation_in_family(t.relation_label, t.family)
        if t.attributes:
            title += "".join(f"\n{k}: {v}" for k, v in t.attributes.items())
        record = {"id": i, "from": t.source, "to": t.target, "title": title}
        if t.colour != OTHER_TIE_STYLE.colour:
            record["color"] = {"color": t.colour}  # highlight and hover: the page's defaults
        if t.width != OTHER_TIE_STYLE.width:
            record["width"] = t.width
        if t.line_style == "dashed":
            record["dashes"] = True
        elif t.line_style == "dotted":
            record["dashes"] = [2, 4]
        edges.append(record)
    return {
        "nodes": nodes,
        "edges": edges,
        "options": options,
        "kinds": [
            {"label": e.label, "colour": e.colour, "shape": VIS_SHAPES.get(e.shape, "box")} for e in view.node_kinds
        ],
        "levels": {str(k): v for k, v in view.levels.items()},
        "bands": _bands(view),
        "heat": view.has_heat,
        "big": big,
    }


def render_html(view: ExportView, *, exported: dt.date | None = None, details: MapDetails | None = None) -> str:
    """The page for ``view``, as text; ``details`` (the map's) put who made it and what it is about under its heading.

    Examples
    --------
    >>> from explorer.io.model import ExportView
    >>> empty = ExportView("<b>Ward</b>", "map", (), (), (), (), {1: "micro"}, {}, {})
    >>> page = render_html(empty, exported=dt.date(2024, 5, 1))
    >>> "<title>&lt;b&gt;Ward&lt;/b&gt;</title>" in page, "<b>Ward" in page
    (True, False)
    """
    vis_js, vis_css = _vis_assets()
    template = _environment().get_template("network.html.j2")
    from markupsafe import Markup

    details = details or MapDetails()
    return template.render(
        view=view,
        # One line each under the heading, which the map needs the room of; the description whole on hover.
        credits=credit_line(details),
        description=one_line(details.description, _DESCRIPTION_SHOWN),
        description_whole=clipped(one_line(details.description), _DESCRIPTION_HOVER),
        layout_label=EXPORT_LAYOUTS.get(view.layout, view.layout),
        exported=(exported or dt.date.today()).isoformat(),
        version=__version__,
        vis_version=_VIS_VERSION,
        shapes=VIS_SHAPES,
        heat_legend=HEAT_LEGEND,
        # The legend's scale runs between the colours the nodes glow in at 0 and at the top.
        heat_cold=heat_colour(0.0),
        heat_warm=heat_colour(HEAT_TOP),
        # Markup: already made safe for their elements (see script_json and _inline).
        data=Markup(script_json(page_data(view))),
        vis_js=Markup(vis_js),
        vis_css=Markup(vis_css),
        page_js=Markup(_inline(_page_asset("network.js"), "script")),
        page_css=Markup(_inline(_page_asset("network.css"), "style")),
    )


def write_html(
    document,
    path: Path,
    *,
    title: str | None = None,
    heat: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **format_options,
) -> None:
    r"""Write the map as one self-contained, offline, interactive HTML page (UTF-8).

    Parameters
    ----------
    document : MapDocument
        The map.
    path : Path
        The file to write.
    title : str, optional
        The page's title and heading; the map's title by default.
    heat : mapping, optional
        Node IRI -> the analysis's likelihood of resistance (0–1), drawn as a warm
        glow on the fixed 0–100 % scale; nodes without one are dimmed.
    progress : callable, optional
        ``progress(done, total)`` between steps; may raise to cancel.
    **format_options
        ``layout``: a key of :data:`explorer.io.model.EXPORT_LAYOUTS` (default
        ``"map"``: the map's own positions, by level for the rest; ``"levels"``
        draws level bands; ``"hierarchical"`` follows reporting lines);
        ``positions``: node IRI -> ``(x, y)`` winning over the layout.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
    >>> from explorer.core.document import MapDocument
    >>> from explorer.core.commands import add_node
    >>> from explorer.core.namespaces import RX
    >>> doc = MapDocument.new(title="Ward")
    >>> node = doc.mint_iri(RX.Unit, "x")
    >>> doc.execute(add_node(doc.store, node, RX.Unit, "<img src=x onerror=alert(1)>"))
    >>> out = Path(tempfile.mkdtemp()) / "ward.html"
    >>> write_html(doc, out)
    >>> page = out.read_text(encoding="utf-8")
    >>> "<img" in page, "\\u003cimg src=x onerror=alert(1)\\u003e" in page
    (False, True)
    >>> doc.close()
    """

    check_options(format_options)

    def report(done: int, total: int) -> None:
        if progress is not None:
            progress(done, _STEPS)

    view = export_view(
        document,
        title=title,
        heat=heat,
        layout=format_options.get("layout", "map"),
        positions=format_options.get("positions"),
        progress=report,
    )
    report(5, _STEPS)
    page = render_html(view, details=read_details(document.store))
    report(6, _STEPS)
    atomic_write(Path(path), page.encode("utf-8", errors="replace"), compress=False)
    report(_STEPS, _STEPS)


__all__ = ["VIS_SHAPES", "page_data", "render_html", "script_json", "write_html"]
