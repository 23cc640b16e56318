"""The errors the library raises: one hierarchy, each carrying what a user needs to act."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "ExcerptError",
    "InconsistencyError",
    "KgError",
    "MissingParameterError",
    "NodeNotFoundError",
    "ParameterTypeError",
    "QueryMetadataError",
    "SparqlSyntaxError",
    "TurtleSyntaxError",
    "UnknownParameterError",
    "UnknownQueryError",
    "UsageError",
    "ValidationFailed",
    "VerificationRowError",
]


class KgError(Exception):
    """Base class of every error of the kg library. Subclasses are user errors (exit code 2)
    unless they say otherwise."""

    exit_code = 2


class UsageError(KgError):
    """A request that cannot be served as given (a missing file, a bad argument)."""


class ExcerptError(KgError):
    """A quote of graph/excerpts.tsv that is not a unique, verbatim substring of the article."""


class VerificationRowError(KgError):
    """A bad row of graph/verification.tsv; names the file, the line and the column."""

    def __init__(self, file: Path | str, line: int, column: str, message: str) -> None:
        self.file = str(file)
        self.line = line
        self.column = column
        self.message = message
        super().__init__(f"{self.file}:{line}: column {column}: {message}")


class TurtleSyntaxError(KgError):
    """A Turtle file that does not parse; names the file, the line and the column (1-based)."""

    def __init__(self, file: Path | str, line: int, column: int, message: str) -> None:
        self.file = str(file)
        self.line = line
        self.column = column
        self.message = message
        super().__init__(f"{self.file}:{line}:{column}: {message}")


class SparqlSyntaxError(KgError):
    """A SPARQL query that does not parse; carries the parser's message."""

    def __init__(self, message: str, source: str | None = None) -> None:
        self.message = message
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}SPARQL syntax error: {message}")


class UnknownQueryError(KgError):
    """No saved query has this name."""

    def __init__(self, name: str, known: Iterable[str] = ()) -> None:
        self.name = name
        self.known = tuple(known)
        close = difflib.get_close_matches(name, self.known, n=3, cutoff=0.5)
        if close:
            hint = f": did you mean {' or '.join(close)}? (all of them: kg queries)"
        else:
            hint = f" (known: {', '.join(self.known)})" if self.known else ""
        super().__init__(f"unknown saved query {name!r}{hint}")


class UnknownParameterError(KgError):
    """A parameter the saved query does not declare."""

    def __init__(self, name: str, query: str, known: Iterable[str] = ()) -> None:
        self.name = name
        self.query = query
        self.known = tuple(known)
        hint = f"; it takes: {', '.join(self.known)}" if self.known else "; it takes none"
        what = f"query {query!r}" if query else "the query"
        super().__init__(f"{what} has no parameter {name!r}{hint}")


class ParameterTypeError(KgError):
    """A parameter value that is not of the parameter's type, or a required one left out."""

    def __init__(self, name: str, expected: str, value: object, reason: str = "") -> None:
        self.name = name
        self.expected = expected
        self.value = value
        extra = f": {reason}" if reason else ""
        super().__init__(f"parameter {name!r} expects {expected}, got {value!r}{extra}")


class MissingParameterError(ParameterTypeError):
    """A saved query run without a value it needs: a required parameter, or one of a group of
    which the query needs at least one (its ``#+ one_of`` list)."""

    def __init__(self, query: str, names: Iterable[str]) -> None:
        self.query = query
        self.names = tuple(names)
        wanted = " or ".join(map(repr, self.names))
        if query:
            message = f"saved query {query!r} needs a value for {wanted}"
        else:  # an ad hoc text with a #+ header
            message = f"the query needs a value for {wanted} (its #+ header gives no default)"
        KgError.__init__(self, message)
        self.name = self.names[0]
        self.expected = "a value"
        self.value = None


class QueryMetadataError(KgError):
    """A saved query whose `#+` metadata header is malformed; names the file."""

    def __init__(self, file: Path | str, message: str) -> None:
        self.file = str(file)
        self.message = message
        super().__init__(f"{self.file}: bad query metadata: {message}")


class NodeNotFoundError(KgError):
    """A node the graph does not mention, or a CURIE with an unknown prefix."""


class InconsistencyError(KgError):
    """The OWL RL closure found the data inconsistent; names the nodes involved.

    Exit code 1: the input is well formed but the data is wrong."""

    exit_code = 1

    def __init__(self, problems: Iterable[tuple[str, tuple[str, ...]]]) -> None:
        self.problems: tuple[tuple[str, tuple[str, ...]], ...] = tuple(problems)
        nodes: list[str] = []
        for _message, involved in self.problems:
            nodes.extend(n for n in involved if n not in nodes)
        self.nodes: tuple[str, ...] = tuple(nodes)
        lines = "; ".join(message for message, _ in self.problems)
        super().__init__(f"the data is inconsistent: {lines}")


class ValidationFailed(KgError):
    """The data does not conform to the SHACL shapes, or a consistency check returned rows.

    Exit code 1."""

    exit_code = 1

    def __init__(self, message: str, details: Iterable[str] = ()) -> None:
        self.details = tuple(details)
        super().__init__(message)
