"""Vietnamese normalisation in front of the search engine, the same for documents and queries.

``normalise`` gives the *exact* form: NFC, lower case, one canonical tone-mark placement
(rules in :mod:`archive.search.tones`). ``fold`` gives the *folded* form of a normalised
text: every mark removed and ``đ`` -> ``d`` (SQLite's ``remove_diacritics`` leaves ``đ``
alone because it is a letter of its own, not a letter with a mark).
"""

from __future__ import annotations

import re
import unicodedata

from . import tones

#: bump when any rule here or in tones.py changes: an index built with another version
#: must be rebuilt (its contentless FTS rows can only be deleted with identical tokens)
NORMALISER_VERSION = 1

#: letters that legacy encodings and converters put where Vietnamese has đ
LOOKALIKES: dict[str, str] = {
    "\u00f0": "đ",  # ð (Icelandic eth, from Ð U+00D0 in VNI/TCVN conversions)
}

#: a run of letters and digits: the same words SQLite's unicode61 tokenizer sees
WORD_RE = re.compile(r"[^\W_]+")

_LETTER = r"[^\W\d_]"


def _toned(vowel: str, mark: str) -> str:
    return unicodedata.normalize("NFC", vowel + mark)


def _tone_rules() -> tuple[re.Pattern[str], dict[str, str]]:
    """The regex of every non-canonical placement and its canonical replacement."""
    replacements: dict[str, str] = {}
    alternatives: list[str] = []
    for rhyme in tones.RHYMES:
        guard = f"(?<![{rhyme.not_after}])" if rhyme.not_after else ""
        on_first = [_toned(rhyme.first, m) + rhyme.second for m in tones.TONE_MARKS]
        on_second = [rhyme.first + _toned(rhyme.second, m) for m in tones.TONE_MARKS]
        open_wrong, closed_wrong = (
            (on_second, on_first) if tones.OPEN_MARK_ON == "first" else (on_first, on_second)
        )
        for wrong, right in zip(open_wrong, closed_wrong, strict=True):
            replacements[wrong] = right
            replacements[right] = wrong
        # one character class per alternative (much faster than an alternation of pairs)
        alternatives.append(f"{guard}{_pair_class(open_wrong)}(?!{_LETTER})")
        alternatives.append(f"{guard}{_pair_class(closed_wrong)}(?={_LETTER})")
    return re.compile("|".join(alternatives)), replacements


def _pair_class(pairs: list[str]) -> str:
    """``["oà", "oá"]`` -> ``o[àá]``; ``["òa", "óa"]`` -> ``[òó]a``."""
    firsts, seconds = {p[0] for p in pairs}, {p[1] for p in pairs}
    if len(firsts) == 1:
        return re.escape(pairs[0][0]) + "[" + "".join(sorted(seconds)) + "]"
    return "[" + "".join(sorted(firsts)) + "]" + re.escape(pairs[0][1])


_TONE_RE, _TONE_FIX = _tone_rules()


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)):
        char = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        if base != char and len(base) == 1:
            table[cp] = base
    table.update({ord("đ"): "d", ord("Đ"): "D", ord("ð"): "d", ord("Ð"): "D"})
    # identity entries for the rest of Latin: str.translate is much slower on misses
    for cp in list(range(0x0250)) + list(range(0x1E00, 0x1F00)):
        table.setdefault(cp, chr(cp))
    return table


_FOLD = _fold_table()
_VARIANTS: dict[str, str] = {}
for _cp, _base in _FOLD.items():
    if _base != chr(_cp):
        _VARIANTS[_base] = _VARIANTS.get(_base, "") + chr(_cp)


def normalise(text: str) -> str:
    """NFC, lower case, canonical tone placement: the exact form of documents and queries."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).lower()
    for lookalike, letter in LOOKALIKES.items():
        if lookalike in text:
            text = text.replace(lookalike, letter)
    return _TONE_RE.sub(lambda m: _TONE_FIX[m.group(0)], text)


def fold(normalised: str) -> str:
    """The folded form of an already normalised text: no marks, ``đ`` -> ``d``."""
    return normalised.translate(_FOLD)


def fold_variants(char: str) -> str:
    """The letters that fold to ``char`` ("a" -> "àáảãạăằ…", "d" -> "đð…"), "" for none."""
    return _VARIANTS.get(char, "")


def has_marks(normalised: str) -> bool:
    """Whether a normalised word or phrase carries any diacritic (or đ)."""
    return fold(normalised) != normalised


def words(text: str) -> list[str]:
    """The words of a text as the index tokenizes them."""
    return WORD_RE.findall(text)


#: words dropped in front of a province name the user types ("tỉnh Hòa Bình", "TP. Huế")
PROVINCE_PREFIXES: tuple[str, ...] = ("tinh", "thanh pho", "tp", "cong an tinh", "cong an")


def province_key(name: str) -> str:
    """The ascii key of a province name ("Hòa Bình" -> "hoa_binh"), as in portals.csv."""
    folded = " ".join(words(fold(normalise(name))))
    for prefix in PROVINCE_PREFIXES:
        if folded.startswith(prefix + " "):
            folded = folded[len(prefix) + 1 :]
            break
    return folded.replace(" ", "_")


def key(text: str) -> str:
    """A folded comparison key for short labels (category, site)."""
    return " ".join(words(fold(normalise(text))))
