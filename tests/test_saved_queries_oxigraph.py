"""The saved queries give the same answers on Oxigraph (pyoxigraph) as on rdflib.

Each run of tests/test_saved_queries.py is repeated on the library's Oxigraph store
(kg.stores.OxigraphStore) holding the same Turtle files (plus the OWL RL closure for the
questions that need it). The query text is the same file; only the parameters are given another
way: rdflib binds them as initial bindings, the Oxigraph store as a VALUES clause at the start
of the query's outermost group (kg.stores.with_values), built from the same RDF terms with
Node.n3(). The saved queries use parameters only in that outermost group, where both ways mean
the same. Rows are compared after the normalisation documented in tests/stores/normal.py.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest
from stores.normal import Row, normal_rows
from test_saved_queries import CASES, SAVED, SOURCES, Case, list_columns

from kg.core.settings import VERIFICATION_GRAPH
from kg.graph.cache import load_inferred
from kg.queries.execution import bind_parameters, run_query
from kg.stores import ASSERTED_GRAPH, INFERRED_GRAPH, OxigraphStore, with_values

pytest.importorskip("pyoxigraph")

pytestmark = pytest.mark.realdata


@cache
def store() -> OxigraphStore:
    """An Oxigraph store with the ontology and the article's data, the closure, and the
    verification layer in its named graph (as ``kg push`` loads them)."""
    result = OxigraphStore()
    result.replace(ASSERTED_GRAPH, list(SOURCES.graph_files()))
    result.replace(INFERRED_GRAPH, load_inferred(paths=SOURCES))
    result.replace(VERIFICATION_GRAPH, list(SOURCES.verification))
    return result


def rows_rdflib(case: Case, inferred: bool) -> list[Row]:
    lists = list_columns(SAVED[case.query].text)
    return normal_rows(run_query(case.query, case.params, inferred=inferred, paths=SOURCES), lists)


def rows_oxigraph(case: Case, inferred: bool) -> list[Row]:
    lists = list_columns(SAVED[case.query].text)
    result = run_query(case.query, case.params, inferred=inferred, paths=SOURCES, store=store())
    return normal_rows(result, lists)


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
    size = store().count()
    case = Case("entity", ("entity",), [], params={"label": attack})
    assert rows_oxigraph(case, inferred=False) == []
    assert store().count() == size


def test_values_clause_opens_the_outermost_group() -> None:
    text = SAVED["exports"].text
    bindings = bind_parameters(SAVED["exports"], {"year": "2024"})
    rewritten = with_values(text, bindings)
    assert 'VALUES (?_year_integer) { ("2024"^^<http://www.w3.org/2001/XMLSchema#integer>) }' in (
        rewritten
    )
    assert rewritten.index("VALUES (?_year_integer)") < rewritten.index("VALUES (?exporter")
