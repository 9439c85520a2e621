"""The writer on disk: rotation, .open -> closed, CDXJ per file, revisits across crawls,
truncation, crash repair (torn tail, kill -9), and `warcio check` on every file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.capture import TRUNCATED_LENGTH, CapturedRequest, CapturedResponse, Exchange
from archive.cdxj import read_index
from archive.warc.digests import CaptureIndex
from archive.warc.naming import parse_name
from archive.warc.records import PROFILE_IDENTICAL, PROFILE_NOT_MODIFIED, WarcInfo
from archive.warc.repair import repair_directory
from archive.warc.verify import verify_collection
from archive.warc.writer import WarcWriter

REPO = Path(__file__).resolve().parent.parent
INFO = WarcInfo(software="congan-archive/test", operator="ops", crawl_id="x")
T0 = datetime(2026, 7, 1, tzinfo=UTC)


def exchange(url: str, body: bytes, *, status: int = 200, at: datetime = T0, headers=(), truncated=None) -> Exchange:
    return Exchange(
        CapturedRequest("GET", url, ((b"Accept-Encoding", b"gzip, deflate"),)),
        CapturedResponse(status, "", "HTTP/1.1", ((b"Content-Type", b"text/html"), *headers), body, truncated),
        at,
    )


def writer(root: Path, crawl_id: str, index: CaptureIndex | None, max_size: int = 10**9) -> WarcWriter:
    return WarcWriter(root / "archive", prefix="congan", crawl_id=crawl_id, max_size=max_size,
                      warcinfo=WarcInfo("congan-archive/test", "ops", crawl_id), digest_index=index)


def warcio_check(paths: list[Path]) -> None:
    result = subprocess.run([sys.executable, "-m", "warcio.cli", "check", *map(str, paths)],
                            capture_output=True, text=True)
    if result.returncode != 0:  # warcio.cli has no __main__ guard in some versions: fall back to the script
        result = subprocess.run([str(Path(sys.executable).parent / "warcio"), "check", *map(str, paths)],
                                capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_rotation_seals_every_file_and_indexes_it(tmp_path: Path) -> None:
    w = writer(tmp_path, "rot", None, max_size=3000)
    for n in range(12):
        w.write_exchange(exchange(f"http://congan.x.gov.vn/p{n}", os.urandom(900)))
    w.close()
    files = sorted((tmp_path / "archive").iterdir())
    assert len(files) >= 3 and all(p.name.endswith(".warc.gz") for p in files)
    assert [parse_name(p.name).serial for p in files] == list(range(len(files)))
    for path in files:
        with path.open("rb") as fh:
            assert next(iter(ArchiveIterator(fh))).rec_type == "warcinfo"
        index = tmp_path / "indexes" / (path.name[: -len(".warc.gz")] + ".cdxj")
        lines = index.read_text().splitlines()
        assert lines == sorted(lines) and lines
    assert len(read_index(tmp_path / "indexes")) == 12
    warcio_check(files)
    assert verify_collection(tmp_path / "archive", tmp_path / "indexes").ok


def test_revisits_across_crawls_and_304(tmp_path: Path) -> None:
    index = CaptureIndex(tmp_path / "digests.sqlite3")
    first = writer(tmp_path, "one", index)
    stored = first.write_exchange(exchange("http://c.gov.vn/a", b"same body", headers=((b"ETag", b'"e1"'),)))
    first.close()
    assert stored.record_type == "response"
    latest = index.latest("http://c.gov.vn/a")
    assert latest is not None and latest.etag == '"e1"' and latest.status == 200

    index.close()
    index = CaptureIndex(tmp_path / "digests.sqlite3")  # persisted across crawls
    second = writer(tmp_path, "two", index)
    later = T0 + timedelta(days=1)
    same = second.write_exchange(exchange("http://c.gov.vn/b", b"same body", at=later))
    not_modified = second.write_exchange(exchange("http://c.gov.vn/a", b"", status=304, at=later))
    empty = second.write_exchange(exchange("http://c.gov.vn/c", b"", at=later))
    cut = second.write_exchange(exchange("http://c.gov.vn/d", b"same body"[:4], at=later, truncated=TRUNCATED_LENGTH))
    path = second.close()
    assert (same.record_type, not_modified.record_type, empty.record_type, cut.record_type) == (
        "revisit", "revisit", "response", "response")

    with path.open("rb") as fh:
        by_uri = {r.rec_headers["WARC-Target-URI"]: r.rec_headers for r in ArchiveIterator(fh)
                  if r.rec_type in ("response", "revisit")}
    identical, nm = by_uri["http://c.gov.vn/b"], by_uri["http://c.gov.vn/a"]
    assert identical["WARC-Profile"] == PROFILE_IDENTICAL
    assert identical["WARC-Refers-To-Target-URI"] == "http://c.gov.vn/a"
    assert identical["WARC-Refers-To-Date"] == "2026-07-01T00:00:00Z"
    assert identical["WARC-Refers-To"] == stored.record_id
    assert nm["WARC-Profile"] == PROFILE_NOT_MODIFIED and nm["WARC-Refers-To"] == stored.record_id
    assert by_uri["http://c.gov.vn/d"]["WARC-Truncated"] == "length"
    report = verify_collection(tmp_path / "archive", tmp_path / "indexes")
    assert report.ok, report.problems
    warcio_check(sorted((tmp_path / "archive").glob("*.warc.gz")))


def test_torn_file_is_repaired_at_next_start(tmp_path: Path) -> None:
    w = writer(tmp_path, "crash", None)
    for n in range(3):
        w.write_exchange(exchange(f"http://c.gov.vn/{n}", os.urandom(2000)))
    open_path = w.current_path
    sound = open_path.stat().st_size
    w.write_exchange(exchange("http://c.gov.vn/torn", os.urandom(2000)))
    # the crash: the process dies with the last exchange half written, lock released
    data = open_path.read_bytes()
    w._fh.close()  # simulate the dead process letting go of the file
    open_path.write_bytes(data[: sound + (len(data) - sound) // 2])
    (tmp_path / "archive" / "congan-crash-20260101000000-00009.warc.gz.open").write_bytes(b"\x1f\x8b garbage")

    again = writer(tmp_path, "crash", None)
    sealed = [r for r in again.repaired if r.sealed]
    assert len(sealed) == 1 and sealed[0].sealed.stat().st_size == sound and sealed[0].bytes_cut > 0
    assert [r.sealed for r in again.repaired if r.sealed is None] == [None]  # garbage file removed
    again.close()
    assert not list((tmp_path / "archive").glob("*.open"))
    with sealed[0].sealed.open("rb") as fh:
        uris = [r.rec_headers["WARC-Target-URI"] for r in ArchiveIterator(fh) if r.rec_type == "response"]
    assert uris == ["http://c.gov.vn/0", "http://c.gov.vn/1", "http://c.gov.vn/2"]
    assert verify_collection(tmp_path / "archive", tmp_path / "indexes").ok
    warcio_check(sorted((tmp_path / "archive").glob("*.warc.gz")))


def test_live_writer_file_is_left_alone(tmp_path: Path) -> None:
    live = writer(tmp_path, "live", None)
    live.write_exchange(exchange("http://c.gov.vn/live", b"x"))
    assert repair_directory(tmp_path / "archive") == []
    assert live.current_path.exists()
    live.close()


KILL_SCRIPT = """
import os, sys, time
from datetime import datetime, timezone
from pathlib import Path
from archive.capture import CapturedRequest, CapturedResponse, Exchange
from archive.warc.digests import CaptureIndex
from archive.warc.records import WarcInfo
from archive.warc.writer import WarcWriter
root = Path(sys.argv[1])
index = CaptureIndex(root / "digests.sqlite3")
w = WarcWriter(root / "archive", prefix="congan", crawl_id="kill", max_size=5_000_000,
               warcinfo=WarcInfo("t", "ops", "kill"), digest_index=index)
