"""Saved pages through the whole cascade: good pages beside broken ones."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import lxml.html
import pytest

from scrapers.extract import UnknownProfileError, extract_article

DATA = Path(__file__).parent / "data" / "extract"
URL = "https://congan.laocai.gov.vn/tin-tuc/bat-giu-doi-tuong-123.html"


def extract(name: str, profile: str | None = None, headers: dict[str, str] | None = None):
    return extract_article((DATA / name).read_bytes(), URL, headers=headers, profile=profile)


@pytest.mark.parametrize(
    "name", ["article_utf8.html", "article_nfd.html", "article_cp1258_meta.html", "article_cp1258_undeclared.html"]
)
def test_unknown_layout_yields_every_field_through_the_generic_stage(name: str) -> None:
    article = extract(name)
    assert article.title == "Bắt giữ đối tượng trộm cắp tài sản"
    assert article.published == "2024-03-12T09:15:00+07:00"
    assert article.author == "Lan Hương"
    assert article.category == "An ninh trật tự"
    paragraphs = article.body.split("\n\n")
    assert paragraphs[0].startswith("Ngày 10/3, Công an huyện Bảo Thắng")
    assert "Qua đấu tranh, đối tượng đã khai nhận toàn bộ hành vi phạm tội của mình. Vụ việc" in article.body
    # noise stays out: captions, byline, share buttons, view counters, related lists
    for noise in (
        "Tang vật thu giữ",
        "Đối tượng tại cơ quan",
        "Lan Hương",
        "Chia sẻ",
        "Lượt xem",
        "Tin liên quan",
        "Bản quyền",
    ):
        assert noise not in article.body
    assert unicodedata.is_normalized("NFC", article.body)
    assert "\u00a0" not in article.body and "  " not in article.body
    assert [(i.url, i.caption) for i in article.images] == [
        ("https://congan.laocai.gov.vn/uploads/2024/03/anh-1.jpg", "Đối tượng tại cơ quan Công an"),
        ("https://congan.laocai.gov.vn/tin-tuc/anh-2.png", "Tang vật thu giữ trong vụ án"),
    ]
    assert [(a.url, a.title) for a in article.attachments] == [
        ("https://congan.laocai.gov.vn/files/ke-hoach-12.pdf", "Kế hoạch số 12/KH-CAT")
    ]
    assert article.declared_canonical == "https://congan.laocai.gov.vn/tin-tuc/bat-giu-doi-tuong-123.html"
    assert article.extraction.method == "generic"
    assert dict(article.extraction.fields)["published"] == "generic"


def test_body_html_is_sanitised_with_absolute_links() -> None:
    html = extract("article_utf8.html").body_html
    assert "<script" not in html and "onclick" not in html and "class=" not in html
    assert 'src="https://congan.laocai.gov.vn/uploads/2024/03/anh-1.jpg"' in html
    assert 'src="https://congan.laocai.gov.vn/tin-tuc/anh-2.png"' in html  # lazy-loaded source
    assert "Tin liên quan" not in html and "Lượt xem" not in html
    assert "Lan Hương" not in html and "12/03/2024" not in html  # byline and date line out too


#: a body written to get past a sanitiser: handlers, script and style, frames, forms, comments,
#: unknown tags, script links, an SVG data image, lazy images, relative links, objects
HOSTILE_BODY = (
    '<div onclick="x()" class="c"><p style="color:red">t<script>bad()</script>u</p>'
    '<a href="javascript:alert(1)">j</a><a href=" JaVaScRiPt:alert(2)">k</a>'
    '<iframe src="http://e.example/">fallback</iframe><form action="/x"><input value=1>'
    '<select><option>o</option></select><textarea>ta</textarea>form text</form><!-- comment -->'
    '<foo>unknown</foo><img src="data:image/svg+xml,&lt;svg onload=alert(3)&gt;">'
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot"><img data-src="/a.jpg" src="x.gif">'
    '<a href="  /rel?a=1&amp;b=2 " title="r" target="_blank">r</a><object data="x"><param name="a">obj</object>'
    '<style>p{}</style><link rel="stylesheet" href="/s.css"><meta http-equiv="refresh" content="0">'
    '<table><tr><td colspan="2" onmouseover="y()">cell</td></tr></table>'
    '<svg><script>alert(4)</script></svg><marquee>m</marquee>tail</div>'
)


def _reference_clean(html: str, base: str) -> str:
    """What lxml_html_clean's Cleaner (every option on, the same safe attributes) gives."""
    from lxml_html_clean import Cleaner

    from scrapers.extract.body import IMAGE_SOURCE_ATTRS, SAFE_ATTRS

    root = lxml.html.fragment_fromstring(html)
    for img in root.iter("img"):
        for attr in IMAGE_SOURCE_ATTRS[:-1]:
            if img.get(attr):
                img.set("src", img.get(attr))
    options = dict.fromkeys(
        ("scripts", "javascript", "comments", "style", "inline_style", "links", "meta", "page_structure",
         "processing_instructions", "embedded", "frames", "forms", "annoying_tags", "remove_unknown_tags",
         "safe_attrs_only"), True,
    )
    cleaned = Cleaner(**options, safe_attrs=SAFE_ATTRS).clean_html(root)
    cleaned.make_links_absolute(base, resolve_base_href=False)
    return lxml.html.tostring(cleaned, encoding="unicode")


