"""Stores: where the published graph is held and queried. One interface (:class:`Store`),
three implementations: rdflib in memory (the default), Oxigraph on disk, and any remote SPARQL
1.1 endpoint. The saved queries run unchanged on each; parameters are bound as initial bindings
on rdflib and as a VALUES clause elsewhere (:func:`with_values`).

May import: :mod:`kg.queries`, :mod:`kg.graph` and :mod:`kg.core`."""

from __future__ import annotations

from pathlib import Path

from kg.core.errors import UsageError
from kg.core.paths import Sources
from kg.stores.base import (
    ASSERTED_GRAPH,
    GRAPHS,
    INFERRED_GRAPH,
    Data,
    Store,
    result_from_graph,
    result_from_json,
)
from kg.stores.memory import MemoryStore
from kg.stores.oxigraph import OxigraphStore
from kg.stores.remote import RemoteStore, StoreError
from kg.stores.values import with_values

__all__ = [
    "ASSERTED_GRAPH",
    "GRAPHS",
    "INFERRED_GRAPH",
    "STORE_KINDS",
    "Data",
    "MemoryStore",
    "OxigraphStore",
    "RemoteStore",
    "Store",
    "StoreError",
    "load_published",
    "open_store",
    "result_from_graph",
    "result_from_json",
    "with_values",
]

STORE_KINDS = ("memory", "oxigraph", "endpoint")


def open_store(
    kind: str = "memory",
    path: Path | str | None = None,
    endpoint: str | None = None,
    paths: Sources | None = None,
    read_only: bool = False,
    **remote: str | bool | None,
) -> Store:
    """A store by kind: ``memory`` (the project's files, read by rdflib), ``oxigraph`` (the
    folder ``path``) or ``endpoint`` (the SPARQL endpoint ``endpoint``; ``remote`` are the
    other arguments of :class:`RemoteStore`)."""
    if kind == "memory":
        return MemoryStore(paths=paths)
    if kind == "oxigraph":
        if path is None:
            raise UsageError("the oxigraph store needs a folder (--path DIR)")
        return OxigraphStore(path, read_only=read_only)
    if kind == "endpoint":
        if not endpoint:
            raise UsageError("the endpoint store needs a URL (--endpoint URL)")
        return RemoteStore(endpoint, **remote)  # type: ignore[arg-type]
    raise UsageError(f"unknown store {kind!r} (use {', '.join(STORE_KINDS)})")


def load_published(
    store: Store,
    dist: Path | str = "dist",
    which: tuple[str, ...] | None = None,
    graph: str | None = None,
) -> dict[str, int]:
    """Load the published graphs (``dist/<name>.ttl``, written by ``kg build``) into ``store``,
    each into its named graph (:data:`GRAPHS`), or all of them into the one graph ``graph``.
    ``which`` defaults to the asserted and inferred graphs, and the verification layer where it
    was published. Each graph is replaced as a whole (see the store's ``replace``). Returns
    graph IRI → triple count."""
    folder = Path(dist)
    if which is None:
        layer = ("verification",) if (folder / "verification.ttl").is_file() else ()
        which = ("asserted", "inferred", *layer)
    files = []
    for name in which:
        if name not in GRAPHS:
            raise UsageError(f"unknown published graph {name!r} (use {', '.join(GRAPHS)})")
        file = folder / f"{name}.ttl"
        if not file.is_file():
            raise UsageError(f"{file} does not exist: run kg build first")
        files.append((name, file))
    if graph is not None:
        return {graph: store.replace(graph, [file for _name, file in files])}
    return {GRAPHS[name]: store.replace(GRAPHS[name], file) for name, file in files}
