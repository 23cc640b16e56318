"""The server's settings: one frozen dataclass, read from options or ``KG_*`` environment
variables."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

from kg.core.errors import UsageError
from kg.core.paths import Sources, default_sources

__all__ = ["ENVIRONMENT", "STORES", "ServerConfig"]

# option name -> environment variable
ENVIRONMENT: dict[str, str] = {
    "host": "KG_HOST",
    "port": "KG_PORT",
    "timeout": "KG_TIMEOUT",
    "max_rows": "KG_MAX_ROWS",
    "max_bytes": "KG_MAX_BYTES",
    "workers": "KG_WORKERS",
    "memory_mb": "KG_MEMORY_MB",
    "max_body": "KG_MAX_BODY",
    "max_query_length": "KG_MAX_QUERY_LENGTH",
    "max_depth": "KG_MAX_DEPTH",
    "cache_entries": "KG_CACHE_ENTRIES",
    "queries_dir": "KG_QUERIES_DIR",
    "store": "KG_STORE",
    "store_path": "KG_STORE_PATH",
    "base_url": "KG_BASE_URL",
    "proxies": "KG_PROXIES",
    "dist": "KG_DIST",
    "saved_workers": "KG_SAVED_WORKERS",
    "queue": "KG_QUEUE",
}

STORES = ("memory", "oxigraph")


@dataclass(frozen=True)
class ServerConfig:
    """Settings of ``kg serve`` and of :func:`kg.server.create_app`.

    ``timeout`` is the wall-clock limit of one query in seconds; ``max_rows`` the most
    solutions (or triples) a result carries before it is truncated, ``max_bytes`` the most
    bytes (the answer then carries the most leading rows that fit); ``workers`` the number
    of query processes; ``memory_mb`` the address-space limit of each (0: none);
    ``max_body`` the largest request body in bytes; ``max_query_length`` the longest query
    text in characters; ``max_depth`` the deepest nesting of brackets a query may have;
    ``cache_entries`` how many answers to GET requests are kept in memory (0: none);
    ``store`` the engine every query runs on: ``oxigraph`` (the default: the graphs ``kg
    build`` wrote into ``dist``/dataset.nq, loaded into memory at start, or the on-disk store
    in ``store_path`` loaded by ``kg push --store oxigraph``) or ``memory`` (rdflib, reading
    the sources); ``saved_workers`` the workers that run saved queries only, so that ad hoc
    queries never starve them; ``queue`` the most jobs that wait for a worker in each lane
    (saved, ad hoc) before the next is refused with 503.;
    ``base_url`` the server's public address (the service description names its endpoint
    from it; None: from each request's ``Host``, and the answer is cached for that host
    only); ``proxies`` the addresses (or networks) of the reverse proxies whose
    ``X-Forwarded-Proto`` and ``X-Forwarded-Host`` are believed."""

    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_rows: int = 10_000
    max_bytes: int = 16_777_216
    workers: int = 2
    memory_mb: int = 1024
    max_body: int = 100_000
    max_query_length: int = 20_000
    max_depth: int = 24
    cache_entries: int = 512
    queries_dir: Path | None = None
    store: str = "oxigraph"
    store_path: Path | None = None
    base_url: str | None = None
    proxies: tuple[str, ...] = ()
    dist: Path = Path("dist")
    saved_workers: int = 1
    queue: int = 128
    sources: Sources = field(default_factory=default_sources)

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise UsageError("the time limit must be positive")
        for name in (
            "max_rows",
            "max_bytes",
            "workers",
            "max_body",
            "max_query_length",
            "max_depth",
            "queue",
        ):
            if getattr(self, name) < 1:
                raise UsageError(f"{name.replace('_', '-')} must be at least 1")
        if not 0 <= self.port <= 65535:
            raise UsageError(f"not a port number: {self.port}")
        if self.queries_dir is not None:
            directory = Path(self.queries_dir)
            object.__setattr__(self, "queries_dir", directory)
            object.__setattr__(self, "sources", replace(self.sources, queries_dir=directory))
        if self.store not in STORES:
            raise UsageError(f"unknown store {self.store!r} (use {' or '.join(STORES)})")
        if self.saved_workers < 0:
            raise UsageError("saved-workers must be 0 or more")
        if self.store_path is not None:
            object.__setattr__(self, "store_path", Path(self.store_path))
        object.__setattr__(self, "dist", Path(self.dist))
        if self.base_url:
            object.__setattr__(self, "base_url", _checked_base_url(self.base_url))
        else:
            object.__setattr__(self, "base_url", None)
        object.__setattr__(self, "proxies", _checked_proxies(self.proxies))

    def trusts(self, address: str | None) -> bool:
        """True if ``address`` (a client's IP address) is one of the configured proxies."""
        if not address or not self.proxies:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in ipaddress.ip_network(proxy) for proxy in self.proxies)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: object
    ) -> ServerConfig:
        """Settings from the ``KG_*`` environment variables, then ``overrides`` (options
        given on the command line; None means not given)."""
        env = os.environ if environ is None else environ
        types = {f.name: f.type for f in fields(cls)}
        values: dict[str, object] = {}
        for name, variable in ENVIRONMENT.items():
            text = env.get(variable)
            if text:
                values[name] = _convert(name, str(types[name]), text, variable)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def _convert(name: str, kind: str, text: str, variable: str) -> object:
    try:
        if kind.startswith("int"):
            return int(text)
        if kind.startswith("float"):
            return float(text)
    except ValueError as exc:
        raise UsageError(f"{variable}={text!r}: {name} expects a number") from exc
    if "Path" in kind:
        return Path(text)
    if kind.startswith("tuple"):
        return tuple(part.strip() for part in text.split(",") if part.strip())
    return text


def _checked_base_url(url: str) -> str:
    """``url`` without its trailing slash; a UsageError unless it is an absolute http(s) URL
    with no query or fragment."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise UsageError(
            f"--base-url {url!r} is not an http(s) address without query or fragment "
            "(for example https://example.org/kg)"
        )
    return parts.geturl().rstrip("/")


def _checked_proxies(proxies: str | tuple[str, ...]) -> tuple[str, ...]:
    """The proxies' addresses or networks, each checked; a UsageError names a bad one."""
    items = proxies.split(",") if isinstance(proxies, str) else proxies
    checked = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            checked.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError as exc:
            raise UsageError(
                f"--proxies: {item!r} is not an IP address or network ({exc})"
            ) from exc
    return tuple(checked)
