"""WordPress (Sơn La, Quảng Trị): sitemaps (``/wp-sitemap.xml``, core since 5.5), the RSS
feed, category pages with ``/page/N/`` pagination, and ``/<slug>/`` articles.

Aliases: ``?utm_*`` (dropped by the generic rules), ``?p=<id>`` shortlinks (served with a
``<link rel=canonical>`` that extraction reads), ``?replytocom=`` comment views.

Extraction (``PROFILE``): WordPress (``single-post`` template, themes derived from _s/Twenty*).

The lead is the first paragraph of ``.entry-content`` in bold; attached documents are
paragraphs of class ``attachment`` ("Tải về: ..."); the publication time is in
``<time datetime>`` and ``article:published_time``.
"""

from __future__ import annotations

from scrapers.discovery.adapter import FEED, SITEMAP, Adapter, patterns
from scrapers.discovery.feeds import xml_discovery
from scrapers.extract.profile import Profile
from scrapers.portals.urls import UrlRules

#: first path segments that are not article slugs
RESERVED = (
    "feed|page|tag|category|author|search|tim-kiem|wp-admin|wp-content|wp-includes|wp-json|comments|trackback|embed"
)

PROFILE = Profile(
    name="wordpress",
    title=("h1.entry-title", "article h1"),
    summary=(".entry-content > p:first-child > strong", ".entry-summary"),
    published=(
        "time.entry-date.published @datetime",
        'meta[property="article:published_time"] @content',
        "time.entry-date",
    ),
    modified=('meta[property="article:modified_time"] @content', "time.updated @datetime"),
    author=(".entry-meta .author", ".byline .author", ".byline"),
    category=(".cat-links a",),
    tags=(".tags-links a",),
    body=(".entry-content", "article .post-content"),
    attachments=(".entry-content .attachment",),
    alias_links=('link[rel="shortlink"] @href',),
    noise=(".attachment", ".entry-meta", ".sharedaddy", ".jp-relatedposts"),
)


ADAPTER = Adapter(
    name="wordpress",
    profile=PROFILE,
    rules=UrlRules(drop_params=frozenset({"replytocom", "amp", "preview_id", "share"})),
    start_paths=("/", "/wp-sitemap.xml", "/feed/"),
    start_kinds=(("/wp-sitemap.xml", SITEMAP), ("/feed/", FEED)),
    article_patterns=patterns(rf"^/(?!(?:{RESERVED})/)[a-z0-9%-]+/$", r"^/\d{4}/\d{2}/(?:\d{2}/)?[a-z0-9%-]+/$"),
    listing_patterns=patterns(
        r"^/category/[a-z0-9%/-]+/(?:page/\d+/)?$",
        r"^/page/\d+/$",
        r"^/tag/[a-z0-9%-]+/$",
    ),
    ignore_patterns=patterns(
        r"^/(?:wp-admin|wp-login\.php|wp-json|xmlrpc\.php)", r"/(?:feed|embed|trackback)/$"
    ),
    next_selector="a.next.page-numbers, a.next, link[rel=next]",
    discover_hook=xml_discovery,
    description="WordPress: sitemaps, feed, category pagination",
)
