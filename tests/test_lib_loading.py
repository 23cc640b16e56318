"""Loading Turtle: the fixture graph, the reference layer, and errors with file:line:column."""

from __future__ import annotations

from pathlib import Path

import pytest
from lib_helpers import FIXTURES, KK, PROJECT, fixture_sources
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from kg import TurtleSyntaxError, UsageError, load_graph, project_root
from kg.core.paths import default_sources


def test_load_graph_unions_ontology_and_data_but_not_reference() -> None:
    graph = load_graph(paths=fixture_sources())
    kazakhstan = URIRef(KK + "kazakhstan")
    assert (kazakhstan, RDFS.label, Literal("哈萨克斯坦", lang="zh")) in graph
    assert (URIRef("https://w3id.org/kazkgz/ontology#State"), None, None) in graph
    assert (kazakhstan, RDFS.label, Literal("Қазақстан", lang="kk")) not in graph


def test_reference_layer_is_added_on_request() -> None:
    graph = load_graph(include_reference=True, paths=fixture_sources())
    assert (URIRef(KK + "kazakhstan"), RDFS.label, Literal("Қазақстан", lang="kk")) in graph


def test_default_sources_treat_every_graph_file_but_reference_as_data() -> None:
    sources = default_sources(PROJECT)
    assert [p.name for p in sources.data] == ["article.ttl", "excerpts.ttl"]
    assert [p.name for p in sources.reference] == ["reference.ttl"]
    assert sources.checks_dir == PROJECT / "queries" / "checks"


def test_kg_home_overrides_the_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_HOME", str(PROJECT))
    assert project_root() == PROJECT
    assert len(load_graph()) == len(load_graph(paths=fixture_sources()))


@pytest.mark.parametrize(
    ("name", "line", "column", "words"),
    [
        ("missing-dot.ttl", 4, 23, "expected '.'"),
        ("unbound-prefix.ttl", 4, 6, 'Prefix "foo:" not bound'),
        ("unterminated-string.ttl", 5, 26, "newline found in string literal"),
    ],
)
def test_bad_turtle_names_file_line_and_column(
    name: str, line: int, column: int, words: str
) -> None:
    path = FIXTURES / "bad" / name
    with pytest.raises(TurtleSyntaxError) as caught:
        load_graph(paths=[path])
    error = caught.value
    assert (error.file, error.line, error.column) == (str(path), line, column)
    assert words in error.message
    assert str(error).startswith(f"{path}:{line}:{column}: ")


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read"):
        load_graph(paths=[tmp_path / "absent.ttl"])


def test_no_files_at_all_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="KG_HOME"):
        load_graph(paths=default_sources(tmp_path))
