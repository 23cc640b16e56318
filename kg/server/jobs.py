"""What the HTTP process sends a query worker and gets back: a job (an ad hoc query or a
saved query by name), the reply, and what both engines read from an ad hoc query's text
before running it (its dataset, SERVICE)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.sparql import Query

from kg.core.namespaces import PREFIXES
from kg.core.paths import Sources
from kg.queries import execution
from kg.queries.metadata import SavedQuery, uses_service
from kg.server.negotiation import Offer, UnknownFormat, choose
from kg.server.safety import Refused, check_graph_iris, dataset_clause, normalised_query

__all__ = [
    "Dataset",
    "EngineSource",
    "JobHandler",
    "ParsedQueries",
    "Reply",
    "SavedJob",
    "SavedQueries",
    "SparqlJob",
    "acceptable",
    "chosen_dataset",
]


@dataclass(frozen=True)
class EngineSource:
    """Where a worker's engine finds the graphs: the built dataset file (``dataset``, loaded
    into an in-memory Oxigraph store), an on-disk Oxigraph store (``store_path``), or,
    with neither, the sources read by rdflib."""

    dataset: Path | None = None
    store_path: Path | None = None

    @property
    def oxigraph(self) -> bool:
        return self.dataset is not None or self.store_path is not None


@dataclass(frozen=True)
class SparqlJob:
    """An ad hoc query with the protocol's dataset parameters (graph IRIs)."""

    text: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    inferred: bool = False
    accept: str | None = None
    format: str | None = None
    max_rows: int = 10_000
    max_bytes: int = 16_777_216


@dataclass(frozen=True)
class SavedJob:
    """A saved query by name, with its parameters as text."""

    name: str
    params: tuple[tuple[str, str], ...] = ()
    inferred: bool = False
    accept: str | None = None
    format: str | None = None
    max_rows: int = 10_000
    max_bytes: int = 16_777_216


@dataclass(frozen=True)
class Reply:
    """What a worker sends back: a document, or an error (``kind`` and ``message``)."""

    status: int
    body: bytes = b""
    media_type: str = "text/plain; charset=utf-8"
    rows: int | None = None
    truncated: bool = False
    kind: str | None = None
    message: str | None = None
    query_type: str | None = None
    retry_after: int | None = None
    path: str | None = None
    """Where the document is, when it went through a file (:mod:`kg.server.spool`)."""

    @classmethod
    def error(cls, status: int, kind: str, message: str) -> Reply:
        return cls(status=status, kind=kind, message=message)

    @classmethod
    def memory_limit(cls, memory_mb: int) -> Reply:
        """The refusal of a query that reached a worker's memory limit."""
        return cls.error(
            503, "memory-limit", f"the query reached the memory limit ({memory_mb} MiB)"
        )

    def with_retry(self, seconds: int) -> Reply:
        """This reply, telling the client to retry after ``seconds``."""
        return replace(self, retry_after=seconds)


class JobHandler:
    """What answers jobs in a worker: :meth:`handle` sends each job to :meth:`saved_job` or
    :meth:`sparql_job` and turns a refusal into its error reply."""

    def saved_job(self, job: SavedJob) -> Reply:
        raise NotImplementedError

    def sparql_job(self, job: SparqlJob) -> Reply:
        raise NotImplementedError

    def clear(self) -> None:
        """Forget what can be rebuilt (after a memory error)."""

    def handle(self, job: SparqlJob | SavedJob) -> Reply:
        try:
            if isinstance(job, SavedJob):
                return self.saved_job(job)
            return self.sparql_job(job)
        except Refused as exc:
            return Reply.error(exc.status, exc.kind, exc.message)
        except UnknownFormat as exc:
            return Reply.error(400, "unknown-format", str(exc))
        except RecursionError:
            return Reply.error(400, "too-deep", "the query is nested too deeply to evaluate")


@dataclass(frozen=True)
class ParsedQuery:
    """An ad hoc query: the normalised text that is checked and run, its parse, and what
    the checks read from it before it runs."""

    text: str
    query: Query
    service: bool
    from_iris: tuple[str, ...]
    from_named_iris: tuple[str, ...]


PARSED_ENTRIES = 64
PARSED_MAX_LENGTH = 8000
"""How many parsed query texts a worker keeps, and how long each may be (a bound on the
memory they take, well under the worker's limit)."""


