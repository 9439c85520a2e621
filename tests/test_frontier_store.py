"""The durable frontier store: dedup, order, lease/ack, what survives a crash, one owner."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from archive.control.frontier import FrontierBusy, SqliteFrontier, read_counts


def _add(
    frontier: SqliteFrontier, url: str, *, host: str = "a.gov.vn", priority: int = 0, fp: bytes | None = b""
) -> bool:
    return frontier.add(
        url.encode(), url=url, host=host, priority=priority, fingerprint=fp if fp != b"" else url.encode()
    )


def test_duplicates_are_refused_unless_unfiltered(tmp_path: Path) -> None:
    with SqliteFrontier(tmp_path / "f.sqlite3") as frontier:
        assert _add(frontier, "http://a.gov.vn/1")
        assert not _add(frontier, "http://a.gov.vn/1")
        assert _add(frontier, "http://a.gov.vn/1", fp=None)  # dont_filter: always queued
        counts = frontier.counts()
        assert (counts.pending, counts.seen) == (2, 1)


def test_lease_order_is_priority_then_first_in_and_per_host(tmp_path: Path) -> None:
    with SqliteFrontier(tmp_path / "f.sqlite3") as frontier:
        _add(frontier, "http://a.gov.vn/low", priority=0)
        _add(frontier, "http://a.gov.vn/high", priority=5)
        _add(frontier, "http://a.gov.vn/low2", priority=0)
        _add(frontier, "http://b.gov.vn/x", host="b.gov.vn", priority=9)
        assert frontier.pending_hosts() == {"a.gov.vn": 3, "b.gov.vn": 1}
        urls = [frontier.lease("a.gov.vn").url for _ in range(3)]
        assert urls == ["http://a.gov.vn/high", "http://a.gov.vn/low", "http://a.gov.vn/low2"]
        assert frontier.lease("a.gov.vn") is None
        assert frontier.pending_hosts() == {"b.gov.vn": 1}
        assert frontier.lease().url == "http://b.gov.vn/x"


def test_only_acked_work_survives_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "f.sqlite3"

    def crashing_worker() -> None:
        frontier = SqliteFrontier(path)
        for n in range(5):
            _add(frontier, f"http://a.gov.vn/{n}")
        frontier.commit()
        first = frontier.lease()
        _add(frontier, "http://a.gov.vn/child-of-0")
        frontier.ack(first.id)  # durable: the ack and its child
        frontier.lease()  # leased, never acked
        frontier.ack(frontier.lease().id)  # commits the lease of /1 as well
        _add(frontier, "http://a.gov.vn/child-of-1")  # never committed: lost
        os._exit(0)  # no close, no commit: like kill -9

    process = multiprocessing.get_context("fork").Process(target=crashing_worker)
    process.start()
    process.join(10)
    assert process.exitcode == 0

    with SqliteFrontier(path) as frontier:
        assert frontier.counts().leased == 1
        assert frontier.leased_urls() == ["http://a.gov.vn/1"]
        assert frontier.recover() == 1
        counts = frontier.counts()
        assert (counts.pending, counts.leased, counts.done) == (4, 0, 2)
        leased = [frontier.lease().url for _ in range(4)]
        assert leased == [f"http://a.gov.vn/{n}" for n in (1, 3, 4)] + ["http://a.gov.vn/child-of-0"]
        # the lost child was never stored, so it is not "seen" either: the re-run adds it again
        assert _add(frontier, "http://a.gov.vn/child-of-1")
        assert not _add(frontier, "http://a.gov.vn/child-of-0")


def test_a_second_process_on_the_same_crawl_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.sqlite3"
    with SqliteFrontier(path):
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()

        def other() -> None:
            try:
                SqliteFrontier(path)
                queue.put("opened")
            except FrontierBusy as exc:
                queue.put(str(exc))

        process = ctx.Process(target=other)
        process.start()
        process.join(10)
        message = queue.get(timeout=5)
        assert "in use by pid" in message and "wait for that crawl" in message
    SqliteFrontier(path).close()  # free again once closed


def test_counts_can_be_read_while_the_crawl_runs(tmp_path: Path) -> None:
    path = tmp_path / "f.sqlite3"
    assert read_counts(path) is None
    with SqliteFrontier(path) as frontier:
        _add(frontier, "http://a.gov.vn/1")
        _add(frontier, "http://a.gov.vn/2")
        frontier.ack(frontier.lease().id)
        counts = read_counts(path)
        assert counts is not None and (counts.pending, counts.done, counts.issued) == (1, 1, 1)


def test_ack_of_an_unknown_entry_is_harmless(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with SqliteFrontier(tmp_path / "f.sqlite3") as frontier:
        frontier.ack(12345)
        assert "not leased" in caplog.text
        assert frontier.counts().done == 0
