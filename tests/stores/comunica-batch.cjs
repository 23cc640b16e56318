// Runs SPARQL queries with Comunica (@comunica/query-sparql-file, the engine behind
// comunica-sparql-file) on RDF files, in one process:
//   node comunica-batch.cjs OUT_DIR DATA_FILES(comma-separated) QUERY.rq...
// each query's SPARQL 1.1 JSON results to OUT_DIR/<query file name>.json
const fs = require("fs");
const path = require("path");
const { QueryEngine } = require("@comunica/query-sparql-file");

async function main() {
  const [outDir, data, ...queries] = process.argv.slice(2);
  const engine = new QueryEngine();
  const sources = data.split(",").map((file) => path.resolve(file));
  for (const file of queries) {
    const text = fs.readFileSync(file, "utf8");
    const result = await engine.query(text, { sources });
    const { data: stream } = await engine.resultToString(result, "application/sparql-results+json");
    let out = "";
    for await (const chunk of stream) out += chunk;
    fs.writeFileSync(path.join(outDir, path.basename(file) + ".json"), out);
  }
}
main().catch((error) => { console.error(error); process.exit(1); });
