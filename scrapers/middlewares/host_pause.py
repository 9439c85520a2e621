"""Per-host "not before" times, and waiting for them inside a downloader middleware.

Retry-After and backoff both say "no request to this portal before T". The wait happens in
``process_request`` (before the request reaches its downloader slot); the frontier scheduler
keeps at most ``CONCURRENT_REQUESTS_PER_DOMAIN`` requests of a portal in flight, so a paused
portal holds only those while the others go on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

Clock = Callable[[], float]


class HostPauses:
    """When each host may be requested again (monotonic clock)."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._until: dict[str, float] = {}

    def pause(self, host: str, seconds: float) -> float:
        """Pause ``host`` for ``seconds`` from now (never shortens a longer pause); returns
        the time it ends."""
        until = max(self._until.get(host, 0.0), self._clock() + max(0.0, seconds))
        self._until[host] = until
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


async def wait_for(pauses: HostPauses, host: str) -> float:
    """Wait until ``host`` is no longer paused (pauses may be extended meanwhile); returns
    the seconds waited."""
    waited = 0.0
    while (left := pauses.remaining(host)) > 0:
        await sleep(left)
        waited += left
    return waited
