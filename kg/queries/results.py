"""Query results: rdflib's Result plus rows of Python values, tables and serialisations."""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import Result

from kg.core.errors import UsageError
from kg.core.settings import EXPORT_FORMATS, RESULT_FORMATS
from kg.graph.serialization import serialize as serialize_graph

__all__ = ["FORMATS_BY_FORM", "RESULT_FORMATS", "QueryResult", "tsv_term"]

#: the formats each query form's answer can be written in: "table" for people; SPARQL 1.1
#: results formats for SELECT (all four) and ASK (JSON and XML define a boolean, CSV and TSV
#: do not); RDF formats for CONSTRUCT and DESCRIBE (xml: RDF/XML)
FORMATS_BY_FORM: dict[str, tuple[str, ...]] = {
    "SELECT": ("table", *RESULT_FORMATS),
    "ASK": ("table", "json", "xml"),
    "CONSTRUCT": ("table", *EXPORT_FORMATS),
    "DESCRIBE": ("table", *EXPORT_FORMATS),
}


def _python(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return term.toPython() if hasattr(term, "toPython") else term


def _display(term: Any, graph: Graph | None, languages: bool = False) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        if graph is not None:
            try:
                return graph.namespace_manager.normalizeUri(term)
            except Exception:  # an IRI that makes no valid CURIE
                return str(term)
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal) and term.language and languages:
        return f"{term}@{term.language}"
    return str(term)  # a literal's lexical form: a number as the graph writes it


def _width(text: str) -> int:
    """Columns that ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _column(pd: Any, column: Any, exact: bool) -> Any:
    """``column`` with a numeric or datetime dtype where every value it holds allows one
    without loss; else as it is (objects)."""
    values = [v for v in column if v is not None]
    if not values:
        return column
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return column.astype("Int64" if len(values) < len(column) else "int64")
    numbers = all(isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in values)
    if numbers and not exact and all(_exact_float(v) for v in values):
        return column.astype("float64")
    if all(isinstance(v, datetime.date) for v in values):
        return pd.to_datetime(column)
    return column


def _exact_float(value: float | int | Decimal) -> bool:
    """Whether ``value`` as a float writes back as the same number."""
    if not isinstance(value, Decimal):
        return True
    return Decimal(repr(float(value))) == value


def _fit(widths: list[int], minimums: list[int], total: int) -> list[int]:
    """Column widths that fit in ``total`` characters (two between columns): the widest column
    narrowed first, none below its header's width or 8."""
    fitted = list(widths)
    floor = [max(8, m) for m in minimums]
    while sum(fitted) + 2 * (len(fitted) - 1) > total:
        widest = max(range(len(fitted)), key=lambda i: fitted[i] - floor[i])
        if fitted[widest] <= floor[widest]:
            break  # as narrow as they go
        fitted[widest] -= 1
    return fitted