def test_body_sanitiser_leaves_what_lxml_html_clean_leaves_and_no_script_link() -> None:
    from scrapers.extract.body import sanitise

    base = "https://congan.example.gov.vn/tin/bai.html"
    ours = sanitise(lxml.html.fragment_fromstring(HOSTILE_BODY), base)
    assert ours is not None
    html = lxml.html.tostring(ours, encoding="unicode")
    for bad in ("<script", "alert", "onclick", "onmouseover", "style=", "class=", "<iframe", "<form", "<input",
                "<textarea", "<object", "<param", "<link", "<meta", "comment", "target=", "javascript", "svg+xml"):
        assert bad not in html.lower(), bad
    assert 'href="https://congan.example.gov.vn/rel?a=1&amp;b=2"' in html
    assert 'src="https://congan.example.gov.vn/a.jpg"' in html and 'colspan="2"' in html
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in html
    # the same tree as the reference sanitiser, but for the script links it empties (they then
    # point at the page itself) and we drop
    reference = _reference_clean(HOSTILE_BODY, base)
    assert html == reference.replace(f' href="{base}"', "").replace(f' src="{base}"', "")


def test_structured_data_fills_what_the_markup_lacks() -> None:
    article = extract("jsonld_only.html")
    assert article.title == "Cảnh báo thủ đoạn lừa đảo qua mạng dịp cuối năm"
    assert article.published == "2024-12-20T08:30:00+07:00"  # Z converted to Vietnam time
    assert article.modified == "2024-12-21T08:00:00+07:00"
    assert article.author == "Minh Anh"
    assert article.category == "Cảnh báo thủ đoạn"
    assert article.tags == ("lừa đảo", "an ninh mạng")
    assert article.body.count("\n\n") == 2
    fields = dict(article.extraction.fields)
    assert fields["title"] == fields["published"] == fields["author"] == "structured"
    assert fields["body"] == "generic"


def test_broken_html_without_date_or_author_still_gives_title_and_body() -> None:
    article = extract("broken_no_date.html")
    assert article.title == "Hội nghị tổng kết công tác năm 2024"
    assert article.published is None and article.author is None
    assert article.body.count("\n\n") == 2 and "liên hệ" not in article.body
    assert article.has_content


def test_junk_bytes_give_an_empty_article_not_an_error() -> None:
    article = extract("binary_junk.html")
    assert article.title is None and not article.has_content


def test_dotnetnuke_json_api_article() -> None:
    article = extract("dnn_getbyid.json", "dotnetnuke", {"Content-Type": "application/json; charset=utf-8"})
    assert article.title == "Triệt phá đường dây đánh bạc trực tuyến tại phường Thủy Xuân"
    assert article.summary == "Ngày 5/2, Phòng Cảnh sát hình sự đã triệt phá đường dây đánh bạc trực tuyến."
    assert article.published == "2024-02-06T14:05:00+07:00"
    assert (article.author, article.category) == ("Đức Thắng", "Phòng chống tội phạm")
    assert article.tags == ("đánh bạc", "an ninh mạng")
    assert article.body.split("\n\n") == [
        "Qua công tác nắm tình hình, Phòng Cảnh sát hình sự phát hiện nhóm đối tượng có biểu hiện nghi vấn.",
        "Tang vật thu giữ gồm 12 điện thoại di động, 3 xe mô tô cùng nhiều tài liệu liên quan.",
    ]
    assert [(i.url, i.caption) for i in article.images] == [
        ("https://congan.laocai.gov.vn/Portals/0/News/2024/anh-4711.jpg", "Tang vật thu giữ trong vụ án")
    ]
    assert article.extraction.method == "json"


def test_broken_json_falls_back_to_the_page_cascade() -> None:
    article = extract_article(
        b'{"Title": "Thi', URL, headers={"Content-Type": "application/json"}, profile="dotnetnuke"
    )
    assert article.title is None  # the torn JSON gives no title, and the page cascade finds none
    assert article.extraction.method == "generic"
    assert not article.has_content


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(UnknownProfileError):
        extract("article_utf8.html", profile="drupal")
