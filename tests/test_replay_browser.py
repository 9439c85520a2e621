"""In a real headless browser (Debian's chromium via Playwright): an article page of the web
interface links to its archived capture, and following the link shows the archived page from
pywb, with its image loaded from the archive and nothing fetched from outside 127.0.0.1.

Runs on the shared ``network_crawl`` (read-only: an overlay data directory links to its
collection, corpus and search index).
"""

from __future__ import annotations

import contextlib
import json
import threading
import unicodedata
from collections.abc import Iterator
from datetime import UTC

import pytest
from browser_support import NEEDS_CHROMIUM, loopback_page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from archive.paths import DataDir
from archive.replay.server import ReplayServer
from congan.web import WebConfig, create_app

pytestmark = [pytest.mark.browser, pytest.mark.slow, NEEDS_CHROMIUM]


@pytest.fixture(scope="module")
def sites(network_crawl, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ReplayServer]]:
    """(web interface URL, replay server) over the crawl."""
    from werkzeug.serving import make_server

    root = tmp_path_factory.mktemp("replay_browser") / "data"
    root.mkdir()
    for part in ("collections", "corpus", "search"):
        (root / part).symlink_to(network_crawl.data_dir / part, target_is_directory=True)
    data = DataDir(root)
    # the web interface's address is known first: the replay banner links back to it
    holder = {}
    httpd = make_server(
        "127.0.0.1", 0, lambda environ, start: holder["app"](environ, start), threaded=True,  # noqa: PLW0108 - late lookup
    )
    web = f"http://127.0.0.1:{httpd.server_port}"
    with ReplayServer(data, port=0, serve_url=web) as replay:
        holder["app"] = create_app(WebConfig.build(data, replay.base_url))
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield web, replay
        finally:
            httpd.shutdown()
            thread.join(5)


@pytest.fixture(scope="module")
def page(sites):
    with loopback_page() as page:
        yield page


def test_view_archived_page_link_opens_the_capture(sites, page, network_crawl) -> None:
    web, replay = sites
    records = [
        json.loads(line)
        for line in (network_crawl.data_dir / "corpus" / "articles.jsonl").read_text("utf-8").splitlines()
    ]
    record = next(r for r in records if r["images"] and "/api/" not in r["url"])
    page.goto(f"{web}/articles/{record['id']}")
    page.wait_for_selector("#replay-link")
    images: list[tuple[str, int]] = []
    page.on("response", lambda r: images.append((r.url, r.status)) if r.request.resource_type == "image" else None)
    with page.expect_navigation():
        page.click("#replay-link")
    assert page.url.startswith(f"{replay.base_url}/congan/{record['capture']['timestamp']}/")
    page.wait_for_load_state("load")
    shown = unicodedata.normalize("NFC", page.inner_text("body"))
    assert record["title"] in shown
    # pywb's wombat shows scripts the original src; the browser really loaded it from replay
    assert page.evaluate("() => Array.from(document.images).some(i => i.complete && i.naturalWidth > 0)")
    archived = f"{replay.base_url}/congan/"
    assert any(url.startswith(archived) and url.endswith(record["images"][0]["url"]) and status == 200
               for url, status in images), images


def test_replayed_article_shows_the_vietnamese_banner(sites, page, network_crawl, tmp_path) -> None:
    """The banner a visitor sees on top of a replayed article: capture date and time in
    Vietnam time, the capture count, the other captures, the way back to the article page."""
    from datetime import datetime, timedelta

    web, replay = sites
    records = [
        json.loads(line)
        for line in (network_crawl.data_dir / "corpus" / "articles.jsonl").read_text("utf-8").splitlines()
    ]
    record = next(r for r in records if "/api/" not in r["url"])
    stamp = record["capture"]["timestamp"]
    page.goto(replay.url_for(record["url"], stamp))
    banner = page.wait_for_selector("#congan-banner", state="visible")
    page.screenshot(path=str(tmp_path / "replay-banner.png"))
    shown = unicodedata.normalize("NFC", banner.inner_text())
    vietnam = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC) + timedelta(hours=7)
    assert vietnam.strftime("%d/%m/%Y %H:%M") in shown, shown
    assert "Trang lưu trữ" in shown and "giờ Việt Nam" in shown
    assert "bản lưu" in shown and page.locator("#congan-banner-all").count() == 1
    # the banner sits at the top of the visible page (inside the body's margin), above the archived content
    box = banner.bounding_box()
    assert box is not None and box["y"] <= 10 and box["height"] > 20
    assert page.locator("#congan-banner-article").get_attribute("href") == f"{web}/articles/{record['id']}"
    assert (tmp_path / "replay-banner.png").stat().st_size > 5000


def test_an_article_of_every_portal_replays_readable(sites, page, network_crawl) -> None:
    """Whatever the portal's encoding (windows-1258 declared only in a meta tag, NFD text,
    gzip): its replayed article shows the title as the corpus has it, not mojibake."""
    _, replay = sites
    records = [
        json.loads(line)
        for line in (network_crawl.data_dir / "corpus" / "articles.jsonl").read_text("utf-8").splitlines()
    ]
    first_per_site: dict[str, dict] = {}
    for record in records:
        # an article filed from a JSON answer has a script shell for a page (the simulated
        # portal ships no framework to fill it in, live or replayed): not this test's case
        if "/api/" not in record["url"] and not record.get("removed") and record["extraction"]["method"] != "json":
            first_per_site.setdefault(record["site"], record)
    unreadable = {}
    for site, record in sorted(first_per_site.items()):
        page.goto(replay.url_for(record["url"], record["capture"]["timestamp"]))
        page.wait_for_load_state("load")
        with contextlib.suppress(PlaywrightTimeout):  # a script-driven page fills itself in after load
            page.wait_for_function("t => document.body.innerText.normalize('NFC').includes(t)",
                                   arg=record["title"], timeout=10_000)
        shown = unicodedata.normalize("NFC", page.inner_text("body"))
        if record["title"] not in shown:
            unreadable[site] = shown[:300]
    assert len(first_per_site) >= 8 and unreadable == {}, unreadable
