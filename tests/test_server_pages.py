"""Linked Data pages, the home page, the chart and the query page on a real server: content
negotiation on /id/..., the ontology document, 404s, HTML escaping, the SVG chart as XML,
the timeline, and the query page rendered by the server (no JavaScript)."""

from __future__ import annotations

import asyncio
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import httpx
import pytest
from lib_helpers import built_once
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from server_helpers import HTTP, KK, QUERIES, REPO, running_server

from kg import load_graph, load_inferred, sparql, stats
from kg.core.paths import Sources
from kg.server.graphs import HeldGraphs
from kg.server.pages import PageData, entity_page

KKO = Namespace("https://w3id.org/kazkgz/ontology#")
SVG = "{http://www.w3.org/2000/svg}"
EVENT = URIRef(KK + "establishment-of-diplomatic-relations")
TOKAYEV = URIRef(KK + "kassym-jomart-tokayev")
INCUMBENCY = URIRef(KK + "incumbency-tokayev-president-of-kazakhstan")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
QUOTE = "哈萨克斯坦与吉尔吉斯斯坦于1992年10月15日正式建立外交关系"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    with running_server(tmp_path_factory.mktemp("pages"), "--workers", "1") as running:
        yield running


def get(server, path: str, accept: str | None = None, **params: str) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return HTTP.get(f"{server.url}{path}", headers=headers, params=params, timeout=30)


def section(html: str, ident: str) -> str:
    match = re.search(rf'<section id="{ident}">(.*?)</section>', html, re.S)
    assert match, f"no section {ident}"
    return match.group(1)


def assert_loads_only_local(html: str) -> None:
    """Every stylesheet, script and image the page loads is a path on this server."""
    loaded = re.findall(r'<link[^>]*\bhref="([^"]*)"', html)
    loaded += re.findall(r'\ssrc="([^"]*)"', html)
    assert loaded, "the page loads its style sheet"
    for target in loaded:
        assert target.startswith("/"), target
        assert not target.startswith("//"), target


# ---------------------------------------------------------------- /id/...


@pytest.mark.parametrize(
    ("accept", "media", "rdf_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json", "json-ld"),
        ("application/n-triples, text/html;q=0.1", "application/n-triples", "nt"),
    ],
)
def test_entity_as_rdf_by_accept(server, accept: str, media: str, rdf_format: str) -> None:
    answer = get(server, "/id/establishment-of-diplomatic-relations", accept)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(media)
    assert "Accept" in answer.headers["vary"]
    graph = Graph().parse(data=answer.content, format=rdf_format)
    assert (EVENT, KKO.date, Literal("1992-10-15", datatype=DATE)) in graph
    assert (EVENT, KKO.participant, URIRef(KK + "kazakhstan")) in graph
    # the labels of the neighbours come along
    assert (URIRef(KK + "kazakhstan"), RDFS.label, Literal("Kazakhstan", lang="en")) in graph


def test_entity_as_html_for_a_browser(server) -> None:
    for accept in (BROWSER_ACCEPT, None):
        answer = get(server, "/id/establishment-of-diplomatic-relations", accept)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/html")


def test_format_parameter_overrides_accept(server) -> None:
    answer = get(server, "/id/kazakhstan", BROWSER_ACCEPT, format="ttl")
    assert answer.headers["content-type"].startswith("text/turtle")
    Graph().parse(data=answer.text, format="turtle")


def test_inferred_statements_only_on_request(server) -> None:
    triple = (INCUMBENCY, RDF.type, KKO.HeadOfStateIncumbency)
    page = "/id/incumbency-tokayev-president-of-kazakhstan"
    plain = Graph().parse(data=get(server, page, "text/turtle").text)
    assert (INCUMBENCY, RDF.type, KKO.Incumbency) in plain
    assert triple not in plain
    answer = get(server, page, "text/turtle", inferred="true")
    assert triple in Graph().parse(data=answer.text, format="turtle")