n = 0
while True:
    body = os.urandom(5000) if n % 3 else b"repeated payload"
    w.write_exchange(Exchange(CapturedRequest("GET", f"http://c.gov.vn/{n}"),
        CapturedResponse(200, "", "HTTP/1.1", ((b"Content-Type", b"text/html"),), body), datetime.now(timezone.utc)))
    n += 1
    if n == 50:
        print("writing", flush=True)
"""


def test_kill_9_while_writing_then_restart_every_file_validates(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(tmp_path)], stdout=subprocess.PIPE, cwd=REPO)
    assert proc.stdout.readline().strip() == b"writing"
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert list((tmp_path / "archive").glob("*.open")), "the killed writer should leave an open file"

    index = CaptureIndex(tmp_path / "digests.sqlite3")
    restarted = writer(tmp_path, "kill2", index)
    assert restarted.repaired and all(r.sealed is not None for r in restarted.repaired)
    restarted.write_exchange(exchange("http://c.gov.vn/after", b"repeated payload"))
    restarted.close()
    files = sorted((tmp_path / "archive").glob("*.warc.gz"))
    assert not list((tmp_path / "archive").glob("*.open")) and len(files) >= 2
    warcio_check(files)
    report = verify_collection(tmp_path / "archive", tmp_path / "indexes")
    assert report.ok, [str(p) for p in report.problems]


@pytest.mark.parametrize(("name", "expected"), [
    ("congan-20261206-001-20261206001221-00003.warc.gz", ("congan", "20261206-001", 3)),
    ("congan-t1-20261206001221-00000.warc.gz.open", None),
    ("index.cdxj", None),
])
def test_file_names_follow_the_pattern(name: str, expected) -> None:
    parsed = parse_name(name)
    assert (parsed and (parsed.prefix, parsed.crawl_id, parsed.serial)) == (expected or None)


def _members(path: Path) -> list[bytes]:
    import zlib

    data, out = path.read_bytes(), []
    while data:
        d = zlib.decompressobj(zlib.MAX_WBITS | 16)
        out.append(d.decompress(data))
        data = d.unused_data
    return out


def test_verify_finds_bad_digests_lone_requests_and_torn_files(tmp_path: Path) -> None:
    import gzip
    import io

    from warcio.warcwriter import WARCWriter

    w = writer(tmp_path, "bad", None)
    for n in range(3):
        w.write_exchange(exchange(f"http://c.gov.vn/{n}", b"<p>body %d</p>" % n))
    good = w.close()
    members = _members(good)
    members[1] = members[1].replace(b"<p>body 0</p>", b"<p>bodY 0</p>")  # one flipped byte in a payload
    good.write_bytes(b"".join(gzip.compress(m) for m in members))

    lone = tmp_path / "archive" / "congan-lone-20260101000000-00000.warc.gz"
    buf = io.BytesIO()
    builder = WARCWriter(buf, gzip=True, warc_version="1.1")
    builder.write_record(builder.create_warcinfo_record(lone.name, {"software": "test"}))
    request = builder.create_warc_record(
        "http://c.gov.vn/x",
        "request",
        payload=io.BytesIO(b"GET /x HTTP/1.1\r\nHost: c.gov.vn\r\n\r\n"),
        warc_headers_dict={"WARC-Concurrent-To": "<urn:uuid:nowhere>"},
    )
    builder.write_record(request)
    lone.write_bytes(buf.getvalue())

    torn = tmp_path / "archive" / "congan-torn-20260101000000-00000.warc.gz"
    w2 = writer(tmp_path, "torn", None)
    w2.write_exchange(exchange("http://c.gov.vn/t", os.urandom(3000)))
    full = w2.close()
    full.rename(torn)
    torn.write_bytes(torn.read_bytes()[:-200])

    report = verify_collection(tmp_path / "archive", tmp_path / "indexes")
    text = [str(p) for p in report.problems]
    assert any(good.name in t and "digest" in t.lower() for t in text), text
    assert any(lone.name in t and "request without its response" in t for t in text), text
    assert any(torn.name in t and "torn or corrupt tail" in t for t in text), text
    assert any("no CDXJ index" in t for t in text), text


def test_capture_index_is_rebuilt_from_the_warcs_alone(tmp_path: Path) -> None:
    from archive.warc.reindex import rebuild_capture_index

    db = tmp_path / "digests.sqlite3"
    index = CaptureIndex(db)
    first = writer(tmp_path, "one", index)
    original = first.write_exchange(exchange("http://c.gov.vn/a", b"body", headers=((b"ETag", b'"1"'),)))
    first.write_exchange(exchange("http://c.gov.vn/empty", b""))
    first.close()
    second = writer(tmp_path, "two", index)
    later = T0 + timedelta(days=1)
    second.write_exchange(exchange("http://c.gov.vn/b", b"body", at=later, headers=((b"ETag", b'"2"'),)))
    second.write_exchange(exchange("http://c.gov.vn/a", b"", status=304, at=later, headers=((b"ETag", b'"1b"'),)))
    second.close()
    before = {url: index.latest(url) for url in ("http://c.gov.vn/a", "http://c.gov.vn/b", "http://c.gov.vn/empty")}
    first_before = index.first(original.payload_digest)

    index.clear()
    assert index.latest("http://c.gov.vn/a") is None
    assert rebuild_capture_index(tmp_path / "archive", index) == 4
    assert {url: index.latest(url) for url in before} == before
    assert index.first(original.payload_digest) == first_before and first_before.uri == "http://c.gov.vn/a"
    assert index.latest("http://c.gov.vn/a").etag == '"1b"'
    from archive.warc.reindex import EMPTY_PAYLOAD

    assert index.first(EMPTY_PAYLOAD) is None


def test_wacz_pages_are_the_html_pages_with_their_titles(tmp_path: Path) -> None:
    import json
    import zipfile

    from archive.paths import DataDir
    from archive.wacz_package import create_wacz
    from scrapers.extract.text import decode_html

    data = DataDir(tmp_path / "data")
    w = WarcWriter(data.warc_dir(), prefix="congan", crawl_id="pages", warcinfo=INFO, digest_index=None)

    def page(url: str, kind: str, html: str, content_type: bytes = b"text/html; charset=utf-8") -> Exchange:
        return Exchange(
            CapturedRequest("GET", url),
            CapturedResponse(200, "", "HTTP/1.1", ((b"Content-Type", content_type),), html.encode("utf-8")),
            T0,
            page_kind=kind,
        )

    w.write_exchange(page("http://c.gov.vn/tin/1", "article", "<title>Đại tá  Nguyễn&nbsp;Văn A</title>"))
    w.write_exchange(page("http://c.gov.vn/", "seed", "<html><title>Công an tỉnh</title>"))
    w.write_exchange(page("http://c.gov.vn/embed.html", "requisite", "<title>iframe</title>"))
    w.write_exchange(page("http://c.gov.vn/app.css", "requisite", "body{}", b"text/css"))
    w.close()
    result = create_wacz(data, "pages", decode=decode_html)
    with zipfile.ZipFile(result.path) as zf:
        seeds = [json.loads(line) for line in zf.read("pages/pages.jsonl").decode().splitlines()]
        extra = [json.loads(line) for line in zf.read("pages/extraPages.jsonl").decode().splitlines()]
    assert seeds[0]["format"] == extra[0]["format"] == "json-pages-1.0"
    lines = seeds[:1] + seeds[1:] + extra[1:]
    assert {p["url"]: p["title"] for p in lines[1:]} == {
        "http://c.gov.vn/tin/1": "Đại tá Nguyễn Văn A",  # entities decoded, spaces collapsed
        "http://c.gov.vn/": "Công an tỉnh",
    }
    assert all(p["status"] == 200 and p["ts"].startswith("2026-07-01T00:00:00") for p in lines[1:])


def test_a_failed_write_leaves_no_half_exchange(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = writer(tmp_path, "full", None)
    w.write_exchange(exchange("http://c.gov.vn/ok", b"fine"))
    calls = {"n": 0}
    original = w._write

    # A full disk cannot be made here (no spare filesystem to fill): the second record of the
    # exchange fails the way a write does on ENOSPC.
    def failing(record):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        original(record)

    monkeypatch.setattr(w, "_write", failing)
    with pytest.raises(OSError, match="No space left"):
        w.write_exchange(exchange("http://c.gov.vn/fails", os.urandom(4000)))
    monkeypatch.setattr(w, "_write", original)
    w.write_exchange(exchange("http://c.gov.vn/after", b"after"))
    path = w.close()
    with path.open("rb") as fh:
        uris = [r.rec_headers["WARC-Target-URI"] for r in ArchiveIterator(fh) if r.rec_type == "response"]
    assert uris == ["http://c.gov.vn/ok", "http://c.gov.vn/after"]
    assert verify_collection(tmp_path / "archive", tmp_path / "indexes").ok
