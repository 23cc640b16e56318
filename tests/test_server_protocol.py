"""The SPARQL 1.1 Protocol at /sparql on a real server: query by GET, POST form and POST
direct; results in every format parsed back and compared with the library's answer; the
negative cases; the dataset parameters; the service description."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result
from server_helpers import GRAPH, HTTP, KK, running_server
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from kg import load_graph, load_inferred, sparql

SELECT = """PREFIX kko: <https://w3id.org/kazkgz/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?state ?label WHERE { ?state a kko:State ; rdfs:label ?label } ORDER BY ?state ?label"""
CONSTRUCT = """PREFIX kko: <https://w3id.org/kazkgz/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a kko:State ; rdfs:label ?l }"""
ASK = "ASK { <https://w3id.org/kazkgz/id/kazakhstan> ?p ?o }"
MEMBERS = "SELECT ?o ?m WHERE { ?o <http://www.w3.org/ns/org#hasMember> ?m }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("server")
    with running_server(tmp, "--timeout", "5", "--workers", "2") as running:
        yield running


@pytest.fixture(scope="module")
def asserted() -> Graph:
    return load_graph()


def _expected(asserted: Graph, text: str) -> set[tuple[object, ...]]:
    return {tuple(row) for row in sparql(text, graph=asserted).terms()}


def _get(server, **params: str) -> httpx.Response:
    headers = {"Accept": params.pop("accept")} if "accept" in params else {}
    return HTTP.get(f"{server.url}/sparql", params=params, headers=headers, timeout=30)


# ---------------------------------------------------------------- the three ways to ask


def test_get_post_form_and_post_direct_agree_with_the_library(server, asserted) -> None:
    expected = _expected(asserted, SELECT)
    assert len(expected) == 8
    answers = [
        _get(server, query=SELECT),
        HTTP.post(f"{server.url}/sparql", data={"query": SELECT}, timeout=30),
        HTTP.post(
            f"{server.url}/sparql",
            content=SELECT.encode(),
            headers={"Content-Type": "application/sparql-query"},
            timeout=30,
        ),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("application/sparql-results+json")
        parsed = Result.parse(io.BytesIO(answer.content), format="json")
        assert {tuple(row) for row in parsed} == expected


def test_sparqlwrapper_json_and_construct(server, asserted) -> None:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(SELECT)
    client.setReturnFormat(JSON)
    document = client.query().convert()
    got = {(b["state"]["value"], b["label"]["value"]) for b in document["results"]["bindings"]}
    assert got == {(str(s), str(label)) for s, label in _expected(asserted, SELECT)}
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    data = client.query().convert()
    graph = Graph().parse(data=data, format="turtle")
    expected_graph = sparql(CONSTRUCT, graph=asserted).graph
    assert expected_graph is not None
    assert isomorphic(graph, expected_graph)


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/csv;q=0.9, application/sparql-results+xml;q=0.5", "text/csv"),
        ("application/json", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_formats_by_accept(server, asserted, accept: str, media: str) -> None:
    answer = _get(server, query=SELECT, accept=accept)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].split(";")[0] == media
    expected = _expected(asserted, SELECT)
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(answer.text)))
        assert rows[0] == ["state", "label"]
        assert {tuple(r) for r in rows[1:]} == {(str(s), str(lb)) for s, lb in expected}
    else:
        fmt = {"application/sparql-results+xml": "xml", "text/tab-separated-values": "tsv"}
        parsed = Result.parse(io.BytesIO(answer.content), format=fmt.get(media, "json"))
        assert {tuple(row) for row in parsed} == expected


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_format_parameter_overrides_accept(server, fmt: str) -> None:
    answer = _get(server, query=SELECT, format=fmt, accept="text/turtle")
    assert answer.status_code == 200, answer.text
    media = {
        "json": "application/sparql-results+json",
        "xml": "application/sparql-results+xml",
        "csv": "text/csv",
        "tsv": "text/tab-separated-values",
    }[fmt]
    assert answer.headers["content-type"].split(";")[0] == media


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_and_describe_formats(server, asserted, accept: str, rdflib_format: str) -> None:
    answer = _get(server, query=CONSTRUCT, accept=accept)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].split(";")[0] == accept
    graph = Graph().parse(data=answer.content, format=rdflib_format)
    expected = sparql(CONSTRUCT, graph=asserted).graph
    assert expected is not None
    assert isomorphic(graph, expected)
    described = _get(server, query=f"DESCRIBE <{KK}kazakhstan>", accept=accept)
    assert described.status_code == 200
    graph = Graph().parse(data=described.content, format=rdflib_format)
    assert (URIRef(KK + "kazakhstan"), None, Literal("Kazakhstan", lang="en")) in graph


