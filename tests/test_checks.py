"""Consistency checks (queries/checks/*-violation.rq): each returns no rows on the real graph and
the expected rows on bad data, with rdflib and with Oxigraph.

The bad data are the SHACL fixtures (tests/fixtures/shapes/, merged with their _base.ttl) that
break the same rule, so a check and its shape are proven on the same graphs.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
import yaml
from rdflib import Graph, Namespace, URIRef

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ROOT / "queries" / "checks"
DATA = (ROOT / "graph" / "article.ttl", ROOT / "graph" / "excerpts.ttl")
SHAPE_FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
KK = Namespace("https://w3id.org/kazkgz/id/")

# check -> [(fixture, the nodes of the first column of its rows)], from the fixtures' cases
EXPECTED: dict[str, list[tuple[str, set[str]]]] = {
    "ratification-before-conclusion": [("ratification-before-signing", {"ratification-x"})],
    "exports-outside-total-bounds": [
        ("exports-above-total", {"obs-total"}),
        ("exports-below-total", {"obs-total"}),
    ],
    "date-bounds-precision": [("date-bounds-disagree", {"event-x", "event-y", "event-z"})],
    "excerpt-offsets": [
        ("quote-length-mismatch", {"excerpt-x"}),
        ("excerpt-without-quote", {"excerpt-x"}),
    ],
    "visit-parts-outside-visit": [("visit-talks-outside", {"visit-x"})],
    "begin-after-end": [("dates-reversed", {"period-x"})],
}
CASES = [(check, fixture, nodes) for check, cases in EXPECTED.items() for fixture, nodes in cases]
NAMES = sorted(p.name.removesuffix("-violation.rq") for p in CHECKS.glob("*-violation.rq"))


def query_text(check: str) -> str:
    return (CHECKS / f"{check}-violation.rq").read_text(encoding="utf-8")


def rdflib_rows(files: list[Path], check: str) -> list[tuple[object, ...]]:
    graph = Graph()
    for file in files:
        graph.parse(file, format="turtle")
    return [tuple(row) for row in graph.query(query_text(check))]


def oxigraph_first_column(files: list[Path], check: str) -> list[str]:
    store = pyoxigraph.Store()
    for file in files:
        store.load(path=str(file), format=pyoxigraph.RdfFormat.TURTLE)
    return [solution[0].value for solution in store.query(query_text(check))]


def fixture_files(name: str) -> list[Path]:
    return [SHAPE_FIXTURES / "_base.ttl", SHAPE_FIXTURES / f"{name}.ttl"]


def test_every_check_has_bad_data() -> None:
    assert sorted(EXPECTED) == NAMES


@pytest.mark.parametrize("check", NAMES)
def test_header_is_grlc_metadata(check: str) -> None:
    lines = [line[2:] for line in query_text(check).splitlines() if line.startswith("#+")]
    header = yaml.safe_load("\n".join(lines))
    assert set(header) == {"summary", "description", "tags"}
    assert header["summary"].strip()
    assert header["description"].strip()
    assert header["tags"] == ["checks"]


@pytest.mark.realdata
@pytest.mark.parametrize("check", NAMES)
def test_real_graph_passes(check: str) -> None:
    assert rdflib_rows(list(DATA), check) == []
    assert oxigraph_first_column(list(DATA), check) == []


@pytest.mark.parametrize(
    ("check", "fixture", "nodes"), CASES, ids=[f"{c}:{f}" for c, f, _ in CASES]
)
def test_bad_data_fails(check: str, fixture: str, nodes: set[str]) -> None:
    expected = {KK[node] for node in nodes}
    rows = rdflib_rows(fixture_files(fixture), check)
    assert rows, "the check returned no rows on bad data"
    assert {row[0] for row in rows} == expected
    assert {URIRef(v) for v in oxigraph_first_column(fixture_files(fixture), check)} == expected


def test_exports_check_names_the_problem() -> None:
    rows = rdflib_rows(fixture_files("exports-above-total"), "exports-outside-total-bounds")
    assert [str(row[-1]) for row in rows] == ["exports above the total's upper bound"]
    rows = rdflib_rows(fixture_files("exports-below-total"), "exports-outside-total-bounds")
    assert [str(row[-1]) for row in rows] == ["exports below the total's lower bound"]


def test_date_check_gives_the_expected_values() -> None:
    """February 2024 ends on the 29th; a gYear has year precision; March ends on the 31st."""
    rows = rdflib_rows(fixture_files("date-bounds-disagree"), "date-bounds-precision")
    found = {(row[0].removeprefix(str(KK)), str(row[4])) for row in rows}  # type: ignore[attr-defined]
    assert found == {
        ("event-x", "2024-02-29"),
        ("event-y", "http://www.w3.org/2006/time#unitYear"),
        ("event-z", "2024-03-31"),
    }