def test_unknown_node_is_404(server) -> None:
    for accept in ("text/turtle", BROWSER_ACCEPT):
        assert get(server, "/id/no-such-thing", accept).status_code == 404
    assert get(server, "/id/kazakhstan", "image/png").status_code == 406
    assert get(server, "/id/kazakhstan", format="yaml").status_code == 400


def test_entity_page_shows_labels_links_and_the_sentence(server) -> None:
    html = get(server, "/id/establishment-of-diplomatic-relations", BROWSER_ACCEPT).text
    assert "哈吉建立外交关系" in html
    assert "Establishment of diplomatic relations between Kazakhstan and Kyrgyzstan" in html
    assert 'href="/id/kazakhstan"' in html
    article = section(html, "article")
    assert f"<mark>{QUOTE}</mark>" in article
    assert "[162, 194)" in article
    assert "1992-10-15" in section(html, "asserted")
    assert "^^xsd:date" in section(html, "asserted")
    # every multilingual text carries its language
    assert '<span lang="zh">哈吉建立外交关系</span>' in html.split("</h1>")[0]
    assert '<span class="lit" lang="zh">哈吉建立外交关系</span>' in section(html, "asserted")
    assert '<span class="label" lang="en">Kazakhstan</span>' in section(html, "asserted")


def test_entity_page_shows_the_dispute_beside_the_quote(server) -> None:
    """The article gives 1992-10-15 (its quote stays); utrk.kg gives 1992-08-27."""
    html = get(server, "/id/establishment-of-diplomatic-relations", BROWSER_ACCEPT).text
    assert html.index('<section id="article">') < html.index('<section id="verification">')
    shown = section(html, "verification")
    assert "<strong>contradicted</strong>" in shown
    assert '<span lang="zh">有出入</span>' in shown
    assert "1992-10-15" in shown
    assert "1992-08-27" in shown
    assert 'href="https://utrk.kg/ru/news/s/53955"' in shown
    kambarata = section(
        get(server, "/id/kambarata-1-agreement", BROWSER_ACCEPT).text, "verification"
    )
    assert 'href="/id/russia"' in kambarata
    assert "kk:uzbekistan" in kambarata
    assert "trend.az" in kambarata


def test_inferred_row_is_apart_from_asserted(server) -> None:
    html = get(server, "/id/incumbency-tokayev-president-of-kazakhstan", BROWSER_ACCEPT).text
    head_of_state = 'href="/ontology#HeadOfStateIncumbency"'
    assert head_of_state in section(html, "inferred")
    assert head_of_state not in section(html, "asserted")
    assert 'href="/ontology#Incumbency"' in section(html, "asserted")
    person = get(server, "/id/kassym-jomart-tokayev", BROWSER_ACCEPT).text
    assert 'href="/id/incumbency-tokayev-president-of-kazakhstan"' in section(person, "incoming")


def test_entity_page_is_cached_by_etag(server) -> None:
    first = get(server, "/id/kazakhstan", BROWSER_ACCEPT)
    etag = first.headers["etag"]
    again = HTTP.get(
        f"{server.url}/id/kazakhstan", headers={"Accept": BROWSER_ACCEPT, "If-None-Match": etag}
    )
    assert again.status_code == 304


# ---------------------------------------------------------------- escaping


def test_crafted_query_string_is_escaped(server) -> None:
    evil = '<script>alert("x")</script>'
    query = f'SELECT ?x WHERE {{ BIND("{evil}" AS ?x) }}'
    html = get(server, "/query", query=query).text
    assert evil not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    missing = get(server, "/id/%3Cscript%3Ealert(1)%3C/script%3E", BROWSER_ACCEPT)
    assert missing.status_code == 404
    assert "<script>alert(1)" not in missing.text
    assert "&lt;script&gt;alert(1)" in missing.text


