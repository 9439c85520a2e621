"""A researcher's session in a real browser (Debian's chromium via Playwright), over a crawl and
a re-crawl of the simulated network: search without diacritics, narrow by the timeline and a
province, open an article and its versions, export the result as CSV and XLSX, and switch to
the archived page with its Vietnamese banner. Each step leaves a screenshot in
``build/screenshots/researcher/`` for review."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from browser_support import NEEDS_CHROMIUM, loopback_page

from archive.corpus.export import CSV_COLUMNS
from archive.paths import DataDir
from archive.replay.server import ReplayServer
from congan.web import WebConfig, create_app

pytestmark = [pytest.mark.browser, pytest.mark.slow, NEEDS_CHROMIUM]

SHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots" / "researcher"


@pytest.fixture(scope="module")
def sites(network_recrawl, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ReplayServer]]:
    """(web interface URL, replay server) over the re-crawl (read-only overlay)."""
    from werkzeug.serving import make_server

    root = tmp_path_factory.mktemp("researcher") / "data"
    root.mkdir()
    for part in ("collections", "corpus", "search"):
        (root / part).symlink_to(network_recrawl.data_dir / part, target_is_directory=True)
    data = DataDir(root)
    holder = {}
    httpd = make_server(
        "127.0.0.1", 0, lambda environ, start: holder["app"](environ, start), threaded=True  # noqa: PLW0108 (set later)
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


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert (SHOTS / f"{name}.png").stat().st_size > 5000


def total(page) -> int:
    return int(page.inner_text("#total").split()[0])


def ids(page) -> list[str]:
    return page.locator("li.hit").evaluate_all("els => els.map(e => e.dataset.id)")


def download(page, selector: str, where: Path) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    target = where / info.value.suggested_filename
    info.value.save_as(str(target))
    return target.read_bytes()


def test_a_researchers_session(sites, network_recrawl, tmp_path: Path) -> None:
    web, _replay = sites
    records = [json.loads(line) for line in
               (network_recrawl.data_dir / "corpus" / "articles.jsonl").read_text("utf-8").splitlines()]
    with loopback_page() as page:
        page.set_viewport_size({"width": 1280, "height": 900})
        # 1. search without diacritics: accented titles are found
        page.goto(web + "/")
        page.fill("#q", "cong an")
        page.click("#search-button")
        page.wait_for_selector("#total")
        everything = total(page)
        assert everything > 20 and page.locator("li.hit").count() == 20
        assert "Công an" in unicodedata.normalize("NFC", page.inner_text(".hits"))
        assert page.locator("#pager a.page").count() >= 1  # numbered pages
        shot(page, "01-search-without-diacritics")

        # 2. the timeline: the busiest month narrows the search to that month
        bars = page.locator("#timeline a")
        assert bars.count() >= 2
        counts = bars.evaluate_all("els => els.map(e => parseInt(e.querySelector('title').textContent.split(': ')[1]))")
        busiest = counts.index(max(counts))
        label = bars.nth(busiest).locator("rect.bar").get_attribute("data-label")
        with page.expect_navigation():
            bars.nth(busiest).click()
        assert page.input_value("#since") == label and page.input_value("#until") == label
        assert total(page) == max(counts) < everything
        month, year = label.split("/")
        for meta in page.locator("li.hit p.meta").all_inner_texts():
            assert re.match(rf"\d\d/{month}/{year}", meta), meta
        shot(page, "02-timeline-month")

        # 3. a province bar (pre-2025 units) narrows it further
        province = page.locator("#provinces a").first
        name = province.locator("text").first.text_content() or ""
        with page.expect_navigation():
            province.click()
        assert f"Tỉnh: {name}" in page.inner_text(".active-filters")
        narrowed = total(page)
        assert 1 <= narrowed <= max(counts)
        shot(page, "03-province")

        # 4. export the result: CSV (BOM, the columns of `congan export`) and XLSX, Vietnamese intact
        shown = set(ids(page))
        raw = download(page, "#export-csv", tmp_path)
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8").removeprefix("\ufeff"))))
        assert tuple(rows[0]) == CSV_COLUMNS and len(rows) - 1 == narrowed
        assert {r[0] for r in rows[1:]} >= shown
        by_id = {r["id"]: r for r in records}
        for row in rows[1:]:
            assert row[CSV_COLUMNS.index("title")] == by_id[row[0]]["title"]  # NFC text, diacritics kept
            assert row[CSV_COLUMNS.index("province")] == name
        openpyxl = pytest.importorskip("openpyxl")
        sheet = openpyxl.load_workbook(io.BytesIO(download(page, "#export-xlsx", tmp_path))).active
        assert [[c or "" for c in r] for r in sheet.iter_rows(values_only=True)] == rows

        # 5. open an article; then one the re-crawl changed: both versions are listed
        with page.expect_navigation():
            page.locator("li.hit a.hit-title").first.click()
        page.wait_for_selector("#article-title")
        assert page.locator("#versions tbody tr").count() >= 1
        shot(page, "04-article")
        changed = next(r for r in records if r["version"] >= 2 and "/api/" not in r["url"])
        page.goto(f"{web}/articles/{changed['id']}")
        versions = page.locator("#versions tbody tr")
        assert versions.count() >= 2
        assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", versions.first.inner_text())  # one date style
        shot(page, "05-article-versions")

        # 6. switch to the archived page: the banner says when it was captured (Vietnam time)
        stamp = page.get_attribute("#replay-link", "href").split("/congan/", 1)[1].split("/", 1)[0]
        with page.expect_navigation():
            page.click("#replay-link")
        banner = page.wait_for_selector("#congan-banner", state="visible")
        vietnam = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC) + timedelta(hours=7)
        assert vietnam.strftime("%d/%m/%Y %H:%M") in unicodedata.normalize("NFC", banner.inner_text())
        shot(page, "06-replay-banner")

        # the same search on a phone: results come before the filters
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(web + "/?q=cong+an")
        results_top = page.locator("section.results").bounding_box()
        facets_top = page.locator("#facets").bounding_box()
        assert results_top and facets_top and results_top["y"] < facets_top["y"]
        shot(page, "07-phone")
