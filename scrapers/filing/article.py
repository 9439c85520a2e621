"""Filing one article capture in the corpus: the one path the crawl pipeline and ``congan
reextract`` share, so that both give the same records.

A ``PageCapture`` is one captured article page (from the crawl or read back from the WARCs).
``extract_page`` places it (``placement``: the canonical URL by the family's rules unless the
crawl knew it, the portal, its provinces from the registry, the extraction profile) and
extracts it, or re-places the article of an earlier capture for a revisit; ``file_article``
adds the result to the corpus, seen at the capture's time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from archive.corpus import AddResult, CaptureRef, CorpusStore, ExtractedArticle
from archive.corpus.article import site_of
from archive.corpus.record import timestamp_to_datetime
from scrapers.discovery.adapter import Adapter
from scrapers.extract import extract_article
from scrapers.families import adapter_or_generic
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


def placement(
    url: str, adapter: str | Adapter | None, registry: Registry | None, site: str | None = None,
    canonical: str | None = None,
) -> Placement:
    """Where the page of ``url`` belongs. ``adapter`` is the family that fetched it (an adapter
    or its name; else the registry's, else generic); ``canonical`` the crawl's canonical URL
    when the fetched URL does not say it (a JSON API answer), else the family's rules give it."""
    portal = registry.get(url) if registry is not None else None
    adapter_name = adapter.name if isinstance(adapter, Adapter) else adapter
    name = adapter_name or (portal.adapter if portal is not None else None) or "generic"
    family = adapter if isinstance(adapter, Adapter) else adapter_or_generic(name)
    return Placement(
        canonical_url=canonical or family.canonicalize(url),
        site=portal.domain if portal is not None else (site or site_of(url)),
        province=portal.province_vi if portal is not None else None,
        province_2025=portal.province_2025 if portal is not None and portal.province_2025 else None,
        adapter=adapter_name or name,
        profile=family.profile.name,
    )


def declared_canonical(article: ExtractedArticle, where: Placement) -> str | None:
    """The page's own canonical URL (``<link rel=canonical>``, the JSON API's ``Url``) in the
    adapter's canonical form, when it is a page of the same portal (not its home page)."""
    declared = article.declared_canonical
    if not declared or site_of(declared) not in (where.site, site_of(article.fetched_url)):
        return None
    if urlsplit(declared).path in ("", "/") and not urlsplit(declared).query:
        return None
    return adapter_or_generic(where.adapter).canonicalize(declared)


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


@dataclass(frozen=True)
class PageCapture:
    """One captured article page to file: its URL, the capture it came from, the payload and
    headers (empty for a revisit), how the crawl saw it (family, portal, canonical URL when the
    fetched URL does not say it) and the other URLs the crawl saw it under."""

    url: str
    capture: CaptureRef | None
    body: bytes = b""
    headers: Mapping[str, str] | None = None
    adapter: str | Adapter | None = None
    site: str | None = None
    canonical: str | None = None
    profile: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Filing:
    page: PageCapture
    where: Placement
    #: the article as its page says it, placed (what a later revisit of the page re-files)
    extracted: ExtractedArticle
    #: the same with the other URLs the crawl saw it under: what goes to the corpus
    article: ExtractedArticle
    #: new / changed / unchanged; None until filed, or when the page held no article
    result: AddResult | None = None


def extract_page(page: PageCapture, registry: Registry | None, earlier: ExtractedArticle | None = None) -> Filing:
    """Place and extract one page; with ``earlier`` (a revisit: same payload, or HTTP 304) the
    article of the capture it refers to is re-placed instead of extracting anything."""
    where = placement(page.url, page.adapter, registry, page.site, page.canonical)
    if page.profile:
        where = replace(where, profile=page.profile)
    if earlier is None:
        extracted = extract_placed(page.body, page.url, page.headers, where)
    else:
        extracted = placed(earlier, where, page.url)
    return Filing(page, where, extracted, placed(extracted, where, page.url, page.aliases))


def file_article(store: CorpusStore, filing: Filing) -> Filing:
    """Add an extracted page to the corpus, seen at its capture's time; ``result`` None when
    the page held no article (no title or body). The page must have a capture."""
    capture = filing.page.capture
    if capture is None:
        raise ValueError(f"{filing.page.url} has no WARC capture: nothing to link the article to")
    seen_at = timestamp_to_datetime(capture.timestamp) if capture.timestamp else datetime.now(UTC)
    return replace(filing, result=file_capture(store, filing.article, capture, seen_at))


def file_capture(
    store: CorpusStore, article: ExtractedArticle, capture: CaptureRef, seen_at: datetime
) -> AddResult | None:
    """Add an extracted article; None when the page held no article (no title or body)."""
    if not article.has_content:
        return None
    return store.add(article, capture, seen_at)