def test_ask_in_json_and_xml(server) -> None:
    answer = _get(server, query=ASK)
    assert answer.json() == {"head": {}, "boolean": True}
    answer = _get(
        server, query="ASK { <urn:nothing> ?p ?o }", accept="application/sparql-results+xml"
    )
    assert Result.parse(io.BytesIO(answer.content), format="xml").askAnswer is False


def test_not_acceptable(server) -> None:
    assert _get(server, query=SELECT, accept="image/png").status_code == 406
    assert _get(server, query=CONSTRUCT, accept="text/csv").status_code == 406
    assert _get(server, query=SELECT, format="csv;q=0").status_code == 400  # no such format
    assert _get(server, query=CONSTRUCT, format="csv").status_code == 406


# ---------------------------------------------------------------- negative cases


def test_wrong_method_is_405(server) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        answer = HTTP.request(method, f"{server.url}/sparql", params={"query": ASK})
        assert answer.status_code == 405
        assert "GET" in answer.headers["allow"]


def test_two_query_parameters_is_400(server) -> None:
    answer = HTTP.get(f"{server.url}/sparql", params=[("query", ASK), ("query", SELECT)])
    assert answer.status_code == 400
    assert "more than one query" in answer.text
    direct = HTTP.post(
        f"{server.url}/sparql",
        params={"query": ASK},
        content=SELECT.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert direct.status_code == 400


def test_wrong_media_type_is_415(server) -> None:
    for media in ("text/plain", "application/json", ""):
        answer = HTTP.post(
            f"{server.url}/sparql", content=ASK.encode(), headers={"Content-Type": media}
        )
        assert answer.status_code == 415, media
        assert "application/sparql-query" in answer.text


def test_syntax_error_is_400_with_the_parsers_message(server) -> None:
    answer = _get(server, query="SELECT ?x WHERE { ?x ?y }")
    assert answer.status_code == 400
    assert "SPARQL syntax error" in answer.text
    assert "Expected" in answer.text or "found" in answer.text  # pyparsing's words
    as_json = _get(server, query="SELEKT * {}", accept="application/json")
    assert as_json.status_code == 400
    assert as_json.json()["error"] == "syntax"


@pytest.mark.parametrize(
    "update",
    [
        'INSERT DATA { <urn:a> <urn:b> "c" }',
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://127.0.0.1:9/x>",
        "CLEAR ALL",
    ],
)
def test_updates_are_refused(server, asserted, update: str) -> None:
    by_update = HTTP.post(f"{server.url}/sparql", data={"update": update})
    assert by_update.status_code == 403
    assert "read-only" in by_update.text
    in_query = HTTP.post(f"{server.url}/sparql", data={"query": update})
    assert in_query.status_code == 403
    assert "SPARQL Update" in in_query.text
    direct = HTTP.post(
        f"{server.url}/sparql",
        content=update.encode(),
        headers={"Content-Type": "application/sparql-update"},
    )
    assert direct.status_code == 403
    still = _get(server, query="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").json()
    assert int(still["results"]["bindings"][0]["n"]["value"]) == len(asserted)


def test_post_without_query_is_400(server) -> None:
    assert HTTP.post(f"{server.url}/sparql", data={"format": "json"}).status_code == 400


# ---------------------------------------------------------------- datasets


def test_inferred_parameter_and_graph_iri(server) -> None:
    inferred = load_inferred()
    expected = len(
        {(o, m) for o, m in inferred.subject_objects(URIRef("http://www.w3.org/ns/org#hasMember"))}
    )
    assert expected > 0
    plain = _get(server, query=MEMBERS).json()["results"]["bindings"]
    assert plain == []
    for params in ({"inferred": "true"}, {"default-graph-uri": GRAPH + "inferred"}):
        rows = _get(server, query=MEMBERS, **params).json()["results"]["bindings"]
        assert len(rows) == expected, params
    from_clause = MEMBERS.replace("WHERE", f"FROM <{GRAPH}inferred> WHERE")
    assert len(_get(server, query=from_clause).json()["results"]["bindings"]) == expected
    assert _get(server, query=MEMBERS, inferred="maybe").status_code == 400


def test_named_graphs(server) -> None:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = _get(server, query=query).json()["results"]["bindings"]
    counts = {r["g"]["value"]: int(r["n"]["value"]) for r in rows}
    assert set(counts) == {
        GRAPH + n for n in ("asserted", "inferred", "shapes", "reference", "verification")
    }
    assert counts[GRAPH + "asserted"] == len(load_graph())
    only = _get(server, query=query, **{"named-graph-uri": GRAPH + "shapes"}).json()
    assert [r["g"]["value"] for r in only["results"]["bindings"]] == [GRAPH + "shapes"]
    reference = GRAPH + "reference"
    from_named = "SELECT ?g FROM NAMED <REF> WHERE { GRAPH ?g { } }".replace("REF", reference)
    rows = _get(server, query=from_named).json()["results"]["bindings"]
    assert [r["g"]["value"] for r in rows] == [GRAPH + "reference"]


@pytest.mark.parametrize(
    "params",
    [
        {"default-graph-uri": "http://example.org/other"},
        {"named-graph-uri": "https://w3id.org/kazkgz/graph/nope"},
        {"query": "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }"},
        {"query": "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }"},
    ],
)
def test_unknown_graphs_are_400(server, params: dict[str, str]) -> None:
    params = {"query": ASK, **params}
    answer = _get(server, **params)
    assert answer.status_code == 400, answer.text
    assert "not a graph this server holds" in answer.text


def test_service_is_refused(server) -> None:
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    answer = _get(server, query=query)
    assert answer.status_code == 403
    assert "SERVICE" in answer.text


# ---------------------------------------------------------------- service description


SD = "http://www.w3.org/ns/sparql-service-description#"


def test_service_description(server) -> None:
    answer = HTTP.get(f"{server.url}/sparql")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/turtle")
    sd = Graph().parse(data=answer.text, format="turtle")
    endpoint = URIRef(f"{server.url}/sparql")
    assert (endpoint, URIRef(SD + "endpoint"), endpoint) in sd
    assert (endpoint, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in sd
    formats = set(sd.objects(endpoint, URIRef(SD + "resultFormat")))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    assert len(formats) == 8
    regimes = {
        str(name): str(sd.value(node, URIRef(SD + "entailmentRegime")))
        for node in sd.objects(None, URIRef(SD + "namedGraph"))
        for name in sd.objects(node, URIRef(SD + "name"))
    }
    entailment = "http://www.w3.org/ns/entailment/"
    assert regimes == {
        GRAPH + "asserted": entailment + "Simple",
        GRAPH + "inferred": entailment + "OWL-RL-RDF",
        GRAPH + "shapes": entailment + "Simple",
        GRAPH + "reference": entailment + "Simple",
        GRAPH + "verification": entailment + "Simple",
    }
    void_triples = URIRef("http://rdfs.org/ns/void#triples")
    assert int(sd.value(URIRef(GRAPH + "asserted"), void_triples)) == len(load_graph())
    assert int(sd.value(URIRef(GRAPH + "inferred"), void_triples)) == len(load_inferred())
    as_jsonld = HTTP.get(f"{server.url}/sparql", headers={"Accept": "application/ld+json"})
    assert isomorphic(Graph().parse(data=as_jsonld.text, format="json-ld"), sd)
    assert HTTP.get(f"{server.url}/sparql", headers={"Accept": "text/csv"}).status_code == 406


def test_cors_etag_and_304(server) -> None:
    answer = _get(server, query=SELECT)
    assert answer.headers["access-control-allow-origin"] == "*"
    etag = answer.headers["etag"]
    assert "max-age" in answer.headers["cache-control"]
    again = HTTP.get(
        f"{server.url}/sparql", params={"query": SELECT}, headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    other = _get(server, query=SELECT, accept="text/csv")
    assert other.headers["etag"] != etag
    preflight = HTTP.options(
        f"{server.url}/sparql",
        headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"


def test_health_and_access_log(server) -> None:
    health = HTTP.get(f"{server.url}/health").json()
    assert health["status"] == "ok"
    assert health["graphs"]["asserted"] == len(load_graph())
    text = ASK + " # logged"
    _get(server, query=text)
    expected_hash = hashlib.sha256(text.encode()).hexdigest()[:16]  # sha256 prefix, as logged
    logged = server.access_records(lambda r: r["query_hash"] == expected_hash)
    assert len(logged) == 1
    assert logged[-1]["path"] == "/sparql"
    assert {"query_hash", "duration_ms", "rows", "status"} <= set(logged[-1])
    assert logged[-1]["status"] == 200
    assert logged[-1]["rows"] == 1


def test_entry_point_kg_serve(tmp_path: Path) -> None:
    import sys

    script = Path(sys.executable).with_name("kg")
    with running_server(tmp_path, "--workers", "1", command=[str(script), "serve"]) as running:
        assert _get(running, query=ASK).json()["boolean"] is True
