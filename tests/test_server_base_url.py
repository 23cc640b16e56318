"""Nothing from a request's headers reaches another client's answer: the service
description names the endpoint from ``--base-url`` (``KG_BASE_URL``) when it is given, else
from the request's own ``Host``, kept in the answer cache for that host only;
``X-Forwarded-Proto`` and ``X-Forwarded-Host`` count only from ``--proxies`` addresses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from server_helpers import running_server

SD_ENDPOINT = URIRef("http://www.w3.org/ns/sparql-service-description#endpoint")
VOID_ENDPOINT = URIRef("http://rdfs.org/ns/void#sparqlEndpoint")
EVIL = {"Host": "evil.example"}
FORWARDED = {"X-Forwarded-Host": "public.example", "X-Forwarded-Proto": "https"}


def _endpoints(answer: httpx.Response) -> set[str]:
    """The endpoint the service description names (sd:endpoint and void:sparqlEndpoint)."""
    assert answer.status_code == 200, answer.text
    graph = Graph().parse(data=answer.text, format="turtle")
    named = {str(o) for o in graph.objects(None, SD_ENDPOINT)}
    named |= {str(o) for o in graph.objects(None, VOID_ENDPOINT)}
    return named


def test_a_host_header_never_reaches_another_client(tmp_path: Path) -> None:
    with running_server(tmp_path, "--workers", "1") as server:
        own = f"{server.url}/sparql"
        with httpx.Client(base_url=server.url) as http:
            evil = http.get("/sparql", headers=EVIL)
            assert _endpoints(evil) == {"http://evil.example/sparql"}  # its own request
            plain = http.get("/sparql")
            assert _endpoints(plain) == {own}
            assert plain.headers["etag"] != evil.headers["etag"]
            assert _endpoints(http.get("/sparql", headers=EVIL)) == {"http://evil.example/sparql"}
            assert _endpoints(http.get("/sparql")) == {own}
            # a client that is no configured proxy: its X-Forwarded-* headers count for nothing
            assert _endpoints(http.get("/sparql", headers=FORWARDED)) == {own}
            # a Host that is no host name is not written into the answer
            broken = http.get("/sparql", headers={"Host": "a> <b> <c> . <x"})
            assert _endpoints(broken) == {f"http://127.0.0.1:{server.url.rsplit(':', 1)[1]}/sparql"}


def test_the_base_url_names_the_endpoint_whatever_the_headers(tmp_path: Path) -> None:
    options = ("--workers", "1", "--base-url", "https://kg.example.org/kazkgz/")
    env = {"KG_PROXIES": "127.0.0.1"}
    with (
        running_server(tmp_path, *options, env=env) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        for headers in (EVIL, FORWARDED, {}):
            answer = http.get("/sparql", headers=headers)
            assert _endpoints(answer) == {"https://kg.example.org/kazkgz/sparql"}
        assert answer.headers["cache-control"] == "public, max-age=60"


def test_forwarded_headers_count_from_a_configured_proxy(tmp_path: Path) -> None:
    options = ("--workers", "1", "--proxies", "10.0.0.0/8, 127.0.0.1")
    with running_server(tmp_path, *options) as server, httpx.Client(base_url=server.url) as http:
        forwarded = http.get("/sparql", headers=FORWARDED)
        assert _endpoints(forwarded) == {"https://public.example/sparql"}
        assert _endpoints(http.get("/sparql")) == {f"{server.url}/sparql"}
        proto_only = http.get("/sparql", headers={"X-Forwarded-Proto": "https"})
        assert _endpoints(proto_only) == {f"{server.url.replace('http', 'https')}/sparql"}


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--base-url", "ftp://example.org/", "--base-url"),
        ("--base-url", "https://example.org/?a=1", "--base-url"),
        ("--base-url", "example.org", "--base-url"),
        ("--proxies", "10.0.0.1,not-an-address", "not-an-address"),
    ],
)
def test_bad_base_url_or_proxies_is_a_usage_error(option: str, value: str, message: str) -> None:
    argv = [sys.executable, "-m", "kg.server", "--port", "0", option, value]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
