#!/usr/bin/env python3
"""Regenerate the ontology documentation from the Turtle, never by hand.

Reads ontology/routine-explorer.ttl, schemes.ttl and presentation.ttl and writes

* ``docs/ontology.html``: one self-contained page (inline CSS, no scripts, every
  text escaped with ``html.escape``), for the app's Help menu;
* ``docs/ontology.md``: the same content as Markdown.

Usage (from the repository root)::

    python scripts/generate_docs.py
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("ontology/routine-explorer.ttl", "ontology/schemes.ttl", "ontology/presentation.ttl")
RX = "https://w3id.org/routine-explorer/ns#"
ONTOLOGY = URIRef("https://w3id.org/routine-explorer/ns")
PREFIXES = {
    RX: "rx:",
    "http://www.w3.org/ns/org#": "org:",
    "http://xmlns.com/foaf/0.1/": "foaf:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://purl.org/dc/terms/": "dct:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
    "http://www.w3.org/2002/07/owl#": "owl:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
}


def load() -> Graph:
    g = Graph()
    for rel in SOURCES:
        g.parse(ROOT / rel, format="turtle")
    return g


def curie(term) -> str:
    if isinstance(term, BNode):
        return "(anonymous)"
    s = str(term)
    for ns, p in PREFIXES.items():
        if s.startswith(ns):
            return p + s[len(ns) :]
    return s


def text(g: Graph, term, *preds) -> str:
    for p in preds or (RDFS.label, SKOS.prefLabel):
        for v in g.objects(term, p):
            if isinstance(v, Literal) and v.language in (None, "en"):
                return " ".join(str(v).split())
    return ""


def describe_class_expr(g: Graph, node) -> str:
    """A class IRI, or a union / restriction written briefly."""
    if isinstance(node, URIRef):
        return curie(node)
    union = g.value(node, OWL.unionOf)
    if union is not None:
        return " or ".join(describe_class_expr(g, m) for m in Collection(g, union))
    prop = g.value(node, OWL.onProperty)
    if prop is not None:
        for kind, word in ((OWL.allValuesFrom, "only"), (OWL.hasValue, "value"), (OWL.someValuesFrom, "some")):
            v = g.value(node, kind)
            if v is not None:
                return f"{curie(prop)} {word} {describe_class_expr(g, v)}"
    inter = g.value(node, OWL.intersectionOf)
    if inter is not None:
        return " and ".join(describe_class_expr(g, m) for m in Collection(g, inter))
    return "(anonymous class)"


def rx_terms(g: Graph, rdf_type) -> list[URIRef]:
    return sorted(
        (s for s in g.subjects(RDF.type, rdf_type) if isinstance(s, URIRef) and str(s).startswith(RX)),
        key=lambda t: curie(t).lower(),
    )


def model(g: Graph) -> dict:
    groups = sorted(
        g.subjects(SKOS.inScheme, URIRef(RX + "PaletteGroupScheme")),
        key=lambda c: int(g.value(c, URIRef(RX + "order")) or 99),
    )
    classes = rx_terms(g, OWL.Class)
    by_group: list[tuple[str, list[URIRef]]] = []
    placed = set()
    for grp in groups:
        members = sorted(
            (c for c in classes if g.value(c, URIRef(RX + "paletteGroup")) == grp),
            key=lambda c: int(g.value(c, URIRef(RX + "paletteOrder")) or 99),
        )
        placed.update(members)
        by_group.append((text(g, grp), members))
    by_group.append(("Other kinds (abstract kinds and flags)", [c for c in classes if c not in placed]))
    props = rx_terms(g, OWL.ObjectProperty) + rx_terms(g, OWL.DatatypeProperty) + rx_terms(g, OWL.AnnotationProperty)
    schemes = rx_terms(g, SKOS.ConceptScheme)
    sources = sorted(
        {
            " ".join(str(o).split())
            for p in (DCTERMS.source, DCTERMS.bibliographicCitation)
            for s, o in g.subject_objects(p)
            if isinstance(o, Literal)
        }
    )
    return {"groups": by_group, "props": props, "schemes": schemes, "sources": sources}


def class_info(g: Graph, c: URIRef) -> dict:
    supers = [describe_class_expr(g, s) for s in g.objects(c, RDFS.subClassOf)]
    equiv = [describe_class_expr(g, e) for e in g.objects(c, OWL.equivalentClass)]
    close = [curie(m) for m in g.objects(c, SKOS.closeMatch)]
    inspector = g.value(c, URIRef(RX + "inspectorProperties"))
    return {
        "name": curie(c),
        "label": text(g, c),
        "comment": text(g, c, RDFS.comment),
        "supers": sorted(supers),
        "equiv": equiv,
        "close": sorted(close),
        "level": text(g, g.value(c, URIRef(RX + "defaultLevel"))) if g.value(c, URIRef(RX + "defaultLevel")) else "",
        "colour": str(g.value(c, URIRef(RX + "colour")) or ""),
        "shape": str(g.value(c, URIRef(RX + "shape")) or ""),
        "inspector": [curie(p) for p in Collection(g, inspector)] if inspector is not None else [],
        "sources": sorted(str(s) for s in g.objects(c, DCTERMS.source)),
    }


def prop_info(g: Graph, p: URIRef) -> dict:
    kinds = {OWL.ObjectProperty: "object", OWL.DatatypeProperty: "datatype", OWL.AnnotationProperty: "annotation"}
    kind = next((v for k, v in kinds.items() if (p, RDF.type, k) in g), "")
    lo, hi = g.value(p, URIRef(RX + "scaleMin")), g.value(p, URIRef(RX + "scaleMax"))
    return {
        "name": curie(p),
        "label": text(g, p),
        "comment": text(g, p, RDFS.comment),
        "kind": kind,
        "domain": ", ".join(describe_class_expr(g, d) for d in g.objects(p, RDFS.domain)),
        "range": ", ".join(describe_class_expr(g, r) for r in g.objects(p, RDFS.range)),
        "super": ", ".join(curie(s) for s in g.objects(p, RDFS.subPropertyOf)),
        "scale": f"[{float(lo):g}, {float(hi):g}]" if lo is not None else "",
        "sources": sorted(str(s) for s in g.objects(p, DCTERMS.source)),
    }


def scheme_info(g: Graph, s: URIRef) -> dict:
    concepts = sorted(
        g.subjects(SKOS.inScheme, s), key=lambda c: (int(g.value(c, URIRef(RX + "order")) or 0), curie(c).lower())
    )
    return {
        "name": curie(s),
        "label": text(g, s),
        "comment": text(g, s, RDFS.comment),
        "citations": sorted(str(c) for c in g.objects(s, DCTERMS.bibliographicCitation)),
        "concepts": [
            {
                "name": curie(c),
                "label": text(g, c),
                "definition": text(g, c, SKOS.definition),
                "order": str(g.value(c, URIRef(RX + "order")) or ""),
                "broader": ", ".join(curie(b) for b in g.objects(c, SKOS.broader)),
                "source": "; ".join(sorted(str(x) for x in g.objects(c, DCTERMS.source))),
            }
            for c in concepts
        ],
    }


# ----------------------------------------------------------------------------- Markdown


def md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def render_md(g: Graph, m: dict) -> str:
    out = [
        f"# {text(g, ONTOLOGY, DCTERMS.title)} {g.value(ONTOLOGY, OWL.versionInfo)}",
        "",
        "<!-- Generated by scripts/generate_docs.py from ontology/*.ttl. Do not edit. -->",
        "",
        text(g, ONTOLOGY, RDFS.comment),
        "",
        text(g, ONTOLOGY, DCTERMS.description),
        "",
        f"Namespace: `{RX}` (prefix `rx:`). Version IRI: `{g.value(ONTOLOGY, OWL.versionIRI)}`.",
        "",
        "## Classes",
        "",
    ]
    for group, classes in m["groups"]:
        if not classes:
            continue
        out += [f"### {group}", ""]
        for c in classes:
            i = class_info(g, c)
            out += [f"#### {i['label']} (`{i['name']}`)", "", i["comment"], ""]
            facts = []
            if i["supers"]:
                facts.append("subclass of " + ", ".join(f"`{s}`" for s in i["supers"]))
            if i["equiv"]:
                facts.append("equivalent to " + "; ".join(f"`{e}`" for e in i["equiv"]))
            if i["close"]:
                facts.append("close match " + ", ".join(f"`{s}`" for s in i["close"]))
            if i["level"]:
                facts.append(f"default level: {i['level']}")
            if i["colour"]:
                facts.append(f"drawn as {i['shape'] or 'edge'} in {i['colour']}")
            if i["inspector"]:
                facts.append("inspector: " + ", ".join(f"`{p}`" for p in i["inspector"]))
            out += [f"- {f}" for f in facts]
            out += [f"- source: {s}" for s in i["sources"]]
            out.append("")
    out += ["## Properties", "", "| property | kind | domain | range | scale | meaning |", "|---|---|---|---|---|---|"]
    for p in m["props"]:
        i = prop_info(g, p)
        out.append(
            f"| `{i['name']}` ({md_cell(i['label'])}) | {i['kind']} | {md_cell(i['domain'])} | "
            f"{md_cell(i['range'])} | {i['scale']} | {md_cell(i['comment'])} |"
        )
    out += ["", "## Concept schemes", ""]
    for s in m["schemes"]:
        i = scheme_info(g, s)
        out += [f"### {i['label']} (`{i['name']}`)", "", i["comment"], ""]
        out += [f"*{c}*" for c in i["citations"]] + ([""] if i["citations"] else [])
        out += ["| concept | label | definition | order |", "|---|---|---|---|"]
        for c in i["concepts"]:
            out.append(f"| `{c['name']}` | {md_cell(c['label'])} | {md_cell(c['definition'])} | {c['order']} |")
        out.append("")
    out += ["## Sources", ""] + [f"- {s}" for s in m["sources"]] + [""]
    return "\n".join(out)


# ----------------------------------------------------------------------------- HTML

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#1f2328;background:#fff}
@media (prefers-color-scheme:dark){body{color:#e6edf3;background:#0d1117}th{background:#161b22!important}
td,th{border-color:#30363d!important}code{background:#161b22!important}}
h1,h2,h3{line-height:1.25}h2{border-bottom:1px solid #8884;padding-bottom:.3rem;margin-top:2.5rem}
.cls{margin:1rem 0 1.5rem;padding-left:.8rem;border-left:.4rem solid var(--c,#888)}
.swatch{display:inline-block;width:1em;height:1em;border-radius:.2em;vertical-align:middle;margin-right:.3em;
border:1px solid #8886}
table{border-collapse:collapse;width:100%;font-size:.92rem}td,th{border:1px solid #d0d7de;padding:.3rem .5rem;
vertical-align:top;text-align:left}th{background:#f6f8fa}\
code{background:#f6f8fa;padding:.05rem .3rem;border-radius:.2rem}
.meta{color:#8b949e;font-size:.9rem}nav a{margin-right:1rem}
"""


