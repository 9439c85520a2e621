"""Fault injection: malformed URLs in every attribute a page or a server can hold them in
(href, src, form action, option value, rel=canonical, Location, a JSON API's link).

``http://[x`` and ports above 65535 make Python's URL functions raise ``ValueError``; before
``scrapers.portals.safe_urls`` one such link lost the page's article and every link after it, and
made ``congan extract``/``reextract`` exit 1. The broken page lives in
``tests/data/faults/`` beside the good fixtures.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from congan.cli.main import get_cli
from scrapers.discovery.adapter import ARTICLE, SEED
from scrapers.extract import extract_article
from scrapers.page_context import META_KEY, PageContext
from scrapers.portals.safe_urls import is_well_formed, safe_join
from scrapers.portals.urls import canonicalize, resolve_href, url_host
from spiders.network import NetworkSpider

FAULTS = Path(__file__).parent / "data" / "faults"
PAGE = FAULTS / "malformed-links.html"
DANANG = "http://congan.danang.gov.vn"
URL = f"{DANANG}/tin-tuc/cong-an-bat-giu-doi-tuong-88110.html"
BAD = ("http://[x", "http://congan.danang.gov.vn:99999/a", "http://a.gov.vn:70000/", "//[bad/x", "http://a.vn:abc/")


def test_the_safe_parser_refuses_malformed_urls_and_keeps_good_ones() -> None:
    for href in BAD:
        assert safe_join(URL, href) is None, href
        assert resolve_href(href, URL) is None, href
    assert not is_well_formed("http://[x") and is_well_formed("https://[::1]:8080/a")
    assert resolve_href("/chuyen-muc/an-ninh", URL) == f"{DANANG}/chuyen-muc/an-ninh"
    assert url_host("http://[x") == "" and url_host(URL) == "congan.danang.gov.vn"
    assert canonicalize(URL + "?utm_source=zalo") == URL


def make_spider(data: Path) -> NetworkSpider:
    return NetworkSpider.from_crawler(get_crawler(NetworkSpider, {"CONGAN_DATA": str(data)}))


def response_for(url: str, body: bytes, *, kind: str, headers=None, status: int = 200) -> HtmlResponse:
    meta = {META_KEY: PageContext(site="congan.danang.gov.vn", adapter="generic", kind=kind, hops="L")}
    return HtmlResponse(url, status=status, body=body, encoding="utf-8", request=Request(url, meta=meta),
                        headers=headers)


def test_the_spider_files_the_article_and_follows_the_good_links_of_a_page_with_malformed_ones(data_dir: Path) -> None:
    spider = make_spider(data_dir)
    out = list(spider.parse(response_for(URL, PAGE.read_bytes(), kind=ARTICLE)))
    requested = {r.url for r in out if isinstance(r, Request)}
    items = [o for o in out if not isinstance(o, Request)]
    assert len(items) == 1 and items[0].canonical_url == URL  # the article is filed
    assert f"{DANANG}/chuyen-muc/an-ninh" in requested  # the links after the bad ones are followed
    assert f"{DANANG}/tin-tuc/bai-khac-88120.html" in requested
    assert f"{DANANG}/uploads/anh-1.jpg" in requested  # requisites too
    assert not any("[" in url or "99999" in url or "70000" in url for url in requested)
    stats = spider.crawler.stats.get_stats()
    assert stats["scope/rejected/malformed_url"] >= 7, stats  # every malformed attribute counted
    assert stats["portal/congan.danang.gov.vn/rejected/malformed_url"] == stats["scope/rejected/malformed_url"]
    assert "network/page_errors" not in stats


def test_a_malformed_location_on_a_start_page_is_counted_not_raised(data_dir: Path) -> None:
    spider = make_spider(data_dir)
    response = response_for(f"{DANANG}/", b"", kind=SEED, status=302, headers={"Location": "http://[x/home"})
    assert list(spider.parse(response)) == []
    assert spider.crawler.stats.get_value("scope/rejected/malformed_url") == 1


def test_extraction_keeps_the_article_and_drops_malformed_images_and_links() -> None:
    article = extract_article(PAGE.read_bytes(), URL, headers={"Content-Type": "text/html; charset=utf-8"})
    assert article.title == "Công an Đà Nẵng bắt giữ đối tượng trộm cắp tài sản"
    assert "chợ Hàn" in article.body
    assert [image.url for image in article.images] == [f"{DANANG}/uploads/anh-1.jpg"]
    assert all(is_well_formed(a.url) for a in article.attachments)
    assert f"{DANANG}/files/thong-bao.pdf" in [a.url for a in article.attachments]


def test_congan_extract_of_the_page_exits_0() -> None:
    result = CliRunner().invoke(get_cli(), ["extract", str(PAGE), "--url", URL])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["title"].startswith("Công an Đà Nẵng")
