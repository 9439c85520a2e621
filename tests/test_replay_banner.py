"""The replay banner and pywb's own pages in Vietnamese, over HTTP (pywb from its own venv).

The collection of ``test_replay_server`` (an article captured twice, six weeks apart) plus a
corpus that knows the article, so its banner links back to ``congan serve``.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_replay_server import ARTICLE, GZIP_PAGE, T1, T2, TITLE_V1, _build_collection, fetch

from archive.corpus.article import ExtractedArticle
from archive.corpus.record import CaptureRef
from archive.corpus.store import CorpusStore
from archive.replay.server import ReplayServer

SERVE = "http://127.0.0.1:8181"


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory):
    data = _build_collection(tmp_path_factory.mktemp("banner") / "data")
    article = ExtractedArticle(url=ARTICLE, fetched_url=ARTICLE, site="congan.hanoi.gov.vn", title=TITLE_V1,
                               body="Người dân cần cảnh giác.", body_html="<p>Người dân cần cảnh giác.</p>")
    capture = CaptureRef(timestamp=T1, warc_file="crawl-1.warc.gz", offset=0, length=1, record_id="<urn:uuid:x>",
                         url=ARTICLE)
    with CorpusStore.open(data) as store:
        store.add(article, capture, datetime(2025, 7, 10, 3, tzinfo=UTC))
        article_id = store.resolve_id(article)
    with ReplayServer(data, port=0, serve_url=SERVE) as server:
        server.article_id = article_id  # type: ignore[attr-defined]
        yield server


def _banner(body: bytes) -> str:
    text = body.decode("utf-8")
    match = re.search(r'<div id="congan-banner".*?</div>', text, re.DOTALL)
    assert match, "no banner in the replayed page"
    return html.unescape(match.group(0))


def test_banner_gives_the_capture_date_in_vietnam_time_and_the_other_captures(replay: ReplayServer) -> None:
    status, _, body, _ = fetch(replay.url_for(ARTICLE, T1))
    assert status == 200
    banner = _banner(body)
    assert "Trang lưu trữ" in banner
    # 03:00 UTC is 10:00 in Vietnam (UTC+7)
    assert re.search(r'id="congan-banner-date">10/07/2025 10:00<', banner), banner
    assert "bản lưu 1 / 2" in banner
    assert f'href="{replay.base_url}/congan/{T2}/{ARTICLE}"' in banner and "Bản sau (20/08/2025 10:00)" in banner
    assert "congan-banner-prev" not in banner  # the first capture has no previous one
    assert f'href="{replay.base_url}/congan/*/{ARTICLE}"' in banner
    assert f'href="{SERVE}/articles/{replay.article_id}"' in banner  # type: ignore[attr-defined]
    assert re.search(r"10/07/2025 10:00 \(đang xem\)", banner) and "20/08/2025 10:00</a>" in banner

    status, _, body, _ = fetch(replay.url_for(ARTICLE, T2))
    banner = _banner(body)
    assert "bản lưu 2 / 2" in banner and "20/08/2025 10:00" in banner
    assert f'href="{replay.base_url}/congan/{T1}/{ARTICLE}"' in banner and "« Bản trước (10/07/2025 10:00)" in banner
    assert "congan-banner-next" not in banner


def test_a_page_that_is_not_an_article_has_no_article_link(replay: ReplayServer) -> None:
    status, _, body, _ = fetch(replay.url_for(GZIP_PAGE, T1))
    assert status == 200
    banner = _banner(body)
    assert "1 bản lưu" in banner or "bản lưu 1 / 1" in banner
    assert "congan-banner-article" not in banner


def test_pywb_pages_are_in_vietnamese(replay: ReplayServer) -> None:
    status, _, body, _ = fetch(replay.url_for("http://congan.hanoi.gov.vn/khong-co.html", T1))
    assert status == 404
    text = body.decode("utf-8")
    assert "Không tìm thấy địa chỉ" in text and "URL Not Found" not in text
    status, _, body, _ = fetch(f"{replay.base_url}/")
    assert status == 200 and "Kho lưu trữ này có các bộ sưu tập sau:" in body.decode("utf-8")


def test_catalog_is_compiled_into_the_data_directory(replay: ReplayServer) -> None:
    mo = Path(replay.config.locales_dir) / "vi" / "LC_MESSAGES" / "messages.mo"
    assert mo.exists() and mo.stat().st_size > 1000
