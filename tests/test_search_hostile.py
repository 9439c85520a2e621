"""Hostile input (issue 16): 5,000 generated queries through the search function and 800
through the JSON API give answers or clear user errors; never a traceback, never HTTP 500.
Also: deep pages, lone surrogates, unknown sites and provinces, a damaged index."""

from __future__ import annotations

import random
from pathlib import Path
from urllib.parse import quote

import pytest
from search_corpus import corpus

from archive.errors import UserInputError
from archive.paths import DataDir
from archive.search import Query, SearchIndex, SearchIndexError
from congan.web.app import WebConfig, create_app

PIECES = [
    '"', "-", "OR", "AND", "NEAR(", ")", "*", "^", ":", "{t}", "t:", "bm25(", "'; DROP TABLE articles; --",
    "\x00", "\ud800", "\udfff", "\u0301", "\uffff", "🚓", "İ", "ß", "ﬁ", "\u200b", "\t", "\n", "%", "_", "\\",
    "công", "an", "cong", "hòa", "hoà", "thuỷ", "đ", "ð", "ma", "túy", "1", "0" * 30, "x" * 300, " ", "  ",
    "NaN", "-1", "9" * 25, "<script>", "&amp;", "\x7f",
]
SITES = ["", "congan.hoabinh.gov.vn", "congan.hoabinh.gov", "\ud800", "x" * 500, "http://", "%00", "congan.*"]
PROVINCES = ["", "Hòa Bình", "hoa binh", "Hoa Bìn", "nowhere", "\udcff", "tỉnh", "🚓"]
DATES = [None, "2024", "31/02/2024", "2024-13-01", "9999-99-99", "\ud800", "0", "-1", "12/2024", "2025-01-01"]
PAGES = [1, 2, 0, -1, 10**18, 10**30, 999_999]
LIMITS = [1, 20, 0, 1000, 1001, 10**20]


def hostile(rng: random.Random) -> dict:
    """A query made of hostile pieces; each other parameter is hostile one time in five."""
    def pick(values: list, benign: object) -> object:
        return rng.choice(values) if rng.random() < 0.2 else benign

    text = "".join(rng.choice(PIECES) + rng.choice(["", " "]) for _ in range(rng.randint(0, 12)))
    return {
        "text": text, "sites": [pick(SITES, "")], "provinces": [pick(PROVINCES, "")],
        "since": pick(DATES, None), "until": pick(DATES, None), "sort": pick(["relevance", "date", "x"], "relevance"),
        "page": pick(PAGES, 1), "limit": pick(LIMITS, 20), "facets": rng.random() < 0.5,
    }


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    data = DataDir(tmp_path_factory.mktemp("hostile"))
    SearchIndex.rebuild(data.search_db, corpus())
    return data


def test_5000_hostile_queries_through_the_search_function(data: DataDir) -> None:
    rng = random.Random(16)
    index = SearchIndex(data.search_db, readonly=True)
    answered = refused = 0
    for _ in range(5000):
        kwargs = hostile(rng)
        text = kwargs.pop("text")
        try:
            results = index.search(Query.build(text, **kwargs))
        except UserInputError as exc:
            assert str(exc) and "\n" not in str(exc) and "Traceback" not in str(exc)
            refused += 1
            continue
        assert results.total >= len(results.hits)
        answered += 1
    assert answered > 500 and refused > 500  # both paths were exercised


def test_800_hostile_requests_through_the_api(data: DataDir) -> None:
    client = create_app(WebConfig.build(data, "http://127.0.0.1:8090")).test_client()
    rng = random.Random(800)
    statuses: dict[int, int] = {}
    for _ in range(800):
        kwargs = hostile(rng)
        params = [("q", kwargs["text"]), ("site", kwargs["sites"][0]), ("province", kwargs["provinces"][0]),
                  ("since", kwargs["since"] or ""), ("sort", kwargs["sort"]), ("page", str(kwargs["page"])),
                  ("limit", rng.choice([str(kwargs["limit"])] * 5 + ["abc", "1e3", "٣"]))]
        query = "&".join(f"{k}={quote(v, safe='', errors='surrogatepass')}" for k, v in params)
        response = client.get(f"/api/search?{query}")
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code in (200, 400), (query, response.status_code)
        assert response.is_json and ("error" in response.json or "hits" in response.json)
    assert statuses.get(200) and statuses.get(400)


def test_deep_page_and_surrogates_are_user_errors(data: DataDir) -> None:
    with pytest.raises(UserInputError, match="too deep"):
        Query.build("cong an", page=1_000_000_000_000_000_000)
    with pytest.raises(UserInputError, match="--site"):
        Query.build("cong an", sites=["congan.\ud800.gov.vn"])
    client = create_app(WebConfig.build(data, "http://127.0.0.1:8090")).test_client()
    assert client.get("/api/search?q=cong+an&page=1000000000000000000").status_code == 400
    assert client.get("/api/search?q=cong&site=%ED%A0%80").status_code in (200, 400)


def test_unknown_site_and_province_are_reported_with_a_suggestion(data: DataDir) -> None:
    index = SearchIndex(data.search_db, readonly=True)
    results = index.search(Query.build("cong an", sites=["congan.hoabinh.gov"], provinces=["Hoa Binhh"]))
    assert results.hits == ()
    assert any("'congan.hoabinh.gov'" in n and "did you mean 'congan.hoabinh.gov.vn'" in n for n in results.notices)
    assert any("did you mean 'Hòa Bình'" in n for n in results.notices)
    assert index.search(Query.build("cong an", sites=["congan.hoabinh.gov.vn"])).notices == ()


def test_a_damaged_index_says_run_index_rebuild(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    SearchIndex.rebuild(data.search_db, corpus()[:5])
    text_dir = next(tmp_path.glob("search/index.sqlite3.text-*"))
    for part in text_dir.iterdir():
        if part.name == "meta.json":
            part.write_text("{ not json")
    with pytest.raises(SearchIndexError, match="congan index rebuild"):
        SearchIndex(data.search_db, readonly=True)
    raw = data.search_db.read_bytes()
    data.search_db.write_bytes(raw[:100] + b"\x00garbage" * 50 + raw[500:])
    with pytest.raises(SearchIndexError, match="congan index rebuild"):
        SearchIndex(data.search_db, readonly=True).search(Query.build("cong an"))
