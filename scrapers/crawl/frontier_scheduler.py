"""A Scrapy scheduler over the durable frontier (``archive.control.frontier``).

Requests are serialised with Scrapy's ``Request.to_dict`` / ``request_from_dict`` (the
successors of ``request_to_dict``), pickled as Scrapy's own disk queues do, and deduplicated
by their fingerprint, persisted with the frontier. A request is *leased* when handed to the
engine and *acked* when the engine is completely done with it: its response went through the
spider callback, every item through the pipelines, every child request into the frontier; or
the final failure went through the errback; or a downloader middleware replaced it (retry,
redirect) and the replacement was queued. So a ``kill -9`` at any moment, then a resume,
re-issues only the requests whose processing had not finished.

Which request next: the frontier is asked for a host first, chosen among hosts with pending
work and fewer requests in flight than ``CONCURRENT_REQUESTS_PER_DOMAIN``, the least loaded
and least recently served first. A portal that is slow, paused (Crawl-delay, Retry-After,
backoff) or down thus holds at most that many requests and never fills the global
``CONCURRENT_REQUESTS`` while other portals wait.

A paused portal never holds the crawl (``scrapers.crawl.deferral``): when only portals
paused longer than ``CONGAN_DEFER_AFTER`` have work left, their requests are deferred to the
next crawl of the portal, and a request a middleware refused as deferred
(``host_pause.DEFER_META_KEY``) is kept there instead of being acked as done.

Every ``STATS_SECONDS`` (a timer, so also while no request is acked: robots.txt fetches and
their retries, a portal that only fails), with an ack at most that often, and at close, the
run's counters are saved in the frontier and committed (``Frontier.save_run_stats``), so the
report of a crawl resumed after a ``kill -9`` adds up every run (``scrapers.reporting.report``).
Its ``requests`` are Scrapy's ``downloader/request_count``: every request that went through
the downloader middlewares (robots.txt, retries and redirects included), counted before it is
sent; a ``kill -9`` loses the counts of at most the last ``STATS_SECONDS`` (plus the time the
event loop was busy) before it.

``CONGAN_MAX_PAGES`` caps the number of distinct requests handed out, counted in the
frontier, so the cap holds across resumes.

``CONGAN_FRONTIER_URL`` chooses the store: empty for SQLite in the data directory
(``archive.control.frontier.SqliteFrontier``), ``redis://host:port/db`` for a frontier
several crawl processes share (``archive.control.frontier_redis.RedisFrontier``).
"""

from __future__ import annotations

import json
import logging
import pickle
import time
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scrapy.core.scheduler import BaseScheduler
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.request import request_from_dict

from archive.control.deferred import DeferredRequest, DeferredStore
from archive.control.frontier import Frontier, SqliteFrontier
from archive.paths import DataDir
from scrapers.compat import fail_queued, hook_request_done, slot_host, slot_key
from scrapers.config import crawl_config
from scrapers.crawl.deferral import Deferrals
from scrapers.crawl.disk_guard import stopped_for_storage
from scrapers.errors import ConfigError
from scrapers.middlewares.host_pause import DEFER_META_KEY, defer_request, deferral_of, shared_pauses

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: request.meta key holding the frontier entry id of a leased request (never persisted).
ENTRY_META_KEY = "_congan_frontier_entry"
PICKLE_PROTOCOL = 4
#: seconds between two housekeeping rounds of the scheduler: commit (SQLite) or heartbeat
#: (Redis), and re-queueing the leases of workers that are gone
MAINTENANCE_SECONDS = 5.0
#: this often the run's counters are saved and committed (and by an ack, at most this often):
#: a kill -9 loses the counts of at most this many seconds
STATS_SECONDS = 0.25


def frontier_path(data: DataDir, crawl_id: str) -> Path:
    return data.frontier_dir / f"{crawl_id}.sqlite3"


def open_frontier(url: str, path: Path, crawl_id: str) -> Frontier:
    """The frontier store a ``CONGAN_FRONTIER_URL`` names."""
    if not url:
        return SqliteFrontier(path)
    if url.startswith(("redis://", "rediss://", "unix://")):
        from archive.control.frontier_redis import RedisFrontier

        return RedisFrontier(url, crawl_id)
    raise ValueError(f"CONGAN_FRONTIER_URL {url!r}: use empty (SQLite) or redis://host:port/db")


