"""The query language: words, phrases, exclusion, OR, dates; malformed input explained."""

from __future__ import annotations

import pytest

from archive.errors import UserInputError
from archive.search.matchexpr import match_expression
from archive.search.query import Query, parse_date, parse_query


def test_words_phrases_exclusions_and_or() -> None:
    parsed = parse_query('"công an tỉnh" ma OR cờ -heroin -"đánh bạc"')
    positive, negative = parsed.positive, parsed.negative
    assert [[t.words for t in c.terms] for c in positive] == [
        [("công", "an", "tỉnh")],
        [("ma",), ("cờ",)],
    ]
    assert [[t.words for t in c.terms] for c in negative] == [[("heroin",)], [("đánh", "bạc")]]


def test_words_with_marks_match_exactly_words_without_fold() -> None:
    parsed = parse_query("hoà cong")
    exact = {t.words: t.exact for t in parsed.terms}
    assert exact == {("hòa",): True, ("cong",): False}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"công an', "unbalanced quote"),
        ("-ma -túy", "only excludes"),
        ("OR ma", "OR must stand between"),
        ("ma OR", "OR must stand between"),
        ("ma OR OR túy", "OR must stand between"),
        ("ma OR -túy", "OR cannot join an exclusion"),
        ("x" * 1001, "shorten it"),
        (" ".join(f"w{i}" for i in range(40)), "too many words"),
    ],
)
def test_malformed_queries_get_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(UserInputError, match=message):
        parse_query(text)


@pytest.mark.parametrize(
    "text",
    [
        "NEAR(công an, 5)", "công*", "^title", "title:công", "{t b}: x", "a AND b NOT c",
        "'; DROP TABLE articles; --", "\x00công\x00an", "công\u200ban", "((()))", "a + b",
        '"" công', "-", "--", "-*", "OR", "\\", "\u0301\u0301",
    ],
)
def test_engine_syntax_in_user_text_becomes_plain_words(text: str) -> None:
    try:
        parsed = parse_query(text)
    except UserInputError:
        return  # a clear message is fine too
    expr = match_expression(parsed)
    if expr is None:
        return
    # only our own quoted strings, column sets and operators reach FTS5
    inside = expr.split('"')[1::2]
    outside = " ".join(expr.split('"')[0::2])
    assert all(w.replace(" ", "").isalnum() for w in inside)
    assert set(outside.replace("{t s b}", "").replace("{tf sf bf}", "").split()) <= {
        "(",
        ")",
        ":",
        "OR",
        "AND",
        "NOT",
        "((",
    }


def test_only_punctuation_means_no_words() -> None:
    assert not parse_query("*** ^^^ ;;;")
    assert match_expression(parse_query("")) is None


@pytest.mark.parametrize(
    ("value", "end", "day"),
    [
        ("2024-03-05", False, "2024-03-05"),
        ("05/03/2024", False, "2024-03-05"),  # day first, as Vietnamese write it
        ("5.3.2024", True, "2024-03-05"),
        ("2024", False, "2024-01-01"),
        ("2024", True, "2024-12-31"),
        ("02/2024", True, "2024-02-29"),
        ("2023-12", True, "2023-12-31"),
    ],
)
def test_dates(value: str, end: bool, day: str) -> None:
    assert parse_date(value, end=end) == day


@pytest.mark.parametrize("value", ["31/02/2024", "yesterday", "2024-13", "13/2024/01"])
def test_bad_dates(value: str) -> None:
    with pytest.raises(UserInputError):
        parse_date(value, end=False)


def test_query_build_validates_everything() -> None:
    with pytest.raises(UserInputError, match="after"):
        Query.build("x", since="2025-01-01", until="2024-01-01")
    with pytest.raises(UserInputError, match="sort"):
        Query.build("x", sort="random")
    with pytest.raises(UserInputError, match="limit"):
        Query.build("x", limit=0)
    q = Query.build("x", sites=["https://www.congan.hanoi.gov.vn/tin"], provinces=["Hoà Bình"])
    assert q.sites == ("congan.hanoi.gov.vn",)
    assert q.provinces == ("hoa_binh",)
