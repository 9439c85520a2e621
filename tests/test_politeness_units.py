"""The plain functions behind the politeness middlewares, the report and the progress line."""

from __future__ import annotations

import gzip
import json
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from archive.control.report import CrawlReport
from archive.warc.digests import LatestCapture
from scrapers.middlewares.backoff import BackoffPolicy, is_failure_status
from scrapers.middlewares.conditional import validators
from scrapers.middlewares.crawl_delay import CRAWL_DELAY_MARGIN, effective_delay
from scrapers.middlewares.host_pause import HostPauses, SlotHolds
from scrapers.middlewares.portal_stats import body_decodes
from scrapers.middlewares.retry_after import parse_retry_after
from scrapers.reporting.progress import measure
from scrapers.reporting.report import build_report, combine


def test_retry_after_seconds_dates_and_garbage() -> None:
    assert parse_retry_after(b"120") == 120.0
    assert parse_retry_after(" 3 ") == 3.0
    now = 1_800_000_000.0
    later = format_datetime(datetime.fromtimestamp(now + 90, UTC), usegmt=True)
    assert parse_retry_after(later, now=now) == pytest.approx(90, abs=1)
    earlier = format_datetime(datetime.fromtimestamp(now - 90, UTC), usegmt=True)
    assert parse_retry_after(earlier, now=now) == 0.0
    for bad in (None, b"", "soon", "-5", "1.5e3", "Mon, 99 Foo 2025"):
        assert parse_retry_after(bad) is None


def test_backoff_doubles_up_to_the_cap_then_skips() -> None:
    policy = BackoffPolicy(base=2.0, max_delay=10.0, skip_after=4)
    assert [policy.delay(n) for n in range(5)] == [0.0, 2.0, 4.0, 8.0, 10.0]
    assert not policy.skips(3) and policy.skips(4)
    assert BackoffPolicy(base=0.0).delay(5) == 0.0  # DOWNLOAD_DELAY=0: skip without pausing
    with pytest.raises(ValueError, match="CONGAN_BACKOFF_SKIP_AFTER"):
        BackoffPolicy(skip_after=0)
    with pytest.raises(ValueError, match="CONGAN_BACKOFF_BASE"):
        BackoffPolicy(base=-1)
    assert is_failure_status(503) and is_failure_status(429) and not is_failure_status(404)


def test_crawl_delay_is_capped_and_ignored_when_absent() -> None:
    assert effective_delay(None, 60) is None and effective_delay(0, 60) is None and effective_delay(-1, 60) is None
    assert effective_delay(2, 60) == 2 + CRAWL_DELAY_MARGIN
    assert effective_delay(3600, 60) == 60 + CRAWL_DELAY_MARGIN


def test_host_pauses_only_grow_and_expire() -> None:
    clock = [100.0]
    pauses = HostPauses(clock=lambda: clock[0])
    pauses.pause("a.gov.vn", 5)
    pauses.pause("a.gov.vn", 1)  # a shorter pause never shortens a longer one
    assert pauses.remaining("a.gov.vn") == 5 and pauses.remaining("b.gov.vn") == 0
    clock[0] = 106
    assert pauses.remaining("a.gov.vn") == 0


def test_a_held_slot_waits_then_gets_its_delay_back() -> None:
    class Slot:
        delay, jitter, lastseen = 0.25, 0.5, 0.0

    clock = [100.0]
    pauses = HostPauses(clock=lambda: clock[0])
    holds = SlotHolds(pauses)
    slots = {"a.gov.vn": Slot()}
    pauses.pause("a.gov.vn", 3)
    holds.apply(slots, "a.gov.vn")
    assert (slots["a.gov.vn"].delay, slots["a.gov.vn"].jitter) == (3, 0.0) and slots["a.gov.vn"].lastseen > 0
    clock[0] = 104
    holds.apply(slots, "a.gov.vn")
    assert (slots["a.gov.vn"].delay, slots["a.gov.vn"].jitter) == (0.25, 0.5)
    holds.apply({}, "gone.gov.vn")  # no slot: nothing to hold