def serialize_request(request: Request, spider: Spider | None) -> bytes:
    """Request -> bytes; raises ``ValueError`` / ``pickle.PicklingError`` / ``TypeError``
    when the request cannot be stored (callback that is no spider method, unpicklable meta)."""
    data = request.to_dict(spider=spider)
    meta = data.get("meta")
    if meta and ENTRY_META_KEY in meta:
        data["meta"] = {key: value for key, value in meta.items() if key != ENTRY_META_KEY}
    return pickle.dumps(data, protocol=PICKLE_PROTOCOL)


def deserialize_request(payload: bytes, spider: Spider | None) -> Request:
    return request_from_dict(pickle.loads(payload), spider=spider)


class FrontierScheduler(BaseScheduler):
    def __init__(
        self,
        path: Path,
        *,
        crawler: Crawler,
        max_pages: int = 0,
        per_host_concurrency: int = 2,
        frontier_url: str = "",
        crawl_id: str = "",
        deferrals: Deferrals | None = None,
    ) -> None:
        self.path = path
        self.frontier_url = frontier_url
        self.crawl_id = crawl_id or path.stem
        self.crawler = crawler
        self.stats: StatsCollector | None = crawler.stats
        self.max_pages = max_pages
        self.per_host_concurrency = max(1, per_host_concurrency)
        self.frontier: Frontier | None = None
        self.spider: Spider | None = None
        self._leased: dict[int, tuple[Request, str]] = {}
        self._in_flight: Counter[str] = Counter()
        self._last_served: dict[str, float] = {}
        self._memory: list[Request] = []  # requests that cannot be serialised (not durable)
        self._maintained = time.monotonic()
        self._stats_saved = 0.0
        self._stats_task: Any = None
        self._bound: dict[str, Any] = {}
        self.deferrals = deferrals

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = crawl_config(crawler)
        crawl_id = config.crawl_id
        if not crawl_id:
            raise ConfigError("CONGAN_CRAWL_ID is empty: enable scrapers.crawl.addon.CrawlAddon in ADDONS or set it")
        return cls(
            frontier_path(config.data, crawl_id),
            crawler=crawler,
            max_pages=config.frontier.max_pages,
            per_host_concurrency=config.frontier.per_host_concurrency,
            frontier_url=config.frontier.frontier_url,
            crawl_id=crawl_id,
            deferrals=Deferrals(
                DeferredStore.open(config.data), shared_pauses(crawler), crawl_id=crawl_id,
                defer_after=config.frontier.defer_after, stats=crawler.stats,
            ),
        )

    # -- lifecycle --------------------------------------------------------------------------
    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.frontier = open_frontier(self.frontier_url, self.path, self.crawl_id)
        recovered = self.frontier.recover()
        counts = self.frontier.counts()
        if recovered or counts.done:
            logger.info(
                "Resuming frontier %s: %s requests done, %s pending (%s re-issued after an interruption)",
                self.frontier_url or self.path, counts.done, counts.pending, recovered,
            )
        self._inc("frontier/recovered", recovered)
        self._hook_engine()
        self._stats_task = create_looping_call(self._save_and_commit)
        self._stats_task.start(STATS_SECONDS, now=False)
        if self.deferrals is not None:
            self.deferrals.open()

    def _enqueue_deferred(self, deferred: DeferredRequest) -> bool:
        try:
            request = deserialize_request(deferred.payload, self.spider)
        except (ValueError, AttributeError, pickle.UnpicklingError) as exc:
            logger.error("Dropping unreadable deferred request %s: %s", deferred.url, exc)
            return False
        return self.enqueue_request(request)

    def _hook_engine(self) -> None:
        # The engine has no signal for "done with this request" (response scraped and every
        # item processed, or replacement request scheduled): its slot's remove_request() is
        # exactly that point, so we wrap it on the slot instance. The kill -9 tests
        # (tests/test_frontier_resume.py, tests/test_crawl_resume.py) check it against the
        # installed Scrapy; scrapers.compat holds the hook.
        hook_request_done(self.crawler.engine, self._done)

    def close(self, reason: str) -> None:
        if self._stats_task is not None and self._stats_task.running:
            self._stats_task.stop()
        if self.frontier is None:
            return
        self._save_run_stats()
        for entry_id in list(self._leased):
            # Not done when the spider closed (shutdown): stays leased, re-issued on resume.
            self._leased.pop(entry_id)
        counts = self.frontier.counts()
        self.frontier.close()
        if self.stats is not None:
            self.stats.set_value("frontier/pending", counts.pending + len(self._memory))
            self.stats.set_value("frontier/leased", counts.leased)
            self.stats.set_value("frontier/done", counts.done)
            self.stats.set_value("frontier/seen", counts.seen)
        if self._memory:
            logger.warning("%s unserialisable requests were not fetched and are lost", len(self._memory))
        self.frontier = None

    # -- the scheduler interface ---------------------------------------------------------------------
    def has_pending_requests(self) -> bool:
        if self.frontier is None:
            return False
        if self._limit_reached():
            return False
        counts = self.frontier.counts()
        # leases of other workers (a shared frontier, or a killed run whose leases have not
        # expired yet) may come back to the queue: wait for them
        return counts.pending > 0 or counts.leased > len(self._leased) or bool(self._memory)

    def enqueue_request(self, request: Request) -> bool:
        assert self.frontier is not None
        fingerprint = None if request.dont_filter else self.crawler.request_fingerprinter.fingerprint(request)
        try:
            payload = serialize_request(request, self.spider)
            if self.deferrals is not None:
                host = slot_host(self._host(request))
                self.deferrals.take_back(host, self._enqueue_deferred)
                deferral = self.deferrals.pauses.deferred.get(host)
                if deferral is not None:
                    self.deferrals.keep_one(host, request.url, payload, deferral)
                    return True
        except (ValueError, TypeError, pickle.PicklingError, AttributeError) as exc:
            logger.warning("Cannot store %s in the frontier (%s); keeping it in memory only", request, exc)
            self._inc("frontier/unserializable")
            self._memory.append(request)
            return True
        added = self.frontier.add(
            payload, url=request.url, host=self._host(request), priority=request.priority, fingerprint=fingerprint
        )
        if not added:
            logger.debug("Filtered duplicate request: %s", request)
            self._inc("dupefilter/filtered")
            return False
        self._inc("frontier/enqueued")
        return True

    def next_request(self) -> Request | None:
        assert self.frontier is not None
        if self._memory:
            return self._memory.pop()
        self._maintain()
        if self._limit_reached():
            return None
        if self.deferrals is not None:
            for deferred_host in self.deferrals.settle(self.frontier, self._in_flight):
                self._fail_queued(deferred_host)
        host = self._pick_host()
        if host is None:
            return None
        entry = self.frontier.lease(host)
        if entry is None:
            return None
        try:
            request = deserialize_request(entry.payload, self.spider)
        except (ValueError, AttributeError, pickle.UnpicklingError) as exc:
            logger.error("Dropping unreadable frontier entry %s (%s): %s", entry.id, entry.url, exc)
            self._inc("frontier/unreadable")
            self.frontier.ack(entry.id)
            return None
        self._share_bound_methods(request)
        request.meta[ENTRY_META_KEY] = entry.id
        self._leased[entry.id] = (request, entry.host)
        self._in_flight[entry.host] += 1
        self._last_served[entry.host] = time.monotonic()
        self._inc("frontier/issued")
        if entry.attempts > 1:
            self._inc("frontier/reissued")
        return request

    def __len__(self) -> int:
        return 0 if self.frontier is None else self.frontier.counts().pending + len(self._memory)

    # -- helpers ---------------------------------------------------------------------------------
    def _done(self, request: Request) -> None:
        entry_id = request.meta.get(ENTRY_META_KEY)
        if not isinstance(entry_id, int):
            return  # robots.txt and other direct downloads
        leased = self._leased.get(entry_id)
        if leased is None or leased[0] is not request or self.frontier is None:
            return  # robots.txt and other direct downloads, or a copy carrying the key
        if stopped_for_storage(self.crawler):
            return  # the disk is full: maybe not archived; stays leased, fetched again on resume
        del self._leased[entry_id]
        host = leased[1]
        self._in_flight[host] -= 1
        if self._in_flight[host] <= 0:
            del self._in_flight[host]
        deferral = deferral_of(request)
        if deferral is not None and self.deferrals is not None:
            # refused as deferred (paused, backoff, robots.txt unreachable): kept for a later
            # crawl, stored before the ack so that a crash in between re-issues it
            del request.meta[DEFER_META_KEY]
            self.deferrals.keep_one(slot_host(host), request.url, serialize_request(request, self.spider), deferral)
        if time.monotonic() - self._stats_saved >= STATS_SECONDS:
            self._save_run_stats()  # committed with the ack
        self.frontier.ack(entry_id)
        self._inc("frontier/acked")

    def _share_bound_methods(self, request: Request) -> None:
        # request_from_dict makes a new bound method per request; Scrapy caches what it learns
        # about a callback (is it a generator with a return value? found by parsing its
        # source) weakly by that object, so fresh objects mean parsing the spider's source
        # again for every response. One bound method per name keeps that cache warm.
        for attribute in ("callback", "errback"):
            method = getattr(request, attribute)
            name = getattr(method, "__name__", None)
            if name and getattr(method, "__self__", None) is self.spider:
                setattr(request, attribute, self._bound.setdefault(f"{attribute}:{name}", method))

    def _maintain(self) -> None:
        assert self.frontier is not None
        now = time.monotonic()
        if now - self._maintained < MAINTENANCE_SECONDS:
            return
        self._maintained = now
        self._save_run_stats()
        self.frontier.commit()
        if self.frontier.counts().leased > len(self._leased):
            recovered = self.frontier.recover()
            if recovered:
                logger.info("%s requests of workers that are gone are back in the frontier", recovered)
                self._inc("frontier/recovered", recovered)

    def _save_and_commit(self) -> None:
        """The timer's save: counters of requests sent while nothing was acked are kept too."""
        if self.frontier is not None and time.monotonic() - self._stats_saved >= STATS_SECONDS:
            self._save_run_stats()
            self.frontier.commit()

    def _save_run_stats(self) -> None:
        """This run's counters, with the acks of the same commit: a resume after ``kill -9``
        adds them up (``scrapers.reporting.report``)."""
        if self.stats is None or self.frontier is None:
            return
        stats = self.stats.get_stats()
        numbers = {k: v for k, v in stats.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        started = stats.get("start_time")
        if "elapsed_time_seconds" not in numbers and isinstance(started, datetime):
            numbers["elapsed_time_seconds"] = (datetime.now(started.tzinfo) - started).total_seconds()
        self.frontier.save_run_stats(json.dumps(numbers))
        self._stats_saved = time.monotonic()

    def _fail_queued(self, host: str) -> None:
        """Requests of a deferred portal held in its download slot's queue give up too."""
        assert self.deferrals is not None
        deferral = self.deferrals.pauses.deferred.get(host)
        if deferral is None or self.crawler.engine is None:
            return
        failed = fail_queued(self.crawler.engine, host, lambda request: defer_request(request, deferral))
        self._inc("deferred/dequeued", failed)

    def reached_hosts(self) -> set[str] | None:
        """Hosts with a request done in any run of this crawl (None: the store cannot say)."""
        return None if self.frontier is None else self.frontier.done_hosts()

    def _pick_host(self) -> str | None:
        assert self.frontier is not None
        best: str | None = None
        best_key: tuple[int, float] | None = None
        for host in self.frontier.pending_hosts():
            load = self._in_flight.get(host, 0)
            if load >= self.per_host_concurrency:
                continue
            key = (load, self._last_served.get(host, 0.0))
            if best_key is None or key < best_key:
                best, best_key = host, key
        return best

    def _limit_reached(self) -> bool:
        return bool(self.max_pages) and self.frontier is not None and self.frontier.counts().issued >= self.max_pages

    def _host(self, request: Request) -> str:
        return slot_key(request)

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None and count:
            self.stats.inc_value(key, count)
