"""Decoding whatever the declared charset, NFC, whitespace, bylines."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from scrapers.extract.text import clean_line, decode_html, separate_byline, signature_author, strip_byline_label

DATA = Path(__file__).parent / "data" / "extract"
REFERENCE = unicodedata.normalize("NFC", (DATA / "article_utf8.html").read_text("utf-8"))


@pytest.mark.parametrize(
    ("name", "headers"),
    [
        ("article_utf8.html", None),
        ("article_utf8.html", {"Content-Type": "text/html; charset=windows-1258"}),  # wrong header
        ("article_nfd.html", None),
        ("article_cp1258_meta.html", None),  # meta tag only
        ("article_cp1258_meta.html", {"Content-Type": "text/html; charset=ISO-8859-1"}),  # wrong header
        ("article_cp1258_undeclared.html", None),  # no declaration at all
        ("article_cp1258_undeclared.html", {"Content-Type": "text/html; charset=utf-8"}),  # wrong header
    ],
)
def test_every_encoding_decodes_to_the_same_nfc_text(name: str, headers: dict[str, str] | None) -> None:
    text, _charset = decode_html((DATA / name).read_bytes(), headers)
    assert unicodedata.is_normalized("NFC", text)
    for phrase in ("Bắt giữ đối tượng trộm cắp tài sản", "xã Phong Thủy", "Lan Hương", "Kế hoạch số 12/KH-CAT"):
        assert phrase in text
    if "cp1258" not in name:
        assert text == REFERENCE


def test_cp1258_meta_page_is_read_as_windows_1258() -> None:
    _text, charset = decode_html((DATA / "article_cp1258_meta.html").read_bytes())
    assert charset == "cp1258"


def test_clean_line_removes_nbsp_zero_width_and_runs_of_spaces() -> None:
    assert clean_line("\u00a0 Công\u200b an\t\ttỉnh \u00a0\n") == "Công an tỉnh"
    assert clean_line(unicodedata.normalize("NFD", "Thượng úy")) == "Thượng úy"


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("Tác giả: Lan Hương", "Lan Hương"),
        ("Viết bởi Minh Anh", "Minh Anh"),
        ("Bài và ảnh: Đức Thắng", "Đức Thắng"),
        ("Lan Hương", "Lan Hương"),
    ],
)
def test_byline_labels_are_stripped(line: str, author: str) -> None:
    assert strip_byline_label(line) == author


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("Lan Hương - Công an tỉnh", "Lan Hương"),
        ("Văn Hùng", "Văn Hùng"),
        ("Thu Yến (Phòng Tham mưu)", "Thu Yến"),
        ("Hiện vụ việc đang được điều tra.", None),
        ("Đề nghị người dân cảnh giác với thủ đoạn lừa đảo qua mạng xã hội trong dịp Tết", None),
        ("", None),
    ],
)
def test_trailing_signatures(line: str, author: str | None) -> None:
    assert signature_author(line) == author


def test_byline_is_separated_from_the_body() -> None:
    body = ["Đoạn một của bài viết rất dài.", "Đoạn hai của bài viết.", "Lan Hương - Công an tỉnh"]
    kept, author = separate_byline(body)
    assert kept == body[:2] and author == "Lan Hương"
    kept, author = separate_byline(["Tác giả: Minh Anh", "Nội dung bài viết."])
    assert kept == ["Nội dung bài viết."] and author == "Minh Anh"
    kept, author = separate_byline(["Chỉ một đoạn văn, không có tác giả."])
    assert author is None and len(kept) == 1
