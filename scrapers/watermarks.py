"""Listing watermarks for incremental crawls (issue 3, item 8).

A listing shows articles newest first; once one of its pages holds only articles the
archive already has, the pages after it hold older articles still, so an incremental crawl
stops paginating there. "Already has" means the archive holds a successful capture of the
article's canonical URL (``archive.digest_index.CaptureIndex``, engineer B's latest capture
per URL). Changed articles are still found: the article pages themselves are re-requested
(conditionally) from the first listing pages, only the deep pagination is cut.
"""

from __future__ import annotations

from typing import Iterable

from archive.digest_index import CaptureIndex
from archive.paths import DataDir


class KnownArticles:
    """Which article URLs the archive has; the empty default knows none (full crawls)."""

    def __init__(self, index: CaptureIndex | None = None) -> None:
        self._index = index

    def __contains__(self, url: str) -> bool:
        if self._index is None:
            return False
        latest = self._index.latest(url)
        return latest is not None and 200 <= latest.status < 400

    def all_known(self, urls: Iterable[str]) -> bool:
        """True when there is at least one URL and the archive has every one of them."""
        urls = list(urls)
        return bool(urls) and all(url in self for url in urls)

    def close(self) -> None:
        if self._index is not None:
            self._index.close()


def open_known_articles(data: DataDir, collection: str) -> KnownArticles:
    return KnownArticles(CaptureIndex.open(data, collection))
