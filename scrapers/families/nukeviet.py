"""NukeViet 4 (Điện Biên, Lai Châu): ``/news/<cat>/<slug>-<id>.html`` articles, the same
article again under ``/savefile/...`` (the "save this article" view; older sites put it
under ``/news/savefile/``), listings ``/news/<cat>/`` and ``/news/<cat>/page-N/``.

Extraction (``PROFILE``): NukeViet 4 (``news`` module, ``#news-bodyhtml``).

Date "Thứ Hai, 12/03/2024 - 09:15" in ``span.h5``; lead in ``.hometext``; images in
CKEditor tables with the caption in ``td.image_desc``; files in ``.news_download``; the
byline "Tác giả: ..." (or "Nguồn tin: ...", which is no author) after the body.
"""

from __future__ import annotations

from scrapers.discovery.adapter import Adapter, patterns
from scrapers.extract.profile import Profile
from scrapers.portals.urls import Rewrite, UrlRules

PROFILE = Profile(
    name="nukeviet",
    title=(".news_column h1.title", "h1.title", ".news_column h1"),
    summary=(".hometext", ".news_column .summary"),
    published=(".news_column span.h5", ".news_column .time", ".news_column .h5"),
    author=(".news_column p.text-right", ".news_column .author"),
    category=(".breadcrumb li", ".breadcrumb a"),
    tags=(".keywords a", ".keywords"),
    body=("#news-bodyhtml", ".bodytext"),
    attachments=(".news_download",),
    alias_links=("a[href*='/savefile/'] @href",),
    noise=(".news_download",),
)


ADAPTER = Adapter(
    name="nukeviet",
    profile=PROFILE,
    rules=UrlRules(
        drop_params=frozenset({"nv", "op", "print"}),
        rewrites=(
            Rewrite.of(r"/(?:news/)?savefile/([^/?#]+)/([^/?#]+?)-(\d+)(?:\.html|/)?(?=$|\?)", r"/news/\1/\2-\3.html"),
            Rewrite.of(r"/print/([^/?#]+)/([^/?#]+?)-(\d+)\.html", r"/news/\1/\2-\3.html"),
        ),
    ),
    start_paths=("/",),
    article_patterns=patterns(r"^/news/[a-z0-9-]+/[a-z0-9-]+-\d+\.html$"),
    listing_patterns=patterns(r"^/news/[a-z0-9-]+/(?:page-\d+/)?$", r"^/news/?$"),
    ignore_patterns=patterns(r"^/(?:admin|users|search|uploads)/", r"^/news/(?:rss|search)/"),
    description="NukeViet: savefile duplicates, page-N pagination",
)
