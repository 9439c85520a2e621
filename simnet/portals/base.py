"""What every simulated portal shares: URL conventions of articles, assets, truth fields."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime

from .. import assets
from ..catalog import Article, Catalog
from ..layout import links_block
from ..messages import Request, Response, data, not_found
from ..sites import SITES, SiteSpec

_SLUG_INDEX = re.compile(r"-so-(\d+)$")
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


class Portal:
    """Base of the CMS families. Subclasses set the URL rules and render pages."""

    cms = "base"
    #: Some articles show a date without a time (Article.show_time False).
    time_optional = False
    #: The page never shows a time of day.
    date_only = False
    #: The page shows a modification date.
    shows_modified = False
    #: Asset URL patterns with named groups ``id`` and ``n`` (parsed back to the article).
    IMAGE_RE: re.Pattern[str] | None = None
    DOC_RE: re.Pattern[str] | None = None

    def __init__(self, spec: SiteSpec, catalog: Catalog, sites: tuple[SiteSpec, ...] = SITES) -> None:
        self.spec = spec
        self.catalog = catalog
        self.base = spec.base
        self.sites = sites  # the portals of this network (the block links them)

    # -- to override -------------------------------------------------------------------
    def article_path(self, a: Article) -> str:
        raise NotImplementedError

    def alias_paths(self, a: Article) -> list[str]:
        return []

    def image_path(self, a: Article, n: int) -> str:
        raise NotImplementedError

    def doc_path(self, a: Article, n: int) -> str:
        raise NotImplementedError

    def route(self, req: Request) -> Response | None:
        raise NotImplementedError

    def not_found(self) -> Response:
        return not_found()

    # -- truth -------------------------------------------------------------------------
    def canonical_url(self, a: Article) -> str:
        return self.base + self.article_path(a)

    def aliases(self, a: Article) -> list[str]:
        return [self.base + p for p in self.alias_paths(a)]

    def images(self, a: Article) -> list[dict[str, str]]:
        return [{"url": self.base + self.image_path(a, n), "caption": c} for n, c in enumerate(a.captions)]

    def attachments(self, a: Article) -> list[dict[str, str]]:
        return [{"url": self.base + self.doc_path(a, n), "title": t} for n, t in enumerate(a.attachment_titles)]

    def shows_time(self, a: Article) -> bool:
        return not self.date_only and (a.show_time or not self.time_optional)

    def author(self, a: Article) -> str | None:
        return a.author

    def published_truth(self, a: Article) -> str:
        return a.published.isoformat() if self.shows_time(a) else a.published.date().isoformat()

    def modified_truth(self, a: Article) -> str | None:
        if not self.shows_modified or a.modified is None:
            return None
        return a.modified.isoformat()

    # -- helpers for subclasses ----------------------------------------------------------
    def links_block(self, *, as_select: bool = False) -> str:
        return links_block(self.spec.domain, as_select=as_select, sites=self.sites)

    def t(self, text: str) -> str:
        """Text as this portal publishes it (decomposed on NFD portals)."""
        return unicodedata.normalize("NFD", text) if self.spec.nfd else text

    def article(self, req_id: str | int) -> Article | int | None:
        """The article with this id, 410 when deleted in this state, None when unknown."""
        try:
            index = self.catalog.index_of_id(int(req_id))
        except ValueError:
            return None
        if index is None:
            return None
        if self.catalog.was_deleted(index):
            return 410
        return self.catalog.get(index) if self.catalog.exists(index) else None

    def index_of_slug(self, slug: str) -> int | None:
        """Article index of a title slug: titles past the tenth end in "(số N)", so O(1)."""
        m = _SLUG_INDEX.search(slug)
        candidates = [int(m.group(1)) - 1] if m else range(min(10, self.catalog.count))
        for index in candidates:
            if 0 <= index < self.catalog.count and self.catalog.get(index).slug == slug:
                return index
        return None

    def article_response(self, a: Article, resp: Response) -> Response:
        resp.last_modified = a.last_modified.timestamp()
        return resp

    def serve_article(self, req_id: str, path: str, render: Callable[[Article], Response]) -> Response | None:
        """The article page at ``path``: 410 when deleted in this state, None (not found)
        unless ``path`` is exactly the article's own path."""
        found = self.article(req_id)
        if found == 410:
            return not_found(410)
        if not isinstance(found, Article) or self.article_path(found) != path:
            return None
        return self.article_response(found, render(found))

    def asset(self, req: Request) -> Response | None:
        """Images and documents of articles, parsed back from their URL."""
        target = req.target
        for pattern, kind in ((self.IMAGE_RE, "image"), (self.DOC_RE, "doc")):
            m = pattern.fullmatch(target) if pattern else None
            if not m:
                continue
            found = self.article(m.group("id"))
            if not isinstance(found, Article):
                return not_found()
            n = int(m.group("n"))
            if kind == "image":
                if n >= len(found.captions) or target != self.image_path(found, n):
                    return not_found()
                lower = target.lower()
                is_png = lower.endswith(".png") or (not lower.endswith((".jpg", ".jpeg")) and n % 2 == 1)
                body = assets.png(target) if is_png else assets.jpeg(target)
                resp = data(body, "image/png" if is_png else "image/jpeg")
            else:
                if n >= len(found.attachment_titles) or target != self.doc_path(found, n):
                    return not_found()
                resp = data(assets.pdf(found.attachment_titles[n]), "application/pdf")
            resp.compressible = False
            resp.last_modified = found.published.timestamp()
            return resp
        return None


def ddmmyyyy(d: datetime, sep: str = "/") -> str:
    return d.strftime(f"%d{sep}%m{sep}%Y")


def weekday_vn(d: datetime) -> str:
    return WEEKDAYS[d.weekday()]


def long_vn(d: datetime) -> str:
    """"ngày 12 tháng 3 năm 2024"."""
    return f"ngày {d.day} tháng {d.month} năm {d.year}"
