"""The corpus store: versions, idempotence, aliases, crash recovery, the published schema."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from archive.corpus import ArticleRecord, CaptureRef, CorpusStore, ExtractedArticle, Extraction, Image, article_id
from archive.corpus.record import load_schema

URL = "https://congan.laocai.gov.vn/tin-tuc/bat-giu-123.html"


def article(body: str = "Đoạn một.\n\nĐoạn hai.", title: str = "Bắt giữ đối tượng", **changes) -> ExtractedArticle:
    base = ExtractedArticle(
        url=URL, fetched_url=URL, site="congan.laocai.gov.vn", title=title, body=body,
        body_html="<div><p>Đoạn một.</p><p>Đoạn hai.</p></div>", published="2024-03-12T09:15:00+07:00",
        author="Lan Hương", category="An ninh trật tự", tags=("an ninh",),
        images=(Image("https://congan.laocai.gov.vn/a.jpg", "Ảnh"),),
        extraction=Extraction(adapter="wordpress", method="profile", software_version="test", profile="wordpress",
                              fields=(("title", "profile"),)),
        province="Lào Cai", province_2025="Lào Cai",
    )
    return replace(base, **changes)


def capture(n: int, url: str = URL) -> CaptureRef:
    return CaptureRef(
        timestamp=f"2024031{n}020000", warc_file=f"congan-{n}.warc.gz", offset=100 * n, length=50 + n,
        record_id=f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>", url=url,
    )


def at(n: int) -> datetime:
    return datetime(2024, 3, 10 + n, 2, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path):
    with CorpusStore(tmp_path / "corpus") as opened:
        yield opened


def test_new_unchanged_changed(store: CorpusStore) -> None:
    first = store.add(article(), capture(1), at(1))
    assert first.kind == "new" and first.record.version == 1
    assert first.record.id == article_id(URL)
    assert first.record.capture.replay_url == f"/congan/20240311020000/{URL}"
    again = store.add(article(body="Đoạn  một.\n\n\nĐoạn hai. "), capture(2), at(2))  # whitespace only
    assert again.kind == "unchanged"
    assert again.record.last_seen == "2024-03-12T02:00:00Z" and again.record.first_seen == "2024-03-11T02:00:00Z"
    assert again.record.capture.record_id == capture(1).record_id  # the version's own capture
    changed = store.add(article(body="Đoạn một đã sửa.\n\nĐoạn hai."), capture(3), at(3))
    assert changed.kind == "changed" and changed.record.version == 2
    assert len(store) == 1 and store.version_count() == 2
    versions = store.versions(article_id(URL))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].content_hash != versions[1].content_hash
    assert store.get(article_id(URL)).body.startswith("Đoạn một đã sửa.")
    retitled = store.add(article(body="Đoạn một đã sửa.\n\nĐoạn hai.", title="Tiêu đề mới"), capture(4), at(4))
    assert retitled.kind == "changed" and retitled.record.version == 3


def test_same_capture_twice_changes_nothing(store: CorpusStore) -> None:
    store.add(article(), capture(1), at(1))
    store.add(article(body="Khác hẳn."), capture(1), at(5))  # a resumed crawl re-sends the item
    assert store.version_count() == 1
    assert store.get(article_id(URL)).last_seen == "2024-03-11T02:00:00Z"
    assert len((store.jsonl_path).read_text("utf-8").splitlines()) == 1


def test_aliases_merge_into_one_article(store: CorpusStore) -> None:
    store.add(article(), capture(1), at(1))
    printed = URL.replace(".html", ".html?print=1")
    result = store.add(article(url=printed, fetched_url=printed, declared_canonical=URL), capture(2, printed), at(2))
    assert result.kind == "unchanged" and result.record.id == article_id(URL)
    assert result.record.aliases == (printed,)
    assert len(store) == 1
    # the alias is now known: a later capture under it alone still lands on the article
    again = store.add(article(url=printed, fetched_url=printed), capture(3, printed), at(3))
    assert again.record.id == article_id(URL)


def test_latest_and_site_filter(store: CorpusStore) -> None:
    other = "https://congan.hanoi.gov.vn/tin/1"
    store.add(article(), capture(1), at(1))
    store.add(article(url=other, fetched_url=other, site="congan.hanoi.gov.vn"), capture(2, other), at(2))
    assert len(list(store.latest())) == 2
    assert [r.url for r in store.latest(site="congan.hanoi.gov.vn")] == [other]
    assert store.get("0" * 20) is None and store.versions("0" * 20) == []


def test_a_torn_line_after_a_crash_is_cut_and_committed_lines_are_indexed(tmp_path: Path) -> None:
    directory = tmp_path / "corpus"
    with CorpusStore(directory) as store:
        store.add(article(), capture(1), at(1))
    # a crash after the line was written but before the index committed, then a torn line
    record = json.loads((directory / "articles.jsonl").read_text("utf-8"))
    record.update(version=2, body="Phiên bản sau.", content_hash="sha256:" + "1" * 64)
    with open(directory / "articles.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        handle.write('{"id": "torn')
    with CorpusStore(directory) as store:
        assert store.version_count() == 2 and store.get(article_id(URL)).body == "Phiên bản sau."
        assert (directory / "articles.jsonl").read_text("utf-8").endswith("}\n")
        assert store.add(article(body="Phiên bản sau."), capture(2), at(2)).kind == "changed"


def test_every_record_validates_against_the_published_schema(store: CorpusStore) -> None:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    store.add(article(), capture(1), at(1))
    store.add(article(body="Nội dung mới.", author=None, published="2024-03-12"), capture(2), at(2))
    for record in [*store.latest(), *store.versions(article_id(URL))]:
        jsonschema.validate(record.to_json(), schema)
    bad = dict(store.get(article_id(URL)).to_json(), published="12/03/2024")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_a_record_is_its_line_byte_for_byte(store: CorpusStore) -> None:
    added = store.add(article(), capture(1), at(1)).record
    line = (store.directory / "articles.jsonl").read_text("utf-8").splitlines()[0]
    assert added.to_line() == line  # keys in SPEC §7 order, diacritics as they are
    assert list(json.loads(line))[:4] == ["id", "schema_version", "url", "aliases"]
    read = ArticleRecord.from_json(json.loads(line))
    assert read == added and read.to_line() == line
    assert read.images == (Image("https://congan.laocai.gov.vn/a.jpg", "Ảnh"),)
    assert read.extraction.fields == (("title", "profile"),) and read.capture.offset == 100


def test_a_line_that_is_no_record_says_which_field_is_missing() -> None:
    with pytest.raises(ValueError, match="'capture'"):
        ArticleRecord.from_json({"id": "x", "url": URL, "site": "congan.laocai.gov.vn", "content_hash": "sha256:0",
                                 "version": 1, "first_seen": "a", "last_seen": "b"})
    with pytest.raises(ValueError, match="JSON object"):
        ArticleRecord.from_json(["not", "a", "record"])
