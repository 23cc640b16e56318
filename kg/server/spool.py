"""Large answers go from a query worker to the HTTP process through a file, not the pipe.

The worker writes a document over :data:`SPOOL_THRESHOLD` bytes into its parent's spool
folder and sends the file's path; the HTTP process opens the file, removes its name at once
and streams it to the client in :data:`CHUNK` byte pieces, each sent only when the client has
taken the last (uvicorn waits while its write buffer is full). So a client that never reads
holds one piece in the HTTP process, not the answer, and the worker is free at once."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO

import anyio

__all__ = [
    "CHUNK",
    "SPOOL_THRESHOLD",
    "open_spooled",
    "read_spooled",
    "remove_spool",
    "spool",
    "spool_folder",
    "stream",
]

SPOOL_THRESHOLD = 256 * 1024
"""Documents larger than this go through a file; smaller ones through the pipe (and may be
kept by the answer cache)."""

CHUNK = 64 * 1024
"""The piece of a spooled document sent at a time."""


def spool_folder(pid: int | None = None) -> Path:
    """The spool folder of the HTTP process ``pid`` (default: this process)."""
    return Path(tempfile.gettempdir()) / f"kg-answers-{os.getpid() if pid is None else pid}"


def remove_spool() -> None:
    """Remove this process's spool folder and whatever is left in it."""
    shutil.rmtree(spool_folder(), ignore_errors=True)


def spool(body: bytes, server: int) -> str | None:
    """In a worker: ``body`` written to a new file in the spool folder of the HTTP process
    ``server``, and the file's path; None when it is small or cannot be written (it then goes
    by the pipe)."""
    if len(body) <= SPOOL_THRESHOLD:
        return None
    try:
        handle, name = tempfile.mkstemp(suffix=".answer", dir=spool_folder(server))
    except OSError:
        return None
    with os.fdopen(handle, "wb") as file:
        file.write(body)
    return name


def open_spooled(path: str) -> BinaryIO:
    """The spooled file at ``path``, opened for reading, its name already removed (the file
    goes when it is closed)."""
    spooled = Path(path)
    file = spooled.open("rb")  # closed by stream() or the caller
    spooled.unlink(missing_ok=True)
    return file


def read_spooled(path: str) -> bytes:
    """A spooled document's bytes (for a page that renders the whole answer)."""
    with open_spooled(path) as file:
        return file.read()


async def stream(file: BinaryIO) -> AsyncIterator[bytes]:
    """``file`` in :data:`CHUNK` byte pieces, read off the event loop; closed at the end,
    or when the client goes away."""
    try:
        while chunk := await anyio.to_thread.run_sync(file.read, CHUNK):
            yield chunk
    finally:
        file.close()
