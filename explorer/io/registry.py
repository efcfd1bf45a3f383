"""The registry of export, import, report and comparison-report formats, keyed by ``(name, kind)``.

An entry names the function that does the work as ``"module:function"``; the
module is imported only when the format is used. Functions follow one naming
rule: ``write_*`` for exports, ``read_*`` for imports, ``generate_*`` for
reports and ``write_comparison_*`` for comparison reports (of a
:class:`~explorer.analysis.compare.Comparison`, not of a map). Formats drawn
by the canvas (PNG, SVG, PDF images) live in :mod:`explorer.ui` and say so
with ``needs_qt``; the registry only names them, so this layer never imports Qt.

Examples
--------
>>> [f.name for f in formats("export") if f.name in ("graphml", "gexf")]
['graphml', 'gexf']
>>> for_path("roster.xlsx", "import").name
'xlsx'
>>> get("nope", "export")
Traceback (most recent call last):
...
explorer.core.errors.ExplorerError: No export format called 'nope'. Known: ...
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ExplorerError

KINDS = ("export", "import", "report", "comparison")


@dataclass(frozen=True)
class Format:
    """One way in or out of a map.

    Attributes
    ----------
    name : str
        Short name used on the command line (``--format``) and as the key.
    kind : str
        ``"export"``, ``"import"``, ``"report"`` or ``"comparison"``.
    label : str
        What a file dialog shows.
    extensions : tuple of str
        File name endings without the dot, the first being the default.
    target : str
        ``"module:function"`` doing the work, imported lazily.
    needs_qt : bool
        True when the function draws with Qt (it then needs a ``QGuiApplication``).
    """

    name: str
    kind: str
    label: str
    extensions: tuple[str, ...]
    target: str
    needs_qt: bool = False

    def load(self) -> Callable:
        """Import and return the function behind this format."""
        module, _, function = self.target.partition(":")
        return getattr(importlib.import_module(module), function)

    @property
    def dialog_filter(self) -> str:
        """A Qt file dialog filter such as ``"GraphML (*.graphml)"``."""
        return f"{self.label} ({' '.join('*.' + e for e in self.extensions)})"


_FORMATS: dict[tuple[str, str], Format] = {}


def register(fmt: Format) -> Format:
    """Add a format (a later entry with the same key replaces the earlier one)."""
    if fmt.kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {fmt.kind!r}")
    _FORMATS[(fmt.name, fmt.kind)] = fmt
    return fmt


def formats(kind: str | None = None) -> Iterator[Format]:
    """Registered formats, of one kind or all, in registration order."""
    return (f for f in _FORMATS.values() if kind is None or f.kind == kind)


def get(name: str, kind: str) -> Format:
    """The format called ``name``; an :class:`ExplorerError` listing the known ones otherwise."""
    try:
        return _FORMATS[(name.lower(), kind)]
    except KeyError:
        known = ", ".join(f.name for f in formats(kind))
        raise ExplorerError(f"No {kind} format called {name!r}. Known: {known}.") from None


def for_path(path: str | Path, kind: str) -> Format:
    """The format a file name asks for, by its ending (``.tar.gz``-style endings work too)."""
    name = Path(path).name.lower()
    candidates = [(len(e), f) for f in formats(kind) for e in f.extensions if name.endswith("." + e)]
    if not candidates:
        known = ", ".join(sorted({"." + e for f in formats(kind) for e in f.extensions}))
        raise ExplorerError(
            f"Cannot tell the {kind} format of {Path(path).name!r} from its ending. Known endings: {known}."
        )
    return max(candidates, key=lambda c: c[0])[1]


# The built-in formats. Helpers add theirs below; keep one line per format.
register(Format("graphml", "export", "GraphML", ("graphml",), "explorer.io.graphml:write_graphml"))
register(Format("gexf", "export", "GEXF", ("gexf",), "explorer.io.gexf:write_gexf"))
register(Format("yed", "export", "GraphML for yEd", ("graphml",), "explorer.io.yed:write_yed"))
register(Format("cx2", "export", "CX2 for Cytoscape", ("cx2",), "explorer.io.cx2:write_cx2"))
register(Format("xlsx", "import", "Excel workbook", ("xlsx", "xlsm"), "explorer.io.xlsx:read_xlsx"))
register(Format("csv", "import", "CSV table", ("csv", "tsv", "txt"), "explorer.io.csv_tables:read_csv"))
register(Format("graphml", "import", "GraphML", ("graphml",), "explorer.io.graphml:read_graphml"))
register(Format("gexf", "import", "GEXF", ("gexf",), "explorer.io.gexf:read_gexf"))
register(Format("kumu", "import", "Kumu blueprint (JSON)", ("json",), "explorer.io.kumu:read_kumu_json"))
register(Format("html", "export", "Interactive web page (offline)", ("html", "htm"), "explorer.io.html:write_html"))
register(Format("csv", "export", "CSV node and edge lists", ("csv",), "explorer.io.csv_tables:write_csv"))
register(Format("ttl", "export", "Turtle", ("ttl", "ttl.gz"), "explorer.io.rdf_export:write_turtle"))
register(Format("trig", "export", "TriG", ("trig", "trig.gz"), "explorer.io.rdf_export:write_trig"))
register(Format("nt", "export", "N-Triples", ("nt", "nt.gz"), "explorer.io.rdf_export:write_ntriples"))
register(Format("nq", "export", "N-Quads", ("nq", "nq.gz"), "explorer.io.rdf_export:write_nquads"))
register(Format("jsonld", "export", "JSON-LD", ("jsonld",), "explorer.io.rdf_export:write_jsonld"))
register(Format("rdfxml", "export", "RDF/XML", ("rdf", "owl"), "explorer.io.rdf_export:write_rdfxml"))
register(Format("png", "export", "PNG image", ("png",), "explorer.ui.canvas.image_export:write_png", needs_qt=True))
register(Format("svg", "export", "SVG image", ("svg",), "explorer.ui.canvas.image_export:write_svg", needs_qt=True))
register(Format("pdf", "export", "PDF image", ("pdf",), "explorer.ui.canvas.image_export:write_pdf", needs_qt=True))
register(Format("html", "report", "Report as a web page", ("html", "htm"), "explorer.io.report:generate_report_html"))
register(
    Format(
        "pdf", "report", "Report as PDF", ("pdf",), "explorer.ui.files.report_pdf:generate_report_pdf", needs_qt=True
    )
)
register(
    Format(
        "html",
        "comparison",
        "Comparison report as a web page",
        ("html", "htm"),
        "explorer.io.compare_report:write_comparison_html",
    )
)
register(
    Format(
        "pdf",
        "comparison",
        "Comparison report as PDF",
        ("pdf",),
        "explorer.ui.files.compare_report_pdf:write_comparison_pdf",
        needs_qt=True,
    )
)
