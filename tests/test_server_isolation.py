"""Query workers cannot open a connection: each runs in a network namespace of its own (on
Linux, as root or where user namespaces are allowed), so that even a query the checks failed
to refuse could not reach the network. Proven in the real worker processes of a real server:
each tries to connect to a listening socket (``KG_NETWORK_PROBE``) and fails, and the socket
sees nothing; the same probe from this process gets through."""

from __future__ import annotations

from pathlib import Path

import pytest
from server_helpers import HTTP, running_server, trap_listener

from kg.server.worker import PROBE_VARIABLE, probe_network

pytestmark = pytest.mark.realdata


def test_the_probe_connects_from_outside_a_worker() -> None:
    """The control: the probe and the listening socket work, outside a worker."""
    with trap_listener() as trap:
        address = trap.url.removeprefix("http://")
        assert probe_network(address) == f"connected to {address}"
    assert len(trap.seen) == 1


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_workers_cannot_connect(tmp_path: Path, store: str) -> None:
    # two workers for any query and one for saved queries only: three probes
    options: tuple[str, ...] = ("--workers", "2", "--saved-workers", "1", "--store", store)
    with trap_listener() as trap:
        address = trap.url.removeprefix("http://")
        with running_server(tmp_path, *options, env={PROBE_VARIABLE: address}) as server:
            network = HTTP.get(f"{server.url}/health").json()["workers_network"]
            if network.startswith("not isolated"):
                pytest.skip(network)
            assert network.startswith("isolated: ")
            ask = HTTP.get(f"{server.url}/sparql", params={"query": "ASK { ?s ?p ?o }"})
            assert ask.json()["boolean"] is True  # isolated workers still answer
            probes = [line for line in server.log_lines() if "network probe" in line]
    assert len(probes) == 3, probes
    assert all(f"could not connect to {address}" in line for line in probes), probes
    assert trap.seen == []
