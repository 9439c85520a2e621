"""Vietnamese tone-mark placement, as data (SPEC §8: "hoà" = "hòa", "thuỷ" = "thủy").

Vietnamese writes one of five tone marks on one vowel of a syllable. Two conventions
disagree about *which* vowel for three open rhymes:

=========  ===================  =================  ============================
rhyme      old ("kiểu cũ")      new ("kiểu mới")   both agree when closed
=========  ===================  =================  ============================
``oa``     hòa, hóa, thỏa       hoà, hoá, thoả     hoàng, toán, khoảng, ngoài
``oe``     khỏe, xòe, lòe       khoẻ, xoè, loè     khoèo, ngoẹo
``uy``     thủy, tùy, hủy       thuỷ, tuỳ, huỷ     huỳnh, khuýu, quỳnh
=========  ===================  =================  ============================

Every other rhyme is written the same way by both (the mark goes on the vowel that
carries a hat or horn: "quốc", "giữa", "thuế", "khuấy"; on the main vowel of the
diphthongs "ia/ua/ưa": "mía", "của", "mưa").

The index picks one **canonical** placement: the old one for an open rhyme (what most
portals print: "Hòa Bình", "Thanh Hóa", "Khánh Hòa") and the mark on the second vowel when
a letter follows (the only correct spelling, so misspellings like "hòang" fold into
"hoàng"). In ``qu`` + ``y`` the ``u`` belongs to the consonant, so "quý", "quỳnh", "quỹ" are
never touched: the rule for ``uy`` does not apply after ``q``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: the five tone marks as combining characters (huyền, sắc, hỏi, ngã, nặng)
TONE_MARKS: tuple[str, ...] = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


@dataclass(frozen=True)
class Rhyme:
    """One rhyme whose tone placement differs between the conventions.

    ``first``/``second`` are its two vowels; the rule does not apply right after one of
    the letters in ``not_after`` (the ``u`` of ``qu`` is a consonant)."""

    first: str
    second: str
    not_after: str = ""


#: the rhymes concerned; adding one here is all a new rule needs
RHYMES: tuple[Rhyme, ...] = (
    Rhyme("o", "a"),
    Rhyme("o", "e"),
    Rhyme("u", "y", not_after="q"),
)

#: where the canonical form puts the mark
OPEN_MARK_ON = "first"  # nothing follows the rhyme: hòa, khỏe, thủy
CLOSED_MARK_ON = "second"  # a letter follows: hoàng, khoèo, huỳnh
