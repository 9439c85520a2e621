"""Extraction profile: Joomla 3 (``com_content`` article view, ``.item-page``).

The article info block (``dl.article-info``) holds "Viết bởi ...", the date in words
("Được đăng ngày 12 tháng 3 năm 2024", no time) and the hit counter; the lead is the
first paragraph, in bold; images carry their caption in italics in the same paragraph."""

from __future__ import annotations

from . import Profile

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
