"""The HTTP process's memory when clients ask for large answers and never read them.

    python -m benchmarks slow-clients [--clients 64] [--steps 26] [--caps 16777216,200000000]

The project is built into a temporary folder; for each byte cap, a ``kg serve`` on it (2
workers, answer cache off, a time limit long enough for every query to run) is started;
``--clients`` sockets each send the ``--steps``-step ``BIND(CONCAT(?v, ?v))`` chain
(2**(steps + 1) characters in all: about 134 MB for 26 steps) with a text of their own, read
the status line of the answer and nothing more. The HTTP process's resident memory
(``VmRSS``) is sampled every 0.1 s from before the first request
until every client has its status line and the workers are idle again, then for
``--settle`` seconds more. Written to benchmarks/results/slow-clients.json: per cap, the
memory before, the peak, the peak's growth, the statuses and how long it took.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kg.core.paths import default_sources
from kg.publishing.build import build

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "slow-clients.json"


@dataclass(frozen=True)
class Figure:
    """One cap's run: memory in MiB, statuses by code, seconds."""

    max_bytes: int
    clients: int
    steps: int
    answer_bytes: int
    rss_before_mib: float
    rss_peak_mib: float
    growth_mib: float
    statuses: dict[str, int]
    seconds: float


def chain(steps: int, client: int) -> str:
    """The answer-heavy query: ``steps`` doublings of one character (client's own text)."""
    binds = " ".join(f"BIND (CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(steps))
    return f'SELECT * WHERE {{ BIND ("a" AS ?v0) {binds} }} # client {client}'


def rss_mib(pid: int) -> float:
    """The resident memory of process ``pid`` in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _health(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/health", timeout=5) as answer:  # noqa: S310 - ours
        found: dict[str, Any] = json.loads(answer.read())
        return found


@contextlib.contextmanager
def _server(max_bytes: int, dist: Path, log: Path) -> Iterator[tuple[str, int]]:
    port = _free_port()
    argv = [sys.executable, "-m", "kg.server", "--port", str(port), "--workers", "2"]
    argv += ["--dist", str(dist)]
    argv += ["--max-bytes", str(max_bytes), "--timeout", "600"]
    env = {**os.environ, "KG_CACHE_ENTRIES": "0"}
    with log.open("wb") as sink:
        process = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT, env=env)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError, ValueError):
                if _health(url)["status"] == "ok":
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {log.read_text()}")
            time.sleep(0.2)
        yield url, process.pid
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def measure(
    max_bytes: int, clients: int, steps: int, settle: float, dist: Path, log: Path
) -> Figure:
    """One cap's run on the graphs built into ``dist`` (see the module's description)."""
    with _server(max_bytes, dist, log) as (url, pid):
        port = int(url.rsplit(":", 1)[1])
        before = peak = rss_mib(pid)
        started = time.monotonic()
        sockets = []
        for client in range(clients):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.setblocking(False)
            sock.sendall(
                f"GET /sparql?query={quote(chain(steps, client))} HTTP/1.1\r\n"
                "Host: 127.0.0.1\r\nAccept: application/sparql-results+json\r\n\r\n".encode()
            )
            sockets.append(sock)
        statuses: dict[int, str] = {}
        settled_at: float | None = None
        while True:
            peak = max(peak, rss_mib(pid))
            for index, sock in enumerate(sockets):
                if index not in statuses:
                    with contextlib.suppress(BlockingIOError):
                        statuses[index] = sock.recv(12).decode(errors="replace")[9:12]
            done = len(statuses) == clients and _health(url)["workers"]["idle"] >= 2
            if done and settled_at is None:
                settled_at = time.monotonic()
            if settled_at is not None and time.monotonic() - settled_at > settle:
                break
            time.sleep(0.1)
        seconds = time.monotonic() - started
        for sock in sockets:
            sock.close()
    return Figure(
        max_bytes=max_bytes,
        clients=clients,
        steps=steps,
        answer_bytes=2 ** (steps + 1),
        rss_before_mib=round(before, 1),
        rss_peak_mib=round(peak, 1),
        growth_mib=round(peak - before, 1),
        statuses=dict(Counter(statuses.values())),
        seconds=round(seconds, 1),
    )


def add_arguments(sub: Any) -> None:
    """The ``slow-clients`` command of ``python -m benchmarks``."""
    p = sub.add_parser("slow-clients", help="the HTTP process's memory under non-reading clients")
    p.add_argument("--clients", type=int, default=64, help="non-reading clients (default 64)")
    p.add_argument("--steps", type=int, default=26, help="doublings in the chain (default 26)")
    p.add_argument(
        "--caps",
        default="16777216,200000000",
        help="byte caps to run with, comma-separated (default: the server's, and one above "
        "the 26-step answer)",
    )
    p.add_argument("--settle", type=float, default=3, help="seconds sampled after (default 3)")
    p.add_argument(
        "--dist",
        type=Path,
        help="a folder that kg build already wrote (default: build the project into a "
        "temporary one)",
    )
    p.add_argument("--out", type=Path, default=RESULTS, help="where to write the figures")


def main(args: argparse.Namespace, say: Callable[[str], None]) -> None:
    """Run every cap and write the figures."""
    figures = []
    args.out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="kazkgz-slow-clients-"))
    dist = args.dist or work
    try:
        if args.dist is None:
            build(work, paths=default_sources(ROOT))
        for cap in (int(c) for c in args.caps.split(",")):
            log = args.out.parent / f"slow-clients-{cap}.log"
            figure = measure(cap, args.clients, args.steps, args.settle, dist, log)
            log.unlink(missing_ok=True)
            figures.append(asdict(figure))
            say(
                f"max-bytes {cap}: {figure.clients} clients, HTTP process "
                f"{figure.rss_before_mib} -> peak {figure.rss_peak_mib} MiB "
                f"(+{figure.growth_mib}), statuses {figure.statuses}, {figure.seconds} s"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    document = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count()},
        "figures": figures,
    }
    args.out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    say(f"wrote {args.out}")
