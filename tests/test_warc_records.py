"""Records of one exchange, byte for byte (fixed ids and dates), and read back by warcio."""

from __future__ import annotations

import base64
import gzip
import hashlib
import itertools
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.capture import CapturedRequest, CapturedResponse, Exchange, TlsInfo
from archive.warc.records import ORIG_TRANSFER_ENCODING, WarcInfo
from archive.warc.writer import WarcWriter

MOMENT = datetime(2026, 7, 1, 3, 4, 5, 678901, tzinfo=UTC)
INFO = WarcInfo(software="congan-archive/test", operator="ops@example.org", crawl_id="c1",
                user_agent="congan-archive/0.1 (+contact)", settings=(("DOWNLOAD_DELAY", "0"),))


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def fixed_ids():
    counter = itertools.count(1)
    return lambda: f"<urn:uuid:00000000-0000-0000-0000-{next(counter):012d}>"


def make_writer(tmp_path: Path, **kwargs) -> WarcWriter:
    return WarcWriter(tmp_path / "archive", prefix="congan", crawl_id="c1", max_size=10**9, warcinfo=INFO,
                      digest_index=None, clock=lambda: MOMENT, make_id=fixed_ids(), **kwargs)


def members(path: Path) -> list[bytes]:
    """Decompress each gzip member separately (one record per member is the rule)."""
    data = path.read_bytes()
    out = []
    while data:
        d = zlib.decompressobj(zlib.MAX_WBITS | 16)
        out.append(d.decompress(data))
        assert d.eof, "a gzip member is not complete"
        data = d.unused_data
    return out


