"""Vietnamese normalisation: one tone placement, lower case, folding with đ -> d."""

from __future__ import annotations

import unicodedata

import pytest

from archive.search.normalise import fold, has_marks, normalise, province_key

# (old/new variant, other variant, canonical form)
SAME = [
    ("hoà", "hòa", "hòa"),
    ("hoá", "hóa", "hóa"),
    ("hoả", "hỏa", "hỏa"),
    ("thoã", "thõa", "thõa"),
    ("hoạ", "họa", "họa"),
    ("thuỷ", "thủy", "thủy"),
    ("tuỳ", "tùy", "tùy"),
    ("huỷ", "hủy", "hủy"),
    ("luỹ", "lũy", "lũy"),
    ("thuý", "thúy", "thúy"),
    ("thuỵ", "thụy", "thụy"),
    ("khoẻ", "khỏe", "khỏe"),
    ("xoè", "xòe", "xòe"),
    ("loé", "lóe", "lóe"),
    ("uỷ", "ủy", "ủy"),
    ("Hoà Bình", "Hòa Bình", "hòa bình"),
    ("THANH HOÁ", "Thanh Hóa", "thanh hóa"),
    ("Khánh Hoà", "khánh hòa", "khánh hòa"),
    # a misplaced mark in a closed syllable goes where both conventions put it
    ("hòang", "hoàng", "hoàng"),
    ("tóan", "toán", "toán"),
    ("hùynh", "huỳnh", "huỳnh"),
]

UNTOUCHED = [
    "quý", "quỳnh", "quỹ", "quốc", "quyết", "giữa", "hoàng", "toán", "khoảng", "ngoài",
    "huỳnh", "khuya", "thuế", "khuấy", "của", "mưa", "mía", "người", "được", "xoắn",
    "nguyễn", "việt", "đường", "khoèo", "thuở", "quà", "già", "giờ",
]


@pytest.mark.parametrize(("a", "b", "canonical"), SAME)
def test_both_tone_placements_normalise_to_one_form(a: str, b: str, canonical: str) -> None:
    assert normalise(a) == normalise(b) == canonical


@pytest.mark.parametrize("word", UNTOUCHED)
def test_words_spelt_alike_by_both_conventions_are_untouched(word: str) -> None:
    assert normalise(word) == word
    assert normalise(word.upper()) == word


def test_decomposed_input_is_composed_first() -> None:
    decomposed = unicodedata.normalize("NFD", "Công an tỉnh Hoà Bình")
    assert decomposed != "Công an tỉnh Hoà Bình"
    assert normalise(decomposed) == "công an tỉnh hòa bình"


def test_marks_inside_a_sentence_follow_the_syllable_not_the_string() -> None:
    assert normalise("Hoà, thuỷ; khoẻ.") == "hòa, thủy; khỏe."
    assert normalise("hoàng hoà") == "hoàng hòa"


def test_fold_removes_every_mark_and_turns_d_stroke_into_d() -> None:
    assert fold(normalise("Đại tá Nguyễn Đức Thắng")) == "dai ta nguyen duc thang"
    assert fold(normalise("ỨNG DỤNG ĐỊNH DANH ĐIỆN TỬ")) == "ung dung dinh danh dien tu"
    # legacy converters write the Icelandic eth for đ
    assert normalise("Ðà Nẵng") == "đà nẵng"


def test_has_marks() -> None:
    assert has_marks(normalise("công"))
    assert has_marks(normalise("đi"))
    assert not has_marks(normalise("cong"))
    assert not has_marks("an")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Hòa Bình", "hoa_binh"),
        ("Hoà Bình", "hoa_binh"),
        ("tỉnh Hà Giang", "ha_giang"),
        ("TP. Hồ Chí Minh", "ho_chi_minh"),
        ("Thành phố Đà Nẵng", "da_nang"),
        ("Bà Rịa - Vũng Tàu", "ba_ria_vung_tau"),
        ("ha_giang", "ha_giang"),
        ("Thừa Thiên Huế", "thua_thien_hue"),
    ],
)
def test_province_key_matches_the_registry_ascii_keys(name: str, key: str) -> None:
    assert province_key(name) == key
