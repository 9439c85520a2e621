"""VNPT Portal (Lào Cai): a category page shows its first articles; a "Xem thêm" button loads
the following ones from an AJAX endpoint that answers an HTML fragment
(``/Ajax/ArticleList?cat=N&page=P``, empty past the end). The button says where:
``data-url`` (or ``data-cat`` + ``data-page``). Articles: ``/<category>/<slug>-<id>``.

Extraction (``PROFILE``): VNPT's government portal product (``ArticleDetail``).

Date "12/03/2024 09:15" (some articles show the day only) beside the view counter in
``.PublishDate``; lead in ``.Lead``; the author signs the last paragraph in bold.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from scrapers.discovery.adapter import API, Adapter, Discovery, Page, Target, patterns
from scrapers.extract.profile import Profile
from scrapers.portals.urls import UrlRules, resolve_href

AJAX_PATH = "/Ajax/ArticleList"
#: elements that load more articles, and where they say to load them from
MORE_XPATH = "//*[@data-url and contains(@data-url, 'Ajax')] | //*[contains(@class, 'btn-more')][@data-cat]"
PAGE_PARAM = re.compile(r"([?&]page=)(\d+)", re.IGNORECASE)


def ajax_pages(adapter: Adapter, page: Page) -> Discovery:
    """The first AJAX page behind a "Xem thêm" button; the next one after a non-empty page."""
    if AJAX_PATH.lower() in page.url.lower():
        if not page.text.strip():
            return Discovery()
        match = PAGE_PARAM.search(page.url)
        if not match:
            return Discovery()
        following = PAGE_PARAM.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 1}", page.url, count=1)
        return Discovery(next_pages=(Target(adapter.canonicalize(following), API, sequence=page.sequence),))
    if "html" not in page.content_type:
        return Discovery()
    targets = []
    for node in page.selector().xpath(MORE_XPATH):
        href = node.attrib.get("data-url")
        if not href and node.attrib.get("data-cat"):
            href = f"{AJAX_PATH}?" + urlencode(
                {"cat": node.attrib["data-cat"], "page": node.attrib.get("data-page", "2")}
            )
        url = resolve_href(href, page.base)
        if url:
            canonical = adapter.canonicalize(url)
            targets.append(Target(canonical, API, sequence=f"ajax:{canonical}"))
    return Discovery(listings=tuple(targets))


PROFILE = Profile(
    name="vnpt",
    title=(".ArticleDetail h1.Title", ".ArticleDetail h1", ".ArticleTitle"),
    summary=(".ArticleDetail .Lead", ".ArticleLead"),
    published=(".ArticleDetail .PublishDate", ".PublishDate"),
    author=(".ArticleDetail .Author",),
    category=(".BreadCrumb a", ".BreadCrumb li"),
    tags=(".ArticleTags a",),
    body=(".ArticleDetail .ArticleContent", ".ArticleContent"),
    noise=(".PublishDate", ".Lead"),
)


ADAPTER = Adapter(
    name="vnpt",
    profile=PROFILE,
    rules=UrlRules(),
    start_paths=("/",),
    article_patterns=patterns(r"^/[a-z0-9-]+/[a-z0-9-]+-\d+(?:\.html?)?$"),
    listing_patterns=patterns(r"^/[a-z0-9-]+/?$"),
    # static files of the asset folders (a page under /Content/ on another portal is followed)
    ignore_patterns=patterns(
        r"^/(?:Scripts|Content|Uploads)/[^?]*\.(?:js|css|map|jpe?g|png|gif|svg|webp|ico|woff2?|ttf|eot)(?:\?|$)",
        r"^/(?:dang-nhap|tim-kiem)",
    ),
    discover_hook=ajax_pages,
    description="VNPT Portal: AJAX 'Xem thêm' pagination returning HTML fragments",
)
