"""Extraction profile: hand-made portals (``.chitiet`` layouts with Vietnamese class names).

Headline ``h2.tieude``; date "Cập nhật lúc 09:15, ngày 12/03/2024" or "Ngày 12/03/2024" in
``.ngay``; "Tác giả: ..." in ``.tacgia``; lead ``.tomtat``; captions ``span.ghichu`` under
centred images; attached files as links right after ``.noidung``."""

from __future__ import annotations

from . import Profile

PROFILE = Profile(
    name="custom",
    title=(".chitiet .tieude", ".tieude", ".chitiet h1", ".chitiet h2"),
    summary=(".chitiet .tomtat", ".tomtat"),
    published=(".chitiet .ngay", ".ngay", ".ngaydang"),
    author=(".chitiet .tacgia", ".tacgia"),
    category=(".chitiet .chuyenmuc", ".chuyenmuc"),
    body=(".chitiet .noidung", ".noidung"),
    attachments=(".chitiet > p",),
    image_caption=(".ghichu", ".chuthich", "figcaption", ".caption"),
)
