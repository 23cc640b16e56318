"""The saved queries give the same answers on Oxigraph (pyoxigraph) as on rdflib.

Each run of tests/test_saved_queries.py is repeated on an Oxigraph store that holds the same
Turtle files (plus the OWL RL closure for the questions that need it). The query text is the
same file; only the parameters are given another way: rdflib binds them as initial bindings,
here they become a VALUES clause at the start of the query's outermost group, built from the
same RDF terms with Node.n3(). The saved queries use parameters only in that outermost group,
where both ways mean the same.

Rows are compared by value, as a multiset, and in order where the query's ORDER BY is total
(the cases marked ordered). What the engines write differently is normalised, each for a known
reason:
- numbers are compared as Decimal: Oxigraph writes decimals in canonical form (the graph's
  796200000.0 comes back as 796200000), rdflib keeps the lexical form;
- language tags are compared in lower case (Oxigraph lowercases them, rdflib keeps them);
- a plain literal and an xsd:string are the same string (RDF 1.1; rdflib keeps the difference);
- GROUP_CONCAT lists are compared as sets (SPARQL leaves the order inside a group undefined);
- blank nodes are compared as "a blank node" (their labels are local to a store).
One difference was fixed in the queries instead: Oxigraph's GROUP_CONCAT keeps the language
tag its inputs share (a list of @zh labels comes back @zh), rdflib's gives a plain string, so
the saved queries concatenate STR(label).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node
from test_saved_queries import CASES, SAVED, SOURCES, Case, inferred_graph, list_columns

from kg.queries import bind_parameters, run_query

ox = pytest.importorskip("pyoxigraph")

pytestmark = pytest.mark.realdata

XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = {
    XSD + name
    for name in (
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "nonNegativeInteger",
        "positiveInteger",
    )
}
_OUTER_WHERE = re.compile(r"^(?!\s*#).*?\bWHERE\s*\{", re.MULTILINE | re.IGNORECASE)


@cache
def store(inferred: bool) -> Any:
    """An Oxigraph store with the ontology and the article's data (and the closure)."""
    result = ox.Store()
    for file in SOURCES.graph_files():
        result.load(path=str(file), format=ox.RdfFormat.TURTLE)
    if inferred:
        closure = inferred_graph().serialize(format="nt", encoding="utf-8")
        result.load(closure, format=ox.RdfFormat.N_TRIPLES)
    return result


def with_values(text: str, bindings: dict[str, Node]) -> str:
    """``text`` with the bindings as a VALUES clause opening its outermost group."""
    if not bindings:
        return text
    match = _OUTER_WHERE.search(text)
    assert match, "no WHERE clause"
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    clause = f"\n  VALUES ({names}) {{ ({terms}) }}\n"
    return text[: match.end()] + clause + text[match.end() :]


def from_oxigraph(term: Any) -> Node | None:
    """A pyoxigraph term as the rdflib term it stands for."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def normal(term: Node | None, separator: str | None = None) -> Any:
    """A term compared by value (see the module's docstring)."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, BNode):
        return ("blank node",)
    assert isinstance(term, Literal)
    text = str(term)
    if term.language:
        return (text, term.language.lower())
    if separator is not None:
        return frozenset(text.split(separator)) if text else frozenset()
    datatype = str(term.datatype or XSD + "string")
    if datatype in _NUMBERS:
        return Decimal(text)
    if datatype == XSD + "date":
        return date.fromisoformat(text)
    if datatype == XSD + "boolean":
        return text in ("true", "1")
    if datatype == XSD + "string":
        return text
    return (text, datatype)


def rows_rdflib(case: Case, inferred: bool) -> list[tuple[Any, ...]]:
    query = SAVED[case.query]
    lists = list_columns(query.text)
    result = run_query(case.query, case.params, inferred=inferred, paths=SOURCES)
    return [
        tuple(normal(term, lists.get(name)) for name, term in zip(result.vars, row, strict=True))
        for row in result.terms()
    ]


def rows_oxigraph(case: Case, inferred: bool) -> list[tuple[Any, ...]]:
    query = SAVED[case.query]
    lists = list_columns(query.text)
    bindings = bind_parameters(query, case.params)
    solutions = store(inferred).query(with_values(query.text, bindings))
    names = [variable.value for variable in solutions.variables]
    return [
        tuple(normal(from_oxigraph(solution[name]), lists.get(name)) for name in names)
        for solution in solutions
    ]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_oxigraph_gives_the_same_answer(case: Case) -> None:
    inferred = SAVED[case.query].inferred
    expected = rows_rdflib(case, inferred)
    actual = rows_oxigraph(case, inferred)
    assert Counter(actual) == Counter(expected)
    if case.ordered:
        assert actual == expected


def test_every_saved_query_is_compared() -> None:
    assert {case.query for case in CASES} == set(SAVED)


@pytest.mark.parametrize("attack", ['"} UNION { ?s ?p ?o } #', "x' } ; DROP ALL ; #"])
def test_entity_label_injection_is_harmless_on_oxigraph_too(attack: str) -> None:
    size = len(store(False))
    case = Case("entity", ("entity",), [], params={"label": attack})
    assert rows_oxigraph(case, inferred=False) == []
    assert len(store(False)) == size


def test_values_clause_opens_the_outermost_group() -> None:
    text = SAVED["exports"].text
    bindings = bind_parameters(SAVED["exports"], {"year": "2024"})
    rewritten = with_values(text, bindings)
    assert 'VALUES (?_year_integer) { ("2024"^^<http://www.w3.org/2001/XMLSchema#integer>) }' in (
        rewritten
    )
    assert rewritten.index("VALUES (?_year_integer)") < rewritten.index("VALUES (?exporter")
