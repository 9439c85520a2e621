"""Addresses harvested from JSON answers, whatever the API's field names (scrapers.rendering.harvest)."""

from __future__ import annotations

from scrapers.rendering.harvest import Harvested, anchor_block, json_body_links, json_links

BASE = "http://congan.example.gov.vn/DesktopModules/X/API/News/GetList?cat=1&trang=2"


def test_urls_next_to_titles_under_any_field_names() -> None:
    answer = {"result": {"list": [
        {"NewsId": 7, "TieuDe": "Bắt đối tượng", "DetailUrl": "/tin-tuc/bat-doi-tuong-7.html", "Anh": "/img/7.jpg"},
        {"id": 8, "title": "Cảnh báo", "href": "http://congan.example.gov.vn/canh-bao-8"},
        {"id": 9, "name": "Ra quân", "slug": "tin-tuc/ra-quan-9"},
    ]}, "PublishDate": "12/03/2024", "TotalRecord": 30}
    found = json_links(answer, BASE)
    assert found == [
        Harvested("http://congan.example.gov.vn/tin-tuc/bat-doi-tuong-7.html", "Bắt đối tượng"),
        Harvested("http://congan.example.gov.vn/canh-bao-8", "Cảnh báo"),
        Harvested("http://congan.example.gov.vn/DesktopModules/X/API/News/tin-tuc/ra-quan-9", "Ra quân"),
    ]


def test_other_hosts_media_dates_and_bad_json_are_left_out() -> None:
    answer = [{"Title": "x", "Url": "https://www.facebook.com/share"}, {"Title": "y", "Image": "/a/b.png"},
              {"Title": "z", "Date": "2024/03/12"}]
    assert json_links(answer, BASE) == []
    assert json_body_links(b"{not json", BASE) == []
    assert json_body_links(b"[]", BASE) == []


def test_anchor_block_escapes_and_keeps_diacritics() -> None:
    block = anchor_block([Harvested("http://congan.example.gov.vn/a?x=1&y=2", "Đội <CSGT>")])
    assert 'href="http://congan.example.gov.vn/a?x=1&amp;y=2"' in block
    assert "Đội &lt;CSGT&gt;" in block
    assert anchor_block([]) == ""
