"""The pages in a real headless browser (Debian's chromium) on a real ``kg serve``: a saved
query's page, as a browser asks for it (text/html first), shows its rows and its form submits
a parameter; the workbench (YASGUI) runs every saved query and shows the rows of
``kg.run_query`` (which are ``kg query``'s: tests/test_saved_query_paths.py);
no request leaves the machine and the Content-Security-Policy refuses nothing."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from cdp import HEADLESS, Browser, browser, find_chromium
from server_helpers import QUERIES, REPO, running_server
from stores.normal import normal_rows
from test_saved_queries import list_columns

from kg import MissingParameterError, QueryResult, list_queries, run_query, sparql
from kg.core.paths import default_sources
from kg.stores import result_from_json

SOURCES = default_sources()
FIXTURE_SOURCES = type(SOURCES)(**{**SOURCES.__dict__, "queries_dir": QUERIES})


def dump_dom(browser: str, url: str, profile: Path) -> str:
    """The DOM of ``url`` after its scripts ran (virtual time lets the fetch finish)."""
    argv = [
        browser,
        *HEADLESS,
        f"--user-data-dir={profile}",
        "--virtual-time-budget=5000",
        "--dump-dom",
        url,
    ]
    done = subprocess.run(argv, capture_output=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done.stdout.decode("utf-8")


def test_browser_opens_a_saved_query_page_and_sees_rows(tmp_path: Path) -> None:
    browser = find_chromium()
    saved = next(q for q in list_queries(FIXTURE_SOURCES) if q.name == "states")
    expected = sparql(saved.text).rows
    with running_server(tmp_path, "--workers", "1") as server:
        dom = dump_dom(browser, f"{server.url}/queries/states", tmp_path / "p")
    results = re.search(r"<tbody>(.*?)</tbody>", dom, re.S)
    assert results, dom[-3000:]
    rows = re.findall(r"<tr>(.*?)</tr>", results.group(1), re.S)
    assert len(rows) == len(expected) > 0
    for row in expected:
        slug = str(row["state"]).rsplit("/", 1)[1]
        assert f'href="/id/{slug}"' in results.group(1)
        assert f'lang="en">{row["label"]}</span>' in results.group(1)


# ---------------------------------------------------------------- the workbench (YASGUI)

BROWSER_QUERIES = sorted((REPO / "queries").glob("*.rq"))
# a script run before each page's own: it keeps what the Content-Security-Policy refused
KEEP_VIOLATIONS = """
window.kgViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.kgViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""
# the answer the workbench's current tab shows, as a SPARQL JSON document (null: none yet)
ANSWER = """(() => {
  if (document.getElementById('yasgui').dataset.state !== 'answered') return null;
  const yasr = window.kgWorkbench.getTab().getYasr();
  const results = yasr && yasr.results;
  if (!results) return null;
  if (results.getError()) return {error: results.getError().text || 'error'};
  return {head: {vars: results.getVariables()}, results: {bindings: results.getBindings()}};
})()"""


def wait_until(page: Browser, expression: str, timeout: float = 30) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def only_local(page: Browser, server_url: str) -> None:
    """No request of the page left this machine's server, and the policy refused nothing."""
    elsewhere = [u for u in page.requested() if not u.startswith((server_url, "data:"))]
    assert elsewhere == []
    assert page.evaluate("window.kgViolations") == []


@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory):
    env = {"KG_HOME": str(REPO), "KG_QUERIES_DIR": str(REPO / "queries")}
    folder = tmp_path_factory.mktemp("browser")
    with running_server(folder, "--workers", "1", env=env) as running:
        yield running


@pytest.fixture(scope="module")
def page(real_server, tmp_path_factory: pytest.TempPathFactory):
    find_chromium()
    with browser(tmp_path_factory.mktemp("profile")) as opened:
        opened.call("Page.addScriptToEvaluateOnNewDocument", source=KEEP_VIOLATIONS)
        yield opened


