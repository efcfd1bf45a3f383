// Reads GEXF and GraphML files with graphology's own readers (graphology-gexf, graphology-graphml: the ones Gephi
// Lite uses, on @xmldom/xmldom in Node) and prints one JSON line per file:
//   {"file", "nodes", "edges", "labels": [sorted], "iris": [sorted], "positions": {iri: [x, y]}}
// A node's IRI is its key in GEXF and its "iri" attribute in GraphML (its key when it has none); "positions" are the
// nodes with a numeric x and y (GEXF's viz:position, GraphML's x/y data), by IRI. A file the reader refuses prints
// {"file", "error"}, and the script exits 2 at the end.
// Run by tests/io/test_graph_readers.py with the packages pinned in tests/support/graphology/ installed by `npm ci`:
//   node graphology_count.mjs MODULES FILE...   (MODULES: the folder `npm ci --prefix` installed into)

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const [modules, ...files] = process.argv.slice(2);
if (!modules || files.length === 0) {
  process.stderr.write("usage: node graphology_count.mjs MODULES FILE...\n");
  process.exit(2);
}
const require = createRequire(join(modules, "package.json"));
const Graph = require("graphology");
const readers = { gexf: require("graphology-gexf"), graphml: require("graphology-graphml") };

let failed = false;
for (const file of files) {
  const format = file.toLowerCase().endsWith(".gexf") ? "gexf" : "graphml";
  try {
    const graph = readers[format].parse(Graph, readFileSync(file, "utf8"));
    const labels = [];
    const iris = [];
    const positions = {};
    graph.forEachNode((key, data) => {
      labels.push(data.label ?? null);
      const iri = format === "gexf" ? key : (data.iri ?? key);
      iris.push(iri);
      if (typeof data.x === "number" && typeof data.y === "number") positions[iri] = [data.x, data.y];
    });
    const sorted = (values) => values.sort((a, b) => (a === b ? 0 : String(a) < String(b) ? -1 : 1));
    process.stdout.write(
      JSON.stringify({
        file,
        nodes: graph.order,
        edges: graph.size,
        labels: sorted(labels),
        iris: sorted(iris),
        positions,
      }) + "\n",
    );
  } catch (error) {
    failed = true;
    process.stdout.write(JSON.stringify({ file, error: String(error && error.message ? error.message : error) }) + "\n");
  }
}
process.exit(failed ? 2 : 0);
