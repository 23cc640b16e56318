"""Rows of a saved query compared across engines: the one normalisation every store test uses.

Rows are compared by value, as a multiset, and in order where the query's ORDER BY is total
(the cases marked ordered). What engines write differently is normalised, each for a known
reason:
- numbers are compared as Decimal: Oxigraph and Virtuoso write decimals in canonical form (the
  graph's 796200000.0 comes back as 796200000), rdflib, Jena and Comunica keep the lexical form;
- language tags are compared in lower case (Oxigraph, Virtuoso, Comunica and n3.js lowercase
  them; rdflib and Jena keep them);
- a plain literal and an xsd:string are the same string (RDF 1.1; rdflib keeps the difference),
  and a SPARQL 1.0 ``typed-literal`` in JSON results is a literal (Virtuoso writes them);
- GROUP_CONCAT lists are compared as sets (SPARQL leaves the order inside a group undefined);
- blank nodes are compared as "a blank node" (their labels are local to a store);
- columns are matched by name, in name order (Comunica lists a result's variables in an order
  of its own).
One difference was fixed in the queries instead: Oxigraph's GROUP_CONCAT keeps the language
tag its inputs share (a list of @zh labels comes back @zh), rdflib's gives a plain string, so
the saved queries concatenate STR(label).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.queries.results import QueryResult

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMBERS = {
    XSD + name
    for name in (
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "short",
        "nonNegativeInteger",
        "positiveInteger",
    )
}

Row = tuple[Any, ...]


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
    if datatype in NUMBERS:
        try:
            return Decimal(text)
        except InvalidOperation:
            return (text, datatype)
    if datatype == XSD + "date":
        return date.fromisoformat(text)
    if datatype == XSD + "boolean":
        return text in ("true", "1")
    if datatype == XSD + "string":
        return text
    return (text, datatype)


def normal_rows(result: QueryResult, lists: dict[str, str] | None = None) -> list[Row]:
    """The rows of ``result`` normalised, columns in name order; ``lists`` names the
    GROUP_CONCAT columns and their separators."""
    lists = lists or {}
    order = sorted(range(len(result.vars)), key=lambda i: result.vars[i])
    return [
        tuple(normal(row[i], lists.get(result.vars[i])) for i in order) for row in result.terms()
    ]
