"""ArticlePipeline: an ArticlePage in, a corpus record and stats out (no crawl needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from archive.capture import StoredRecord
from archive.corpus import CorpusStore
from scrapers.filing.pipeline import ArticlePipeline
from scrapers.items import ArticlePage

PAGE = (Path(__file__).parent / "data" / "extract" / "article_cp1258_meta.html").read_bytes()
URL = "http://congan.laocai.gov.vn/an-ninh-trat-tu/bat-giu-doi-tuong-7700"


def stored(n: int) -> StoredRecord:
    return StoredRecord(
        warc_file="congan-t-00000.warc.gz", offset=1000 * n, length=900, url=URL, record_type="response",
        record_id=f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>", timestamp=f"2025010{n}030405",
    )


@pytest.fixture
def pipeline(data_dir: Path):
    crawler = get_crawler(settings_dict={"CONGAN_DATA": str(data_dir)})
    crawler.stats.open_spider()
    pipe = ArticlePipeline.from_crawler(crawler)
    pipe.open_spider()
    yield pipe
    pipe.close_spider()


def test_article_is_filed_with_its_capture_and_counted(pipeline: ArticlePipeline, data_dir: Path) -> None:
    item = ArticlePage(
        url=URL, body=PAGE, site="congan.laocai.gov.vn", adapter="vnpt", profile="generic", capture=stored(1)
    )
    assert pipeline.process_item(item) is item
    pipeline.process_item(ArticlePage(url=URL, body=PAGE, adapter="vnpt", profile="generic", capture=stored(2)))
    stats = pipeline.stats.get_stats()
    assert stats["extract/articles"] == 2 and stats["extract/new"] == 1 and stats["extract/unchanged"] == 1
    assert stats["extract/congan.laocai.gov.vn/with_date"] == 2
    pipeline.close_spider()
    with CorpusStore(data_dir / "corpus") as store:
        [record] = list(store.latest())
    assert record.province == "Lào Cai" and record.title == "Bắt giữ đối tượng trộm cắp tài sản"
    assert record.first_seen == "2025-01-01T03:04:05Z" and record.last_seen == "2025-01-02T03:04:05Z"
    assert record.capture.replay_url == f"/congan/20250101030405/{URL}"
    assert record.extraction.adapter == "vnpt"


def test_empty_pages_and_pages_without_capture_are_counted_not_filed(pipeline: ArticlePipeline, data_dir: Path) -> None:
    pipeline.process_item(ArticlePage(url=URL, body=b"\x00\xff", capture=stored(1)))
    pipeline.process_item(ArticlePage(url=URL, body=PAGE, capture=None))
    pipeline.process_item({"not": "an article"})
    stats = pipeline.stats.get_stats()
    assert stats["extract/empty"] == 1 and stats["extract/no_capture"] == 1 and stats["extract/articles"] == 2
    assert len(CorpusStore(data_dir / "corpus")) == 0


def test_extract_enabled_off_switches_the_pipeline_off(data_dir: Path) -> None:
    with pytest.raises(NotConfigured):
        ArticlePipeline.from_crawler(get_crawler(settings_dict={"EXTRACT_ENABLED": False}))
