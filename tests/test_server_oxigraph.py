"""``kg serve --store oxigraph --path DIR``: a real server whose workers run the saved queries
and the ad hoc queries on the default dataset in an on-disk Oxigraph store, compared with what
the library returns in memory for the same queries."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from lib_helpers import built_once
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.query import Result
from server_helpers import HTTP, KK, REPO, build_oxigraph_store, running_server

from kg import default_sources, run_query
from kg.queries.execution import sparql
from kg.stores import ASSERTED_GRAPH, OxigraphStore

pytest.importorskip("pyoxigraph")

pytestmark = pytest.mark.realdata

SOURCES = default_sources()
QUERIES = REPO / "queries"
KKO = "https://w3id.org/kazkgz/ontology#"
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
STATES = """PREFIX kko: <https://w3id.org/kazkgz/ontology#>
SELECT ?state WHERE { ?state a kko:State } ORDER BY ?state"""


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An Oxigraph folder holding the asserted graph and the OWL RL additions."""
    return build_oxigraph_store(tmp_path_factory.mktemp("oxigraph") / "store")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, store_dir: Path):
    options = ("--workers", "2", "--store", "oxigraph", "--path", str(store_dir))
    env = {"KG_QUERIES_DIR": str(QUERIES)}
    with running_server(tmp_path_factory.mktemp("serve"), *options, env=env) as running:
        yield running


def _rows(answer: httpx.Response) -> set[tuple[object, ...]]:
    assert answer.status_code == 200, answer.text
    return {tuple(row) for row in Result.parse(io.BytesIO(answer.content), format="json")}


def test_saved_query_runs_on_the_store(server) -> None:
    answer = HTTP.get(f"{server.url}/queries/diplomatic-relations", timeout=30)
    rows = _rows(answer)
    paths = type(SOURCES)(**{**SOURCES.__dict__, "queries_dir": QUERIES})
    assert rows == {tuple(r) for r in run_query("diplomatic-relations", paths=paths).terms()}
    assert Literal("1992-10-15", datatype=XSD_DATE) in {row[3] for row in rows}


def test_inferred_saved_query_runs_on_the_closure(server) -> None:
    answer = HTTP.get(f"{server.url}/queries/heads-of-state", timeout=30)
    rows = _rows(answer)
    paths = type(SOURCES)(**{**SOURCES.__dict__, "queries_dir": QUERIES})
    expected = {tuple(r) for r in run_query("heads-of-state", paths=paths).terms()}
    assert expected
    assert rows == expected


def test_ad_hoc_select(server) -> None:
    answer = HTTP.get(f"{server.url}/sparql", params={"query": STATES}, timeout=30)
    rows = _rows(answer)
    assert rows == {tuple(r) for r in sparql(STATES, paths=SOURCES).terms()}
    assert (URIRef(KK + "kazakhstan"),) in rows


def test_ad_hoc_inferred(server) -> None:
    saved = (QUERIES / "heads-of-state.rq").read_text(encoding="utf-8")
    # without its #+ header (which asks for the inferred graph), the text runs on the asserted
    query = "\n".join(line for line in saved.splitlines() if not line.startswith("#+"))
    asserted = _rows(HTTP.get(f"{server.url}/sparql", params={"query": query}, timeout=30))
    assert asserted == set()  # the class is only inferred
    params = {"query": query, "inferred": "true"}
    rows = _rows(HTTP.get(f"{server.url}/sparql", params=params, timeout=30))
    expected = {tuple(r) for r in sparql(query, inferred=True, paths=SOURCES).terms()}
    assert expected
    assert rows == expected


def test_safety_checks_still_apply(server) -> None:
    update = HTTP.post(f"{server.url}/sparql", data={"update": "CLEAR ALL", "query": "CLEAR ALL"})
    assert update.status_code == 403
    service = "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"
    assert HTTP.get(f"{server.url}/sparql", params={"query": service}).status_code == 403


def test_named_graphs_are_those_of_the_store(server) -> None:
    """The store loaded by kg push holds the asserted and inferred graphs only: FROM the
    shapes graph is an empty default graph there (the built dataset holds the shapes)."""
    query = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/kazkgz/graph/shapes> WHERE { ?s ?p ?o }"
    rows = _rows(HTTP.get(f"{server.url}/sparql", params={"query": query}, timeout=30))
    assert next(iter(rows))[0].toPython() == 0
    query = query.replace("/shapes>", "/inferred>")
    rows = _rows(HTTP.get(f"{server.url}/sparql", params={"query": query}, timeout=30))
    assert next(iter(rows))[0].toPython() > 0


def test_the_default_dataset_is_the_stores(tmp_path: Path) -> None:
    """A store holding one state only: the answers come from it, not from the project's files."""
    one = Graph().add((URIRef(KK + "somewhere"), RDF.type, URIRef(KKO + "State")))
    store = OxigraphStore(tmp_path / "store")
    store.replace(ASSERTED_GRAPH, one)
    store.close()
    options = ("--workers", "1", "--store", "oxigraph", "--path", str(tmp_path / "store"))
    with running_server(tmp_path, *options) as running:
        answer = HTTP.get(f"{running.url}/sparql", params={"query": STATES}, timeout=30)
    assert _rows(answer) == {(URIRef(KK + "somewhere"),)}


@pytest.mark.parametrize(
    "options", [("--path", "{missing}"), ("--path", "{empty}"), ("--dist", "{missing}")]
)
def test_bad_path_is_a_usage_error(tmp_path: Path, options: tuple[str, ...]) -> None:
    (tmp_path / "empty").mkdir()
    folders = {"missing": tmp_path / "missing", "empty": tmp_path / "empty"}
    argv = [sys.executable, "-m", "kg", "serve", "--port", "0", "--store", "oxigraph"]
    argv += [o.format(**folders) for o in options]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert "Oxigraph" in done.stderr or "kg build --out" in done.stderr


def test_workers_stay_within_a_small_memory_limit_under_load(
    tmp_path: Path, store_dir: Path
) -> None:
    """16 clients on the store with --memory-mb 500: every answer comes, no worker is lost
    (each store thread's malloc arena used to reserve 64 MiB of the address-space limit)."""
    options = ("--workers", "2", "--memory-mb", "500", "--store", "oxigraph")
    env = {"KG_QUERIES_DIR": str(QUERIES), "KG_CACHE_ENTRIES": "0"}
    with running_server(tmp_path, *options, "--path", str(store_dir), env=env) as server:
        names = ("exports", "shared-organisations", "visits", "timeline")

        def ask(number: int) -> int:
            url = f"{server.url}/queries/{names[number % len(names)]}"
            return HTTP.get(url, timeout=60).status_code

        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(ask, range(160)))
        assert statuses == [200] * 160
        health = HTTP.get(f"{server.url}/health", timeout=30).json()
        assert health["workers_replaced"] == 0


def test_a_dataset_older_than_the_sources_is_refused(tmp_path: Path) -> None:
    """kg serve loads dist/dataset.nq only when it is newer than every source file."""
    dist = tmp_path / "dist"
    dist.mkdir()
    dataset = dist / "dataset.nq"
    dataset.write_bytes((built_once() / "dataset.nq").read_bytes())
    os.utime(dataset, (0, 0))  # built in 1970: every source is newer
    argv = [sys.executable, "-m", "kg", "serve", "--port", "0", "--dist", str(dist)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert "is older than" in done.stderr
    assert f"kg build --out {dist}" in done.stderr
