"""The search index: diacritic-insensitive and accent-exact search, filters, facets,
snippets, pagination, updates, rebuild, access rules and hostile queries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from search_corpus import corpus, handmade

from archive.access import AccessRules
from archive.errors import UserInputError
from archive.search import Query, SearchIndex, SearchIndexError


@pytest.fixture(scope="session")
def index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search") / "index.sqlite3"
    assert SearchIndex.rebuild(path, corpus()) == 55
    return path


@pytest.fixture(scope="session")
def index(index_path: Path) -> SearchIndex:
    return SearchIndex(index_path, readonly=True)


def ids(index: SearchIndex, text: str, **kw) -> list[str]:
    return [h.id for h in index.search(Query.build(text, limit=100, **kw)).hits]


def test_query_without_diacritics_finds_accented_words(index: SearchIndex) -> None:
    found = ids(index, "dai ta")
    assert "hb-matuy" in found  # "Đại tá Nguyễn Văn Quý"
    assert set(ids(index, "cong an tinh hoa binh")) >= {"hb-matuy"}
    assert "plain-cong" in ids(index, "cong an")  # and the unaccented text itself


def test_cong_an_finds_cong_an(index: SearchIndex) -> None:
    found = ids(index, "cong an")
    assert "hb-matuy" in found and "hn-sohoa" in found


def test_query_with_diacritics_is_accent_exact(index: SearchIndex) -> None:
    hoa_any = set(ids(index, "hoa"))
    assert {"hg-hoa", "th-thuy", "hb-matuy", "hn-sohoa"} <= hoa_any  # hoa, hoà, Hòa, hóa
    assert set(ids(index, "hòa")) == set(ids(index, "hoà"))  # tone placement aside
    assert "th-thuy" in ids(index, "hòa") and "hb-matuy" in ids(index, "hòa")
    assert "hg-hoa" not in ids(index, "hòa")  # "hoa" (flower) is another word
    assert "hn-sohoa" not in ids(index, "hòa")  # "hóa" too
    assert ids(index, "hóa") and "hn-sohoa" in ids(index, "hóa")
    assert "th-thuy" in ids(index, "hóa")  # "Thanh Hoá" written the other way
    assert ids(index, "thủy") and set(ids(index, "thủy")) == set(ids(index, "thuỷ"))
    assert "th-thuy" in ids(index, "khỏe")


def test_exact_matches_rank_first(index: SearchIndex) -> None:
    found = ids(index, "hoa")
    assert found[0] == "hg-hoa"  # the only article with "hoa" written exactly so
    cong = ids(index, "cong an phuong")
    assert cong[0] == "plain-cong"


def test_phrase_exclusion_and_or(index: SearchIndex) -> None:
    assert "qn-anninh" in ids(index, '"an ninh trật tự"')
    assert "qn-tratu" not in ids(index, '"an ninh trật tự"')  # both words, not in order
    assert "qn-tratu" in ids(index, "an ninh trật tự")
    assert "qn-tratu" in ids(index, '"an ninh nong thon"')
    assert "dn-cobac" not in ids(index, "cong an -bac")
    assert "dn-cobac" in ids(index, "cong an")
    either = set(ids(index, "heroin OR cờ"))
    assert either == {"hb-matuy", "dn-cobac"}
    assert ids(index, '"ma túy" -heroin') and "hb-matuy" not in ids(index, '"ma túy" -heroin')


def test_filters(index: SearchIndex) -> None:
    assert set(ids(index, "", sites=["congan.quangnam.gov.vn"])) == {"qn-anninh", "qn-tratu"}
    # the 2025 unit gathers the merged provinces; the old name only its own portal
    assert set(ids(index, "", provinces=["Đà Nẵng"])) == {"dn-cobac", "qn-anninh", "qn-tratu"}
    assert set(ids(index, "", provinces=["quang_nam"])) == {"qn-anninh", "qn-tratu"}
    assert set(ids(index, "", provinces=["tuyen_quang"])) == {"hg-hoa", "tq-script"}
    assert set(ids(index, "", provinces=["Hà Giang"])) == {"hg-hoa"}
    by_category = index.search(Query.build("", categories=["an ninh trat tu"], limit=100)).hits
    assert {"th-thuy", "qn-anninh"} <= {h.id for h in by_category}
    assert {h.category for h in by_category} == {"An ninh trật tự"}
    assert set(ids(index, "", since="2025-08-01", until="30/09/2025")) == {"hn-sohoa", "tq-script"}
    assert "nodate" not in ids(index, "tuyển sinh", since="2000")
    assert ids(index, "tuyển sinh") == ["nodate"]
    assert ids(index, "cong an", provinces=["nowhere"]) == []


def test_facets_add_up(index: SearchIndex) -> None:
    results = index.search(Query.build("cong an"))
    assert results.total > 20
    for name, values in results.facets.items():
        assert sum(v.count for v in values) == results.total, name
    provinces = {v.value: v.count for v in results.facets["province"]}
    assert provinces["Hòa Bình"] >= 1
    years = [v.value for v in results.facets["year"]]
    assert years == sorted((y for y in years if y), reverse=True) + ([None] if None in years else [])


@pytest.mark.parametrize("text", ["cong an", "hòa", '"an ninh trật tự"', "ma tuy OR lua dao", "cong an -hoa", ""])
def test_totals_are_every_match_with_facets_on_or_off(index: SearchIndex, text: str) -> None:
    every = [h.id for h in index.iter_hits(Query.build(text))]
    with_facets = index.search(Query.build(text, limit=3))
    assert with_facets.total == len(every) == len(set(every))
    assert index.search(Query.build(text, limit=3, facets=False)).total == len(every)
    assert [h.id for h in with_facets.hits] == every[:3]  # the page shown is the head of every hit
    deep = index.search(Query.build(text, limit=3, page=200))  # a page past the end: no hits, same total
    assert deep.hits == () and deep.total == len(every)


def test_sort_by_date_and_pagination(index: SearchIndex) -> None:
    first = index.search(Query.build("", sort="date", limit=10, page=1))
    second = index.search(Query.build("", sort="date", limit=10, page=2))
    assert first.total == 55 and first.pages == 6
    dates = [h.published[:10] for h in first.hits + second.hits]
    assert dates == sorted(dates, reverse=True)
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}
    last = index.search(Query.build("", sort="date", limit=10, page=6))
    assert last.hits[-1].id == "nodate"  # undated last
    assert index.search(Query.build("", limit=10, page=99)).hits == ()


def test_snippets_highlight_the_published_text(index: SearchIndex) -> None:
    hit = index.search(Query.build("dai ta heroin")).hits[0]
    assert hit.id == "hb-matuy"
    assert hit.snippet.plain("[", "]").startswith("[Đại tá] Nguyễn Văn Quý")  # the phrase, marked whole
    assert "<mark>Đại tá</mark>" in hit.snippet.html()
    hit = index.search(Query.build("hoà")).hits
    titles = {h.id: h.title_highlight.plain("[", "]") for h in hit}
    assert titles["th-thuy"] == "Thanh Hoá: tuần tra đường thuỷ, giữ [hoà] bình trên sông"
    assert titles["hb-matuy"] == "Công an tỉnh [Hòa] Bình triệt phá đường dây ma túy"


def test_snippet_html_is_escaped(index: SearchIndex) -> None:
    hit = index.search(Query.build("lua dao")).hits
    script = next(h for h in hit if h.id == "tq-script")
    assert "<script>" not in script.title_highlight.html()
    assert "&lt;script&gt;" in script.title_highlight.html()
    assert "<img" not in script.snippet.html()


HOSTILE = [
    '"unbalanced', "NEAR(công an)", "công*", "^an", "title:an", "t:an", "{t}: an", "a AND",
    "'; DROP TABLE articles; --", "1 OR 1=1", "\x00", "cong\x00an", "x" * 10_000,
    "công " * 2000, '"' * 7, "-", "OR OR", "()", "\\x00", "%", "_", "*", "bm25(", "rowid",
    "\uffff", "🚓 công an", "\u0301",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_never_crash(index: SearchIndex, text: str) -> None:
    refused: str | None = None
    try:
        results = index.search(Query.build(text))
    except UserInputError as exc:
        refused = str(exc)
    if refused is not None:
        assert refused and "\n" not in refused
        return
    # a query that is not refused runs: its hits are real articles of the index, counted exactly
    assert len(results.hits) == min(results.total, results.query.limit)
    assert all(index.get(hit.id) is not None for hit in results.hits)


def test_upsert_replaces_the_old_version(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "i.sqlite3")
    records = handmade()
    assert index.upsert_many(records) == len(records)
    assert index.upsert_many(records) == 0  # unchanged
    changed = dict(records[0], title="Tiêu đề mới về phòng cháy", version=2)
    assert index.upsert(changed)
    assert ids(index, "triệt phá") == []
    assert ids(index, "phong chay") == ["hb-matuy"]
    assert index.get("hb-matuy")["version"] == 2
    assert index.upsert(dict(records[1], published="2020-01-01"))  # only the date changed
    assert ids(index, "", since="2020-01-01", until="2020-01-01") == ["th-thuy"]
    assert index.count() == len(records)
    assert index.delete("hb-matuy") and ids(index, "phong chay") == []
    # the text index holds exactly one document per article: no stray old versions
    index.text.reload()
    assert index.text.searcher().num_docs == index.count() == len(records) - 1
    assert ids(index, "cong an") and "hb-matuy" not in ids(index, "cong an")


def test_rebuild_swaps_a_fresh_index_and_records_migrations(tmp_path: Path) -> None:
    path = tmp_path / "search" / "index.sqlite3"
    SearchIndex.rebuild(path, handmade())
    reader = SearchIndex(path, readonly=True)
    assert reader.count() == 10
    SearchIndex.rebuild(path, [*handmade()[:3], dict(handmade()[0], id="x", title="mới")])
    assert SearchIndex(path, readonly=True).count() == 4
    assert reader.count() == 10  # an open reader keeps its snapshot until it reopens
    rows = sqlite3.connect(path).execute("SELECT number, name FROM search_migrations").fetchall()
    assert rows and rows[0][0] == 1
    assert not (path.parent / "index.sqlite3.rebuild").exists()


def test_missing_or_broken_index_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(SearchIndexError, match="congan index rebuild"):
        SearchIndex(tmp_path / "nope.sqlite3", readonly=True)
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"not a database at all" * 100)
    with pytest.raises(SearchIndexError, match="congan index rebuild"):
        SearchIndex(broken, readonly=True)


def test_access_rules_hide_blocked_articles(index_path: Path, tmp_path: Path) -> None:
    rules, _rule = AccessRules((), tmp_path / "rules.json").add("congan.quangnam.gov.vn", prefix=True, kind="exclude")
    hidden = SearchIndex(index_path, readonly=True, access=rules)
    assert "qn-anninh" not in [h.id for h in hidden.search(Query.build("an ninh", limit=100)).hits]
    assert hidden.get("qn-anninh") is None
    results = hidden.search(Query.build("", limit=100))
    assert results.total == 53 and sum(v.count for v in results.facets["site"]) == 53


def test_parallel_rebuild_gives_the_same_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from archive.search import build

    monkeypatch.setattr(build, "BATCH", 7)  # small batches so 55 records use the workers
    monkeypatch.setattr(build, "PARALLEL_MIN", 14)
    records = corpus()
    records.append(dict(records[0], title="Bản mới nhất", version=9))  # the same id twice
    one = SearchIndex.rebuild(tmp_path / "one.sqlite3", records, workers=1)
    two = SearchIndex.rebuild(tmp_path / "two.sqlite3", records, workers=2)
    assert one == two == 55
    a, b = SearchIndex(tmp_path / "one.sqlite3"), SearchIndex(tmp_path / "two.sqlite3")
    for text in ("cong an", "hòa", '"an ninh trật tự"', "ban moi nhat", "triệt phá"):
        assert [h.id for h in a.search(Query.build(text, limit=100)).hits] == [
            h.id for h in b.search(Query.build(text, limit=100)).hits
        ]
    assert b.get("hb-matuy")["version"] == 9


def test_an_index_from_the_first_schema_is_migrated_in_place(tmp_path: Path) -> None:
    from archive.search import migrations

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.applied(conn)
    for statement in migrations._statements(migrations.MIGRATIONS[0].sql):
        conn.execute(statement)
    conn.execute("INSERT INTO search_migrations VALUES (1, 'first', '2025-01-01')")
    conn.execute(
        "INSERT INTO articles (n, id, url, site, province, province_2025, province_key, province_2025_key,"
        " category, category_key, published, day, year) VALUES (1, 'old', 'https://congan.hagiang.gov.vn/a',"
        " 'congan.hagiang.gov.vn', 'Hà Giang', 'Tuyên Quang', 'ha_giang', 'tuyen_quang', 'Tin tức', 'tin tuc',"
        " '2024-01-02', '2024-01-02', 2024)"
    )
    conn.execute(
        "INSERT INTO documents (n, title, summary, body, version, record) VALUES (1, 'Tin cũ', '', 'Nội dung', 1, '{}')"
    )
    conn.execute(
        "INSERT INTO articles_fts (rowid, t, s, b, tf, sf, bf) VALUES (1, 'tin cũ', '', 'nội dung', 'tin cu', "
        "'', 'noi dung')"
    )
    conn.close()
    with pytest.raises(SearchIndexError, match="old schema"):
        SearchIndex(path, readonly=True)  # a reader never migrates
    index = SearchIndex(path)  # a writer does
    numbers = [r[0] for r in index.conn.execute("SELECT number FROM search_migrations")]
    assert numbers == [m.number for m in migrations.MIGRATIONS]
    results = index.search(Query.build("tin cu"))
    assert results.total == 1 and results.facets["province_2025"][0].value == "Tuyên Quang"
    assert index.upsert(dict(handmade()[2]))  # new rows get their combination too
    assert sum(v.count for v in index.search(Query.build("")).facets["site"]) == 2
