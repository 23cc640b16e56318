"""The DCAT catalogue record (dist/catalog.ttl) against the official DCAT-AP 3.0.0 SHACL shapes
(tests/fixtures/dcat-ap/), and its distributions against the files in dist/."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from lib_helpers import built_once
from pyshacl import validate
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, SH

SHAPES = Path(__file__).resolve().parent / "fixtures" / "dcat-ap" / "dcat-ap-SHACL-3.0.0.ttl"
SPDX = Namespace("http://spdx.org/rdf/terms#")
#: a plain Namespace: rdflib's DefinedNamespace DCAT warns when pytest inspects the module
DCAT = Namespace("http://www.w3.org/ns/dcat#")
#: the files in dist/ that are not distributions of the dataset
NOT_DISTRIBUTIONS = {"SHA256SUMS", "catalog.ttl"}


@pytest.fixture(scope="module")
def dist() -> Path:
    """The project built once per test run into a temporary dist/ (lib_helpers.built_once)."""
    return built_once()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


@pytest.fixture(scope="module")
def catalogue(dist: Path) -> Graph:
    return Graph().parse(dist / "catalog.ttl", format="turtle")


def dcat_ap_violations(data: Graph, shapes: Graph) -> tuple[bool, list[str]]:
    """Whether ``data`` conforms to the DCAT-AP shapes, and one line per result (focus node,
    path, constraint, message)."""
    conforms, report, _ = validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    assert isinstance(report, Graph)
    lines = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        lines.append(
            f"{severity.split('#')[-1] if severity else '?'}: "
            f"focus {report.value(result, SH.focusNode)} "
            f"path {report.value(result, SH.resultPath)} "
            f"constraint {report.value(result, SH.sourceConstraintComponent)}: "
            f"{report.value(result, SH.resultMessage)}"
        )
    return bool(conforms), sorted(lines)


def test_catalogue_conforms_to_dcat_ap(catalogue: Graph, shapes: Graph) -> None:
    conforms, lines = dcat_ap_violations(catalogue, shapes)
    assert conforms, f"{len(lines)} DCAT-AP 3.0.0 result(s):\n" + "\n".join(lines)


@pytest.mark.parametrize(
    ("subject_class", "predicate"),
    [
        (DCAT.Dataset, DCTERMS.title),
        (DCAT.Dataset, DCTERMS.description),
        (DCAT.Distribution, DCAT.accessURL),
    ],
)
def test_dcat_ap_reports_a_missing_mandatory_property(
    catalogue: Graph, shapes: Graph, subject_class: URIRef, predicate: URIRef
) -> None:
    """The check can fail: without a mandatory property, DCAT-AP reports a violation for it."""
    broken = Graph()
    for triple in catalogue:
        broken.add(triple)
    subject = next(iter(broken.subjects(RDF.type, subject_class)))
    assert (subject, predicate, None) in broken
    broken.remove((subject, predicate, None))
    conforms, lines = dcat_ap_violations(broken, shapes)
    assert not conforms
    expected = f"focus {subject} path {predicate} constraint {SH.MinCountConstraintComponent}"
    assert any(expected in line for line in lines), "\n".join(lines)


def test_distributions_describe_the_files_in_dist(catalogue: Graph, dist: Path) -> None:
    described: dict[str, list[URIRef]] = {}
    wrong: list[str] = []
    for distribution in catalogue.subjects(RDF.type, DCAT.Distribution):
        assert isinstance(distribution, URIRef)
        urls = list(catalogue.objects(distribution, DCAT.downloadURL))
        assert len(urls) == 1, f"{distribution} has {len(urls)} dcat:downloadURL"
        name = str(urls[0]).rstrip("/").rsplit("/", 1)[-1]
        described.setdefault(name, []).append(distribution)
        path = dist / name
        if not path.is_file():
            wrong.append(f"{distribution}: {name} is not in dist/")
            continue
        data = path.read_bytes()
        sizes = [int(s.toPython()) for s in catalogue.objects(distribution, DCAT.byteSize)]
        if sizes != [len(data)]:
            wrong.append(f"{distribution}: byteSize {sizes}, file has {len(data)} bytes")
        checksums = list(catalogue.objects(distribution, SPDX.checksum))
        values = [str(v) for c in checksums for v in catalogue.objects(c, SPDX.checksumValue)]
        digest = hashlib.sha256(data).hexdigest()
        if values != [digest]:
            wrong.append(f"{distribution}: checksum {values}, file's SHA-256 is {digest}")
        algorithms = [a for c in checksums for a in catalogue.objects(c, SPDX.algorithm)]
        if algorithms != [SPDX.checksumAlgorithm_sha256]:
            wrong.append(f"{distribution}: checksum algorithm {algorithms}, not SHA-256")
    assert wrong == []
    files = {p.name for p in dist.iterdir() if p.is_file()} - NOT_DISTRIBUTIONS
    counts = {name: len(described.get(name, [])) for name in sorted(files)}
    assert {name: n for name, n in counts.items() if n != 1} == {}
    assert set(described) <= files
