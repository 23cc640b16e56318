"""Load Turtle files into one rdflib graph; a syntax error names file, line and column."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from kg.core.errors import TurtleSyntaxError, UsageError
from kg.core.namespaces import bind_prefixes
from kg.core.paths import Sources, default_sources

__all__ = ["load_graph", "parse_turtle"]


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of character ``offset`` in ``text``; blanks
    before the offending token are skipped so that the column points at the token."""
    offset = max(0, min(offset, len(text)))
    while offset < len(text) and text[offset] in " \t":
        offset += 1
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def parse_turtle(path: Path | str, graph: Graph | None = None) -> Graph:
    """Parse one Turtle file into ``graph`` (a new one by default) and return it.

    The file is read from disk as bytes; nothing is fetched from the network and
    ``owl:imports`` is not followed. Raises :class:`TurtleSyntaxError` with the file, line and
    column of the first error, or :class:`UsageError` if the file cannot be read."""
    file = Path(path)
    graph = Graph() if graph is None else graph
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror or exc}") from exc
    try:
        graph.parse(data=data, format="turtle", publicID=file.resolve().as_uri())
    except BadSyntax as exc:
        # rdflib reports a character offset into the text it parsed
        line, column = _position(exc._str.decode("utf-8", errors="replace"), exc._i)
        raise TurtleSyntaxError(file, line, column, exc._why) from exc
    except (ValueError, SyntaxError) as exc:
        raise TurtleSyntaxError(file, 0, 0, str(exc)) from exc
    return graph


def _files(include_reference: bool, paths: Sources | Iterable[Path | str] | None) -> list[Path]:
    if paths is None:
        paths = default_sources()
    if isinstance(paths, Sources):
        files = list(paths.graph_files(include_reference))
        if not files:
            raise UsageError("no ontology or graph files found (set KG_HOME to the project root)")
        return files
    return [Path(p) for p in paths]


def load_graph(
    include_reference: bool = False,
    paths: Sources | Iterable[Path | str] | None = None,
) -> Graph:
    """The asserted graph: the ontology and the article's data, plus the reference layer if
    ``include_reference``. ``paths`` is a :class:`Sources` or a list of Turtle files
    (default: the project's own files)."""
    graph = bind_prefixes(Graph())
    for file in _files(include_reference, paths):
        parse_turtle(file, graph)
    return graph
