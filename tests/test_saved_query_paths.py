"""One meaning of a saved query: every saved query (queries/*.rq) gives the same rows by
every path (``kg query NAME``, ``/queries/NAME``, its text sent to ``/sparql``, the HTML pages
of both; its text given to ``kg.sparql``, what ``kg sparql FILE`` runs), or every path refuses
it naming the same missing parameter. A real ``kg serve`` on 127.0.0.1; ``kg query`` and
``kg sparql`` are the command's own code (``kg.cli.main``) run in the test process for each
saved query, and the ``kg`` command itself in a subprocess with a parameter, a refusal and a
header (tests/test_cli.py runs every command that way)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from collections import Counter
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from server_helpers import HTTP, KK, REPO, running_server
from stores.normal import normal_rows
from test_saved_queries import list_columns

from kg import MissingParameterError, run_query, sparql
from kg.cli import main
from kg.stores import result_from_json

pytestmark = pytest.mark.realdata

QUERY_FILES = sorted((REPO / "queries").glob("*.rq"))
KG = [sys.executable, "-m", "kg"]
ENV = {**os.environ, "KG_HOME": str(REPO)}
Rows = Counter[tuple[Any, ...]]
JSON = {"Accept": "application/sparql-results+json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    env = {"KG_HOME": str(REPO), "KG_QUERIES_DIR": str(REPO / "queries")}
    with running_server(tmp_path_factory.mktemp("paths"), "--workers", "1", env=env) as running:
        yield running


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KG, *args, "--no-cache"],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=REPO,
        timeout=300,
        check=False,
    )


def kg_main(*args: str) -> subprocess.CompletedProcess[str]:
    """``kg ARGS --no-cache`` through ``kg.cli.main`` in this process: its exit code and what
    it wrote to stdout and stderr."""
    argv = [*args, "--no-cache"]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def rows(document: str | bytes, text: str) -> Rows:
    """The rows of a SPARQL JSON results document of the query ``text``, as a multiset,
    compared by value as the store tests compare them (lists as sets)."""
    return Counter(normal_rows(result_from_json(document), list_columns(text)))


def page_rows(html: str) -> int:
    """How many rows a results page says its query gave, checked against its table."""
    total = re.search(r'data-rows="(\d+)"', html)
    assert total is not None, html[-2000:]
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.DOTALL)
    assert (body.group(1).count("<tr>") if body else 0) == int(total.group(1))
    return int(total.group(1))


@pytest.mark.parametrize("file", QUERY_FILES, ids=lambda f: f.stem)
def test_every_path_gives_the_rows_of_kg_query(server, file: Path) -> None:
    name, text = file.stem, file.read_text(encoding="utf-8")
    reference = kg_main("query", name, "--format", "json")
    saved = HTTP.get(f"{server.url}/queries/{name}", timeout=120)
    posted = HTTP.post(
        f"{server.url}/sparql",
        data={"query": text},
        headers={"Accept": "application/sparql-results+json"},
        timeout=120,
    )
    page = HTTP.get(
        f"{server.url}/sparql",
        params={"query": text, "limit": "1000"},
        headers=BROWSER,
        timeout=120,
    )
    form = HTTP.get(
        f"{server.url}/queries/{name}", params={"limit": "1000"}, headers=BROWSER, timeout=120
    )
    if reference.returncode != 0:  # a parameter without a default: every path refuses it
        assert reference.returncode == 2
        needed = re.search(r"needs a value for (.*)$", reference.stderr.strip())
        assert needed is not None, reference.stderr
        by_file = kg_main("sparql", str(file), "--format", "json")
        assert by_file.returncode == 2
        assert needed.group(1) in by_file.stderr
        for answer in (saved, posted, page):
            assert answer.status_code == 400
            assert needed.group(1) in unescape(answer.text)
        assert form.status_code == 200  # the form, asking for the value
        assert needed.group(1) in unescape(form.text)
        return
    expected = rows(reference.stdout, text)
    assert saved.status_code == 200, saved.text
    assert rows(saved.content, text) == expected
    assert posted.status_code == 200, posted.text
    assert rows(posted.content, text) == expected
    for html in (page, form):
        assert html.status_code == 200, html.text[-2000:]
        assert page_rows(html.text) == sum(expected.values())


def test_the_defaults_give_the_article_s_answers(server) -> None:
    """The article: in 2024 Kazakhstan exported US$1.26 billion (12.6亿美元) to Kyrgyzstan and
    Kyrgyzstan US$456 million (4.56亿美元) to Kazakhstan; the diplomatic relations' one quote
    is 哈萨克斯坦与吉尔吉斯斯坦于1992年10月15日正式建立外交关系."""
    exports = (REPO / "queries" / "exports.rq").read_text(encoding="utf-8")
    answer = HTTP.post(f"{server.url}/sparql", data={"query": exports}, headers=JSON)
    amounts = sorted(float(b["amount"]["value"]) for b in answer.json()["results"]["bindings"])
    assert amounts == [456_000_000, 1_260_000_000]
    source = (REPO / "queries" / "fact-source.rq").read_text(encoding="utf-8")
    answer = HTTP.post(f"{server.url}/sparql", data={"query": source}, headers=JSON)
    quotes = [b["quote"]["value"] for b in answer.json()["results"]["bindings"]]
    assert quotes == ["哈萨克斯坦与吉尔吉斯斯坦于1992年10月15日正式建立外交关系"]


def test_a_parameter_given_applies_on_every_path(server) -> None:
    """The article gives export figures for 2024 only: 2023 has none, by every path."""
    file = REPO / "queries" / "exports.rq"
    cli = kg("sparql", str(file), "-p", "year=2023", "--format", "json")
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["results"]["bindings"] == []
    reference = kg("query", "exports", "-p", "year=2023", "--format", "json")
    assert json.loads(reference.stdout)["results"]["bindings"] == []
    saved = HTTP.get(f"{server.url}/queries/exports", params={"year": "2023"}, headers=JSON)
    assert saved.json()["results"]["bindings"] == []
    node = kg("sparql", str(REPO / "queries" / "fact-source.rq"), "-p", "node=kk:kyrgyzstan")
    assert node.returncode == 0, node.stderr


def test_a_header_in_an_ad_hoc_text_binds_and_types(server) -> None:
    text = (
        "#+ defaults:\n#+   - state: kk:kyrgyzstan\n"
        "SELECT ?label WHERE { ?_state_iri rdfs:label ?label FILTER(lang(?label) = 'en') }"
    )
    answer = HTTP.post(f"{server.url}/sparql", data={"query": text}, headers=JSON)
    assert answer.status_code == 200, answer.text
    assert [b["label"]["value"] for b in answer.json()["results"]["bindings"]] == ["Kyrgyzstan"]
    cli = kg("sparql", text, "-p", f"state={KK}kazakhstan", "--format", "csv")
    assert cli.stdout.splitlines() == ["label", "Kazakhstan"]
    bad = kg("sparql", text.replace("?_state_iri", "?_state_integer"))
    assert bad.returncode == 2
    assert "parameter 'state' expects an xsd:integer" in bad.stderr
    refused = HTTP.post(
        f"{server.url}/sparql",
        data={"query": text.replace("kk:kyrgyzstan", "not an IRI")},
        headers=JSON,
    )
    assert refused.status_code == 400
    assert "state" in refused.json()["message"]


def test_parameters_for_a_text_without_header_are_refused() -> None:
    cli = kg("sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "-p", "year=2024")
    assert cli.returncode == 2
    assert "the query has no parameter 'year'; it takes none" in cli.stderr


@pytest.mark.parametrize("file", QUERY_FILES, ids=lambda f: f.stem)
def test_kg_sparql_of_the_text_gives_the_rows_of_run_query(file: Path) -> None:
    text = file.read_text(encoding="utf-8")
    try:
        expected = run_query(file.stem)
    except MissingParameterError as missing:
        needed = missing.names
    else:
        needed = ()
    if needed:  # a parameter without a default: refused alike
        with pytest.raises(MissingParameterError) as raised:
            sparql(text)
        assert raised.value.names == needed
        return
    columns = list_columns(text)
    assert Counter(normal_rows(sparql(text), columns)) == Counter(normal_rows(expected, columns))
