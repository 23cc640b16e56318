"""A query worker keeps what it parsed (ad hoc query texts, saved query files) between
requests: on a real server with the answer cache off and one worker, so that every request
reaches the same worker, a repeated query keeps its meaning and an edited saved query is
read again."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
from rdflib import URIRef
from server_helpers import GRAPH, HTTP, QUERIES, running_server

from kg import load_inferred

MEMBERS = "SELECT ?o ?m WHERE { ?o <http://www.w3.org/ns/org#hasMember> ?m }"
UNCACHED = {"KG_CACHE_ENTRIES": "0"}
JSON = {"Accept": "application/sparql-results+json"}


def _bindings(answer: httpx.Response) -> list[dict[str, dict[str, str]]]:
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, dict[str, str]]] = answer.json()["results"]["bindings"]
    return rows


def test_a_repeated_query_keeps_its_from_clause(tmp_path: Path) -> None:
    # org:hasMember is only in the closure: FROM <inferred> finds the memberships, the
    # default graph (asserted) none, however often each is asked and in whatever order
    expected = len(
        set(load_inferred().subject_objects(URIRef("http://www.w3.org/ns/org#hasMember")))
    )
    assert expected > 0
    from_inferred = MEMBERS.replace("WHERE", f"FROM <{GRAPH}inferred> WHERE")
    with running_server(tmp_path, "--workers", "1", env=UNCACHED) as server:
        for _ in range(3):
            answer = HTTP.get(f"{server.url}/sparql", params={"query": from_inferred}, headers=JSON)
            assert len(_bindings(answer)) == expected
            answer = HTTP.get(f"{server.url}/sparql", params={"query": MEMBERS}, headers=JSON)
            assert _bindings(answer) == []


def test_an_edited_saved_query_is_read_again(tmp_path: Path) -> None:
    queries = tmp_path / "queries"
    shutil.copytree(QUERIES, queries)
    env = {**UNCACHED, "KG_QUERIES_DIR": str(queries)}
    with running_server(tmp_path, "--workers", "1", env=env) as server:
        url = f"{server.url}/queries/states"
        labels = {row["label"]["value"] for row in _bindings(HTTP.get(url, headers=JSON))}
        assert "Kazakhstan" in labels
        again = {row["label"]["value"] for row in _bindings(HTTP.get(url, headers=JSON))}
        assert again == labels
        file = queries / "states.rq"
        file.write_text(
            file.read_text(encoding="utf-8").replace('"en"', '"zh"') + "# in Chinese\n",
            encoding="utf-8",
        )
        labels = {row["label"]["value"] for row in _bindings(HTTP.get(url, headers=JSON))}
        assert "哈萨克斯坦" in labels
        assert "Kazakhstan" not in labels
