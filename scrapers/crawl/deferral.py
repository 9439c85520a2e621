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
request to a portal before the time it asked for, across crawls) and the deferred requests
of the crawl's portals whose time has come.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from archive.control.deferred import DeferredRequest, DeferredStore
from scrapers.middlewares.host_pause import Deferral, HostPauses

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from scrapy.statscollectors import StatsCollector

    from archive.control.frontier import Frontier

logger = logging.getLogger(__name__)


def in_scope(host: str, domains: Iterable[str]) -> bool:
    """``host`` is one of ``domains`` or under one of them."""
    return any(host == d or host.endswith(f".{d}") for d in domains)


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

    def open(
        self, frontier: Frontier, domains: Iterable[str] | None, enqueue: Callable[[DeferredRequest], bool]
    ) -> int:
        """Resume the pauses still running; queue the crawl's deferred requests that are due
        (``domains``: the crawl's portals, None for all). How many came back."""
        now = time.time()
        for pause in self.store.pauses(now=now).values():
            self.pauses.pause(pause.domain, pause.until - now, reason=pause.reason)
            logger.info("%s asked not to be requested before %s (%s)", pause.domain, _clock(pause.until), pause.reason)
        wanted = None if domains is None else list(domains)
        due = [r for r in self.store.claim(now=now) if wanted is None or in_scope(r.domain, wanted)]
        back = 0
        for request in due:
            back += enqueue(request)
        frontier.commit()
        self.store.forget(due)
        if due:
            logger.info("%s requests deferred by earlier crawls are back in the frontier", back)
            self._inc("deferred/resumed", back)
        return back

    def settle(self, frontier: Frontier, in_flight: dict[str, int]) -> list[str]:
        """Defer the paused portals when they are all that is left; the hosts deferred."""
        hosts = set(frontier.pending_hosts()) | {h for h, n in in_flight.items() if n > 0}
        hosts -= set(self.pauses.deferred)
        if not hosts:
            return self.drain(frontier)
        paused = self.pauses.paused()
        if any(paused.get(host, 0.0) <= self.defer_after for host in hosts):
            return self.drain(frontier)
        for host in sorted(hosts):
            deferral = self.pauses.defer(host)
            logger.warning(
                "only paused portals have work left: deferring %s until %s (%s)", host, _clock(deferral.until),
                deferral.reason,
            )
            self._inc("deferred/portals")
        return self.drain(frontier)

    def drain(self, frontier: Frontier) -> list[str]:
        """Move the pending entries of deferred hosts to the store."""
        moved = []
        for host in frontier.pending_hosts():
            deferral = self.pauses.deferred.get(host)
            if deferral is None:
                continue
            entries = []
            while (entry := frontier.lease(host)) is not None:
                entries.append(entry)
            self.keep([DeferredRequest(host, e.url, e.payload, deferral.until, deferral.reason) for e in entries])
            for entry in entries:  # stored first: a crash in between re-issues, never loses
                frontier.ack(entry.id)
            moved.append(host)
        return moved

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
