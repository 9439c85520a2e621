"""Joomla without SEF URLs (Thừa Thiên Huế): ``/index.php?option=com_content&view=article&id=N
&catid=C&Itemid=I``, the same article with parameters in another order, print views
(``&tmpl=component&print=1``), e-mail views (``option=com_mailto&link=<base64 URL>``), category
listings paginated with ``&limitstart=N``. The canonical query keeps Joomla's own order.

Extraction (``PROFILE``): Joomla 3 (``com_content`` article view, ``.item-page``).

The article info block (``dl.article-info``) holds "Viết bởi ...", the date in words
("Được đăng ngày 12 tháng 3 năm 2024", no time) and the hit counter; the lead is the
first paragraph, in bold; images carry their caption in italics in the same paragraph.
"""

from __future__ import annotations

from scrapers.discovery.adapter import Adapter, patterns
from scrapers.extract.profile import Profile
from scrapers.portals.urls import UrlRules

PROFILE = Profile(
    name="joomla",
    title=(".item-page h2", ".item-page h1", '[itemprop="headline"]'),
    summary=(".item-page > p:first-of-type > strong", ".item-page .introtext"),
    published=(".article-info .published", ".article-info .create", '[itemprop="datePublished"] @datetime'),
    modified=(".article-info .modified",),
    author=(".article-info .createdby", '[itemprop="author"]'),
    category=(".article-info .category-name a", ".article-info .category-name", ".breadcrumb li", ".breadcrumbs a"),
    tags=(".tags a",),
    body=('.item-page [itemprop="articleBody"]', ".item-page"),
    category_by_url=(("Itemid", "li.item-{value} > a"),),
    alias_links=(".actions .print-icon a @href",),
    noise=("h1", "h2", ".article-info", ".actions", ".icons", ".pager", ".content_rating"),
)


ADAPTER = Adapter(
    name="joomla",
    profile=PROFILE,
    rules=UrlRules(
        drop_params=frozenset({"tmpl", "print", "layout", "format", "hitcount", "showall", "return"}),
        param_order=("option", "view", "id", "catid", "Itemid"),
        base64_link_param="link",
    ),
    start_paths=("/",),
    article_patterns=patterns(
        r"^/index\.php\?option=com_content&view=article&id=\d+", r"^/[a-z0-9-]+/[a-z0-9-]+/\d+-[^/?]+(?:\.html)?$"
    ),
    listing_patterns=patterns(r"^/index\.php\?option=com_content&view=(?:category|featured|section)", r"^/index\.php$"),
    ignore_patterns=patterns(
        r"option=com_(?:mailto|users|user|search|finder|contact|weblinks|banners)",
        r"^/administrator/",
        r"format=(?:feed|pdf|raw)",
        # actions (edit, vote, download counters); ``task=view``/``category``/``section`` is how
        # legacy (1.0/1.5) portals address their articles and listings: followed
        r"task=(?!(?:view|category|section|blogcategory|blogsection)(?:&|$))",
    ),
    description="Joomla non-SEF: parameter order, print and e-mail views",
)
