"""scrapers.config: the crawl's settings parsed once, validated, errors naming the setting, and
one collection for every component (WARC side and corpus side)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from archive.capture import StoredRecord
from archive.corpus import CorpusStore
from archive.paths import DEFAULT_COLLECTION
from scrapers.capture.not_modified import NotModifiedExtension
from scrapers.capture.warc_capture import WarcCaptureExtension
from scrapers.config import CrawlConfig, crawl_config
from scrapers.errors import ConfigError, ScrapersError
from scrapers.filing.pipeline import ArticlePipeline
from scrapers.items import ArticlePage
from spiders.network import NetworkSpider

PAGE = (Path(__file__).parent / "data" / "extract" / "article_cp1258_meta.html").read_bytes()
URL = "http://congan.laocai.gov.vn/an-ninh-trat-tu/bat-giu-doi-tuong-7700"


def project_settings(**overrides: object) -> Settings:
    settings = Settings()
    settings.setmodule("scrapers.settings", priority="project")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


def test_warc_collection_is_the_collection_of_every_component(data_dir: Path) -> None:
    """-s WARC_COLLECTION=x: the WARCs, the spider's articles, the corpus pipeline and the 304
    extension all name collection x (the corpus side used to read only CONGAN_COLLECTION, so
    corpus replay links pointed at the default collection)."""
    settings = {"CONGAN_DATA": str(data_dir), "WARC_COLLECTION": "lamdong", "CONGAN_CRAWL_ID": "c1"}
    crawler = get_crawler(NetworkSpider, settings)
    config = crawl_config(crawler)
    assert config.collection == config.warc.collection == config.network.collection == "lamdong"
    spider = NetworkSpider.from_crawler(crawler)
    assert spider.config.collection == "lamdong"
    assert WarcCaptureExtension.from_crawler(crawler).config.collection == "lamdong"
    assert NotModifiedExtension.from_crawler(crawler).collection == "lamdong"

    crawler.stats.open_spider()
    pipeline = ArticlePipeline.from_crawler(crawler)
    pipeline.open_spider()
    capture = StoredRecord(
        warc_file="congan-c1-20250101030405-00000.warc.gz", offset=0, length=900, url=URL, record_type="response",
        record_id="<urn:uuid:00000000-0000-4000-8000-000000000001>", timestamp="20250101030405",
    )
    pipeline.process_item(ArticlePage(url=URL, body=PAGE, site="congan.laocai.gov.vn", capture=capture))
    pipeline.close_spider()
    with CorpusStore(data_dir / "corpus") as store:
        [record] = list(store.latest())
    assert record.capture.replay_url == f"/lamdong/20250101030405/{URL}"


def test_congan_collection_alone_and_the_default() -> None:
    assert CrawlConfig.from_settings(project_settings(CONGAN_COLLECTION="hue")).collection == "hue"
    config = CrawlConfig.from_settings(project_settings())
    assert config.collection == config.warc.collection == config.network.collection == DEFAULT_COLLECTION
    both = CrawlConfig.from_settings(project_settings(CONGAN_COLLECTION="hue", WARC_COLLECTION="x"))
    assert both.collection == both.network.collection == "x"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CONGAN_MAX_PAGES", "-3"),
        ("CONGAN_MAX_PAGES", "many"),
        ("CONGAN_BACKOFF_BASE", "soon"),
        ("CONGAN_CRAWL_DELAY_MAX", "long"),
        ("WARC_COLLECTION", "../elsewhere"),
        ("WARC_MAX_SIZE", "0"),
        ("CONGAN_MAX_DEPTH", "-1"),
    ],
)
def test_bad_values_are_refused_naming_the_setting(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name) as raised:
        CrawlConfig.from_settings(project_settings(**{name: value}))
    assert isinstance(raised.value, ScrapersError)


def test_the_config_is_parsed_once_settings_are_final() -> None:
    crawler = Crawler(NetworkSpider, Settings({"CONGAN_CRAWL_ID": "early"}))
    assert not crawler.settings.frozen
    first = crawl_config(crawler)
    assert crawl_config(crawler) is not first  # not final yet: the add-on may still set the crawl id
    crawler.settings.freeze()
    final = crawl_config(crawler)
    assert crawl_config(crawler) is final and final.crawl_id == "early"
    assert final.politeness == CrawlConfig.from_settings(crawler.settings).politeness
