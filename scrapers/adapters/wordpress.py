"""WordPress (Sơn La, Quảng Trị): sitemaps (``/wp-sitemap.xml``, core since 5.5), the RSS
feed, category pages with ``/page/N/`` pagination, and ``/<slug>/`` articles.

Aliases: ``?utm_*`` (dropped by the generic rules), ``?p=<id>`` shortlinks (served with a
``<link rel=canonical>`` that extraction reads), ``?replytocom=`` comment views.
"""

from __future__ import annotations

from scrapers.urls import UrlRules

from .base import FEED, SITEMAP, Adapter, patterns
from .feeds import xml_discovery

#: first path segments that are not article slugs
RESERVED = "feed|page|tag|category|author|search|tim-kiem|wp-admin|wp-content|wp-includes|wp-json|comments|trackback|embed"

ADAPTER = Adapter(
    name="wordpress",
    profile="wordpress",
    rules=UrlRules(drop_params=frozenset({"replytocom", "amp", "preview_id", "share"})),
    start_paths=("/", "/wp-sitemap.xml", "/feed/"),
    start_kinds=(("/wp-sitemap.xml", SITEMAP), ("/feed/", FEED)),
    article_patterns=patterns(rf"^/(?!(?:{RESERVED})/)[a-z0-9%-]+/$", r"^/\d{4}/\d{2}/(?:\d{2}/)?[a-z0-9%-]+/$"),
    listing_patterns=patterns(
        r"^/category/[a-z0-9%/-]+/(?:page/\d+/)?$", r"^/page/\d+/$", r"^/tag/[a-z0-9%-]+/$",
    ),
    ignore_patterns=patterns(r"^/(?:wp-admin|wp-login\.php|wp-json|xmlrpc\.php)", r"/(?:feed|embed|trackback)/$", r"^/\?p=\d+"),
    next_selector="a.next.page-numbers, a.next, link[rel=next]",
    discover_hook=xml_discovery,
    description="WordPress: sitemaps, feed, category pagination",
)
