"""A paused portal never holds the crawl: its work is deferred to a later crawl.

The frontier scheduler (``scrapers.crawl.frontier_scheduler``) asks :meth:`Deferrals.settle`
each time it looks for a request. When every portal with work left (pending in the frontier
or in flight) is paused for longer than ``CONGAN_DEFER_AFTER`` (Retry-After, backoff; the
shared ``scrapers.middlewares.host_pause.HostPauses``), those portals are *deferred*: their
waiting requests give up at once (``PortalDeferred``), their pending frontier entries move
to ``archive.control.deferred.DeferredStore`` with the time the portal asked for and why,
and the crawl finishes instead of idling. Requests refused by backoff or an unreachable
robots.txt are deferred the same way (``host_pause.DEFER_META_KEY``), never lost.

At the start of a crawl, :meth:`Deferrals.open` brings back the pauses still running (no
request to a portal before the time it asked for, across crawls); the first time the crawl
queues a request of a portal, :meth:`Deferrals.take_back` queues the portal's deferred
requests whose time has come (so the next crawl *of that portal* picks them up).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from archive.control.deferred import DeferredRequest, DeferredStore
from scrapers.compat import slot_host
from scrapers.middlewares.host_pause import Deferral, HostPauses

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy.statscollectors import StatsCollector

    from archive.control.frontier import Frontier

logger = logging.getLogger(__name__)


class Deferrals:
    def __init__(
        self, store: DeferredStore, pauses: HostPauses, *, crawl_id: str, defer_after: float,
        stats: StatsCollector | None = None,
    ) -> None:
        self.store = store
        self.pauses = pauses
        self.crawl_id = crawl_id
        self.defer_after = defer_after
        self.stats = stats
        self._reached: set[str] = set()

    def open(self) -> None:
        """Resume the pauses still running: no request to a portal before the time it asked."""
        now = time.time()
        for pause in self.store.pauses(now=now).values():
            self.pauses.pause(pause.domain, pause.until - now, reason=pause.reason)
            logger.info("%s asked not to be requested before %s (%s)", pause.domain, _clock(pause.until), pause.reason)

    def take_back(self, host: str, enqueue: Callable[[DeferredRequest], bool]) -> int:
        """The first time this crawl reaches ``host``: queue the requests earlier crawls
        deferred for it whose time has come. How many came back."""
        if host in self._reached:
            return 0
        self._reached.add(host)
        due = self.store.claim([host])
        back = sum(1 for request in due if enqueue(request))
        self.store.forget(due)
        if due:
            logger.info("%s: %s requests deferred by earlier crawls are back in the frontier", host, back)
            self._inc("deferred/resumed", back)
        return back

    def settle(self, frontier: Frontier, in_flight: dict[str, int]) -> list[str]:
        """Defer the paused portals when they are all that is left; the hosts deferred now
        (or whose pending entries were moved to the store)."""
        # a portal's own slots (its renders: ``<host>#browser``) are the portal
        hosts = {slot_host(h) for h in frontier.pending_hosts()} | {slot_host(h) for h, n in in_flight.items() if n > 0}
        hosts -= set(self.pauses.deferred)
        if not hosts:
            return self.drain(frontier)
        paused = self.pauses.paused()
        if any(paused.get(host, 0.0) <= self.defer_after for host in hosts):
            return self.drain(frontier)
        newly = sorted(hosts)
        for host in newly:
            deferral = self.pauses.defer(host)
            logger.warning(
                "only paused portals have work left: deferring %s until %s (%s)", host, _clock(deferral.until),
                deferral.reason,
            )
            self._inc("deferred/portals")
        return sorted(set(newly) | set(self.drain(frontier)))

    def drain(self, frontier: Frontier) -> list[str]:
        """Move the pending entries of deferred hosts to the store."""
        moved = []
        for key in frontier.pending_hosts():
            host = slot_host(key)
            deferral = self.pauses.deferred.get(host)
            if deferral is None:
                continue
            entries = []
            while (entry := frontier.lease(key)) is not None:
                entries.append(entry)
            self.keep([DeferredRequest(host, e.url, e.payload, deferral.until, deferral.reason) for e in entries])
            for entry in entries:  # stored first: a crash in between re-issues, never loses
                frontier.ack(entry.id)
            moved.append(host)
        return sorted(set(moved))

    def keep(self, requests: list[DeferredRequest]) -> None:
        """Store ``requests`` for a later crawl, and their portals' pauses."""
        if not requests:
            return
        self.store.defer(requests, crawl_id=self.crawl_id)
        latest: dict[str, DeferredRequest] = {}
        for request in requests:
            if request.until > latest.get(request.domain, request).until or request.domain not in latest:
                latest[request.domain] = request
            self._inc("deferred/requests")
            self._inc(f"deferred/{request.domain}/requests")
        for request in latest.values():
            if request.until > time.time():
                self.store.pause(request.domain, request.until, request.reason, crawl_id=self.crawl_id)

    def keep_one(self, host: str, url: str, payload: bytes, deferral: Deferral) -> None:
        self.keep([DeferredRequest(host, url, payload, deferral.until, deferral.reason)])

    def waiting(self) -> dict[str, float]:
        """Portals paused now (not deferred), with the seconds left."""
        return {h: s for h, s in self.pauses.paused().items() if h not in self.pauses.deferred}

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None and count:
            self.stats.inc_value(key, count)


def _clock(moment: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(moment))
