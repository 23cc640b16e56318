"""The servers of the endpoint benchmark, each on 127.0.0.1 and a free port, serving the same
published graph: ``kg serve`` (answer cache on; off; off on its Oxigraph store), Virtuoso's
SPARQL endpoint, rdflib-endpoint and a minimal Starlette app over pyoxigraph. Each is a
context manager that waits until the server answers and stops it (and its children) at the
end, even on failure."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from kg.core.paths import default_sources
from kg.publishing.build import build
from kg.stores.base import ASSERTED_GRAPH
from tests.stores.virtuoso import free_port, push_args
from tests.stores.virtuoso import running as running_virtuoso

__all__ = ["SERVERS", "Endpoint", "Published", "missing", "publish", "start"]

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# name -> what it is (the order of the interleaved runs)
SERVERS = {
    "kg": "kg serve (Oxigraph over the built dataset), answer cache on (the default), "
    "2 query workers and 1 for saved queries",
    "kg-nocache": "kg serve (Oxigraph over the built dataset), answer cache off, "
    "2 query workers and 1 for saved queries",
    "kg-memory": "kg serve --store memory (rdflib), answer cache off, 2 query workers and 1 "
    "for saved queries",
    "virtuoso": "Virtuoso 7 SPARQL endpoint (Debian's virtuoso-opensource)",
    "rdflib-endpoint": "rdflib-endpoint (PyPI), one process",
    "starlette-oxigraph": "benchmarks/peers/oxigraph_app.py: Starlette over pyoxigraph, "
    "2 uvicorn workers",
}


@dataclass(frozen=True)
class Published:
    """The published graph (``kg build``)."""

    dist: Path

    @property
    def asserted(self) -> Path:
        return self.dist / "asserted.ttl"


@dataclass(frozen=True)
class Endpoint:
    """A running server: where its SPARQL endpoint is, what every query URL must carry (the
    default graph), and, for ``kg serve``, where its saved queries are."""

    name: str
    sparql: str
    params: tuple[tuple[str, str], ...] = ()
    saved: str | None = None


def missing(name: str) -> str | None:
    """Why the server ``name`` cannot run here, or None."""
    if name == "virtuoso" and shutil.which("virtuoso-t") is None:
        return "virtuoso-t is not installed (sh tools/system-packages.sh as root)"
    if name == "rdflib-endpoint" and not (BIN / "rdflib-endpoint").is_file():
        return "rdflib-endpoint is not installed (pip install -e '.[bench]')"
    return None


def publish(work: Path) -> Published:
    """``kg build`` into ``work/dist``."""
    dist = work / "dist"
    build(dist, paths=default_sources(ROOT))
    return Published(dist)


def _kg(*args: str) -> None:
    subprocess.run(  # noqa: S603 (our own interpreter and command)
        [sys.executable, "-m", "kg", "-q", *args], check=True, capture_output=True, cwd=ROOT
    )


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (127.0.0.1)
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def _process(
    argv: list[str], ready: str, log: Path, env: dict[str, str] | None = None
) -> Iterator[None]:
    """Run ``argv`` in a session of its own until ``ready`` answers 200; stop the session."""
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and installed commands)
            argv,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            cwd=ROOT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 180
        while not _answers(ready):
            if process.poll() is not None:
                tail = log.read_text(errors="replace")[-1500:]
                raise RuntimeError(f"{argv[0]} exited ({process.returncode}): {tail}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(argv[:3])} did not answer {ready} in 180 s")
            time.sleep(0.2)
        yield
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


@contextlib.contextmanager
def _kg_serve(name: str, published: Published, work: Path) -> Iterator[Endpoint]:
    port = free_port()
    argv = [sys.executable, "-m", "kg.server", "--port", str(port), "--workers", "2"]
    argv += ["--dist", str(published.dist)]
    env = {}
    if name != "kg":
        env["KG_CACHE_ENTRIES"] = "0"
    if name == "kg-memory":
        argv += ["--store", "memory"]
    base = f"http://127.0.0.1:{port}"
    with _process(argv, f"{base}/health", work / f"{name}.log", env):
        yield Endpoint(name, f"{base}/sparql", saved=f"{base}/queries")


@contextlib.contextmanager
def _virtuoso(name: str, published: Published, work: Path) -> Iterator[Endpoint]:
    with running_virtuoso(work / "virtuoso", http_threads=16) as server:
        _kg(*push_args(server, published.dist, "--which", "asserted"))
        yield Endpoint(name, server.sparql, params=(("default-graph-uri", ASSERTED_GRAPH),))


@contextlib.contextmanager
def _rdflib_endpoint(name: str, published: Published, work: Path) -> Iterator[Endpoint]:
    port = free_port()
    argv = [str(BIN / "rdflib-endpoint"), "serve", str(published.asserted)]
    argv += ["--host", "127.0.0.1", "--port", str(port)]
    base = f"http://127.0.0.1:{port}"
    with _process(argv, f"{base}/?query=ASK%7B%7D", work / f"{name}.log"):
        yield Endpoint(name, f"{base}/")


@contextlib.contextmanager
def _starlette_oxigraph(name: str, published: Published, work: Path) -> Iterator[Endpoint]:
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "benchmarks.peers.oxigraph_app:app"]
    argv += ["--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    argv += ["--no-access-log", "--log-level", "warning"]
    base = f"http://127.0.0.1:{port}"
    env = {"KG_BENCH_DATA": str(published.asserted)}
    with _process(argv, f"{base}/sparql?query=ASK%7B%7D", work / f"{name}.log", env):
        yield Endpoint(name, f"{base}/sparql")


_STARTERS: dict[str, Callable[[str, Published, Path], AbstractContextManager[Endpoint]]] = {
    "kg": _kg_serve,
    "kg-nocache": _kg_serve,
    "kg-memory": _kg_serve,
    "virtuoso": _virtuoso,
    "rdflib-endpoint": _rdflib_endpoint,
    "starlette-oxigraph": _starlette_oxigraph,
}


def start(name: str, published: Published, work: Path) -> AbstractContextManager[Endpoint]:
    """The server ``name`` (one of :data:`SERVERS`) serving ``published``, logs in ``work``."""
    return _STARTERS[name](name, published, work)
