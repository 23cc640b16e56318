"""The ontology's documentation (``python -m kg.publishing.ontology_docs``): the pyLODE page and the
class diagram are rebuilt from the ontology by one command, and the committed copies in docs/ are up
to date. The command needs pyLODE 3.3.4 and Graphviz ``dot``; without them its tests are
skipped, saying which tool is missing."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from lib_helpers import KKO, REPO
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from kg.publishing import ontology_docs
from kg.publishing.ontology_docs import MODULES, anchor, class_diagram, pylode_graph

ONTOLOGY_FILE = REPO / "ontology" / "kazkgz.ttl"
DOCS = REPO / "docs"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"

pytestmark = pytest.mark.realdata

_missing = [
    name
    for name, present in (
        ("pyLODE (pip install pylode==3.3.4)", importlib.util.find_spec("pylode") is not None),
        ("Graphviz dot (apt-get install graphviz)", shutil.which("dot") is not None),
    )
    if not present
]
needs_tools = pytest.mark.skipif(bool(_missing), reason="needs " + " and ".join(_missing))


def _svg(path: Path) -> ET.Element:
    return ET.parse(path).getroot()  # noqa: S314 - an SVG this project generates


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    graph.parse(ONTOLOGY_FILE, format="turtle")
    return graph


def _ours(graph: Graph, *kinds: URIRef) -> set[URIRef]:
    return {
        s
        for kind in kinds
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(KKO)
    }


def test_every_kko_class_is_in_exactly_one_module(ontology: Graph) -> None:
    listed = [KKO + name for names in MODULES.values() for name in names]
    assert len(listed) == len(set(listed)), "a class is listed in two modules"
    classes = {str(c) for c in _ours(ontology, OWL.Class)}
    assert classes - set(listed) == set(), "add these classes to MODULES in kg/ontology_docs.py"
    assert set(listed) - classes == set(), "MODULES names classes the ontology does not have"


def test_diagram_has_a_cluster_per_module_and_every_class(ontology: Graph) -> None:
    dot = class_diagram(ontology)
    for module in MODULES:
        assert f"subgraph cluster_{module} {{" in dot
    assert "cluster_other" not in dot
    for cls in _ours(ontology, OWL.Class):
        assert f'URL="ontology.html#{anchor(cls)}"' in dot
    assert "style=dashed, arrowhead=empty" in dot  # subclass edges
    assert 'label="borders (symmetric)"' in dot
    assert 'label="locatedIn (transitive)"' in dot


def test_committed_diagram_source_is_up_to_date(ontology: Graph) -> None:
    committed = (DOCS / ontology_docs.DOT_NAME).read_text(encoding="utf-8")
    assert committed == class_diagram(ontology), (
        "docs/ontology-classes.dot is stale: run `python -m kg.publishing.ontology_docs`"
    )


def test_pylode_graph_drops_only_the_concept_scheme_typing(ontology: Graph) -> None:
    prepared = pylode_graph(ontology)
    dropped = set(ontology) - set(prepared)
    assert dropped
    assert all(p == RDF.type and o == SKOS.ConceptScheme for _, p, o in dropped)
    assert set(prepared) <= set(ontology)


def test_docs_command_says_which_tool_is_missing(tmp_path: Path) -> None:
    """Exit code 2 and a message naming Graphviz when ``dot`` is not on the PATH."""
    env = dict(os.environ, PATH=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "kg.publishing.ontology_docs", "--out", str(tmp_path / "docs")],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Graphviz is not installed" in done.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if _missing:
        pytest.skip("needs " + " and ".join(_missing))
    out = tmp_path_factory.mktemp("docs")
    done = subprocess.run(
        [sys.executable, "-m", "kg.publishing.ontology_docs", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for name in (ontology_docs.HTML_NAME, ontology_docs.DOT_NAME, ontology_docs.SVG_NAME):
        assert f"wrote {out / name}" in done.stdout
    return out


@needs_tools
@pytest.mark.slow
@pytest.mark.cli
def test_docs_command_renders_every_term_with_a_stable_anchor(built: Path, ontology: Graph) -> None:
    html = (built / ontology_docs.HTML_NAME).read_text(encoding="utf-8")
    metadata = html[html.index('id="metadata"') : html.index('id="classes"')]
    version_iri = ontology.value(URIRef(KKO.rstrip("#")), OWL.versionIRI)
    assert f"<code>{version_iri}</code>" in metadata or str(version_iri) in metadata
    assert "<code>https://w3id.org/kazkgz/ontology</code>" in metadata
    assert "哈萨克斯坦—吉尔吉斯斯坦关系本体" in metadata
    assert "ontology#valueQualifiers" not in metadata  # no concept scheme as the ontology
    terms = _ours(ontology, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    missing = sorted(t for t in terms if f'<a id="{anchor(t)}"></a>' not in html)
    assert not missing, missing
    assert "国家元首" in html  # Chinese labels rendered as written


@needs_tools
@pytest.mark.slow
@pytest.mark.cli
def test_docs_command_draws_the_diagram_with_working_links(built: Path) -> None:
    html = (built / ontology_docs.HTML_NAME).read_text(encoding="utf-8")
    svg = _svg(built / ontology_docs.SVG_NAME)
    assert svg.tag == f"{SVG}svg"
    clusters = {
        title.text
        for group in svg.iter(f"{SVG}g")
        if group.get("class") == "cluster"
        for title in group.findall(f"{SVG}title")
    }
    assert {f"cluster_{module}" for module in MODULES} <= clusters
    links = {a.get(f"{XLINK}href") for a in svg.iter(f"{SVG}a")} - {None}
    assert len(links) >= 60
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', html))
    broken = sorted(link for link in links if link and link.split("#", 1)[1] not in anchors)
    assert not broken, broken


@needs_tools
@pytest.mark.slow
@pytest.mark.cli
def test_committed_docs_are_what_the_command_builds(built: Path) -> None:
    """The page is compared by its anchors and the text of its term sections (pyLODE may list
    the members of a class expression in another order from run to run); the SVG by its
    classes and links only (its coordinates depend on Graphviz's version)."""

    def terms(path: Path) -> tuple[set[str], list[str]]:
        html = path.read_text(encoding="utf-8")
        anchors = set(re.findall(r'id="([^"]+)"', html))
        lines = sorted(line.strip() for line in html.splitlines() if line.strip())
        return anchors, lines

    fresh, committed = terms(built / ontology_docs.HTML_NAME), terms(DOCS / ontology_docs.HTML_NAME)
    assert fresh == committed, (
        "docs/ontology.html is stale: run `python -m kg.publishing.ontology_docs`"
    )

    def links(path: Path) -> set[str | None]:
        return {a.get(f"{XLINK}href") for a in _svg(path).iter(f"{SVG}a")}

    assert links(built / ontology_docs.SVG_NAME) == links(DOCS / ontology_docs.SVG_NAME)
