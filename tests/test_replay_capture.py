"""Replay of WARCs written by the crawler's own writer (``archive.warc.writer.WarcWriter``,
with its digest index and CDXJ per closed file): the seam between capture and replay.

Two crawls a month apart: the second one meets an unchanged image (identical-payload
revisit), a 304 (server-not-modified revisit) and a changed article.
"""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest

from archive.capture import CapturedRequest, CapturedResponse, Exchange
from archive.paths import DataDir
from archive.replay.server import ReplayServer
from archive.warc.digests import CaptureIndex
from archive.warc.records import WarcInfo
from archive.warc.writer import WarcWriter

SITE = "https://congan.quangninh.gov.vn"
ARTICLE = f"{SITE}/tin-tuc/bat-giu-doi-tuong.html"
NOTICE = f"{SITE}/thong-bao/truy-na.html"
PHOTO = f"{SITE}/uploads/anh-hien-truong.jpg"
FIRST = datetime(2025, 6, 2, 1, 30, tzinfo=UTC)
SECOND = datetime(2025, 7, 3, 1, 30, tzinfo=UTC)
TS1, TS2 = FIRST.strftime("%Y%m%d%H%M%S"), SECOND.strftime("%Y%m%d%H%M%S")
PHOTO_BYTES = b"\xff\xd8\xff\xe0JFIF\x00" + bytes(reversed(range(256))) * 8 + b"\xff\xd9"
HTML = [(b"Content-Type", b"text/html; charset=utf-8")]


def _html(title: str) -> bytes:
    return (f"<html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1>"
            f"<img src=\"/uploads/anh-hien-truong.jpg\"><a href=\"{NOTICE}\">Truy nã</a></body></html>").encode()


def _exchange(url: str, when: datetime, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> Exchange:
    reason = {200: "OK", 304: "Not Modified"}[status]
    return Exchange(
        request=CapturedRequest(
            "GET", url, ((b"Host", b"congan.quangninh.gov.vn"), (b"User-Agent", b"congan-archive test"))
        ),
        response=CapturedResponse(status, reason, "HTTP/1.1", tuple(headers), body),
        fetched_at=when,
        ip_address="127.0.0.1",
        site="congan.quangninh.gov.vn",
        page_kind="article",
        adapter="test",
    )


def _crawl(data: DataDir, crawl_id: str, when: datetime, exchanges: list[Exchange]) -> None:
    info = WarcInfo(software="congan-archive test", operator="tests", crawl_id=crawl_id)
    index = CaptureIndex.open(data)
    with WarcWriter(data.warc_dir(), prefix="congan", crawl_id=crawl_id, warcinfo=info,
                    digest_index=index, clock=lambda: when) as writer:
        for exchange in exchanges:
            writer.write_exchange(exchange)


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory):
    data = DataDir(tmp_path_factory.mktemp("capture") / "data").ensure()
    gz = [*HTML, (b"Content-Encoding", b"gzip"), (b"Vary", b"Accept-Encoding")]
    _crawl(data, "crawl-1", FIRST, [
        _exchange(ARTICLE, FIRST, 200, gz, gzip.compress(_html("Bắt giữ đối tượng trộm cắp tài sản"))),
        _exchange(NOTICE, FIRST, 200, [*HTML, (b"ETag", b'"v1"')], _html("Thông báo truy nã Lê Thị Hoà")),
        _exchange(PHOTO, FIRST, 200, [(b"Content-Type", b"image/jpeg")], PHOTO_BYTES),
    ])
    _crawl(data, "crawl-2", SECOND, [
        _exchange(ARTICLE, SECOND, 200, gz, gzip.compress(_html("Khởi tố đối tượng trộm cắp tài sản"))),
        _exchange(NOTICE, SECOND, 304, [(b"ETag", b'"v1"')], b""),
        _exchange(PHOTO, SECOND, 200, [(b"Content-Type", b"image/jpeg")], PHOTO_BYTES),
    ])
    with ReplayServer(data, port=0) as server:
        yield server


def _get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read(), response.url
    except urllib.error.HTTPError as error:
        return error.code, error.read(), url


def test_crawler_writes_what_replay_expects(replay: ReplayServer) -> None:
    warcs = sorted(p.name for p in replay.data.warc_dir().glob("*.warc.gz"))
    indexes = sorted(p.name for p in replay.data.index_dir().glob("*.cdxj"))
    assert len(warcs) == 2 and len(indexes) == 2


def test_gzip_article_of_each_crawl(replay: ReplayServer) -> None:
    status, body, _ = _get(replay.url_for(ARTICLE, TS1))
    assert status == 200 and "Bắt giữ đối tượng trộm cắp tài sản" in body.decode("utf-8")
    status, body, _ = _get(replay.url_for(ARTICLE, TS2))
    assert status == 200 and "Khởi tố đối tượng trộm cắp tài sản" in body.decode("utf-8")
    assert f"/congan/{TS2}im_/{PHOTO}" in body.decode("utf-8")


def test_identical_payload_revisit_gives_the_image_bytes(replay: ReplayServer) -> None:
    status, body, _ = _get(replay.url_for(PHOTO, TS2, mode="im_"))
    assert status == 200 and body == PHOTO_BYTES


def test_not_modified_revisit_leads_to_the_capture_it_confirmed(replay: ReplayServer) -> None:
    # pywb alone would answer the recorded bare 304; the launcher's guard redirects to the
    # capture the 304 confirmed unchanged.
    status, body, final = _get(replay.url_for(NOTICE, TS2))
    assert status == 200, body[:300]
    assert "Thông báo truy nã Lê Thị Hoà" in body.decode("utf-8")
    assert final.endswith(f"/congan/{TS1}/{NOTICE}")
    status, body, final = _get(replay.url_for(NOTICE, TS2, mode="id_"))
    assert status == 200 and body == _html("Thông báo truy nã Lê Thị Hoà")
    assert final.endswith(f"/congan/{TS1}id_/{NOTICE}")


def test_closest_capture_between_the_two_crawls(replay: ReplayServer) -> None:
    _, body, final = _get(replay.url_for(ARTICLE, "20250625"))
    assert final.endswith(f"/congan/{TS2}/{ARTICLE}") and "Khởi tố" in body.decode("utf-8")
    _, body, final = _get(replay.url_for(ARTICLE, "20250610"))
    assert final.endswith(f"/congan/{TS1}/{ARTICLE}") and "Bắt giữ" in body.decode("utf-8")
