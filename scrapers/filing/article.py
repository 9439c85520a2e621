"""Filing one article capture in the corpus: what the crawl pipeline and ``congan
reextract`` share, so that both give the same records.

``placement`` answers, for a URL and the adapter that fetched it, the canonical URL (the
adapter's rules), the portal, its provinces (the registry) and the extraction profile;
``file_capture`` extracts the page and adds it to the corpus.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from archive.corpus import AddResult, CaptureRef, CorpusStore, ExtractedArticle
from archive.corpus.article import site_of
from scrapers.families import UnknownAdapter, get_adapter
from scrapers.extract import extract_article
from scrapers.portals.registry import Registry
from scrapers.portals.urls import without_session


@dataclass(frozen=True)
class Placement:
    canonical_url: str
    site: str
    province: str | None
    province_2025: str | None
    adapter: str | None
    profile: str


def placement(url: str, adapter_name: str | None, registry: Registry | None, site: str | None = None) -> Placement:
    portal = registry.get(url) if registry is not None else None
    name = adapter_name or (portal.adapter if portal is not None else None) or "generic"
    try:
        adapter = get_adapter(name)
    except UnknownAdapter:
        adapter = get_adapter("generic")
    return Placement(
        canonical_url=adapter.canonicalize(url),
        site=portal.domain if portal is not None else (site or site_of(url)),
        province=portal.province_vi if portal is not None else None,
        province_2025=portal.province_2025 if portal is not None and portal.province_2025 else None,
        adapter=adapter_name or name,
        profile=adapter.profile.name,
    )


def declared_canonical(article: ExtractedArticle, where: Placement) -> str | None:
    """The page's own canonical URL (``<link rel=canonical>``, the JSON API's ``Url``) in the
    adapter's canonical form, when it is a page of the same portal (not its home page)."""
    declared = article.declared_canonical
    if not declared or site_of(declared) not in (where.site, site_of(article.fetched_url)):
        return None
    if urlsplit(declared).path in ("", "/") and not urlsplit(declared).query:
        return None
    try:
        adapter = get_adapter(where.adapter or "generic")
    except UnknownAdapter:
        adapter = get_adapter("generic")
    return adapter.canonicalize(declared)


def placed(
    article: ExtractedArticle, where: Placement, fetched_url: str, aliases: Iterable[str] = ()
) -> ExtractedArticle:
    """The article filed where it belongs: under the page's declared canonical URL when it
    has one (so aliases, print views and API answers merge), else the crawl's. ``aliases``
    (other URLs the crawl saw for it: links, redirects) join the page's own declared ones;
    only same-site URLs other than the canonical are kept, sorted, each once."""
    canonical = declared_canonical(article, where) or where.canonical_url
    candidates = {without_session(a) for a in (*article.declared_aliases, *aliases) if a}
    same_site = tuple(sorted(a for a in candidates if site_of(a) == site_of(canonical) and a != canonical))
    return replace(
        article,
        url=canonical,
        declared_aliases=same_site,
        fetched_url=fetched_url,
        site=where.site,
        province=where.province,
        province_2025=where.province_2025,
    )


def extract_placed(
    body: bytes, url: str, headers: Mapping[str, str] | None, where: Placement, aliases: Iterable[str] = ()
) -> ExtractedArticle:
    article = extract_article(body, url, headers=headers, profile=where.profile, adapter=where.adapter)
    return placed(article, where, url, aliases)


def file_capture(
    store: CorpusStore, article: ExtractedArticle, capture: CaptureRef, seen_at: datetime
) -> AddResult | None:
    """Add an extracted article; None when the page held no article (no title or body)."""
    if not article.has_content:
        return None
    return store.add(article, capture, seen_at)
