"""spiders.planner.CrawlPlanner: the network spider's decisions without a crawl (no Scrapy)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from archive.paths import DataDir
from archive.warc.digests import CaptureIndex, LatestCapture
from scrapers.config import NetworkConfig
from scrapers.crawl.watermarks import KnownArticles
from scrapers.discovery.adapter import ARTICLE, LISTING, REQUISITE, SEED, Page, Target
from scrapers.families import get_adapter
from scrapers.portals.registry import load_registry
from spiders.planner import DEPTH, OTHER_PORTAL, PAGE_BUDGET, CrawlPlanner, Planned, Refused

DANANG = "http://congan.danang.gov.vn"
SONLA = "http://congan.sonla.gov.vn"


def planner(known: KnownArticles | None = None, **config: object) -> tuple[CrawlPlanner, Counter[str]]:
    counts: Counter[str] = Counter()
    plan = CrawlPlanner(NetworkConfig(**config), load_registry(), known, count=lambda stat: counts.update([stat]))
    return plan, counts


def test_a_target_becomes_a_request_with_its_page_context() -> None:
    plan, _ = planner()
    decision = plan.plan(Target(f"{DANANG}/tin-tuc/bai-1-88110.html", ARTICLE), "congan.danang.gov.vn",
                         get_adapter("generic"), hops="LL", via=f"{DANANG}/", depth=2)
    assert isinstance(decision, Planned) and not decision.requisite
    context = decision.context
    assert (context.site, context.adapter, context.kind, context.hops, context.depth, context.via) == (
        "congan.danang.gov.vn", "generic", ARTICLE, "LLL", 2, f"{DANANG}/")
    assert context.capture is None and context.outlinks == [] and not context.revisit
    # the same target again is no request and no refusal (not an outlink either)
    assert plan.plan(decision.target, "congan.danang.gov.vn", get_adapter("generic"), hops="L", via="") is None
    assert plan.pages_per_site["congan.danang.gov.vn"] == 1


def test_refusals_say_why_and_which_portal() -> None:
    plan, _ = planner(max_pages_per_site=1, max_depth=2)
    generic = get_adapter("generic")
    site = "congan.danang.gov.vn"
    out_of_network = plan.plan(Target("https://www.facebook.com/congandanang", LISTING), site, generic, hops="", via="")
    assert isinstance(out_of_network, Refused) and out_of_network.site == site and out_of_network.reason
    other = plan.plan(Target(f"{SONLA}/category/an-ninh/", LISTING), site, generic, hops="", via="")
    assert other == Refused(f"{SONLA}/category/an-ninh/", OTHER_PORTAL, site)
    deep = plan.plan(Target(f"{DANANG}/chuyen-muc/x", LISTING), site, generic, hops="LLL", via="", depth=3)
    assert deep == Refused(f"{DANANG}/chuyen-muc/x", DEPTH, site)
    image = plan.plan(Target(f"{DANANG}/media/a.jpg", REQUISITE, hop="E"), site, generic, hops="LLL", via="", depth=3)
    assert isinstance(image, Planned) and image.requisite and image.context.hops == "LLLE"  # requisites have no depth
    budget = plan.plan(Target(f"{DANANG}/tin-tuc/bai-2-88120.html", ARTICLE), site, generic, hops="", via="")
    assert budget == Refused(f"{DANANG}/tin-tuc/bai-2-88120.html", PAGE_BUDGET, site)


def test_opening_a_portal_plans_its_family_start_targets_once() -> None:
    plan, counts = planner()
    decisions = plan.open_portal("congan.sonla.gov.vn", None, via="")
    assert [d.target.url for d in decisions if isinstance(d, Planned)] == [
        f"{SONLA}/", f"{SONLA}/wp-sitemap.xml", f"{SONLA}/feed/",
    ]
    assert decisions[0].context.kind == SEED and plan.sites["congan.sonla.gov.vn"].name == "wordpress"
    assert plan.open_portal("congan.sonla.gov.vn", None, via="") == [] and counts["network/portals"] == 1
    assert plan.seed_portals()[:1] and all(url.startswith("http://") for _, url in plan.seed_portals())


def test_a_listing_page_leads_to_articles_one_hop_deeper_and_to_its_next_page() -> None:
    plan, counts = planner()
    plan.open_portal("congan.danang.gov.vn", None, via="")
    body = ('<h2><a href="/tin-tuc/khoi-to-bi-can-88185.html">Khởi tố bị can</a></h2>'
            '<a href="https://www.facebook.com/congandanang">Facebook</a>'
            '<a rel="next" href="/chuyen-muc/an-ninh?page=3">Trang sau</a>')
    page = Page(url=f"{DANANG}/chuyen-muc/an-ninh?page=2", text=body, kind=LISTING)
    decisions = plan.plan_discovery(page, "congan.danang.gov.vn", get_adapter("generic"), hops="L", depth=1)
    planned = {d.target.url: d.context for d in decisions if isinstance(d, Planned)}
    assert planned[f"{DANANG}/tin-tuc/khoi-to-bi-can-88185.html"].depth == 2
    assert planned[f"{DANANG}/chuyen-muc/an-ninh?page=3"].depth == 1  # pagination is not a hop
    assert planned[f"{DANANG}/chuyen-muc/an-ninh?page=3"].via == page.url
    assert [d.url for d in decisions if isinstance(d, Refused)] == ["https://www.facebook.com/congandanang"]
    assert counts["network/pages_parsed"] == 1
    empty = Page(url=f"{DANANG}/chuyen-muc/an-ninh?page=9", kind=LISTING,
                 text='<p>Không có bài viết nào.</p><a rel="next" href="/chuyen-muc/an-ninh?page=10">Trang sau</a>')
    assert not [d for d in plan.plan_discovery(empty, "congan.danang.gov.vn", get_adapter("generic"), hops="L", depth=1)
                if isinstance(d, Planned) and "page=10" in d.target.url]
    assert counts["network/pagination_stopped/empty"] == 1


def test_articles_are_decided_from_the_page_and_script_shells_are_not(data_dir: Path) -> None:
    plan, _ = planner()
    dnn = get_adapter("dotnetnuke")
    shell = "http://congan.hanoi.gov.vn/tin-tuc/tin-moi-51230"
    assert not plan.is_article(Page(url=shell, text="", kind=ARTICLE), dnn, shell)
    generic = get_adapter("generic")
    slug = f"{DANANG}/tin-tuc/khoi-to-bi-can-88185.html"
    assert plan.is_article(Page(url=slug, text="", kind=LISTING), generic, slug)
    assert not plan.is_article(
        Page(url=f"{DANANG}/chuyen-muc/x", text="", kind=LISTING), generic, f"{DANANG}/chuyen-muc/x"
    )


def test_incremental_watermark_stops_pagination_over_known_articles(data_dir: Path) -> None:
    known_url = f"{DANANG}/tin-tuc/khoi-to-bi-can-88185.html"
    with CaptureIndex.open(DataDir(data_dir)) as index:
        index.record(
            first=None,
            latest=LatestCapture(known_url, "2026-07-01T00:00:00Z", 200, None, None, "sha1:X", "<urn:uuid:1>"),
        )
    index = CaptureIndex.open(DataDir(data_dir))
    try:
        plan, counts = planner(KnownArticles(index), incremental=True)
        body = (
            f'<h2><a href="{known_url}">Khởi tố bị can</a></h2><a rel="next" href="/chuyen-muc/x?page=3">Trang sau</a>'
        )
        page = Page(url=f"{DANANG}/chuyen-muc/x?page=2", text=body, kind=LISTING)
        urls = [d.target.url for d in plan.plan_discovery(page, "congan.danang.gov.vn", get_adapter("generic"),
                                                          hops="L", depth=1) if isinstance(d, Planned)]
        # an archived article the listing shows (no earlier headline to compare with): left to the
        # revisit schedule, and the next page is not fetched
        assert urls == []
        assert counts["network/pagination_stopped/watermark"] == 1
        assert counts["network/skipped/listed_unchanged"] == 1
    finally:
        index.close()


def test_a_shell_address_is_skipped_only_once_the_adapters_api_gave_its_article(data_dir: Path) -> None:
    from archive.control.listings import ListingLedger

    site, dnn = "congan.hanoi.gov.vn", get_adapter("dotnetnuke")
    shell = f"http://{site}/tin-tuc/tin-moi-51230"
    first, counts = planner(KnownArticles(ledger=ListingLedger(DataDir(data_dir)), crawl_id="c1"), incremental=True)
    # an address of the shell pattern no API answer gave: followed (on another portal it is an article)
    other = f"http://{site}/tin-tuc/bai-that-51231"
    assert isinstance(first.plan(Target(other, LISTING), site, dnn, hops="", via=""), Planned)
    api = Target(f"http://{site}/DesktopModules/cmsview/api/NewsContent/getbyid?id=51230", ARTICLE, canonical=shell)
    assert isinstance(first.plan(api, site, dnn, hops="", via=""), Planned)
    assert first.plan(Target(shell, LISTING), site, dnn, hops="", via="") is None
    assert counts["network/skipped/shell_read_by_adapter"] == 1
    # a page that proved a shell whose article the adapter reads elsewhere is remembered...
    text = '<div ng-controller="NewsDetailCtrl" data-id="51231"><h1>{{news.Title}}</h1><p>Đang tải…</p></div>'
    first.plan_discovery(Page(url=other, text=text, kind=LISTING), site, dnn, hops="", depth=1)
    assert counts["network/shells"] == 1 and counts["network/shells_read_by_adapter"] == 1
    # ...and the next crawl does not fetch it again, whatever order its pages come in
    second, again = planner(KnownArticles(ledger=ListingLedger(DataDir(data_dir)), crawl_id="c2"), incremental=True)
    assert second.plan(Target(other, LISTING), site, dnn, hops="", via="") is None
    assert again["network/skipped/known_shell"] == 1
    # a page that is no shell (an ordinary article at such an address) is never remembered
    article = ("<h1>Khởi tố bị can</h1><p>Ngày 01/07/2026</p><div>" + "<p>" + "Nội dung bài viết. " * 40 + "</p></div>")
    second.plan_discovery(Page(url=f"http://{site}/tin-tuc/bai-khac-51232", text=article, kind=LISTING), site, dnn,
                          hops="", depth=1)
    third, _ = planner(KnownArticles(ledger=ListingLedger(DataDir(data_dir)), crawl_id="c3"), incremental=True)
    assert isinstance(third.plan(Target(f"http://{site}/tin-tuc/bai-khac-51232", LISTING), site, dnn, hops="", via=""),
                      Planned)
