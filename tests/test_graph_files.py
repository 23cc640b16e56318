"""Every Turtle file the project publishes or loads parses in rdflib and in Oxigraph, and both
count the same triples."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    [
        ROOT / "ontology" / "kazkgz.ttl",
        *(ROOT / "graph").glob("*.ttl"),
        *(ROOT / "shapes").glob("*.ttl"),
    ]
)


def test_the_project_has_its_files() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in FILES}
    assert {
        "ontology/kazkgz.ttl",
        "graph/article.ttl",
        "graph/excerpts.ttl",
        "graph/reference.ttl",
        "shapes/kazkgz-shapes.ttl",
    } <= names


@pytest.mark.parametrize("path", FILES, ids=[path.relative_to(ROOT).as_posix() for path in FILES])
def test_parses_in_rdflib_and_oxigraph_alike(path: Path) -> None:
    in_rdflib = len(Graph().parse(path, format="turtle"))
    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    assert in_rdflib > 0
    assert len(store) == in_rdflib
