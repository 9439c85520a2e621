"""Portals whose CMS nobody has identified (most of the network): the adapter finds listings,
pagination and articles by itself.

* Articles: URL shapes that Vietnamese news CMSs share (a slug ending in a numeric id,
  an id followed by a slug, ``?id=N`` detail pages, dated folders), or a long slug behind a
  headline-length link text.
* Sitemaps: ``/sitemap.xml`` is tried once; what it lists is classified like links.
* Listings: every other in-site HTML link is explored (``explore``), bounded by the depth and
  page budgets; pagination is a numbered or "Trang sau"/"»" link with a page parameter, or
  ``rel=next``. An empty listing page stops its pagination (SPEC 5: pagination that never
  ends, as on Đà Nẵng's portal, is cut there); calendars are never followed.

Extraction (``PROFILE``): generic (no CMS-specific selectors).

Everything comes from structured data and the generic stage (trafilatura plus the rules
in ``scrapers.extract.generic``); only the common noise selectors apply.
"""

from __future__ import annotations

from scrapers.discovery.adapter import SITEMAP, Adapter, patterns
from scrapers.discovery.feeds import xml_discovery
from scrapers.extract.profile import Profile
from scrapers.portals.urls import UrlRules

#: link texts at least this long (words) behind a slug-like URL are article headlines
HEADLINE_WORDS = 6

ARTICLE_SHAPES = (
    r"[a-z0-9]-\d{2,}\.(?:html?|aspx|php|mhtml|shtml)$",  # /tin-tuc/slug-88117.html
    r"/\d{3,}-[^/?]+\.(?:html?|mhtml|aspx)$",  # /ch40/7679-Title-Slug.mhtml
    r"/[a-z0-9]+(?:-[a-z0-9]+){2,}-\d{3,}/?$",  # /chuyen-muc/slug-1478
    r"/\d{6}/[a-z0-9-]+-\d+/index\.html?$",  # /thong-tin/202504/slug-123/index.htm
    r"[?&](?:newsid|news_id|articleid|article_id|postid|idtin|tinid)=\d+",
    r"/(?:tin-bai|bai-viet|chi-tiet|detail|news-detail)/[^?]+[?&]id=\d+",
    r"/[a-z0-9]+(?:-[a-z0-9]+){6,}(?:\.html?)?/?$",  # a long slug alone
)

PROFILE = Profile(name="generic")


ADAPTER = Adapter(
    name="generic",
    profile=PROFILE,
    rules=UrlRules(drop_params=frozenset({"print", "in", "printable", "sendmail"})),
    # many CMSs publish /sitemap.xml even when nobody knows which CMS it is: one request to try
    start_paths=("/", "/sitemap.xml"),
    start_kinds=(("/sitemap.xml", SITEMAP),),
    speculative=("/sitemap.xml",),
    article_patterns=patterns(*ARTICLE_SHAPES),
    listing_patterns=patterns(r"^/(?:chuyen-muc|danh-muc|category|tin-tuc|news)(?:/|$)"),
    ignore_patterns=patterns(
        r"^/(?:admin|quan-tri|wp-admin|administrator)/", r"\.(?:jpe?g|png|gif|webp|svg|css|js|ico|xml|json|rss)(?:\?|$)"
    ),
    next_selector="a[rel=next], link[rel=next]",
    discover_hook=xml_discovery,
    explore=True,
    extra={"headline_words": HEADLINE_WORDS},
    description="unknown CMS: URL shapes, headline links, rel=next, empty page stops",
)
