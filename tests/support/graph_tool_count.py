"""Read GraphML files with graph-tool and print, per file, one JSON line: nodes, edges, labels and IRIs.

Run by Debian's own Python (``python3-graph-tool`` is built for it), not the project's environment:
``/usr/bin/python3 tests/support/graph_tool_count.py FILE...``. A file graph-tool refuses prints
``{"error": ...}`` and the script goes on. (graph-tool is imported only when run: pytest's doctest
collection imports this file in the project's environment, which has no graph-tool.)
"""

import json
import sys


def counted(path: str) -> dict:
    """What graph-tool reads of the GraphML file ``path``."""
    import graph_tool

    graph = graph_tool.load_graph(path, fmt="graphml")
    properties = graph.vertex_properties

    def values(name: str) -> list:
        return [properties[name][v] for v in graph.vertices()] if name in properties else []

    return {
        "nodes": graph.num_vertices(),
        "edges": graph.num_edges(),
        "labels": values("label"),
        "iris": values("iri"),
    }


if __name__ == "__main__":
    for path in sys.argv[1:]:
        try:
            print(json.dumps(counted(path)))
        except Exception as error:  # noqa: BLE001 - reported for the test to read, whatever graph-tool raises
            print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
