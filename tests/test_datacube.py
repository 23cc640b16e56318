"""The W3C RDF Data Cube integrity constraints IC-1 to IC-21 (tests/datacube/ic-*.rq, ASK queries
as the Recommendation writes them: true means violated) on the article's statistics.

The constraints run on a normalized copy of the cube: the data and the ontology (which types
kko:amount as a qb:MeasureProperty and declares the dimensions' ranges), then the Recommendation's
normalization phases 1 and 2, then the rdf:type closure of rdfs:subClassOf (see
tests/datacube/subclass-types.ru for why). IC-20 and IC-21 are templates: each is run once for every
property that its instantiation query (ic-2x-parameters.rq) returns, and holds when none does.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Namespace, URIRef

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "datacube"
FIXTURES = ROOT / "tests" / "fixtures" / "datacube"
ONTOLOGY = ROOT / "ontology" / "kazkgz.ttl"
DATA = (ROOT / "graph" / "article.ttl", ROOT / "graph" / "excerpts.ttl")
NORMALIZE = ("normalize-phase-1.ru", "normalize-phase-2.ru", "subclass-types.ru")
QB = Namespace("http://purl.org/linked-data/cube#")
KK = Namespace("https://w3id.org/kazkgz/id/")
KKO = Namespace("https://w3id.org/kazkgz/ontology#")

CONSTRAINTS = sorted(p.stem for p in QUERIES.glob("ic-*.rq") if not p.stem.endswith("-parameters"))
BROKEN = sorted(p.stem for p in FIXTURES.glob("ic-*.ttl"))


def normalized(graph: Graph) -> Graph:
    """A normalized copy of ``graph``."""
    copy = Graph()
    copy += graph
    for name in NORMALIZE:
        copy.update((QUERIES / name).read_text(encoding="utf-8"))
    return copy


def violated(graph: Graph, constraint: str) -> bool:
    """Whether the integrity constraint ``constraint`` (for example 'ic-12') is violated."""
    text = (QUERIES / f"{constraint}.rq").read_text(encoding="utf-8")
    if "<$p>" not in text:
        return bool(graph.query(text).askAnswer)
    parameters = (QUERIES / f"{constraint}-parameters.rq").read_text(encoding="utf-8")
    properties = [row[0] for row in graph.query(parameters)]
    return any(
        graph.query(text.replace("<$p>", URIRef(p).n3())).askAnswer
        for p in properties
        if isinstance(p, URIRef)
    )


@functools.cache
def real_cube() -> Graph:
    graph = Graph().parse(ONTOLOGY, format="turtle")
    for file in DATA:
        graph.parse(file, format="turtle")
    return normalized(graph)


def fixture_cube(name: str) -> Graph:
    return normalized(Graph().parse(FIXTURES / f"{name}.ttl", format="turtle"))


def test_all_twenty_one_constraints_are_there() -> None:
    numbers = {int(re.match(r"ic-(\d+)", name).group(1)) for name in CONSTRAINTS}  # type: ignore[union-attr]
    assert numbers == set(range(1, 22))
    assert {"ic-19a", "ic-19b"} <= set(CONSTRAINTS)


def test_normalization_types_the_observations() -> None:
    """Phase 1 types the article's 13 figures (7 of trade, 3 of investment, 3 of students)
    as qb:Observation and gives each component specification its qb:componentProperty."""
    cube = real_cube()
    observations = set(cube.subjects(RDF.type, QB.Observation))
    assert len(observations) == 13
    assert KK["obs-exports-kyrgyzstan-to-kazakhstan-2024"] in observations
    assert len(set(cube.subject_objects(QB.componentProperty))) == 7


@pytest.mark.realdata
@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_real_cube_satisfies(constraint: str) -> None:
    assert not violated(real_cube(), constraint)


@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_valid_fixture_satisfies(constraint: str) -> None:
    assert not violated(fixture_cube("valid"), constraint)


@pytest.mark.parametrize("constraint", BROKEN)
def test_broken_fixture_violates(constraint: str) -> None:
    header = (FIXTURES / f"{constraint}.ttl").read_text(encoding="utf-8").splitlines()[:3]
    assert f"# violates: {constraint}" in header
    assert violated(fixture_cube(constraint), constraint)


def test_required_constraints_have_broken_fixtures() -> None:
    assert {"ic-01", "ic-02", "ic-11", "ic-12", "ic-13", "ic-14", "ic-19a"} <= set(BROKEN)


REPORTED_2025 = """
@prefix kk: <https://w3id.org/kazkgz/id/> . @prefix kko: <https://w3id.org/kazkgz/ontology#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
kk:obs-trade-2025-reported a kko:TradeFigure ; qb:dataSet kk:dataset-trade ;
    kko:refPeriod kk:period-2025 ; kko:flow kk:flow-trade-turnover ;
    kko:amount 2100000000.0 ; kko:unitMeasure kko:USD ; kko:valueQualifier kko:Exact ;
    kko:valueStatus kko:Reported .
"""


@functools.cache
def _cube_with_reported_2025(status_as: str) -> Graph:
    """The article's cube plus a reported 2025 turnover (a figure the article does not give:
    what a later source would add) beside the article's 2025 forecast, same period and flow.
    ``status_as``: the value status as a "dimension" (the model) or an "attribute" (before).
    Built once per process: the tests only query it."""
    graph = Graph().parse(ONTOLOGY, format="turtle")
    for file in DATA:
        graph.parse(file, format="turtle")
    graph.parse(data=REPORTED_2025, format="turtle")
    if status_as == "attribute":
        spec, status = KK["component-value-status"], URIRef(str(KKO) + "valueStatus")
        graph.remove((spec, QB.dimension, status))
        graph.remove((spec, QB.order, None))
        graph.add((spec, QB.attribute, status))
        graph.remove((status, RDF.type, QB.DimensionProperty))
        graph.add((status, RDF.type, QB.AttributeProperty))
    return normalized(graph)


@pytest.mark.realdata
@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_a_reported_figure_beside_the_forecast_keeps_the_cube_valid(constraint: str) -> None:
    """The defect this guards against: with the value status an attribute, a reported 2025
    turnover beside the 2025 forecast would be a second observation of one key (IC-12)."""
    assert not violated(_cube_with_reported_2025("dimension"), constraint)


@pytest.mark.realdata
def test_with_the_status_as_an_attribute_the_same_cube_breaks_ic_12() -> None:
    assert violated(_cube_with_reported_2025("attribute"), "ic-12")


@pytest.mark.realdata
def test_the_cube_reuses_the_sdmx_components() -> None:
    ontology = Graph().parse(ONTOLOGY, format="turtle")
    sdmx = "http://purl.org/linked-data/sdmx/2009/"
    sub = URIRef("http://www.w3.org/2000/01/rdf-schema#subPropertyOf")
    assert (KKO.refPeriod, sub, URIRef(sdmx + "dimension#refPeriod")) in ontology
    assert (KKO.unitMeasure, sub, URIRef(sdmx + "attribute#unitMeasure")) in ontology
    assert (KKO.valueStatus, RDF.type, QB.DimensionProperty) in ontology