def test_broken_and_truncated_content_encodings_are_told_apart() -> None:
    page = "<p>Công an tỉnh Đắk Lắk</p>".encode() * 50
    packed = gzip.compress(page)
    assert body_decodes(packed, [b"gzip"])
    assert not body_decodes(packed[: len(packed) // 2], [b"gzip"])
    assert not body_decodes(b"\x1f\x8b\x08\x00garbage", [b"gzip"])
    assert body_decodes(zlib.compress(page), [b"deflate"])
    raw = zlib.compressobj(wbits=-15)
    assert body_decodes(raw.compress(page) + raw.flush(), [b"deflate"])
    assert body_decodes(b"anything", [b"br"])  # not judged


def test_conditional_validators_only_for_earlier_successful_captures() -> None:
    start = datetime(2026, 12, 6, 0, 0, tzinfo=UTC)

    def capture(status: int, when: datetime, etag: str | None = '"v1"') -> LatestCapture:
        stamp = when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return LatestCapture(
            "http://a.gov.vn/x", stamp, status, etag, "Mon, 01 Dec 2025 08:00:00 GMT", "sha1:X", "<urn:x>"
        )

    earlier = start - timedelta(days=1)
    assert validators(capture(200, earlier), start) == {
        b"If-None-Match": '"v1"', b"If-Modified-Since": "Mon, 01 Dec 2025 08:00:00 GMT"}
    assert validators(capture(200, start + timedelta(seconds=1)), start) == {}  # this crawl's own
    assert validators(capture(404, earlier), start) == {}
    assert validators(None, start) == {}
    assert b"If-None-Match" not in validators(capture(200, earlier, etag=None), start)


def test_a_resumed_crawl_adds_counts_but_keeps_levels() -> None:
    first = {"response_received_count": 10, "frontier/pending": 40, "memusage/max": 100, "portal/a/responses": 10}
    second = {"response_received_count": 5, "frontier/pending": 0, "memusage/max": 80, "portal/a/responses": 5}
    combined = combine(first, second)
    assert combined == {
        "response_received_count": 15,
        "frontier/pending": 0,
        "memusage/max": 100,
        "portal/a/responses": 15,
    }


def test_report_per_portal_and_totals() -> None:
    stats = {
        "portal/congan.hanoi.gov.vn/responses": 7, "portal/congan.hanoi.gov.vn/bytes": 7000,
        "portal/congan.hanoi.gov.vn/status/200": 6, "portal/congan.hanoi.gov.vn/status/503": 1,
        "portal/congan.hanoi.gov.vn/errors/http_503": 1, "portal/congan.hanoi.gov.vn/robots_denied": 2,
        "portal/congan.hanoi.gov.vn/articles": 3, "portal/congan.hanoi.gov.vn/not_modified": 1,
        "portal/congan.sonla.gov.vn/errors/TimeoutError": 2, "crawl/errors": 3,
        "extract/new": 2, "extract/unchanged": 1, "extract/congan.hanoi.gov.vn/new": 2,
        "scope/rejected/out_of_network": 4, "item_scraped_count": 3, "elapsed_time_seconds": 2.0,
        "crawl_delay/portals": 1,
    }
    report = build_report(stats, crawl_id="c", status="finished", finish_reason="finished",
                          started="2026-12-06T07:00:00+07:00", updated=datetime(2026, 12, 6, tzinfo=UTC), runs=1)
    hanoi = report.portals["congan.hanoi.gov.vn"]
    assert (hanoi.pages, hanoi.articles, hanoi.new, hanoi.robots_denied, hanoi.not_modified) == (7, 3, 2, 2, 1)
    assert hanoi.status == {"200": 6, "503": 1} and hanoi.errors == {"http_503": 1}
    assert report.portals["congan.sonla.gov.vn"].errors == {"TimeoutError": 2}
    assert report.errors == {"TimeoutError": 2, "http_503": 1}
    totals = report.totals
    assert (totals.pages, totals.articles, totals.new, totals.unchanged, totals.errors) == (7, 3, 2, 1, 3)
    assert (totals.rejected, totals.robots_denied, totals.pages_per_s) == (4, 2, 3.5)
    assert report.rejected == {"out_of_network": 4}
    assert report.updated is not None and report.updated.endswith("+07:00")
    assert report.politeness is not None and report.politeness.crawl_delay_portals == 1
    # the JSON round trip is exact: what `congan crawls show --json` reads is what was written
    assert CrawlReport.from_json(json.loads(json.dumps(report.to_json()))) == report
    assert list(report.to_json())[:3] == ["report_version", "crawl_id", "status"]


def test_progress_line() -> None:
    stats = {"response_received_count": 130, "item_scraped_count": 12, "crawl/errors": 2,
             "portal/a/robots_denied": 1, "portal/b/robots_denied": 2}
    progress = measure(stats, previous_pages=30, seconds=10, pending=45)
    assert (
        progress.line() == "progress: 130 pages (10.0/s), 12 articles, 2 errors, 3 robots-denied, frontier 45 pending"
    )
