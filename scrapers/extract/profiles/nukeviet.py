"""Extraction profile: NukeViet 4 (``news`` module, ``#news-bodyhtml``).

Date "Thứ Hai, 12/03/2024 - 09:15" in ``span.h5``; lead in ``.hometext``; images in
CKEditor tables with the caption in ``td.image_desc``; files in ``.news_download``; the
byline "Tác giả: ..." (or "Nguồn tin: ...", which is no author) after the body."""

from __future__ import annotations

from . import Profile

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
