"""Shared helpers for the server tests: start a real ``kg serve`` (uvicorn) on 127.0.0.1
and a free port in a subprocess, wait until it is ready, stop it afterwards."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from lib_helpers import built_once
from rdflib import Literal

REPO = Path(__file__).resolve().parent.parent
SERVER_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "server"
QUERIES = SERVER_FIXTURES / "queries"
GRAPH = "https://w3id.org/kazkgz/graph/"
KK = "https://w3id.org/kazkgz/id/"
#: The tests' HTTP client. Each new httpx client (``httpx.get`` makes one) loads the CA bundle,
#: about 50 ms of CPU, hundreds of times a run; this one is made once. Without keep-alive, each
#: request still opens a connection of its own, as ``httpx.get`` does.
HTTP = httpx.Client(limits=httpx.Limits(max_keepalive_connections=0))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8", errors="replace").splitlines()

    def access_records(
        self, matching: Callable[[dict[str, Any]], bool], timeout: float = 15
    ) -> list[dict[str, Any]]:
        """The access log's records that ``matching`` accepts, waiting up to ``timeout`` s for
        one: the server writes a request's line after it has sent the answer."""
        deadline = time.monotonic() + timeout
        while True:
            lines = [line for line in self.log_lines() if line.startswith("{")]
            found = [r for r in map(json.loads, lines) if matching(r)]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


def by_value(rows: Iterable[Iterable[object]]) -> set[tuple[object, ...]]:
    """``rows`` with each literal as its value, datatype and language: engines write the same
    number in different lexical forms (Oxigraph's decimal 796200000 is rdflib's 796200000.0)."""
    return {
        tuple((t.toPython(), t.datatype, t.language) if isinstance(t, Literal) else t for t in row)
        for row in rows
    }


@contextlib.contextmanager
def running_server(
    tmp: Path, *options: str, command: list[str] | None = None, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """``kg serve`` (default: ``python -m kg.server``) with ``options``, on a free port; the
    store is ``$KG_TEST_STORE`` (default: the server's own, Oxigraph over the built
    dataset) unless ``options`` name one."""
    port = free_port()
    argv = [*(command or [sys.executable, "-m", "kg.server"]), "--port", str(port), *options]
    environment = {
        **os.environ,
        "KG_QUERIES_DIR": str(QUERIES),
        "KG_DIST": str(built_once()),  # what kg serve loads
        **(env or {}),
    }
    store = os.environ.get("KG_TEST_STORE")
    if store and "--store" not in options:
        environment["KG_STORE"] = store
    log = tmp / f"server-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT, env=environment)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: {log.read_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if HTTP.get(f"{url}/health", timeout=2).json()["status"] == "ok":
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {log.read_text()}")
            time.sleep(0.1)
        yield Server(url, process, log)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@dataclass
class Trap:
    """A listening socket on 127.0.0.1 that records every connection made to it (and the first
    bytes sent): a server that never connects out leaves ``seen`` empty."""

    url: str
    seen: list[bytes]


@contextlib.contextmanager
def trap_listener() -> Iterator[Trap]:
    """A :class:`Trap` on a free port, accepting in a thread until the block ends."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    trap = Trap(f"http://127.0.0.1:{listener.getsockname()[1]}", [])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _address = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(0.5)
                try:
                    trap.seen.append(conn.recv(4096) or b"(connected)")
                except OSError:
                    trap.seen.append(b"(connected)")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield trap
    finally:
        time.sleep(0.3)  # a connection made by the last request is accepted before we look
        stop.set()
        thread.join(2)
        listener.close()


def build_oxigraph_store(folder: Path) -> Path:
    """An Oxigraph store in ``folder`` holding the project's asserted graph and its OWL RL
    additions (what ``kg push --store oxigraph`` writes)."""
    from kg import default_sources
    from kg.graph.cache import load_inferred
    from kg.graph.loading import load_graph
    from kg.stores import ASSERTED_GRAPH, INFERRED_GRAPH, OxigraphStore

    sources = default_sources()
    store = OxigraphStore(folder)
    store.replace(ASSERTED_GRAPH, load_graph(paths=sources))
    store.replace(INFERRED_GRAPH, load_inferred(paths=sources))
    store.close()
    return folder
