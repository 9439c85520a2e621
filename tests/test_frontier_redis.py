"""The Redis frontier (shared by several crawl processes): same behaviour as the SQLite one,
leases of a dead worker re-queued, a live worker's kept; and a crawl that uses it.
Needs Redis on 127.0.0.1:6379, as every machine and CI have (the tests fail without it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from crawl_fixtures import pythonpath
from crawl_localsite import LocalSite, SiteConfig, all_article_paths

from archive.control.frontier_redis import RedisFrontier

URL = "redis://127.0.0.1:6379/15"
TESTS = Path(__file__).resolve().parent


@pytest.fixture
def crawl_id() -> Iterator[str]:
    try:
        redis.Redis.from_url(URL).ping()
    except redis.RedisError:
        # required, not skipped: a silent skip would hide a regression of the Redis frontier
        pytest.fail("no Redis on 127.0.0.1:6379: start redis-server (apt-get install redis-server) and rerun")
    ident = f"test-{uuid.uuid4().hex[:8]}"
    yield ident
    RedisFrontier(URL, ident).drop()


def _add(frontier: RedisFrontier, url: str, host: str = "a.gov.vn", priority: int = 0, dedup: bool = True) -> bool:
    return frontier.add(
        url.encode(), url=url, host=host, priority=priority, fingerprint=url.encode() if dedup else None
    )


def test_dedup_and_order(crawl_id: str) -> None:
    frontier = RedisFrontier(URL, crawl_id)
    assert _add(frontier, "http://a.gov.vn/low")
    assert not _add(frontier, "http://a.gov.vn/low")
    assert _add(frontier, "http://a.gov.vn/low", dedup=False)
    _add(frontier, "http://a.gov.vn/high", priority=5)
    _add(frontier, "http://b.gov.vn/top", host="b.gov.vn", priority=9)
    assert frontier.pending_hosts() == {"a.gov.vn": 3, "b.gov.vn": 1}
    assert frontier.lease().url == "http://b.gov.vn/top"  # no host given: best priority anywhere
    assert [frontier.lease("a.gov.vn").url for _ in range(3)] == ["http://a.gov.vn/high", "http://a.gov.vn/low", "http://a.gov.vn/low"]
    assert frontier.lease("a.gov.vn") is None
    counts = frontier.counts()
    assert (counts.pending, counts.leased, counts.done, counts.seen) == (0, 4, 0, 3)


def test_a_dead_workers_leases_come_back_a_live_ones_do_not(crawl_id: str) -> None:
    dead = RedisFrontier(URL, crawl_id, worker="dead")
    live = RedisFrontier(URL, crawl_id, worker="live")
    for n in range(3):
        _add(dead, f"http://a.gov.vn/{n}")
    first = dead.lease()
    dead.ack(first.id)
    dead.lease()  # never acked
    live.lease()  # held by a live worker
    dead.client.delete(f"{dead.prefix}worker:dead")  # its heartbeat expired
    resumed = RedisFrontier(URL, crawl_id, worker="resumed")
    assert resumed.recover() == 1
    again = resumed.lease()
    assert again.url == "http://a.gov.vn/1" and again.attempts == 2
    counts = resumed.counts()
    assert (counts.pending, counts.leased, counts.done) == (0, 2, 1)


def test_a_crawl_with_the_redis_frontier(crawl_id: str, tmp_path: Path) -> None:
    host = "congan.redis.gov.vn"
    with LocalSite(SiteConfig(robots={host: "User-agent: *\nDisallow: /private/\n"})) as site:
        env = dict(os.environ, http_proxy=site.proxy, PYTHONPATH=pythonpath(TESTS.parent, TESTS))
        result = subprocess.run(
            [sys.executable, str(TESTS / "crawl_localsite.py"), f"http://{host}/", str(tmp_path), crawl_id,
             f"CONGAN_FRONTIER_URL={URL}", "CONGAN_REPORT_INTERVAL=0"],
            env=env, capture_output=True, text=True, timeout=120,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    items = {json.loads(line)["url"] for line in (tmp_path / "items.jsonl").read_text(encoding="utf-8").splitlines()}
    assert items == {f"http://{host}{path}" for path in all_article_paths()}
    report = json.loads((tmp_path / "crawls" / crawl_id / "report.json").read_text(encoding="utf-8"))
    assert report["frontier"]["done"] == report["frontier"]["enqueued"] > 70
    assert not (tmp_path / "state" / "frontier" / f"{crawl_id}.sqlite3").exists()
    assert RedisFrontier(URL, crawl_id).counts().done == report["frontier"]["done"]
