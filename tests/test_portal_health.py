"""Portal health that can be trusted: only failures of the portal itself, repeated over crawls,
make a live portal "at risk"; a 304, a robots.txt denial or a missing page never do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from archive.control.lifecycle import REPEATED_FAILURE_CRAWLS, PortalLifecycle, portal_lifecycles
from archive.control.registry_state import RegistryState
from archive.paths import DataDir
from scrapers.reporting.portal_watch import PortalWatch

T0 = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)
SITE = "congan.hanoi.gov.vn"


class Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str) -> None:
        self.values[key] = self.values.get(key, 0) + 1


def http_error(status: int) -> HttpError:
    return HttpError(SimpleNamespace(status=status), f"Ignoring non-200 response ({status})")


def watch(state: RegistryState, crawl_id: str) -> PortalWatch:
    return PortalWatch(state, SimpleNamespace(stats=Stats()), crawl_id)


def by_domain(state: RegistryState, now: datetime) -> dict[str, PortalLifecycle]:
    return {p.domain: p for p in portal_lifecycles(state, now)}


def test_304_robots_denials_and_missing_pages_are_not_portal_failures(data_dir) -> None:
    state = RegistryState.open(DataDir(data_dir))
    for crawl in ("c1", "c2", "c3"):
        w = watch(state, crawl)
        state.record_live(SITE, crawl_id=crawl)
        w.failed(SITE, "article", f"https://{SITE}/a.html", http_error(304), start_page=False)
        w.failed(SITE, "requisite", f"https://{SITE}/logo.png", http_error(404), start_page=False)
        w.failed(SITE, "article", f"https://{SITE}/gone.html", http_error(410), start_page=False)
        w.failed(SITE, "article", f"https://{SITE}/admin", IgnoreRequest("Forbidden by robots.txt"), start_page=False)
        assert w.stats.values.get("network/failed/article") is None
        assert w.stats.values["network/page_missing/requisite"] == 1
    portal = state.get(SITE)
    assert portal is not None and portal.last_error is None
    lifecycle = by_domain(state, datetime.now(UTC))[SITE]
    assert not lifecycle.at_risk and lifecycle.failures == ()


def test_a_304_start_page_is_live_not_down(data_dir) -> None:
    state = RegistryState.open(DataDir(data_dir))
    watch(state, "c1").failed(SITE, "seed", f"https://{SITE}/", http_error(304), start_page=True)
    assert state.get(SITE).status == "live"  # type: ignore[union-attr]


def test_one_bad_crawl_is_not_a_risk_repeated_failures_are_with_evidence(data_dir) -> None:
    state = RegistryState.open(DataDir(data_dir))
    state.record_live(SITE, T0, crawl_id="c1")
    state.record_error(SITE, f"HTTP 503 on https://{SITE}/tin-tuc", T0 + timedelta(minutes=5), crawl_id="c1")
    state.record_error(SITE, f"HTTP 503 on https://{SITE}/an-ninh", T0 + timedelta(minutes=6), crawl_id="c1")
    now = T0 + timedelta(hours=1)
    assert not by_domain(state, now)[SITE].at_risk

    # the next crawl fails again: failures in REPEATED_FAILURE_CRAWLS crawls, the latest among them
    assert REPEATED_FAILURE_CRAWLS == 2
    state.record_live(SITE, T0 + timedelta(days=1), crawl_id="c2")
    state.record_error(SITE, f"TCPTimedOutError on https://{SITE}/x", T0 + timedelta(days=1, minutes=3), crawl_id="c2")
    lifecycle = by_domain(state, now + timedelta(days=1))[SITE]
    assert lifecycle.at_risk
    assert "failed in 2 crawls" in lifecycle.risks[0] and "TCPTimedOutError" in lifecycle.risks[0]
    evidence = lifecycle.to_json()["failures"]
    assert [f["crawl_id"] for f in evidence] == ["c1", "c1", "c2"]
    assert evidence[0]["error"].startswith("HTTP 503") and evidence[0]["at"].endswith("+07:00")

    # a clean crawl since: the portal recovered
    state.record_live(SITE, T0 + timedelta(days=2), crawl_id="c3")
    assert not by_domain(state, now + timedelta(days=2))[SITE].at_risk
    # old failures fall out of the window
    state.record_error(SITE, "HTTP 500 on /", T0 + timedelta(days=20), crawl_id="c9")
    assert not by_domain(state, T0 + timedelta(days=20, hours=1))[SITE].at_risk


@pytest.mark.slow
def test_no_live_portal_of_the_demo_network_is_at_risk_after_a_healthy_recrawl(network_recrawl) -> None:
    """The simulated network answers 304s, robots.txt denials, missing pages and a few
    transient 5xx: none of its live portals is at risk after a crawl and a re-crawl."""
    from simnet.truth import portals

    state = RegistryState.open(DataDir(network_recrawl.data_dir))
    lifecycles = by_domain(state, datetime.now(UTC))
    live = [p.domain for p in portals() if p.status == "live"]
    assert set(live) <= set(lifecycles)
    at_risk = {domain: lifecycles[domain].risks for domain in live if lifecycles[domain].at_risk}
    assert at_risk == {}
    assert lifecycles["congan.quangnam.gov.vn"].risk_kinds == ("redirecting",)  # a real risk stays one
