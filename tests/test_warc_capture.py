"""A real Scrapy crawl with WARC capture against a local server: what the WARC holds is what
the server sent (gzip, chunked, binary, repeated headers, POST), oversized bodies are kept
truncated, a second crawl writes revisits, and the commands work on the result."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from warc_testserver import BIG, BINARY, CHUNKS, GZIPPED, WarcTestServer, self_signed_cert
from warcio.archiveiterator import ArchiveIterator

from archive.wacz_package import validate_wacz
from archive.warc.records import ORIG_TRANSFER_ENCODING, PROFILE_IDENTICAL, PROFILE_NOT_MODIFIED
from congan.cli.main import get_cli

REPO = Path(__file__).resolve().parent.parent
LIMIT = 50_000


@dataclass(frozen=True)
class Crawled:
    data: Path
    server: WarcTestServer
    first: list[dict]
    second: list[dict]

    @property
    def warc_dir(self) -> Path:
        return self.data / "collections" / "congan" / "archive"

    def records(self, crawl_id: str) -> list:
        out = []
        for path in sorted(self.warc_dir.glob(f"congan-{crawl_id}-*.warc.gz")):
            with path.open("rb") as fh:
                for record in ArchiveIterator(fh):
                    raw = record.raw_stream.read()
                    out.append((record.rec_type, record.rec_headers, record.http_headers, raw))
        return out


def run_crawl(data: Path, crawl_id: str, urls: list[str], *extra: str) -> list[dict]:
    result = subprocess.run(
        [sys.executable, str(REPO / "tests" / "warc_crawl.py"), str(data), crawl_id, *urls, *extra,
         "-s", f"WARC_MAX_BODY_SIZE={LIMIT}"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("warc-capture") / "data"
    with WarcTestServer() as server:
        urls = [
            server.url(p) for p in ("/gzip", "/chunked", "/binary", "/big", "/cond", "/missing", "/reset", "/to-big")
        ]
        first = run_crawl(data, "one", urls, "--post", server.url("/form"), "-s", "DOWNLOAD_FAIL_ON_DATALOSS=False")
        sent_first = dict(server.sent)
        second = run_crawl(data, "two", [server.url("/gzip"), server.url("/same"), server.url("/cond")],
                           "--header", 'If-None-Match="c1"')
        server.httpd.sent = sent_first
        yield Crawled(data, server, first, second)


def by_uri(records: list, rec_type: str) -> dict:
    return {
        headers["WARC-Target-URI"]: (headers, http, raw) for kind, headers, http, raw in records if kind == rec_type
    }


def test_every_header_and_body_byte_is_what_the_server_sent(crawled: Crawled) -> None:
    responses = by_uri(crawled.records("one"), "response")
    for path in ("/gzip", "/chunked", "/binary", "/form", "/missing"):
        sent = crawled.server.sent[path]
        headers, http, raw = responses[crawled.server.url(path)]
        assert int(http.get_statuscode()) == sent.status
        assert http.protocol == "HTTP/1.1"
        stored = [(n.lower(), v) for n, v in http.headers]
        for name, _value in sent.headers:  # every value, repeated ones included, in order
            assert [v for n, v in stored if n == name.lower()] == [
                v for n, v in sent.headers if n.lower() == name.lower()
            ]
        assert headers["WARC-IP-Address"] == "127.0.0.1"
        if path == "/chunked":
            assert raw == b"".join(CHUNKS)  # de-chunked, and no Transfer-Encoding left for replay
            assert http.get_header("Transfer-Encoding") is None and http.get_header(ORIG_TRANSFER_ENCODING) is None
        else:
            assert raw == sent.body
            assert http.get_header("Content-Length") == str(len(sent.body))
    assert responses[crawled.server.url("/gzip")][2] == GZIPPED  # content coding kept
    assert responses[crawled.server.url("/binary")][2] == BINARY


def test_requests_are_linked_and_carry_host_headers_and_post_body(crawled: Crawled) -> None:
    records = crawled.records("one")
    ids = {h["WARC-Record-ID"] for kind, h, _, _ in records if kind in ("response", "revisit")}
    requests = by_uri(records, "request")
    for _uri, (headers, http, _raw) in requests.items():
        assert headers["WARC-Concurrent-To"] in ids
        assert http.get_header("Host") == f"127.0.0.1:{crawled.server.port}"
        assert http.get_header("Accept-Encoding") == "gzip, deflate"  # pinned: no br, no zstd
    _post_headers, post_http, post_body = requests[crawled.server.url("/form")]
    assert post_http.protocol == "POST" and post_body == crawled.server.sent["/form"].request_body
    assert post_body == b"q=c%C3%B4ng+an&page=2"


def test_oversized_body_is_kept_truncated_and_still_reaches_the_spider(crawled: Crawled) -> None:
    headers, http, raw = by_uri(crawled.records("one"), "response")[crawled.server.url("/big")]
    assert headers["WARC-Truncated"] == "length"
    assert raw == BIG[:LIMIT]
    assert http.get_header("Content-Length") == str(len(BIG))  # what the server announced
    seen = {row["url"]: row for row in crawled.first}
    assert "download_stopped" in seen[crawled.server.url("/big")]["flags"]
    big = [h for kind, h, _, raw in crawled.records("one")
           if kind in ("response", "revisit") and h["WARC-Target-URI"] == crawled.server.url("/big")]
    assert len(big) == 2  # fetched directly and after the redirect from /to-big: both cut
    assert all(h["WARC-Truncated"] == "length" for h in big)


def test_body_broken_off_is_kept_and_marked_disconnect(crawled: Crawled) -> None:
    headers, http, raw = by_uri(crawled.records("one"), "response")[crawled.server.url("/reset")]
    assert headers["WARC-Truncated"] == "disconnect"
    assert raw == BINARY[:1000] and http.get_header("Content-Length") == "4000"


def test_page_metadata_and_outlinks(crawled: Crawled) -> None:
    records = crawled.records("one")
    gzip_id = by_uri(records, "response")[crawled.server.url("/gzip")][0]["WARC-Record-ID"]
    blocks = [raw.decode() for kind, h, _, raw in records if kind == "metadata" and h["WARC-Concurrent-To"] == gzip_id]
    page = next(b for b in blocks if b.startswith("congan-page-kind"))
    assert "congan-page-kind: article" in page and "congan-adapter: test" in page and "hopsFromSeed: L" in page
    outlinks = next(b for b in blocks if b.startswith("congan-outlinks-of"))
    assert f"outlink: {crawled.server.url('/never-followed')}" in outlinks
    assert "outlink: https://www.bocongan.gov.vn/" in outlinks


def test_spider_gets_the_stored_record(crawled: Crawled) -> None:
    row = next(r for r in crawled.first if r["url"].endswith("/gzip"))
    stored = row["stored"]
    assert stored["record_type"] == "response" and stored["warc_file"].startswith("congan-one-")
    path = crawled.warc_dir / stored["warc_file"]
    with path.open("rb") as fh:
        fh.seek(stored["offset"])
        record = next(iter(ArchiveIterator(fh)))
        assert record.rec_headers["WARC-Record-ID"] == stored["record_id"]


def test_second_crawl_writes_revisits(crawled: Crawled) -> None:
    revisits = by_uri(crawled.records("two"), "revisit")
    gzip_url = crawled.server.url("/gzip")
    assert revisits[gzip_url][0]["WARC-Profile"] == PROFILE_IDENTICAL
    assert revisits[gzip_url][0]["WARC-Refers-To-Target-URI"] == gzip_url
    same = revisits[crawled.server.url("/same")][0]  # a new URL with a payload stored before
    assert same["WARC-Refers-To-Target-URI"] == crawled.server.url("/binary")
    cond = revisits[crawled.server.url("/cond")][0]
    assert cond["WARC-Profile"] == PROFILE_NOT_MODIFIED and cond["WARC-Refers-To-Target-URI"] == crawled.server.url(
        "/cond"
    )


def test_verify_get_rebuild_and_wacz_on_the_crawl(crawled: Crawled, tmp_path: Path) -> None:
    runner = CliRunner()
    data = ["--data", str(crawled.data)]
    files = sorted(crawled.warc_dir.glob("*.warc.gz"))
    check = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", *map(str, files)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout
    result = runner.invoke(get_cli(), [*data, "warc", "verify"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(get_cli(), [*data, "index", "rebuild"])
    assert result.exit_code == 0 and "2 indexes rebuilt" in result.output
    result = runner.invoke(
        get_cli(), [*data, "warc", "get", crawled.server.url("/gzip"), "--payload", "--decoded", "-t", "2000"]
    )
    assert result.exit_code == 0 and "Công an tỉnh Thừa Thiên Huế" in result.stdout_bytes.decode()
    result = runner.invoke(get_cli(), [*data, "warc", "get", crawled.server.url("/same"), "--payload"])
    assert result.exit_code == 0 and result.stdout_bytes == BINARY  # a revisit resolves to the original
    result = runner.invoke(get_cli(), [*data, "warc", "get", crawled.server.url("/form"), "--payload"])
    assert result.exit_code == 0 and result.stdout_bytes == crawled.server.sent["/form"].body  # a POST capture
    result = runner.invoke(get_cli(), [*data, "warc", "get", crawled.server.url("/binary")])
    assert result.stdout_bytes.startswith(b"WARC/1.1\r\nWARC-Type: response\r\n") and result.stdout_bytes.endswith(
        BINARY + b"\r\n\r\n"
    )

    out = tmp_path / "one.wacz"
    result = runner.invoke(get_cli(), [*data, "wacz", "create", "one", "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["valid"] and summary["warcs"] and summary["pages"] >= 2
    valid, log = validate_wacz(out)
    assert valid, log
    with zipfile.ZipFile(out) as zf:
        # seeds in pages.jsonl, every other page in extraPages.jsonl (as Browsertrix writes them)
        pages = [json.loads(line) for name in ("pages/pages.jsonl", "pages/extraPages.jsonl")
                 for line in zf.read(name).decode().splitlines()[1:]]
        pages.insert(0, {})
        assert {"url", "ts", "title", "status"} <= set(pages[1])
        titles = {p["url"]: p.get("title") for p in pages[1:]}
        assert titles[crawled.server.url("/gzip")] == "Công an tỉnh Thừa Thiên Huế"
        assert all(name.startswith("archive/congan-one-") for name in zf.namelist() if name.startswith("archive/"))


def test_verify_reports_broken_archives(crawled: Crawled, tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(crawled.data / "collections", data / "collections")
    warc_dir = data / "collections" / "congan" / "archive"
    victim = sorted(warc_dir.glob("congan-one-*.warc.gz"))[0]
    (data / "collections" / "congan" / "indexes" / (victim.name[:-8] + ".cdxj")).unlink()
    first_of_two = sorted(warc_dir.glob("congan-two-*.warc.gz"))[0]
    (data / "collections" / "congan" / "indexes" / "congan-gone-20260101000000-00000.cdxj").write_text("")
    victim.unlink()  # the revisits of crawl two now point to nothing
    runner = CliRunner()
    result = runner.invoke(get_cli(), ["--data", str(data), "warc", "verify", "--json"])
    assert result.exit_code == 1
    problems = [json.loads(line) for line in result.stdout.splitlines()][:-1]
    text = " ".join(p["problem"] for p in problems)
    assert "revisit refers to a capture that is not in the collection" in text
    assert "index of a WARC file that does not exist" in text
    assert any(p["file"] == first_of_two.name for p in problems)

    result = runner.invoke(get_cli(), ["--data", str(tmp_path / "nowhere"), "warc", "verify"])
    assert result.exit_code == 1 and "no WARC collection" in result.output
    result = runner.invoke(get_cli(), ["--data", str(data), "wacz", "create", "no-such-crawl"])
    assert result.exit_code == 1 and "no closed WARC file of crawl" in result.output


def test_https_capture_keeps_the_certificate_and_its_validation(tmp_path: Path) -> None:
    import base64

    from cryptography import x509

    cert, key = self_signed_cert(tmp_path)
    with WarcTestServer(tls=(cert, key)) as server:
        rows = run_crawl(tmp_path / "data", "tls", [server.url("/binary")])
    assert rows and rows[0]["status"] == 200
    path = next((tmp_path / "data" / "collections" / "congan" / "archive").glob("congan-tls-*.warc.gz"))
    with path.open("rb") as fh:
        records = [(r.rec_type, r.rec_headers, r.content_stream().read()) for r in ArchiveIterator(fh)]
    response = next(h for kind, h, _ in records if kind == "response")
    blocks = [raw.decode() for kind, h, raw in records
              if kind == "metadata" and h["WARC-Concurrent-To"] == response["WARC-Record-ID"]]
    tls = next(b for b in blocks if b.startswith("tls-validation"))
    assert "tls-validation: invalid" in tls  # self-signed: not in the system trust store
    assert "tls-validation-detail: not valid for 127.0.0.1: validation failed" in tls
    der = next(line.split(": ", 1)[1] for line in tls.splitlines() if line.startswith("tls-certificate-der-base64"))
    stored = x509.load_der_x509_certificate(base64.b64decode(der))
    assert stored == x509.load_pem_x509_certificate(cert.read_bytes())
    assert next(raw for kind, _, raw in records if kind == "response") == BINARY


def test_accept_encoding_is_pinned_even_when_scrapy_would_ask_for_br(tmp_path: Path) -> None:
    with WarcTestServer() as server:
        # no DEFAULT_REQUEST_HEADERS: Scrapy's HttpCompressionMiddleware would ask for br (brotli is installed)
        run_crawl(tmp_path / "data", "pin", [server.url("/binary")], "-s", "DEFAULT_REQUEST_HEADERS={}")
        sent = server.sent["/binary"].request_headers
    assert {k.lower(): v for k, v in sent}["accept-encoding"] == "gzip, deflate"