def test_label_from_the_graph_is_escaped() -> None:
    node = URIRef(KK + "evil")
    graph = Graph()
    graph.add((node, RDFS.label, Literal("<script>alert('zh')</script>", lang="zh")))
    graph.add((node, RDFS.label, Literal('<img src=x onerror="alert(1)">', lang="en")))
    graph.add((node, RDFS.comment, Literal("a & b </td>")))
    graph.add((node, RDFS.seeAlso, URIRef("javascript:alert(1)")))
    held = HeldGraphs(graph, Graph(), Graph(), Graph(), Graph())
    state = SimpleNamespace(graphs=held, config=SimpleNamespace(sources=Sources((), ())))
    html = entity_page(node, PageData(state))  # type: ignore[arg-type]
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&#39;zh&#39;)&lt;/script&gt;" in html
    assert "a &amp; b &lt;/td&gt;" in html
    assert 'href="javascript:' not in html


# ---------------------------------------------------------------- documents


def test_ontology_document_is_the_ontology(server) -> None:
    answer = get(server, "/ontology", "text/turtle")
    assert answer.status_code == 200
    served = Graph().parse(data=answer.text, format="turtle")
    assert isomorphic(served, Graph().parse(REPO / "ontology" / "kazkgz.ttl"))
    html = get(server, "/ontology", BROWSER_ACCEPT).text
    assert '<section class="term" id="HeadOfStateIncumbency">' in html
    assert 'href="#HeadOfStateIncumbency"' in html


def test_ontology_version_iri_resolves(server) -> None:
    ontology = Graph().parse(REPO / "ontology" / "kazkgz.ttl")
    version = str(next(ontology.objects(None, URIRef("http://www.w3.org/2002/07/owl#versionIRI"))))
    path = "/ontology/" + version.rsplit("/ontology/", 1)[1]
    assert get(server, path, "text/turtle").status_code == 200
    assert get(server, "/ontology/0.0.0-none", "text/turtle").status_code == 404


def test_shapes_and_graphs_resolve(server) -> None:
    shapes = get(server, "/shapes", "text/turtle")
    assert shapes.status_code == 200
    assert isomorphic(
        Graph().parse(data=shapes.text, format="turtle"),
        Graph().parse(REPO / "shapes" / "kazkgz-shapes.ttl"),
    )
    inferred = get(server, "/graph/inferred", "application/n-triples")
    assert len(Graph().parse(data=inferred.text, format="nt")) == len(load_inferred())
    assert get(server, "/graph/nothing", "text/turtle").status_code == 404


# ---------------------------------------------------------------- home page and chart


def test_home_page_counts_queries_timeline_and_chart(server) -> None:
    html = get(server, "/", BROWSER_ACCEPT).text
    counts = re.findall(r'<td class="count">(\d+)</td>', html)
    figures = stats(graph=load_graph())
    for value in (len(load_graph()), len(load_inferred()), figures.entities, figures.excerpts):
        assert str(value) in counts
    assert 'href="/queries/states?format=json"' in html
    assert 'href="/query?example=states"' in html
    # the inline chart is well-formed XML
    svg = re.search(r"<svg .*?</svg>", html, re.S)
    assert svg
    ET.fromstring(svg.group(0))  # noqa: S314 - the SVG this project draws
    # the timeline: ordered by begin date, each date at its precision
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S)
    assert timeline
    text = timeline.group(1)
    positions = [text.index(d) for d in ("1992-10-15", "1997-04-08", "2021-03", "2025-07-21")]
    assert positions == sorted(positions)
    assert '<time datetime="2021-03">2021-03</time> (month)' in text
    assert '<time datetime="1991">1991</time> (year)' in text


def _observation(root: ET.Element, name: str) -> ET.Element:
    for group in root.iter(f"{SVG}g"):
        if group.get("data-observation") == KK + name:
            return group
    raise AssertionError(f"no bar for {name}")


