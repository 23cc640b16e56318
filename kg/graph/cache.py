"""The on-disk cache of what costs time, keyed by a hash of its inputs: the reasoned closure,
the parsed asserted graph, and (see :mod:`kg.graph.validation`) the SHACL validation report.

The key is the SHA-256 of the input files' bytes (in order) and of the versions of kazkgz and
of the libraries that compute the entry, so a changed input or upgraded library is never served
a stale entry. The cache directory is ``$KG_CACHE_DIR``, or ``~/.cache/kazkgz``. Entries are
written atomically: the closure and the validation report as N-Triples; the asserted graph as
a pickle of the rdflib graph (six times faster to load than its Turtle), read only from a
cache directory and file that belong to the current user and that no one else may write.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kg.core.errors import UsageError
from kg.core.files import CLOSURE_KIND, atomic_write_bytes, cache_dir, cache_key
from kg.core.namespaces import bind_prefixes
from kg.core.paths import Sources, default_sources
from kg.core.settings import resolve_engine
from kg.graph.loading import load_graph

__all__ = [
    "Closure",
    "cache_dir",
    "cache_key",
    "load_asserted",
    "load_inferred",
    "reason_files",
]

_ASSERTED_FORMAT = f"kazkgz-asserted-1-pickle{pickle.HIGHEST_PROTOCOL}-py{sys.version_info[:2]}"


@dataclass(frozen=True)
class Closure:
    """The inferred triples of some input files, the engine that computed them, and whether
    they came from the cache."""

    inferred: Graph
    from_cache: bool
    key: str
    path: Path | None
    engine: str


def reason_files(
    files: Iterable[Path],
    directory: Path | None = None,
    use_cache: bool = True,
    engine: str | None = None,
    asserted: Graph | None = None,
) -> Closure:
    """Load ``files`` (or take ``asserted``, their parsed union), reason over them with
    ``engine`` (see :func:`kg.graph.reasoning.reason`) and cache the inferred triples; a second call
    with the same inputs and engine loads them from the cache."""
    files = [Path(f) for f in files]
    engine = resolve_engine(engine)
    key = cache_key(files, f"{CLOSURE_KIND}\0{engine}")
    entry = (directory or cache_dir()) / f"closure-{key}.nt"
    if use_cache and entry.is_file():
        inferred = bind_prefixes(Graph())
        inferred.parse(entry, format="nt")
        return Closure(inferred, True, key, entry, engine)
    from kg.graph import reasoning  # owlrl is imported only when a closure is computed

    inferred = reasoning.reason(load_graph(paths=files) if asserted is None else asserted, engine)
    if not use_cache:
        return Closure(inferred, False, key, None, engine)
    try:
        atomic_write_bytes(entry, inferred.serialize(format="nt", encoding="utf-8"))
    except OSError:  # a read-only home still reasons, just without a cache
        return Closure(inferred, False, key, None, engine)
    return Closure(inferred, False, key, entry, engine)


def load_inferred(
    include_reference: bool = False,
    paths: Sources | None = None,
    directory: Path | None = None,
    use_cache: bool = True,
) -> Graph:
    """The inferred triples of the project's graph (cached on disk)."""
    sources = default_sources() if paths is None else paths
    files = sources.graph_files(include_reference)
    if not files:
        raise UsageError("no ontology or graph files found (set KG_HOME to the project root)")
    return reason_files(files, directory, use_cache).inferred


def _owned_by_me(path: Path) -> bool:
    """The file and its directory belong to the current user and no one else may write them."""
    try:
        for item in (path.parent, path):
            info = item.stat()
            if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return False
    except OSError:
        return False
    return True


def load_asserted(
    include_reference: bool = False,
    paths: Sources | None = None,
    directory: Path | None = None,
    use_cache: bool = True,
) -> Graph:
    """The asserted graph of the project's files (as :func:`kg.graph.loading.load_graph`), from a
    cached pickle when the files are unchanged. The caller gets its own copy to change."""
    sources = default_sources() if paths is None else paths
    files = list(sources.graph_files(include_reference))
    if not files:
        raise UsageError("no ontology or graph files found (set KG_HOME to the project root)")
    if not use_cache:
        return load_graph(paths=files)
    key = cache_key(files, _ASSERTED_FORMAT, ("kazkgz", "rdflib"))
    entry = (directory or cache_dir()) / f"asserted-{key}.pickle"
    if entry.is_file() and _owned_by_me(entry):
        data = entry.read_bytes()
        gc.disable()  # unpickling allocates many small objects: no collection passes meanwhile
        try:
            graph = pickle.loads(data)  # noqa: S301 (our own file, checked above)
        except Exception:  # a damaged entry is recomputed and replaced
            graph = None
        finally:
            gc.enable()
        if isinstance(graph, Graph):
            return graph
    graph = load_graph(paths=files)
    # a read-only home still loads, without a cache
    with contextlib.suppress(OSError, pickle.PicklingError):
        atomic_write_bytes(entry, pickle.dumps(graph, protocol=pickle.HIGHEST_PROTOCOL))
    return graph
