"""A dead portal never holds the crawl (issue 13, item 5).

A network of freshly seeded variant portals is crawled once as it is and once with a portal
answering every request (robots.txt included) ``503 Retry-After: 3600``. The second crawl
must finish in less than twice the time of the first; the dead portal's pending work is
deferred (report, registry state, lifecycle); the next crawl sends nothing to it before the
time it asked for, and once that time has passed (moved back in the store: the injectable
clock of this test) the next crawl takes the deferred work back and asks the portal again.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archive.control.deferred import DeferredStore
from archive.paths import DataDir
from tests.crawl_fixtures import FAST_POLITE, run_congan_crawl

pytestmark = pytest.mark.slow

DEAD = "congan.chetmang.gov.vn"


def _fresh_seed() -> int:
    return int.from_bytes(os.urandom(4), "big") % 1_000_000


def _crawl(data: Path, net: object, crawl_id: str, registry: Path) -> tuple[float, dict, list[dict]]:
    import time

    before = len(net.access_entries())  # type: ignore[attr-defined]
    started = time.monotonic()
    result = run_congan_crawl(data, net.proxy_env(), crawl_id, "-s", f"CONGAN_REGISTRY={registry}", *FAST_POLITE)  # type: ignore[attr-defined]
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-4000:]
    report = json.loads((data / "crawls" / crawl_id / "report.json").read_text(encoding="utf-8"))
    return seconds, report, net.access_entries()[before:]  # type: ignore[attr-defined]


def _portal_lifecycle(data: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "congan", "--data", str(data), "crawls", "portal", DEAD, "--json"],
        capture_output=True, text=True, timeout=60, check=True,
    )
    return json.loads(result.stdout.splitlines()[0])


def test_dead_portal_is_deferred_and_retried_by_the_next_crawl(tmp_path: Path) -> None:
    from simnet.variants import VariantSimNet, dead_spec, make_variant, write_registry

    variants = [make_variant("wordpress", _fresh_seed()), make_variant("joomla", _fresh_seed())]
    extras = (dead_spec(),)
    plain_registry = write_registry(variants, tmp_path / "plain.csv")
    dead_registry = write_registry(variants, tmp_path / "dead.csv", extras=extras)

    with VariantSimNet(variants) as net:
        alive_s, alive_report, _ = _crawl(tmp_path / "alive", net, "alive", plain_registry)
    assert alive_report["status"] == "finished"

    data = tmp_path / "dead"
    with VariantSimNet(variants, extras=extras) as net:
        dead_s, report, log = _crawl(data, net, "first", dead_registry)
        assert report["status"] == "finished"
        print(f"crawl {alive_s:.1f} s without the dead portal, {dead_s:.1f} s with it")
        assert dead_s < 2 * alive_s, f"{dead_s:.1f} s with the dead portal, {alive_s:.1f} s without"
        assert report["totals"]["articles"] == alive_report["totals"]["articles"]
        dead_hits = [e for e in log if e["host"] == DEAD]
        assert dead_hits, "the dead portal was never asked"

        # deferred, with until when and why: in the report, the store and the lifecycle
        deferred = report["deferred"][DEAD]
        assert deferred["count"] >= 1
        assert "Retry-After 3600" in deferred["reason"]
        store = DeferredStore.open(DataDir(data))
        pause = store.pauses()[DEAD]
        assert pause.until - max(e["ts"] for e in dead_hits) > 3000
        assert store.summary()[DEAD].count == deferred["count"]
        lifecycle = _portal_lifecycle(data)
        assert lifecycle["status"] == "down" and lifecycle["at_risk"]
        assert lifecycle["deferred"] == deferred["count"] and "Retry-After 3600" in lifecycle["deferred_reason"]

        # the next crawl honours the time the portal asked for: not one request to it
        _, second, log = _crawl(data, net, "second", dead_registry)
        assert second["status"] == "finished"
        assert [e for e in log if e["host"] == DEAD] == []
        assert store.summary()[DEAD].count >= deferred["count"]

        # an hour later (moved back in the store), the next crawl asks the portal again
        with sqlite3.connect(DataDir(data).registry_db) as db:
            db.execute("UPDATE portal_pauses SET until = until - 7200")
            db.execute("UPDATE deferred_requests SET until = until - 7200")
        _, third, log = _crawl(data, net, "third", dead_registry)
        assert [e for e in log if e["host"] == DEAD], "the deferred portal was not retried"
        assert third["stats"].get("deferred/resumed", 0) >= 1
        # still dead: deferred again, for another hour
        assert third["deferred"][DEAD]["count"] >= 1
