"""Stage 2: structured data the page carries about itself.

JSON-LD (``NewsArticle``, ``Article``, ``BlogPosting``, ``Report``, also inside ``@graph``),
OpenGraph and ``article:*`` meta tags, ``itemprop`` microdata, and the first
``<time datetime>``. Dates go through :func:`dates.parse_date` like every other stage.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml import etree

from archive.corpus.article import STAGE_STRUCTURED

from .byline import is_organisation
from .dates import parse_date
from .dom import first_value, paragraphs_of
from .found import FoundFields
from .text import clean_text, split_paragraphs

#: an HTML tag inside a text value
MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "BlogPosting", "Report", "ReportageNewsArticle", "WebPage"})

#: meta and microdata selectors per field, tried after JSON-LD
META_TITLE = ('meta[property="og:title"] @content', 'meta[name="twitter:title"] @content', '[itemprop="headline"]')
META_SUMMARY = ('meta[property="og:description"] @content', 'meta[name="description"] @content')
META_PUBLISHED = (
    'meta[property="article:published_time"] @content',
    'meta[itemprop="datePublished"] @content',
    '[itemprop="datePublished"] @datetime',
    '[itemprop="datePublished"]',
    'meta[name="pubdate"] @content',
    'meta[name="publishdate"] @content',
    "time[datetime] @datetime",
)
META_MODIFIED = (
    'meta[property="article:modified_time"] @content',
    'meta[itemprop="dateModified"] @content',
    '[itemprop="dateModified"] @datetime',
    'meta[property="og:updated_time"] @content',
)
META_AUTHOR = (
    'meta[property="article:author"] @content', '[itemprop="author"] [itemprop="name"]', '[itemprop="author"]',
)
META_SECTION = ('meta[property="article:section"] @content', '[itemprop="articleSection"]')
META_TAGS = 'meta[property="article:tag"] @content'


@dataclass(frozen=True)
class Structured:
    title: str | None = None
    summary: str | None = None
    published: str | None = None
    modified: str | None = None
    author: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    body: str | None = None
    image: str | None = None


#: compiled once (``root.xpath`` compiles on every call)
_JSON_LD = etree.XPath('//script[@type="application/ld+json"]')
_SITE_NAMES = etree.XPath('//meta[@property="og:site_name"]/@content')
_TAGS = etree.XPath('//meta[@property="article:tag"]/@content')


def _json_ld_objects(root: etree._Element) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in _JSON_LD(root):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if not isinstance(item, dict):
                continue
            if isinstance(item.get("@graph"), list):
                stack.extend(item["@graph"])
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(kind in ARTICLE_TYPES for kind in kinds):
                found.append(item)
    # a NewsArticle beats a WebPage
    found.sort(key=lambda item: "WebPage" in str(item.get("@type")))
    return found


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return clean_text(html.unescape(str(value.get("name") or ""))) or None
    if isinstance(value, str):
        return clean_text(html.unescape(value))
    return None


def _person(value: Any, site_names: tuple[str, ...]) -> str | None:
    """The author when it is a person: an ``Organization`` or the site's name is none."""
    if isinstance(value, list):
        names = [n for n in (_person(v, site_names) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict) and str(value.get("@type") or "Person") not in ("Person", "person"):
        return None
    name = _name(value)
    return name if name and not is_organisation(name, site_names) else None


def _keywords(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return ()
    return tuple(k for k in (clean_text(str(v)) for v in value) if k)


def _image(value: Any) -> str | None:
    if isinstance(value, list) and value:
        return _image(value[0])
    if isinstance(value, dict):
        return _image(value.get("url"))
    return value if isinstance(value, str) and value.strip() else None


#: the fields of :class:`Structured` (``summary`` is the page's description)
STRUCTURED_FIELDS = frozenset({"title", "summary", "published", "modified", "author", "category", "tags", "image"})


def extract_structured(root: etree._Element, wanted: frozenset[str] = STRUCTURED_FIELDS) -> Structured:
    """What the page's structured data says; of :data:`STRUCTURED_FIELDS`, only the ``wanted``
    ones are looked for (``articleBody`` always is)."""
    ld = _json_ld_objects(root)
    obj = ld[0] if ld else {}
    found: dict[str, Any] = {}
    if "author" in wanted:
        sites = tuple(str(v) for v in _SITE_NAMES(root))
        publisher = next((o.get("publisher") for o in ld if isinstance(o.get("publisher"), dict)), None)
        if publisher and publisher.get("name"):
            sites += (str(publisher["name"]),)
        found["author"] = _person(obj.get("author"), sites) or _person(first_value(root, META_AUTHOR), sites)
    if "tags" in wanted:
        found["tags"] = _keywords(obj.get("keywords")) or tuple(
            t for t in (clean_text(v) for v in _TAGS(root)) if t
        )
    readers = {
        "title": lambda: _name(obj.get("headline")) or first_value(root, META_TITLE),
        "summary": lambda: _name(obj.get("description")) or first_value(root, META_SUMMARY),
        "published": lambda: parse_date(obj.get("datePublished")) or _first_date(root, META_PUBLISHED),
        "modified": lambda: parse_date(obj.get("dateModified")) or _first_date(root, META_MODIFIED),
        "category": lambda: _name(obj.get("articleSection")) or first_value(root, META_SECTION),
        "image": lambda: _image(obj.get("image")) or first_value(root, ('meta[property="og:image"] @content',)),
    }
    for name, read in readers.items():
        if name in wanted:
            found[name] = read()
    body = obj.get("articleBody")
    return Structured(body=html.unescape(body) if isinstance(body, str) else None, **found)


def _first_date(root: etree._Element, selectors: tuple[str, ...]) -> str | None:
    for selector in selectors:
        value = first_value(root, (selector,))
        parsed = parse_date(value) if value else None
        if parsed:
            return parsed
    return None


def prefer_structured_body(found: FoundFields) -> None:
    """A JSON-LD ``articleBody`` replaces the page's body only when it is at least as complete
    (a teaser ending in an ellipsis never is)."""
    text = found.get("structured_body")
    if not isinstance(text, str):
        return
    if MARKUP.search(text):  # an articleBody written as HTML: its text, not its tags
        try:
            text = "\n\n".join(paragraphs_of(lxml.html.fragment_fromstring(text, create_parent="div")))
        except (etree.ParserError, ValueError):
            return
    paragraphs = split_paragraphs(text)
    dom = found.get("body")
    dom_len = sum(len(p) for p in dom) if isinstance(dom, list) else 0
    teaser = text.rstrip().endswith(("…", "...", "[…]"))
    if paragraphs and not teaser and sum(len(p) for p in paragraphs) >= dom_len:
        found.values.pop("body", None)
        found.stages.pop("body", None)
        found.offer("body", paragraphs, STAGE_STRUCTURED)
