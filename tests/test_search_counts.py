"""Facet counts and totals from the facet group columns (archive.search.counts): the same
as a plain count over the records each query matches, the same as the five separate
aggregations, and counted apart when a group has more values than asked for."""

from __future__ import annotations

import collections
import itertools
from pathlib import Path
from typing import Any

import pytest
from search_corpus import _record, corpus

from archive.search import Query, SearchIndex, counts, migrations
from archive.search.results import FACETS

#: facet values with characters a key built by hand could confuse (quotes, separators, brackets)
SITES = ("congan.a.gov.vn", 'congan."b",[c].gov.vn', "congan.d\\e.gov.vn", "congan.đ:ơ.gov.vn")
PROVINCES = ("Hòa Bình", "Lào Cai", 'Tỉnh "X", [Y]', None)
UNITS = ("Phú Thọ", None, "Lào Cai")
CATEGORIES = ("An ninh trật tự", None, "Tin tức, sự kiện", "")
#: marker words, each in a known share of the records (the queries below)
MARKERS = {"xanhlam": 2, "dodo": 3, "vangvang": 5}


def _facet_records(count: int = 120) -> list[dict[str, Any]]:
    out = []
    for i in range(count):
        words = [m for m, every in MARKERS.items() if i % every == 0]
        year = None if i % 11 == 0 else 2014 + i % 9
        out.append(_record(
            f"facet-{i:03d}", SITES[i % 4], PROVINCES[i % 4 if i % 7 else 3], UNITS[i % 3],
            f"Bài số {i}", "Công an " + " ".join(words or ["khác"]),
            published=f"{year}-0{1 + i % 9}-1{i % 10}T12:00:00+07:00" if year else None,
            category=CATEGORIES[(i // 4) % 4],
        ))
    return out


def _records() -> list[dict[str, Any]]:
    return corpus() + _facet_records()


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    path = tmp_path_factory.mktemp("counts") / "index.sqlite3"
    SearchIndex.rebuild(path, _records())
    return SearchIndex(path, readonly=True)


def _plain_counts(records: list[dict[str, Any]]) -> dict[str, dict[str | None, int]]:
    """Counted one record at a time, as a reader would by hand."""
    found: dict[str, collections.Counter[str | None]] = {name: collections.Counter() for name in FACETS}
    for record in records:
        published = record.get("published")
        found["year"][published[:4] if published else None] += 1
        for name in ("province", "province_2025", "site", "category"):
            found[name][record.get(name) or None] += 1
    return {name: dict(values) for name, values in found.items()}


def _matching(text: str) -> list[dict[str, Any]]:
    """The records containing every marker word of ``text`` (only our records have them)."""
    return [r for r in _records() if all(w in r["body"].split() for w in text.split())]


def _as_dicts(facets: counts.Facets) -> dict[str, dict[str | None, int]]:
    return {name: {v.value: v.count for v in values} for name, values in facets.items()}


@pytest.mark.parametrize("text", ["xanhlam", "dodo", "vangvang", "xanhlam dodo", "dodo vangvang xanhlam"])
def test_facets_equal_a_plain_count_of_the_matching_records(index: SearchIndex, text: str) -> None:
    expected = _matching(text)
    assert expected  # the query matches something, or the test proves nothing
    results = index.search(Query.build(text))
    assert results.total == len(expected)
    assert _as_dicts(results.facets) == _plain_counts(expected)


@pytest.mark.parametrize("text", ["cong an", "", "xanhlam", "hòa", "ma tuy OR lua dao", "khongcotu"])
def test_group_aggregations_give_what_five_gave(index: SearchIndex, text: str) -> None:
    searcher = index._searcher()
    query = index._plan(Query.build(text), searcher).query
    combined = counts.count(searcher, query, facets=True)
    assert combined == counts.count_apart(searcher, query)  # values, counts and their order
    assert combined.total == counts.count(searcher, query, facets=False).total
    for name, values in combined.facets.items():
        assert sum(v.count for v in values) == combined.total, name


def test_more_combinations_than_asked_for_are_counted_apart(
    index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    searcher = index._searcher()
    query = index._plan(Query.build("cong an"), searcher).query
    whole = counts.count(searcher, query, facets=True)
    apart_calls = []
    count_apart = counts.count_apart
    monkeypatch.setattr(counts, "count_apart", lambda *a: apart_calls.append(a) or count_apart(*a))
    assert counts.count(searcher, query, facets=True) == whole and not apart_calls
    monkeypatch.setattr(counts, "COMBO_SIZE", 3)  # far fewer than the combinations matched
    assert counts.count(searcher, query, facets=True) == whole
    assert len(apart_calls) == 1


def test_the_facet_key_reads_back_every_value() -> None:
    from archive.search.textindex import facet_key, facet_values

    for values in itertools.product(PROVINCES, UNITS, SITES, CATEGORIES, (0, 2017)):
        plain = (*(v or "" for v in values[:4]), values[4])
        assert facet_values(facet_key(plain)) == plain


def test_an_index_without_the_group_columns_is_rewritten_by_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    SearchIndex.rebuild(path, _facet_records(30))
    with SearchIndex(path) as index:  # as an index of the previous schema left it
        old_dir = index.text_dir()
        assert old_dir is not None
        index.conn.execute("DELETE FROM search_migrations WHERE number = 5")
    with pytest.raises(counts.SearchIndexError, match="congan index rebuild"):
        SearchIndex(path, readonly=True)  # a reader asks for a rebuild
    with SearchIndex(path) as writer:  # a writer (a crawl's update) migrates and rewrites
        assert writer.upsert_many([]) == 0
        new_dir = writer.text_dir()
    assert new_dir is not None and new_dir != old_dir and not old_dir.exists()
    with SearchIndex(path, readonly=True) as reader:
        assert max(migrations.applied_readonly(reader.conn)) == migrations.LATEST
        results = reader.search(Query.build("xanhlam"))
    expected = _facet_records(30)
    expected = [r for r in expected if "xanhlam" in r["body"].split()]
    assert results.total == len(expected)
    assert _as_dicts(results.facets) == _plain_counts(expected)
