"""Per-host "not before" times, and waiting for them inside a downloader middleware.

Retry-After and backoff both say "no request to this portal before T". The wait happens in
``process_request`` (before the request reaches its downloader slot); the frontier scheduler
keeps at most ``CONCURRENT_REQUESTS_PER_DOMAIN`` requests of a portal in flight, so a paused
portal holds only those while the others go on.

A paused portal never holds the whole crawl: when only paused portals have work left, the
scheduler (``scrapers.crawl.frontier_scheduler``) *defers* them (:meth:`HostPauses.defer`):
every waiting request of such a portal gives up at once with :class:`PortalDeferred`, its
page context marked with the :class:`Deferral` (until when, why), and the scheduler keeps it
for a later crawl (``archive.control.deferred``) instead of acking it as done. A crawl being
stopped (SIGTERM, Ctrl-C) ends the waits the same way, within a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

if TYPE_CHECKING:
    from scrapy import Request

Clock = Callable[[], float]

#: request.meta key of a request deferred to a later crawl (a :class:`Deferral`)
DEFER_META_KEY = "_congan_deferred"
#: longest single sleep of a wait, so a deferral or a shutdown is noticed quickly
WAIT_STEP = 0.5


@dataclass(frozen=True)
class Deferral:
    """Not before ``until`` (Unix seconds), because of ``reason``."""

    until: float
    reason: str


class PortalDeferred(IgnoreRequest):
    """The portal is paused beyond this crawl; the request is kept for a later one."""


def defer_request(request: Request, deferral: Deferral, message: str | None = None) -> PortalDeferred:
    """Mark ``request`` as deferred; the exception to raise."""
    request.meta[DEFER_META_KEY] = deferral
    until = time.strftime("%H:%M:%S", time.localtime(deferral.until))
    return PortalDeferred(message or f"deferred until {until}: {deferral.reason}")


def deferral_of(request: Request) -> Deferral | None:
    value = request.meta.get(DEFER_META_KEY)
    return value if isinstance(value, Deferral) else None


class HostPauses:
    """When each host may be requested again (monotonic clock for waits), why, and which
    hosts are deferred to a later crawl."""

    def __init__(self, clock: Clock = time.monotonic, *, stopping: Callable[[], bool] | None = None) -> None:
        self._clock = clock
        self._until: dict[str, float] = {}
        self._asked: dict[str, Deferral] = {}  # what the portal asked for, uncapped (wall clock)
        self.deferred: dict[str, Deferral] = {}
        self.stopping = stopping or (lambda: False)

    def pause(self, host: str, seconds: float, *, reason: str = "paused", asked: float | None = None) -> float:
        """Pause ``host`` for ``seconds`` from now (never shortens a longer pause); returns
        the time it ends. ``asked``: how long the portal really asked for (``seconds`` may be
        capped), the time a deferral keeps."""
        until = max(self._until.get(host, 0.0), self._clock() + max(0.0, seconds))
        self._until[host] = until
        wall = time.time() + max(0.0, seconds if asked is None else asked)
        previous = self._asked.get(host)
        if previous is None or wall >= previous.until:
            self._asked[host] = Deferral(until=wall, reason=reason)
        return until

    def remaining(self, host: str) -> float:
        until = self._until.get(host)
        if until is None:
            return 0.0
        left = until - self._clock()
        if left <= 0:
            del self._until[host]
            return 0.0
        return left

    def asked(self, host: str) -> Deferral | None:
        """Until when (wall clock) and why the host is paused, while it is."""
        found = self._asked.get(host)
        if found is not None and found.until <= time.time() and self.remaining(host) <= 0:
            del self._asked[host]
            return None
        return found

    def paused(self) -> dict[str, float]:
        """Hosts paused now, with the seconds left of their wait."""
        return {host: left for host in list(self._until) if (left := self.remaining(host)) > 0}

    def defer(self, host: str, deferral: Deferral | None = None) -> Deferral:
        """From now on every request of ``host`` is deferred (waiting ones included)."""
        found = deferral or self.asked(host) or Deferral(until=time.time(), reason="paused")
        self.deferred[host] = found
        return found


def shared_pauses(crawler: Any) -> HostPauses:
    """The one :class:`HostPauses` of a crawl (Retry-After, backoff, the scheduler and the
    progress line share it); its waits end when the crawl is being stopped."""
    found = getattr(crawler, "_congan_pauses", None)
    if found is None:
        found = HostPauses(stopping=lambda: not getattr(crawler, "crawling", True))
        crawler._congan_pauses = found
    return found


class SlotHolds:
    """Hold a downloader slot until its host's pause is over.

    A request that has already left the middlewares sits in its slot's queue, out of reach
    of :func:`wait_for`. Called on ``response_downloaded`` (after AutoThrottle, before the
    slot picks its next request), :meth:`apply` raises the slot's delay to the time left,
    turns its jitter off and counts from now, so nothing leaves the slot before the pause
    ends; the first answer after that gives the slot its delay and jitter back.
    """

    def __init__(self, pauses: HostPauses) -> None:
        self.pauses = pauses
        self._saved: dict[str, tuple[float, float]] = {}

    def apply(self, slots: dict[str, Any], key: str) -> None:
        slot = slots.get(key)
        if slot is None:
            return
        left = self.pauses.remaining(key)
        if left > 0:
            saved = self._saved.setdefault(key, (slot.delay, slot.jitter))
            slot.delay = max(saved[0], left)
            slot.jitter = 0.0
            slot.lastseen = max(slot.lastseen, time.monotonic())
        elif key in self._saved:
            slot.delay, slot.jitter = self._saved.pop(key)


async def sleep(seconds: float) -> None:
    """Wait without blocking the reactor (any reactor)."""
    from twisted.internet import reactor  # the installed one; importing earlier would install one

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


async def wait_for(pauses: HostPauses, host: str, request: Request | None = None) -> float:
    """Wait until ``host`` is no longer paused (pauses may be extended meanwhile); returns
    the seconds waited. Raises :class:`PortalDeferred` (``request`` marked) when the host is
    or becomes deferred, or the crawl is being stopped."""
    waited = 0.0
    while True:
        deferral = pauses.deferred.get(host)
        if deferral is None and pauses.stopping() and pauses.remaining(host) > 0:
            deferral = pauses.asked(host) or Deferral(until=time.time(), reason="crawl stopped while paused")
        if deferral is not None:
            if request is None:
                raise PortalDeferred(deferral.reason)
            raise defer_request(request, deferral)
        left = pauses.remaining(host)
        if left <= 0:
            return waited
        step = min(left, WAIT_STEP)
        await sleep(step)
        waited += step
