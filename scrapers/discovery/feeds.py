"""Sitemaps (sitemaps.org XML, sitemap indexes) and RSS/Atom feeds: lists of URLs any CMS
family may publish. Each URL is classified by the adapter (article or listing)."""

from __future__ import annotations

from parsel import Selector

from scrapers.portals.urls import resolve_href, url_host

from .adapter import ARTICLE, LISTING, SITEMAP, Adapter, Discovery, Page, Target

SITEMAP_LOCS = "//*[local-name()='sitemap']/*[local-name()='loc']/text()"
URLSET_ENTRIES = "//*[local-name()='url']"
RSS_LINKS = "//*[local-name()='item']/*[local-name()='link']/text()"
ATOM_LINKS = "//*[local-name()='entry']/*[local-name()='link'][not(@rel) or @rel='alternate']/@href"


def is_xml(page: Page) -> bool:
    head = page.text[:300].lstrip().lower()
    return "xml" in page.content_type or head.startswith(("<?xml", "<rss", "<urlset", "<sitemapindex", "<feed"))


def xml_discovery(adapter: Adapter, page: Page) -> Discovery:
    """Sitemap index -> sitemaps; urlset -> articles and listings; feed -> articles."""
    if not is_xml(page) or "html" in page.content_type:
        return Discovery()
    try:
        sel = Selector(text=page.text, type="xml")
    except ValueError:
        return Discovery()
    host = url_host(page.url)
    sitemaps, articles, listings = [], [], []
    for loc in sel.xpath(SITEMAP_LOCS).getall():
        url = resolve_href(loc, page.url)
        if url and url_host(url) == host:
            sitemaps.append(Target(adapter.canonicalize(url), SITEMAP))
    entries: list[tuple[str, str | None]] = []
    for entry in sel.xpath(URLSET_ENTRIES):
        entry_loc = entry.xpath("normalize-space(*[local-name()='loc'])").get()
        lastmod = entry.xpath("normalize-space(*[local-name()='lastmod'])").get()
        entries.append((entry_loc or "", lastmod or None))
    entries += [(loc, None) for loc in sel.xpath(f"{RSS_LINKS} | {ATOM_LINKS}").getall()]
    for loc, lastmod in entries:
        url = resolve_href(loc, page.url)
        if not url or url_host(url) != host:
            continue
        canonical = adapter.canonicalize(url)
        if adapter.is_ignored(canonical):
            continue
        if adapter.is_article(canonical):
            articles.append(Target(canonical, ARTICLE, modified=lastmod))
        elif adapter.is_listing(canonical) or page.kind == SITEMAP:
            listings.append(Target(canonical, LISTING))
    return Discovery(articles=tuple(articles), listings=(*sitemaps, *listings))

