"""The revisit/response decision and the capture-index update, as plain functions."""

from __future__ import annotations

from datetime import UTC, datetime

from archive.capture import CapturedRequest, CapturedResponse, Exchange
from archive.warc.dedup import RecordKind, decide_record, index_update
from archive.warc.digests import FirstCapture, LatestCapture

URL = "https://congan.hanoi.gov.vn/tin-tuc/bai-1.html"
DIGEST = "sha1:AAAA"
FIRST = FirstCapture(DIGEST, URL, "2026-07-01T01:00:00Z", "<urn:uuid:first>", "congan-c1-20260701010000-00000.warc.gz")
LATEST = LatestCapture(URL, "2026-07-02T01:00:00Z", 200, '"v1"', None, DIGEST, "<urn:uuid:latest>")


def exchange(status: int = 200, body: bytes = "<html>Công an</html>".encode(), truncated: str | None = None,
             headers: tuple[tuple[bytes, bytes], ...] = ()) -> Exchange:
    return Exchange(
        request=CapturedRequest("GET", URL),
        response=CapturedResponse(status, "OK", "HTTP/1.1", headers, body, truncated),
        fetched_at=datetime(2026, 7, 3, tzinfo=UTC),
    )


def test_a_new_payload_is_a_full_response() -> None:
    decision = decide_record(exchange(), DIGEST, None, {}.get)
    assert decision.kind is RecordKind.RESPONSE and decision.first is None


def test_a_payload_the_collection_holds_is_an_identical_revisit() -> None:
    decision = decide_record(exchange(), DIGEST, LATEST, {DIGEST: FIRST}.get)
    assert decision.kind is RecordKind.IDENTICAL_REVISIT and decision.first == FIRST


def test_empty_or_truncated_payloads_and_no_index_are_never_revisits() -> None:
    held = {DIGEST: FIRST}.get
    assert decide_record(exchange(body=b""), DIGEST, None, held).kind is RecordKind.RESPONSE
    assert decide_record(exchange(truncated="length"), DIGEST, None, held).kind is RecordKind.RESPONSE
    assert decide_record(exchange(), DIGEST, None, None).kind is RecordKind.RESPONSE


def test_a_304_confirms_the_first_response_of_the_payload_the_url_last_had() -> None:
    decision = decide_record(exchange(304, b""), DIGEST, LATEST, {DIGEST: FIRST}.get)
    assert decision.kind is RecordKind.NOT_MODIFIED_REVISIT
    assert decision.confirmed is not None
    assert (decision.confirmed.record_id, decision.confirmed.date) == (FIRST.record_id, FIRST.date)
    # first response unknown: the latest capture itself; nothing known: nothing confirmed
    assert decide_record(exchange(304, b""), DIGEST, LATEST, {}.get).confirmed == LATEST
    assert decide_record(exchange(304, b""), DIGEST, None, {}.get).confirmed is None


def test_index_learns_first_and_latest_capture_of_a_response() -> None:
    update = index_update(exchange(headers=((b"ETag", b'"v2"'),)), None, FIRST, "response")
    assert update is not None and update.first == FIRST
    assert update.latest is not None and (update.latest.etag, update.latest.status) == ('"v2"', 200)


def test_a_revisit_is_never_a_first_capture_and_a_503_never_the_latest() -> None:
    revisit = index_update(exchange(), LATEST, FIRST, "revisit")
    assert revisit is not None and revisit.first is None and revisit.latest is not None
    transient = index_update(exchange(503), LATEST, FIRST, "response")
    assert transient is not None and transient.latest is None and transient.first == FIRST


def test_a_304_keeps_the_latest_capture_and_refreshes_its_validators() -> None:
    update = index_update(exchange(304, b"", headers=((b"Last-Modified", b"Fri, 03 Jul 2026 00:00:00 GMT"),)),
                          LATEST, FIRST, "revisit")
    assert update is not None and update.first is None and update.latest is not None
    assert (update.latest.record_id, update.latest.etag) == (LATEST.record_id, '"v1"')
    assert update.latest.last_modified == "Fri, 03 Jul 2026 00:00:00 GMT"
    assert index_update(exchange(304, b""), None, FIRST, "revisit") is None
