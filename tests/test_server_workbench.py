"""The browser's side of a real ``kg serve``: saved queries as pages with a form of their
parameters, a query's answer as a paged HTML table with downloads, and the workbench at
/sparql for a browser; machine clients get SPARQL results from the same URLs."""

from __future__ import annotations

import re
from html import unescape

import httpx
import pytest
from server_helpers import HTTP, REPO, running_server

pytestmark = pytest.mark.realdata

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    env = {"KG_HOME": str(REPO), "KG_QUERIES_DIR": str(REPO / "queries")}
    with running_server(tmp_path_factory.mktemp("bench"), "--workers", "1", env=env) as running:
        yield running


def page(server, path: str, **params: str) -> httpx.Response:
    return HTTP.get(f"{server.url}{path}", params=params, headers=BROWSER, timeout=60)


def count(html: str) -> int:
    found = re.search(r'data-rows="(\d+)"', html)
    assert found, html[-2000:]
    return int(found.group(1))


def body_rows(html: str) -> list[str]:
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S) if body else []


def test_a_saved_query_page_shows_what_it_asks_and_a_form_with_its_default(server) -> None:
    answer = page(server, "/queries/exports")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    html = answer.text
    assert "<h1>What each state exported to the other in a year (default 2024)" in html
    assert "<li>trade</li>" in html  # a tag
    assert "goodsListComplete is false" in html  # the description
    field = re.search(r'<input id="param-year"[^>]*>', html)
    assert field, html
    assert 'type="number"' in field.group(0)
    assert 'value="2024"' in field.group(0)
    assert '<label for="param-year">year</label>' in html
    # the article: in 2024 Kazakhstan exported 12.6亿美元 to Kyrgyzstan, Kyrgyzstan 4.56亿美元
    assert count(html) == 2
    assert "1260000000" in html
    assert "456000000" in html
    assert '<span class="lit" lang="zh">哈萨克斯坦</span>' in html
    assert 'href="/query?example=exports"' in html  # opens in the workbench
    assert "?_year_integer" in unescape(html)  # the query's text
    downloads = dict(re.findall(r'<a href="([^"]+)" download>(\w+)</a>', html))
    assert set(downloads.values()) == {"CSV", "TSV", "JSON"}
    for href, name in downloads.items():
        got = HTTP.get(f"{server.url}{unescape(href)}", headers=BROWSER)
        assert got.status_code == 200
        kind = {"CSV": "text/csv", "TSV": "text/tab-separated-values"}
        assert got.headers["content-type"].startswith(
            kind.get(name, "application/sparql-results+json")
        )


def test_the_form_submits_a_parameter_and_validates_it(server) -> None:
    # the article gives export figures for 2024 only
    assert count(page(server, "/queries/exports", year="2023").text) == 0
    bad = page(server, "/queries/exports", year="twenty")
    assert bad.status_code == 400
    assert 'aria-invalid="true"' in bad.text
    assert "parameter &#39;year&#39; expects an xsd:integer, got &#39;twenty&#39;" in bad.text
    assert 'value="twenty"' in bad.text  # what was typed stays in the field
    assert page(server, "/queries/exports", colour="blue").status_code == 400


def test_a_query_that_needs_a_value_shows_its_form_first(server) -> None:
    first = page(server, "/queries/entity")
    assert first.status_code == 200
    assert "needs a value for &#39;entity&#39; or &#39;label&#39;" in first.text
    assert 'id="param-label"' in first.text
    assert 'id="param-entity"' in first.text
    assert 'data-rows="' not in first.text
    empty = page(server, "/queries/entity", entity="", label="")  # an empty form: not given
    assert empty.status_code == 200
    tokayev = page(server, "/queries/entity", entity="", label="托卡耶夫")
    assert tokayev.status_code == 200
    assert "kk:kassym-jomart-tokayev" in tokayev.text


