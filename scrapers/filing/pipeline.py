"""Item pipelines. ``ArticlePipeline``: extract each ``ArticlePage`` and file it in the corpus.

Settings: ``EXTRACT_ENABLED`` (default True) switches it off; ``CONGAN_DATA`` and
``CONGAN_COLLECTION`` say where the corpus is and which collection captures belong to.
Stats: ``extract/articles``, ``extract/new|changed|unchanged``, ``extract/empty`` (no
title or body found), ``extract/no_capture``, ``extract/errors``, and per portal
``extract/<site>/articles`` and ``extract/<site>/with_title|date|author|body`` (read by
``scrapers.extract.health.portal_health`` for the crawl report), ``extract/late_aliases``.

Aliases. An ``ArticlePage`` carries the other URLs pages had linked the article with when it
was parsed (the same list goes to its WARC outlinks record). A page parsed later may link it
with yet another URL (the spider's ``aliases``: canonical URL -> URLs seen); when the spider
closes, those are merged into the corpus and written as one more outlinks record of the
article's capture (``congan-late-alias``), which ``congan reextract`` merges likewise after
the articles of its file, so it gives the same aliases and the same version lines.

Extraction and filing run off the crawl's event loop (``scrapers.filing.offload``,
``EXTRACT_WORKERS``); an item is done only once its article is filed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector

from archive.capture import StoredRecord
from archive.corpus import CaptureRef, CorpusStore
from archive.paths import DataDir
from scrapers.capture.warc_capture import capture_extension
from scrapers.config import crawl_config
from scrapers.extract.health import article_counts, sampled_for_drift
from scrapers.filing.article import PageCapture, file_article
from scrapers.filing.offload import Extracted, Offload, extract
from scrapers.items import ArticlePage
from scrapers.portals.registry import Registry, load_registry

logger = logging.getLogger(__name__)


class ArticlePipeline:
    def __init__(
        self, data: DataDir, collection: str, stats: StatsCollector, registry: Registry | None = None,
        crawler: Crawler | None = None, workers: int = 0,
    ) -> None:
        self.data = data
        self.collection = collection
        self.stats = stats
        self.registry = registry if registry is not None else load_registry()
        self.crawler = crawler
        self.store: CorpusStore | None = None
        #: canonical URL -> (the latest capture filed for it, the aliases its pages carried)
        self.filed: dict[str, tuple[StoredRecord, set[str]]] = {}
        self.offload = Offload(workers, self.registry)
        self._tail: asyncio.Future[None] | None = None  # done when the latest item is filed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticlePipeline:
        config = crawl_config(crawler)
        if not config.extract_enabled:
            raise NotConfigured("EXTRACT_ENABLED is off")
        return cls(config.data, config.collection, crawler.stats, crawler=crawler, workers=config.extract_workers)

    def open_spider(self) -> None:
        if not Offload.running():  # else opened by the filing thread, which alone uses it
            self._open_store()

    def _open_store(self) -> CorpusStore:
        if self.store is None:
            self.store = CorpusStore.open(self.data)
        return self.store

    def close_spider(self) -> None:
        self.offload.run_filing(self._close_store)
        self.offload.close()

    def _close_store(self) -> None:
        if self.store is not None:
            self.file_late_aliases()
            self.store.close()
            self.store = None

    def file_late_aliases(self) -> None:
        """Aliases of filed articles that pages parsed after them linked (the spider's
        ``aliases``): into the corpus, and into the WARC (an outlinks record of the capture,
        ``congan-alias`` fields) for ``congan reextract``. Runs before the WARC writer closes
        (pipelines close before the ``spider_closed`` signal)."""
        spider = self.crawler.spider if self.crawler is not None else None
        linked = getattr(spider, "aliases", None)
        if not linked or self.store is None:
            return
        capture = capture_extension(self.crawler) if self.crawler is not None else None
        for canonical, (stored, carried) in self.filed.items():
            late = tuple(sorted(set(linked.get(canonical, ())) - carried - {canonical}))
            if not late:
                continue
            if capture is not None:
                capture.write_outlinks(stored, (), None, late, late=True)
            if self.store.add_aliases(stored.record_id, late) is not None:
                self.stats.inc_value("extract/late_aliases", len(late))

    def sampled(self, item: ArticlePage) -> bool:
        """Whether the page is one of the sample the drift check compares with the generic
        path (``scrapers.extract.health``)."""
        if item.profile in (None, "generic"):
            return False
        return sampled_for_drift(int(self.stats.get_value(f"extract/{item.site}/articles", 0) or 0))

    def process_item(self, item: object) -> object:
        """The item, or (in a running crawl) a coroutine the pipeline manager awaits."""
        if not isinstance(item, ArticlePage):
            return item
        self.stats.inc_value("extract/articles")
        capture = CaptureRef.from_stored(item.capture, item.collection or self.collection) if item.capture else None
        page = PageCapture(
            url=item.url, capture=capture, body=item.body, headers=item.headers, adapter=item.adapter,
            site=item.site, canonical=item.canonical_url, profile=item.profile, aliases=item.aliases,
        )
        drift = self.sampled(item)
        if Offload.running():
            return self._process_offloaded(item, page, drift)
        try:
            extracted = extract(page, self.registry, drift)
        except Exception:  # the page boundary: one bad page never stops the crawl
            logger.exception("extract: failed on %s", item.url)
            self.stats.inc_value("extract/errors")
            return item
        self._count(extracted)
        if item.capture is not None:
            self._filed(item, self._file(item, extracted))
        return self._no_capture(item)

    def _process_offloaded(self, item: ArticlePage, page: PageCapture, drift: bool) -> Coroutine[Any, Any, object]:
        # articles are filed in the order the spider gave them (the order of their WARC
        # records, which congan reextract follows), whichever extraction ends first
        previous, self._tail = self._tail, asyncio.get_running_loop().create_future()
        turn = self._tail

        async def process() -> object:
            try:
                try:
                    extracted: Extracted | None = await self.offload.extract(page, drift)
                except Exception:  # the page boundary (a worker that died included): the crawl goes on
                    logger.exception("extract: failed on %s", item.url)
                    self.stats.inc_value("extract/errors")
                    extracted = None
                if previous is not None:
                    await previous
                if extracted is None:
                    return item
                self._count(extracted)
                if item.capture is not None:
                    self._filed(item, await self.offload.file(lambda: self._file(item, extracted)))
                return self._no_capture(item)
            finally:
                turn.set_result(None)

        return process()

    def _count(self, extracted: Extracted) -> None:
        article = extracted.filing.article
        counts = article_counts(
            article.site, title=bool(article.title), date=bool(article.published), author=bool(article.author),
            body=bool(article.body.strip()),
        )
        for key, value in (*counts.items(), *extracted.drift.items()):
            self.stats.inc_value(key, value)

    def _file(self, item: ArticlePage, extracted: Extracted) -> str | None:
        """File the article (in the thread that owns the store); its add kind, None if empty."""
        result = file_article(self._open_store(), extracted.filing).result
        return None if result is None else result.kind

    def _filed(self, item: ArticlePage, kind: str | None) -> None:
        if kind is None:
            self.stats.inc_value("extract/empty")
            logger.info("extract: no article found on %s", item.url)
            return
        self.stats.inc_value(f"extract/{kind}")
        if isinstance(item.capture, StoredRecord):
            canonical = item.canonical_url or item.url
            _, carried = self.filed.get(canonical, (item.capture, set()))
            self.filed[canonical] = (item.capture, carried | set(item.aliases))

    def _no_capture(self, item: ArticlePage) -> ArticlePage:
        if item.capture is None:
            self.stats.inc_value("extract/no_capture")
            logger.warning("extract: %s has no WARC capture; not filed in the corpus", item.url)
        return item
