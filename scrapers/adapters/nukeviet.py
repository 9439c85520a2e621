"""NukeViet 4 (Điện Biên, Lai Châu): ``/news/<cat>/<slug>-<id>.html`` articles, the same
article again under ``/savefile/...`` (the "save this article" view; older sites put it
under ``/news/savefile/``), listings ``/news/<cat>/`` and ``/news/<cat>/page-N/``.
"""

from __future__ import annotations

from scrapers.urls import Rewrite, UrlRules

from .base import Adapter, patterns

ADAPTER = Adapter(
    name="nukeviet",
    profile="nukeviet",
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
    ignore_patterns=patterns(r"^/(?:admin|users|search|uploads)/", r"^/news/(?:rss|search|topic|groups|tag)/"),
    description="NukeViet: savefile duplicates, page-N pagination",
)
