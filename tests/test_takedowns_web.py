"""The web side of issue 15: "Đã gỡ" badge, filter and notice, the diff page, the change feed
(page, Atom, JSON), on the re-crawl of the simulated network (read-only)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from congan.web.app import WebConfig, create_app

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def client(network_recrawl):
    from archive.paths import DataDir

    app = create_app(WebConfig.build(DataDir(network_recrawl.data_dir), "http://127.0.0.1:8090"))
    return app.test_client()


def _feed(client) -> list[dict]:
    answer = client.get("/api/changes")
    assert answer.status_code == 200
    return answer.get_json()["changes"]


def test_a_removed_article_says_when_and_links_its_last_capture(client) -> None:
    [removed] = [e for e in _feed(client) if e["kind"] == "removed"]
    page = client.get(f"/articles/{removed['id']}").get_data(as_text=True)
    assert "Đã gỡ" in page and 'id="removed-notice"' in page
    assert removed["at"] in page and "Xem bản lưu trữ cuối cùng" in page
    listing = client.get("/removed").get_data(as_text=True)
    assert removed["id"] in listing and listing.count('class="hit"') == 1
    search = client.get("/?q=&removed=1").get_data(as_text=True)
    assert search.count('class="hit"') == 1 and "badge-removed" in search
    assert client.get("/?q=").get_data(as_text=True).count("badge-removed") <= 1


def test_the_diff_page_highlights_the_changes_and_links_both_captures(client) -> None:
    [changed] = [e for e in _feed(client) if e["kind"] == "changed"]
    page = client.get(f"/articles/{changed['id']}/diff").get_data(as_text=True)
    assert 'class="added"' in page and "khởi tố thêm 2 bị can" in page and 'id="diff-fields"' in page
    assert 'id="replay-old"' in page and 'id="replay-new"' in page and page.count("http://127.0.0.1:8090/congan/") >= 2
    assert 'id="diff-link"' in client.get(f"/articles/{changed['id']}").get_data(as_text=True)
    assert client.get(f"/articles/{changed['id']}/diff?from=2&to=1").status_code == 404


def test_the_change_feed_as_a_page_atom_and_json(client) -> None:
    events = _feed(client)
    assert {e["kind"] for e in events} >= {"new", "changed", "removed"}
    removed = client.get("/api/changes?kind=removed").get_json()["changes"]
    assert [e["kind"] for e in removed] == ["removed"]
    assert client.get("/api/changes?kind=gone").status_code == 400
    assert client.get("/api/changes?since=31/02/2024").status_code == 400
    atom = client.get("/changes.atom?kind=removed")
    assert atom.mimetype == "application/atom+xml"
    root = ET.fromstring(atom.data)
    [entry] = root.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text.startswith("Đã gỡ")
    page = client.get("/changes?kind=changed").get_data(as_text=True)
    assert "Đã sửa" in page and "So sánh" in page
    assert json.loads(client.get("/api/changes?site=congan.backan.gov.vn").data)["changes"] == []
