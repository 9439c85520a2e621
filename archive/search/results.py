"""What a search returns: hits, total, facets."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from archive.replay.urls import default_base

from .query import Query
from .snippets import Snippet

#: facet name -> label shown by the web interface
FACETS: dict[str, str] = {
    "province": "Tỉnh, thành (trước 2025)",
    "province_2025": "Đơn vị từ 1/7/2025",
    "site": "Cổng thông tin",
    "category": "Chuyên mục",
    "year": "Năm",
}


def replay_link(replay_url: str | None, base: str | None = None) -> str | None:
    """The address of a capture: corpus records keep ``/<collection>/<ts>/<url>``,
    relative to the replay server (``congan replay``); ``base`` is its origin
    (``$CONGAN_REPLAY_URL`` or http://127.0.0.1:8090 when None)."""
    if not replay_url:
        return None
    if replay_url.startswith(("http://", "https://")):
        return replay_url
    root = (base or default_base()).rstrip("/")
    return root + (replay_url if replay_url.startswith("/") else "/" + replay_url)


@dataclass(frozen=True)
class Hit:
    id: str
    url: str | None
    title: str | None
    published: str | None
    site: str | None
    province: str | None
    province_2025: str | None
    category: str | None
    summary: str | None
    replay_url: str | None
    version: int | None
    score: float | None  # higher is better; None when sorted by date
    snippet: Snippet = field(default_factory=Snippet)
    title_highlight: Snippet = field(default_factory=Snippet)

    def to_json(self, replay_base: str | None = None) -> dict[str, Any]:
        """The documented JSON shape of a hit (docs/api.md)."""
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "published": self.published,
            "site": self.site,
            "province": self.province,
            "province_2025": self.province_2025,
            "category": self.category,
            "snippet": self.snippet.plain(),
            "snippet_html": self.snippet.html(),
            "score": self.score,
            "replay_url": replay_link(self.replay_url, replay_base),
            "version": self.version,
        }


@dataclass(frozen=True)
class FacetValue:
    value: str | None  # None: articles without that field
    count: int


@dataclass(frozen=True)
class SearchResults:
    query: Query
    hits: tuple[Hit, ...]
    total: int
    facets: dict[str, tuple[FacetValue, ...]] = field(default_factory=dict)
    #: what the user should know about the request (an unknown site or province, with a suggestion)
    notices: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.query.limit))

    def to_json(self, replay_base: str | None = None) -> dict[str, Any]:
        return {
            "query": self.query.text,
            "total": self.total,
            "page": self.query.page,
            "pages": self.pages,
            "limit": self.query.limit,
            "sort": self.query.sort,
            "hits": [h.to_json(replay_base) for h in self.hits],
            "notices": list(self.notices),
            "facets": {
                name: [{"value": v.value, "count": v.count} for v in values]
                for name, values in self.facets.items()
            },
        }
