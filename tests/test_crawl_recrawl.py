"""Re-crawls that fetch what may have changed (issue 19, SPEC §5 Incremental).

The network tests read the session fixtures ``network_crawl`` (simnet state 1) and
``network_recrawl`` (the same archive re-crawled against state 2, default settings); the others
exercise the planner, the listing ledger and the revisit schedule on their own.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archive.control.listings import CUT, PARSED, ListingLedger
from archive.corpus import CorpusStore
from archive.paths import DataDir
from archive.warc.digests import CaptureIndex, LatestCapture
from scrapers.config import NetworkConfig
from scrapers.crawl.revisit_schedule import FULL, RecrawlConfig, immutable_url, revisit_due, revisit_interval
from scrapers.crawl.watermarks import KnownArticles
from scrapers.discovery.adapter import LISTING, Page
from scrapers.errors import ConfigError
from scrapers.families import get_adapter
from scrapers.portals.registry import load_registry
from spiders.planner import CrawlPlanner, Planned

SITE = "congan.danang.gov.vn"
BASE = f"http://{SITE}"


# -- the simulated network, state 1 then state 2 ------------------------------------------------
def _browser(crawl) -> int:  # crawl: a NetworkCrawl of tests/crawl_fixtures.py
    return int(crawl.report["totals"].get("browser_requests", 0))


def test_the_recrawl_planner_makes_at_most_a_quarter_of_the_first_crawls_requests(
    network_crawl, network_recrawl
) -> None:
    """The requests the crawl itself sends (what the re-crawl planner decides)."""
    second = network_recrawl.requests - _browser(network_recrawl)
    first = network_crawl.requests - _browser(network_crawl)
    print(f"re-crawl requests without the browser's: {second} / {first} = {second / first:.3f}")
    assert second / first <= 0.25


def test_the_recrawl_makes_at_most_a_quarter_of_the_first_crawls_requests(network_crawl, network_recrawl) -> None:
    ratio = network_recrawl.requests / network_crawl.requests
    print(f"re-crawl requests: {network_recrawl.requests} / {network_crawl.requests} = {ratio:.3f}")
    assert ratio <= 0.25


def test_the_recrawl_finds_every_new_changed_and_deleted_article(network_crawl, network_recrawl) -> None:
    from simnet.truth import ground_truth

    first = {a.canonical_url: a for a in ground_truth(1)}
    second = {a.canonical_url: a for a in ground_truth(2)}
    new = second.keys() - first.keys()
    changed = {url for url, a in second.items() if url in first and first[url].title != a.title}
    deleted = first.keys() - second.keys()
    assert new and changed and deleted, "the simulated network's second state changes nothing"
    with CorpusStore.open(DataDir(network_recrawl.data_dir)) as store:
        latest = {r.url: r for r in store.latest()}
    assert {url: url in latest for url in new} == dict.fromkeys(new, True)
    assert {url: latest[url].title for url in changed} == {url: second[url].title for url in changed}
    assert all(latest[url].version >= 2 for url in changed)
    assert {url: bool(latest[url].removed) for url in deleted} == dict.fromkeys(deleted, True)


def test_the_recrawl_report_breaks_requests_down_by_kind(network_recrawl) -> None:
    stats = network_recrawl.report["stats"]
    kinds = {name.split("/")[1]: value for name, value in stats.items()
             if name.startswith("requests/") and name.count("/") == 1}
    assert {"robots", "seed", "listing"} <= set(kinds)
    # every answered request is counted under one kind (dropped connections are not answers,
    # answers cut mid-body reach the crawler as errors)
    answered = [e for e in network_recrawl.access_log if e["status"] and e["method"] != "CONNECT"]
    cut = sum(n for kind, n in network_recrawl.report["errors"].items() if kind[0].isupper())
    # what the browser fetched while rendering a page is counted apart (``browser_requests``)
    browser = network_recrawl.report["totals"].get("browser_requests", 0)
    assert sum(kinds.values()) <= len(answered) <= sum(kinds.values()) + browser + cut


def test_the_ledger_says_which_listing_pages_the_recrawl_read(network_recrawl) -> None:
    ledger = ListingLedger(DataDir(network_recrawl.data_dir))
    try:
        pages = ledger.fetched(network_recrawl.crawl_id)
    finally:
        ledger.close()
    read = {p.url for p in pages if p.outcome == PARSED}
    cut = {p.url for p in pages if p.outcome == CUT}
    requested = {e["url"] for e in network_recrawl.access_log}
    assert read and cut
    assert {url for url in read if "#" not in url} <= requested  # read: really fetched
    assert not cut & requested  # cut: never asked for


def test_full_revisit_checks_every_known_article_conditionally(network_crawl, network_full_revisit) -> None:
    from simnet.truth import ground_truth

    first = {a.canonical_url: a for a in ground_truth(1)}
    second = {a.canonical_url: a for a in ground_truth(2)}
    unchanged = {url for url, a in second.items() if url in first and first[url].title == a.title}
    asked = {e["url"]: e for e in network_full_revisit.access_log}
    conditional = {url for url in unchanged if asked.get(url, {}).get("if_none_match")
                   or asked.get(url, {}).get("if_modified_since")}
    assert len(conditional) >= len(unchanged) * 0.9  # script shells without validators aside
    assert {asked[url]["status"] for url in conditional} == {304}
    assert network_full_revisit.report["totals"]["not_modified"] >= len(conditional)
    with CorpusStore.open(DataDir(network_full_revisit.data_dir)) as store:
        latest = {r.url: r for r in store.latest()}
    assert all(latest[url].removed for url in first.keys() - second.keys())
    print(f"full revisit requests: {network_full_revisit.requests} / {network_crawl.requests}")


# -- planner and ledger ------------------------------------------------------------------------
def _known(data_dir: Path, crawl_id: str, *urls: str) -> KnownArticles:
    with CaptureIndex.open(DataDir(data_dir)) as index:
        for url in urls:
            latest = LatestCapture(url, "2026-07-01T00:00:00Z", 200, '"e"', None, "sha1:X", f"<urn:uuid:{url}>")
            index.record(first=None, latest=latest)
    return KnownArticles(CaptureIndex.open(DataDir(data_dir)), before=datetime(2026, 7, 2, tzinfo=UTC),
                         ledger=ListingLedger(DataDir(data_dir)), crawl_id=crawl_id)


def _plan(known: KnownArticles, body: str, url: str = f"{BASE}/chuyen-muc/x") -> tuple[list[str], Counter[str]]:
    counts: Counter[str] = Counter()
    plan = CrawlPlanner(NetworkConfig(incremental=True), load_registry(), known, count=lambda s: counts.update([s]))
    decisions = plan.plan_discovery(Page(url=url, text=body, kind=LISTING), SITE, get_adapter("generic"),
                                    hops="L", depth=1)
    return [d.target.url for d in decisions if isinstance(d, Planned)], counts


def test_an_edited_headline_is_fetched_again_and_keeps_the_pagination_going(tmp_path: Path) -> None:
    old, other = f"{BASE}/tin-tuc/khoi-to-bi-can-88185.html", f"{BASE}/tin-tuc/bat-giu-doi-tuong-88186.html"
    known = _known(tmp_path, "now", old, other)
    ledger = ListingLedger(DataDir(tmp_path))
    ledger.record_page("earlier", f"{BASE}/chuyen-muc/x", SITE, [(old, "Khởi tố bị can"), (other, "Bắt giữ đối tượng")])
    ledger.close()
    nxt = '<a rel="next" href="/chuyen-muc/x?page=2">Trang sau</a>'
    same = f'<a href="{old}">Khởi tố bị can</a><a href="{other}">Bắt giữ đối tượng</a>{nxt}'
    urls, counts = _plan(known, same)
    assert urls == [] and counts["network/pagination_stopped/watermark"] == 1
    edited = f'<a href="{old}">Khởi tố bị can: khởi tố thêm 2 bị can</a><a href="{other}">Bắt giữ đối tượng</a>{nxt}'
    urls, counts = _plan(known, edited)
    assert urls == [old, f"{BASE}/chuyen-muc/x?page=2"]
    known.close()


def test_articles_gone_from_a_listing_page_read_again_are_vanished(tmp_path: Path) -> None:
    ledger = ListingLedger(DataDir(tmp_path))
    a, b, c = (f"{BASE}/tin-tuc/bai-{n}.html" for n in "abc")
    ledger.record_page("one", f"{BASE}/", SITE, [(a, "A"), (b, "B")])
    ledger.record_page("one", f"{BASE}/old-listing", SITE, [(c, "C")])
    ledger.record_page("two", f"{BASE}/", SITE, [(a, "A")])  # b gone; the old listing not read
    ledger.record_page("two", f"{BASE}/?page=2", SITE, [], outcome=CUT)
    assert ledger.vanished("two") == {SITE: {b}}
    assert [(p.url, p.outcome) for p in ledger.fetched("two")] == [(f"{BASE}/", PARSED), (f"{BASE}/?page=2", CUT)]
    ledger.close()


def test_recent_requisites_with_validators_or_immutable_urls_are_not_fetched_again(tmp_path: Path) -> None:
    image = f"{BASE}/uploads/2026/06/anh.jpg"
    known = _known(tmp_path, "now", image)
    assert known.requisite_fresh(image, now=datetime(2026, 7, 10, tzinfo=UTC))
    assert not known.requisite_fresh(image, now=datetime(2026, 9, 1, tzinfo=UTC))  # older than 30 days
    assert not known.requisite_fresh(f"{BASE}/never-captured.css")
    known.close()
    assert immutable_url(f"{BASE}/wp-content/uploads/2024/03/x.css") and immutable_url(f"{BASE}/app.3f9a1c2e.js")
    assert immutable_url(f"{BASE}/site.css?v=12") and not immutable_url(f"{BASE}/site.css")


# -- the revisit schedule ------------------------------------------------------------------------
def test_old_articles_are_checked_exponentially_more_rarely() -> None:
    config = RecrawlConfig()
    waits = [revisit_interval(timedelta(days=d), config).days for d in (3, 10, 20, 40, 400, 4000)]
    assert waits == [0, 1, 2, 4, 32, 180]
    now = datetime(2026, 7, 1, tzinfo=UTC)
    week_old, years_old = now - timedelta(days=5), now - timedelta(days=3000)
    checked_yesterday = now - timedelta(days=1)
    assert revisit_due(week_old, checked_yesterday, now, config)
    assert not revisit_due(years_old, checked_yesterday, now, config)
    assert revisit_due(years_old, now - timedelta(days=200), now, config)
    assert revisit_due(years_old, checked_yesterday, now, RecrawlConfig(revisit_mode=FULL))


def test_bad_recrawl_settings_name_the_setting() -> None:
    from scrapy.settings import Settings

    with pytest.raises(ConfigError, match="CONGAN_REVISIT_MODE"):
        RecrawlConfig.from_settings(Settings({"CONGAN_REVISIT_MODE": "sometimes"}))
    with pytest.raises(ConfigError, match="CONGAN_REVISIT_FRESH_DAYS"):
        RecrawlConfig.from_settings(Settings({"CONGAN_REVISIT_FRESH_DAYS": "-1"}))
