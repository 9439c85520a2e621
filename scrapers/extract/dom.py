"""The page as a tree: parsing decoded HTML, CSS selectors from profiles, paragraphs.

Selectors come from profile data as CSS; they are translated to XPath once per process
(:func:`_xpath` is memoised, bounded) and may end with `` @attr`` to read an attribute.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import lxml.html
from cssselect import GenericTranslator, SelectorError
from lxml import etree

from scrapers.portals.safe_urls import safe_join

from .prefilter import may_match
from .text import clean_line

#: tags whose start and end break a paragraph
BLOCK_TAGS = frozenset(
    [
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figure", "footer", "h1", "h2",
        "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
        "tbody", "thead", "tfoot", "tr", "td", "th", "ul", "br", "center",
    ]
)
#: tags whose content is never text
SKIP_TAGS = frozenset(["script", "style", "noscript", "template", "head", "title"])

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_TRANSLATOR = GenericTranslator()


def _page_parser() -> etree.HTMLParser:
    """lxml.html's parser, but its elements are plain ``HtmlElement`` chosen in C: lxml.html's
    own lookup runs Python for every element the extraction touches, to give form fields
    classes of their own that no stage uses."""
    parser = etree.HTMLParser(remove_blank_text=False)
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity,
    ))
    return parser


class _Parsers(threading.local):
    """One parser per thread (an lxml parser is not to be used by two threads at once)."""

    def __init__(self) -> None:
        self.parser = _page_parser()


_PARSERS = _Parsers()


def parse_html(text: str) -> lxml.html.HtmlElement:
    """A tree for any text, even broken or empty HTML."""
    text = _XML_DECLARATION.sub("", text)
    if not text.strip():
        text = "<html><body></body></html>"
    try:
        return lxml.html.document_fromstring(text, parser=_PARSERS.parser)
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>", parser=_PARSERS.parser)


@lru_cache(maxsize=1024)
def _xpath(css: str) -> etree.XPath | None:
    try:
        return etree.XPath(_TRANSLATOR.css_to_xpath(css))
    except SelectorError:
        return None


def _split_attr(selector: str) -> tuple[str, str | None]:
    css, sep, attr = selector.rpartition(" @")
    return (css, attr.strip()) if sep and attr and " " not in attr.strip() else (selector, None)


def select(root: etree._Element, selector: str) -> list[etree._Element]:
    css, _attr = _split_attr(selector)
    if not may_match(root, css):
        return []
    compiled = _xpath(css)
    if compiled is None:
        return []
    return [el for el in compiled(root) if isinstance(el, etree._Element)]


def select_any(root: etree._Element, selectors: tuple[str, ...]) -> list[etree._Element]:
    """Elements matching any of ``selectors``, in document order, in one pass over the tree
    (each selector on its own when one of them does not compile)."""
    selectors = tuple(s for s in selectors if may_match(root, _split_attr(s)[0]))
    if not selectors:
        return []
    group = _xpath(", ".join(selectors))
    if group is None:
        return [el for selector in selectors for el in select(root, selector)]
    return [el for el in group(root) if isinstance(el, etree._Element)]


def select_values(root: etree._Element, selector: str) -> list[str]:
    """Texts (or attribute values) of every element the selector matches, non-empty only."""
    css, attr = _split_attr(selector)
    values = []
    for el in select(root, css):
        raw = el.get(attr) if attr else text_of(el)
        if raw and clean_line(raw):
            values.append(clean_line(raw))
    return values


def first_match(root: etree._Element, selectors: tuple[str, ...]) -> tuple[etree._Element, str] | None:
    """The first element the selectors match (in their order) with a non-empty value, and
    that value (its text, or the attribute a selector names)."""
    for selector in selectors:
        css, attr = _split_attr(selector)
        for el in select(root, css):
            raw = el.get(attr) if attr else text_of(el)
            value = clean_line(raw) if raw else ""
            if value:
                return el, value
    return None


def first_value(root: etree._Element, selectors: tuple[str, ...], *, last: bool = False) -> str | None:
    if not last:
        found = first_match(root, selectors)
        return found[1] if found else None
    for selector in selectors:
        values = select_values(root, selector)
        if values:
            return values[-1] if last else values[0]
    return None


def first_element(root: etree._Element, selectors: tuple[str, ...]) -> etree._Element | None:
    for selector in selectors:
        found = select(root, selector)
        if found:
            return found[0]
    return None


#: descendants that make :func:`text_of` walk the element (a block break, or text never shown)
_BREAKING_TAGS = tuple(sorted(BLOCK_TAGS | SKIP_TAGS))


def text_of(el: etree._Element) -> str:
    """An element's visible text on one line. Without a block or a hidden element inside, its
    text nodes joined are that text (read in C, far cheaper than walking it)."""
    if isinstance(el.tag, str) and el.tag.lower() not in SKIP_TAGS \
            and next(el.iterdescendants(*_BREAKING_TAGS), None) is None:
        return clean_line("".join(el.itertext()))
    return clean_line(" ".join(paragraphs_of(el)))


def paragraphs_of(el: etree._Element) -> list[str]:
    """Visible text of an element split at block boundaries, clean, non-empty."""
    out: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        line = clean_line("".join(buffer))
        if line:
            out.append(line)
        buffer.clear()

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in SKIP_TAGS or not isinstance(node.tag, str):
            if node.tail:
                buffer.append(node.tail)
            return
        block = tag.lower() in BLOCK_TAGS
        if block:
            flush()
        if node.text:
            buffer.append(node.text)
        for child in node:
            walk(child)
        if block:
            flush()
        if node.tail:
            buffer.append(node.tail)

    tail = el.tail
    try:
        el.tail = None
        walk(el)
    finally:
        el.tail = tail
    flush()
    return out


def remove(el: etree._Element) -> None:
    """Drop an element but keep its tail text in the tree."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


#: ``<base href>`` (compiled once: ``root.xpath`` compiles on every call)
_BASE_HREF = etree.XPath("//base/@href")


def base_url(root: etree._Element, url: str) -> str:
    """The URL relative links resolve against (``<base href>`` wins)."""
    for href in _BASE_HREF(root):
        if str(href).strip():
            return safe_join(url, str(href).strip()) or url
    return url


def absolute(base: str, link: str | None) -> str | None:
    if not link:
        return None
    link = link.strip()
    if not link or link.startswith(("javascript:", "data:", "mailto:", "#")):
        return None
    return joined(base, link)


@lru_cache(maxsize=4096)
def joined(base: str, link: str) -> str | None:
    """``link`` resolved against ``base``, None when malformed (:func:`safe_join`); memoised:
    a page resolves its image and document links more than once (fields, then body_html)."""
    return safe_join(base, link)
