"""Where the on-disk caches live and how their entries are keyed; no RDF library is imported,
so that the command line can find a cached answer before it loads one."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from kg.core.errors import UsageError
from kg.core.versions import package_version

__all__ = ["CLOSURE_KIND", "CLOSURE_LIBRARIES", "cache_dir", "cache_key"]

CLOSURE_KIND = "kazkgz-closure-1"
#: the libraries whose versions a reasoned closure (and anything computed from it) depends on
CLOSURE_LIBRARIES = ("kazkgz", "rdflib", "owlrl", "reasonable")


def cache_dir() -> Path:
    """Where cache entries are kept: ``$KG_CACHE_DIR`` or ``~/.cache/kazkgz``."""
    configured = os.environ.get("KG_CACHE_DIR")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "kazkgz"


def cache_key(
    files: Iterable[Path],
    kind: str = CLOSURE_KIND,
    libraries: Iterable[str] = CLOSURE_LIBRARIES,
) -> str:
    """SHA-256 over ``kind``, the versions of ``libraries`` and the files' bytes (by default:
    the closure's key)."""
    digest = hashlib.sha256(kind.encode())
    for name in libraries:
        digest.update(f"\0{name}={package_version(name)}".encode())
    for file in files:
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {file}: {exc.strerror or exc}") from exc
        digest.update(f"\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
