"""What the crawler hands to the WARC writer, and what the writer hands back.

Plain frozen dataclasses, no Scrapy: ``scrapers.capture.warc_capture`` builds an :class:`Exchange`
from a downloaded response, ``archive.warc.writer.WarcWriter.write_exchange`` stores it and
returns a :class:`StoredRecord` that links an article to the exact record it came from.

Headers are kept as ``(name, value)`` pairs of raw bytes, in the order received, with
repeated names (``Set-Cookie``) as separate pairs: nothing is merged or decoded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

#: one header line as received: raw name and raw value
Header = tuple[bytes, bytes]

#: ``WARC-Truncated`` reason for a body cut at the size limit
TRUNCATED_LENGTH = "length"
#: ``WARC-Truncated`` reason for a body the server's connection broke off (Scrapy's
#: ``dataloss`` flag, kept when DOWNLOAD_FAIL_ON_DATALOSS is off)
TRUNCATED_DISCONNECT = "disconnect"


def header_values(headers: tuple[Header, ...], name: str) -> list[bytes]:
    """Every value of header ``name`` (case-insensitive), in order."""
    wanted = name.lower().encode("latin-1")
    return [value for key, value in headers if key.lower() == wanted]


def first_header(headers: tuple[Header, ...], name: str) -> str | None:
    """The first value of header ``name`` decoded as latin-1 (lossless for bytes), or None."""
    values = header_values(headers, name)
    return values[0].decode("latin-1") if values else None


@dataclass(frozen=True)
class CapturedRequest:
    """The request as it went on the wire (method, absolute URL, headers, body)."""

    method: str
    url: str
    headers: tuple[Header, ...] = ()
    body: bytes = b""

    @property
    def target(self) -> str:
        """Request-target in origin form: path and query, as in the request line."""
        parts = urlsplit(self.url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        return target


@dataclass(frozen=True)
class CapturedResponse:
    """The response as the server sent it: status, protocol, headers, body.

    ``body`` is the entity body with the transfer coding removed and the content coding
    kept (gzip bytes stay gzip). ``truncated`` is the WARC-Truncated reason: ``"length"`` when
    the body was cut at the size limit, ``"disconnect"`` when the connection broke, else None.
    """

    status: int
    reason: str
    protocol: str
    headers: tuple[Header, ...]
    body: bytes
    truncated: str | None = None


@dataclass(frozen=True)
class TlsInfo:
    """The TLS certificate chain the server presented (DER, leaf first) and whether it
    validated; ``detail`` says why not, or how it was checked."""

    chain_der: tuple[bytes, ...]
    verified: bool | None
    detail: str = ""


@dataclass(frozen=True)
class Exchange:
    """One request and its response, with what the crawler knew about the page."""

    request: CapturedRequest
    response: CapturedResponse
    fetched_at: datetime
    ip_address: str | None = None
    duration: float | None = None
    tls: TlsInfo | None = None
    site: str | None = None
    page_kind: str | None = None
    adapter: str | None = None
    hops: str | None = None
    via: str | None = None
    outlinks: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.fetched_at.tzinfo is None:
            raise ValueError("Exchange.fetched_at must be timezone-aware (use UTC)")

    @property
    def url(self) -> str:
        return self.request.url

    @property
    def fetched_utc(self) -> datetime:
        return self.fetched_at.astimezone(UTC)


@dataclass(frozen=True)
class StoredRecord:
    """Where a capture landed: file name (closed name, no ``.open``), byte offset and
    length of the response/revisit record's gzip member, its record id and 14-digit
    timestamp. ``record_type`` is ``response`` or ``revisit``."""

    warc_file: str
    offset: int
    length: int
    record_id: str
    timestamp: str
    url: str
    record_type: str
    payload_digest: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "warc_file": self.warc_file,
            "offset": self.offset,
            "length": self.length,
            "record_id": self.record_id,
            "timestamp": self.timestamp,
            "url": self.url,
            "record_type": self.record_type,
            "payload_digest": self.payload_digest,
        }
