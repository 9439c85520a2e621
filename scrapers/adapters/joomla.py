"""Joomla without SEF URLs (Thừa Thiên Huế): ``/index.php?option=com_content&view=article&id=N
&catid=C&Itemid=I``, the same article with parameters in another order, print views
(``&tmpl=component&print=1``), e-mail views (``option=com_mailto&link=<base64 URL>``), category
listings paginated with ``&limitstart=N``. The canonical query keeps Joomla's own order.
"""

from __future__ import annotations

from scrapers.urls import UrlRules

from .base import Adapter, patterns

ADAPTER = Adapter(
    name="joomla",
    profile="joomla",
    rules=UrlRules(
        drop_params=frozenset({"tmpl", "print", "layout", "format", "hitcount", "showall", "return"}),
        param_order=("option", "view", "id", "catid", "Itemid"),
        base64_link_param="link",
    ),
    start_paths=("/",),
    article_patterns=patterns(r"^/index\.php\?option=com_content&view=article&id=\d+", r"^/[a-z0-9-]+/[a-z0-9-]+/\d+-[^/?]+(?:\.html)?$"),
    listing_patterns=patterns(r"^/index\.php\?option=com_content&view=(?:category|featured|section)", r"^/index\.php$"),
    ignore_patterns=patterns(
        r"option=com_(?:mailto|users|user|search|finder|contact|weblinks|banners)", r"^/administrator/",
        r"format=(?:feed|pdf|raw)", r"task=",
    ),
    description="Joomla non-SEF: parameter order, print and e-mail views",
)
