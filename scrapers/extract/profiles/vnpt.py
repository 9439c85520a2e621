"""Extraction profile: VNPT's government portal product (``ArticleDetail``).

Date "12/03/2024 09:15" (some articles show the day only) beside the view counter in
``.PublishDate``; lead in ``.Lead``; the author signs the last paragraph in bold."""

from __future__ import annotations

from . import Profile

PROFILE = Profile(
    name="vnpt",
    title=(".ArticleDetail h1.Title", ".ArticleDetail h1", ".ArticleTitle"),
    summary=(".ArticleDetail .Lead", ".ArticleLead"),
    published=(".ArticleDetail .PublishDate", ".PublishDate"),
    author=(".ArticleDetail .Author",),
    category=(".BreadCrumb a", ".BreadCrumb li"),
    tags=(".ArticleTags a",),
    body=(".ArticleDetail .ArticleContent", ".ArticleContent"),
    noise=(".PublishDate", ".Lead"),
)
