"""The byte cap beside the row cap (``--max-bytes``, ``KG_MAX_BYTES``): an answer carries the
most leading rows (or triples) whose document fits, and says it was cut the way the row cap
does (``X-KG-Truncated: true``, ``urn:kazkgz:truncated`` in the head, a comment in Turtle)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import httpx
import pytest
from rdflib import Graph
from rdflib.query import Result
from server_helpers import running_server

from kg import load_graph, sparql

MAX_BYTES = 2000
ORDERED = (
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } "
    "ORDER BY ?s ?label"
)
# 26 doublings of one character: the last value has 2**26 characters, all 27 about 2**27
CHAIN = (
    'SELECT * WHERE { BIND ("a" AS ?v0) '
    + " ".join(f"BIND (CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(26))
    + " }"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    options = ("--workers", "1", "--max-bytes", str(MAX_BYTES))
    env = {"KG_CACHE_ENTRIES": "0"}
    with running_server(tmp_path_factory.mktemp("bytes"), *options, env=env) as running:
        yield running


@pytest.fixture(scope="module")
def ordered_rows() -> list[tuple[str, str]]:
    return [(str(r[0]), str(r[1])) for r in sparql(ORDERED, graph=load_graph()).terms()]


def _get(server, query: str, **params: str) -> httpx.Response:
    answer = httpx.get(f"{server.url}/sparql", params={"query": query, **params}, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_results_are_cut_to_the_byte_cap(server, ordered_rows, fmt: str) -> None:
    answer = _get(server, ORDERED, format=fmt)
    assert len(answer.content) <= MAX_BYTES
    assert answer.headers["x-kg-truncated"] == "true"
    if fmt == "csv":
        rows = [tuple(r) for r in csv.reader(io.StringIO(answer.text))][1:]
    else:
        parsed = Result.parse(io.BytesIO(answer.content), format=fmt)
        rows = [(str(r[0]), str(r[1])) for r in parsed]  # type: ignore[index]
    assert 0 < len(rows) < len(ordered_rows)
    assert rows == ordered_rows[: len(rows)]  # the leading rows, whole
    assert int(answer.headers["x-kg-rows"]) == len(rows)
    if fmt in ("json", "xml"):
        assert "urn:kazkgz:truncated" in answer.text


def test_the_most_rows_that_fit_are_kept(server, ordered_rows) -> None:
    """One more row would not have fitted: the cut is at the limit, not far below it."""
    answer = _get(server, ORDERED, format="csv")
    kept = int(answer.headers["x-kg-rows"])
    line = len(f"{ordered_rows[kept][0]},{ordered_rows[kept][1]}\r\n".encode())
    assert len(answer.content) + line > MAX_BYTES


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_graphs_are_cut_to_the_byte_cap(server, fmt: str) -> None:
    answer = _get(server, "CONSTRUCT WHERE { ?s ?p ?o }", format=fmt)
    assert len(answer.content) <= MAX_BYTES
    assert answer.headers["x-kg-truncated"] == "true"
    graph = Graph().parse(data=answer.text, format="turtle" if fmt == "ttl" else "nt")
    assert 0 < len(graph) == int(answer.headers["x-kg-rows"])
    if fmt == "ttl":
        assert answer.text.startswith("# truncated")


def test_a_row_larger_than_the_cap_is_not_sent(server) -> None:
    answer = _get(server, CHAIN)
    assert answer.headers["x-kg-truncated"] == "true"
    assert answer.headers["x-kg-rows"] == "0"
    assert answer.json()["results"]["bindings"] == []
    assert answer.json()["head"]["link"] == ["urn:kazkgz:truncated"]


def test_small_answers_are_whole(server) -> None:
    answer = _get(server, "SELECT ?s WHERE { ?s a <https://w3id.org/kazkgz/ontology#State> }")
    assert "x-kg-truncated" not in answer.headers
    assert answer.headers["x-kg-rows"] == "4"  # the article names four states
    health = httpx.get(f"{server.url}/health").json()
    assert health["limits"]["max_bytes"] == MAX_BYTES


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_a_bad_byte_cap_is_a_usage_error(value: str) -> None:
    argv = [sys.executable, "-m", "kg.server", "--port", "0", "--max-bytes", value]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    assert "max-bytes" in done.stderr
