#!/bin/sh
# Installs the Debian packages that some tests use (as root, when missing); as another user it
# only names what is missing, and those tests are skipped with that reason.
#   graphviz: `dot`, for the ontology's class diagram (python -m kg.publishing.ontology_docs)
#   and, through tools/stores.sh, the stores and engines of the store tests (pytest -m stores)
#   chromium: a headless browser, for the query page's test (tests/test_server_browser.py)
#   fonts-noto-cjk: Chinese glyphs for that browser, so that a test sees what a Chinese reader
#   sees, not boxes (tests/test_server_fonts.py)
#   wrk: the HTTP load generator of the endpoint benchmark (python -m benchmarks endpoint)
set -eu
sh "$(dirname "$0")/stores.sh"
packages="graphviz chromium fonts-noto-cjk wrk"
missing=""
for package in $packages; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing:$missing" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "not installed (tests that need them are skipped):$missing" >&2
fi
