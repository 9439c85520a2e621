"""Bylines: who wrote the article, and the unit that follows the name.

``parse_byline("Bài, ảnh: Lan Hương - Công an tỉnh")`` gives ``Byline("Lan Hương",
"Công an tỉnh")``. Labels come with or without a colon (``Tác giả``, ``Viết bởi``, ``TG``,
``Bài, ảnh:``, ``Theo …``); what follows the name after a dash or in brackets is the
affiliation (SPEC §7). A line counts only when the name is made of capitalised words, so a
sentence of the article is never taken for a byline. ``is_organisation`` tells a site or a
unit (``VnExpress``, ``Công an tỉnh …``) from a person, for structured-data authors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import clean_line

#: labels that introduce the author (longest first, so "Bài, ảnh" wins over "Bài")
BYLINE_LABELS = (
    "Nhóm phóng viên", "Bài và ảnh", "Bài, ảnh", "Bài & ảnh", "Bài/ảnh", "Tin và ảnh", "Tin, ảnh", "Tin & ảnh",
    "Tác giả", "Viết bởi", "Người viết", "Phóng viên", "Đăng bởi", "Thực hiện", "Posted by", "Author", "Theo",
    "Bài", "Tin", "TG", "PV", "By",
)
_LABEL = re.compile(
    r"^(?:" + "|".join(re.escape(label) for label in BYLINE_LABELS) + r")(?:\s*[:：]\s*|\s+)(?P<rest>.+)$", re.I
)
#: a source line, not an author ("Nguồn: ...", "Theo: báo ...")
#: a date in the line: a date line, not a byline
_DATE = re.compile(r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|(?i:tháng\s+\d)")
_SOURCE = re.compile(r"^(?:Nguồn tin|Nguồn|Source)\s*[:：]", re.I)
#: where the name ends and the unit begins: a dash between spaces, a comma, an opening bracket
_UNIT = re.compile(r"\s+[-–—]\s+|\s*\(|\s*,\s+")
#: a name word: capitalised (Vietnamese capitals included), or an initial ("N.") or a particle
_NAME_WORD = re.compile(r"^(?:[A-ZĐÀ-ỸẠ-Ỹ][\wÀ-ỹ.'’-]*|[A-ZĐ]\.)$", re.U)
#: a person's name has at most this many words
MAX_NAME_WORDS = 5
#: a byline line is at most this long
MAX_BYLINE_CHARS = 120
#: words that make a name an organisation or a site, not a person
ORGANISATION_WORDS = re.compile(
    r"(?i)\b(?:công an|bộ|sở|phòng|ban|báo|tạp chí|cổng|trang|đài|truyền hình|thông tấn|ủy ban|uỷ ban|ubnd|"
    r"tỉnh|huyện|thành phố|news|online|media|press|agency|\.vn|\.com|\.net)\b"
)


@dataclass(frozen=True)
class Byline:
    author: str
    affiliation: str | None = None


def looks_like_name(text: str) -> bool:
    """Capitalised words only (the letter ranges of :data:`_NAME_WORD` hold small letters
    too, ``đ`` among them: the first letter is checked on its own)."""
    words = text.split()
    return 1 <= len(words) <= MAX_NAME_WORDS and all(w[0].isupper() and _NAME_WORD.match(w) for w in words)


def is_organisation(name: str, site_names: tuple[str, ...] = ()) -> bool:
    """A site or unit name (``VnExpress``, ``Công an tỉnh Bình Hòa``), not a person."""
    line = clean_line(name)
    if any(line and line.casefold() == s.casefold() for s in site_names if s):
        return True
    if ORGANISATION_WORDS.search(line):
        return True
    words = line.split()
    # one word with capitals inside ("VnExpress", "TuoiTre") is a brand, not a Vietnamese name
    return len(words) == 1 and any(ch.isupper() for ch in words[0][1:])


def _split(rest: str) -> Byline | None:
    parts = _UNIT.split(rest.strip(" .:-–"), maxsplit=1)
    name = parts[0].strip(" .:-–")
    if not looks_like_name(name) or is_organisation(name):
        return None
    unit = parts[1].strip(" .()-–") if len(parts) > 1 else None
    return Byline(name, unit or None)


def parse_byline(text: str | None, *, labelled_only: bool = False) -> Byline | None:
    """The author (and affiliation) of a byline line, or None when the line is not one.

    Without a label, the line must be a name alone or a name and a unit (a signature);
    ``labelled_only`` accepts only labelled lines."""
    line = clean_line(text or "")
    if not line or len(line) > MAX_BYLINE_CHARS or _SOURCE.match(line) or _DATE.search(line):
        return None
    match = _LABEL.match(line)
    if match:
        found = _split(match.group("rest"))
        if found is not None:
            return found
    if labelled_only or line.endswith(("!", "?", ";")):
        return None
    return _split(line)
