"""scrapers.discovery.classify: article or not from the page itself, on hand-made pages of
CMSs no adapter knows (fixtures in tests/data/classify/), and the planner's use of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.config import NetworkConfig
from scrapers.discovery.adapter import ARTICLE, LISTING, Page
from scrapers.discovery.classify import ARTICLE as ARTICLE_VERDICT
from scrapers.discovery.classify import LISTING as LISTING_VERDICT
from scrapers.discovery.classify import SHELL, UNSURE, classify_page
from scrapers.families import get_adapter
from scrapers.portals.registry import load_registry
from spiders.planner import CrawlPlanner, page_is_article

FIXTURES = Path(__file__).parent / "data" / "classify"
URL = "http://congan.khongro.gov.vn/trang/muc-12"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "kind"), [
    ("article_plain.html", ARTICLE_VERDICT),  # div layout, weekday date, related links beside it
    ("article_jsonld.html", ARTICLE_VERDICT),  # short body, JSON-LD NewsArticle inside @graph
    ("article_short.html", ARTICLE_VERDICT),  # a notice of two lines: heading + date in words
    ("article_nfd_table.html", ARTICLE_VERDICT),  # NFD text, table layout, <P> never closed
    # the title is no heading, the nearest links before the text a breadcrumb with a long category name
    ("article_breadcrumb.html", ARTICLE_VERDICT),
    ("listing_plain.html", LISTING_VERDICT),  # a list of headlines with dates
    ("listing_excerpts.html", LISTING_VERDICT),  # headline + excerpt per item, all in one block
    ("home.html", LISTING_VERDICT),  # teasers, header clock "Hôm nay: ..." (not a date of its own)
    ("category_index.html", LISTING_VERDICT),  # a page of category links
    ("search.html", LISTING_VERDICT),  # search results: repeated excerpts behind headlines
    ("listing_last_page.html", LISTING_VERDICT),  # the last page of a listing: one headline + summary
    ("shell.html", SHELL),  # {{item.Title}}: the text comes from an API later
    ("about.html", UNSURE),  # long text but no date: not decided by the page (URL hints decide)
])
def test_the_page_says_what_it_is(name: str, kind: str) -> None:
    verdict = classify_page(fixture(name), URL)
    assert verdict.kind == kind, verdict


def test_a_menu_link_above_the_text_is_no_headline() -> None:
    # the breadcrumb replaced by the menu's category link alone, in a heading (custom/vnpt variants)
    trail = ('<a href="http://congan.khongro.gov.vn/">Trang chủ</a> / '
             '<a href="/muc/an-ninh-trat-tu-tren-dia-ban-tinh">An ninh trật tự trên địa bàn tỉnh</a>')
    page = fixture("article_breadcrumb.html")
    assert trail in page
    category = page.replace(trail, '<h3><a href="/muc/an-ninh-trat-tu-tren-dia-ban-tinh">'
                                   "An ninh trật tự trên địa bàn tỉnh</a></h3>")
    assert classify_page(category, URL).kind == ARTICLE_VERDICT
    # a link the page holds once is still a headline: the same block under it is a teaser
    alone = category.replace('<li><a href="/muc/an-ninh-trat-tu-tren-dia-ban-tinh">An ninh trật tự trên địa bàn tỉnh'
                             '</a></li>', "")
    assert classify_page(alone, URL).kind == LISTING_VERDICT


def test_a_verdict_is_a_function_of_the_page_only() -> None:
    text = fixture("article_plain.html")
    assert classify_page(text, URL) == classify_page(text, URL)
    assert classify_page(text, URL).article


def test_empty_or_broken_pages_are_unsure_not_errors() -> None:
    assert classify_page("", URL).kind == UNSURE
    assert classify_page("<html><body></body></html>", URL).kind == UNSURE
    assert classify_page("\x00\x01 not html at all", URL).kind in (UNSURE, LISTING_VERDICT)


def test_the_page_overrides_the_url_hints_both_ways() -> None:
    generic = get_adapter("generic")
    # requested as a listing, under a URL no pattern knows: the page is an article
    page = Page(url=URL, text=fixture("article_plain.html"), kind=LISTING)
    assert page_is_article(page, generic, URL)
    # requested as an article (a slug URL the generic patterns take for one): a listing
    slug = "http://congan.khongro.gov.vn/tin-tuc/tin-an-ninh-trat-tu-moi-nhat-trong-tuan-12345.html"
    page = Page(url=slug, text=fixture("listing_excerpts.html"), kind=ARTICLE)
    assert generic.is_article(slug)
    assert not page_is_article(page, generic, slug)
    # undecided by the page: the hint decides
    page = Page(url=slug, text=fixture("about.html"), kind=ARTICLE)
    assert page_is_article(page, generic, slug)
    assert not page_is_article(Page(url=URL, text=fixture("about.html"), kind=LISTING), generic, URL)


def test_json_api_answers_keep_the_adapters_decision() -> None:
    dnn = get_adapter("dotnetnuke")
    url = "http://congan.hanoi.gov.vn/DesktopModules/cmsview/api/NewsContent/getbyid?id=5"
    page = Page(url=url, text='{"Title": "x"}', content_type="application/json", kind=ARTICLE)
    assert page_is_article(page, dnn, url)
    # a document behind a headline link is never an article page (it is an attachment)
    pdf = "http://congan.khongro.gov.vn/documents/1/bao-cao-tong-hop-tinh-hinh-nam-2024.pdf/288ecb81-dfef-51b7-a9a2"
    page = Page(url=pdf, text="%PDF-1.4", content_type="application/pdf", kind=ARTICLE)
    assert not page_is_article(page, get_adapter("generic"), pdf)


def test_adapters_off_crawls_every_portal_with_the_generic_adapter() -> None:
    registry = load_registry()
    on = CrawlPlanner(NetworkConfig(), registry)
    off = CrawlPlanner(NetworkConfig(adapters=False), registry)
    assert on.adapter_for("congan.hanoi.gov.vn").name == "dotnetnuke"
    assert off.adapter_for("congan.hanoi.gov.vn").name == "generic"