def test_results_are_paged_on_the_server(server) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    first = page(server, "/sparql", query=query, limit="20")
    assert first.status_code == 200
    total = count(first.text)
    assert total > 1000
    assert len(body_rows(first.text)) == 20
    assert f"{total} rows; showing 1–20." in first.text
    following = re.search(r'rel="next" href="([^"]+)"', first.text)
    assert following
    second = HTTP.get(f"{server.url}{unescape(following.group(1))}", headers=BROWSER)
    assert "showing 21–40." in second.text
    assert body_rows(second.text)[0] not in body_rows(first.text)
    assert 'rel="prev"' in second.text
    last = page(server, "/sparql", query=query, limit="1000", page=str(total // 1000 + 1))
    assert len(body_rows(last.text)) == total % 1000
    assert 'rel="next"' not in last.text
    assert page(server, "/sparql", query=query, limit="5000").status_code == 400
    assert page(server, "/queries/timeline", page="x").status_code == 400


def test_sparql_for_a_browser_is_the_workbench_and_an_html_answer(server) -> None:
    workbench = page(server, "/sparql")
    assert workbench.status_code == 200
    assert '<form id="query-form" method="post" action="/sparql">' in workbench.text
    posted = HTTP.post(
        f"{server.url}/sparql",
        data={"query": (REPO / "queries" / "fact-source.rq").read_text(encoding="utf-8")},
        headers=BROWSER,
    )
    assert posted.status_code == 200
    assert posted.headers["content-type"].startswith("text/html")
    assert count(posted.text) == 1
    assert "哈萨克斯坦与吉尔吉斯斯坦于1992年10月15日正式建立外交关系" in posted.text
    error = page(server, "/sparql", query="SELECT * WHERE { ?s ?p }")
    assert error.status_code == 400
    assert 'class="error"' in error.text
    # protocol clients: unchanged
    described = HTTP.get(f"{server.url}/sparql")
    assert described.headers["content-type"].startswith("text/turtle")
    results = HTTP.get(f"{server.url}/sparql", params={"query": "ASK {}"}, headers=JSON)
    assert results.json() == {"head": {}, "boolean": True}


def test_machine_clients_keep_getting_results_from_the_saved_query_urls(server) -> None:
    as_json = HTTP.get(f"{server.url}/queries/exports", headers=JSON)
    assert as_json.headers["content-type"].startswith("application/sparql-results+json")
    assert len(as_json.json()["results"]["bindings"]) == 2
    curl = HTTP.get(f"{server.url}/queries/exports", headers={"Accept": "*/*"})
    assert curl.headers["content-type"].startswith("application/sparql-results+json")
    listing = HTTP.get(f"{server.url}/queries")
    assert "exports" in [q["name"] for q in listing.json()["queries"]]
    html_listing = page(server, "/queries")
    assert 'href="/queries/exports"' in html_listing.text
    assert (
        page(server, "/queries/exports", format="json")
        .headers["content-type"]
        .startswith("application/sparql-results+json")
    )


def test_the_workbench_loads_yasgui_from_this_server_under_its_policy(server) -> None:
    html = page(server, "/query", example="exports").text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    sources = [re.search(r'src="([^"]+)"', attrs) for attrs, _ in scripts]
    assert [s.group(1) for s in sources if s] == [
        "/static/vendor/yasgui/yasgui.min.js",
        "/static/workbench.js",
    ]
    # the one inline element is data, which no browser runs
    assert [attrs for attrs, _ in scripts if "src=" not in attrs] == [
        ' type="application/json" id="workbench-config"'
    ]
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', unescape(html))
    assert policy
    script_src = re.search(r"script-src ([^;]+)", policy.group(1))
    assert script_src
    assert script_src.group(1).strip() == "'self'"
    assert "default-src 'none'" in policy.group(1)
    for path in ("/static/vendor/yasgui/yasgui.min.js", "/static/vendor/yasgui/yasgui.min.css"):
        assert HTTP.get(f"{server.url}{path}").status_code == 200
    licences = HTTP.get(f"{server.url}/static/vendor/yasgui/LICENSES.txt").text
    assert "@zazuko/yasgui 4." in licences
    assert "codemirror" in licences


def test_completion_terms_come_from_this_server(server) -> None:
    terms = HTTP.get(f"{server.url}/query/terms").json()
    kko = "https://w3id.org/kazkgz/ontology#"
    assert kko + "TradeFigure" in terms["classes"]  # exports.rq asks for kko:TradeFigure
    assert kko + "amount" in terms["properties"]  # ... and its kko:amount
    assert "http://www.w3.org/2000/01/rdf-schema#label" in terms["properties"]
    assert kko + "amount" not in terms["classes"]
