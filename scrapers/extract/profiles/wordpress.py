"""Extraction profile: WordPress (``single-post`` template, themes derived from _s/Twenty*).

The lead is the first paragraph of ``.entry-content`` in bold; attached documents are
paragraphs of class ``attachment`` ("Tải về: ..."); the publication time is in
``<time datetime>`` and ``article:published_time``."""

from __future__ import annotations

from . import Profile

PROFILE = Profile(
    name="wordpress",
    title=("h1.entry-title", "article h1"),
    summary=(".entry-content > p:first-child > strong", ".entry-summary"),
    published=("time.entry-date.published @datetime", 'meta[property="article:published_time"] @content', "time.entry-date"),
    modified=('meta[property="article:modified_time"] @content', "time.updated @datetime"),
    author=(".entry-meta .author", ".byline .author", ".byline"),
    category=(".cat-links a",),
    tags=(".tags-links a",),
    body=(".entry-content", "article .post-content"),
    attachments=(".entry-content .attachment",),
    alias_links=('link[rel="shortlink"] @href',),
    noise=(".attachment", ".entry-meta", ".sharedaddy", ".jp-relatedposts"),
)