@dataclass
class ParsedQueries:
    """Ad hoc query texts normalised (:func:`~kg.server.safety.normalised_query`: the text
    every engine runs), parsed and their SERVICE and dataset clauses read; kept for the last
    :data:`PARSED_ENTRIES` texts of at most :data:`PARSED_MAX_LENGTH` characters (a refused
    text is parsed each time)."""

    _parsed: dict[str, ParsedQuery] = field(default_factory=dict)

    def parsed(self, text: str) -> ParsedQuery:
        found = self._parsed.get(text)
        if found is None:
            normal = normalised_query(text)
            prepared = _prepare(normal)
            algebra = prepared.algebra
            found = ParsedQuery(normal, prepared, uses_service(algebra), *dataset_clause(algebra))
            if len(text) <= PARSED_MAX_LENGTH:
                if len(self._parsed) >= PARSED_ENTRIES:
                    self._parsed.pop(next(iter(self._parsed)))
                self._parsed[text] = found
        return found

    def clear(self) -> None:
        self._parsed.clear()


def _prepare(text: str) -> Query:
    try:
        return prepareQuery(text, initNs=PREFIXES)
    except RecursionError:
        raise
    except Exception as exc:  # pyparsing and rdflib raise several types
        message = str(exc) or type(exc).__name__
        try:
            parseUpdate(text)
        except Exception:  # not an update either: report the query parser's message
            raise Refused(400, "syntax", f"SPARQL syntax error: {message}") from exc
        raise Refused(
            403,
            "update",
            "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, "
            "CREATE, DROP ...) is refused",
        ) from exc


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a query runs on, by held graph names: the default graph merges
    ``defaults`` (``inferred`` there means asserted + inferred), the named graphs are
    ``named``. ``server_default`` when neither the protocol nor the query chose one."""

    defaults: tuple[str, ...]
    named: tuple[str, ...]
    server_default: bool = False


def chosen_dataset(
    job: SparqlJob,
    parsed: ParsedQuery | None,
    held: tuple[str, ...],
    inferred: bool = False,
) -> Dataset:
    """The dataset of ``job``: the protocol's graphs override the query's FROM clauses (read
    from ``parsed``; None for a query that has none); without either, the asserted graph and
    every graph in ``held`` as named graphs; the inferred graph joins the default one when
    the job or ``inferred`` (the query's header) asks. SERVICE and unknown graphs are
    :class:`Refused`."""
    if parsed is not None and parsed.service:
        raise Refused(403, "service", "SERVICE is refused: this endpoint never fetches")
    from_defaults = check_graph_iris(parsed.from_iris if parsed else (), "FROM")
    from_named = check_graph_iris(parsed.from_named_iris if parsed else (), "FROM NAMED")
    protocol_defaults = check_graph_iris(job.default_graphs, "default-graph-uri")
    protocol_named = check_graph_iris(job.named_graphs, "named-graph-uri")
    if protocol_defaults or protocol_named:  # the protocol overrides the query
        defaults, named, server = protocol_defaults, protocol_named, False
    elif from_defaults or from_named:
        defaults, named, server = from_defaults, from_named, False
    else:
        defaults, named, server = ("asserted",), held, True
    if (job.inferred or inferred) and "inferred" not in defaults:
        defaults = (*defaults, "inferred")
    return Dataset(defaults, named, server)


@dataclass
class SavedQueries:
    """The saved queries of ``sources``, each read again only when its file has changed."""

    sources: Sources
    _found: dict[str, tuple[SavedQuery, tuple[int, int] | None]] = field(default_factory=dict)

    def get(self, name: str) -> SavedQuery:
        """The saved query ``name`` (:class:`~kg.core.errors.UnknownQueryError` if none)."""
        cached = self._found.get(name)
        if cached is not None and _stamp(cached[0].path) == cached[1]:
            return cached[0]
        query = execution.get_query(name, self.sources)
        self._found[name] = (query, _stamp(query.path))
        return query


def _stamp(path: Path | None) -> tuple[int, int] | None:
    """When and how big the file at ``path`` is: a changed file gets another stamp."""
    try:
        stat = path.stat() if path is not None else None
    except OSError:
        return None
    return None if stat is None else (stat.st_mtime_ns, stat.st_size)


def acceptable(accept: str | None, fmt: str | None, kind: str, offers: tuple[Offer, ...]) -> Offer:
    """The offer for a ``kind`` answer that the ``format`` parameter or Accept header
    chooses; :class:`Refused` (406) naming the available types when none is acceptable."""
    offer = choose(accept, fmt, offers)
    if offer is None:
        wanted = fmt or accept or ""
        types = ", ".join(o.media_type for o in offers)
        raise Refused(
            406, "not-acceptable", f"a {kind} answer cannot be sent as {wanted}; available: {types}"
        )
    return offer
