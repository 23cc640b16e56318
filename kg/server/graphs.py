"""The graphs the server holds, their IRIs, and the version of the whole (a hash of the
input files) that keys ETags and caches."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from rdflib import Graph, URIRef

from kg.core.namespaces import BASE, bind_prefixes
from kg.core.paths import Sources
from kg.graph.cache import cache_key, load_inferred
from kg.graph.loading import load_graph

__all__ = [
    "GRAPH_BASE",
    "GRAPH_IRIS",
    "Background",
    "HeldGraphs",
    "graph_name",
    "input_files",
    "load_held_graphs",
]

T = TypeVar("T")

GRAPH_BASE = BASE + "graph/"
# name -> IRI of every graph the server holds; nothing else is ever loaded
GRAPH_IRIS: dict[str, str] = {
    name: GRAPH_BASE + name
    for name in ("asserted", "inferred", "shapes", "reference", "verification")
}


def graph_name(iri: str) -> str | None:
    """The name of the held graph with this IRI, or None."""
    return next((name for name, known in GRAPH_IRIS.items() if known == iri.strip()), None)


@dataclass(frozen=True)
class HeldGraphs:
    """The five graphs: ``asserted`` (ontology + article), ``inferred`` (only the triples the
    OWL RL closure adds), ``shapes`` (SHACL), ``reference`` (the reference layer) and
    ``verification`` (what independent sources say of the article's facts)."""

    asserted: Graph
    inferred: Graph
    shapes: Graph
    reference: Graph
    verification: Graph

    def by_name(self, name: str) -> Graph:
        return {
            "asserted": self.asserted,
            "inferred": self.inferred,
            "shapes": self.shapes,
            "reference": self.reference,
            "verification": self.verification,
        }[name]

    def counts(self) -> dict[str, int]:
        return {name: len(self.by_name(name)) for name in GRAPH_IRIS}


def load_held_graphs(sources: Sources) -> HeldGraphs:
    """Load the five graphs from ``sources``; the closure comes from the library's cache."""
    asserted = load_graph(paths=sources)
    inferred = load_inferred(paths=sources)
    shapes = load_graph(paths=sources.shapes) if sources.shapes else bind_prefixes(Graph())
    reference = load_graph(paths=sources.reference) if sources.reference else bind_prefixes(Graph())
    verification = (
        load_graph(paths=sources.verification) if sources.verification else bind_prefixes(Graph())
    )
    return HeldGraphs(asserted, inferred, shapes, reference, verification)


class Background(Generic[T]):
    """What ``load`` returns, computed in a background thread from :meth:`start` on, so that
    a server answers queries (which its workers run) before what its pages read is ready;
    :meth:`get` waits for it."""

    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._value: T | None = None
        self._error: BaseException | None = None

    def _run(self) -> None:
        try:
            self._value = self._load()
        except BaseException as exc:  # reported to every caller of get()
            self._error = exc

    def start(self) -> None:
        """Begin loading (once)."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="kg-loading", daemon=True)
                self._thread.start()

    def get(self) -> T:
        """The value, once computed (the loading's error, if it failed)."""
        self.start()
        assert self._thread is not None  # noqa: S101 - set by start()
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def input_files(sources: Sources) -> list[Path]:
    """Every file whose content the server's answers depend on."""
    files = [*sources.graph_files(include_reference=True), *sources.verification, *sources.shapes]
    if sources.queries_dir is not None and sources.queries_dir.is_dir():
        files += sorted(sources.queries_dir.glob("*.rq"))
    if sources.article_text is not None and sources.article_text.is_file():
        files.append(sources.article_text)
    return files


def graph_version(sources: Sources) -> str:
    """A hash of the input files (and the library versions): the graph's version."""
    return cache_key(input_files(sources))


def iri(name: str) -> URIRef:
    return URIRef(GRAPH_IRIS[name])
