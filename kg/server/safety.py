"""What the public endpoint refuses: deep nesting (checked on the text, before parsing),
updates, SERVICE, and datasets naming graphs the server does not hold (checked on the
parsed algebra, before execution)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kg.server.graphs import GRAPH_IRIS, graph_name

__all__ = ["Refused", "check_graph_iris", "dataset_clause", "nesting_depth"]

_OPEN = "({["
_CLOSE = ")}]"


class Refused(Exception):
    """A request the endpoint will not run; ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        self.status = status
        self.kind = kind
        self.message = message
        super().__init__(message)


def nesting_depth(text: str) -> int:
    """The deepest nesting of brackets, braces and parentheses in ``text``, counted on
    the raw text (a cheap bound on how deep the parser would recurse)."""
    depth = deepest = 0
    for char in text:
        if char in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif char in _CLOSE and depth:
            depth -= 1
    return deepest


def dataset_clause(algebra: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The IRIs of the query's FROM and FROM NAMED clauses."""
    defaults: list[str] = []
    named: list[str] = []
    # CompValue.get returns the key itself when it is missing: read attributes instead
    for clause in algebra.datasetClause or ():
        if clause.default is not None:
            defaults.append(str(clause.default))
        elif clause.named is not None:
            named.append(str(clause.named))
    return tuple(defaults), tuple(named)


def check_graph_iris(iris: Iterable[str], where: str) -> tuple[str, ...]:
    """The names of the held graphs ``iris`` name; :class:`Refused` (400) for any other."""
    names = []
    for iri in iris:
        name = graph_name(iri)
        if name is None:
            known = ", ".join(GRAPH_IRIS.values())
            raise Refused(
                400,
                "unknown-graph",
                f"{where} <{iri}> is not a graph this server holds; nothing is ever fetched. "
                f"Known graphs: {known}",
            )
        names.append(name)
    return tuple(dict.fromkeys(names))
