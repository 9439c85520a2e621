"""Liferay 6.2 (Quảng Ngãi, Đắk Lắk, Tiền Giang).

Every link carries the visitor's ``;jsessionid=`` (generic rules drop it); asset-publisher
article URLs ``/web/guest/<page>/-/asset_publisher/<instance>/content/<slug>`` carry portlet
parameters (``p_p_id``, ``p_p_lifecycle``, ``p_p_state``, ``p_p_mode``, ``_<portlet>_redirect``)
that do not change the article; listings page with ``_<portlet>_cur=N``, which is kept.
Documents live under ``/documents/<group>/<folder>/<file>/<uuid>``, images under
``/image/journal/article?img_id=``.
"""

from __future__ import annotations

from scrapers.urls import UrlRules

from .base import Adapter, patterns

ADAPTER = Adapter(
    name="liferay",
    profile="liferay",
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
        r"^/c/portal/(?:login|logout|layout)", r"p_p_lifecycle=[12]", r"_struts_action=", r"/-/asset_publisher/\w+/rss",
    ),
    description="Liferay: jsessionid everywhere, asset publisher portlet parameters",
)