def _cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` columns, ending in … where it was cut."""
    if _width(text) <= width:
        return text
    kept = ""
    for char in text:
        if _width(kept + char) > width - 1:
            break
        kept += char
    return kept + "…"


def tsv_term(term: Any) -> str:
    """``term`` as a SPARQL 1.1 TSV field: Turtle syntax on one line (a literal's line
    breaks, tabs, quotes and backslashes escaped); an unbound value as an empty field."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        escaped = (
            str(term)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if term.language:
            return f'"{escaped}"@{term.language}'
        if term.datatype is not None:
            return f'"{escaped}"^^<{term.datatype}>'
        return f'"{escaped}"'
    return str(term.n3())


def _tsv(names: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    """SPARQL 1.1 Query Results TSV: terms in Turtle syntax, one solution per line."""
    lines = ["\t".join(f"?{name}" for name in names)]
    lines += ["\t".join(tsv_term(term) for term in row) for row in rows]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class QueryResult:
    """The answer of a SPARQL query.

    ``result`` is rdflib's Result; ``vars`` the projected variable names; ``rows`` one dict
    per solution mapping names to Python values (``term.toPython()``; None when unbound).
    ASK queries have ``ask`` set; CONSTRUCT/DESCRIBE queries have ``graph`` set."""

    result: Result
    vars: tuple[str, ...] = field(init=False)
    rows: tuple[dict[str, Any], ...] = field(init=False)
    _graph: Graph | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.result.type == "SELECT":
            names = tuple(str(v) for v in (self.result.vars or ()))
            rows = tuple(
                {name: _python(row[i]) for i, name in enumerate(names)}  # type: ignore[index]
                for row in self.result
            )
        else:
            names, rows = (), ()
        object.__setattr__(self, "vars", names)
        object.__setattr__(self, "rows", rows)

    @property
    def type(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE."""
        return str(self.result.type)

    @property
    def ask(self) -> bool | None:
        """The answer of an ASK query (None for other kinds)."""
        return bool(self.result.askAnswer) if self.result.type == "ASK" else None

    @property
    def graph(self) -> Graph | None:
        """The graph of a CONSTRUCT or DESCRIBE query (None for other kinds)."""
        return self.result.graph if self.result.type in ("CONSTRUCT", "DESCRIBE") else None

    def __len__(self) -> int:
        if self.result.type == "SELECT":
            return len(self.rows)
        graph = self.graph
        return len(graph) if graph is not None else int(bool(self.ask))

    def terms(self) -> list[tuple[Any, ...]]:
        """The solutions as tuples of rdflib terms, in ``vars`` order."""
        if self.result.type != "SELECT":
            return []
        return [tuple(row) for row in self.result]  # type: ignore[arg-type]

    def check_format(self, format: str) -> None:
        """A UsageError unless this query form's answer can be written in ``format``."""
        allowed = FORMATS_BY_FORM[self.type]
        if format not in allowed:
            raise UsageError(
                f"{'an' if self.type == 'ASK' else 'a'} {self.type} answer cannot be written "
                f"as {format!r}: use {', '.join(allowed)}"
            )

    def serialize(self, format: str | None = None) -> str:
        """The answer in ``format``: SPARQL 1.1 results (``json``, the default, ``csv``,
        ``tsv``, ``xml``) for SELECT and ASK; RDF (``ttl``, the default, ``nt``, ``jsonld``,
        ``xml`` for RDF/XML) with the project's prefixes for CONSTRUCT and DESCRIBE. A format
        the query form does not have is a UsageError."""
        graph = self.graph
        if graph is not None:
            chosen = format or "ttl"
            self.check_format(chosen)
            return serialize_graph(graph, chosen).decode("utf-8")
        chosen = format or "json"
        self.check_format(chosen)
        if chosen == "tsv":
            return _tsv(self.vars, self.terms())
        data = self.result.serialize(format=chosen, encoding="utf-8")
        text = data.decode("utf-8") if isinstance(data, bytes) else str(data)
        return text if text.endswith("\n") else text + "\n"

    def table(self, width: int | None = None, languages: bool = False) -> str:
        """A plain-text table for people: CURIEs where the project prefixes apply, literals as
        written (with their language tags if ``languages``), and at most ``width`` columns wide
        (the widest cells cut, ending in …)."""
        if self.result.type == "ASK":
            return "yes\n" if self.ask else "no\n"
        if self.graph is not None:
            return self.serialize("ttl")
        header = list(self.vars)
        body = [[_display(term, self._graph, languages) for term in row] for row in self.terms()]
        widths = [max([_width(h), *(_width(r[i]) for r in body)]) for i, h in enumerate(header)]
        if width is not None:
            widths = _fit(widths, [_width(h) for h in header], width)

        def line(cells: list[str]) -> str:
            cut = (_cut(c, w) for c, w in zip(cells, widths, strict=True))
            padded = (c + " " * (w - _width(c)) for c, w in zip(cut, widths, strict=True))
            return "  ".join(padded).rstrip()

        lines = [line(header), line(["-" * w for w in widths])]
        lines += [line(r) for r in body]
        count = len(body)
        lines.append(f"({count} row{'s' if count != 1 else ''})")
        return "\n".join(lines) + "\n"

    def to_dataframe(self, exact: bool = False) -> Any:
        """The rows as a pandas DataFrame (needs the ``pandas`` extra). A column of numbers
        becomes a numeric column, and a column of dates or times a datetime column, where that
        loses nothing: integers as int64 (nullable Int64 with gaps), decimals as float64 only if
        each one's text comes back the same, unless ``exact``, which keeps them as Decimals."""
        try:
            import pandas as pd
        except ImportError as exc:
            raise UsageError(
                "to_dataframe() needs pandas: install the 'pandas' extra "
                "(pip install 'kazkgz[pandas]')"
            ) from exc
        frame = pd.DataFrame(list(self.rows), columns=list(self.vars))
        for name in self.vars:
            frame[name] = _column(pd, frame[name], exact)
        return frame
