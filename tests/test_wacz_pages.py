"""A WACZ that other tools can search: pages with their titles decoded as the corpus decodes
them (windows-1258 declared only in <meta>), article text, only successful HTML pages, seeds
in pages.jsonl and the rest in extraPages.jsonl, and a datapackage.json saying what it is."""

from __future__ import annotations

import json
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from archive.capture import CapturedRequest, CapturedResponse, Exchange
from archive.corpus.record import CaptureRef
from archive.corpus.store import CorpusStore
from archive.paths import DataDir
from archive.wacz_package import validate_wacz
from archive.warc.records import WarcInfo
from archive.warc.writer import WarcWriter
from congan.cli.main import get_cli
from scrapers.extract import extract_article
from simnet.portals.webforms import encode_cp1258

T0 = datetime(2026, 7, 1, 2, 30, tzinfo=UTC)
INFO = WarcInfo(software="congan-archive/test", operator="ops", crawl_id="w1")
TITLE = "Công an tỉnh Thừa Thiên Huế triệt phá đường dây đánh bạc"
#: a word that occurs only in the article body, never in a title or a menu
BODY_WORD = "xuồngmáy"
ARTICLE = (
    "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1258'>"
    f"<title>{TITLE}</title></head><body><nav>Trang chủ | Tin tức</nav>"
    f"<article><h1>{TITLE}</h1><p>Ngày 30/6, lực lượng Công an tỉnh đã phát hiện một {BODY_WORD} chở hàng "
    "lậu trên sông Hương.</p><p>Các đối tượng đã bị tạm giữ để điều tra, làm rõ hành vi vi phạm.</p>"
    "<p>Vụ việc đang được Phòng Cảnh sát hình sự tiếp tục mở rộng điều tra.</p></article></body></html>"
)


def _1258(text: str) -> bytes:
    """windows-1258 as the portal writes it: tone marks as combining characters."""
    return encode_cp1258(text)


def _exchange(url: str, body: bytes, kind: str, status: int = 200, content_type: bytes = b"text/html",
              extra: tuple = ()) -> Exchange:
    headers = ((b"Content-Type", content_type), *extra)
    return Exchange(CapturedRequest("GET", url), CapturedResponse(status, "", "HTTP/1.1", headers, body), T0,
                    page_kind=kind)


def _crawl(data: DataDir) -> None:
    writer = WarcWriter(data.warc_dir(), prefix="congan", crawl_id="w1", warcinfo=INFO, digest_index=None)
    article_url = "http://congan.hue.gov.vn/tin-tuc/1.html"
    body = _1258(ARTICLE)
    stored = writer.write_exchange(_exchange(article_url, body, "article"))
    writer.write_exchange(_exchange("http://congan.hue.gov.vn/", "<title>Trang chủ Công an Huế</title>".encode(),
                                    "seed", content_type=b"text/html; charset=utf-8"))
    writer.write_exchange(_exchange("http://congan.hue.gov.vn/tin-tuc/", _1258("<meta charset=windows-1258>"
                                    "<title>Tin tức – Sự kiện</title>"), "listing"))
    writer.write_exchange(_exchange("http://congan.hue.gov.vn/mat/", b"<title>Not found</title>", "listing", 404))
    writer.write_exchange(_exchange("http://congan.hue.gov.vn/cu/", b"<title>Moved</title>", "listing", 301,
                                    extra=((b"Location", b"http://congan.hue.gov.vn/moi/"),)))
    writer.write_exchange(_exchange("http://congan.hue.gov.vn/loi/", b"<title>Error</title>", "listing", 500))
    writer.write_exchange(_exchange("http://congan.hue.gov.vn/a.css", b"body{}", "requisite", content_type=b"text/css"))
    writer.close()
    article = extract_article(body, article_url, headers={"Content-Type": "text/html"})
    assert BODY_WORD in article.body
    with CorpusStore.open(data) as store:
        store.add(article, CaptureRef.from_stored(stored), T0)


def test_wacz_lists_successful_pages_with_decoded_titles_and_article_text(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    _crawl(data)
    out = tmp_path / "w1.wacz"
    result = CliRunner().invoke(get_cli(), ["--data", str(data.root), "wacz", "create", "w1", "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["pages"] == 3 and summary["seeds"] == 1 and summary["valid"]
    with zipfile.ZipFile(out) as zf:
        seeds = [json.loads(line) for line in zf.read("pages/pages.jsonl").decode("utf-8").splitlines()]
        extra = [json.loads(line) for line in zf.read("pages/extraPages.jsonl").decode("utf-8").splitlines()]
        package = json.loads(zf.read("datapackage.json"))
    assert seeds[0]["format"] == extra[0]["format"] == "json-pages-1.0"
    assert [(p["url"], p["title"], p["seed"]) for p in seeds[1:]] == [
        ("http://congan.hue.gov.vn/", "Trang chủ Công an Huế", True)]
    by_url = {p["url"]: p for p in extra[1:]}
    # 404, 301, 500 and the stylesheet stay in the index only
    assert set(by_url) == {"http://congan.hue.gov.vn/tin-tuc/1.html", "http://congan.hue.gov.vn/tin-tuc/"}
    article = by_url["http://congan.hue.gov.vn/tin-tuc/1.html"]
    assert article["title"] == TITLE  # windows-1258 from <meta> only, composed to NFC
    assert BODY_WORD in article["text"] and "Trang chủ" not in article["text"]
    assert by_url["http://congan.hue.gov.vn/tin-tuc/"]["title"] == "Tin tức – Sự kiện"
    assert "text" not in by_url["http://congan.hue.gov.vn/tin-tuc/"]
    assert extra[0]["hasText"] is True
    assert all(
        p["status"] == 200 and p["ts"].startswith("2026-07-01T02:30:00") and p["id"] for p in seeds[1:] + extra[1:]
    )
    assert package["title"] == "congan-archive crawl w1"
    assert "congan.<province>.gov.vn" in package["description"] and "3 pages" in package["description"]
    assert package["mainPageUrl"] == "http://congan.hue.gov.vn/" and "mainPageURL" not in package
    assert package["mainPageDate"].startswith("2026-07-01T02:30:00")
    assert package["modified"].endswith("Z")
    valid, log = validate_wacz(out)
    assert valid, log


def test_every_member_is_where_its_central_directory_entry_says(tmp_path: Path) -> None:
    """Readers that fetch a WACZ by byte ranges (ReplayWeb.page) take a member's data offset
    from its central directory entry when that entry has no extra field: the local header must
    have none either, or they read the header's tail as data (pages.jsonl then fails to load)."""
    data = DataDir(tmp_path / "data")
    _crawl(data)
    out = tmp_path / "w1.wacz"
    result = CliRunner().invoke(get_cli(), ["--data", str(data.root), "wacz", "create", "w1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    with zipfile.ZipFile(out) as zf:
        members = [info for info in zf.infolist() if not info.extra]
        assert {"pages/pages.jsonl", "pages/extraPages.jsonl", "datapackage.json"} <= {m.filename for m in members}
        for info in members:
            start = info.header_offset + 30 + len(info.filename.encode("utf-8"))
            stored = raw[start:start + info.compress_size]
            if info.compress_type == zipfile.ZIP_DEFLATED:
                stored = zlib.decompress(stored, -zlib.MAX_WBITS)
            assert stored == zf.read(info), info.filename
