// Reads RDF files back through Comunica (@comunica/query-sparql-file) with a CONSTRUCT of every
// triple, written as N-Triples:
//   node comunica-construct.cjs OUT.nt DATA_FILE...
const fs = require("fs");
const path = require("path");
const { QueryEngine } = require("@comunica/query-sparql-file");

async function main() {
  const [out, ...data] = process.argv.slice(2);
  const engine = new QueryEngine();
  const sources = data.map((file) => path.resolve(file));
  const result = await engine.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", { sources });
  const { data: stream } = await engine.resultToString(result, "application/n-triples");
  let text = "";
  for await (const chunk of stream) text += chunk;
  fs.writeFileSync(out, text);
}
main().catch((error) => { console.error(error); process.exit(1); });
