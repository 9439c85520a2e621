"""The web UI researchers and archivists use: charts, numbered pages, export, one date
style, Vietnamese errors, the crawl and portal pages (Flask test client)."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from search_corpus import corpus

from archive.control.history import CrawlHistory
from archive.control.registry_state import RegistryState
from archive.corpus.export import CSV_COLUMNS
from archive.paths import DataDir
from archive.search import SearchIndex
from congan.web import WebConfig, create_app

REPLAY = "http://127.0.0.1:18090"
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    data = DataDir(tmp_path_factory.mktemp("webpages") / "data")
    SearchIndex.rebuild(data.search_db, corpus())
    return data


@pytest.fixture(scope="module")
def client(data: DataDir):
    return create_app(WebConfig.build(data, REPLAY)).test_client()


def text(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    return response.get_data(as_text=True)


def test_timeline_months_link_to_a_month_filter(client) -> None:
    page = text(client, "/?q=cong+an")
    assert 'id="timeline"' in page and "<svg" in page and "<script" not in page
    months = re.findall(r'href="(/\?[^"]*since=(\d\d)%2F(\d{4})[^"]*)"', page)
    assert months
    href, month, year = months[0]
    filtered = text(client, href.replace("&amp;", "&"))
    published = re.findall(r'<p class="meta">(\d\d)/(\d\d)/(\d{4})', filtered)
    assert published and all((m, y) == (month, year) for _, m, y in published)


def test_province_bars_before_and_after_2025_filter_the_search(client) -> None:
    page = text(client, "/?q=cong+an")
    assert 'id="provinces"' in page and 'id="provinces-2025"' in page
    bar = re.search(r'<a href="(/\?[^"]*province=[^"]*)"><text[^>]*>Quảng Nam</text>', page)
    assert bar
    narrowed = text(client, bar.group(1).replace("&amp;", "&"))
    assert "Tỉnh: Quảng Nam ×" in narrowed


def test_numbered_pages_and_out_of_range_page(client) -> None:
    page = text(client, "/?q=&limit=3")
    pager = re.search(r'<nav class="pager".*?</nav>', page, re.S)
    assert pager and '<strong class="current" aria-current="page">1</strong>' in pager.group(0)
    numbers = [int(n) for n in re.findall(r'class="page" href="[^"]*">(\d+)</a>', pager.group(0))]
    assert 2 in numbers and max(numbers) > 3  # the last page is always linked
    last = max(numbers)
    past = text(client, f"/?q=&limit=3&page={last + 50}")
    assert f"Không có trang {last + 50}: kết quả chỉ có {last} trang." in past
    assert f"page={last}" in past
    assert "Số trang phải từ 1 trở lên." in text(client, "/?q=x&page=0", 400)
    assert "Số trang phải là một số nguyên" in text(client, "/?page=abc", 400)


def test_errors_are_vietnamese_without_cli_syntax(client) -> None:
    swapped = text(client, "/?q=x&since=01/01/2025&until=01/01/2020", 400)
    assert "Ngày bắt đầu (01/01/2025) sau ngày kết thúc (01/01/2020)" in swapped
    assert "--since" not in swapped and "--until" not in swapped
    assert "Không hiểu ngày" in text(client, "/?q=x&since=hôm+qua", 400)


def test_one_date_style_on_pages(client) -> None:
    article = text(client, "/articles/tq-script")
    main = article.split("<main>", 1)[1]
    assert not ISO.search(re.sub(r'href="[^"]*"|src="[^"]*"', "", main))  # ISO only in the API
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d / \d\d/\d\d/\d{4} \d\d:\d\d", main)  # first / last captured


def test_export_of_the_current_query(client) -> None:
    page = text(client, "/?q=cong+an&province=Đà+Nẵng")
    link = re.search(r'id="export-csv" href="([^"]+)"', page)
    assert link and link.group(1).startswith("/export.csv?")
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8").removeprefix("\ufeff"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert {r[0] for r in rows[1:]} == {"dn-cobac", "qn-anninh"}
    assert all("Đà Nẵng" in (r[3], r[4]) for r in rows[1:])
    openpyxl = pytest.importorskip("openpyxl")
    xlsx = client.get(link.group(1).replace("&amp;", "&").replace("/export.csv", "/export.xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.get_data())).active
    assert [[c or "" for c in r] for r in sheet.iter_rows(values_only=True)] == rows
    assert client.get("/export.exe?q=x").status_code == 404


def test_crawl_page_and_portal_page_show_health_and_risk_evidence(data: DataDir, client) -> None:
    history = CrawlHistory(data)
    crawl_id = "20260701-010000-web"
    history.start(crawl_id, params={}, schedule=None, pid=1)
    report = data.crawl_dir(crawl_id) / "report.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        '{"totals": {"pages": 30, "articles": 9}, "frontier": {"pending": 4},'
        ' "extraction": {"counts": {}, "health": {"congan.hanoi.gov.vn": {"articles": 9, "fill":'
        ' {"title": 1.0, "date": 0.5}, "flagged": true, "reasons": ["date"]}}},'
        ' "portals": {"congan.hanoi.gov.vn": {"pages": 30, "articles": 9, "new": 9, "errors": {"http_503": 2,'
        ' "TimeoutError": 1}, "robots_denied": 3, "skipped": 5, "status": {"200": 20, "304": 5, "404": 3, "503": 2}}},'
        ' "deferred": {"congan.hanoi.gov.vn": {"count": 7, "until": "2026-07-01T09:00:00+07:00",'
        ' "reason": "Retry-After"}}}',
        encoding="utf-8",
    )
    history.finish(crawl_id, "finished", report)
    page = text(client, f"/crawls/{crawl_id}")
    assert 'id="crawl-health"' in page and 'data-kind="failed"' in page and 'data-kind="not_modified"' in page
    row = re.search(r'<tr data-site="congan.hanoi.gov.vn">.*?</tr>', page, re.S).group(0)
    assert "http_503: 2" in row and "TimeoutError: 1" in row and "title 100%" in row and "cần xem lại" in row
    assert "robots.txt chặn 3" in row and "<td>5" in row  # deferred work: skipped by backoff
    assert "7 địa chỉ để lại cho đợt sau (từ 01/07/2026 09:00)" in row
    assert f'href="/crawls/{crawl_id}"' in text(client, "/crawls")

    state = RegistryState.open(data)
    now = datetime.now(UTC)
    state.record_live("congan.hanoi.gov.vn", now - timedelta(days=1), crawl_id="c1")
    state.record_error("congan.hanoi.gov.vn", "HTTP 503 on /a", now - timedelta(days=1), crawl_id="c1")
    state.record_live("congan.hanoi.gov.vn", now - timedelta(hours=1), crawl_id=crawl_id)
    state.record_error("congan.hanoi.gov.vn", "HTTP 503 on /b", now - timedelta(minutes=50), crawl_id=crawl_id)
    portal = text(client, "/portals/congan.hanoi.gov.vn")
    assert "tự gặp lỗi trong 2 đợt thu thập" in portal
    assert portal.count("HTTP 503 on /") == 2 + 2  # the evidence table and the status history
    assert 'id="portal-health"' in portal and f'href="/crawls/{crawl_id}"' in portal
    portals = text(client, "/portals")
    assert 'class="at-risk"' in portals and "304" in portals  # the rule is spelled out
    assert client.get("/portals/nosuch.example").status_code == 404
