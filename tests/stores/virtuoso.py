"""Virtuoso Open Source (Debian's virtuoso-opensource) for the tests: a server of its own on
127.0.0.1 and free ports, with its database in a temporary folder, started once per session.

The account is the package's default, dba/dba; the Graph Store endpoint that takes writes is
``/sparql-graph-crud-auth`` and the SPARQL endpoint that takes updates ``/sparql-auth``, both
behind HTTP Digest authentication."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

USER = PASSWORD = "dba"  # noqa: S105 (the Debian package's default account, on 127.0.0.1)

_INI = """\
[Database]
DatabaseFile    = {db}/virtuoso.db
ErrorLogFile    = {db}/virtuoso.log
LockFile        = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel   = 7
FileExtend      = 200
Striping        = 0
TempStorage     = TempDatabase

[TempDatabase]
DatabaseFile    = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping        = 0

[Parameters]
ServerPort         = 127.0.0.1:{sql}
DisableUnixSocket  = 1
CheckpointInterval = 60
CaseMode           = 2
DirsAllowed        = ., {db}
NumberOfBuffers    = {buffers}
MaxDirtyBuffers    = {dirty}
ThreadsPerQuery    = 2

[HTTPServer]
ServerPort           = 127.0.0.1:{http}
ServerRoot           = {db}
ServerThreads        = {threads}
MaxClientConnections = {threads}
Charset              = UTF-8
EnabledGzipContent   = 0

[SPARQL]
ResultSetMaxRows        = {max_rows}
MaxQueryExecutionTime   = {max_seconds}
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running server: its SPARQL, authenticated SPARQL and Graph Store URLs, and the
    server's process id."""

    http: int
    sql: int
    folder: Path
    pid: int = 0

    @property
    def sparql(self) -> str:
        return f"http://127.0.0.1:{self.http}/sparql"

    @property
    def sparql_auth(self) -> str:
        return f"http://127.0.0.1:{self.http}/sparql-auth"

    @property
    def gsp(self) -> str:
        return f"http://127.0.0.1:{self.http}/sparql-graph-crud-auth"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=2) as response:  # noqa: S310
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def running(
    folder: Path,
    timeout: float = 90.0,
    buffers: int = 10000,
    max_rows: int = 100000,
    max_seconds: int = 60,
    http_threads: int = 4,
) -> Iterator[Virtuoso]:
    """Start ``virtuoso-t`` in the foreground with its database in ``folder`` (a new one, or
    the one already there), wait until ``/sparql`` answers, and stop it (SIGTERM, then SIGKILL)
    at the end. ``buffers``: its page cache in 8 KiB pages; ``max_rows`` and ``max_seconds``:
    the limits of a SPARQL answer; ``http_threads``: its HTTP threads (and as many client
    connections)."""
    folder.mkdir(parents=True, exist_ok=True)
    sql, http = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    settings = {"buffers": buffers, "dirty": buffers * 3 // 5, "max_rows": max_rows}
    text = _INI.format(
        db=folder, sql=sql, http=http, max_seconds=max_seconds, threads=http_threads, **settings
    )
    ini.write_text(text, encoding="utf-8")
    log = (folder / "stdout.log").open("wb")
    process = subprocess.Popen(
        ["virtuoso-t", "-f", "-c", str(ini)],  # noqa: S607 (the Debian package's binary)
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Virtuoso(http=http, sql=sql, folder=folder, pid=process.pid)
    try:
        deadline = time.monotonic() + timeout
        while not _answers(server.sparql):
            if process.poll() is not None:
                raise RuntimeError(
                    f"virtuoso-t exited ({process.returncode}): "
                    + (folder / "stdout.log").read_text(errors="replace")[-2000:]
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"Virtuoso did not answer within {timeout} s")
            time.sleep(0.5)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def push_args(server: Virtuoso, dist: Path, *extra: str) -> list[str]:
    """The arguments of ``kg push`` that load the published files in ``dist`` into ``server``
    (its Graph Store endpoint, with Digest authentication), then ``extra``."""
    return [
        "push",
        "--dist",
        str(dist),
        "--endpoint",
        server.sparql,
        "--update",
        server.sparql_auth,
        "--gsp",
        server.gsp,
        "--user",
        USER,
        "--password",
        PASSWORD,
        "--digest",
        *extra,
    ]
