"""The Oxigraph engine that ``kg serve`` answers from by default, against the rdflib one
(``--store memory``) on real servers: the same answers in every format the engines
serialise (compared as parsed results and graphs), the row cap applied and announced the
same way; and the scheduler: with every ad hoc worker busy on expensive queries, a cheap
saved query is still answered, and refusals are 503 with Retry-After, at once."""

from __future__ import annotations

import io
import threading
import time

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.query import Result
from server_helpers import HTTP, QUERIES, by_value, running_server

from kg import default_sources, run_query

pytest.importorskip("pyoxigraph")

pytestmark = pytest.mark.realdata

SELECT = """PREFIX kko: <https://w3id.org/kazkgz/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?state ?label WHERE { ?state a kko:State ; rdfs:label ?label }"""
CONSTRUCT = """PREFIX kko: <https://w3id.org/kazkgz/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?s rdfs:label ?l ; a kko:State } WHERE { ?s a kko:State ; rdfs:label ?l }"""
EVERYTHING = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MAX_ROWS = 20
RESULT_FORMATS = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv"}
GRAPH_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
FIXTURE_SOURCES = type(default_sources())(**{**default_sources().__dict__, "queries_dir": QUERIES})


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("engines")
    options = ("--workers", "1", "--max-rows", str(MAX_ROWS))
    env = {"KG_CACHE_ENTRIES": "0"}
    with (
        running_server(folder, *options, "--store", "memory", env=env) as memory,
        running_server(folder, *options, "--store", "oxigraph", env=env) as oxigraph,
    ):
        yield memory, oxigraph


def _get(server, query: str, fmt: str) -> httpx.Response:
    answer = HTTP.get(f"{server.url}/sparql", params={"query": query, "format": fmt}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer


@pytest.mark.parametrize("fmt", sorted(RESULT_FORMATS))
def test_select_in_every_format_is_the_memory_stores(servers, fmt: str) -> None:
    answers = [_get(server, SELECT, fmt) for server in servers]
    rows = [
        by_value(Result.parse(io.BytesIO(a.content), format=RESULT_FORMATS[fmt])) for a in answers
    ]
    assert len(rows[0]) == 8  # four states, each labelled in Chinese and English
    assert rows[0] == rows[1]
    assert answers[1].headers["X-KG-Rows"] == "8"
    assert "X-KG-Truncated" not in answers[1].headers
    assert answers[0].headers["content-type"] == answers[1].headers["content-type"]


@pytest.mark.parametrize("fmt", sorted(GRAPH_FORMATS))
def test_construct_in_every_format_is_the_memory_stores(servers, fmt: str) -> None:
    graphs = [
        Graph().parse(data=_get(server, CONSTRUCT, fmt).content, format=GRAPH_FORMATS[fmt])
        for server in servers
    ]
    assert len(graphs[1]) == 12  # four states, each typed and labelled twice
    assert isomorphic(graphs[0], graphs[1])


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv", "csv"])
def test_row_cap_is_applied_and_announced_alike(servers, fmt: str) -> None:
    for server in servers:
        answer = _get(server, EVERYTHING, fmt)
        assert answer.headers["X-KG-Truncated"] == "true"
        assert answer.headers["X-KG-Rows"] == str(MAX_ROWS)
        rows = Result.parse(io.BytesIO(answer.content), format=RESULT_FORMATS[fmt])
        assert len(list(rows)) == MAX_ROWS
        if fmt in ("json", "xml"):
            assert "urn:kazkgz:truncated" in answer.text


@pytest.mark.parametrize("fmt", sorted(RESULT_FORMATS))
def test_a_literal_with_line_breaks_keeps_its_row(servers, fmt: str) -> None:
    """The suffix of the consolidation quote is 。 then a blank line (the article's next
    paragraph follows): in TSV a line break inside a term is written \\n, so each store's
    answer is one row holding the whole literal."""
    query = (
        "SELECT ?suffix WHERE { <https://w3id.org/kazkgz/id/excerpt-consolidation-quote> "
        "<http://www.w3.org/ns/oa#suffix> ?suffix }"
    )
    for server in servers:
        content = _get(server, query, fmt).content
        rows = list(Result.parse(io.BytesIO(content), format=RESULT_FORMATS[fmt]))
        assert len(rows) == 1
        assert str(rows[0][0]).startswith("。\n\n")


def test_graph_cap_is_applied_and_announced_alike(servers) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    for server in servers:
        answer = _get(server, query, "ttl")
        assert answer.headers["X-KG-Truncated"] == "true"
        assert answer.text.startswith(f"# truncated: only the first {MAX_ROWS} triples")
        assert len(Graph().parse(data=answer.text, format="turtle")) == MAX_ROWS


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_expensive_queries_do_not_starve_a_saved_one(tmp_path, store: str) -> None:
    """Six clients keep sending an expensive ad hoc query to two workers; the saved query
    still comes back right, well within the time limit, and every refusal is a 503 with
    Retry-After, some of them at once (the ad hoc lane's queue holds two)."""
    timeout = 4.0
    options = ("--workers", "2", "--saved-workers", "1", "--timeout", str(timeout))
    options += ("--queue", "2", "--store", store)
    expected = by_value(run_query("states", paths=FIXTURE_SOURCES).terms())
    refusals: list[tuple[int, str | None, float]] = []
    stop = threading.Event()

    def expensive(url: str) -> None:
        with httpx.Client(timeout=30) as client:
            while not stop.is_set():
                started = time.monotonic()
                answer = client.post(f"{url}/sparql", data={"query": EXPENSIVE})
                took = time.monotonic() - started
                if answer.status_code != 200:
                    refusals.append((answer.status_code, answer.headers.get("Retry-After"), took))

    with running_server(tmp_path, *options, env={"KG_CACHE_ENTRIES": "0"}) as server:
        clients = [threading.Thread(target=expensive, args=(server.url,)) for _ in range(6)]
        for client in clients:
            client.start()
        try:
            time.sleep(1.0)  # both ad hoc workers are busy, two jobs wait, the rest refused
            for _ in range(5):
                started = time.monotonic()
                answer = HTTP.get(f"{server.url}/queries/states", timeout=30)
                took = time.monotonic() - started
                assert answer.status_code == 200, answer.text
                assert by_value(Result.parse(io.BytesIO(answer.content), format="json")) == (
                    expected
                )
                assert took < timeout / 2, f"the saved query waited {took:.2f} s"
                time.sleep(0.3)
        finally:
            stop.set()
            for client in clients:
                client.join(60)
        lanes = HTTP.get(f"{server.url}/health").json()["lanes"]
    assert refusals
    assert {status for status, _retry, _took in refusals} <= {429, 503}
    assert all(retry is not None and int(retry) >= 1 for _status, retry, _took in refusals)
    assert any(took < 1.0 for _status, _retry, took in refusals)  # refused at once
    assert lanes["adhoc"]["refused"] > 0
    assert lanes["saved"]["refused"] == 0
