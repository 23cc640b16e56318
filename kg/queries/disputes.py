"""Answers that rest on a doubtful fact: the rows of a query result with a node that the
verification layer assesses as contradicted or unverified, for the warning lines of
``kg query`` and the ``verification`` field of its JSON."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef

from kg.graph.verification import status_of
from kg.queries.results import QueryResult

__all__ = ["DOUBTFUL", "Flag", "flags", "warning_lines"]

#: the statuses a warning is given for
DOUBTFUL = ("contradicted", "unverified")
# what a warning line says of a node, by its status (one of DOUBTFUL)
_SAYING = {
    "contradicted": "which independent sources contradict",
    "unverified": "which no independent source was found to confirm",
}


@dataclass(frozen=True)
class Flag:
    """Row ``row`` (0-based) of an answer holds ``node`` in column ``column``, a fact that the
    verification layer assesses as ``status``."""

    row: int
    column: str
    node: URIRef
    status: str


def flags(result: QueryResult, layer: Graph) -> tuple[Flag, ...]:
    """Every IRI of the answer's rows whose verification status is doubtful."""
    found: list[Flag] = []
    statuses: dict[URIRef, str | None] = {}
    for index, row in enumerate(result.terms()):
        for column, term in zip(result.vars, row, strict=True):
            if not isinstance(term, URIRef):
                continue
            if term not in statuses:
                statuses[term] = status_of(layer, term)
            status = statuses[term]
            if status in DOUBTFUL:
                found.append(Flag(index, str(column), term, status))
    return tuple(found)


def warning_lines(found: tuple[Flag, ...], compact: dict[URIRef, str]) -> list[str]:
    """One line per flagged node and status, naming the rows (1-based) that rest on it;
    ``compact`` gives a short name of each node."""
    rows: dict[tuple[URIRef, str], list[int]] = {}
    for flag in found:
        rows.setdefault((flag.node, flag.status), []).append(flag.row + 1)
    lines = []
    for (node, status), numbers in rows.items():
        name = compact.get(node, str(node))
        listed = ", ".join(str(n) for n in sorted(set(numbers)))
        several = len(set(numbers)) > 1
        lines.append(
            f"warning: {'rows' if several else 'row'} {listed} {'rest' if several else 'rests'} "
            f"on {name}, "
            f"{_SAYING[status]} "
            f"(see: kg source {name})"
        )
    return lines
