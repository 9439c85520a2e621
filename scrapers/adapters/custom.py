"""Home-made portals (Vĩnh Phúc, and the VHV-style portals of Thanh Hóa and Kon Tum): plain
HTML, ``/tin-bai/<slug>-<id>.htm`` articles, ``/chuyen-muc/<cat>.htm?trang=N`` listings, and
the "Liên kết công an các tỉnh" block as a ``<select>`` (handled by ``scrapers.scope``).
"""

from __future__ import annotations

from scrapers.urls import UrlRules

from .base import Adapter, patterns

ADAPTER = Adapter(
    name="custom",
    profile="custom",
    rules=UrlRules(drop_params=frozenset({"print", "in", "sendmail"})),
    start_paths=("/",),
    article_patterns=patterns(r"^/tin-bai/[a-z0-9-]+-\d+\.html?$", r"^/[a-z0-9-]+/[a-z0-9-]+-\d+\.html?$"),
    listing_patterns=patterns(r"^/chuyen-muc/[a-z0-9-]+\.html?(?:\?trang=\d+)?$", r"^/trang-chu\.html?$"),
    ignore_patterns=patterns(r"^/quan-tri/", r"^/(?:dang-nhap|tim-kiem)"),
    description="custom portals: .htm articles and ?trang=N listings",
)
