"""SIGTERM stops a crawl promptly while it waits on a paused portal (issue 13, item 5).

A portal answers its home page ``429 Retry-After: 7200``; with deferral switched off
(``CONGAN_DEFER_AFTER`` huge) the crawl waits for it (capped at ``CONGAN_RETRY_AFTER_MAX``)
once the other portal is done. A SIGTERM then must end the crawl within seconds (it used to
need kill -9), the report says "interrupted", and the waiting request is kept for a later
crawl with the time the portal asked for, not lost.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from crawl_fixtures import pythonpath
from crawl_localsite import LocalSite, SiteConfig

from archive.control.deferred import DeferredStore
from archive.paths import DataDir

TESTS = Path(__file__).resolve().parent
FAST, PAUSED = "congan.fast.gov.vn", "congan.paused.gov.vn"


def _wait_until(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_sigterm_stops_a_crawl_waiting_on_a_retry_after_portal(tmp_path: Path) -> None:
    data = tmp_path / "data"
    config = SiteConfig(sizes={FAST: (2, 3), PAUSED: (1, 1)}, retry_after={f"{PAUSED}/": 7200})
    with LocalSite(config) as site:
        env = dict(os.environ, http_proxy=site.proxy, PYTHONPATH=pythonpath(TESTS.parent, TESTS))
        process = subprocess.Popen(
            [sys.executable, str(TESTS / "crawl_localsite.py"), f"http://{FAST}/,http://{PAUSED}/", str(data),
             "paused", "CONGAN_DEFER_AFTER=100000", "CONGAN_REPORT_INTERVAL=0", "CONGAN_PROGRESS_INTERVAL=1"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            answered = lambda: any(h.host == PAUSED and h.status == 429 for h in site.hits)  # noqa: E731
            fast_done = lambda: len([h for h in site.hits if h.host == FAST]) >= 10  # noqa: E731
            assert _wait_until(lambda: answered() and fast_done(), 60), "the crawl never reached the paused portal"
            time.sleep(3)  # now only the paused portal has work: the crawl waits on it
            assert process.poll() is None, "the crawl did not wait (is CONGAN_DEFER_AFTER read?)"
            stopped = time.monotonic()
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=30)
            took = time.monotonic() - stopped
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        paused_hits = [h for h in site.hits if h.host == PAUSED and h.path == "/"]
    assert took < 10, f"SIGTERM took {took:.1f} s to stop the crawl"
    assert len(paused_hits) == 1, "the portal was asked again before its Retry-After"
    assert "waiting on" in stderr  # the progress line says what the crawl waits for
    report = json.loads((data / "crawls" / "paused" / "report.json").read_text(encoding="utf-8"))
    assert report["status"] == "interrupted"
    # the waiting request is kept, with the time the portal asked for, honoured by later crawls
    store = DeferredStore.open(DataDir(data))
    pause = store.pauses()[PAUSED]
    assert pause.until - paused_hits[0].time > 7000
    assert "Retry-After 7200" in pause.reason
    assert store.summary()[PAUSED].count == 1
    assert report["deferred"][PAUSED]["count"] == 1
