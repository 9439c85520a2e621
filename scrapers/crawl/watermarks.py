"""Listing watermarks for incremental crawls (SPEC §5 Incremental).

A listing shows articles newest first; once one of its pages holds only articles the archive
already has, *listed as before*, the pages after it hold older articles still, so an
incremental crawl stops paginating there. "Already has" means the archive holds a successful
capture of the article's canonical URL made before this crawl (``archive.warc.digests``);
"listed as before" means an earlier crawl saw the article on a listing under the same link
text (``archive.control.listings``). Such an article is not fetched again from the listing; a
new headline (an edited article) or an unknown URL is. Articles listed without a text (JSON
APIs, feeds) count as listed as before once known. Every listing page the crawl reads is
recorded with its articles, and every next page the watermark cut (``ListingLedger.fetched``).

Sitemap entries whose ``<lastmod>`` is older than the archive's capture are not requested. A
``<lastmod>`` newer than the capture makes a known article be fetched again while the portal's
dates proved reliable (``ListingLedger.lastmod_trusted``; ``scrapers.crawl.lastmod_check``
records whether the page really changed).

Requisites archived within ``CONGAN_REQUISITE_MAX_AGE_DAYS`` are not fetched again when their
capture has validators or their URL looks immutable (``scrapers.crawl.revisit_schedule``);
one that answered 404/410 within that age is not asked again either, nor a page an earlier
crawl found to be a script shell whose article the adapter reads from its API (``shell``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from archive.control.history import CrawlHistory
from archive.control.listings import CUT, ListingLedger
from archive.paths import DataDir
from archive.warc.digests import CaptureIndex, LatestCapture
from scrapers.crawl.revisit_schedule import RecrawlConfig, immutable_url
from scrapers.discovery.adapter import Target

#: answers that say a page is gone
GONE = (404, 410)


class KnownArticles:
    """Which URLs the archive had a good capture of before this crawl started; the empty
    default knows none (full crawls).

    Captures made by the crawl itself do not count: within a first crawl, a listing page
    whose articles were all reached another way earlier must still lead to its next page.
    ``before`` is the crawl's start (kept across resumes by the crawl history).
    """

    def __init__(
        self, index: CaptureIndex | None = None, before: datetime | None = None,
        ledger: ListingLedger | None = None, crawl_id: str = "", recrawl: RecrawlConfig | None = None,
    ) -> None:
        self._index = index
        self._before = before
        self.ledger = ledger
        self.crawl_id = crawl_id
        self.recrawl = recrawl or RecrawlConfig()

    def __contains__(self, url: str) -> bool:
        if self._index is None:
            return False
        latest = self._index.latest(url)
        if latest is None or not 200 <= latest.status < 400:
            return False
        if self._before is None:
            return True
        captured = _instant(latest.date)
        return captured is not None and captured < self._before

    def unchanged_since_capture(self, url: str, modified: str | None) -> bool:
        """True when the archive's latest capture of ``url`` is newer than ``modified`` (an
        ISO 8601 date from a sitemap's ``<lastmod>``); False when either is unknown."""
        if self._index is None or not modified:
            return False
        latest = self._index.latest(url)
        if latest is None or not 200 <= latest.status < 400:
            return False
        captured, changed = _instant(latest.date), _instant(modified)
        return captured is not None and changed is not None and changed <= captured

    def all_known(self, urls: Iterable[str]) -> bool:
        """True when there is at least one URL and the archive has every one of them."""
        urls = list(urls)
        return bool(urls) and all(url in self for url in urls)

    def _latest_before(self, url: str) -> LatestCapture | None:
        """The latest capture of ``url`` made before this crawl."""
        latest = self._index.latest(url) if self._index is not None else None
        if latest is None:
            return None
        captured = _instant(latest.date)
        if captured is None or (self._before is not None and captured >= self._before):
            return None
        return latest

    def listed_unchanged(self, target: Target) -> bool:
        """An article a listing shows as an earlier crawl saw it listed (same text), archived or
        known gone (404/410: the revisit schedule checks whether it came back)."""
        latest = self._latest_before(target.url)
        if latest is None or not (200 <= latest.status < 400 or latest.status in GONE):
            return False
        if not target.label or self.ledger is None:
            return True
        return self.ledger.label_seen(target.url, target.label, before_crawl=self.crawl_id)

    def lastmod_says_changed(self, target: Target, site: str) -> bool:
        """A known article whose ``<lastmod>`` is newer than its capture, on a portal whose
        dates proved reliable."""
        if not target.modified or target.url not in self:
            return False
        if self.ledger is not None and not self.ledger.lastmod_trusted(site):
            return False
        return not self.unchanged_since_capture(target.url, target.modified)

    def requisite_fresh(self, url: str, now: datetime | None = None) -> bool:
        """A requisite archived recently enough not to be fetched again (see the module doc)."""
        latest = self._recent(url, now)
        if latest is None:
            return False
        if latest.status in GONE:
            return True
        validated = bool(latest.etag or latest.last_modified)
        return 200 <= latest.status < 400 and (validated or immutable_url(url))

    def dead_end(self, url: str, now: datetime | None = None) -> bool:
        """A page that recently answered a redirect or 404/410 (an old address, a loop, a missing
        page): not asked again within the requisites' age."""
        latest = self._recent(url, now)
        return latest is not None and ((300 <= latest.status < 400 and latest.status != 304) or latest.status in GONE)

    def shell(self, url: str, now: datetime | None = None) -> bool:
        """A page an earlier crawl, within the requisites' age, found to be a script shell whose
        article the portal's adapter reads at another address: its text is not there."""
        since = self.ledger.shell_since(url, before_crawl=self.crawl_id) if self.ledger is not None else None
        if since is None:
            return False
        return (now or datetime.now(UTC)) - since <= timedelta(days=self.recrawl.requisite_max_age_days)

    def record_shell(self, url: str, site: str) -> None:
        if self.ledger is not None:
            self.ledger.record_shell(self.crawl_id, url, site)

    def _recent(self, url: str, now: datetime | None) -> LatestCapture | None:
        latest = self._latest_before(url)
        captured = _instant(latest.date) if latest is not None else None
        if captured is None or (now or datetime.now(UTC)) - captured > timedelta(
            days=self.recrawl.requisite_max_age_days
        ):
            return None
        return latest

    def record_listing(self, url: str, site: str, articles: Iterable[Target], cut: Iterable[Target] = ()) -> None:
        """A listing page read by this crawl, and the next pages the watermark did not fetch."""
        if self.ledger is None:
            return
        self.ledger.record_page(self.crawl_id, url, site, ((t.url, t.label) for t in articles))
        for page in cut:
            self.ledger.record_page(self.crawl_id, page_key(page.url, page.formdata), site, (), outcome=CUT)

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
        if self.ledger is not None:
            self.ledger.close()


def page_key(url: str, formdata: tuple[tuple[str, str], ...] = ()) -> str:
    """How the listing ledger names a page: its URL, and the fields of a postback (ASP.NET
    pagination posts every page to one URL)."""
    return f"{url}#{urlencode(formdata)}" if formdata else url


def _instant(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def crawl_start(data: DataDir, crawl_id: str) -> datetime:
    """When this crawl started: from the crawl history (so a resumed crawl keeps its first
    start), else now."""
    if crawl_id and data.crawls_db.exists():
        record = CrawlHistory(data).find(crawl_id)
        if record is not None:
            started = record.started
            return started if started.tzinfo else started.replace(tzinfo=UTC)
    return datetime.now(UTC)


def open_known_articles(
    data: DataDir, collection: str, crawl_id: str = "", recrawl: RecrawlConfig | None = None,
) -> KnownArticles:
    return KnownArticles(
        CaptureIndex.open(data, collection), before=crawl_start(data, crawl_id),
        ledger=ListingLedger(data), crawl_id=crawl_id, recrawl=recrawl,
    )
