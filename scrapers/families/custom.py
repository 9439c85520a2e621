"""Home-made portals (Vĩnh Phúc, and the VHV-style portals of Thanh Hóa and Kon Tum): plain
HTML, ``/tin-bai/<slug>-<id>.htm`` articles, ``/chuyen-muc/<cat>.htm?trang=N`` listings, and
the "Liên kết công an các tỉnh" block as a ``<select>`` (handled by ``scrapers.portals.scope``).

Extraction (``PROFILE``): hand-made portals (``.chitiet`` layouts with Vietnamese class names).

Headline ``h2.tieude``; date "Cập nhật lúc 09:15, ngày 12/03/2024" or "Ngày 12/03/2024" in
``.ngay``; "Tác giả: ..." in ``.tacgia``; lead ``.tomtat``; captions ``span.ghichu`` under
centred images; attached files as links right after ``.noidung``.
"""

from __future__ import annotations

from scrapers.discovery.adapter import Adapter, patterns
from scrapers.extract.profile import Profile
from scrapers.portals.urls import UrlRules

PROFILE = Profile(
    name="custom",
    title=(".chitiet .tieude", ".tieude", ".chitiet h1"),  # (an h2 may be the lead: the generic stage tells)
    summary=(".chitiet .tomtat", ".tomtat"),
    published=(".chitiet .ngay", ".ngay", ".ngaydang"),
    author=(".chitiet .tacgia", ".tacgia"),
    category=(".chitiet .chuyenmuc", ".chuyenmuc"),
    body=(".chitiet .noidung", ".noidung"),
    attachments=(".chitiet .noidung ~ p",),  # right after the body (a "Chuyên mục: <a>" line comes before it)
    image_caption=(".ghichu", ".chuthich", "figcaption", ".caption"),
)


ADAPTER = Adapter(
    name="custom",
    profile=PROFILE,
    rules=UrlRules(drop_params=frozenset({"print", "in", "sendmail"})),
    start_paths=("/",),
    article_patterns=patterns(r"^/tin-bai/[a-z0-9-]+-\d+\.html?$", r"^/[a-z0-9-]+/[a-z0-9-]+-\d+\.html?$"),
    listing_patterns=patterns(r"^/chuyen-muc/[a-z0-9-]+\.html?(?:\?trang=\d+)?$", r"^/trang-chu\.html?$"),
    ignore_patterns=patterns(r"^/quan-tri/", r"^/(?:dang-nhap|tim-kiem)"),
    description="custom portals: .htm articles and ?trang=N listings",
)
