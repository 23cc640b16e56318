"""The saved queries as a web API (/queries, /queries/{name}, /openapi.json) on a real
server, compared with what the library returns for the same query and parameters."""

from __future__ import annotations

import io

import httpx
import pytest
from rdflib.query import Result
from server_helpers import HTTP, KK, QUERIES, by_value, running_server

from kg import default_sources, list_queries, run_query

SOURCES = default_sources()
FIXTURE_SOURCES = type(SOURCES)(**{**SOURCES.__dict__, "queries_dir": QUERIES})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    with running_server(tmp_path_factory.mktemp("queries"), "--workers", "2") as running:
        yield running


def _rows(answer: httpx.Response) -> set[tuple[object, ...]]:
    return {tuple(row) for row in Result.parse(io.BytesIO(answer.content), format="json")}


def test_list_has_every_saved_query_with_metadata(server) -> None:
    listing = HTTP.get(f"{server.url}/queries").json()["queries"]
    assert [q["name"] for q in listing] == [q.name for q in list_queries(FIXTURE_SOURCES)]
    labels = next(q for q in listing if q["name"] == "labels-of")
    assert labels["summary"] == "Every label of a node"
    assert labels["params"] == [{"name": "node", "type": "iri", "required": True, "default": None}]
    members = next(q for q in listing if q["name"] == "members-of")
    assert members["inferred"] is True


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("states", {}),
        ("labels-of", {"node": "kk:kyrgyzstan"}),
        ("labels-of", {"node": KK + "kazakhstan"}),
        ("amounts-at-least", {}),
        ("amounts-at-least", {"min": "1000000000"}),
        ("members-of", {}),
        ("members-of", {"org": "kk:sco"}),
    ],
)
def test_saved_query_matches_the_library(server, name: str, params: dict[str, str]) -> None:
    answer = HTTP.get(f"{server.url}/queries/{name}", params=params, timeout=30)
    assert answer.status_code == 200, answer.text
    expected = by_value(run_query(name, params, paths=FIXTURE_SOURCES).terms())
    assert expected
    assert by_value(_rows(answer)) == expected


def test_formats_of_a_saved_query(server) -> None:
    csv = HTTP.get(f"{server.url}/queries/states", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == "state,label"
    xml = HTTP.get(
        f"{server.url}/queries/states", headers={"Accept": "application/sparql-results+xml"}
    )
    assert xml.headers["content-type"].startswith("application/sparql-results+xml")
    assert HTTP.get(f"{server.url}/queries/states", params={"format": "ttl"}).status_code == 406


def test_unknown_query_is_404_naming_it(server) -> None:
    answer = HTTP.get(f"{server.url}/queries/no-such-question")
    assert answer.status_code == 404
    assert "no-such-question" in answer.json()["message"]
    assert HTTP.get(f"{server.url}/queries/..%2Fetc").status_code == 404


def test_unknown_parameter_and_bad_type_are_400(server) -> None:
    unknown = HTTP.get(f"{server.url}/queries/states", params={"colour": "blue"})
    assert unknown.status_code == 400
    assert "colour" in unknown.json()["message"]
    bad = HTTP.get(f"{server.url}/queries/amounts-at-least", params={"min": "lots"})
    assert bad.status_code == 400
    assert "min" in bad.json()["message"]
    missing = HTTP.get(f"{server.url}/queries/labels-of")
    assert missing.status_code == 400
    assert "node" in missing.json()["message"]


def test_injection_through_a_parameter_is_harmless(server) -> None:
    evil = 'x" } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o '
    answer = HTTP.get(f"{server.url}/queries/labels-of", params={"node": "kk:" + evil})
    assert answer.status_code in (200, 400)
    if answer.status_code == 200:
        assert _rows(answer) == set()


def test_openapi_describes_every_saved_query(server) -> None:
    document = HTTP.get(f"{server.url}/openapi.json").json()
    assert document["openapi"].startswith("3.")
    for query in list_queries(FIXTURE_SOURCES):
        operation = document["paths"][f"/queries/{query.name}"]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert {p.name for p in query.params} <= names
    minimum = document["paths"]["/queries/amounts-at-least"]["get"]["parameters"][0]
    assert minimum["schema"]["type"] == "number"
    assert minimum["required"] is False
    assert "/sparql" in document["paths"]
