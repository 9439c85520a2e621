"""Deferred work of paused portals: the store, and when the scheduler's helper defers
(``archive.control.deferred``, ``scrapers.crawl.deferral``, ``scrapers.middlewares.host_pause``)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from archive.control.deferred import DeferredRequest, DeferredStore
from archive.control.frontier import SqliteFrontier
from scrapers.crawl.deferral import Deferrals
from scrapers.middlewares.host_pause import HostPauses
from scrapers.reporting.progress import measure, waiting_on

DEAD, LIVE = "congan.dead.gov.vn", "congan.live.gov.vn"


def _request(url: str, until: float, domain: str = DEAD) -> DeferredRequest:
    return DeferredRequest(domain=domain, url=url, payload=b"x", until=until, reason="Retry-After 3600 s (HTTP 503)")


def test_store_keeps_requests_until_their_time_and_pauses_never_shorten(tmp_path: Path) -> None:
    store = DeferredStore(tmp_path / "registry.sqlite3")
    now = time.time()
    assert store.defer([_request("http://d/1", now + 3600), _request("http://d/2", now - 1)], crawl_id="c1") == 2
    store.pause(DEAD, now + 3600, "Retry-After 3600 s (HTTP 503)", crawl_id="c1")
    store.pause(DEAD, now + 10, "shorter")
    assert store.pauses()[DEAD].until == pytest.approx(now + 3600)
    assert store.pauses(now=now + 3601) == {}
    due = store.claim([DEAD], now=now)
    assert [r.url for r in due] == ["http://d/2"]
    assert store.claim([LIVE], now=now + 4000) == []
    store.forget(due)
    summary = store.summary(crawl_id="c1")[DEAD]
    assert summary.count == 1 and summary.until == pytest.approx(now + 3600) and "3600" in summary.reason
    assert [r.url for r in store.claim(now=now + 3601)] == ["http://d/1"]


def _frontier_with(tmp_path: Path, hosts: dict[str, int]) -> SqliteFrontier:
    frontier = SqliteFrontier(tmp_path / "frontier.sqlite3")
    for host, n in hosts.items():
        for i in range(n):
            frontier.add(b"payload", url=f"http://{host}/{i}", host=host)
    frontier.commit()
    return frontier


def test_paused_portals_are_deferred_only_when_nothing_else_is_left(tmp_path: Path) -> None:
    pauses = HostPauses()
    store = DeferredStore(tmp_path / "registry.sqlite3")
    deferrals = Deferrals(store, pauses, crawl_id="c1", defer_after=30.0)
    frontier = _frontier_with(tmp_path, {DEAD: 3, LIVE: 2})
    pauses.pause(DEAD, 300, reason="Retry-After 3600 s (HTTP 503)", asked=3600)

    # another portal still has work: the paused one waits
    assert deferrals.settle(frontier, {}) == []
    assert frontier.pending_hosts() == {DEAD: 3, LIVE: 2}
    # a short pause is waited for, even when it is all that is left
    pauses.pause(LIVE, 5)
    assert deferrals.settle(frontier, {}) == []
    # only portals paused longer than CONGAN_DEFER_AFTER are left: deferred, with the time asked
    for _ in range(2):
        entry = frontier.lease(LIVE)
        assert entry is not None
        frontier.ack(entry.id)
    assert deferrals.settle(frontier, {LIVE: 0}) == [DEAD]
    assert frontier.pending_hosts() == {}
    assert frontier.counts().done == 5
    assert pauses.deferred[DEAD].until > time.time() + 3500
    summary = store.summary()[DEAD]
    assert summary.count == 3 and "Retry-After 3600" in summary.reason
    assert store.pauses()[DEAD].until == pytest.approx(pauses.deferred[DEAD].until)

    # the next crawl honours the pause, and takes the work back only once it is over
    later = HostPauses()
    nxt = Deferrals(store, later, crawl_id="c2", defer_after=30.0)
    nxt.open()
    assert later.remaining(DEAD) > 3500
    assert nxt.take_back(DEAD, lambda request: True) == 0
    frontier.close()


def test_a_portals_render_queue_is_deferred_with_the_portal(tmp_path: Path) -> None:
    # renders go through a slot (and frontier queue) of their own, ``<host>#browser``: a
    # paused portal is still one portal, and its renders are kept under its name
    pauses = HostPauses()
    store = DeferredStore(tmp_path / "registry.sqlite3")
    deferrals = Deferrals(store, pauses, crawl_id="c1", defer_after=30.0)
    frontier = _frontier_with(tmp_path, {DEAD: 2, f"{DEAD}#browser": 1})
    pauses.pause(DEAD, 300, reason="Retry-After 3600 s (HTTP 503)", asked=3600)
    assert deferrals.settle(frontier, {f"{DEAD}#browser": 0}) == [DEAD]
    assert frontier.pending_hosts() == {}
    assert store.summary()[DEAD].count == 3
    frontier.close()


def test_a_waiting_request_gives_up_when_its_portal_is_deferred_or_the_crawl_stops() -> None:
    import asyncio

    from scrapy import Request

    from scrapers.middlewares import host_pause
    from scrapers.middlewares.host_pause import DEFER_META_KEY, PortalDeferred, wait_for

    async def fast_sleep(seconds: float) -> None:
        await asyncio.sleep(0)

    stopping = {"now": False}
    pauses = HostPauses(stopping=lambda: stopping["now"])
    pauses.pause(DEAD, 7200, reason="Retry-After 7200 s (HTTP 429)")
    original = host_pause.sleep
    host_pause.sleep = fast_sleep  # type: ignore[assignment]
    try:
        request = Request(f"http://{DEAD}/")
        stopping["now"] = True
        with pytest.raises(PortalDeferred):
            asyncio.run(wait_for(pauses, DEAD, request))
        assert "7200" in request.meta[DEFER_META_KEY].reason
        stopping["now"] = False
        pauses.defer(DEAD)
        other = Request(f"http://{DEAD}/a")
        with pytest.raises(PortalDeferred):
            asyncio.run(wait_for(pauses, DEAD, other))
        assert other.meta[DEFER_META_KEY].until > time.time() + 7000
    finally:
        host_pause.sleep = original  # type: ignore[assignment]


def test_progress_line_says_what_the_crawl_waits_for() -> None:
    pauses = HostPauses()
    pauses.pause(DEAD, 299, reason="Retry-After 3600 s (HTTP 503)", asked=3600)
    progress = measure(
        {"response_received_count": 10, "deferred/requests": 4}, previous_pages=0, seconds=1.0, pending=2,
        waiting=waiting_on(pauses),
    )
    line = progress.line()
    assert f"waiting on {DEAD} 4m5" in line and "(Retry-After 3600 s (HTTP 503))" in line
    assert line.endswith(", 4 deferred")
    pauses.defer(DEAD)
    assert waiting_on(pauses) == ()


def test_one_connection_per_thread_and_every_call_committed_at_once(tmp_path: Path) -> None:
    import threading

    store = DeferredStore(tmp_path / "registry.sqlite3")
    assert store._connect() is store._connect()  # kept open: no WAL checkpoint per call
    store.defer([_request("http://dead.example/a", time.time() - 1)], crawl_id="c1")
    store.pause(DEAD, time.time() + 60, "retry-after")
    other = DeferredStore(tmp_path / "registry.sqlite3")  # another reader (the command line)
    assert [r.url for r in other.claim()] == ["http://dead.example/a"]
    assert DEAD in other.pauses()
    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.append(store._connect()))
    thread.start()
    thread.join()
    assert seen and seen[0] is not store._connect()  # sqlite3 connections stay in their thread
    assert [r.url for r in store.claim()] == ["http://dead.example/a"]
    store.close()
    other.close()
