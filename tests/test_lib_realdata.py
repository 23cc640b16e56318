"""The library on the project's own files; skipped while those files do not exist yet."""

from __future__ import annotations

from dataclasses import replace

import pytest
from lib_helpers import REPO
from rdflib.namespace import RDF

from kg import load_graph, reason, run_checks, source, validate
from kg.core.namespaces import KKO
from kg.core.paths import default_sources

SOURCES = default_sources(REPO)
HAVE_GRAPH = (REPO / "ontology" / "kazkgz.ttl").is_file() and (
    REPO / "graph" / "article.ttl"
).is_file()
HAVE_SHAPES = (REPO / "shapes" / "kazkgz-shapes.ttl").is_file()
HAVE_CHECKS = any((REPO / "queries" / "checks").glob("*-violation.rq"))

needs_graph = pytest.mark.skipif(not HAVE_GRAPH, reason="ontology/ and graph/ not written yet")
pytestmark = [pytest.mark.realdata, needs_graph]


def test_real_graph_loads_and_is_consistent() -> None:
    graph = load_graph(paths=SOURCES)
    assert len(graph) > 1000
    inferred = reason(graph)
    assert len(inferred) > 0


def test_every_excerpt_offset_selects_its_quote() -> None:
    graph = load_graph(paths=SOURCES)
    excerpts = sorted(graph.subjects(RDF.type, KKO.Excerpt))
    assert excerpts
    article = replace(SOURCES, verification=())  # the article's words only: no layer to read
    for excerpt in excerpts:
        [evidence] = source(excerpt, graph=graph, paths=article).evidence
        assert evidence.verified, excerpt


@pytest.mark.skipif(not HAVE_SHAPES, reason="shapes/kazkgz-shapes.ttl not written yet")
def test_real_graph_conforms() -> None:
    report = validate(paths=SOURCES)
    assert report.conforms, [str(r) for r in report.violations]


@pytest.mark.skipif(not HAVE_CHECKS, reason="queries/checks/*-violation.rq not written yet")
def test_real_checks_pass() -> None:
    failed = [c.name for c in run_checks(SOURCES) if not c.passed]
    assert failed == []


def test_reference_layer_is_kept_apart() -> None:
    assert all(p.name != "reference.ttl" for p in SOURCES.data)
