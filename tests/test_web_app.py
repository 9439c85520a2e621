"""The web interface and JSON API (Flask test client; the browser test is test_web_browser)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from search_corpus import corpus

from archive.control.history import CrawlHistory
from archive.paths import DataDir
from archive.search import SearchIndex
from congan.web import WebConfig, create_app

REPO = Path(__file__).resolve().parent.parent
REPLAY = "http://127.0.0.1:18090"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    data = DataDir(tmp_path_factory.mktemp("web") / "data")
    SearchIndex.rebuild(data.search_db, corpus())
    return data


@pytest.fixture(scope="module")
def client(data: DataDir):
    return create_app(WebConfig.build(data, REPLAY)).test_client()


def test_search_page_lists_hits_facets_and_vietnamese_labels(client) -> None:
    page = client.get("/?q=dai+ta").get_data(as_text=True)
    assert "kết quả" in page and "Tìm" in page and "Từ ngày" in page
    assert "<mark>Đại tá</mark>" in page  # the phrase marked whole
    assert 'data-facet="province"' in page and "Tỉnh, thành (trước 2025)" in page
    assert "Xem trang lưu trữ" in page and f"{REPLAY}/congan/" in page


def test_filters_from_the_query_string_and_facet_links(client) -> None:
    page = client.get("/?q=cong+an&province=Đà+Nẵng").get_data(as_text=True)
    found = re.findall(r'data-id="([^"]+)"', page)
    assert set(found) == {"dn-cobac", "qn-anninh"}
    assert "Tỉnh: Đà Nẵng ×" in page
    links = re.findall(r'href="(/\?[^"]*site=[^"]*)"', page)
    assert links  # a facet value links to the page with that filter added
    narrowed = client.get(links[0].replace("&amp;", "&")).get_data(as_text=True)
    assert "Cổng:" in narrowed  # the site filter is shown, removable
    narrowed_ids = re.findall(r'data-id="([^"]+)"', narrowed)
    assert narrowed_ids and set(narrowed_ids) <= set(found)  # the same search, narrowed to one site


def test_bad_query_is_explained_not_crashed(client) -> None:
    response = client.get('/?q="unbalanced')
    assert response.status_code == 400
    # the page says it in Vietnamese, in plain words; the JSON API keeps the archive's message
    assert "Thiếu dấu ngoặc kép đóng" in response.get_data(as_text=True)
    assert "unbalanced quote" in client.get('/api/search?q="unbalanced').get_json()["error"]
    for text in ["NEAR(a b)", "x" * 10_000, "a\x00b", "title:*", "'; DROP TABLE articles; --"]:
        assert client.get("/", query_string={"q": text}).status_code in (200, 400)
        assert client.get("/api/search", query_string={"q": text}).status_code in (200, 400)
    assert client.get("/?page=abc").status_code == 400


def test_article_page_escapes_archived_html_and_links_to_replay(client) -> None:
    response = client.get("/articles/tq-script")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>window" not in page and "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert "script-src" not in response.headers["Content-Security-Policy"]  # default-src 'none'
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert f'href="{REPLAY}/congan/20250915010203/https://congan.tuyenquang.gov.vn/tin-tuc/tq-script.html"' in page
    # images come from the archive, never from the live portal
    assert f'src="{REPLAY}/congan/20250915010203im_/https://congan.tuyenquang.gov.vn/img/tq-script.jpg"' in page
    assert "Các phiên bản" in page and "Xem trang lưu trữ" in page
    assert "15/09/2025 07:00" in page  # dates day first, as Vietnamese read them


def test_unknown_article_is_404(client) -> None:
    assert client.get("/articles/nope").status_code == 404
    response = client.get("/api/articles/nope")
    assert response.status_code == 404 and "error" in response.get_json()


def test_crawls_page_lists_the_history(data: DataDir, client) -> None:
    history = CrawlHistory(data)
    history.start("20250101-000000-test", params={"sites": ["congan.hanoi.gov.vn"]}, schedule="hằng-ngày", pid=1)
    report = data.crawl_dir("20250101-000000-test") / "report.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text('{"totals": {"pages": 321, "articles": 45, "new": 40, "changed": 5, "errors": 2}}')
    history.finish("20250101-000000-test", "finished", report)
    page = client.get("/crawls").get_data(as_text=True)
    assert "<td>321</td><td>45 (40 / 5)</td>" in page
    assert "Các đợt thu thập" in page and "20250101-000000-test" in page and "hằng-ngày" in page


def test_no_index_yet_says_how_to_build_it(tmp_path: Path) -> None:
    client = create_app(WebConfig.build(DataDir(tmp_path), REPLAY)).test_client()
    page = client.get("/?q=x").get_data(as_text=True)  # the page: plain Vietnamese, no command
    assert "chỉ mục tìm kiếm chưa được tạo" in page and "dựng lại chỉ mục" in page
    assert "congan index" not in page.split("<main>")[1]
    response = client.get("/api/search?q=x")
    assert response.status_code == 503 and "congan index rebuild" in response.get_json()["error"]


def _documented(section: str) -> set[str]:
    """Field names in the first column of the tables under a docs/api.md heading."""
    text = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    part = text.split(section, 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in part.splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([a-z_0-9]+)`", line.split("|")[1]))
    return names


def test_api_search_shape_is_the_documented_one(client) -> None:
    body = client.get("/api/search?q=cong+an&limit=5&sort=date").get_json()
    documented = _documented("## `GET /api/search`")
    params = {"q", "site", "province", "category", "since", "until", "sort", "limit", "page", "facets"}
    assert params <= documented
    assert set(body) <= documented and set(body) >= {"total", "hits", "facets", "page", "pages"}
    assert set(body["hits"][0]) <= documented
    facets_row = next(line for line in (REPO / "docs" / "api.md").read_text(encoding="utf-8").splitlines()
                      if line.startswith("| `facets`") and '"province"' in line)
    assert set(body["facets"]) == set(re.findall(r'"([a-z_0-9]+)"', facets_row)) - {"value", "count"}
    for values in body["facets"].values():
        assert sum(v["count"] for v in values) == body["total"]
    assert body["hits"][0]["score"] is None  # sorted by date
    assert client.get("/api/search?q=cong+an").get_json()["hits"][0]["score"] > 0
    lean = client.get("/api/search?q=cong+an&facets=0").get_json()
    assert lean["facets"] == {} and lean["total"] == body["total"]


def test_api_article_shape_is_the_documented_one(client) -> None:
    body = client.get("/api/articles/hb-matuy").get_json()
    documented = _documented("## `GET /api/articles/<id>`")
    assert {"replay_url", "versions"} <= documented
    assert body["title"] == "Công an tỉnh Hòa Bình triệt phá đường dây ma túy"
    assert body["replay_url"].startswith(REPLAY + "/congan/")
    versions_row = next(line for line in (REPO / "docs" / "api.md").read_text(encoding="utf-8").splitlines()
                        if line.startswith("| `versions`"))
    assert set(body["versions"][0]) == set(re.findall(r'"([a-z_0-9]+)"', versions_row))
    assert {"id", "url", "body", "images", "capture", "province_2025"} <= set(body)  # SPEC §7 fields


def test_congan_serve_binds_localhost_and_answers(data: DataDir) -> None:
    import json
    import subprocess
    import sys
    import urllib.request

    proc = subprocess.Popen(
        [sys.executable, "-m", "congan", "--data", str(data.root), "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("congan serve listening on http://127.0.0.1:"), line + proc.stderr.read()
        url = line.rsplit(" ", 1)[1].strip()
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
        with direct.open(url + "/api/search?q=dai+ta&limit=1", timeout=10) as response:
            body = json.loads(response.read().decode("utf-8"))
        assert body["total"] >= 1 and body["hits"][0]["replay_url"].startswith("http://127.0.0.1:8090/congan/")
    finally:
        proc.terminate()
        proc.wait(10)


def test_article_from_a_json_api_also_links_its_own_archived_page(tmp_path: Path) -> None:
    records = corpus()
    api = dict(records[0])
    timestamp = api["capture"]["replay_url"].split("/")[2]
    api_url = "http://congan.hanoi.gov.vn/DesktopModules/cmsview/api/NewsContent/getbyid?id=51269"
    api["capture"] = {**api["capture"], "replay_url": f"/congan/{timestamp}/{api_url}"}
    data = DataDir(tmp_path / "data")
    SearchIndex.rebuild(data.search_db, [api, records[1]])
    client = create_app(WebConfig.build(data, REPLAY)).test_client()

    page = client.get(f"/articles/{api['id']}").get_data(as_text=True)
    assert f'href="{REPLAY}/congan/{timestamp}/{api_url}"' in page.replace("&amp;", "&")  # the exact capture
    assert f'id="replay-page-link" class="replay" href="{REPLAY}/congan/{timestamp}/{api["url"]}"' in page
    plain = client.get(f"/articles/{records[1]['id']}").get_data(as_text=True)
    assert "replay-page-link" not in plain
