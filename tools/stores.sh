#!/bin/sh
# Installs the triple stores, parsers and engines that the store tests (pytest -m stores) and
# the benchmark suite (python -m benchmarks run: Jena TDB2 and Virtuoso) use:
#   Debian: virtuoso-opensource (Virtuoso 7, a SPARQL server with a Graph Store endpoint),
#           libapache-jena-java (Jena's riot, arq, tdb2 and shacl, run with java) and
#           default-jdk-headless (java runs the tests' one-file batch runner from source),
#           serdi and raptor2-utils (strict Turtle, N-Triples and RDF/XML parsers);
#   npm (Node 20 and npm are expected on the machine; into tools/node/node_modules, from the committed package-lock.json): Comunica
#           (comunica-sparql-file), n3.js, shacl-engine, rdf-validate-shacl and their @rdfjs peers.
# As root it installs what is missing; as another user it only names what is missing, and the
# tests that need it are skipped with that reason. Fast when everything is already installed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
packages="virtuoso-opensource libapache-jena-java default-jdk-headless serdi raptor2-utils"
missing=""
for package in $packages; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
root=no
[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null && root=yes
if [ -n "$missing" ]; then
    if [ "$root" = yes ]; then
        echo "installing:$missing" >&2
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        echo "not installed (tests that need them are skipped):$missing" >&2
    fi
fi
# npm packages: reinstall only when the lock file changed since the last install
node_dir="$here/node"
stamp="$node_dir/node_modules/.package-lock.json"
if command -v npm >/dev/null; then
    if [ ! -f "$stamp" ] || [ "$node_dir/package-lock.json" -nt "$stamp" ]; then
        echo "installing npm packages into tools/node/node_modules" >&2
        (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
else
    echo "npm is missing: the Comunica, n3.js and shacl-engine tests are skipped" >&2
fi
