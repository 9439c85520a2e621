"""Where the article sits on a page nobody described: its headline element and its body block.

* The headline is the element whose text the page's ``<title>`` (or ``og:title``) begins
  with, the longest such, preferring headings; else the first ``<h1>``. A site banner never
  matches: the ``<title>`` names the site *after* the headline.
* The body block is found the way readability-style extractors do, on our own: every text
  block of at least :data:`MIN_BLOCK_CHARS` characters scores its length for its parent
  and half of it for its grandparent; link-heavy blocks (menus, related lists) score
  nothing. The best-scoring element is the body.
"""

from __future__ import annotations

import re

from lxml import etree

from .dom import text_of
from .text import clean_line

#: a text block shorter than this does not vote for its container
MIN_BLOCK_CHARS = 25
#: a block whose link text is more than this share of its text is navigation
MAX_LINK_SHARE = 0.5
#: tags whose text votes for the container of the body
TEXT_BLOCKS = ("p", "pre", "blockquote", "li", "td", "div", "h2", "h3", "h4", "span", "font")
#: a container with a link share above this is a list of links, not an article
MAX_CONTAINER_LINK_SHARE = 0.45
#: the headline candidates, in order of preference
TITLE_TAGS = ("h1", "h2", "h3", "div", "p", "span", "td", "strong", "a")
#: a headline is at least this share of the <title> text it starts
MIN_TITLE_SHARE = 0.5
#: what separates the headline from the site's name in a <title>
#: a headline element has at most this many child elements
MAX_TITLE_CHILDREN = 3
#: a <title> part this long may be a shortened headline (the heading then says more)
MIN_HEAD_CHARS = 20
_SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+")
_BLOCKY = ("p", "div", "table", "ul", "ol", "h1", "h2", "h3", "blockquote")


def _holds_blocks(el: etree._Element) -> bool:
    return next(el.iterdescendants(*_BLOCKY), None) is not None


_NOT_CONTENT = frozenset({"script", "style", "noscript", "header", "footer", "nav", "aside", "select", "option"})


def _skipped(el: etree._Element) -> bool:
    return any(
        isinstance(a.tag, str) and a.tag in _NOT_CONTENT for a in (el, *el.iterancestors())
    )


#: where the page names itself, in order (compiled once: ``root.xpath`` compiles on every call)
_PAGE_TITLES = tuple(
    etree.XPath(path) for path in ('//meta[@property="og:title"]/@content', "//head/title//text()", "//title//text()")
)


def page_title(root: etree._Element) -> str | None:
    for xpath in _PAGE_TITLES:
        values = xpath(root)
        text = clean_line(" ".join(str(v) for v in values)) if values else ""
        if text:
            return text
    return None


def find_title(root: etree._Element) -> etree._Element | None:
    """The headline element (see the module docstring), or None."""
    declared = page_title(root)
    body = root.find("body")
    scope = body if body is not None else root
    best: tuple[int, int, etree._Element] | None = None
    if declared:
        folded = declared.casefold()
        head = _SITE_SUFFIX.split(folded)[0]
        first_word = folded.split()[0]
        longest = 2 * len(declared) + 100
        for el in scope.iter(*TITLE_TAGS):
            if len(el) > MAX_TITLE_CHILDREN:
                continue
            raw = el.text_content() or ""
            if len(raw) > longest or first_word not in raw.casefold():
                continue  # cheap test first: a headline holds the title's first word
            text = clean_line(raw)
            if len(text) < len(declared) * MIN_TITLE_SHARE and len(text) < 20:
                continue
            mine = text.casefold()
            longer = len(head) >= MIN_HEAD_CHARS and mine.startswith(head) and len(mine) < 2 * len(head)
            matches = folded.startswith(mine) or longer
            if text and matches and not _skipped(el):
                rank = (len(text), -TITLE_TAGS.index(el.tag))
                if best is None or rank > best[:2]:
                    best = (rank[0], rank[1], el)
    if best is not None:
        return best[2]  # its text: text_of(element)
    h1 = scope.find(".//h1")
    return h1 if h1 is not None and text_of(h1) else None


def _link_share(el: etree._Element, text_len: int) -> float:
    linked = sum(len(clean_line(a.text_content() or "")) for a in el.iter("a"))
    return linked / text_len if text_len else 1.0


def find_body(root: etree._Element) -> etree._Element | None:
    """The element holding the article text (see the module docstring), or None."""
    return locate_body(root)[0]


def locate_body(root: etree._Element) -> tuple[etree._Element | None, float]:
    """The body element and the share of the page's text votes cast from inside it (how
    dominant the block is: 1.0 when no other text on the page competes)."""
    scores: dict[etree._Element, float] = {}
    votes: list[tuple[etree._Element, float]] = []
    body = root.find("body")
    for el in (body if body is not None else root).iter(*TEXT_BLOCKS):
        if el.tag in ("div", "td", "span", "font", "li") and _holds_blocks(el):
            continue  # a container of blocks votes through its blocks
        own = clean_line("".join(el.itertext()))
        if len(own) < MIN_BLOCK_CHARS or _skipped(el):
            continue
        if _link_share(el, len(own)) > MAX_LINK_SHARE:
            continue
        parent = el.getparent()
        if parent is None:
            continue
        weight = len(own) + 100 * own.count(". ") / max(1, len(own) / 100)
        votes.append((el, weight))
        scores[parent] = scores.get(parent, 0.0) + weight
        grand = parent.getparent()
        if grand is not None and grand.tag != "html":
            scores[grand] = scores.get(grand, 0.0) + weight / 2
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    chosen = None
    for el, _score in ranked[:5]:
        text_len = len(clean_line(el.text_content() or ""))
        if _link_share(el, text_len) <= MAX_CONTAINER_LINK_SHARE:
            chosen = el
            break
    if chosen is None:
        chosen = ranked[0][0] if ranked else None
    total = sum(weight for _el, weight in votes)
    inside = sum(weight for el, weight in votes if any(a is chosen for a in el.iterancestors()))
    return chosen, (inside / total if total else 0.0)
