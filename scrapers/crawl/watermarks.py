"""Listing watermarks for incremental crawls (issue 3, item 8).

A listing shows articles newest first; once one of its pages holds only articles the
archive already has, the pages after it hold older articles still, so an incremental crawl
stops paginating there. "Already has" means the archive holds a successful capture of the
article's canonical URL (``archive.warc.digests.CaptureIndex``, engineer B's latest capture
per URL). Changed articles are still found: the article pages themselves are re-requested
(conditionally) from the first listing pages, only the deep pagination is cut. Sitemap
entries whose ``<lastmod>`` is older than the archive's capture are not requested at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from archive.control.history import CrawlHistory
from archive.paths import DataDir
from archive.warc.digests import CaptureIndex


class KnownArticles:
    """Which URLs the archive had a good capture of before this crawl started; the empty
    default knows none (full crawls).

    Captures made by the crawl itself do not count: within a first crawl, a listing page
    whose articles were all reached another way earlier must still lead to its next page.
    ``before`` is the crawl's start (kept across resumes by the crawl history).
    """

    def __init__(self, index: CaptureIndex | None = None, before: datetime | None = None) -> None:
        self._index = index
        self._before = before

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

    def close(self) -> None:
        if self._index is not None:
            self._index.close()


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


def open_known_articles(data: DataDir, collection: str, crawl_id: str = "") -> KnownArticles:
    return KnownArticles(CaptureIndex.open(data, collection), before=crawl_start(data, crawl_id))
