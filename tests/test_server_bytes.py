"""The byte cap beside the row cap (``--max-bytes``, ``KG_MAX_BYTES``): an answer carries the
most leading rows (or triples) whose document fits, and says it was cut the way the row cap
does (``X-KG-Truncated: true``, ``urn:kazkgz:truncated`` in the head, a comment in Turtle).
And the HTTP process's memory: a large answer is streamed from a file as the client takes
it, so a client that never reads does not make the server hold the answer."""

from __future__ import annotations

import csv
import io
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from rdflib import Graph
from rdflib.query import Result
from server_helpers import HTTP, running_server

from kg import load_graph, sparql

MAX_BYTES = 2000
ORDERED = (
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } "
    "ORDER BY ?s ?label"
)


def chain(steps: int) -> str:
    """``steps`` doublings of one character: the last value has 2**steps characters, all
    of them together about 2**(steps + 1)."""
    binds = " ".join(f"BIND (CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(steps))
    return f'SELECT * WHERE {{ BIND ("a" AS ?v0) {binds} }}'


CHAIN = chain(26)


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
    answer = HTTP.get(f"{server.url}/sparql", params={"query": query, **params}, timeout=60)
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
    health = HTTP.get(f"{server.url}/health").json()
    assert health["limits"]["max_bytes"] == MAX_BYTES


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_a_bad_byte_cap_is_a_usage_error(value: str) -> None:
    argv = [sys.executable, "-m", "kg.server", "--port", "0", "--max-bytes", value]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    assert "max-bytes" in done.stderr


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.fixture(scope="module")
def large_server(tmp_path_factory: pytest.TempPathFactory):
    """A server whose byte cap lets the whole 26-step chain through (about 134 MB). On rdflib:
    the Oxigraph engine's worker reaches its 1 GiB address-space limit writing that answer
    (the engine's TSV, read back, then JSON), and what is measured here is the HTTP process."""
    options = ("--workers", "1", "--max-bytes", "200000000", "--store", "memory")
    env = {"KG_CACHE_ENTRIES": "0"}
    with running_server(tmp_path_factory.mktemp("large"), *options, env=env) as running:
        yield running


def test_a_large_answer_is_streamed_whole(large_server) -> None:
    answer = HTTP.get(f"{large_server.url}/sparql", params={"query": chain(20)}, timeout=60)
    assert answer.status_code == 200
    assert "content-length" not in answer.headers  # streamed, not sent in one piece
    binding = answer.json()["results"]["bindings"][0]
    assert len(binding["v20"]["value"]) == 2**20
    assert binding["v20"]["value"] == "a" * 2**20
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    page = HTTP.get(  # the query page's answer: /sparql for a browser
        f"{large_server.url}/sparql", params={"query": chain(19)}, headers=browser, timeout=60
    )
    assert page.status_code == 200
    assert "a" * 2**19 in page.text


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_a_client_that_never_reads_costs_the_server_little_memory(large_server) -> None:
    """The 26-step chain's 134 MB answer to a client that reads nothing past the headers: the
    HTTP process grows by far less than the answer (it grew by about 126 MiB when it held
    the whole answer per client)."""
    pid = large_server.process.pid
    before = _rss_mib(pid)
    port = int(large_server.url.rsplit(":", 1)[1])
    request = (
        f"GET /sparql?query={quote(CHAIN)} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Accept: application/sparql-results+json\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port)) as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.sendall(request.encode())
        client.settimeout(60)
        head = client.recv(200)  # the answer has begun; nothing more is read
        assert head.startswith(b"HTTP/1.1 200"), head
        deadline = time.monotonic() + 30
        while HTTP.get(f"{large_server.url}/health").json()["workers"]["idle"] < 1:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        time.sleep(1)
        grown = _rss_mib(pid) - before
    assert grown < 32, f"the HTTP process grew by {grown:.0f} MiB"
