"""Stage 3: the generic extractor, standing alone on layouts no profile knows.

Everything comes from page evidence, relative to two landmarks found by :mod:`.locate`: the
headline element and the body block.

* title: the headline element's text (the ``<title>`` minus the site's name otherwise);
* published: the first date line near the headline (after it, then just before it), read
  day-first in Asia/Ho_Chi_Minh; a clock in the page header (``Hôm nay: ...``), a date in an
  image path or a related article's date are never near the headline;
* author and affiliation: a byline (:mod:`.byline`) between the headline and the body, at
  the body's ends or right after it (signatures, right-aligned bold names);
* category: the breadcrumb or section link above the headline inside the article block, a
  ``Chuyên mục:`` label, then the active menu item;
* summary: the first long block between the headline and the body, never a sidebar;
* body: the body block; when the block is not certain (it holds less than
  :data:`CERTAIN_SHARE` of the page's text, or the headline is not right above it or inside
  it), weighed against trafilatura's text (:mod:`.agree`), which is only computed then.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import trafilatura
from lxml import etree

from .byline import MAX_BYLINE_CHARS, Byline, parse_byline
from .dates import parse_date
from .dom import select, select_any, text_of
from .locate import find_title, locate_body, page_title
from .text import INVISIBLE, clean_text, split_paragraphs

logger = logging.getLogger(__name__)

#: trafilatura's metadata date search (the fallback only): no extensive search
DATE_PARAMS = {"extensive_search": False, "original_date": True}
#: a date line is at most this long
MAX_DATE_LINE = 120
#: how many text blocks after (and before) the headline are searched for the date
DATE_AFTER, DATE_BEFORE = 12, 4
#: a lead is at least this long
MIN_LEAD_CHARS = 40
#: a body block with less text than this is no body: trafilatura is asked instead
MIN_BODY_CHARS = 150
#: how many blocks after the body are searched for a signature or attached files
AFTER_BODY_BLOCKS = 4
#: the block is certain (trafilatura is not asked) when it holds this share of the page's text
#: votes and starts at most :data:`CERTAIN_DISTANCE` text blocks after the headline (or holds
#: it); measured on the Zyte benchmark: 40 of 181 pages skip trafilatura for -0.0005 F1
CERTAIN_SHARE = 0.75
CERTAIN_DISTANCE = 5
#: the fields the generic stage looks for besides the title and the body
GENERIC_FIELDS = frozenset({"summary", "published", "author", "category"})
#: a clock in the page header, not a publication date
_CLOCK = re.compile(r"(?i)^\s*(hôm nay|today)\b")
#: a section label before the section's name
_SECTION_LABEL = re.compile(r"(?i)^\s*(chuyên mục|danh mục|mục|chủ đề|thể loại)\s*[:：]")
#: link texts that are no section
_HOME = re.compile(r"(?i)^(trang chủ|home|trang nhất)$")
#: what separates the steps of a breadcrumb written as text ("Trang chủ » Tin tức")
_TRAIL = re.compile(r"\s*[»›>]\s*|\s+[|/]\s+")


def section_of(value: str | None) -> str | None:
    """The section a category value names, without its label (``Danh mục:``): the last step of
    a breadcrumb trail that is not the home page (a profile's selector may hold the whole
    trail), else the value itself."""
    if value and _SECTION_LABEL.match(value):
        value = _SECTION_LABEL.sub("", value).strip() or None
    if not value or _TRAIL.search(value) is None:
        return value
    steps = [step for step in (s.strip() for s in _TRAIL.split(value)) if step and not _HOME.match(step)]
    return steps[-1] if steps else None
#: where a byline usually is, by class fragment (checked before the text rules)
AUTHOR_SELECTORS = (
    "[class*='author']", "[class*='Author']", "[class*='byline']", "[class*='tacgia']", "[class*='tac-gia']",
    "[class*='signature']", "[class*='nguoiviet']", "[class*='createdby']",
)
#: the lead ("sapo") of the article, by class (only inside the article)
SUMMARY_SELECTORS = (
    "[class*='sapo']", "[class~='lead']", "[class~='Lead']", "[class*='summary']", "[class*='tomtat']",
    "[class*='hometext']", "[class*='description']", "[class*='chapeau']",
)
#: the section in a breadcrumb, or the active menu item
BREADCRUMB_SELECTORS = ("[class*='breadcrumb'] a", "[class*='Breadcrumb'] a", "[class*='BreadCrumb'] a")
ACTIVE_MENU_SELECTORS = ("li[class~='active'] > a", "a[class~='active']", "li[class*='current'] > a")


@dataclass(frozen=True)
class Generic:
    title: str | None
    summary: str | None
    published: str | None
    author: str | None
    affiliation: str | None
    category: str | None
    container: etree._Element | None
    trailing: tuple[etree._Element, ...]  # blocks right after the body (attached files)
    certain: bool  # the block is the article without asking trafilatura
    below_headline: bool  # the block starts right below the headline (or holds it)
    text: Callable[[], list[str]]  # trafilatura's paragraphs (computed on the first call)


#: elements with a text node of their own that is not only ASCII spaces (XPath, run in C)
_WITH_TEXT = etree.XPath(
    "descendant-or-self::*[text()[normalize-space()]]"
    "[not(self::script or self::style or self::noscript or self::option)]"
)


def _blocks(root: etree._Element) -> list[etree._Element]:
    """Elements that hold text of their own, in document order."""
    body = root.find("body")
    out = []
    for el in _WITH_TEXT(body if body is not None else root):
        if (el.text or "").strip() or any((child.tail or "").strip() for child in el):
            out.append(el)  # (str.strip also drops the Unicode spaces XPath keeps)
    return out


def _short(container: etree._Element) -> bool:
    """Less text than a body has. Without scripts or styles inside, the raw text with its
    spaces collapsed is never longer than the visible text, and is far cheaper to read."""
    if next(container.iter("script", "style", "noscript", "template"), None) is None:
        raw = "".join(container.itertext())
        if len(" ".join(raw.split())) >= MIN_BODY_CHARS:
            return False
    return len(text_of(container)) < MIN_BODY_CHARS


def _index_of(el: etree._Element | None, index: dict[etree._Element, int], last: bool = False) -> int | None:
    if el is None:
        return None
    found = [index[e] for e in el.iter() if e in index]
    if not found:
        return None
    return max(found) if last else min(found)


def _date(blocks: list[etree._Element], start: int, stop: int) -> str | None:
    for el in blocks[start:stop]:
        value = el.get("datetime") if el.tag == "time" else None
        text = text_of(el)
        if value and parse_date(value):
            return parse_date(value)
        if text and len(text) <= MAX_DATE_LINE and not _CLOCK.match(text):
            found = parse_date(text)
            if found:
                return found
    return None


def _visible_chars_over(el: etree._Element, limit: int) -> bool:
    """More than ``limit`` characters that are not spaces in the element's text nodes: its
    visible text (spaces folded, invisible characters aside) is longer than ``limit``."""
    if next(el.iter("script", "style", "noscript", "template"), None) is not None:
        return False  # text that is never shown: read it properly
    raw = "".join(el.itertext())
    return len(raw) > limit and len(INVISIBLE.sub("", "".join(raw.split()))) > limit


def _byline(candidates: list[etree._Element], *, signatures: bool) -> Byline | None:
    for el in candidates:
        if el.find(".//a") is not None and len(list(el.iter("a"))) > 1:
            continue
        if _visible_chars_over(el, MAX_BYLINE_CHARS):
            continue  # a paragraph, not a byline (told without reading its text block by block)
        found = parse_byline(text_of(el), labelled_only=not signatures)
        if found is not None and (len(found.author.split()) > 1 or not signatures):
            return found
    return None


def byline_at_ends(paragraphs: list[str]) -> Byline | None:
    """A byline at the ends of a body's paragraphs: labelled among the first and last two,
    or a signature of at least two words as the last (the generic stage's checks inside the
    body block, on a body already found)."""
    for text in paragraphs[:2] + paragraphs[-2:]:
        found = parse_byline(text, labelled_only=True)
        if found is not None:
            return found
    found = parse_byline(paragraphs[-1]) if len(paragraphs) > 1 else None
    return found if found is not None and len(found.author.split()) > 1 else None


def _summary(
    root: etree._Element, between: list[etree._Element], inside: list[etree._Element], container: etree._Element | None
) -> str | None:
    """The lead: a block named as one inside the article, the first long block between the
    headline and the body, or the body's first paragraph when it is all in bold."""
    region = {id(el) for el in between + inside}
    for el in select_any(root, SUMMARY_SELECTORS):
        if id(el) in region or any(id(d) in region for d in el.iter()):
            text = text_of(el)
            if text and len(text) >= MIN_LEAD_CHARS:
                return text
    for el in between:
        text = text_of(el)
        if len(text) >= MIN_LEAD_CHARS and parse_byline(text) is None and el.find(".//a") is None:
            return text
    first = next((p for p in (container.iter("p") if container is not None else ()) if text_of(p)), None)
    if first is not None:
        text = text_of(first)
        bold = clean_text(" ".join(text_of(b) for b in first.iter("strong", "b")))
        if bold == text and len(text) >= MIN_LEAD_CHARS:
            return text
    return None