def test_chart_draws_bounds_forecasts_and_targets(server) -> None:
    answer = get(server, "/chart.svg")
    assert answer.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(answer.content)  # noqa: S314 - the SVG this project draws
    bars = [g for g in root.iter(f"{SVG}g") if g.get("data-observation")]
    assert len(bars) == 10
    # 2024 turnover: more than 1.7 bn, drawn as a lower bound with an open end
    turnover = _observation(root, "obs-trade-2024")
    rect = turnover.find(f"{SVG}rect")
    assert rect is not None
    assert "lower-bound" in rect.get("class", "")
    assert any("open-end" in p.get("class", "") for p in turnover.iter(f"{SVG}path"))
    values = [t.text for t in turnover.iter(f"{SVG}text") if t.get("class") == "value"]
    assert values == ["> 1.7 bn"]
    # the 3 bn target: an outline only
    target = _observation(root, "obs-trade-target")
    rect = target.find(f"{SVG}rect")
    assert rect is not None
    assert "target" in rect.get("class", "")
    assert rect.get("fill") == "none"
    assert [t.text for t in target.iter(f"{SVG}text") if t.get("class") == "value"] == ["3 bn"]
    # the 2025 forecast: hatched, dashed, and a lower bound too
    forecast = _observation(root, "obs-trade-2025-forecast").find(f"{SVG}rect")
    assert forecast is not None
    assert forecast.get("fill") == "url(#hatch)"
    assert forecast.get("stroke-dasharray")
    # exact values stay plain
    exact = _observation(root, "obs-trade-2020")
    assert [t.text for t in exact.iter(f"{SVG}text") if t.get("class") == "value"] == ["796.2 m"]
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    words = " ".join(t.text or "" for t in legend.iter(f"{SVG}text"))
    for word in ("more than", "forecast", "target", "about"):
        assert word in words


# ---------------------------------------------------------------- query page


def test_query_page_without_javascript(server) -> None:
    text = (QUERIES / "states.rq").read_text(encoding="utf-8")
    answer = get(server, "/sparql", BROWSER_ACCEPT, query=text)  # the form's answer
    assert answer.status_code == 200
    results = re.search(r"<tbody>(.*?)</tbody>", answer.text, re.S)
    assert results
    assert 'href="/id/kazakhstan"' in results.group(1)
    assert 'href="/id/kyrgyzstan"' in results.group(1)
    assert f"{len(sparql(text).rows)} rows" in answer.text
    # an example fills the form, offline: every resource it loads comes from the server
    page = get(server, "/query", example="states").text
    assert re.search(r'<textarea id="query" name="query"[^>]*>#\+ summary: The states', page)
    assert '<form id="query-form" method="post" action="/sparql">' in page
    assert_loads_only_local(page)
    assert get(server, "/query", example="no-such-query").status_code == 404


def test_query_page_reports_a_syntax_error(server) -> None:
    answer = get(server, "/sparql", BROWSER_ACCEPT, query="SELECT * WHERE { ?s ?p }")
    assert answer.status_code == 400
    assert 'class="error"' in answer.text


