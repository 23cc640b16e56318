"""The endpoint benchmark (benchmarks/endpoint.py): its wrk script counts a wrong answer from a
real server as a mismatch, and a short run gives figures for every server it can start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from stores.tools import command

endpoint = pytest.importorskip("benchmarks.endpoint")
servers = pytest.importorskip("benchmarks.endpoint_servers")

pytestmark = [pytest.mark.bench, pytest.mark.realdata]

# the article, line 9: "均为联合国、欧洲安全与合作组织、独联体、集体安全条约组织、
# 欧亚经济联盟及上海合作组织等国际组织成员" - six organisations with both states as members
SHARED_ORGANISATIONS = 6


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> object:
    return servers.publish(tmp_path_factory.mktemp("published"))


@pytest.fixture(scope="module")
def kg(published: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """``kg serve`` with its answer cache off, so that every answer is computed."""
    with servers.start("kg-nocache", published, tmp_path_factory.mktemp("kg")) as found:
        yield found


def test_wrk_script_counts_a_wrong_answer(kg: object) -> None:
    command("wrk")
    queries = endpoint.queries()
    shared, exports = queries["shared-organisations"], queries["exports"]
    body = endpoint.fetch(endpoint.url_of(kg, shared))
    right = endpoint.wrk(endpoint.url_of(kg, shared), body, 2, 1)
    assert right["requests"] > 0
    assert right["mismatches"] == 0
    # another saved query answers the URL: every answer is wrong for the expected body
    wrong = endpoint.wrk(endpoint.url_of(kg, exports), body, 2, 1)
    assert wrong["requests"] > 0
    assert wrong["mismatches"] == wrong["requests"]
    assert wrong["first_mismatch"].startswith("200 ")


def test_verification_rejects_another_querys_answer(kg: object, published: object) -> None:
    queries = endpoint.queries()
    chosen = [queries["shared-organisations"], queries["exports"]]
    expected = endpoint.reference(published, chosen)
    assert expected["shared-organisations"][0] == SHARED_ORGANISATIONS
    own = endpoint.fetch(endpoint.url_of(kg, chosen[0]))
    other = endpoint.fetch(endpoint.url_of(kg, chosen[1]))
    assert endpoint.verified(own, expected["shared-organisations"]) is None
    assert endpoint.verified(other, expected["shared-organisations"]) is not None


def test_a_short_run_gives_figures_for_every_server(tmp_path: Path) -> None:
    command("wrk")
    settings = endpoint.Settings(duration=1, runs=1, concurrency=(16,), queries=("trade-totals",))
    results = tmp_path / "results.json"
    section = endpoint.main(settings, results, lambda _line: None)
    skipped = {item["server"]: item["reason"] for item in section["skipped"]}
    for name in servers.SERVERS:
        if name in skipped:  # only for want of the server's program
            assert "not installed" in skipped[name]
            continue
        (figure,) = [f for f in section["figures"] if f["server"] == name]
        assert figure["failed"] is None, figure
        assert figure["requests"] > 0
        assert figure["rps"] > 0
        assert 0 < figure["p50_ms"] <= figure["p99_ms"]
    assert "kg trade-totals" in section["targets"]
    assert results.is_file()
    assert (tmp_path / "endpoint.png").is_file()
    assert "| trade-totals | kg | 16 |" in endpoint.table(section)
