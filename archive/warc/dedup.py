"""What record an exchange becomes, and what the capture index learns from it: plain functions.

:func:`decide_record` chooses between a full ``response``, an identical-payload-digest
``revisit`` (the collection already holds this payload) and a server-not-modified ``revisit``
(a 304); :func:`index_update` says what the capture index (``archive.warc.digests``) records
once the record is on disk. ``WarcWriter.write_exchange`` applies both; tests call them with
plain values and a dict's ``get`` as the index, without a file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from archive.capture import Exchange, first_header
from archive.warc.digests import FirstCapture, LatestCapture

#: answers that say nothing lasting about a page: they never replace its latest capture
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

#: the first capture of a payload digest, if the collection holds it (``CaptureIndex.first``)
FirstLookup = Callable[[str], "FirstCapture | None"]


class RecordKind(StrEnum):
    RESPONSE = "response"
    IDENTICAL_REVISIT = "identical-payload-digest"  # same payload as an earlier response
    NOT_MODIFIED_REVISIT = "server-not-modified"  # a 304


@dataclass(frozen=True)
class RecordDecision:
    """The record to write for an exchange, and the capture a revisit refers to."""

    kind: RecordKind
    first: FirstCapture | None = None  # IDENTICAL_REVISIT: the response holding the payload
    confirmed: LatestCapture | None = None  # NOT_MODIFIED_REVISIT: what the 304 confirms, if known


@dataclass(frozen=True)
class IndexUpdate:
    """What the capture index records after an exchange (None: leave that part alone)."""

    first: FirstCapture | None
    latest: LatestCapture | None


def dedupable(exchange: Exchange) -> bool:
    """Whether a response's payload may be replaced by a revisit: it has one, kept whole."""
    response = exchange.response
    return response.status != 304 and bool(response.body) and not response.truncated


def decide_record(
    exchange: Exchange, digest: str, previous: LatestCapture | None, first_of: FirstLookup | None
) -> RecordDecision:
    """The record for ``exchange`` (payload ``digest``) given the URL's latest capture
    (``previous``) and the index's first-capture lookup (``None``: no deduplication)."""
    if exchange.response.status == 304:
        return RecordDecision(RecordKind.NOT_MODIFIED_REVISIT, confirmed=confirmed_capture(previous, first_of))
    if first_of is not None and dedupable(exchange):
        first = first_of(digest)
        if first is not None:
            return RecordDecision(RecordKind.IDENTICAL_REVISIT, first=first)
    return RecordDecision(RecordKind.RESPONSE)


def confirmed_capture(previous: LatestCapture | None, first_of: FirstLookup | None) -> LatestCapture | None:
    """What a 304 confirms: the first capture of the payload the URL last had (a response
    record, never a revisit), else the latest capture itself."""
    if previous is None or not previous.payload_digest or first_of is None:
        return previous
    first = first_of(previous.payload_digest)
    if first is None:
        return previous
    return LatestCapture(first.uri, first.date, previous.status, None, None, first.digest, first.record_id)


def index_update(
    exchange: Exchange,
    previous: LatestCapture | None,
    stored: FirstCapture,
    rec_type: str,
) -> IndexUpdate | None:
    """What the index learns once ``exchange`` is stored as a ``rec_type`` record (``stored``:
    its digest, URL, date, record id and file). None: nothing to record."""
    response = exchange.response
    etag = first_header(response.headers, "ETag")
    modified = first_header(response.headers, "Last-Modified")
    if response.status == 304:
        if previous is None:
            return None
        latest = LatestCapture(
            previous.url, previous.date, previous.status, etag or previous.etag,
            modified or previous.last_modified, previous.payload_digest, previous.record_id,
        )
        return IndexUpdate(first=None, latest=latest)
    first = stored if rec_type == "response" and dedupable(exchange) else None
    if response.status in TRANSIENT_STATUSES:
        # a passing 429/5xx says nothing about the page: the latest capture (validators for
        # conditional requests, what a later 304 confirms) stays the last real answer
        return IndexUpdate(first=first, latest=None)
    latest = LatestCapture(exchange.url, stored.date, response.status, etag, modified, stored.digest, stored.record_id)
    return IndexUpdate(first=first, latest=latest)
