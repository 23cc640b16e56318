"""SHACL validation: the fixture conforms (with one warning); bad data fails with details."""

from __future__ import annotations

from pathlib import Path

from lib_helpers import KK, KKO, PROJECT, fixture_sources
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from kg import load_graph, validate

BAD_DATA = """
@prefix kk: <https://w3id.org/kazkgz/id/> .
@prefix kko: <https://w3id.org/kazkgz/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
kk:atlantis a kko:State .
kk:bad-position a oa:TextPositionSelector ;
    oa:start "9"^^xsd:nonNegativeInteger ; oa:end "3"^^xsd:nonNegativeInteger .
"""


def test_fixture_conforms_without_results() -> None:
    report = validate(paths=fixture_sources())
    assert report.conforms
    assert report.results == ()


def test_reference_layer_on_request_conforms_with_the_warning() -> None:
    report = validate(paths=fixture_sources(), include_reference=True)
    assert report.conforms
    assert report.violations == ()
    [warning] = report.results
    assert warning.severity == "Warning"
    assert warning.focus_node == URIRef(KK + "kazakhstan")
    assert warning.path == RDFS.label
    assert warning.message == "a state's labels should be in Chinese or English"
    assert (None, RDF.type, SH.ValidationReport) in report.report_graph


def test_bad_data_is_reported_with_node_path_rule_and_message() -> None:
    data = load_graph(paths=fixture_sources()) + Graph().parse(data=BAD_DATA, format="turtle")
    report = validate(data, paths=fixture_sources())
    assert not report.conforms
    found = {(str(r.focus_node), r.path, r.message, r.constraint) for r in report.violations}
    assert found == {
        (KK + "atlantis", RDFS.label, "a state needs a label", SH.MinCountConstraintComponent),
        (
            KK + "bad-position",
            None,
            "the end offset must be greater than the start offset",
            SH.SPARQLConstraintComponent,
        ),
    }
    assert all(r.source_shape is not None for r in report.violations)


def test_subclass_targets_use_the_ontology_passed_as_ont_graph(tmp_path: Path) -> None:
    # kk:japarov is a kko:President; a shape on kko:Person reaches it only through the ontology.
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <{KKO}Person> ;
            sh:property [ sh:path <{KKO}nationality> ; sh:minCount 1 ] .""",
        encoding="utf-8",
    )
    report = validate(shapes=[shapes], paths=fixture_sources())
    assert [str(r.focus_node) for r in report.violations] == [KK + "japarov"]
    data_only = validate(shapes=[shapes], ontology=Graph(), paths=fixture_sources())
    assert data_only.conforms


def test_validate_explicit_files() -> None:
    report = validate(
        load_graph(paths=[PROJECT / "graph" / "article.ttl"]), paths=fixture_sources()
    )
    assert report.conforms
