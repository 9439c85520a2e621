"""Stage 3: the generic extractor for layouts no profile knows.

The body comes from trafilatura (``bare_extraction`` on the already parsed tree: it never
fetches anything), the other fields from our own rules where trafilatura falls short on
Vietnamese portals: the headline is the first ``<h1>``; the date is read, day-first, from
the first element whose class or id says it holds a date, then from the text near the
headline (trafilatura's htmldate drops the time and may read dates month-first); the
section is the breadcrumb's last link; images, attachments and body_html come from the
page element that holds the extracted paragraphs.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from typing import Any

import trafilatura
from lxml import etree

from .body import caption_nearby
from .dates import parse_date
from .dom import first_value, paragraphs_of, remove, select, select_values, text_of
from .text import clean_text, split_paragraphs, strip_byline_label

logger = logging.getLogger(__name__)

#: where a date usually is, when no profile says (class/id fragments, in order)
DATE_SELECTORS = (
    "[class*='date']",
    "[class*='Date']",
    "[id*='date']",
    "[id*='Date']",
    "[class*='time']",
    "[class*='ngay']",
    "[class*='publish']",
    "[class*='post-meta']",
    "[class*='meta']",
    "time",
)
TITLE_SELECTORS = ("h1", "[class*='title'] h2", "h2[class*='title']", "[class*='tieude']", "[class*='title']")
#: the lead ("sapo") of the article, by class
SUMMARY_SELECTORS = (
    "[class*='sapo']",
    "[class~='lead']",
    "[class~='Lead']",
    "[class*='summary']",
    "[class*='tomtat']",
    "[class*='hometext']",
    "[class*='description']",
    "[class*='chapeau']",
)
#: where a byline usually is, by class (the label is stripped)
AUTHOR_SELECTORS = (
    "[class*='createdby']",
    "[class~='author']",
    "[class*='byline']",
    "[class*='tacgia']",
    "[class*='tac-gia']",
)
CATEGORY_SELECTORS = (
    "[class*='breadcrumb'] a", "[class*='Breadcrumb'] a", "[class*='BreadCrumb'] a", "[class*='breadcrumb'] li",
    "[class*='chuyenmuc']", "[class*='chuyen-muc']",
)
#: how many text blocks after the headline are searched for a date
DATE_SEARCH_BLOCKS = 12
#: a paragraph must be at least this long to anchor the body container
ANCHOR_MIN_CHARS = 40
#: trafilatura's metadata date search: no extensive search (slow, often wrong here)
DATE_PARAMS = {"extensive_search": False, "original_date": True}
#: a "noise" element holding more than this share of the page's text is not cut
MAX_NOISE_SHARE = 0.5


@dataclass(frozen=True)
class Generic:
    title: str | None
    summary: str | None
    published: str | None
    author: str | None
    category: str | None
    tags: tuple[str, ...]
    paragraphs: list[str]
    container: etree._Element | None


def run_trafilatura(root: etree._Element, url: str) -> Any:
    """trafilatura's own bare extraction of a parsed page (no fetching), or None."""
    try:
        return trafilatura.bare_extraction(
            root,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            deduplicate=False,
            date_extraction_params=DATE_PARAMS,
        )
    except (ValueError, TypeError, AttributeError) as exc:  # malformed trees
        logger.debug("trafilatura failed on %s: %s", url, exc)
        return None


def find_date(root: etree._Element, title: str | None) -> str | None:
    for selector in DATE_SELECTORS:
        for value in select_values(root, selector):
            if len(value) <= 120:
                parsed = parse_date(value)
                if parsed:
                    return parsed
    body = root.find("body")
    blocks = paragraphs_of(body if body is not None else root)
    start = 0
    if title:
        for index, block in enumerate(blocks):
            if block == title:
                start = index
                break
    for block in blocks[start : start + DATE_SEARCH_BLOCKS]:
        if len(block) <= 120:
            parsed = parse_date(block)
            if parsed:
                return parsed
    return None


def find_title(root: etree._Element) -> str | None:
    title = first_value(root, TITLE_SELECTORS)
    if title:
        return title
    page_title = clean_text(text_of(root.find("head/title"))) if root.find("head/title") is not None else None
    if page_title:
        for separator in (" | ", " - ", " – "):
            if separator in page_title:
                return page_title.split(separator)[0].strip() or None
    return page_title


def find_container(root: etree._Element, paragraphs: list[str]) -> etree._Element | None:
    """The deepest element holding every long extracted paragraph."""
    wanted = {p for p in paragraphs if len(p) >= ANCHOR_MIN_CHARS}
    if not wanted:
        return None
    anchors = [el for el in root.iter("p", "div", "td", "li") if clean_text(el.text_content() or "") in wanted]
    if not anchors:
        return None
    common = list(anchors[0].iterancestors())
    for anchor in anchors[1:]:
        ancestors = set(anchor.iterancestors())
        common = [el for el in common if el in ancestors]
    return common[0] if common else anchors[0].getparent()


def pruned(root: etree._Element, selectors: tuple[str, ...]) -> etree._Element:
    """A copy of the page without its noise (captions, share buttons, related lists, view
    counters), for trafilatura. A match holding a headline or most of the page's text is
    kept: it is a badly named container, not noise."""
    tree = copy.deepcopy(root)
    total = len(tree.text_content() or "")
    body = tree.find("body")
    for img in list(tree.iter("img")):
        nearby = caption_nearby(img, body if body is not None else tree)
        for el in nearby[1] if nearby else ():
            if el.getparent() is not None:
                remove(el)
    for selector in selectors:
        for el in select(tree, selector):
            if el.getparent() is None or el.find(".//h1") is not None:
                continue
            if len(el.text_content() or "") > total * MAX_NOISE_SHARE:
                continue
            remove(el)
    return tree


def bold_lead(root: etree._Element, paragraphs: list[str], title: str | None) -> str | None:
    """The first paragraph (after the headline) when it is all in bold: the lead ("sapo")
    of most portals."""
    rest = [p for p in paragraphs if p != title]
    if not rest:
        return None
    first = rest[0]
    for el in root.iter("p"):
        if clean_text(el.text_content() or "") == first:
            bold = clean_text(" ".join(text_of(b) for b in el.iter("strong", "b")))
            return first if bold == first else None
    return None


def extract_generic(root: etree._Element, url: str, noise: tuple[str, ...] = ()) -> Generic:
    document = run_trafilatura(pruned(root, noise), url)
    paragraphs = split_paragraphs(document.text or "") if document is not None and document.text else []
    title = find_title(root) or (clean_text(document.title) if document is not None and document.title else None)
    published = find_date(root, title)
    if published is None and document is not None and document.date:
        published = parse_date(document.date)
    category = first_value(root, CATEGORY_SELECTORS, last=True)
    if category is None and document is not None and document.categories:
        category = clean_text(document.categories[-1])
    tags = tuple(t for t in (clean_text(t) for t in (document.tags or [])) if t) if document is not None else ()
    byline = first_value(root, AUTHOR_SELECTORS)
    author = strip_byline_label(byline) if byline else None
    if author is None and document is not None and document.author:
        author = clean_text(document.author)
    return Generic(
        title=title,
        summary=first_value(root, SUMMARY_SELECTORS) or bold_lead(root, paragraphs, title),
        published=published,
        author=author,
        category=category,
        tags=tags,
        paragraphs=paragraphs,
        container=find_container(root, paragraphs),
    )
