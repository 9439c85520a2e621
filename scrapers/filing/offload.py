"""Extraction and corpus filing off the crawl's event loop (``EXTRACT_WORKERS``).

Extracting an article (lxml, trafilatura, the cascade) is the largest piece of CPU work of a
crawl, and filing it in the corpus waits for the disk (``fsync``). Both ran in the reactor
thread and held every download, parse and WARC write back while they did. Here:

* extraction runs in ``EXTRACT_WORKERS`` worker processes (``spawn``, so nothing of the
  crawl's threads or open files is inherited); the page's bytes go there, the extracted
  article (and the drift check's counts) come back;
* filing runs in one thread of its own that owns the ``CorpusStore`` (one SQLite connection,
  one writer, as before), so the disk waits leave the event loop free.

The item is done (and the frontier acks its request) only once its article is filed, so
``kill -9`` at any moment leaves the same states as before: filed and acked, filed and not
acked (the resumed crawl fetches it again and finds it unchanged), or neither.

A worker process whose crawl is gone (``kill -9``) exits by itself: it watches its parent.
``EXTRACT_WORKERS = 0`` keeps everything in the calling thread, and so does a pipeline used
outside a running crawl (no event loop: tests, tools).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from scrapers.extract import extract_article
from scrapers.extract.health import disagreements, drift_counts
from scrapers.filing.article import Filing, PageCapture, extract_page

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapers.portals.registry import Registry

logger = logging.getLogger(__name__)

#: seconds between two looks of a worker process at its parent
PARENT_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class Extracted:
    """What extraction of one page gives: the filing (the page's body left behind) and,
    for a page sampled for the drift check, the counts of fields the generic path disagrees on."""

    filing: Filing
    drift: dict[str, int] = field(default_factory=dict)


def extract(page: PageCapture, registry: Registry | None, drift: bool) -> Extracted:
    """Place and extract one page; ``drift``: compare with the generic path too
    (``scrapers.extract.health``). Raises what extraction raises."""
    filing = extract_page(page, registry)
    counts: dict[str, int] = {}
    article = filing.article
    if drift and article.extraction.profile not in (None, "generic"):
        generic = extract_article(page.body, page.url, headers=page.headers, profile="generic")
        counts = drift_counts(article.site, disagreements(article, generic))
    return Extracted(replace(filing, page=replace(page, body=b"")), counts)


# -- worker processes ---------------------------------------------------------------------
_registry: list[Registry | None] = []  # the worker process's registry, set by _start_worker


def _start_worker(registry: Registry | None, parent: int) -> None:
    _registry.append(registry)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)  # the crawl is gone (kill -9): nothing to hand results to

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _extract_in_worker(page: PageCapture, drift: bool) -> Extracted:
    return extract(page, _registry[0] if _registry else None, drift)


class Offload:
    """The extraction processes and the filing thread of one crawl, made on first use."""

    def __init__(self, workers: int, registry: Registry | None) -> None:
        self.workers = max(0, workers)
        self.registry = registry
        self._processes: ProcessPoolExecutor | None = None
        self._filer: ThreadPoolExecutor | None = None

    @staticmethod
    def running() -> bool:
        """Whether an event loop runs in this thread (a crawl): results can be awaited."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    async def extract(self, page: PageCapture, drift: bool) -> Extracted:
        if not self.workers:
            return extract(page, self.registry, drift)
        if self._processes is None:
            self._processes = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=(self.registry, os.getpid()),
            )
        pool = self._processes
        try:
            return await asyncio.wrap_future(pool.submit(_extract_in_worker, page, drift))
        except BrokenProcessPool:
            # a worker died (killed, out of memory): this page is extracted here, the next one
            # by a new pool
            if self._processes is pool:
                logger.warning("extract: a worker process died; starting another")
                pool.shutdown(wait=False, cancel_futures=True)
                self._processes = None
            return extract(page, self.registry, drift)

    async def file(self, work: Callable[[], Any]) -> Any:
        """Run ``work`` (corpus writes) in the filing thread, in submission order."""
        if self._filer is None:
            self._filer = ThreadPoolExecutor(1, thread_name_prefix="corpus")
        future: Future[Any] = self._filer.submit(work)
        return await asyncio.wrap_future(future)

    def run_filing(self, work: Callable[[], Any]) -> Any:
        """Run ``work`` in the filing thread (when there is one) and wait for it here."""
        if self._filer is None:
            return work()
        return self._filer.submit(work).result()

    def close(self) -> None:
        if self._processes is not None:
            self._processes.shutdown(wait=True, cancel_futures=True)
            self._processes = None
        if self._filer is not None:
            self._filer.shutdown(wait=True)
            self._filer = None
