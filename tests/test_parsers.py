"""Every published file (``kg build``: each graph as Turtle, N-Triples, RDF/XML and JSON-LD;
the named graphs in one N-Quads and one TriG file; the VoID and DCAT descriptions) parses in
every parser that reads its format, with no base IRI given, and each parser counts the same
triples (or quads) as rdflib.

Parsers: rdflib and pyoxigraph (all four formats), serdi (Turtle, N-Triples; strict by
default), rapper (Turtle, N-Triples, RDF/XML), n3.js (Turtle, N-Triples; one Node process for
all files) and Jena's ``riotcmd.riot --count`` (all four; one JVM for the Turtle, N-Triples and
RDF/XML files and one for the JSON-LD files, read by Jena 4.5's JSON-LD 1.0 reader, since its
JSON-LD 1.1 reader needs a Jakarta JSON implementation that Debian does not package).
"""

# ruff: noqa: F811 (pytest fixtures imported by name, then taken as arguments)
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pyoxigraph
import pytest
from pyoxigraph import DefaultGraph
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from stores.fixtures import published, tool_cache  # noqa: F401 (fixtures)
from stores.tools import JVM_OPTIONS, command, engine_params, jena_classpath, node

from kg.publishing.build import LAYERS

pytestmark = [pytest.mark.stores]

GRAPHS = tuple(LAYERS)
#: the files that are not one graph in four formats
OTHERS = ("void.ttl", "catalog.ttl", "dataset.nq", "dataset.trig")
RDFLIB = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}
OXIGRAPH = {
    "ttl": pyoxigraph.RdfFormat.TURTLE,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "rdf": pyoxigraph.RdfFormat.RDF_XML,
    "jsonld": pyoxigraph.RdfFormat.JSON_LD,
}
RAPPER = {"ttl": "turtle", "nt": "ntriples", "rdf": "rdfxml"}
SERDI = {"ttl": "turtle", "nt": "ntriples"}
PARSERS: dict[str, tuple[str, ...]] = {
    "rdflib": ("ttl", "nt", "rdf", "jsonld"),
    "pyoxigraph": ("ttl", "nt", "rdf", "jsonld"),
    "serdi": ("ttl", "nt"),
    "rapper": ("ttl", "nt", "rdf"),
    "n3.js": ("ttl", "nt"),
    "jena-riot": ("ttl", "nt", "rdf", "jsonld"),
}
# Every published file is expected to parse everywhere its format is read: no known failures.
# (The JSON-LD export writes blank-node classes in "@type" as strings, as JSON-LD requires.)
KNOWN: dict[tuple[str, str], str] = {}


def _cases() -> list[object]:
    params = []
    for parser, extensions in PARSERS.items():
        names = [f"{graph}.{extension}" for graph in GRAPHS for extension in extensions]
        params += engine_params((parser,), [(name, name) for name in names], KNOWN)
    return params


@pytest.fixture(scope="module")
def expected(published: Path) -> dict[str, int]:
    """Triples in each graph: rdflib's count of its N-Triples file."""
    return {g: len(Graph().parse(published / f"{g}.nt", format="nt")) for g in GRAPHS}


@pytest.fixture(scope="module")
def n3_counts(published: Path) -> dict[str, int]:
    files = [str(published / f"{g}.{e}") for g in GRAPHS for e in PARSERS["n3.js"]]
    out = node("n3-count.cjs", *files)
    return {Path(f).name: int(n) for f, n in (line.split("\t") for line in out.splitlines())}


_RIOT = re.compile(
    r"^file://\S*/(?P<name>[\w.]+) : (?:Triples|Quads) = (?P<count>[\d,]+)$", re.MULTILINE
)


