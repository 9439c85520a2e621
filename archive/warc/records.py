"""Building the WARC records of one exchange with warcio's record builder.

Putting bytes on disk is ``archive.warc.writer``'s job; this module only turns an
``archive.capture.Exchange`` into warcio records: ``response`` (or ``revisit``),
``request``, an optional TLS ``metadata`` record and the page ``metadata`` record, in that
order (the page metadata record always closes an exchange; crash repair relies on it).

HTTP header blocks are written byte for byte: header values stay the raw bytes received
(latin-1 is only a lossless carrier), repeated headers stay separate lines.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from urllib.parse import urlsplit

from warcio.recordbuilder import RecordBuilder
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from archive.capture import Exchange, Header
from archive.warc.digests import FirstCapture, LatestCapture

WARC_VERSION = "WARC/1.1"
WARC_FIELDS = "application/warc-fields"
PROFILE_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
PROFILE_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"

#: first field of the page metadata record, the last record of every exchange
PAGE_KIND_FIELD = "congan-page-kind"

#: first field of a metadata record listing the outlinks the spider found in a page after it
#: was stored; like the page metadata record it is a complete unit for crash repair
OUTLINKS_FIELD = "congan-outlinks-of"
#: in the outlinks record: what the spider found the page to be once parsed, when that
#: differs from the page kind it was requested as (a "listing" that held an article)
PARSED_AS_FIELD = "congan-parsed-as"
#: in the outlinks record of an article: another URL seen for it (a link, a redirect), one
#: field each, sorted; ``congan reextract`` gives them to the corpus as the crawl did
ALIAS_FIELD = "congan-alias"
#: the same, for URLs linked only by pages parsed after the article was filed: written in one
#: more outlinks record of its capture when the crawl ends (reextract merges them likewise late)
LATE_ALIAS_FIELD = "congan-late-alias"
#: metadata records that close a unit of records (crash repair cuts after the last one)
UNIT_CLOSING_FIELDS = (PAGE_KIND_FIELD, OUTLINKS_FIELD)

#: Transfer-Encoding is renamed to this when an exchange carries it: the stored body is
#: always de-chunked, so a replay tool must not try to de-chunk it again.
ORIG_TRANSFER_ENCODING = "X-Archive-Orig-Transfer-Encoding"

#: how records were made, written in every warcinfo record
CAPTURE_METHOD = (
    "Records are rebuilt from Scrapy's parsed response at the response_downloaded signal, "
    "before any decompression middleware: the body is kept as the server sent it, content "
    "coding (gzip, deflate) included, with the transfer coding removed. Header values are "
    "the raw bytes received, repeated headers as separate lines, in the order Scrapy keeps "
    "them (grouped by name, names in Title-Case). Twisted consumes the connection headers "
    "(Transfer-Encoding, Connection, Keep-Alive, TE, Trailers, Upgrade), so they are absent; "
    "a Transfer-Encoding header that does reach the capture is renamed "
    + ORIG_TRANSFER_ENCODING
    + ". Content-Length is the server's when it sent one (listed first), absent after chunked "
    "transfer. Scrapy does not keep the reason phrase: the status line carries the standard "
    "phrase of the code. Request records hold the headers Scrapy sent plus Host (and "
    "Content-Length for bodies) that Twisted adds on the wire. Bodies over the size limit are "
    "kept up to it and marked WARC-Truncated: length."
)


class Warc11Writer(WARCWriter):  # type: ignore[misc]  # warcio is untyped
    """warcio's writer, minus the payload digest of ``metadata`` records.

    WARC 1.1 §5.9: ``WARC-Payload-Digest`` belongs to records with a well-defined payload
    (an HTTP entity); a ``metadata`` block of ``application/warc-fields`` has none, so it
    carries only its ``WARC-Block-Digest``, like ``warcinfo``. warcio adds the field to every
    type it does not list here, both when building and when writing a record."""

    NO_PAYLOAD_DIGEST_TYPES = (*WARCWriter.NO_PAYLOAD_DIGEST_TYPES, "metadata")


class RawHttpHeaders(StatusAndHeaders):  # type: ignore[misc]  # warcio is untyped
    """A status line and headers written back byte for byte.

    Header strings are latin-1 views of the raw bytes; warcio's default would percent-encode
    any non-ASCII value, which would change what the server sent."""

    def compute_headers_buffer(self, header_filter: object = None) -> None:
        self.headers_buff = self.to_str(header_filter).encode("latin-1") + b"\r\n"


@dataclass(frozen=True)
class WarcInfo:
    """What the warcinfo record opening each file says."""

    software: str
    operator: str
    crawl_id: str
    user_agent: str = ""
    robots: str = "obey"
    hostname: str = ""
    description: str = ""
    settings: tuple[tuple[str, str], ...] = ()

    def fields(self) -> list[tuple[str, str]]:
        fields = [
            ("software", self.software),
            ("format", "WARC File Format 1.1"),
            ("conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"),
            ("operator", self.operator),
            ("hostname", self.hostname),
            ("isPartOf", self.crawl_id),
            ("description", self.description),
            ("robots", self.robots),
            ("http-header-user-agent", self.user_agent),
            ("capture-method", CAPTURE_METHOD),
        ]
        fields.extend(("crawl-setting", f"{name}={value}") for name, value in self.settings)
        return [(name, value) for name, value in fields if value]


def warc_fields(fields: list[tuple[str, str]]) -> bytes:
    """``application/warc-fields`` block: one ``name: value`` line each, UTF-8, no line
    breaks inside values."""
    lines = []
    for name, value in fields:
        flat = " ".join(str(value).split("\r\n")).replace("\n", " ").replace("\r", " ")
        lines.append(f"{name}: {flat}\r\n")
    return "".join(lines).encode("utf-8")


def warc_date(moment: datetime) -> str:
    """WARC-Date of ``moment``: UTC, microseconds as WARC/1.1 allows."""
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    date: str = datetime_to_iso_date(utc, use_micros=True)
    return date


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def _latin1(headers: tuple[Header, ...]) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers]


def response_headers(exchange: Exchange) -> RawHttpHeaders:
    response = exchange.response
    headers = []
    for sent_name, value in _latin1(response.headers):
        name = ORIG_TRANSFER_ENCODING if sent_name.lower() == "transfer-encoding" else sent_name
        headers.append((name, value))
    reason = response.reason or _standard_reason(response.status)
    statusline = f"{response.status} {reason}".rstrip()
    return RawHttpHeaders(statusline, headers, protocol=response.protocol or "HTTP/1.1")


def request_headers(exchange: Exchange) -> RawHttpHeaders:
    request = exchange.request
    headers = _latin1(request.headers)
    names = {name.lower() for name, _ in headers}
    if "host" not in names:
        headers.insert(0, ("Host", _host(request.url)))
    if request.body and "content-length" not in names:
        headers.append(("Content-Length", str(len(request.body))))
    return RawHttpHeaders(f"{request.method} {request.target} HTTP/1.1", headers, is_http_request=True)


def _host(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(parts.scheme)
    if parts.port and parts.port != default:
        host += f":{parts.port}"
    return host


def _standard_reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class RecordFactory:
    """Builds the records of exchanges; ``make_id`` can be fixed for exact-bytes tests."""

    def __init__(self, builder: RecordBuilder, make_id: Callable[[], str] | None = None) -> None:
        self.builder = builder
        self.make_id = make_id or new_record_id

    def _headers(self, rec_type: str, date: str, **extra: str | None) -> dict[str, str]:
        headers = {"WARC-Type": rec_type, "WARC-Record-ID": self.make_id(), "WARC-Date": date}
        for name, value in extra.items():
            if value:
                headers[name.replace("_", "-")] = value
        return headers

    def warcinfo(self, filename: str, info: WarcInfo, moment: datetime) -> ArcWarcRecord:
        block = warc_fields(info.fields())
        headers = self._headers("warcinfo", warc_date(moment), WARC_Filename=filename)
        return self.builder.create_warc_record(
            "", "warcinfo", payload=BytesIO(block), length=len(block),
            warc_content_type=WARC_FIELDS, warc_headers_dict=headers,
        )

    def response(self, exchange: Exchange, warcinfo_id: str) -> ArcWarcRecord:
        body = exchange.response.body
        headers = self._headers(
            "response",
            warc_date(exchange.fetched_at),
            WARC_IP_Address=exchange.ip_address,
            WARC_Warcinfo_ID=warcinfo_id,
            WARC_Truncated=exchange.response.truncated,
        )
        return self.builder.create_warc_record(
            exchange.url, "response", payload=BytesIO(body), length=len(body),
            warc_headers_dict=headers, http_headers=response_headers(exchange),
        )

    def identical_revisit(self, exchange: Exchange, first: FirstCapture, warcinfo_id: str) -> ArcWarcRecord:
        headers = self._headers(
            "revisit",
            warc_date(exchange.fetched_at),
            WARC_IP_Address=exchange.ip_address,
            WARC_Warcinfo_ID=warcinfo_id,
            WARC_Refers_To=first.record_id,
        )
        record = self.builder.create_revisit_record(
            exchange.url, first.digest, first.uri, first.date,
            http_headers=response_headers(exchange), warc_headers_dict=headers,
        )
        record.rec_headers.replace_header("WARC-Profile", PROFILE_IDENTICAL)
        return record

    def not_modified_revisit(
        self, exchange: Exchange, previous: LatestCapture | None, warcinfo_id: str
    ) -> ArcWarcRecord:
        headers = self._headers(
            "revisit",
            warc_date(exchange.fetched_at),
            WARC_IP_Address=exchange.ip_address,
            WARC_Warcinfo_ID=warcinfo_id,
            WARC_Profile=PROFILE_NOT_MODIFIED,
            WARC_Refers_To=previous.record_id if previous else None,
            WARC_Refers_To_Target_URI=previous.url if previous else None,
            WARC_Refers_To_Date=previous.date if previous else None,
        )
        return self.builder.create_warc_record(
            exchange.url, "revisit", warc_headers_dict=headers, http_headers=response_headers(exchange),
        )

    def request(self, exchange: Exchange, concurrent_to: str, warcinfo_id: str) -> ArcWarcRecord:
        body = exchange.request.body
        headers = self._headers(
            "request", warc_date(exchange.fetched_at), WARC_Concurrent_To=concurrent_to, WARC_Warcinfo_ID=warcinfo_id,
        )
        return self.builder.create_warc_record(
            exchange.url, "request", payload=BytesIO(body), length=len(body),
            warc_headers_dict=headers, http_headers=request_headers(exchange),
        )

    def tls_metadata(self, exchange: Exchange, concurrent_to: str, warcinfo_id: str) -> ArcWarcRecord | None:
        tls = exchange.tls
        if tls is None or not tls.chain_der:
            return None
        verified = "unknown" if tls.verified is None else ("valid" if tls.verified else "invalid")
        fields = [("tls-validation", verified), ("tls-validation-detail", tls.detail)]
        fields.extend(("tls-certificate-der-base64", base64.b64encode(der).decode("ascii")) for der in tls.chain_der)
        return self._metadata(exchange, fields, concurrent_to, warcinfo_id)

    def page_metadata(self, exchange: Exchange, concurrent_to: str, warcinfo_id: str) -> ArcWarcRecord:
        fields = [
            # always present: crash repair knows an exchange is complete when it sees it
            (PAGE_KIND_FIELD, exchange.page_kind or "unknown"),
            ("congan-adapter", exchange.adapter or ""),
            ("congan-site", exchange.site or ""),
            ("via", exchange.via or ""),
            ("hopsFromSeed", exchange.hops or ""),
        ]
        if exchange.duration is not None:
            fields.append(("fetchTimeMs", str(round(exchange.duration * 1000))))
        fields.extend(("outlink", link) for link in exchange.outlinks)
        return self._metadata(exchange, [(k, v) for k, v in fields if v], concurrent_to, warcinfo_id)

    def outlinks_metadata(
        self, url: str, concurrent_to: str, outlinks: tuple[str, ...], moment: datetime, warcinfo_id: str,
        parsed_as: str | None = None, aliases: tuple[str, ...] = (), late: bool = False,
        extra: tuple[tuple[str, str], ...] = (),
    ) -> ArcWarcRecord:
        """Outlinks found by the spider after the page was stored (``WARC-Concurrent-To`` its
        response or revisit record, which may sit in an earlier file), what the page was
        found to be (``parsed_as``) when the spider decided that only on parsing it, and the
        other URLs seen for the article it holds (``aliases``; ``late``: seen after it was filed),
        and more fields the crawl learnt (``extra``: a listing page's membership,
        ``archive.corpus.listings``), before the outlinks."""
        fields = [(OUTLINKS_FIELD, concurrent_to)]
        if parsed_as:
            fields.append((PARSED_AS_FIELD, parsed_as))
        fields += [(LATE_ALIAS_FIELD if late else ALIAS_FIELD, alias) for alias in sorted(set(aliases))]
        fields += list(extra)
        fields += [("outlink", link) for link in outlinks]
        block = warc_fields(fields)
        headers = self._headers(
            "metadata", warc_date(moment), WARC_Concurrent_To=concurrent_to, WARC_Warcinfo_ID=warcinfo_id,
        )
        return self.builder.create_warc_record(
            url, "metadata", payload=BytesIO(block), length=len(block),
            warc_content_type=WARC_FIELDS, warc_headers_dict=headers,
        )

    def _metadata(
        self, exchange: Exchange, fields: list[tuple[str, str]], concurrent_to: str, warcinfo_id: str
    ) -> ArcWarcRecord:
        block = warc_fields(fields)
        headers = self._headers(
            "metadata", warc_date(exchange.fetched_at), WARC_Concurrent_To=concurrent_to, WARC_Warcinfo_ID=warcinfo_id,
        )
        return self.builder.create_warc_record(
            exchange.url, "metadata", payload=BytesIO(block), length=len(block),
            warc_content_type=WARC_FIELDS, warc_headers_dict=headers,
        )


def parse_warc_fields(block: bytes) -> list[tuple[str, str]]:
    """The ``name: value`` pairs of an ``application/warc-fields`` block, in order."""
    pairs = []
    for line in block.decode("utf-8", errors="replace").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            pairs.append((name.strip(), value.strip()))
    return pairs
