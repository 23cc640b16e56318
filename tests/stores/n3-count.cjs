// Counts the triples of each file with n3.js's strict parser (Turtle or N-Triples by extension):
//   node n3-count.cjs FILE...   prints "FILE<TAB>COUNT" per file; a parse error exits 1
const fs = require("fs");
const N3 = require("n3");

for (const file of process.argv.slice(2)) {
  const format = file.endsWith(".nt") ? "N-Triples" : "Turtle";
  const quads = new N3.Parser({ format }).parse(fs.readFileSync(file, "utf8"));
  console.log(`${file}\t${quads.length}`);
}
