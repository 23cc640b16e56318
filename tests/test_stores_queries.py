"""The saved queries stay portable: the constructs that some store mishandles (see
tests/test_stores_engines.py, where each is named) do not come back, and the kinds that the
queries list by name (instead of following rdfs:subClassOf*) are exactly the ontology's
subclasses, so that a new subclass in the ontology cannot be silently left out."""

from __future__ import annotations

import re

import pytest
from lib_helpers import REPO
from rdflib import RDFS, Graph, URIRef
from test_saved_queries import SAVED, list_columns

from kg.stores import with_values

KKO = "https://w3id.org/kazkgz/ontology#"


def _subclasses(name: str) -> set[str]:
    graph = Graph()
    graph.parse(REPO / "ontology" / "kazkgz.ttl")
    return {
        "kko:" + str(c).removeprefix(KKO)
        for c in graph.transitive_subjects(RDFS.subClassOf, URIRef(KKO + name))
    }


def _values(text: str, variable: str) -> list[set[str]]:
    """The terms of each ``VALUES ?variable { ... }`` in ``text``."""
    found = re.finditer(r"VALUES\s+\?" + variable + r"\s*\{([^}]*)\}", text)
    return [set(m[1].split()) for m in found]


@pytest.mark.parametrize(
    ("query", "variable", "root"),
    [
        ("agreements", "kind", "Agreement"),
        ("agreements", "actKind", "Event"),
        ("third-state-agreements", "kind", "Agreement"),
        ("timeline", "kind", "Event"),
        ("visits", "kind", "Visit"),
    ],
)
def test_listed_kinds_are_the_ontology_subclasses(query: str, variable: str, root: str) -> None:
    lists = _values(SAVED[query].text, variable)
    assert lists, f"{query} lists no ?{variable}"
    for terms in lists:
        assert terms == _subclasses(root)


@pytest.mark.parametrize("name", sorted(SAVED))
def test_no_construct_that_a_store_mishandles(name: str) -> None:
    text = "\n".join(
        line.split("#", 1)[0] if not line.lstrip().startswith("#") else ""
        for line in SAVED[name].text.splitlines()
    )
    assert not re.search(r"subClassOf[*+]", text), "Virtuoso drops rows of subClassOf paths"
    assert "BNODE(" not in text.upper(), "Virtuoso does not implement BNODE()"
    for separator in list_columns(SAVED[name].text).values():
        assert separator.isascii(), "Virtuoso writes GROUP_CONCAT separators outside Latin-1 as ?"
    if "GROUP_CONCAT" in text:
        # Comunica names a sequence path's hidden variable like a subquery's aggregate
        assert not re.search(r"\s[\w:]+/[\w:]+\s+\?", text), "sequence path beside GROUP_CONCAT"


def test_parameters_are_one_values_clause_a_variable() -> None:
    """Virtuoso fails to compile one VALUES row of several variables before an OPTIONAL."""
    text = with_values(
        "SELECT * WHERE { OPTIONAL { ?s ?p ?o } }",
        {"a": URIRef("urn:a"), "b": URIRef("urn:b")},
    )
    assert "VALUES (?a) { (<urn:a>) }" in text
    assert "VALUES (?b) { (<urn:b>) }" in text
