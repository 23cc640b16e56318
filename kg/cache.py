"""The on-disk cache of the reasoned closure, keyed by a hash of its inputs.

The key is the SHA-256 of the input files' bytes (in order) and of the versions of kazkgz,
rdflib and owlrl, so a changed input or upgraded library is never served a stale closure.
The cache directory is ``$KG_CACHE_DIR``, or ``~/.cache/kazkgz``. Entries are N-Triples
files written atomically.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kg import reasoning
from kg.atomic import atomic_write_bytes
from kg.errors import UsageError
from kg.loading import load_graph
from kg.namespaces import bind_prefixes
from kg.paths import Sources, default_sources
from kg.versions import package_version

__all__ = ["Closure", "cache_dir", "cache_key", "load_inferred", "reason_files"]

_CACHE_FORMAT = "kazkgz-closure-1"


def cache_dir() -> Path:
    """Where closures are cached: ``$KG_CACHE_DIR`` or ``~/.cache/kazkgz``."""
    configured = os.environ.get("KG_CACHE_DIR")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "kazkgz"


def cache_key(files: Iterable[Path]) -> str:
    """SHA-256 over the files' bytes and the versions of kazkgz, rdflib and owlrl."""
    digest = hashlib.sha256(_CACHE_FORMAT.encode())
    for name in ("kazkgz", "rdflib", "owlrl"):
        digest.update(f"\0{name}={package_version(name)}".encode())
    for file in files:
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {file}: {exc.strerror or exc}") from exc
        digest.update(f"\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


@dataclass(frozen=True)
class Closure:
    """The inferred triples of some input files, and whether they came from the cache."""

    inferred: Graph
    from_cache: bool
    key: str
    path: Path | None


def reason_files(
    files: Iterable[Path], directory: Path | None = None, use_cache: bool = True
) -> Closure:
    """Load ``files``, reason over them (see :func:`kg.reasoning.reason`) and cache the
    inferred triples; a second call with the same inputs loads them from the cache."""
    files = [Path(f) for f in files]
    key = cache_key(files)
    entry = (directory or cache_dir()) / f"closure-{key}.nt"
    if use_cache and entry.is_file():
        inferred = bind_prefixes(Graph())
        inferred.parse(entry, format="nt")
        return Closure(inferred, True, key, entry)
    inferred = reasoning.reason(load_graph(paths=files))
    if not use_cache:
        return Closure(inferred, False, key, None)
    try:
        atomic_write_bytes(entry, inferred.serialize(format="nt", encoding="utf-8"))
    except OSError:  # a read-only home still reasons, just without a cache
        return Closure(inferred, False, key, None)
    return Closure(inferred, False, key, entry)


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
