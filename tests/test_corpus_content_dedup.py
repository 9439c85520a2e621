"""One article, one record without a canonical link (docs/corpus.md): two URLs of one portal
serving the same normalised title, body and day are one record with aliases; a re-post (same
text, another day) and the same text on another portal stay records of their own."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from archive.corpus import CorpusStore
from tests.test_corpus_store import article, at, capture

SITE = "https://congan.laocai.gov.vn"
ITEMID_102 = f"{SITE}/index.php?option=com_content&view=article&id=9&catid=3&Itemid=102"
ITEMID_103 = f"{SITE}/index.php?option=com_content&view=article&id=9&catid=3&Itemid=103"


@pytest.fixture
def store(tmp_path: Path):
    with CorpusStore(tmp_path / "corpus") as opened:
        yield opened


def test_same_article_under_two_urls_is_one_record_with_an_alias(store: CorpusStore) -> None:
    first = store.add(article(url=ITEMID_102, fetched_url=ITEMID_102), capture(1, ITEMID_102), at(1))
    # another Itemid, the body's whitespace and the time of day differ: still the same article
    second = store.add(
        article(url=ITEMID_103, fetched_url=ITEMID_103, body="Đoạn  một.\n\nĐoạn hai. ",
                published="2024-03-12T00:00:00+07:00"),
        capture(2, ITEMID_103), at(2),
    )
    assert second.kind == "unchanged"
    assert second.record.id == first.record.id
    assert second.record.url == ITEMID_102
    assert ITEMID_103 in second.record.aliases
    assert len(store) == 1


def test_a_print_view_without_a_date_joins_the_article(store: CorpusStore) -> None:
    store.add(article(url=ITEMID_102, fetched_url=ITEMID_102), capture(1, ITEMID_102), at(1))
    printed = f"{ITEMID_102}&tmpl=component&print=1x"
    result = store.add(article(url=printed, fetched_url=printed, published=None), capture(2, printed), at(2))
    assert result.record.url == ITEMID_102 and len(store) == 1


def test_a_print_view_without_the_byline_is_no_new_version(store: CorpusStore) -> None:
    body = " ".join(f"Câu số {n} của bài viết về an ninh trật tự." for n in range(12))
    store.add(article(url=ITEMID_102, fetched_url=ITEMID_102, body=body + "\n\nTác giả: Văn Quý\n\nIn bài"),
              capture(1, ITEMID_102), at(1))
    printed = f"{SITE}/index.php?option=com_content&view=article&id=9&print=1&x=1"
    result = store.add(article(url=printed, fetched_url=printed, body=body), capture(2, printed), at(2))
    assert result.kind == "unchanged" and len(store) == 1 and store.version_count() == 1
    assert printed in result.record.aliases


def test_a_repost_on_another_day_is_its_own_record(store: CorpusStore) -> None:
    store.add(article(url=ITEMID_102, fetched_url=ITEMID_102), capture(1, ITEMID_102), at(1))
    repost = f"{SITE}/index.php?option=com_content&view=article&id=31&catid=3&Itemid=102"
    result = store.add(
        article(url=repost, fetched_url=repost, published="2025-01-05T08:00:00+07:00"), capture(2, repost), at(2),
    )
    assert result.kind == "new" and len(store) == 2


def test_same_text_on_another_portal_or_another_title_is_another_article(store: CorpusStore) -> None:
    store.add(article(url=ITEMID_102, fetched_url=ITEMID_102), capture(1, ITEMID_102), at(1))
    other = "https://congan.sonla.gov.vn/tin/bat-giu-9.html"
    assert store.add(replace(article(url=other, fetched_url=other), site="congan.sonla.gov.vn"),
                     capture(2, other), at(2)).kind == "new"
    retitled = f"{SITE}/tin/khac-10.html"
    assert store.add(article(url=retitled, fetched_url=retitled, title="Tin khác"),
                     capture(3, retitled), at(3)).kind == "new"
    assert len(store) == 3
