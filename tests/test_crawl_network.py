"""The crawl of the whole simulated network (shared fixtures), proved from its access log and
its report: scope, robots.txt, Crawl-delay, Retry-After, bad answers, the re-crawl."""

from __future__ import annotations

import itertools
from collections import defaultdict

import pytest
from protego import Protego

pytestmark = pytest.mark.slow

STATUS_FAULTS = {"first_429": 429, "first_503": 503}


def _robots(host: str) -> str:
    """The robots.txt a portal of the simulated network serves (its data, no request)."""
    from simnet.sites import SITES

    return next((spec.robots or "" for spec in SITES if spec.domain == host), "")


def arrival(entry: dict) -> float:
    """When the request reached simnet (its log time is when the answer was written)."""
    return entry["ts"] - (entry.get("duration") or 0.0)


def _by_host(entries) -> dict[str, list[dict]]:
    hosts: dict[str, list[dict]] = defaultdict(list)
    for entry in entries:
        hosts[entry["host"]].append(entry)
    for items in hosts.values():
        items.sort(key=arrival)
    return hosts


def test_the_crawl_stays_in_the_network_and_obeys_robots(network_crawl) -> None:
    log = network_crawl.access_log
    assert log, "the crawl made no request"
    assert [e["url"] for e in log if e.get("out_of_network")] == []
    assert [e["url"] for e in log if e.get("robots_disallowed")] == []
    assert network_crawl.report["status"] == "finished"
    assert network_crawl.report["totals"]["rejected"] > 0  # out-of-network links were seen, not fetched


def test_crawl_delay_is_respected_per_portal(network_crawl) -> None:
    hosts = _by_host(network_crawl.access_log)
    agent = network_crawl.access_log[0]["user_agent"]
    delayed = 0
    for host, entries in hosts.items():
        robots = _robots(host)
        delay = Protego.parse(robots).crawl_delay(agent) if robots else None
        if not delay:
            continue
        delayed += 1
        gaps = [arrival(b) - arrival(a) for a, b in itertools.pairwise(entries)]
        assert gaps and min(gaps) >= delay, (host, delay, min(gaps))
    assert delayed >= 1, "no portal of the simulated network declares a Crawl-delay"
    assert network_crawl.report["politeness"]["crawl_delay_portals"] == delayed


def test_retry_after_is_respected(network_crawl) -> None:
    hosts = _by_host(network_crawl.access_log)
    seen = 0
    for entries in hosts.values():
        for i, entry in enumerate(entries):
            if entry.get("fault") not in STATUS_FAULTS or entry["status"] not in (429, 503):
                continue
            seen += 1
            answered = entry["ts"]
            # inside the pause, at most the one other request already on its way when the
            # answer came (2 per portal); the portal is then left alone for Retry-After
            inside = [e for e in entries[i + 1 :] if answered < arrival(e) < answered + 1.0]
            assert len(inside) <= 1, (entry["url"], [e["url"] for e in inside])
            retries = [e for e in entries[i + 1 :] if e["url"] == entry["url"]]
            assert retries and arrival(retries[0]) - answered >= 1.0, entry["url"]
    assert seen >= 1, "no 429/503 with Retry-After in the simulated network"
    assert network_crawl.report["politeness"]["retry_after_honoured"] >= seen


def test_bad_answers_are_counted_in_the_report_and_never_stop_the_crawl(network_crawl) -> None:
    faults = {e.get("fault") for e in network_crawl.access_log if e.get("fault")}
    errors = network_crawl.report["errors"]
    if "broken_gzip" in faults:
        assert errors.get("broken_encoding", 0) >= 1
    if "redirect_loop" in faults:
        assert errors.get("redirect_loop", 0) >= 1
    if "reset_first" in faults:
        assert any(
            kind in errors for kind in ("ResponseDataLossError", "ResponseFailed", "ResponseNeverReceived", "dataloss")
        )
    assert network_crawl.report["status"] == "finished"
    assert network_crawl.report["totals"]["articles"] > 0


def test_the_report_accounts_for_every_portal_and_request(network_crawl) -> None:
    report = network_crawl.report
    log = network_crawl.access_log
    answered = [e for e in log if e["status"] and e["method"] != "CONNECT"]  # tunnels are not pages
    # answers cut mid-body reach the crawler as errors, not pages
    cut = sum(n for kind, n in report["errors"].items() if kind[0].isupper())
    assert report["totals"]["pages"] <= len(answered) <= report["totals"]["pages"] + cut
    assert report["totals"]["bytes"] > 0 and report["elapsed_s"] > 0
    crawled = {e["host"] for e in log}
    portals = set(report["portals"])
    assert len(portals) >= len({h for h in crawled if h.startswith("congan")}) // 2
    for row in report["portals"].values():
        assert set(row) >= {"pages", "articles", "new", "changed", "unchanged", "bytes", "errors", "robots_denied"}
    assert report["frontier"]["pending"] == 0 and report["frontier"]["leased"] == 0


def test_the_recrawl_finds_changes_with_far_fewer_requests(network_crawl, network_recrawl) -> None:
    first, second = network_crawl.requests, network_recrawl.requests
    ratio = second / first
    print(f"re-crawl requests: {second} / {first} = {ratio:.2f}")
    assert ratio < 0.8
    totals = network_recrawl.report["totals"]
    assert totals["new"] >= 1 and totals["changed"] >= 1
    assert totals["deleted"] >= 1  # unchanged articles are not asked again (docs/discovery.md "Re-crawls")
    portals = network_recrawl.report["portals"].values()
    for kind in ("new", "changed"):  # per portal, from the corpus, add up to the pipeline's totals
        assert sum(row[kind] or 0 for row in portals) == totals[kind]
    # conditional requests were sent (what is due or gone from a listing), listings were not asked conditionally
    conditional = [e for e in network_recrawl.access_log if e.get("if_none_match") or e.get("if_modified_since")]
    assert conditional and all(e["status"] in (200, 304, 404, 410) or e["status"] >= 500 for e in conditional)


def test_the_recrawl_notices_deleted_articles(network_crawl, network_recrawl) -> None:
    from simnet.truth import ground_truth

    before = {a.canonical_url for a in ground_truth(1)}
    after = {a.canonical_url for a in ground_truth(2)}
    deleted = before - after
    assert deleted, "the simulated network deletes no article in state 2"
    answers = {e["url"]: e["status"] for e in network_recrawl.access_log}
    assert {url: answers.get(url) for url in deleted} == {
        url: answers[url] for url in deleted if answers.get(url) in (404, 410)
    }