def e(s) -> str:
    return html.escape(str(s), quote=True)


def render_html(g: Graph, m: dict) -> str:
    title = f"{text(g, ONTOLOGY, DCTERMS.title)} {g.value(ONTOLOGY, OWL.versionInfo)}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{CSS}</style></head><body>",
        "<!-- Generated by scripts/generate_docs.py from ontology/*.ttl. Do not edit. -->",
        f"<h1>{e(title)}</h1>",
        f"<p>{e(text(g, ONTOLOGY, RDFS.comment))}</p>",
        f"<p>{e(text(g, ONTOLOGY, DCTERMS.description))}</p>",
        f'<p class="meta">Namespace <code>{e(RX)}</code> (prefix <code>rx:</code>); version IRI '
        f"<code>{e(g.value(ONTOLOGY, OWL.versionIRI))}</code></p>",
        '<nav><a href="#classes">Classes</a><a href="#properties">Properties</a>'
        '<a href="#schemes">Concept schemes</a><a href="#sources">Sources</a></nav>',
        '<h2 id="classes">Classes</h2>',
    ]
    for group, classes in m["groups"]:
        if not classes:
            continue
        out.append(f"<h3>{e(group)}</h3>")
        for c in classes:
            i = class_info(g, c)
            colour = i["colour"] if i["colour"].startswith("#") and len(i["colour"]) == 7 else "#888888"
            out.append(f'<div class="cls" id="{e(i["name"])}" style="--c:{e(colour)}">')
            swatch = f'<span class="swatch" style="background:{e(colour)}"></span>' if i["colour"] else ""
            out.append(f"<h4>{swatch}{e(i['label'])} <code>{e(i['name'])}</code></h4><p>{e(i['comment'])}</p><ul>")
            if i["supers"]:
                out.append("<li>subclass of " + ", ".join(f"<code>{e(s)}</code>" for s in i["supers"]) + "</li>")
            if i["equiv"]:
                out.append("<li>equivalent to " + "; ".join(f"<code>{e(s)}</code>" for s in i["equiv"]) + "</li>")
            if i["close"]:
                out.append("<li>close match " + ", ".join(f"<code>{e(s)}</code>" for s in i["close"]) + "</li>")
            if i["level"]:
                out.append(f"<li>default level: {e(i['level'])}</li>")
            if i["colour"]:
                out.append(f"<li>drawn as {e(i['shape'] or 'edge')} in <code>{e(i['colour'])}</code></li>")
            if i["inspector"]:
                out.append("<li>inspector: " + ", ".join(f"<code>{e(p)}</code>" for p in i["inspector"]) + "</li>")
            out += [f"<li>source: {e(s)}</li>" for s in i["sources"]]
            out.append("</ul></div>")
    out += [
        '<h2 id="properties">Properties</h2>',
        "<table><tr><th>property</th><th>kind</th><th>domain</th><th>range</th><th>scale</th><th>meaning</th></tr>",
    ]
    for p in m["props"]:
        i = prop_info(g, p)
        sub = f"<br><span class=meta>sub-property of {e(i['super'])}</span>" if i["super"] else ""
        out.append(
            f'<tr id="{e(i["name"])}"><td><code>{e(i["name"])}</code><br>{e(i["label"])}</td>'
            f"<td>{e(i['kind'])}</td><td>{e(i['domain'])}</td><td>{e(i['range'])}</td>"
            f"<td>{e(i['scale'])}</td><td>{e(i['comment'])}{sub}</td></tr>"
        )
    out += ["</table>", '<h2 id="schemes">Concept schemes</h2>']
    for s in m["schemes"]:
        i = scheme_info(g, s)
        out.append(f'<h3 id="{e(i["name"])}">{e(i["label"])} <code>{e(i["name"])}</code></h3><p>{e(i["comment"])}</p>')
        out += [f'<p class="meta">{e(c)}</p>' for c in i["citations"]]
        out.append("<table><tr><th>concept</th><th>label</th><th>definition</th><th>order</th></tr>")
        for c in i["concepts"]:
            broader = f"<br><span class=meta>narrower than {e(c['broader'])}</span>" if c["broader"] else ""
            out.append(
                f"<tr><td><code>{e(c['name'])}</code></td><td>{e(c['label'])}</td>"
                f"<td>{e(c['definition'])}{broader}</td><td>{e(c['order'])}</td></tr>"
            )
        out.append("</table>")
    out += ['<h2 id="sources">Sources</h2><ul>'] + [f"<li>{e(s)}</li>" for s in m["sources"]] + ["</ul></body></html>"]
    return "\n".join(out) + "\n"


def main() -> int:
    g = load()
    m = model(g)
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "ontology.md").write_text(render_md(g, m), encoding="utf-8")
    (docs / "ontology.html").write_text(render_html(g, m), encoding="utf-8")
    print("wrote docs/ontology.html and docs/ontology.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