def _category(root: etree._Element, title_el: etree._Element | None, blocks: list[etree._Element]) -> str | None:
    names = [t for t in (text_of(a) for a in select_any(root, BREADCRUMB_SELECTORS)) if t and not _HOME.match(t)]
    if names:
        return names[-1]
    if title_el is not None:
        for el in blocks:
            if not _SECTION_LABEL.match(el.text or ""):
                continue
            text = text_of(el)
            if text and len(text) <= MAX_DATE_LINE:
                link = el.find(".//a")
                name = text_of(link) if link is not None else _SECTION_LABEL.sub("", text)
                if name:
                    return clean_text(name)
        # the last section link above the headline, inside the article block
        node = title_el
        for _level in range(3):
            parent = node.getparent()
            if parent is None or parent.tag in ("body", "html"):
                break
            before = []
            for el in parent.iter():
                if el is title_el:
                    break
                if el.tag == "a" and el not in title_el.iterancestors():
                    before.append(el)
            names = [t for t in (text_of(a) for a in before) if t and not _HOME.match(t)]
            if names:
                return names[-1]
            node = parent
    for selector in ACTIVE_MENU_SELECTORS:
        for a in select(root, selector):
            name = text_of(a)
            if name and not _HOME.match(name):
                return name
    return None


def _trafilatura_paragraphs(source: str | etree._Element, url: str) -> list[str]:
    """Trafilatura's text of the page (favouring precision). Given the page's text, it parses it
    its own way (which finds more than from our tree); a tree is copied (trafilatura prunes it)."""
    try:
        document = trafilatura.bare_extraction(
            source if isinstance(source, str) else copy.deepcopy(source),
            url=url, with_metadata=False, include_comments=False, include_tables=True,
            include_images=False, deduplicate=False, favor_precision=True,
        )
    except (ValueError, TypeError, AttributeError) as exc:  # malformed trees
        logger.debug("trafilatura failed on %s: %s", url, exc)
        return []
    text = getattr(document, "text", None) if document is not None else None
    return split_paragraphs(text or "")


