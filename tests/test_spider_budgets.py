"""The network spider's decisions, one response at a time (no crawl): budgets, depth, scope,
pagination past the end, listing watermarks, portals that move or fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from archive.control.registry_state import DOWN, REDIRECTING, RegistryState
from archive.paths import DataDir
from archive.warc.digests import CaptureIndex, LatestCapture
from scrapers.discovery.adapter import ARTICLE, LISTING, REQUISITE, SEED, Target
from scrapers.families import get_adapter
from scrapers.page_context import META_KEY, PageContext, context_of
from spiders.network import NetworkSpider

DANANG = "http://congan.danang.gov.vn"


def ctx(carrier) -> PageContext:
    """The page context of a request or response (scrapers.page_context)."""
    found = context_of(carrier)
    assert found is not None
    return found


def make_spider(data: Path, **settings) -> NetworkSpider:
    crawler = get_crawler(NetworkSpider, {"CONGAN_DATA": str(data), **settings})
    return NetworkSpider.from_crawler(crawler)


def stats(spider: NetworkSpider) -> dict:
    return spider.crawler.stats.get_stats()


def response_for(url: str, body: str, *, kind: str = LISTING, site: str = "congan.danang.gov.vn",
                 adapter: str = "generic", hops: str = "L", status: int = 200, headers=None) -> HtmlResponse:
    meta = {META_KEY: PageContext(site=site, adapter=adapter, kind=kind, hops=hops)}
    request = Request(url, meta=meta)
    return HtmlResponse(
        url, status=status, body=body.encode("utf-8"), encoding="utf-8", request=request, headers=headers
    )


def test_page_budget_per_portal(data_dir):
    spider = make_spider(data_dir, CONGAN_MAX_PAGES_PER_SITE=2)
    generic = get_adapter("generic")
    made = [spider.request_for(Target(f"{DANANG}/tin-tuc/bai-{n}-881{n}0.html", ARTICLE), "congan.danang.gov.vn",
                               generic, hops="", via="") for n in range(4)]
    assert [r is not None for r in made] == [True, True, False, False]
    assert stats(spider)["scope/rejected/page_budget"] == 2
    # the same URL twice is one request, and does not use the budget
    other = make_spider(data_dir, CONGAN_MAX_PAGES_PER_SITE=2)
    target = Target(f"{DANANG}/tin-tuc/bai-1-88110.html", ARTICLE)
    assert other.request_for(target, "congan.danang.gov.vn", generic, hops="", via="") is not None
    assert other.request_for(target, "congan.danang.gov.vn", generic, hops="", via="") is None
    assert other.pages_per_site["congan.danang.gov.vn"] == 1


def test_depth_counts_link_hops_but_not_pagination(data_dir):
    spider = make_spider(data_dir, CONGAN_MAX_DEPTH=2)
    generic = get_adapter("generic")
    deep = spider.request_for(
        Target(f"{DANANG}/chuyen-muc/x", LISTING), "congan.danang.gov.vn", generic, hops="LLL", via="", depth=3
    )
    assert deep is None and stats(spider)["scope/rejected/depth"] == 1
    image = spider.request_for(Target(f"{DANANG}/media/a.jpg", REQUISITE, hop="E"), "congan.danang.gov.vn", generic,
                               hops="LLL", via="", depth=3)
    assert image is not None and ctx(image).hops == "LLLE" and ctx(image).kind == REQUISITE
    # page 40 of a listing found at depth 1 is still at depth 1
    body = (
        '<h2><a href="/tin-tuc/khoi-to-bi-can-88185.html">Khởi tố</a></h2><a rel="next" href="/chuyen-muc/x?page=41">'
        'Trang sau</a>'
    )
    listing = response_for(f"{DANANG}/chuyen-muc/x?page=40", body, hops="L" + "L" * 39)
    ctx(listing).depth = 1
    out = {r.url: ctx(r).depth for r in spider.parse(listing) if isinstance(r, Request)}
    assert out[f"{DANANG}/chuyen-muc/x?page=41"] == 1
    assert out[f"{DANANG}/tin-tuc/khoi-to-bi-can-88185.html"] == 2


def test_out_of_network_links_are_recorded_as_outlinks_and_counted(data_dir):
    spider = make_spider(data_dir)
    body = ('<a href="/tin-tuc/khoi-to-bi-can-88185.html">Khởi tố</a>'
            '<a href="http://www.facebook.com/sharer/sharer.php?u=x">Facebook</a>'
            '<a href="http://bocongan.gov.vn/">Bộ Công an</a><img src="https://www.google-analytics.com/p.gif">')
    response = response_for(DANANG + "/", body, kind=SEED, hops="")
    urls = [r.url for r in spider.parse(response) if isinstance(r, Request)]
    assert DANANG + "/tin-tuc/khoi-to-bi-can-88185.html" in urls
    assert not [u for u in urls if "facebook" in u or "bocongan" in u or "google" in u]
    assert set(ctx(response).outlinks) >= {
        "http://www.facebook.com/sharer/sharer.php?u=x", "http://bocongan.gov.vn/", "https://www.google-analytics.com/p.gif",
    }
    counted = stats(spider)
    assert counted["scope/rejected/out_of_network"] == 1
    assert counted["scope/rejected/outside_network_registry"] == 1
    assert counted["scope/rejected/requisite_offsite"] == 1


def test_only_the_chosen_portals_with_sites(data_dir):
    spider = make_spider(data_dir, CONGAN_SITES="congan.danang.gov.vn")
    assert [d for d, _ in spider.seed_portals()] == ["congan.danang.gov.vn"]
    body = (
        '<div><h3>Liên kết công an các tỉnh</h3><ul><li><a href="http://congan.hanoi.gov.vn">Hà Nội</a></li></ul></div>'
    )
    requests = [r for r in spider.parse(response_for(DANANG + "/", body, kind=SEED, hops="")) if isinstance(r, Request)]
    assert not [r for r in requests if "hanoi" in r.url]
    open_spider = make_spider(data_dir)
    requests = [
        r for r in open_spider.parse(response_for(DANANG + "/", body, kind=SEED, hops="")) if isinstance(r, Request)
    ]
    assert [r.url for r in requests if "hanoi" in r.url] == ["http://congan.hanoi.gov.vn/"]


def test_empty_listing_page_does_not_lead_further(data_dir):
    spider = make_spider(data_dir)
    body = '<p>Không có bài viết nào.</p><a rel="next" href="/chuyen-muc/an-ninh?page=10">Trang sau</a>'
    requests = list(spider.parse(response_for(DANANG + "/chuyen-muc/an-ninh?page=9", body)))
    assert not [r for r in requests if "page=10" in r.url]
    assert stats(spider)["network/pagination_stopped/empty"] == 1


def test_listing_watermark_in_incremental_crawls(data_dir):
    known = f"{DANANG}/tin-tuc/khoi-to-bi-can-88185.html"
    with CaptureIndex.open(DataDir(data_dir)) as index:
        index.record(
            first=None, latest=LatestCapture(known, "2026-07-01T00:00:00Z", 200, None, None, "sha1:X", "<urn:uuid:1>")
        )
    body = (f'<h2><a href="{known}">Khởi tố bị can</a></h2>'
            '<a rel="next" href="/chuyen-muc/an-ninh?page=3">Trang sau</a>')
    full = make_spider(data_dir)
    assert [r for r in full.parse(response_for(DANANG + "/chuyen-muc/an-ninh?page=2", body)) if "page=3" in r.url]
    # the first incremental crawl to read the page sees the article's link text for the first time
    first = make_spider(data_dir, CONGAN_INCREMENTAL=True, CONGAN_CRAWL_ID="crawl-a")
    assert [r for r in first.parse(response_for(DANANG + "/chuyen-muc/an-ninh?page=2", body)) if "page=3" in r.url]
    incremental = make_spider(data_dir, CONGAN_INCREMENTAL=True, CONGAN_CRAWL_ID="crawl-b")
    requests = list(incremental.parse(response_for(DANANG + "/chuyen-muc/an-ninh?page=2", body)))
    assert not [r for r in requests if "page=3" in r.url]
    # listed as before: the article is left to the revisit schedule (scrapers.crawl.revisit_schedule)
    assert not [r for r in requests if r.url == known]
    assert stats(incremental)["network/pagination_stopped/watermark"] == 1
    fresh = body.replace("</h2>", '</h2><h2><a href="/tin-tuc/bai-moi-toanh-88202.html">Bài mới</a></h2>')
    requests = list(
        make_spider(data_dir, CONGAN_INCREMENTAL=True).parse(response_for(DANANG + "/chuyen-muc/an-ninh?page=2", fresh))
    )
    assert [r for r in requests if "page=3" in r.url]


def test_a_portal_that_redirects_to_its_2025_unit_is_recorded(data_dir):
    spider = make_spider(data_dir)
    spider.sites["congan.quangnam.gov.vn"] = get_adapter("dotnetnuke")
    response = response_for("http://congan.quangnam.gov.vn/", "", kind=SEED, site="congan.quangnam.gov.vn",
                            adapter="dotnetnuke", hops="", status=301, headers={"Location": "http://congan.danang.gov.vn/"})
    requests = list(spider.parse(response))
    assert [r.url for r in requests] == ["http://congan.danang.gov.vn/", "http://congan.danang.gov.vn/sitemap.xml"]
    assert ctx(requests[0]).site == "congan.danang.gov.vn"
    assert ctx(requests[0]).adapter == "generic"
    state = RegistryState.open(DataDir(data_dir)).get("congan.quangnam.gov.vn")
    assert state.status == REDIRECTING and state.redirect_to == "congan.danang.gov.vn"
    assert state.evidence == "301 http://congan.quangnam.gov.vn/ -> http://congan.danang.gov.vn/"


def test_a_redirect_loop_on_a_start_page_ends(data_dir):
    spider = make_spider(data_dir)
    response = response_for(DANANG + "/a", "", kind=SEED, hops="RRRRR", status=302, headers={"Location": DANANG + "/b"})
    assert list(spider.parse(response)) == []
    assert stats(spider)["network/seed_redirect_failed"] == 1


def test_a_portal_that_does_not_answer_is_down(data_dir):
    from twisted.internet.error import ConnectionRefusedError

    spider = make_spider(data_dir)
    request = Request(
        "http://congan.backan.gov.vn/", meta={META_KEY: PageContext(site="congan.backan.gov.vn", kind=SEED)}
    )
    failure = Failure(ConnectionRefusedError())
    failure.request = request
    spider.failed(failure)
    state = RegistryState.open(DataDir(data_dir)).get("congan.backan.gov.vn")
    assert state.status == DOWN and "ConnectionRefusedError" in state.last_error


def test_bad_settings_are_named():
    from scrapers.config import NetworkConfigError

    for settings in ({"CONGAN_MAX_DEPTH": -1}, {"CONGAN_SEED_SCHEME": "ftp"}, {"CONGAN_SEEDS": "congan.hanoi.gov.vn"}):
        with pytest.raises(NetworkConfigError, match=next(iter(settings))):
            make_spider(Path("/nonexistent-never-created"), **settings)


def test_an_unknown_portal_recognised_as_wordpress_gets_the_wordpress_adapter(data_dir):
    spider = make_spider(data_dir)
    body = ('<html><head><meta name="generator" content="WordPress 6.4.3"></head><body>'
            '<a href="/category/an-ninh/">An ninh</a></body></html>')
    response = response_for("http://congan.caobang.gov.vn/", body, kind=SEED, site="congan.caobang.gov.vn", hops="")
    requests = [r for r in spider.parse(response) if isinstance(r, Request)]
    by_url = {r.url: ctx(r).adapter for r in requests}
    assert by_url["http://congan.caobang.gov.vn/wp-sitemap.xml"] == "wordpress"
    assert by_url["http://congan.caobang.gov.vn/category/an-ninh/"] == "wordpress"
    assert stats(spider)["network/fingerprinted/wordpress"] == 1


def test_article_aliases_seen_on_listings_travel_with_the_article(data_dir):
    spider = make_spider(data_dir)
    nv = "http://congan.laichau.gov.vn"
    listing = ('<h3><a href="/savefile/an-ninh/bat-giu-3421.html">Lưu</a></h3>'
               '<h3><a href="/news/an-ninh/bat-giu-3421.html?utm_source=zalo">Bắt giữ</a></h3>')
    requests = [
        r
        for r in spider.parse(
            response_for(nv + "/news/an-ninh/", listing, site="congan.laichau.gov.vn", adapter="nukeviet")
        )
        if isinstance(r, Request) and ctx(r).kind == ARTICLE
    ]
    assert [r.url for r in requests] == [nv + "/news/an-ninh/bat-giu-3421.html"]
    article = response_for(nv + "/news/an-ninh/bat-giu-3421.html", "<html><h1>Bắt giữ</h1></html>", kind=ARTICLE,
                           site="congan.laichau.gov.vn", adapter="nukeviet")
    items = [i for i in spider.parse(article) if not isinstance(i, Request)]
    assert items[0].canonical_url == nv + "/news/an-ninh/bat-giu-3421.html" and items[0].profile == "nukeviet"
    assert list(ctx(article).aliases) == [
        nv + "/news/an-ninh/bat-giu-3421.html?utm_source=zalo", nv + "/savefile/an-ninh/bat-giu-3421.html",
    ]


def test_a_script_shell_at_an_article_address_is_not_an_article(data_dir):
    # e.g. a revisit of a DotNetNuke article's address: the text is in the getbyid answer
    spider = make_spider(data_dir)
    shell = response_for("http://congan.hanoi.gov.vn/tin-tuc/tin-moi-51230",
                         '<html><div ng-controller="NewsDetailCtrl" data-id="51230"></div></html>',
                         kind=ARTICLE, site="congan.hanoi.gov.vn", adapter="dotnetnuke")
    out = list(spider.parse(shell))
    assert not [o for o in out if not isinstance(o, Request)]
    api = [r for r in out if isinstance(r, Request) and "getbyid" in r.url]
    assert ctx(api[0]).canonical == "http://congan.hanoi.gov.vn/tin-tuc/tin-moi-51230"


def test_a_missing_guessed_sitemap_is_no_portal_error(data_dir):
    from scrapy.http import Response as PlainResponse
    from scrapy.spidermiddlewares.httperror import HttpError

    spider = make_spider(data_dir)
    RegistryState.open(DataDir(data_dir)).record_live("congan.cantho.gov.vn", "2026-07-01T00:00:00+00:00")
    for hops, url in (("X", "https://congan.cantho.gov.vn/sitemap.xml"), ("L", "https://congan.cantho.gov.vn/tin-tuc/x-1.html")):
        request = Request(url, meta={META_KEY: PageContext(site="congan.cantho.gov.vn", kind="listing", hops=hops)})
        failure = Failure(HttpError(PlainResponse(url, status=404, request=request)))
        failure.request = request
        spider.failed(failure)
    state = RegistryState.open(DataDir(data_dir)).get("congan.cantho.gov.vn")
    # a missing page is no failure of the portal itself (docs: portal health): counted, not its last error
    assert state.last_error is None
    assert stats(spider)["network/speculative_missing"] == 1
    assert stats(spider)["network/page_missing/listing"] == 1


def test_broken_pages_never_stop_the_spider(data_dir):
    from scrapy.http import Response as BinaryResponse
    from scrapy.http import TextResponse

    spider = make_spider(data_dir)
    meta = {META_KEY: PageContext(site="congan.hanoi.gov.vn", adapter="dotnetnuke", kind="api", hops="L")}
    api = "http://congan.hanoi.gov.vn/DesktopModules/cmsview/api/NewsContent/listnew?CategoryId=1&PageIndex=1&PageSize=5"
    for response in (
        TextResponse(
            api,
            body=b"<html>Runtime Error</html>",
            headers={"Content-Type": "application/json"},
            request=Request(api, meta=meta),
            encoding="utf-8",
        ),
        TextResponse(api, body=b"", headers={"Content-Type": "application/json"}, request=Request(api, meta=meta)),
        BinaryResponse("http://congan.hanoi.gov.vn/a.pdf", body=b"%PDF-1.4\x00\xff", request=Request(api, meta=meta)),
        response_for(
            DANANG + "/", "<html><body><div><a href='/tin-tuc/x-1.html'>unclosed <p><table><tr>", kind=SEED, hops=""
        ),
        response_for(DANANG + "/", "", kind=SEED, hops=""),
        response_for(DANANG + "/", "\x00\x01 binary \xff garbage", kind=SEED, hops=""),
    ):
        list(spider.parse(response))  # no exception
    assert stats(spider)["network/pages_parsed"] >= 4


def test_rejections_are_counted_per_portal_too(data_dir):
    spider = make_spider(data_dir)
    body = '<a href="http://www.facebook.com/sharer/sharer.php?u=x">Facebook</a>'
    list(spider.parse(response_for(DANANG + "/", body, kind=SEED, hops="")))
    assert stats(spider)["portal/congan.danang.gov.vn/rejected/out_of_network"] == 1


def test_a_start_page_refused_because_robots_txt_is_unreachable_means_down(data_dir):
    from scrapy.exceptions import IgnoreRequest

    from scrapers.middlewares.robots_unreachable import MESSAGE

    spider = make_spider(data_dir)
    request = Request(
        "http://congan.backan.gov.vn/", meta={META_KEY: PageContext(site="congan.backan.gov.vn", kind=SEED)}
    )
    failure = Failure(IgnoreRequest(MESSAGE.format(reason="ConnectionDone")))
    failure.request = request
    spider.failed(failure)
    state = RegistryState.open(DataDir(data_dir)).get("congan.backan.gov.vn")
    assert state.status == DOWN and "robots.txt unreachable (ConnectionDone)" in state.last_error
    robots_denied = Request(
        "http://congan.sonla.gov.vn/wp-admin/", meta={META_KEY: PageContext(site="congan.sonla.gov.vn", kind=SEED)}
    )
    failure = Failure(IgnoreRequest("Forbidden by robots.txt"))
    failure.request = robots_denied
    spider.failed(failure)
    assert RegistryState.open(DataDir(data_dir)).get("congan.sonla.gov.vn") is None  # a refusal, not a failure
