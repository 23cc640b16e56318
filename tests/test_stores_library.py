"""The store interface of the library (kg.stores): one Protocol, three implementations, the
VALUES binding, and the commands that choose a store (kg query/sparql --store/--endpoint,
kg push). The real engines are exercised in tests/test_stores_engines.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from stores.fixtures import published  # noqa: F401 (a fixture)
from stores.normal import normal_rows
from test_saved_queries import SAVED, list_columns

from kg import run_query, sparql
from kg.cli import main
from kg.core.errors import SparqlSyntaxError, UsageError
from kg.stores import (
    ASSERTED_GRAPH,
    INFERRED_GRAPH,
    MemoryStore,
    OxigraphStore,
    RemoteStore,
    Store,
    StoreError,
    load_published,
    open_store,
    with_values,
)
from kg.stores.remote import ascii_query

pytest.importorskip("pyoxigraph")
pytestmark = pytest.mark.realdata


def test_every_store_is_a_store(tmp_path: Path) -> None:
    for store in (MemoryStore(), OxigraphStore(), OxigraphStore(tmp_path / "ox")):
        assert isinstance(store, Store)
    assert isinstance(RemoteStore("http://127.0.0.1:9/sparql"), Store)


def test_values_clause_escapes_a_hostile_literal() -> None:
    text = "SELECT ?x WHERE { ?x ?p ?_label }"
    attack = Literal('"} UNION { ?s ?p ?o } #')
    rewritten = with_values(text, {"_label": attack})
    assert 'VALUES (?_label) { ("\\"} UNION { ?s ?p ?o } #") }' in rewritten


@pytest.mark.parametrize(
    "bindings",
    [{"x": BNode()}, {"x y": Literal("1")}, {"x": URIRef("http://a> } DROP ALL { <b")}],
)
def test_values_clause_refuses_what_cannot_be_a_parameter(bindings: dict) -> None:
    with pytest.raises(UsageError):
        with_values("SELECT * WHERE { ?x ?p ?o }", bindings)


def test_values_clause_needs_a_where_group() -> None:
    with pytest.raises(SparqlSyntaxError):
        with_values("SELECT * { ?x ?p ?o }", {"x": URIRef("http://a")})


def test_non_ascii_is_written_as_codepoint_escapes() -> None:
    assert ascii_query('SELECT ("、😀" AS ?x) {}') == 'SELECT ("\\u3001\\U0001F600" AS ?x) {}'


def test_memory_store_answers_as_run_query_does() -> None:
    store = MemoryStore()
    for name in ("exports", "heads-of-state"):
        lists = list_columns(SAVED[name].text)
        expected = normal_rows(run_query(name), lists)
        assert normal_rows(run_query(name, store=store), lists) == expected


def test_oxigraph_store_on_disk_keeps_the_graph(tmp_path: Path, published: Path) -> None:  # noqa: F811
    folder = tmp_path / "ox"
    store = OxigraphStore(folder)
    counts = load_published(store, published)
    assert counts[ASSERTED_GRAPH] > 4000
    assert counts[INFERRED_GRAPH] > 1000
    store.close()
    reopened = OxigraphStore(folder, read_only=True)
    assert reopened.count(ASSERTED_GRAPH) == counts[ASSERTED_GRAPH]
    ask = sparql("ASK { kk:kazakhstan a kko:State }", store=reopened)
    assert ask.ask is True
    construct = reopened.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert construct.graph is not None
    assert len(construct.graph) == counts[ASSERTED_GRAPH]


def test_replace_swaps_the_whole_graph(published: Path) -> None:  # noqa: F811
    store = OxigraphStore()
    first = store.replace(ASSERTED_GRAPH, published / "asserted.ttl")
    assert store.replace(ASSERTED_GRAPH, published / "asserted.nt") == first
    assert store.replace(ASSERTED_GRAPH, published / "inferred.ttl") < first


def test_push_and_query_an_oxigraph_folder(
    tmp_path: Path,
    published: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = str(tmp_path / "ox")
    push = ["-q", "push", "--dist", str(published), "--store", "oxigraph", "--path", folder]
    assert main(push) == 0
    assert main(push) == 0  # a second push replaces, it does not add
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 6  # the asserted and inferred graphs and the verification layer
    assert out[:3] == out[3:]
    assert out[2].startswith("https://w3id.org/kazkgz/graph/verification: ")
    assert (
        main(["query", "exports", "--store", "oxigraph", "--path", folder, "--format", "json"]) == 0
    )
    on_oxigraph = json.loads(capsys.readouterr().out)
    assert main(["query", "exports", "--format", "json"]) == 0
    on_rdflib = json.loads(capsys.readouterr().out)
    assert len(on_oxigraph["results"]["bindings"]) == len(on_rdflib["results"]["bindings"]) == 2


def test_oxigraph_folder_that_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", "exports", "--store", "oxigraph", "--path", str(tmp_path / "no")]) == 2
    assert "no Oxigraph store" in capsys.readouterr().err


def test_unreachable_endpoint_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "exports", "--endpoint", "http://127.0.0.1:9/sparql"]) == 2
    assert "cannot reach http://127.0.0.1:9/sparql" in capsys.readouterr().err


def test_push_needs_a_store(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push"]) == 2
    assert "--endpoint URL or --store oxigraph" in capsys.readouterr().err


def test_push_needs_published_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["push", "--dist", str(tmp_path), "--store", "oxigraph", "--path", str(tmp_path / "o")]
    assert main(args) == 2
    assert "run kg build first" in capsys.readouterr().err


def test_open_store_by_kind(tmp_path: Path) -> None:
    assert isinstance(open_store(), MemoryStore)
    assert isinstance(open_store("oxigraph", path=tmp_path), OxigraphStore)
    assert isinstance(open_store("endpoint", endpoint="http://127.0.0.1:9/"), RemoteStore)
    with pytest.raises(UsageError):
        open_store("oxigraph")
    with pytest.raises(UsageError):
        open_store("qlever")
    with pytest.raises(UsageError):
        RemoteStore("file:///etc/passwd")
    with pytest.raises(StoreError):
        RemoteStore("http://127.0.0.1:9/sparql").count()
