"""Snippets: a window around the first match of the published text, matches marked."""

from __future__ import annotations

from archive.search.query import parse_query
from archive.search.snippets import highlight, make_snippet


def test_window_around_a_match_deep_in_a_long_body() -> None:
    body = "Lực lượng tuần tra ban đêm. " * 400 + "Đại tá Trần Văn Hòa kiểm tra. " + "Kết thúc. " * 200
    snippet = make_snippet([body], parse_query("dai ta hoà"))
    text = snippet.plain("[", "]")
    assert text.startswith("… ") and text.endswith(" …")
    assert "[Đại tá] Trần Văn [Hòa] kiểm tra" in text  # adjacent matches: one phrase
    assert len(text) < 400


def test_phrase_is_marked_as_one_span_and_words_elsewhere_are_not() -> None:
    snippet = make_snippet(["an ninh và trật tự. Bảo đảm an ninh trật tự tại xã"], parse_query('"an ninh trật tự"'))
    assert snippet.plain("[", "]") == "an ninh và trật tự. Bảo đảm [an ninh trật tự] tại xã"
    # like the index, punctuation between the words does not break a phrase
    assert make_snippet(["an ninh, trật tự"], parse_query('"an ninh trật tự"')).plain("[", "]") == "[an ninh, trật tự]"


def test_no_match_in_the_body_falls_back_to_the_summary_then_the_start() -> None:
    parsed = parse_query("heroin")
    assert make_snippet(["Không liên quan.", "Thu giữ heroin."], parsed).plain("[", "]") == "Thu giữ [heroin]."
    assert make_snippet(["Không liên quan.", None], parsed).plain() == "Không liên quan."
    assert make_snippet([None, ""], parsed).segments == ()


def test_text_whose_lower_case_is_longer_keeps_offsets_right() -> None:
    # "İ" lower-cases to two characters: offsets must still land on the right words
    text = "İİİ İstanbul: Công an Đà Nẵng phối hợp"
    assert make_snippet([text], parse_query("da nang")).plain("[", "]").endswith("Công an [Đà Nẵng] phối hợp")
    assert highlight(text, parse_query("cong")).plain("[", "]") == "İİİ İstanbul: [Công] an Đà Nẵng phối hợp"


def test_markup_in_archived_text_is_escaped_in_html() -> None:
    snippet = make_snippet(['<b onclick="x()">Công an</b> & dân'], parse_query("cong an"))
    assert snippet.html() == '&lt;b onclick=&quot;x()&quot;&gt;<mark>Công an</mark>&lt;/b&gt; &amp; dân'
