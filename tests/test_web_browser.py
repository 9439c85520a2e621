"""The web interface in a real headless browser (Debian's chromium driven by Playwright):
search, filter with a facet and dates, open an article, archived <script> never runs."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from browser_support import NEEDS_CHROMIUM, loopback_page
from search_corpus import corpus

from archive.paths import DataDir
from archive.search import SearchIndex
from congan.web import WebConfig, create_app

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from werkzeug.serving import make_server

    data = DataDir(tmp_path_factory.mktemp("browser") / "data")
    SearchIndex.rebuild(data.search_db, corpus())
    app = create_app(WebConfig.build(data, "http://127.0.0.1:9"))  # nothing listens there
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(5)


@pytest.fixture(scope="module")
def page(server: str):
    with loopback_page() as page:
        yield page


def test_search_filter_and_open_an_article(server: str, page) -> None:
    page.goto(server + "/")
    page.fill("#q", "an ninh")
    page.click("#search-button")
    page.wait_for_selector("#total")
    total = int(page.inner_text("#total").split()[0])
    assert total > 20
    assert page.locator("li.hit").count() == 20
    assert page.locator("li.hit mark").first.inner_text().lower() == "an ninh"  # the phrase marked whole

    # filter by a facet value: the pre-2025 province Quảng Nam
    page.click('[data-facet="province"] a:text-is("Quảng Nam")')
    page.wait_for_selector("a.chip")
    assert "Tỉnh: Quảng Nam" in page.inner_text(".active-filters")
    assert sorted(page.locator("li.hit").evaluate_all("els => els.map(e => e.dataset.id)")) == ["qn-anninh", "qn-tratu"]

    # narrow by date (day first, as Vietnamese write dates); the province filter stays
    page.fill("#since", "01/01/2025")
    page.press("#since", "Enter")
    page.wait_for_selector("#total")
    assert page.locator("li.hit").evaluate_all("els => els.map(e => e.dataset.id)") == ["qn-tratu"]

    # open an article whose archived title carries a <script>
    page.click("a.chip")  # drop the province filter
    page.wait_for_selector("li.hit")
    page.fill("#q", "canh bao lua dao qua mang")
    page.fill("#since", "")
    page.click("#search-button")
    page.click('li.hit[data-id="tq-script"] a.hit-title')
    page.wait_for_selector("#article-title")
    assert "<script>window.__pwned = 1</script>" in page.inner_text("#article-title")
    assert page.evaluate("() => window.__pwned") is None
    assert page.get_attribute("#replay-link", "href").startswith("http://127.0.0.1:9/congan/20250915010203/")
    assert "Các phiên bản" in page.content()
