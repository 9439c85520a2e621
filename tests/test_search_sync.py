"""The index follows the corpus store: new and changed articles after a crawl, versions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from archive.corpus import CaptureRef, CorpusStore, ExtractedArticle
from archive.paths import DataDir
from archive.search import Query, SearchIndex
from archive.search.sync import (
    CHANGED_SINCE_SQL,
    CORPUS_END_SQL,
    article_versions,
    open_index,
    rebuild_from_corpus,
    update_from_corpus,
)


def _add(store: CorpusStore, url: str, title: str, body: str, stamp: str) -> str:
    article = ExtractedArticle(
        url=url, fetched_url=url, site="congan.hoabinh.gov.vn", title=title, body=body,
        body_html=f"<p>{body}</p>", published="2024-05-06T07:00:00+07:00", category="Tin tức",
        province="Hòa Bình", province_2025="Phú Thọ",
    )
    capture = CaptureRef(
        timestamp=stamp, warc_file="x.warc.gz", offset=0, length=10, record_id=f"<urn:uuid:{stamp}-{url}>", url=url
    )
    seen = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return store.add(article, capture, seen).record.id


def test_update_follows_new_and_changed_articles(data_dir: Path) -> None:
    data = DataDir(data_dir)
    url = "https://congan.hoabinh.gov.vn/tin/1.html"
    with CorpusStore.open(data) as store:
        _add(store, url, "Công an tỉnh Hoà Bình tuần tra", "Đại tá chỉ đạo tuần tra ban đêm.", "20240506010000")
        _add(
            store,
            "https://congan.hoabinh.gov.vn/tin/2.html",
            "Phòng cháy chữa cháy",
            "Diễn tập phòng cháy.",
            "20240506010000",
        )
    assert update_from_corpus(data) == 2  # no index yet: built from scratch
    with open_index(data) as index:
        hits = index.search(Query.build("tuan tra")).hits
        assert [h.title for h in hits] == ["Công an tỉnh Hoà Bình tuần tra"]
        assert hits[0].replay_url == f"/congan/20240506010000/{url}"
        article_id = hits[0].id
    with CorpusStore.open(data) as store:  # the next crawl finds the article changed
        _add(store, url, "Công an tỉnh Hòa Bình truy bắt đối tượng", "Đại tá chỉ đạo truy bắt.", "20240601010000")
    assert update_from_corpus(data) >= 1
    with open_index(data) as index:
        assert index.search(Query.build("tuan tra")).total == 0
        hit = index.search(Query.build("truy bat")).hits[0]
        assert hit.id == article_id and hit.version == 2
        assert hit.replay_url == f"/congan/20240601010000/{url}"
        versions = article_versions(data, index, article_id)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].title == "Công an tỉnh Hoà Bình tuần tra"
    assert rebuild_from_corpus(data) == 2
    assert SearchIndex(data.search_db, readonly=True).search(Query.build("hòa bình")).total == 1


def test_index_rebuild_command_rebuilds_the_search_index(data_dir: Path) -> None:
    from click.testing import CliRunner

    from congan.cli.main import get_cli

    data = DataDir(data_dir)
    data.ensure()
    with CorpusStore.open(data) as store:
        _add(
            store,
            "https://congan.hoabinh.gov.vn/tin/9.html",
            "Khánh thành trụ sở mới",
            "Lễ khánh thành.",
            "20240506010000",
        )
    result = CliRunner().invoke(get_cli(), ["--data", str(data_dir), "index", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "search: 1 articles indexed" in result.output
    assert SearchIndex(data.search_db, readonly=True).search(Query.build("khanh thanh")).total == 1


def test_update_reads_only_the_articles_changed_since_the_last_one(data_dir: Path, monkeypatch) -> None:
    data = DataDir(data_dir)
    with CorpusStore.open(data) as store:
        for n in range(30):
            _add(
                store, f"https://congan.hoabinh.gov.vn/tin/{n}.html", f"Tin số {n}", f"Nội dung {n}.", "20240506010000"
            )
    assert update_from_corpus(data) == 30
    read: list[str] = []
    original = CorpusStore.get

    def counting_get(self, ident):
        read.append(ident)
        return original(self, ident)

    monkeypatch.setattr(CorpusStore, "get", counting_get)
    monkeypatch.setattr(CorpusStore, "latest", lambda self, **kw: (_ for _ in ()).throw(AssertionError("full scan")))
    assert update_from_corpus(data) == 0 and read == []  # nothing new: nothing read
    with CorpusStore.open(data) as store:
        changed = _add(store, "https://congan.hoabinh.gov.vn/tin/7.html", "Tin số 7 đã sửa", "Mới.", "20240601010000")
        _add(store, "https://congan.hoabinh.gov.vn/tin/new.html", "Tin mới tuần tra", "Tuần tra.", "20240601010000")
    read.clear()  # filing reads the store too; what counts is what the update reads
    assert update_from_corpus(data) == 2
    assert len(read) == 2 and changed in read
    with open_index(data) as index:
        assert next(h.title for h in index.search(Query.build("tin so 7 da sua")).hits) == "Tin số 7 đã sửa"
        assert index.search(Query.build("tuần tra")).total == 1
        assert index.count() == 31


def test_update_finds_the_changed_versions_without_scanning_every_version(data_dir: Path) -> None:
    """What an update asks the corpus is answered from its index of versions by offset
    (a 1,000,000-article corpus is not read through to find 1,000 changes)."""
    with CorpusStore.open(DataDir(data_dir)) as store:
        _add(store, "https://congan.hoabinh.gov.vn/tin/1.html", "Tin", "Nội dung.", "20240506010000")
        for sql, args in ((CORPUS_END_SQL, ()), (CHANGED_SINCE_SQL, (0,))):
            plan = " ".join(str(row[-1]) for row in store.db.execute("EXPLAIN QUERY PLAN " + sql, args))
            assert "INDEX versions_offset" in plan, plan  # a walk of that index, not a scan of the table
