"""The last pass over a body, whatever stage found it: the headline, the lead, date lines
and the byline are kept out of the text, and out of ``body_html`` too."""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from .byline import MAX_BYLINE_CHARS, parse_byline
from .dates import parse_date
from .dom import BLOCK_TAGS, remove, text_of
from .text import INVISIBLE, clean_line, separate_byline, strip_byline_label

#: a date line kept out of the body is at most this long
MAX_DATE_LINE_CHARS = 80
#: how many paragraphs at each end of the body are checked for date lines
DATE_LINE_WINDOW = 2
#: what a date line may hold besides the date itself
_DATE_WORDS = re.compile(
    r"(?i)(thứ\s+\w+|chủ\s+nhật|cập\s+nhật|ngày\s+đăng|ngày|tháng|năm|lúc|đăng|giờ|gmt|\bsa\b|\bch\b|am|pm|\d+|[:/\-–,.|()+])"
)


#: the tags of blocks, for lxml's tag filters
_BLOCKS = tuple(sorted(BLOCK_TAGS))


@dataclass(frozen=True)
class CleanBody:
    paragraphs: list[str]
    author: str | None  # the byline found in the body, if any
    dropped: frozenset[str]  # paragraphs taken out (to take out of body_html too)


def is_date_line(line: str) -> bool:
    """``"Thứ Hai, 12/03/2024 - 09:15"``, ``"Cập nhật: 02-05-2024"``: a date and nothing else."""
    if len(line) > MAX_DATE_LINE_CHARS or not parse_date(line):
        return False
    return not any(ch.isalpha() for ch in _DATE_WORDS.sub("", line))


def _byline_of(line: str) -> str | None:
    found = parse_byline(line)
    return found.author if found else None


def clean_body(paragraphs: list[str], *, title: str | None, summary: str | None, author: str | None) -> CleanBody:
    dropped = {p for p in paragraphs if p in (title, summary)}
    kept = [p for p in paragraphs if p not in dropped]
    ends = {*range(min(DATE_LINE_WINDOW, len(kept))), *range(max(0, len(kept) - DATE_LINE_WINDOW), len(kept))}
    dates = {kept[i] for i in ends if is_date_line(kept[i])}
    dropped |= dates
    kept = [p for p in kept if p not in dates]
    if author:
        # (the name is a part of its byline: only lines holding it are parsed)
        bylines = {p for p in kept if author in p and (strip_byline_label(p) == author or _byline_of(p) == author)}
        dropped |= bylines
        kept = [p for p in kept if p not in bylines]
    before = set(kept)
    kept, byline = separate_byline(kept)
    dropped |= before - set(kept)
    return CleanBody(kept, byline, frozenset(dropped))


#: the spaces a body's text holds (others are rare enough to be counted as letters: a block
#: made long by them is only left unpruned)
_SPACES = (" ", "\n", "\t", "\r", "\xa0")


def _longer_than(el: etree._Element, limit: int) -> bool:
    """The element's visible text is longer than ``limit`` (its characters that are not spaces
    alone are, when none is invisible: no need to clean the text to tell)."""
    raw = "".join(el.itertext())
    if len(raw) <= limit:
        return False
    spaces = sum(raw.count(space) for space in _SPACES)  # (counted in C, no word list built)
    if len(raw) - spaces > limit and INVISIBLE.search(raw) is None:
        return True
    return len(clean_line(raw)) > limit


def prune_html(
    tree: etree._Element | None, dropped: frozenset[str], *, title: str | None = None, author: str | None = None
) -> str:
    """``body_html`` from the sanitised body ``tree`` (changed in place) without the blocks whose
    whole text was taken out of the body: the dropped paragraphs, the headline, date lines and
    the byline."""
    if tree is None:
        return ""
    dropped = dropped | {t for t in (title, author) if t}
    root = lxml.html.Element("div")
    root.append(tree)
    # no block longer than the longest line that can go is read (text_of is the costly part)
    longest = max([MAX_DATE_LINE_CHARS, MAX_BYLINE_CHARS, *(len(t) for t in dropped)]) + (len(author or "") + 40)
    for el in list(root.iterdescendants(*_BLOCKS)):
        if _longer_than(el, longest):
            continue  # its text (block breaks only add spaces) is longer than any line dropped
        text = text_of(el)
        byline = author and author in text and author in (strip_byline_label(text), _byline_of(text))
        if text and (text in dropped or is_date_line(text) or byline):
            remove(el)
    inner = root[0] if len(root) == 1 and not (root.text or "").strip() else root
    return str(lxml.html.tostring(inner, encoding="unicode", method="html")).strip()
