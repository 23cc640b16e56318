"""Run the server with uvicorn: :func:`serve`, and ``python -m kg.server``."""

from __future__ import annotations

import argparse
import errno
import logging
import socket
import sys
from collections.abc import Sequence

from kg.core.errors import KgError, UsageError
from kg.server.config import ENVIRONMENT, STORES, ServerConfig

__all__ = ["add_arguments", "check_port", "config_from_args", "main", "serve"]


def check_port(host: str, port: int) -> None:
    """A UsageError, before anything is loaded, if ``host:port`` cannot be listened on (the
    port is in use, or the address is not this machine's)."""
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = "in use" if exc.errno == errno.EADDRINUSE else exc.strerror or str(exc)
            raise UsageError(f"cannot listen on {host}:{port}: {reason} (choose --port)") from exc


def serve(config: ServerConfig) -> None:
    """Serve until interrupted: one uvicorn process, ``config.workers`` query processes."""
    from kg.server.pool import fork_server

    fork_server()  # imports the workers' modules while this process imports the app's
    try:
        import uvicorn

        from kg.server.app import create_app
    except ImportError as exc:
        raise UsageError(
            f"kg serve needs the 'server' extra ({exc.name} is missing): "
            "pip install 'kazkgz[server]'"
        ) from exc
    check_port(config.host, config.port)
    from kg.server.worker import freeze_loaded

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access = logging.getLogger("kg.server.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
    app = create_app(config)
    freeze_loaded()  # the held graphs, as in the workers
    uvicorn.run(
        app,
        host=config.host,
        port=config.port,
        access_log=False,
        log_level="info",
        h11_max_incomplete_event_size=max(65536, config.max_query_length * 3 + 8192),
        timeout_graceful_shutdown=5,
        proxy_headers=False,  # X-Forwarded-* are read by the app, from --proxies only
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``kg serve`` (each also an environment variable)."""

    def env(name: str) -> str:
        return f" (env {ENVIRONMENT[name]})"

    defaults = ServerConfig.__dataclass_fields__
    parser.add_argument(
        "--host", help=f"address to bind (default {defaults['host'].default})" + env("host")
    )
    parser.add_argument(
        "--port", type=int, help=f"port (default {defaults['port'].default}; 0: any)" + env("port")
    )
    parser.add_argument(
        "--timeout",
        type=float,
        help=f"wall-clock limit of one query in seconds (default {defaults['timeout'].default})"
        + env("timeout"),
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        help=f"most rows or triples in an answer before it is truncated "
        f"(default {defaults['max_rows'].default})" + env("max_rows"),
    )
    parser.add_argument(
        "--max-bytes",
        type=int,
        help=f"most bytes in an answer; it then carries the most leading rows that fit "
        f"(default {defaults['max_bytes'].default})" + env("max_bytes"),
    )
    parser.add_argument(
        "--workers",
        type=int,
        help=f"query worker processes (default {defaults['workers'].default})" + env("workers"),
    )
    parser.add_argument(
        "--memory-mb",
        type=int,
        help=f"address-space limit of each worker in MiB, 0 for none "
        f"(default {defaults['memory_mb'].default})" + env("memory_mb"),
    )
    parser.add_argument(
        "--queries-dir",
        help="directory of saved queries (default: the project's queries/)" + env("queries_dir"),
    )
    parser.add_argument(
        "--store",
        choices=STORES,
        help="the engine every query runs on: oxigraph (the graphs kg build wrote into "
        "--dist, loaded at start; or an on-disk store with --path) or memory (rdflib) "
        f"(default {defaults['store'].default})" + env("store"),
    )
    parser.add_argument(
        "--dist",
        help="folder that kg build wrote, whose dataset.nq the oxigraph store loads "
        f"(default {defaults['dist'].default})" + env("dist"),
    )
    parser.add_argument(
        "--path",
        dest="store_path",
        help="folder of an on-disk Oxigraph store loaded by kg push, instead of --dist"
        + env("store_path"),
    )
    parser.add_argument(
        "--saved-workers",
        type=int,
        help="query workers that run saved queries only, so that ad hoc queries never starve "
        f"them (default {defaults['saved_workers'].default})" + env("saved_workers"),
    )
    parser.add_argument(
        "--queue",
        type=int,
        help="most queries waiting for a worker in each lane (saved, ad hoc) before the next "
        f"is refused with 503 (default {defaults['queue'].default})" + env("queue"),
    )
    parser.add_argument(
        "--base-url",
        help="the server's public address, e.g. https://example.org/kg, which the service "
        "description names (default: each request's Host)" + env("base_url"),
    )
    parser.add_argument(
        "--proxies",
        help="comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-Proto and X-Forwarded-Host are believed (default: none)" + env("proxies"),
    )


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    """Settings from the environment, then from the options given."""
    return ServerConfig.from_env(
        host=args.host,
        port=args.port,
        timeout=args.timeout,
        max_rows=args.max_rows,
        max_bytes=args.max_bytes,
        workers=args.workers,
        memory_mb=args.memory_mb,
        queries_dir=args.queries_dir,
        store=args.store,
        store_path=args.store_path,
        base_url=args.base_url,
        proxies=args.proxies,
        dist=args.dist,
        saved_workers=args.saved_workers,
        queue=args.queue,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kg.server``: the same as ``kg serve``."""
    parser = argparse.ArgumentParser(prog="python -m kg.server", description=__doc__)
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        serve(config_from_args(args))
    except KgError as exc:
        sys.stderr.write(f"kg serve: error: {exc}\n")
        return exc.exit_code
    return 0
