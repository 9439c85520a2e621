"""kill -9 in the middle of a crawl, then resume: same articles and URLs as an uninterrupted
crawl, and only the requests in flight at the kill fetched twice (local site, test spider)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from crawl_fixtures import pythonpath
from crawl_localsite import LISTINGS, LocalSite, SiteConfig, all_article_paths

from archive.control.frontier import SqliteFrontier
from archive.paths import DataDir
from scrapers.crawl.frontier_scheduler import frontier_path

TESTS = Path(__file__).resolve().parent
HOST = "congan.resume.gov.vn"
ROBOTS = "User-agent: *\nDisallow: /private/\n"


def _crawl(site: LocalSite, data: Path, crawl_id: str) -> subprocess.Popen[str]:
    env = dict(os.environ, http_proxy=site.proxy, PYTHONPATH=pythonpath(TESTS.parent, TESTS))
    return subprocess.Popen(
        [sys.executable, str(TESTS / "crawl_localsite.py"), f"http://{HOST}/", str(data), crawl_id],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _items(data: Path) -> list[str]:
    path = data / "items.jsonl"
    return [json.loads(line)["url"] for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_kill_9_then_resume_equals_an_uninterrupted_crawl(tmp_path: Path) -> None:
    articles = {f"http://{HOST}{path}" for path in all_article_paths()}
    # what an uninterrupted crawl fetches (checked by tests/test_politeness_localsite.py)
    full_paths = {"/", *(f"/list/{n}" for n in range(1, LISTINGS + 1)), *all_article_paths()}

    # the slow site makes the crawl take ~2 s, so the kill lands in its middle
    with LocalSite(SiteConfig(robots={HOST: ROBOTS}, delay=0.03)) as site:
        data = tmp_path / "killed"
        process = _crawl(site, data, "killed")
        deadline = time.monotonic() + 30
        while len(site.hits) < 30 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        first_run = Counter(hit.path for hit in site.hits if hit.path != "/robots.txt")
        items_before = _items(data)
        assert 0 < len(items_before) < len(articles)

        with SqliteFrontier(frontier_path(DataDir(data), "killed")) as frontier:
            unacked = {url.split(HOST, 1)[1] for url in frontier.leased_urls()}
            pending_before = frontier.counts().pending
        assert pending_before > 0

        hits_before = len(site.hits)
        process = _crawl(site, data, "killed")
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err[-2000:]
        assert "re-issued after an interruption" in err
        second_run = Counter(hit.path for hit in site.hits[hits_before:] if hit.path != "/robots.txt")

        # a third run of the finished crawl has nothing left to fetch (the seed is a duplicate)
        hits_before = len(site.hits)
        process = _crawl(site, data, "killed")
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err[-2000:]
        assert [hit.path for hit in site.hits[hits_before:]] in ([], ["/robots.txt"])
        assert "dupefilter/filtered" in err

    # nothing lost: every article and every URL of an uninterrupted crawl
    assert set(_items(data)) == articles
    assert set(first_run) | set(second_run) == full_paths
    assert "/private/x" not in first_run | second_run
    # only work whose processing had not finished was fetched again: the unacked leases,
    # and at most what was in flight (2 per portal, CONCURRENT_REQUESTS_PER_DOMAIN)
    refetched = set(first_run) & set(second_run)
    assert unacked <= set(second_run)
    assert len(refetched) <= 2, refetched
    # duplicates in the item output come only from refetched articles
    duplicated = {url.split(HOST, 1)[1] for url, n in Counter(_items(data)).items() if n > 1}
    assert duplicated <= refetched
    # and every URL was fetched at most twice
    assert max((first_run + second_run).values()) <= 2