REFUSALS = {
    "brackets nested too deep": ("GET", "/sparql", {"query": "ASK " + "{" * 30 + "}" * 30}, 400),
    "no query": ("POST", "/sparql", {"inferred": "true"}, 400),
    "an unknown saved query": ("GET", "/queries/no-such-query", {}, 404),
    "a body over the limit": ("POST", "/sparql", {"query": "#" * 120_000}, 413),
    "an unknown graph": ("GET", "/sparql", {"query": "ASK {}", "default-graph-uri": "urn:x"}, 400),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_refusal_reaches_a_browser_as_a_page(server, case: str) -> None:
    """Refusals that come before any worker runs the query: a browser gets a page of the site
    saying why; a protocol client gets JSON or plain text as before."""
    method, path, params, status = REFUSALS[case]

    def send(accept: str) -> httpx.Response:
        headers = {"Accept": accept}
        if method == "POST":
            return HTTP.post(f"{server.url}{path}", data=params, headers=headers, timeout=30)
        return HTTP.get(f"{server.url}{path}", params=params, headers=headers, timeout=30)

    page = send(BROWSER_ACCEPT)
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    assert page.text.startswith("<!DOCTYPE html>")
    assert re.search(rf'<h1>{status}</h1>\s*<p class="error">[^<]+</p>', page.text), page.text
    machine = send("application/sparql-results+json")
    assert machine.status_code == status
    assert machine.headers["content-type"].startswith("application/json")


def test_a_browser_query_runs_on_the_graphs_it_names(server) -> None:
    """default-graph-uri means on the HTML answer what it means to any client: the triples
    of the reference layer's graph are counted alike on the page and in CSV, and they are
    not the default graph's."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    graph = "https://w3id.org/kazkgz/graph/reference"
    counts = []
    for accept in (BROWSER_ACCEPT, "text/csv"):
        answer = get(server, "/sparql", accept, query=query, **{"default-graph-uri": graph})
        assert answer.status_code == 200
        counts.append(re.findall(r"\d+", answer.text.split("<tbody>")[-1])[0])
    whole = get(server, "/sparql", "text/csv", query=query).text.split()[1]
    assert counts[0] == counts[1] != whole


def test_pages_follow_the_mount_point() -> None:
    """Mounted in another app, the pages link below the mount's path."""
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from kg.server import ServerConfig, create_app

    config = ServerConfig(queries_dir=QUERIES, dist=built_once())
    outer = Starlette(routes=[Mount("/kg", app=create_app(config))])

    async def fetch() -> tuple[str, int]:
        # no lifespan: these routes need no worker
        transport = httpx.ASGITransport(app=outer)
        async with httpx.AsyncClient(transport=transport, base_url="http://kg.test") as client:
            page = await client.get("/kg/id/establishment-of-diplomatic-relations")
            ontology = await client.get("/kg/ontology", headers={"Accept": "text/turtle"})
            return page.text, ontology.status_code

    html, status = asyncio.run(fetch())
    assert 'href="/kg/id/kazakhstan"' in html
    assert 'href="/kg/ontology#EstablishmentOfDiplomaticRelations"' in html
    assert status == 200


# ---------------------------------------------------------------- the layout


@pytest.mark.parametrize(
    "path", ["/", "/id/kazakhstan", "/ontology", "/shapes", "/graph/asserted", "/id/no-such"]
)
def test_every_page_has_the_layout_search_box_and_style_sheet(server, path: str) -> None:
    html = get(server, path, BROWSER_ACCEPT).text
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert '<meta http-equiv="Content-Security-Policy"' in html
    form = re.search(
        r'<form class="search" role="search"[^>]*action="/search">(.*?)</form>', html, re.S
    )
    assert form, "a search box"
    assert '<label for="site-search">' in form.group(1)
    assert '<input type="search" id="site-search" name="q"' in form.group(1)
    assert '<link rel="stylesheet" href="/static/site.css">' in html
    # a keyboard user can skip the navigation
    assert '<a class="skip" href="#main">' in html
    assert '<main id="main">' in html
    assert_loads_only_local(html)


def test_style_sheet_is_served_with_a_cjk_font_stack(server) -> None:
    answer = get(server, "/static/site.css")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/css")
    assert '"Noto Sans CJK SC"' in answer.text
    assert ":lang(zh)" in answer.text
    assert get(server, "/static/no-such.css").status_code == 404


# ---------------------------------------------------------------- /search and /id/


@pytest.mark.parametrize("q", ["托卡耶夫", "Tokayev"])
def test_search_page_finds_the_president(server, q: str) -> None:
    html = get(server, "/search", BROWSER_ACCEPT, q=q).text
    results = re.search(r'<ol class="results" id="results">(.*?)</ol>', html, re.S)
    assert results
    first = results.group(1).split("</li>")[0]
    assert 'href="/id/kassym-jomart-tokayev"' in first
    assert '<span lang="zh">哈斯穆-卓玛尔特·托卡耶夫</span>' in first
    assert 'href="/ontology#Person"' in first  # its class, linked
    assert 'class="hit exact"' in first
    # the query stays in both search boxes
    assert f'id="site-search" name="q" value="{q}"' in html
    assert f'id="q" name="q" value="{q}"' in html


def test_search_as_json_by_accept_and_format(server) -> None:
    for answer in (
        get(server, "/search", "application/json", q="Momunkulov"),
        get(server, "/search", BROWSER_ACCEPT, q="Momunkulov", format="json"),
    ):
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/json")
        found = answer.json()
        assert found["query"] == "Momunkulov"
        first = found["results"][0]
        assert first["iri"] == KK + "zhanat-momynkulov"
        assert first["page"] == "/id/zhanat-momynkulov"
        assert first["labels"] == {"zh": "扎纳特·莫明库洛夫", "en": "Zhanat Momynkulov"}
        assert first["match"] == "near"
        assert "kko:Person" in first["types"]
    folded = get(server, "/search", "application/json", q="мәңгілік").json()
    assert folded["results"][0]["iri"] == KK + "treaty-of-eternal-friendship"
    assert folded["results"][0]["matched"]["lang"] == "kk"


def test_search_bad_input(server) -> None:
    empty = get(server, "/search", BROWSER_ACCEPT)
    assert empty.status_code == 200
    assert 'id="results"' not in empty.text
    assert get(server, "/search", "application/json").status_code == 400
    long = get(server, "/search", BROWSER_ACCEPT, q="x" * 201)
    assert long.status_code == 400
    assert "the limit is 200" in long.text
    assert get(server, "/search", q="a", format="yaml").status_code == 400
    assert get(server, "/search", "image/png", q="a").status_code == 406
    evil = get(server, "/search", BROWSER_ACCEPT, q='<script>alert("x")</script>').text
    assert "<script>alert" not in evil
    nothing = get(server, "/search", BROWSER_ACCEPT, q="Zzyzx").text
    assert "Nothing matches" in nothing


def test_entity_index_lists_classes_with_counts(server) -> None:
    html = get(server, "/id/", BROWSER_ACCEPT).text
    table = re.search(r'<table id="classes">(.*?)</table>', html, re.S)
    assert table
    rows = re.findall(
        r"<tr><td>(.*?)</td><td class=\"count\"><a href=\"([^\"]*)\">(\d+)</a>", table.group(1)
    )
    counts = {
        re.search(r'<span class="curie">([^<]*)</span>', cell).group(1): (href, int(n))
        for cell, href, n in rows
    }
    # the article names four states: 哈萨克斯坦, 吉尔吉斯斯坦, 俄罗斯 and 中国
    assert counts["kko:State"] == ("/id/?class=kko%3AState", 4)
    assert counts["kko:Person"][1] >= 2  # 扎帕罗夫, 托卡耶夫, 莫明库洛夫 ...
    states = get(server, "/id/", BROWSER_ACCEPT, **{"class": "kko:State"}).text
    listed = re.findall(r'<li><a href="(/id/[^"]+)">', states)
    assert sorted(listed) == ["/id/china", "/id/kazakhstan", "/id/kyrgyzstan", "/id/russia"]
    assert '<span lang="zh">哈萨克斯坦</span>' in states
    full = get(server, "/id/", BROWSER_ACCEPT, **{"class": KKO.State}).text
    assert re.findall(r'<li><a href="(/id/[^"]+)">', full) == listed


def test_entity_index_bad_class(server) -> None:
    unknown = get(server, "/id/", BROWSER_ACCEPT, **{"class": "kko:NoSuchClass"})
    assert unknown.status_code == 404
    assert "kko:NoSuchClass" in unknown.text
    assert get(server, "/id/", BROWSER_ACCEPT, **{"class": "nope:X"}).status_code == 400
