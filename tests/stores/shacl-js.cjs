// Validates data files with SHACL engines written in JavaScript:
//   node shacl-js.cjs ENGINE SHAPES.ttl OUT_DIR DATA.nt...
// ENGINE is shacl-engine or rdf-validate-shacl; each report is written as N-Triples to
// OUT_DIR/<data file name>.<ENGINE>.nt
const fs = require("fs");
const path = require("path");
const N3 = require("n3");

function read(file) {
  const format = file.endsWith(".nt") ? "N-Triples" : "Turtle";
  const dataset = new N3.Store();
  dataset.addQuads(new N3.Parser({ format }).parse(fs.readFileSync(file, "utf8")));
  return dataset;
}

async function report(engine, shapes, data) {
  if (engine === "shacl-engine") {
    const { Validator } = require("shacl-engine");
    const DataModel = require("@rdfjs/data-model");
    const Dataset = require("@rdfjs/dataset");
    const Environment = require("@rdfjs/environment");
    const factory = new (Environment.default || Environment)([
      DataModel.DataFactory || require("@rdfjs/data-model/Factory.js"),
      Dataset.DatasetFactory || require("@rdfjs/dataset/Factory.js"),
    ]);
    const validator = new Validator(shapes, { factory });
    const result = await validator.validate({ dataset: data });
    return result.dataset;
  }
  const SHACLValidator = require("rdf-validate-shacl");
  const validator = new (SHACLValidator.default || SHACLValidator)(shapes);
  const result = await validator.validate(data);
  return result.dataset;
}

async function main() {
  const [engine, shapesFile, outDir, ...files] = process.argv.slice(2);
  const shapes = read(shapesFile);
  for (const file of files) {
    const dataset = await report(engine, shapes, read(file));
    const writer = new N3.Writer({ format: "N-Triples" });
    const text = writer.quadsToString([...dataset]);
    fs.writeFileSync(path.join(outDir, `${path.basename(file)}.${engine}.nt`), text);
  }
}
main().catch((error) => { console.error(error); process.exit(1); });
