"""Items the spiders yield (typed dataclasses; Scrapy handles them through itemadapter)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archive.capture import StoredRecord


@dataclass
class ArticlePage:
    """One article response, as fetched, for ``scrapers.filing.pipeline.ArticlePipeline``.

    ``body`` is the decoded payload (content coding removed by Scrapy), ``headers`` the
    response headers (first value of each), ``capture`` the ``archive.capture.StoredRecord``
    the WARC capture put in the page context (``scrapers.page_context``; None when capture is
    off), ``aliases`` the other URLs pages linked the article with (the page context's
    ``aliases``, also written to the page's outlinks record so ``congan reextract`` finds them).
    """

    url: str
    body: bytes
    site: str | None = None
    canonical_url: str | None = None
    adapter: str | None = None
    profile: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    capture: StoredRecord | None = None
    collection: str | None = None
    aliases: tuple[str, ...] = ()