def test_response_record_is_exact_bytes(tmp_path: Path) -> None:
    body = gzip.compress("<p>Công an tỉnh Huế</p>".encode(), mtime=0)
    exchange = Exchange(
        CapturedRequest("GET", "https://congan.hue.gov.vn/tin?id=1", ((b"User-Agent", b"ua"),)),
        CapturedResponse(200, "OK", "HTTP/1.1", (
            (b"Content-Encoding", b"gzip"), (b"Set-Cookie", b"a=1"), (b"Set-Cookie", b"b=2"),
            (b"X-City", "Đà Nẵng".encode()), (b"Transfer-Encoding", b"chunked"),
        ), body),
        MOMENT, ip_address="203.0.113.7",
    )
    writer = make_writer(tmp_path)
    stored = writer.write_exchange(exchange)
    path = writer.close()
    assert path is not None and path.name == "congan-c1-20260701030405-00000.warc.gz"
    records = members(path)
    assert len(records) == 4  # warcinfo, response, request, page metadata: one gzip member each

    http = (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n"
            b"X-City: " + "Đà Nẵng".encode() + b"\r\n"
            + ORIG_TRANSFER_ENCODING.encode() + b": chunked\r\n\r\n")
    block = http + body
    expected = (
        "WARC/1.1\r\n"
        "WARC-Type: response\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000002>\r\n"
        "WARC-Date: 2026-07-01T03:04:05.678901Z\r\n"
        "WARC-IP-Address: 203.0.113.7\r\n"
        "WARC-Warcinfo-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        "WARC-Target-URI: https://congan.hue.gov.vn/tin?id=1\r\n"
        f"WARC-Payload-Digest: {sha1_b32(body)}\r\n"
        f"WARC-Block-Digest: {sha1_b32(block)}\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    ).encode() + block + b"\r\n\r\n"
    assert records[1] == expected
    assert stored.offset > 0 and stored.record_id.endswith("000000000002>") and stored.timestamp == "20260701030405"

    request = records[2]
    assert b"WARC-Concurrent-To: <urn:uuid:00000000-0000-0000-0000-000000000002>\r\n" in request
    assert request.endswith(b"GET /tin?id=1 HTTP/1.1\r\nHost: congan.hue.gov.vn\r\nUser-Agent: ua\r\n\r\n\r\n\r\n")

    info = records[0].decode()
    assert "WARC-Filename: congan-c1-20260701030405-00000.warc.gz" in info
    for field in ("software: congan-archive/test", "operator: ops@example.org", "isPartOf: c1", "robots: obey",
                  "http-header-user-agent: congan-archive/0.1 (+contact)", "crawl-setting: DOWNLOAD_DELAY=0",
                  "capture-method: Records are rebuilt from Scrapy's parsed response"):
        assert field in info


def test_post_body_tls_and_metadata_read_back(tmp_path: Path) -> None:
    exchange = Exchange(
        CapturedRequest(
            "POST",
            "http://congan.hanoi.gov.vn:8080/search",
            ((b"Content-Type", b"application/x-www-form-urlencoded"),),
            b"q=c%C3%B4ng+an",
        ),
        CapturedResponse(200, "", "HTTP/1.0", ((b"Content-Type", b"text/plain"),), b"ok"),
        MOMENT,
        duration=0.25,
        page_kind="api",
        adapter="dnn",
        hops="LLE",
        via="http://congan.hanoi.gov.vn/",
        outlinks=("http://a/", "http://b/"),
        site="congan.hanoi.gov.vn",
        tls=TlsInfo((b"\x30\x82der",), False, "OpenSSL: unable to get local issuer certificate"),
    )
    writer = make_writer(tmp_path)
    writer.write_exchange(exchange)
    path = writer.close()
    with path.open("rb") as fh:
        records = [(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read()) for r in ArchiveIterator(fh)]
    types = [r[0] for r in records]
    assert types == ["warcinfo", "response", "request", "metadata", "metadata"]
    response, request, tls, page = records[1], records[2], records[3], records[4]
    assert response[2].protocol == "HTTP/1.0" and response[2].statusline == "200 OK"  # standard phrase when none kept
    assert request[2].protocol == "POST" and request[2].get_header("Host") == "congan.hanoi.gov.vn:8080"
    assert request[2].get_header("Content-Length") == str(len("q=c%C3%B4ng+an"))
    assert request[3] == b"q=c%C3%B4ng+an"
    assert b"tls-validation: invalid" in tls[3] and base64.b64encode(b"\x30\x82der") in tls[3]
    text = page[3].decode()
    for line in ("congan-page-kind: api", "congan-adapter: dnn", "hopsFromSeed: LLE",
                 "via: http://congan.hanoi.gov.vn/", "fetchTimeMs: 250", "outlink: http://a/", "outlink: http://b/"):
        assert line in text
    assert page[1].get_header("WARC-Concurrent-To") == response[1].get_header("WARC-Record-ID")


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Exchange(
            CapturedRequest("GET", "http://x/"), CapturedResponse(200, "", "HTTP/1.1", (), b""), datetime(2026, 1, 1)
        )


def test_proxy_credentials_never_reach_the_request_record() -> None:
    from scrapy import Request
    from scrapy.http import Response

    from scrapers.capture.warc_exchange import build_exchange

    request = Request(
        "http://congan.hanoi.gov.vn/", headers={"Proxy-Authorization": "Basic c2VjcmV0", "User-Agent": "ua"}
    )
    response = Response("http://congan.hanoi.gov.vn/", status=200, body=b"x", headers={"Set-Cookie": ["a=1", "b=2"]},
                        protocol="HTTP/1.1")
    exchange = build_exchange(request, response, max_body_size=0, stopped=False)
    assert [name.lower() for name, _ in exchange.request.headers] == [b"user-agent"]
    assert [v for n, v in exchange.response.headers if n.lower() == b"set-cookie"] == [b"a=1", b"b=2"]


@pytest.mark.parametrize(("name", "value", "message"), [
    ("WARC_MAX_SIZE", "big", "WARC_MAX_SIZE must be a whole number"),
    ("WARC_MAX_SIZE", "0", "WARC_MAX_SIZE must be a positive"),
    ("WARC_MAX_BODY_SIZE", "-1", "WARC_MAX_BODY_SIZE must be 0"),
    ("WARC_PREFIX", "my-prefix", "WARC_PREFIX may not contain"),
])
def test_bad_warc_settings_are_named(name: str, value: str, message: str) -> None:
    from scrapy.settings import Settings

    from scrapers.capture.warc_capture import WarcCaptureConfig, WarcSettingError

    with pytest.raises(WarcSettingError, match=message):
        WarcCaptureConfig.from_settings(Settings({name: value}))


def test_body_limit_defaults_to_download_maxsize() -> None:
    from scrapy.settings import Settings

    from scrapers.capture.warc_capture import WarcCaptureConfig

    config = WarcCaptureConfig.from_settings(Settings({"DOWNLOAD_MAXSIZE": 1234, "CONGAN_CRAWL_ID": "c"}))
    assert config.max_body_size == 1234 and config.crawl_id == "c" and config.prefix == "congan"
    assert (
        WarcCaptureConfig.from_settings(Settings({"WARC_MAX_BODY_SIZE": "0", "DOWNLOAD_MAXSIZE": 9})).max_body_size == 0
    )


def test_metadata_and_warcinfo_records_carry_no_payload_digest(tmp_path: Path) -> None:
    """WARC 1.1 §5.9: only records with a payload (an HTTP entity) get WARC-Payload-Digest."""
    import subprocess
    import sys

    exchange = Exchange(
        CapturedRequest("GET", "https://congan.hue.gov.vn/tin?id=1"),
        CapturedResponse(200, "OK", "HTTP/1.1", ((b"Content-Type", b"text/html"),), b"<p>tin</p>"),
        MOMENT, page_kind="article", outlinks=("http://a/",),
        tls=TlsInfo((b"\x30\x82der",), True, ""),
    )
    writer = make_writer(tmp_path)
    stored = writer.write_exchange(exchange)
    writer.write_outlinks(stored, ("http://b/",), parsed_as="article")
    path = writer.close()
    with path.open("rb") as fh:
        digests = [(r.rec_type, r.rec_headers.get_header("WARC-Payload-Digest"), r.rec_headers.get_header(
            "WARC-Block-Digest")) for r in ArchiveIterator(fh)]
    assert [t for t, _, _ in digests].count("metadata") >= 2
    for rec_type, payload, block in digests:
        assert block and block.startswith("sha1:"), rec_type
        if rec_type in ("metadata", "warcinfo"):
            assert payload is None, rec_type
        else:
            assert payload and payload.startswith("sha1:"), rec_type
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
