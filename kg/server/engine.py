"""The Oxigraph engine of the query workers: one pyoxigraph store holding the built graphs
as named graphs (loaded from ``dist/dataset.nq``, or an on-disk store opened read-only),
which runs each query and writes its answer with its own serialisers: SPARQL JSON, XML,
CSV and TSV results; Turtle, N-Triples, JSON-LD and RDF/XML graphs. No rdflib term or
graph is made on the way from the query to the bytes.

The row cap is applied on the engine's own line-based forms (TSV for solutions, N-Triples
for triples: one line each), which the engine then reads back and writes in the format
asked for; a truncated answer says so as the rdflib path does (``head.link`` in JSON,
``<link>`` in XML, a comment in Turtle)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.core.errors import (
    KgError,
    ParameterTypeError,
    UnknownParameterError,
    UnknownQueryError,
    UsageError,
)
from kg.core.namespaces import PREFIXES
from kg.core.paths import Sources
from kg.queries import execution
from kg.server.formats import TRUNCATED_LINK, ask_document, longest_fitting
from kg.server.graphs import GRAPH_BASE
from kg.server.jobs import (
    JobHandler,
    ParsedQueries,
    Reply,
    SavedJob,
    SavedQueries,
    SparqlJob,
    acceptable,
    chosen_dataset,
)
from kg.server.negotiation import RDF_OFFERS, RESULT_OFFERS, UnknownFormat, typed
from kg.server.safety import Refused, normalised_query, words
from kg.stores.oxigraph import pyoxigraph_module
from kg.stores.values import with_values

__all__ = ["EngineState", "graph_names"]

_RESULT_FORMATS = {"json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV"}
_RDF_FORMATS = {"ttl": "TURTLE", "nt": "N_TRIPLES", "jsonld": "JSON_LD", "rdfxml": "RDF_XML"}


def graph_names(iris: list[str]) -> dict[str, str]:
    """Held graph name → IRI: the last segment of an IRI under the project's graph base,
    else the IRI itself."""
    return {iri.removeprefix(GRAPH_BASE): iri for iri in sorted(iris)}


@dataclass
class EngineState(JobHandler):
    """A worker's Oxigraph store and saved queries; :meth:`handle` answers a job."""

    sources: Sources
    store: Any
    graphs: dict[str, str]
    _saved: SavedQueries = field(init=False)
    _checks: ParsedQueries = field(default_factory=ParsedQueries)

    @classmethod
    def load(cls, sources: Sources, dataset: Path | None, store_path: Path | None) -> EngineState:
        """The built graphs from the N-Quads file ``dataset`` in memory, or the on-disk
        store in ``store_path`` opened read-only."""
        ox = pyoxigraph_module()
        if store_path is not None:
            store = ox.Store.read_only(str(store_path))
        else:
            store = ox.Store()
            store.bulk_load(path=str(dataset), format=ox.RdfFormat.N_QUADS)
        iris = [g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
        return cls(sources, store, graph_names(iris))

    def __post_init__(self) -> None:
        self._saved = SavedQueries(self.sources)

    def clear(self) -> None:
        """Forget what can be rebuilt (after a memory error)."""
        self._checks.clear()

    def _iris(self, names: tuple[str, ...]) -> list[Any]:
        ox = pyoxigraph_module()
        return [ox.NamedNode(self.graphs[n]) for n in names if n in self.graphs]

    def _default(self, inferred: bool) -> list[Any]:
        return self._iris(("asserted", "inferred") if inferred else ("asserted",))

    def sparql_job(self, job: SparqlJob) -> Reply:
        """Run the normalised text (:func:`normalised_query`, which refuses SERVICE) on the
        engine. Only a text with a FROM clause is parsed by rdflib first, to read its graphs;
        a text the engine cannot parse is, to tell an update (403) from an error (400)."""
        normal = normalised_query(job.text)
        parsed = self._checks.parsed(job.text) if "from" in words(normal) else None
        try:  # a text with a #+ header runs as its saved query does
            bindings, needs_inferred = execution.text_bindings(job.text)
            text = with_values(normal, bindings)
        except KgError as exc:
            raise Refused(400, "bad-parameter", str(exc)) from exc
        dataset = chosen_dataset(job, parsed, tuple(self.graphs), needs_inferred)
        defaults = dataset.defaults
        if "inferred" in defaults and "asserted" not in defaults:  # as on the rdflib path
            defaults = ("asserted", *defaults)
        default, named = self._iris(defaults), self._iris(dataset.named)
        try:
            answer = self.store.query(
                text, prefixes=PREFIXES, default_graph=default, named_graphs=named
            )
        except SyntaxError as exc:
            self._checks.parsed(job.text)  # an update, or rdflib's own syntax error
            raise Refused(400, "syntax", f"SPARQL syntax error: {exc}") from exc
        return self._run(lambda: answer, job.accept, job.format, job.max_rows, job.max_bytes)

    def saved_job(self, job: SavedJob) -> Reply:
        try:
            saved = self._saved.get(job.name)
            inferred = job.inferred or saved.inferred
            text = with_values(saved.text, execution.bind_parameters(saved, dict(job.params)))
        except UnknownQueryError as exc:
            return Reply.error(404, "unknown-query", str(exc))
        except (UnknownParameterError, ParameterTypeError, UsageError) as exc:
            return Reply.error(400, "bad-parameter", str(exc))
        except KgError as exc:
            return Reply.error(500, "saved-query", str(exc))
        default, named = self._default(inferred), self._iris(tuple(self.graphs))
        return self._run(
            lambda: self.store.query(
                text, prefixes=PREFIXES, default_graph=default, named_graphs=named
            ),
            job.accept,
            job.format,
            job.max_rows,
            job.max_bytes,
        )

    def _run(
        self,
        execute: Callable[[], Any],
        accept: str | None,
        fmt: str | None,
        max_rows: int,
        max_bytes: int,
    ) -> Reply:
        ox = pyoxigraph_module()
        try:
            answer = execute()
            if isinstance(answer, ox.QueryBoolean):
                kind, offers = "ASK", RESULT_OFFERS
            elif isinstance(answer, ox.QueryTriples):
                kind, offers = "CONSTRUCT", RDF_OFFERS
            else:
                kind, offers = "SELECT", RESULT_OFFERS
            offer = acceptable(accept, fmt, kind, offers)
            media = typed(offer.media_type)
            if kind == "ASK":
                return Reply(200, ask_document(offer.key, bool(answer)), media, 1, query_type=kind)
            if kind == "SELECT":
                body, rows, cut = solutions_document(answer, offer.key, max_rows, max_bytes)
            else:
                body, rows, cut = triples_document(answer, offer.key, max_rows, max_bytes)
            return Reply(200, body, media, rows, cut, query_type=kind)
        except (Refused, UnknownFormat, RecursionError, MemoryError):
            raise
        except SyntaxError as exc:
            raise Refused(400, "syntax", f"SPARQL syntax error: {exc}") from exc
        except Exception as exc:  # the engine's evaluation errors (OSError, ValueError ...)
            return Reply.error(
                400, "query-failed", f"the query failed: {type(exc).__name__}: {exc}"
            )


class _Enough(Exception):
    """Raised by :class:`_Capped` to stop the engine's serialiser."""


class _Capped:
    """A file for the engine's serialiser that stops it (raising :class:`_Enough`) once it
    has written more than ``lines`` lines or ``size`` bytes: an answer past the caps is never
    written whole."""

    def __init__(self, lines: int, size: int) -> None:
        self.lines, self.size = lines, size
        self.chunks: list[bytes] = []
        self.count = self.written = 0
        self.stopped = False

    def write(self, data: bytes) -> int:
        if self.stopped:  # the serialiser may try the refused chunk again: not kept twice
            raise _Enough
        chunk = bytes(data)
        self.chunks.append(chunk)
        self.count += chunk.count(b"\n")
        self.written += len(chunk)
        if self.count > self.lines or self.written > self.size:
            self.stopped = True
            raise _Enough
        return len(chunk)

    def flush(self) -> None:
        """Nothing is buffered."""


def _complete_lines(serialize: Callable[[Any], None], lines: int, size: int) -> tuple[bytes, bool]:
    """The complete lines the engine's line-based serialiser writes before it has written
    more than ``lines`` lines or ``size`` bytes, and whether it was stopped."""
    out = _Capped(lines, size)
    with contextlib.suppress(_Enough):
        serialize(out)
    data = b"".join(out.chunks)
    return data[: data.rfind(b"\n") + 1], out.stopped


def _solutions(tsv: bytes, key: str, truncated: bool) -> bytes:
    """The engine's TSV results ``tsv`` written by the engine in ``key``, saying in its head
    (JSON, XML) when it was cut."""
    ox = pyoxigraph_module()
    if key == "tsv":
        return tsv
    kept = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    body: bytes = kept.serialize(format=getattr(ox.QueryResultsFormat, _RESULT_FORMATS[key]))
    if truncated and key == "json":
        body = body.replace(b"]}", b'],"link":["' + TRUNCATED_LINK.encode() + b'"]}', 1)
    elif truncated and key == "xml":
        link = b'<link href="' + TRUNCATED_LINK.encode() + b'"/>'
        body = body.replace(b"</head>", link + b"</head>", 1)
    return body


def solutions_document(
    solutions: Any, key: str, max_rows: int, max_bytes: int
) -> tuple[bytes, int, bool]:
    """SELECT solutions in ``key`` (json, xml, csv, tsv) written by the engine, cut to
    ``max_rows`` and to the most leading rows whose document fits ``max_bytes``: the bytes,
    the rows written, whether the answer was cut. The cut is made on the engine's TSV (one
    line a row), which the engine reads back to write the other formats."""
    ox = pyoxigraph_module()
    tsv, stopped = _complete_lines(
        lambda out: solutions.serialize(out, format=ox.QueryResultsFormat.TSV),
        max_rows + 1,  # the header, then one row past the cap
        max_bytes + 1,  # a row's TSV is no longer than in JSON, XML or TSV
    )
    header_end = tsv.index(b"\n") + 1
    if not stopped and tsv.count(b"\n") - 1 <= max_rows:  # every row: no copy of each
        body = _solutions(tsv, key, False)
        if len(body) <= max_bytes:
            return body, tsv.count(b"\n") - 1, False
    rows = tsv[header_end:].splitlines(keepends=True)
    over = stopped or len(rows) > max_rows
    rows = rows[:max_rows]
    body, count = longest_fitting(
        rows,
        lambda kept, cut: _solutions(tsv[:header_end] + b"".join(kept), key, cut or over),
        max_bytes,
        size=(lambda _line: 0) if key == "csv" else len,
    )
    return body, count, over or count < len(rows)


def _triples(lines: Sequence[bytes], key: str, truncated: bool, max_triples: int) -> bytes:
    """The N-Triples ``lines`` written by the engine in ``key``; Turtle with the project's
    prefixes that it uses, and a first line saying when it was cut."""
    ox = pyoxigraph_module()
    nt = b"".join(lines)
    if key == "nt":
        return nt
    fmt = getattr(ox.RdfFormat, _RDF_FORMATS[key])
    prefixes = None
    if key in ("ttl", "rdfxml"):  # the project's prefixes that the answer uses
        prefixes = {p: iri for p, iri in PREFIXES.items() if iri.encode() in nt}
    parsed = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
    body: bytes = ox.serialize(parsed, format=fmt, prefixes=prefixes)
    if truncated and key == "ttl":
        note = f"# truncated: only the first {max_triples} triples of the answer\n"
        body = note.encode() + body
    return body


def triples_document(
    triples: Any, key: str, max_triples: int, max_bytes: int
) -> tuple[bytes, int, bool]:
    """CONSTRUCT or DESCRIBE triples in ``key`` (ttl, nt, jsonld, rdfxml) written by the
    engine, cut to ``max_triples`` and to the most leading triples whose document fits
    ``max_bytes``: the bytes, the triples written, whether it was cut."""
    ox = pyoxigraph_module()
    nt, stopped = _complete_lines(
        lambda out: triples.serialize(out, format=ox.RdfFormat.N_TRIPLES),
        max_triples,
        max_bytes * 4,  # Turtle and JSON-LD can be shorter than N-Triples
    )
    lines = nt.splitlines(keepends=True)
    over = stopped or len(lines) > max_triples
    lines = lines[:max_triples]
    body, count = longest_fitting(
        lines,
        lambda kept, cut: _triples(kept, key, cut or over, len(kept)),
        max_bytes,
        size=len if key == "nt" else (lambda _line: 0),
    )
    return body, count, over or count < len(lines)
