"""scrapers.filing.article: the one path (extract_page + file_article) the crawl pipeline and
congan reextract both take to file an article capture."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.corpus import CaptureRef, CorpusStore
from scrapers.families import get_adapter
from scrapers.filing.article import PageCapture, extract_page, file_article, placement
from scrapers.portals.registry import load_registry

DATA = Path(__file__).parent / "data" / "extract"
URL = "http://congan.laocai.gov.vn/an-ninh-trat-tu/bat-giu-doi-tuong-7700"


def capture(n: int, url: str = URL) -> CaptureRef:
    return CaptureRef(
        timestamp=f"2025010{n}030405", warc_file="congan-t-20250101030405-00000.warc.gz", offset=1000 * n,
        length=900, record_id=f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>", url=url, collection="congan",
    )


def test_placement_takes_the_crawl_canonical_else_the_family_rules() -> None:
    registry = load_registry()
    joomla = "http://congan.thuathienhue.gov.vn/index.php?option=com_content&view=article&id=5&print=1&tmpl=component"
    assert placement(joomla, "joomla", registry).canonical_url.endswith("id=5")
    assert (
        placement(joomla, get_adapter("joomla"), registry).canonical_url
        == placement(joomla, "joomla", registry).canonical_url
    )
    given = placement(URL, "vnpt", registry, canonical="http://congan.laocai.gov.vn/tin/7700")
    assert given.canonical_url == "http://congan.laocai.gov.vn/tin/7700" and given.province == "Lào Cai"
    unknown = placement(URL, "drupal", registry)
    assert unknown.profile == "generic" and unknown.adapter == "drupal"  # named as the crawl named it


def test_a_page_is_extracted_placed_and_filed_at_its_capture_time(data_dir: Path) -> None:
    page = PageCapture(url=URL, capture=capture(1), body=(DATA / "article_cp1258_meta.html").read_bytes(),
                       adapter="vnpt", site="congan.laocai.gov.vn", aliases=(URL + "?print=1", "http://elsewhere.vn/x"))
    with CorpusStore(data_dir / "corpus") as store:
        filing = file_article(store, extract_page(page, load_registry()))
        assert filing.result is not None and filing.result.kind == "new"
        assert filing.article.declared_aliases == (URL + "?print=1",)  # same-site aliases only
        assert filing.extracted.declared_aliases == ()  # what a revisit re-files: the page's own
        [record] = list(store.latest())
    assert record.first_seen == "2025-01-01T03:04:05Z" and record.province == "Lào Cai"
    assert record.title == "Bắt giữ đối tượng trộm cắp tài sản"


def test_a_revisit_refiles_the_earlier_article_without_extracting(data_dir: Path) -> None:
    registry = load_registry()
    first = extract_page(PageCapture(url=URL, capture=capture(1), body=(DATA / "article_cp1258_meta.html").read_bytes(),
                                     adapter="vnpt"), registry)
    revisit = extract_page(PageCapture(url=URL, capture=capture(2), adapter="vnpt"), registry, earlier=first.extracted)
    assert revisit.article.title == first.article.title and revisit.article.body == first.article.body
    with CorpusStore(data_dir / "corpus") as store:
        assert file_article(store, first).result.kind == "new"
        assert file_article(store, revisit).result.kind == "unchanged"
        [record] = list(store.latest())
    assert record.last_seen == "2025-01-02T03:04:05Z"


def test_a_page_without_a_capture_is_never_filed(data_dir: Path) -> None:
    filing = extract_page(PageCapture(url=URL, capture=None, body=b"<h1>x</h1><p>y</p>"), load_registry())
    with CorpusStore(data_dir / "corpus") as store, pytest.raises(ValueError, match="no WARC capture"):
        file_article(store, filing)
