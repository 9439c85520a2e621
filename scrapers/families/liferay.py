"""Liferay 6.2 (Quảng Ngãi, Đắk Lắk, Tiền Giang).

Every link carries the visitor's ``;jsessionid=`` (generic rules drop it); asset-publisher
article URLs ``/web/guest/<page>/-/asset_publisher/<instance>/content/<slug>`` carry portlet
parameters (``p_p_id``, ``p_p_lifecycle``, ``p_p_state``, ``p_p_mode``, ``_<portlet>_redirect``)
that do not change the article; listings page with ``_<portlet>_cur=N``, which is kept.
Documents live under ``/documents/<group>/<folder>/<file>/<uuid>``, images under
``/image/journal/article?img_id=``.

Extraction (``PROFILE``): Liferay portals (``journal-content-article`` web content).

Date line "12-03-2024 09:15:00", followed by "Cập nhật: ..." when the article was
modified; lead in ``.news-summary``; attachments in ``.asset-attachments``; author in
``.asset-author`` after the body.
"""

from __future__ import annotations

from scrapers.discovery.adapter import Adapter, patterns
from scrapers.extract.profile import Profile
from scrapers.portals.urls import UrlRules

PROFILE = Profile(
    name="liferay",
    title=(".journal-content-article .header-title", ".journal-content-article h1", ".asset-title"),
    summary=(".news-summary", ".journal-content-article .summary"),
    published=(".news-date", ".journal-content-article .date", ".publish-date"),
    modified=(".news-date .update-date", ".modified-date"),
    author=(".asset-author", ".journal-content-article .author"),
    category=(".breadcrumb li", ".breadcrumbs a", ".portlet-title"),
    tags=(".asset-tags a",),
    body=(".news-content", ".journal-content-article .journal-content", ".journal-content-article"),
    attachments=(".asset-attachments",),
    noise=(".asset-attachments", ".news-date", ".news-summary", ".taglib-header"),
)


ADAPTER = Adapter(
    name="liferay",
    profile=PROFILE,
    rules=UrlRules(
        drop_prefixes=("p_p_", "p_auth", "p_l_id", "p_v_l_s_g_id"),
        drop_suffixes=("_redirect", "_returntofullpageurl", "_backurl"),
        drop_params=frozenset({"doasuserid", "refererplid", "controlpanelcategory"}),
    ),
    start_paths=("/",),
    article_patterns=patterns(
        r"^/web/[a-z0-9_-]+/[a-z0-9_/-]*/-/asset_publisher/\w+/content/[a-z0-9%_-]+(?:\?|$)",
        r"^/web/[a-z0-9_-]+/[a-z0-9_/-]*/-/journal_content/\w+/\d+/\d+",
        r"^/laws/detail/[a-z0-9%_-]+-\d+/?$",
    ),
    listing_patterns=patterns(r"^/web/[a-z0-9_-]+/[a-z0-9_-]+/?(?:\?|$)", r"_cur=\d+"),
    ignore_patterns=patterns(
        r"^/c/portal/(?:login|logout|layout)", r"p_p_lifecycle=[12]", r"/-/asset_publisher/\w+/rss",
        # portlet actions; a ``.../view_content`` action is how an asset publisher links an article
        r"_struts_action=(?![^&]*view)",
    ),
    description="Liferay: jsessionid everywhere, asset publisher portlet parameters",
)
