"""Files on disk: atomic writes (a temporary file in the same directory, renamed over), and
where the on-disk caches live and how their entries are keyed. No RDF library is imported, so
that the command line can find a cached answer before it loads one."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from kg.core.errors import UsageError
from kg.core.settings import package_version

__all__ = [
    "CLOSURE_KIND",
    "CLOSURE_LIBRARIES",
    "atomic_open",
    "atomic_write_bytes",
    "atomic_write_text",
    "cache_dir",
    "cache_key",
]

# ---------------------------------------------------------------- atomic writes


@contextlib.contextmanager
def atomic_open(path: Path | str) -> Iterator[IO[bytes]]:
    """Open a temporary file next to ``path`` for binary writing; on success it replaces
    ``path`` in one step (``os.replace``); on error it is removed and ``path`` is untouched."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o644)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path."""
    with atomic_open(path) as handle:
        handle.write(data)
    return Path(path)


def atomic_write_text(path: Path | str, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; returns the path."""
    return atomic_write_bytes(path, text.encode("utf-8"))


# ---------------------------------------------------------------- cache keys

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
