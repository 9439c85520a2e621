"""Stage 2: structured data the page carries about itself.

JSON-LD (``NewsArticle``, ``Article``, ``BlogPosting``, ``Report``, also inside ``@graph``),
OpenGraph and ``article:*`` meta tags, ``itemprop`` microdata, and the first
``<time datetime>``. Dates go through :func:`dates.parse_date` like every other stage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from lxml import etree

from .dates import parse_date
from .dom import first_value
from .text import clean_text

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
    'meta[property="article:author"] @content',
    '[itemprop="author"] [itemprop="name"]',
    '[itemprop="author"]',
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


def _json_ld_objects(root: etree._Element) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in root.xpath('//script[@type="application/ld+json"]'):
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
        return clean_text(str(value.get("name") or "")) or None
    if isinstance(value, str):
        return clean_text(value)
    return None


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


def extract_structured(root: etree._Element) -> Structured:
    ld = _json_ld_objects(root)
    obj = ld[0] if ld else {}
    tags = _keywords(obj.get("keywords")) or tuple(
        t for t in (clean_text(v) for v in root.xpath('//meta[@property="article:tag"]/@content')) if t
    )
    return Structured(
        title=_name(obj.get("headline")) or first_value(root, META_TITLE),
        summary=_name(obj.get("description")) or first_value(root, META_SUMMARY),
        published=parse_date(obj.get("datePublished")) or _first_date(root, META_PUBLISHED),
        modified=parse_date(obj.get("dateModified")) or _first_date(root, META_MODIFIED),
        author=_name(obj.get("author")) or first_value(root, META_AUTHOR),
        category=_name(obj.get("articleSection")) or first_value(root, META_SECTION),
        tags=tags,
        body=obj.get("articleBody") if isinstance(obj.get("articleBody"), str) else None,
        image=_image(obj.get("image")) or first_value(root, ('meta[property="og:image"] @content',)),
    )


def _first_date(root: etree._Element, selectors: tuple[str, ...]) -> str | None:
    for selector in selectors:
        value = first_value(root, (selector,))
        parsed = parse_date(value) if value else None
        if parsed:
            return parsed
    return None
