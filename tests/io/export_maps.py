"""Maps the export tests share: a sample map, and a small map whose every text is hostile."""

from __future__ import annotations

from pathlib import Path

from explorer.core.document import MapDocument
from explorer.core.resources import sample_graphs_dir

KEYSTONE = sample_graphs_dir() / "keystone-michigan.ttl"

#: Labels that would run script, close the JSON block or the title, or start a spreadsheet formula.
IMG_ALERT = "<img src=x onerror=alert(1)>"
IMG_FLAG = '<img src=x onerror="window.__pwned=true">'
SCRIPT_CLOSE = "</script><script>window.__pwned=true</script>"
FORMULA = '=HYPERLINK("http://example.invalid","x")'
QUOTED_IRI = "https://example.org/hostile/o'brien"

_FORMULA_TTL = FORMULA.replace('"', '\\"')
_IMG_FLAG_TTL = IMG_FLAG.replace('"', '\\"')

HOSTILE_TTL = f"""\
@prefix rx: <https://w3id.org/routine-explorer/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix h: <https://example.org/hostile/> .

<https://example.org/hostile/> a void:Dataset ; dct:title "Ward <b>7</b> & {SCRIPT_CLOSE}" .
h:unit a rx:Unit ; rdfs:label "Ward <b>7</b> & \\"friends\\"" ; rx:readiness 0.4 ; rdfs:comment "{_FORMULA_TTL}" .
h:p1 a rx:Person ; rdfs:label "{IMG_ALERT}" ; org:memberOf h:unit ; rx:changeFatigue 0.7 .
h:p2 a rx:Person ; rdfs:label "{_IMG_FLAG_TTL}" ; org:memberOf h:unit .
h:r1 a rx:Routine ; rdfs:label "{SCRIPT_CLOSE}" ; rx:embeddedness 0.9 .
h:r2 a rx:Routine ; rdfs:label "Line\\u2028separator and \\u2029 paragraph" .
<{QUOTED_IRI}> a rx:Person ; rdfs:label "O'Brien \\"quoted\\" ' -->" ; org:memberOf h:unit .
h:t1 a rx:Interdependency ; rx:from h:r1 ; rx:to h:r2 ; rx:strength 0.5 ; rx:interdependenceType rx:sequential ;
    rdfs:comment "{IMG_ALERT}" .
"""


def hostile_map(folder: Path) -> MapDocument:
    """The hostile map, opened read-only (6 nodes, 4 ties)."""
    path = folder / "hostile.ttl"
    path.write_text(HOSTILE_TTL, encoding="utf-8")
    return MapDocument.open(path, editing=False)


def keystone() -> MapDocument:
    return MapDocument.open(KEYSTONE, editing=False)
