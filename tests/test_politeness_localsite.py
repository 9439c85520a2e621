"""Politeness and bad answers, proved from the server's access log (local site, test spider):
robots.txt obeyed, Crawl-delay and Retry-After honoured with delays otherwise off, a dead
portal backed off then skipped, malformed answers counted and never fatal, conditional
requests on a second crawl."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from crawl_fixtures import pythonpath
from crawl_localsite import LocalSite, SiteConfig, all_article_paths

TESTS = Path(__file__).resolve().parent

FAST, DELAYED, BUSY, DOWN = "congan.fast.gov.vn", "congan.delay.gov.vn", "congan.busy.gov.vn", "congan.down.gov.vn"
NO_ROBOTS = "congan.norobots.gov.vn"  # its robots.txt answers 503: RFC 9309 says disallow all
ROBOTS = "User-agent: *\nDisallow: /private/\n"
CRAWL_DELAY = 0.5
SKIP_AFTER = 3


def crawl(
    site: LocalSite, data: Path, crawl_id: str, starts: list[str], *settings: str
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, http_proxy=site.proxy, PYTHONPATH=pythonpath(TESTS.parent, TESTS))
    return subprocess.run(
        [sys.executable, str(TESTS / "crawl_localsite.py"), ",".join(starts), str(data), crawl_id, *settings],
        env=env, capture_output=True, text=True, timeout=120,
    )


@pytest.fixture(scope="module")
def polite_crawl(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("polite") / "data"
    config = SiteConfig(
        robots={
            FAST: ROBOTS,
            DELAYED: f"User-agent: *\nCrawl-delay: {CRAWL_DELAY}\nDisallow: /private/\n",
            BUSY: ROBOTS,
        },
        sizes={DELAYED: (1, 3), BUSY: (1, 3), DOWN: (1, 1)},
        retry_after={f"{BUSY}/list/1": 1},
        unavailable={f"{BUSY}/a/1-1": 1},
        down_hosts={DOWN},
        robots_down={NO_ROBOTS},
        malformed={FAST},
    )
    starts = [f"http://{FAST}/", f"http://{DELAYED}/", f"http://{BUSY}/"] + [
        f"http://{DOWN}/{path}" for path in ("", "list/1", "list/2", "list/3", "list/4", "list/5", "list/6")
    ] + [f"http://{NO_ROBOTS}/", f"http://{NO_ROBOTS}/list/1"]
    with LocalSite(config) as site:
        result = crawl(
            site, data, "polite", starts,
            f"CONGAN_BACKOFF_SKIP_AFTER={SKIP_AFTER}", "CONGAN_BACKOFF_BASE=0.2", "DOWNLOAD_MAXSIZE=100000",
            "CONGAN_REPORT_INTERVAL=0",
        )
        hits = list(site.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((data / "crawls" / "polite" / "report.json").read_text(encoding="utf-8"))
    return hits, report, result.stderr, data


def _times(hits, host: str, path: str | None = None) -> list[float]:
    return sorted(hit.time for hit in hits if hit.host == host and (path is None or hit.path == path))


def test_robots_disallowed_paths_are_never_requested(polite_crawl) -> None:
    hits, report, _, _ = polite_crawl
    assert not [hit for hit in hits if hit.path.startswith("/private/")]
    assert report["portals"][FAST]["robots_denied"] == 1
    assert report["totals"]["robots_denied"] >= 3


def test_an_unreachable_robots_txt_disallows_the_portal(polite_crawl) -> None:
    hits, report, _, _ = polite_crawl
    paths = [hit.path for hit in hits if hit.host == NO_ROBOTS]
    assert paths and set(paths) == {"/robots.txt"}  # retried, then nothing else asked
    assert report["portals"][NO_ROBOTS]["robots_denied"] == 2
    assert report["stats"]["robotstxt/unreachable"] == 1


def test_crawl_delay_is_honoured_per_portal(polite_crawl) -> None:
    hits, report, _, _ = polite_crawl
    times = _times(hits, DELAYED)
    assert len(times) == 6  # robots.txt, /, /list/1, 3 articles
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= CRAWL_DELAY, gaps
    assert report["politeness"]["crawl_delay_portals"] == 1
    # the other portals were not held back by it (DOWNLOAD_DELAY=0): held to the same delay,
    # the fast portal's requests would span (n - 1) x CRAWL_DELAY; a third of that is slack
    # enough for a loaded machine (about 5 s on an idle one, 14 s allowed)
    fast = _times(hits, FAST)
    assert len(fast) > 70 and fast[-1] - fast[0] < (len(fast) - 1) * CRAWL_DELAY / 3


def test_retry_after_is_honoured(polite_crawl) -> None:
    hits, report, _, _ = polite_crawl
    for path in ("/list/1", "/a/1-1"):
        times = _times(hits, BUSY, path)
        assert len(times) == 2, (path, times)
        assert times[1] - times[0] >= 1.0
    assert report["politeness"]["retry_after_honoured"] == 2
    busy = report["portals"][BUSY]
    assert busy["errors"] == {"http_429": 1, "http_503": 1}
    assert busy["articles"] == 3  # and the crawl of that portal went on


def test_a_dead_portal_is_backed_off_then_skipped(polite_crawl) -> None:
    hits, report, _, _ = polite_crawl
    down = [hit for hit in hits if hit.host == DOWN and hit.path != "/robots.txt"]
    # SKIP_AFTER failures, plus at most one more already in flight (2 per portal)
    assert SKIP_AFTER <= len(down) <= SKIP_AFTER + 1
    assert down[-1].time - down[0].time >= 0.2  # the retries waited for the pause
    assert report["politeness"]["backoff_skipped_portals"] == 2  # and NO_ROBOTS, after its robots.txt 503s
    # 7 seeds: at most 2 reached the portal, the others were skipped without a request
    assert report["portals"][DOWN]["skipped"] >= 5
    assert report["portals"][DOWN]["errors"] == {"http_500": len(down)}


def test_malformed_answers_are_counted_and_never_abort_the_crawl(polite_crawl) -> None:
    hits, report, _log, data = polite_crawl
    errors = report["portals"][FAST]["errors"]
    assert errors.get("broken_encoding", 0) >= 1
    assert errors.get("redirect_loop") == 1
    assert errors.get("truncated", 0) + errors.get("ResponseFailed", 0) + errors.get("_DataLoss", 0) >= 1
    assert sum(n for kind, n in errors.items() if kind not in ("broken_encoding", "redirect_loop")) >= 1
    assert report["status"] == "finished"
    items = {json.loads(line)["url"] for line in (data / "items.jsonl").read_text(encoding="utf-8").splitlines()}
    assert {f"http://{FAST}{path}" for path in all_article_paths()} <= items
    loops = [hit for hit in hits if hit.path == "/bad/loop"]
    assert len(loops) <= 11  # REDIRECT_MAX_TIMES + 1, then given up


def test_a_second_crawl_asks_conditionally_and_counts_304s(polite_crawl, tmp_path: Path) -> None:
    _, _, _, data = polite_crawl
    with LocalSite(SiteConfig(robots={FAST: ROBOTS})) as site:
        result = crawl(site, data, "second", [f"http://{FAST}/"], "CONGAN_REPORT_INTERVAL=0")
        hits = list(site.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    articles = [hit for hit in hits if hit.path.startswith("/a/")]
    listings = [hit for hit in hits if hit.path.startswith("/list/")]
    assert articles and all("if-none-match" in hit.headers for hit in articles)
    assert all(hit.status == 304 for hit in articles)
    assert not any("if-none-match" in hit.headers for hit in listings)  # listings always whole
    report = json.loads((data / "crawls" / "second" / "report.json").read_text(encoding="utf-8"))
    assert report["portals"][FAST]["not_modified"] == len(articles) == 72


def test_crawl_delay_holds_against_autothrottle(tmp_path: Path) -> None:
    """AutoThrottle lowers slot delays after each answer; the Crawl-delay stays the floor."""
    config = SiteConfig(robots={DELAYED: f"User-agent: *\nCrawl-delay: {CRAWL_DELAY}\n"}, sizes={DELAYED: (1, 3)})
    with LocalSite(config) as site:
        result = crawl(site, tmp_path / "data", "throttled", [f"http://{DELAYED}/"],
                       "AUTOTHROTTLE_ENABLED=True", "AUTOTHROTTLE_START_DELAY=0.05", "AUTOTHROTTLE_MAX_DELAY=0.1",
                       "CONGAN_REPORT_INTERVAL=0")
        times = _times(list(site.hits), DELAYED)
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(times) == 7  # robots.txt, /, /private/x (allowed here), /list/1, 3 articles
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= CRAWL_DELAY, gaps
