"""The web interface of ``congan serve``: search page, article pages, crawl list, JSON API.

A thin Flask layer over :mod:`archive.search` (and the corpus, access rules and crawl
history); the JSON API is documented in docs/api.md.
"""

from __future__ import annotations

from .app import WebConfig, create_app

__all__ = ["WebConfig", "create_app"]
