"""Parameters as a VALUES clause, for stores that take no initial bindings.

rdflib binds a saved query's parameters with ``initBindings``; Oxigraph and remote endpoints get
the same terms as ``VALUES`` clauses (one a variable) opening the query's outermost group. Each
term is written by rdflib's :meth:`~rdflib.term.Node.n3` (IRIs checked, literals escaped),
each variable name is checked, and the query is parsed before and after the rewrite, so a value
can never change the query. The saved queries use their parameters only in the outermost
group, where both ways mean the same."""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.core.errors import SparqlSyntaxError, UsageError

__all__ = ["with_values"]

_OUTER_WHERE = re.compile(r"^(?!\s*#).*?\bWHERE\s*\{", re.MULTILINE | re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _term(term: Node) -> str:
    if isinstance(term, BNode) or not isinstance(term, URIRef | Literal):
        raise UsageError(f"a parameter must be an IRI or a literal, not {term!r}")
    if isinstance(term, URIRef) and re.search(r'[\s<>"{}|^`\\]', str(term)):
        raise UsageError(f"not a valid IRI: {str(term)!r}")
    return str(term.n3())


def with_values(text: str, bindings: Mapping[str, Node] | None) -> str:
    """``text`` with ``bindings`` (variable name without ``?`` → term) as a VALUES clause at the
    start of its outermost ``WHERE`` group. Raises :class:`SparqlSyntaxError` if the query has
    no ``WHERE`` group."""
    if not bindings:
        return text
    for name in bindings:
        if not _NAME.match(str(name)):
            raise UsageError(f"not a SPARQL variable name: {name!r}")
    match = _OUTER_WHERE.search(text)
    if match is None:
        raise SparqlSyntaxError("parameters need a WHERE clause to bind them in")
    # one clause per variable: the same solutions as one clause of one row, and Virtuoso 7.2.5
    # fails to compile a one-row VALUES of several variables followed by an OPTIONAL (SP031
    # "ssg_print_rvr_fixed_val(): no SPART_VARR_FIXED")
    clause = "".join(
        f"\n  VALUES (?{name}) {{ ({_term(term)}) }}" for name, term in bindings.items()
    )
    clause += "\n"
    return text[: match.end()] + clause + text[match.end() :]
