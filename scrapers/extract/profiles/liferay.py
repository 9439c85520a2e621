"""Extraction profile: Liferay portals (``journal-content-article`` web content).

Date line "12-03-2024 09:15:00", followed by "Cập nhật: ..." when the article was
modified; lead in ``.news-summary``; attachments in ``.asset-attachments``; author in
``.asset-author`` after the body."""

from __future__ import annotations

from . import Profile

PROFILE = Profile(
    name="liferay",
    title=(".journal-content-article .header-title", ".journal-content-article h1", ".asset-title"),
    summary=(".news-summary", ".journal-content-article .summary"),
    published=(".news-date", ".journal-content-article .date", ".publish-date"),
    modified=(".news-date .update-date", ".modified-date"),
    author=(".asset-author", ".journal-content-article .author"),
    category=(".breadcrumb li", ".breadcrumbs a", ".portlet-title"),
    tags=(".asset-tags a",),
    body=(".news-content", ".journal-content-article .journal-content", ".journal-content-article"),
    attachments=(".asset-attachments",),
    noise=(".asset-attachments", ".news-date", ".news-summary", ".taglib-header"),
)
