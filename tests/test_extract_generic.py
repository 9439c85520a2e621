"""The generic path on page shapes of the wider web (issue 14): structured bodies written as
HTML, a lead the page's description repeats, and the body that trafilatura's text outvotes."""

from __future__ import annotations

import json

from scrapers.extract import extract_article

URL = "https://congan.example.gov.vn/tin-tuc/bai-viet-1.html"
PARAGRAPHS = [
    "Ngày 10/3, Công an huyện đã tiếp nhận tin báo của người dân về vụ trộm cắp tài sản xảy ra trên địa bàn.",
    "Qua công tác điều tra, lực lượng chức năng đã xác định đối tượng và thu hồi toàn bộ tài sản bị mất.",
    "Hiện vụ việc đang được Cơ quan Cảnh sát điều tra tiếp tục củng cố hồ sơ để xử lý theo quy định.",
]


def page(*, body: list[str], head: str = "", sidebar: str = "") -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in body)
    return (
        "<html><head><title>Bắt giữ đối tượng trộm cắp - Công an tỉnh</title>"
        f"{head}</head><body><div class='menu'><a href='/'>Trang chủ</a></div>"
        "<div class='main'><h1>Bắt giữ đối tượng trộm cắp</h1><div class='date'>12/03/2024 09:15</div>"
        f"<div class='content'>{paragraphs}</div></div>{sidebar}</body></html>"
    ).encode()


def test_structured_body_written_as_html_gives_its_text_not_its_tags() -> None:
    markup = "".join(f'<p class="bodytext">{p}</p>' for p in [*PARAGRAPHS, "Đoạn kết chỉ có trong dữ liệu."])
    ld = json.dumps({"@type": "NewsArticle", "headline": "Bắt giữ đối tượng trộm cắp", "articleBody": markup})
    article = extract_article(page(body=PARAGRAPHS, head=f'<script type="application/ld+json">{ld}</script>'), URL)
    assert "<p" not in article.body and "bodytext" not in article.body
    assert article.body.split("\n\n") == [*PARAGRAPHS, "Đoạn kết chỉ có trong dữ liệu."]


def test_a_lead_the_description_repeats_is_the_summary_and_opens_the_reading_text() -> None:
    head = f'<meta property="og:description" content="{PARAGRAPHS[0]}">'
    article = extract_article(page(body=PARAGRAPHS, head=head), URL)
    assert article.summary == PARAGRAPHS[0]
    assert article.body.split("\n\n") == PARAGRAPHS[1:]  # the record keeps the lead apart
    assert article.text.split("\n\n") == PARAGRAPHS  # as a reader reads the page
    plain = extract_article(page(body=PARAGRAPHS), URL)
    assert plain.text == plain.body  # no lead taken out of the body: the text is the body


def test_selectors_skipped_by_the_prefilter_are_those_that_match_nothing() -> None:
    """Every selector of every profile and of the generic stage finds the same elements with
    the prefilter (which skips selectors that cannot match the page) as by running it."""
    from dataclasses import fields
    from pathlib import Path

    from scrapers.extract import generic, structured
    from scrapers.extract.dom import _split_attr, _xpath, parse_html, select
    from scrapers.extract.profile import COMMON_NOISE
    from scrapers.families import PROFILE_NAMES, get_profile

    selectors = {*COMMON_NOISE, *generic.AUTHOR_SELECTORS, *generic.SUMMARY_SELECTORS, *generic.BREADCRUMB_SELECTORS,
                 *structured.META_TITLE, *structured.META_PUBLISHED, *structured.META_AUTHOR, *structured.META_SECTION}
    for name in PROFILE_NAMES:
        profile = get_profile(name)
        for f in fields(profile):
            value = getattr(profile, f.name)
            if isinstance(value, tuple):
                selectors.update(v for v in value if isinstance(v, str))
    pages = [p for p in (Path(__file__).parent / "data" / "extract").glob("*.html") if p.name != "binary_junk.html"]
    assert len(selectors) > 50 and pages
    skipped = 0
    for path in pages:
        root = parse_html(path.read_bytes().decode("utf-8", "replace"))
        for selector in sorted(selectors):
            compiled = _xpath(_split_attr(selector)[0])
            expected = list(compiled(root)) if compiled is not None else []
            got = select(root, selector)
            assert got == expected, (path.name, selector)
            skipped += not expected
    assert skipped  # most selectors miss on any one page: the prefilter has work to do


def test_a_profile_date_without_time_takes_the_time_the_page_gives_for_that_day() -> None:
    """A profile reading a day-only ``<time datetime>`` keeps the day; the page's own meta with
    the time of that day makes it precise (a time of another day never replaces it)."""
    def dated(meta_day: str) -> bytes:
        return (
            "<html><head><title>Bắt giữ đối tượng - Công an tỉnh</title>"
            f'<meta property="article:published_time" content="{meta_day}T07:05:00+07:00"></head><body>'
            '<article class="news-detail"><h2 class="detail-title">Bắt giữ đối tượng</h2>'
            '<div class="date"><time datetime="2025-07-01">Ngày 1 tháng 7 năm 2025</time></div>'
            f'<div class="news-content">{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}</div></article></body></html>'
        ).encode()

    same = extract_article(dated("2025-07-01"), URL, profile="dotnetnuke")
    assert same.published is not None and same.published.startswith("2025-07-01T07:05")
    other = extract_article(dated("2025-06-30"), URL, profile="dotnetnuke")
    assert other.published is not None and other.published.startswith("2025-07-01")
    assert "T07:05" not in other.published


def test_an_extension_less_link_is_an_attachment_when_its_answer_was_a_document() -> None:
    """Issue 14: a document linked without an extension, inside or right after the body, is an
    attachment when the crawl saw a document Content-Type for it (and only then)."""
    long = "Lực lượng chức năng đã khẩn trương xác minh, truy xét và làm rõ vụ việc trên địa bàn tỉnh. " * 3
    html = (
        "<html><head><title>Cảnh báo thủ đoạn lừa đảo - Công an tỉnh</title></head><body>"
        "<h1>Cảnh báo thủ đoạn lừa đảo</h1><div class='content'>"
        f"<p>{long}</p><p>{long}</p><p>Công an tỉnh đề nghị người dân đọc kỹ <a href='/xem?id=7'>kế hoạch số 7</a>"
        " trước khi làm thủ tục.</p></div>"
        "<div class='more'><a href='/nhan?id=9'>Quyết định số 9</a></div><div class='footer'>Liên hệ</div>"
        "</body></html>"
    ).encode()
    url = "https://congan.example.gov.vn/tin/bai-1.html"
    for profile in ("generic", "wordpress"):
        plain = extract_article(html, url, profile=profile)
        assert plain.attachments == ()
        typed = extract_article(html, url, profile=profile, content_types={
            "https://congan.example.gov.vn/xem?id=7": "application/pdf",
            "https://congan.example.gov.vn/nhan?id=9": "application/msword; charset=binary",
        })
        assert [a.url for a in typed.attachments] == [
            "https://congan.example.gov.vn/xem?id=7", "https://congan.example.gov.vn/nhan?id=9",
        ]
        assert typed.body == plain.body  # a link inside a sentence stays in the text
