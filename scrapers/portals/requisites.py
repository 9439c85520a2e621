"""Page requisites of an HTML page: what a browser would load to show it (SPEC 5).

Images (``src``, ``srcset``, lazy-loading ``data-src``), stylesheets, scripts, icons, and
documents attached to the page (PDF, Word, Excel...). The crawler fetches the in-scope ones
so that replay looks right; the others are outlinks.
"""

from __future__ import annotations

from parsel import Selector

from scrapers.discovery.adapter import ATTACHMENT_RE
from scrapers.portals.urls import document_base, resolve_href

#: (XPath of attribute values, whether the value is a srcset list)
REQUISITE_XPATHS: tuple[tuple[str, bool], ...] = (
    ("//img/@src | //img/@data-src | //img/@data-original | //input[@type='image']/@src", False),
    ("//img/@srcset | //source/@srcset", True),
    ("//link[contains(concat(' ', normalize-space(@rel), ' '), ' stylesheet ')]/@href", False),
    ("//link[contains(@rel, 'icon')]/@href", False),
    ("//script/@src", False),
    ("//video/@src | //video/@poster | //audio/@src | //source/@src | //embed/@src | //object/@data", False),
    ("//iframe/@src", False),
)


def _srcset(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def requisite_urls(html_text: str, url: str, sel: Selector | None = None) -> list[str]:
    """Absolute URLs of the page's requisites and attached documents, in page order."""
    sel = sel if sel is not None else Selector(text=html_text or "<html></html>")
    base = document_base(html_text, url)
    found: list[str] = []
    for xpath, is_srcset in REQUISITE_XPATHS:
        for value in sel.xpath(xpath).getall():
            for href in _srcset(value) if is_srcset else [value]:
                absolute = resolve_href(href, base)
                if absolute:
                    found.append(absolute)
    for href in sel.xpath("//a/@href").getall():
        absolute = resolve_href(href, base)
        if absolute and ATTACHMENT_RE.search(absolute):
            found.append(absolute)
    return list(dict.fromkeys(found))
