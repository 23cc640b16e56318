"""Checks, export and build: artefacts, VoID, checksums, atomic writes, failing builds."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from lib_helpers import KK, KKO, copy_project, fixture_sources
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, VOID

from kg import InconsistencyError, ValidationFailed, build, export, load_graph, reason, run_checks
from kg.core.files import atomic_open
from kg.core.paths import default_sources
from kg.graph.serialization import EXPORT_FORMATS, serialize

PARSE_AS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}


def test_checks_pass_on_the_fixture() -> None:
    results = run_checks(fixture_sources())
    assert [(c.name, c.passed) for c in results] == [
        ("self-membership-violation", True),
        ("visit-without-visitor-violation", True),
    ]


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_export_parses_back_to_an_isomorphic_graph(tmp_path: Path, fmt: str) -> None:
    graph = load_graph(include_reference=True, paths=fixture_sources())
    target = export(graph, fmt, tmp_path / f"out.{fmt}")
    back = Graph().parse(target, format=PARSE_AS[fmt])
    assert isomorphic(graph, back)


def test_jsonld_has_an_inline_context_only() -> None:
    data = json.loads(serialize(load_graph(paths=fixture_sources()), "jsonld"))
    assert isinstance(data["@context"], dict)
    assert data["@context"]["kk"] == KK


def test_a_failed_write_leaves_the_old_file_in_place(tmp_path: Path) -> None:
    target = tmp_path / "asserted.ttl"
    target.write_text("old", encoding="utf-8")

    def crash() -> None:
        with atomic_open(target) as handle:
            handle.write(b"half a fi")
            raise RuntimeError("crash")

    with pytest.raises(RuntimeError):
        crash()
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["asserted.ttl"]


def test_build_writes_every_artefact(tmp_path: Path) -> None:
    sources = default_sources(copy_project(tmp_path))
    steps: list[str] = []
    report = build(tmp_path / "dist", paths=sources, progress=steps.append)
    dist = tmp_path / "dist"
    names = sorted(p.name for p in dist.iterdir())
    layers = ["ontology", "article", "asserted", "inferred", "reference"]
    if sources.shapes:
        layers.append("shapes")
    expected = sorted(
        [f"{g}.{x}" for g in layers for x in ("ttl", "nt", "jsonld", "rdf")]
        + ["dataset.nq", "dataset.trig", "void.ttl", "catalog.ttl", "SHA256SUMS"]
    )
    assert names == expected
    assert steps == ["loading", "validating", "reasoning", "running checks", "writing artefacts"]
    # the published graphs: the ontology and the article apart and together, the inferences
    asserted = load_graph(paths=sources.graph_files())
    assert isomorphic(Graph().parse(dist / "asserted.nt", format="nt"), asserted)
    assert isomorphic(
        Graph().parse(dist / "ontology.nt", format="nt"), load_graph(paths=sources.ontology)
    )
    assert isomorphic(
        Graph().parse(dist / "article.nt", format="nt"), load_graph(paths=sources.data)
    )
    inferred = Graph().parse(dist / "inferred.ttl")
    assert (URIRef(KK + "sco"), URIRef(KKO + "hasMember"), URIRef(KK + "kazakhstan")) in inferred
    assert report.inferred_triples == len(inferred) == 5
    # one file holds the named graphs the endpoint serves
    dataset = Dataset()
    dataset.parse(dist / "dataset.nq", format="nquads")
    served = {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}
    assert served["https://w3id.org/kazkgz/graph/asserted"] == len(asserted)
    assert served["https://w3id.org/kazkgz/graph/inferred"] == 5
    # the TriG file holds each graph as it is, literals included (graphs compared as graphs)
    trig = Dataset()
    trig.parse(dist / "dataset.trig", format="trig")
    for name in ("asserted", "inferred", "reference"):
        named = trig.graph(URIRef(f"https://w3id.org/kazkgz/graph/{name}"))
        assert isomorphic(named, Graph().parse(dist / f"{name}.nt", format="nt")), name
    # checksums match the files
    for line in (dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest
    # VoID counts are the graphs' sizes, and dumps are absolute IRIs under the project's base
    void = Graph().parse(dist / "void.ttl")
    graph_iri = URIRef("https://w3id.org/kazkgz/graph/asserted")
    assert void.value(graph_iri, VOID.triples) == Literal(len(asserted))
    dumps = {str(d) for d in void.objects(graph_iri, VOID.dataDump)}
    assert "https://w3id.org/kazkgz/dist/asserted.ttl" in dumps
    assert void.value(URIRef("https://w3id.org/kazkgz/"), VOID.sparqlEndpoint) == URIRef(
        "https://w3id.org/kazkgz/sparql"
    )


def test_two_builds_of_the_same_inputs_are_byte_identical(tmp_path: Path) -> None:
    """The second build reads the closure from the cache, the first computes it: the files
    are the same bytes all the same (blank nodes labelled from content, triples sorted, dates
    from the inputs)."""
    sources = default_sources(copy_project(tmp_path))
    first, second = tmp_path / "first", tmp_path / "second"
    build(first, paths=sources)
    build(second, paths=sources)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_release_date_comes_from_the_inputs(tmp_path: Path, monkeypatch) -> None:
    """No date the inputs do not give: none without one, the ontology's dcterms:modified when
    it has one, and $SOURCE_DATE_EPOCH above both."""
    root = copy_project(tmp_path)
    sources = default_sources(root)
    dataset = URIRef("https://w3id.org/kazkgz/")

    def modified(out: str) -> object:
        build(tmp_path / out, paths=sources)
        return Graph().parse(tmp_path / out / "void.ttl").value(dataset, DCTERMS.modified)

    assert modified("undated") is None
    ontology = root / "ontology" / "kazkgz.ttl"
    with ontology.open("a", encoding="utf-8") as handle:
        handle.write(
            "\n<https://w3id.org/kazkgz/ontology> <http://purl.org/dc/terms/modified> "
            '"2026-11-25"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
        )
    assert str(modified("dated")) == "2026-11-25"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert str(modified("epoch")) == "2026-01-01"


def test_build_fails_on_a_failing_check(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    with (root / "graph" / "article.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\nkk:visit-ghost a kko:Visit .\n")
    with pytest.raises(ValidationFailed) as caught:
        build(tmp_path / "dist", paths=default_sources(root))
    assert caught.value.exit_code == 1
    assert any("visit-without-visitor-violation" in d for d in caught.value.details)
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize(
    "added",
    [
        "kk:atlantis a kko:State .",
        # also inconsistent: validation runs apart while the build reasons, and comes first
        "kk:atlantis a kko:State .\nkk:centaur a kko:State , kko:President .",
    ],
)
def test_build_fails_on_non_conforming_data(tmp_path: Path, added: str) -> None:
    root = copy_project(tmp_path)
    with (root / "graph" / "article.ttl").open("a", encoding="utf-8") as handle:
        handle.write(f"\n{added}\n")
    with pytest.raises(ValidationFailed, match="does not conform"):
        build(tmp_path / "dist", paths=default_sources(root))
    assert not (tmp_path / "dist").exists()
    if "centaur" in added:
        with pytest.raises(InconsistencyError):
            reason(load_graph(paths=default_sources(root).graph_files()))