def extract_generic(
    root: etree._Element, url: str, html: str | None = None, *, container: etree._Element | None = None,
    headline: etree._Element | None = None, wanted: frozenset[str] = GENERIC_FIELDS,
) -> Generic:
    """The generic fields of the page ``root`` (parsed from ``html``, when given), around the
    body block ``container`` and below the ``headline`` element when the caller knows them
    (else they are located); of the fields :data:`GENERIC_FIELDS`, only those ``wanted`` are
    looked for (the title always is)."""
    blocks = _blocks(root)
    index = {el: n for n, el in enumerate(blocks)}
    at = _index_of(headline, index)
    title_el = headline if at is not None else find_title(root)
    title = text_of(title_el) if title_el is not None else None
    if not title:
        declared = page_title(root)
        title = clean_text(re.split(r"\s+[-|–]\s+", declared)[0]) if declared else None
    if container is None:  # (a block the caller knows is the body, however short)
        container, share = locate_body(root)
        if container is not None and _short(container):
            container = None
    else:
        share = 1.0
    if at is None:
        at = _index_of(title_el, index)
    body_start = _index_of(container, index)
    body_end = _index_of(container, index, last=True)
    published = None
    if at is not None and "published" in wanted:
        stop = min(at + DATE_AFTER, (body_start + 3) if body_start is not None and body_start > at else len(blocks))
        published = _date(blocks, at + 1, stop) or _date(blocks, max(0, at - DATE_BEFORE), at)
    between = blocks[at + 1 : body_start] if at is not None and body_start is not None and body_start > at else []
    inside = list(blocks[body_start : (body_end or 0) + 1]) if body_start is not None else []
    after = blocks[(body_end or 0) + 1 : (body_end or 0) + 1 + AFTER_BODY_BLOCKS] if body_end is not None else []
    byline = None
    if "author" in wanted:
        byline = (
            _byline(select_any(root, AUTHOR_SELECTORS), signatures=True)
            or _byline(between, signatures=True)
            or _byline(inside[:2] + inside[-2:], signatures=False)
            or _byline(inside[-1:] + after, signatures=True)
        )
    summary = _summary(root, between, inside, container) if "summary" in wanted else None
    trailing = tuple(container.itersiblings())[:AFTER_BODY_BLOCKS] if container is not None else ()

    @cache
    def text() -> list[str]:
        return _trafilatura_paragraphs(html if html is not None else root, url)

    below_headline = at is not None and body_start is not None and -1 <= body_start - at <= CERTAIN_DISTANCE
    certain = container is not None and share >= CERTAIN_SHARE and below_headline
    return Generic(
        title=title,
        summary=summary,
        published=published,
        author=byline.author if byline else None,
        affiliation=byline.affiliation if byline else None,
        category=_category(root, title_el, blocks) if "category" in wanted else None,
        container=container,
        trailing=trailing,
        certain=certain,
        below_headline=below_headline,
        text=text,
    )