def test_the_workbench_runs_a_query_and_shows_rows(real_server, page: Browser) -> None:
    page.navigate(f"{real_server.url}/query?example=exports&autorun=1")
    answer = wait_until(page, ANSWER)
    assert isinstance(answer, dict)
    # the article: 12.6亿美元 from Kazakhstan, 4.56亿美元 from Kyrgyzstan, in 2024
    amounts = sorted(float(row["amount"]["value"]) for row in answer["results"]["bindings"])
    assert amounts == [456_000_000, 1_260_000_000]
    cells = wait_until(
        page, "Array.from(document.querySelectorAll('#yasgui tbody tr')).map(r => r.innerText)"
    )
    assert isinstance(cells, list)
    assert len(cells) == 2
    assert any("kk:obs-exports-kazakhstan-to-kyrgyzstan-2024" in row for row in cells)
    # each tagged literal's cell says its language: the exporter 哈萨克斯坦 (zh), Kazakhstan (en)
    tagged = page.evaluate(
        "Array.from(document.querySelectorAll('#yasgui tbody span.nonIri[lang]'))"
        ".map(s => [s.lang, s.textContent])"
    )
    assert ["zh", '"哈萨克斯坦"@zh'] in tagged
    assert ["en", '"Kazakhstan"@en'] in tagged
    assert all(text.endswith(f"@{lang}") for lang, text in tagged)
    # a project IRI in the table opens this server's page of it
    page.evaluate("window.open = (url) => { window.kgOpened = url; }")
    page.evaluate("document.querySelector('#yasgui tbody a[href*=\"obs-exports\"]').click()")
    opened = page.evaluate("window.kgOpened")
    assert opened.startswith("/id/obs-exports-")
    csv = page.evaluate("document.querySelector('#downloads a[data-format=csv]').href")
    assert csv.startswith(f"{real_server.url}/sparql?query=")
    assert page.evaluate("document.getElementById('plain-form').hidden") is True
    terms = wait_until(page, "fetch('/query/terms').then(r => r.json()).then(t => t.classes)")
    assert "https://w3id.org/kazkgz/ontology#TradeFigure" in terms  # type: ignore[operator]
    only_local(page, real_server.url)


def test_a_saved_query_form_submits_a_parameter(real_server, page: Browser) -> None:
    page.navigate(f"{real_server.url}/queries/exports")
    assert page.evaluate("document.getElementById('param-year').value") == "2024"

    def submit(year: str) -> str:
        page.evaluate(f"document.getElementById('param-year').value = '{year}'")
        page.events = [e for e in page.events if e["method"] != "Page.loadEventFired"]
        page.evaluate("document.getElementById('run').click()")
        page.wait_for("Page.loadEventFired")
        text: str = page.evaluate("document.getElementById('answer').innerText")
        return text

    # the article gives the export figures of 2024 only
    assert "0 rows" in submit("2023")
    assert page.evaluate("location.search") == "?year=2023"
    shown = submit("2024")
    assert "2 rows" in shown
    assert "1260000000" in shown
    assert "456000000" in shown
    # a table wider than the window scrolls in its own box: the page never scrolls sideways
    width = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    scrolled, window = page.evaluate(width)
    assert scrolled <= window
    only_local(page, real_server.url)


@pytest.mark.parametrize("file", BROWSER_QUERIES, ids=lambda f: f.stem)
def test_the_workbench_gives_the_rows_of_kg_query(real_server, page: Browser, file) -> None:
    """The rows of run_query, which are kg query's (tests/test_saved_query_paths.py)."""
    try:
        reference: QueryResult | None = run_query(file.stem, paths=default_sources(REPO))
    except MissingParameterError as missing:
        reference, needed = None, missing.names
    page.navigate(f"{real_server.url}/query?example={file.stem}&autorun=1")
    answer = wait_until(page, ANSWER)
    assert isinstance(answer, dict)
    if reference is None:  # a parameter without a default: refused, naming it
        assert all(name in answer["error"] for name in needed)
        return
    columns = list_columns(file.read_text(encoding="utf-8"))
    expected = Counter(normal_rows(reference, columns))
    got = Counter(normal_rows(result_from_json(json.dumps(answer)), columns))
    assert got == expected