@pytest.fixture(scope="module")
def riot_counts(published: Path, tool_cache: Path) -> dict[str, int | str]:
    """``riot --count`` of each file: its count, or the error riot printed."""
    found: dict[str, int | str] = {}
    runs = (
        ([], [f"{g}.{e}" for g in GRAPHS for e in PARSERS["jena-riot"] if e != "jsonld"]),
        (["--syntax=jsonld10"], [f"{g}.jsonld" for g in GRAPHS]),
        ([], list(OTHERS)),
    )
    for options, names in runs:
        files = [str(published / name) for name in names]
        riot = [command("java"), *JVM_OPTIONS, "-cp", jena_classpath(tool_cache), "riotcmd.riot"]
        done = subprocess.run(
            [*riot, *options, "--count", *files],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        output = done.stdout + done.stderr
        for file in files:
            found[Path(file).name] = output  # replaced by the count when riot gives one
        for match in _RIOT.finditer(output):
            found[match["name"]] = int(match["count"].replace(",", ""))
    return found


def _count(parser: str, path: Path, n3: object, riot: object) -> int:
    extension = path.suffix[1:]
    if parser == "rdflib":
        return len(Graph().parse(path, format=RDFLIB[extension]))
    if parser == "pyoxigraph":
        store = pyoxigraph.Store()
        store.load(path=str(path), format=OXIGRAPH[extension])
        return len(store)
    if parser == "serdi":
        done = subprocess.run(
            [command("serdi"), "-i", SERDI[extension], "-o", "ntriples", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return sum(1 for line in done.stdout.splitlines() if line.strip())
    if parser == "rapper":
        done = subprocess.run(
            [command("rapper"), "-i", RAPPER[extension], "-c", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "Error" not in done.stderr, done.stderr
        match = re.search(r"returned (\d+) triples", done.stderr)
        assert match, done.stderr
        return int(match[1])
    counts = n3 if parser == "n3.js" else riot
    assert isinstance(counts, dict)
    value = counts[path.name]
    assert isinstance(value, int), f"{parser} refused {path.name}: {str(value)[-2000:]}"
    return value


@pytest.mark.parametrize(("parser", "name"), _cases())
def test_every_parser_counts_the_same_triples(
    parser: str,
    name: str,
    published: Path,
    expected: dict[str, int],
    request: pytest.FixtureRequest,
) -> None:
    n3 = request.getfixturevalue("n3_counts") if parser == "n3.js" else None
    riot = request.getfixturevalue("riot_counts") if parser == "jena-riot" else None
    graph = name.split(".")[0]
    assert _count(parser, published / name, n3, riot) == expected[graph]


def test_every_file_the_build_writes_is_tested_here(published: Path) -> None:
    graphs = {f"{graph}.{extension}" for graph in GRAPHS for extension in RDFLIB}
    written = {p.name for p in published.iterdir()}
    assert written == graphs | set(OTHERS) | {"SHA256SUMS"}
    assert all((published / name).stat().st_size > 0 for name in written)


def _rdflib_count(path: Path) -> int:
    if path.suffix in (".nq", ".trig"):
        dataset = Dataset()
        dataset.parse(path, format="nquads" if path.suffix == ".nq" else "trig")
        return len(dataset)
    return len(Graph().parse(path, format="turtle"))


@pytest.mark.parametrize("name", OTHERS)
def test_the_other_files_load_anywhere_with_no_base_iri(
    name: str, published: Path, riot_counts: dict[str, int | str]
) -> None:
    path = published / name
    expected = _rdflib_count(path)
    assert expected > 0
    store = pyoxigraph.Store()
    quads = path.suffix in (".nq", ".trig")
    formats = {".ttl": pyoxigraph.RdfFormat.TURTLE, ".nq": pyoxigraph.RdfFormat.N_QUADS,
               ".trig": pyoxigraph.RdfFormat.TRIG}  # fmt: skip
    if quads:
        store.bulk_load(path=str(path), format=formats[path.suffix])
    else:  # bulk_load refuses a relative IRI where no base is given
        store.bulk_load(path=str(path), format=formats[path.suffix], to_graph=DefaultGraph())
    assert len(store) == expected
    assert riot_counts[name] == expected, riot_counts[name]


def test_riot_reports_a_broken_file(tmp_path: Path, tool_cache: Path) -> None:
    """The count above would hide nothing: riot names a file it cannot parse."""
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    done = subprocess.run(
        [
            *(command("java"), *JVM_OPTIONS, "-cp", jena_classpath(tool_cache)),
            *("riotcmd.riot", "--count", str(bad)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert not _RIOT.search(done.stdout + done.stderr)


@pytest.mark.parametrize("name", ["dataset.nq", "dataset.trig"])
def test_the_combined_files_hold_each_graph_as_it_is(name: str, published: Path) -> None:
    """Each named graph of the combined file is the graph of its own file, multi-line literals
    included (compared as graphs)."""
    dataset = Dataset()
    dataset.parse(published / name, format="nquads" if name.endswith(".nq") else "trig")
    for graph in ("asserted", "inferred", "reference", "shapes"):
        named = dataset.graph(URIRef(f"https://w3id.org/kazkgz/graph/{graph}"))
        assert isomorphic(named, Graph().parse(published / f"{graph}.nt", format="nt")), graph
