// Runs many Jena jobs in one JVM (each Jena command-line call costs about 3 s of JVM start):
//   java -cp CLASSPATH JenaBatch.java query LOCATION OUT_DIR QUERY.rq...
//       each query on the TDB2 database in LOCATION (its default graph), SPARQL 1.1 JSON
//       results written to OUT_DIR/<query file name>.json
//   java -cp CLASSPATH JenaBatch.java shacl SHAPES.ttl OUT_DIR DATA.nt...
//       each data file validated with the shapes (Jena SHACL, as `shacl validate` does), the
//       report written to OUT_DIR/<data file name>.ttl
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.jena.graph.Graph;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;
import org.apache.jena.system.Txn;
import org.apache.jena.tdb2.TDB2Factory;

public class JenaBatch {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[2]);
        if (args[0].equals("query")) {
            Dataset dataset = TDB2Factory.connectDataset(args[1]);
            for (int i = 3; i < args.length; i++) {
                Path file = Path.of(args[i]);
                Query query = QueryFactory.read(file.toString());
                Path target = out.resolve(file.getFileName() + ".json");
                Txn.executeRead(dataset, () -> {
                    try (QueryExecution execution = QueryExecutionFactory.create(query, dataset);
                         OutputStream stream = Files.newOutputStream(target)) {
                        ResultSetFormatter.outputAsJSON(stream, execution.execSelect());
                    } catch (java.io.IOException e) {
                        throw new RuntimeException(e);
                    }
                });
            }
        } else if (args[0].equals("shacl")) {
            Shapes shapes = Shapes.parse(RDFDataMgr.loadGraph(args[1]));
            for (int i = 3; i < args.length; i++) {
                Path file = Path.of(args[i]);
                Graph data = RDFDataMgr.loadGraph(file.toString());
                ValidationReport report = ShaclValidator.get().validate(shapes, data);
                try (OutputStream stream = Files.newOutputStream(out.resolve(file.getFileName() + ".ttl"))) {
                    RDFDataMgr.write(stream, report.getModel(), Lang.TURTLE);
                }
            }
        } else {
            throw new IllegalArgumentException("usage: query LOCATION OUT_DIR Q... | shacl SHAPES OUT_DIR DATA...");
        }
    }
}
