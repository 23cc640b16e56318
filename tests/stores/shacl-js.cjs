// Validates data files with SHACL engines written in JavaScript:
//   node shacl-js.cjs ENGINE SHAPES.ttl OUT_DIR DATA.nt...
// ENGINE is shacl-engine or rdf-validate-shacl, both without SHACL-SPARQL (shacl-engine's
// plugin, shacl-engine/sparql.js, fails on the project's constraints: "Tried to bind variable
// ?this in a GROUP BY operator"; rdf-validate-shacl has none); each report is written as
// N-Triples to OUT_DIR/<data file name>.<ENGINE>.nt
const fs = require("fs");
const path = require("path");
const { pathToFileURL } = require("url");
const N3 = require("n3");

// ES modules do not resolve through NODE_PATH: import them by file from tools/node
const load = (file) => import(pathToFileURL(path.join(process.env.NODE_PATH, file)).href);

function read(file) {
  const format = file.endsWith(".nt") ? "N-Triples" : "Turtle";
  const dataset = new N3.Store();
  dataset.addQuads(new N3.Parser({ format }).parse(fs.readFileSync(file, "utf8")));
  return dataset;
}

async function shaclEngine() {
  const { Validator } = await load("shacl-engine/index.js");
  const DataFactory = (await load("@rdfjs/data-model/Factory.js")).default;
  const DatasetFactory = (await load("@rdfjs/dataset/Factory.js")).default;
  const Environment = (await load("@rdfjs/environment/Environment.js")).default;
  const factory = new Environment([DataFactory, DatasetFactory]);
  return (shapes) => {
    const validator = new Validator(shapes, { factory });
    return async (data) => (await validator.validate({ dataset: data })).dataset;
  };
}

async function rdfValidateShacl() {
  const module = await load("rdf-validate-shacl/index.js");
  const SHACLValidator = module.default || module;
  return (shapes) => {
    const validator = new SHACLValidator(shapes);
    return async (data) => (await validator.validate(data)).dataset;
  };
}

async function main() {
  const [engine, shapesFile, outDir, ...files] = process.argv.slice(2);
  const make = engine === "shacl-engine" ? await shaclEngine() : await rdfValidateShacl();
  const validate = make(read(shapesFile));
  for (const file of files) {
    const dataset = await validate(read(file));
    const writer = new N3.Writer({ format: "N-Triples" });
    const text = writer.quadsToString([...dataset]);
    fs.writeFileSync(path.join(outDir, `${path.basename(file)}.${engine}.nt`), text);
  }
}
main().catch((error) => { console.error(error); process.exit(1); });
