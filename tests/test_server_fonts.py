"""What a Chinese reader sees, in a real headless chromium against a real ``kg serve``: the
Chinese labels are drawn with a CJK font (Debian's fonts-noto-cjk, which
tools/system-packages.sh installs), not as boxes; the search box on a page finds the
President by his Chinese and English names; and no request leaves 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cdp import browser
from server_helpers import running_server

CHINESE = "哈萨克斯坦"  # the article's name of Kazakhstan, five ideographs

WIDTHS = """
(() => {
  const heading = document.querySelector('h1 span[lang="zh"]');
  const style = getComputedStyle(heading);
  const probe = (text) => {
    const span = document.createElement('span');
    span.lang = 'zh';
    span.textContent = text;
    heading.parentNode.appendChild(span);
    const width = span.getBoundingClientRect().width;
    span.remove();
    return width;
  };
  return {
    text: heading.textContent,
    family: style.fontFamily,
    size: parseFloat(style.fontSize),
    chinese: probe(CHINESE),
  };
})()
""".replace("CHINESE", repr(CHINESE))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    with running_server(tmp_path_factory.mktemp("fonts"), "--workers", "1") as running:
        yield running


def _platform_fonts(page, selector: str) -> list[dict]:
    root = page.call("DOM.getDocument")["root"]["nodeId"]
    node = page.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
    assert node, selector
    return page.call("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]


def test_chinese_labels_are_drawn_with_a_cjk_font(server, tmp_path: Path) -> None:
    with browser(tmp_path / "profile") as page:
        page.navigate(f"{server.url}/id/kazakhstan")
        measured = page.evaluate(WIDTHS)
        fonts = _platform_fonts(page, 'h1 span[lang="zh"]')
        requested = page.requested()
    assert measured["text"] == CHINESE
    assert "Noto Sans CJK SC" in measured["family"]  # the style sheet's stack applies
    # the glyphs come from a CJK font, one glyph per ideograph
    assert fonts, "no font drew the heading"
    assert all("CJK" in f["familyName"] for f in fonts), fonts
    assert sum(f["glyphCount"] for f in fonts) == len(CHINESE)
    # each ideograph one em wide, as a CJK font draws it
    size = measured["size"]
    assert abs(measured["chinese"] - len(CHINESE) * size) <= 0.05 * len(CHINESE) * size, measured
    # the page, its style sheet and nothing else, all from this server
    assert f"{server.url}/static/site.css" in requested
    _all_local(requested)


@pytest.mark.parametrize("name", ["托卡耶夫", "Tokayev", "Momunkulov"])
def test_search_box_on_a_page_finds_by_name(server, tmp_path: Path, name: str) -> None:
    expected = {
        "托卡耶夫": "/id/kassym-jomart-tokayev",
        "Tokayev": "/id/kassym-jomart-tokayev",
        "Momunkulov": "/id/zhanat-momynkulov",
    }[name]
    with browser(tmp_path / "profile") as page:
        page.navigate(f"{server.url}/id/kyrgyzstan")
        page.evaluate(
            "(() => { const box = document.getElementById('site-search');"
            f" box.value = {name!r}; box.form.requestSubmit(); return true; }})()"
        )
        page.wait_for("Page.loadEventFired")
        found = page.evaluate(
            "[location.pathname, document.querySelector('#results li a').getAttribute('href'),"
            " document.querySelector('#results li a').textContent]"
        )
        requested = page.requested()
    assert found[0] == "/search"
    assert found[1] == expected
    if name == "托卡耶夫":
        assert "托卡耶夫" in found[2]
    _all_local(requested)


def _all_local(urls: list[str]) -> None:
    assert urls
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme in {"http", "data", "about"}, url
        if parts.scheme == "http":
            assert parts.hostname == "127.0.0.1", url
