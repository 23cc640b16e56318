#!/bin/sh
# Rebuilds the query workbench's editor, YASGUI (npm @zazuko/yasgui), from the committed lock
# file: installs it into tools/web/node_modules and copies its dist build (yasgui.min.js,
# yasgui.min.css) into kg/server/static/vendor/yasgui/, with LICENSES.txt (the licence of every
# package the bundle is made of, as each ships it) and VERSION. The copied files are committed,
# so that `pip install .` serves the workbench with no npm and no network; run this script only
# to update YASGUI (change the version in tools/web/package.json, then `npm install` there to
# move the lock file), then commit the copied files.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
web="$root/tools/web"
out="$root/kg/server/static/vendor/yasgui"
command -v npm >/dev/null || { echo "npm is missing (Node 20 and npm are needed)" >&2; exit 2; }
(cd "$web" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
build="$web/node_modules/@zazuko/yasgui/build"
mkdir -p "$out"
cp "$build/yasgui.min.js" "$build/yasgui.min.css" "$out/"
(cd "$web" && node -e '
const fs = require("fs"), path = require("path");
const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
const lines = ["The workbench editor, YASGUI (@zazuko/yasgui), is one bundle of these npm packages",
  "(tools/web/package-lock.json). Each entry: name, version, the licence its package.json",
  "declares, then the licence file the package ships (if it ships one).", ""];
for (const key of Object.keys(lock.packages).filter((k) => k).sort()) {
  const dir = key;
  const meta = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  lines.push("=".repeat(78), `${meta.name} ${meta.version} (${JSON.stringify(meta.license || null)})`, "");
  const file = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
  lines.push(file ? fs.readFileSync(path.join(dir, file), "utf8").trim() : "(no licence file in the package)", "");
}
fs.writeFileSync(process.argv[1], lines.join("\n") + "\n");
' "$out/LICENSES.txt")
node -p "require('$web/node_modules/@zazuko/yasgui/package.json').version" > "$out/VERSION"
echo "copied YASGUI $(cat "$out/VERSION") into $out" >&2
