"""The pages in a real headless browser (Debian's chromium): a saved query's page, as a
browser asks for it (text/html first), shows its rows."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from cdp import HEADLESS, find_chromium
from server_helpers import QUERIES, running_server

from kg import list_queries, sparql
from kg.core.paths import default_sources

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
