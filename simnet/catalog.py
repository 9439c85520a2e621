"""The articles of one portal in one state of the network, built lazily from the generator.

``Catalog(spec, state, scale)`` knows which article indices exist, their dates, the second-state
edits, and answers listing queries in O(page size) however many articles the portal has.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .content import CATEGORIES, GeneratedArticle, generate_article, slugify
from .sites import FIRST_DATE, LAST_DATE, SiteSpec

VN = timezone(timedelta(hours=7))
_CACHE_LIMIT = 4096


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=VN)


@dataclass(frozen=True)
class Article:
    """One article as a portal publishes it (text still NFC; the portal may decompose it)."""

    site: str
    index: int
    id: int
    slug: str
    cat_slug: str
    cat_name: str
    cat_pos: int  # position of the category in the portal's menu (1-based, used as category id)
    title: str
    summary: str
    paragraphs: tuple[str, ...]
    published: datetime
    show_time: bool
    modified: datetime | None
    author: str | None
    tags: tuple[str, ...]
    captions: tuple[str, ...]
    attachment_titles: tuple[str, ...]
    version: int = 1

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def last_modified(self) -> datetime:
        return self.modified or self.published


class Catalog:
    """Articles of ``spec`` in network state ``state``; ``scale`` overrides the article count."""

    def __init__(self, spec: SiteSpec, state: int = 1, scale: int | None = None) -> None:
        self.spec = spec
        self.state = state
        self.base_count = scale if scale is not None else spec.articles
        self.count = self.base_count + (spec.new_in_state2 if state >= 2 else 0)
        self.deleted = spec.deleted_in_state2 if state >= 2 else None
        #: indices no listing shows: the deleted article, and one still served but unlisted
        unlisted = spec.unlisted_in_state2 if state >= 2 else None
        self.hidden = tuple(sorted({i for i in (self.deleted, unlisted) if i is not None}, reverse=True))
        self.ncat = len(spec.categories)
        first, last = _parse(FIRST_DATE), _parse(LAST_DATE)
        # Portals did not all start the same day: a stable per-portal offset of up to ten days.
        self._first = first + timedelta(hours=zlib.crc32(spec.domain.encode()) % 240)
        self._step = (last - first) / max(self.base_count - 1, 1)
        self._fixed = {i: _parse(d) for i, d in spec.fixed_dates} if scale is None else {}
        self._cache: dict[int, Article] = {}

    # -- single articles ---------------------------------------------------------------
    def exists(self, index: int) -> bool:
        return 0 <= index < self.count and index != self.deleted

    def was_deleted(self, index: int) -> bool:
        return index == self.deleted

    def get(self, index: int) -> Article:
        cached = self._cache.get(index)
        if cached is None:
            cached = self._build(index)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[index] = cached
        return cached

    def index_of_id(self, art_id: int) -> int | None:
        offset = art_id - self.spec.id_base
        if offset < 0 or offset % self.spec.id_stride:
            return None
        index = offset // self.spec.id_stride
        return index if 0 <= index < self.count else None

    def by_id(self, art_id: int) -> Article | None:
        index = self.index_of_id(art_id)
        return self.get(index) if index is not None and self.exists(index) else None

    def all(self) -> Iterator[Article]:
        """Every existing article, oldest first."""
        return (self.get(i) for i in range(self.count) if self.exists(i))

    # -- listings ----------------------------------------------------------------------
    def newest(self, category: int | None = None) -> Iterator[int]:
        """Existing indices, newest first; ``category`` is a position in spec.categories (0-based)."""
        top = self.count - 1
        if category is None:
            indices: Iterator[int] = iter(range(top, -1, -1))
        else:
            start = top - ((top - category) % self.ncat)
            indices = iter(range(start, -1, -self.ncat))
        return (i for i in indices if i not in self.hidden)

    def nth_newest(self, category: int | None, k: int) -> int | None:
        """Index of the ``k``-th newest existing article (0-based) of a listing, in O(1)."""
        step = 1 if category is None else self.ncat
        top = self.count - 1 if category is None else self.count - 1 - ((self.count - 1 - category) % self.ncat)
        if k < 0 or top < 0:
            return None
        for d in self.hidden:  # newest first: the slots of hidden articles are skipped
            if d <= top and (top - d) % step == 0 and k >= (top - d) // step:
                k += 1
        index = top - k * step
        return index if index >= 0 else None

    def page(self, category: int | None, page: int, size: int | None = None) -> list[Article]:
        """Page ``page`` (1-based) of a listing, newest first; empty past the end. O(size)."""
        size = size or self.spec.page_size
        out = []
        for k in range((page - 1) * size, page * size) if page >= 1 else ():
            index = self.nth_newest(category, k)
            if index is None:
                break
            out.append(self.get(index))
        return out

    def total(self, category: int | None = None) -> int:
        n = self.count if category is None else len(range(category, self.count, self.ncat))
        for d in self.hidden:
            if d < self.count and (category is None or d % self.ncat == category):
                n -= 1
        return n

    def pages(self, category: int | None = None, size: int | None = None) -> int:
        size = size or self.spec.page_size
        return max(1, -(-self.total(category) // size))

    def related(self, article: Article, n: int = 3) -> list[Article]:
        """Older articles of the same category (never newer ones: old pages stay unchanged)."""
        out: list[Article] = []
        i = article.index - self.ncat
        while i >= 0 and len(out) < n:
            if self.exists(i):
                out.append(self.get(i))
            i -= self.ncat
        return out

    # -- building ----------------------------------------------------------------------
    def _build(self, index: int) -> Article:
        spec = self.spec
        gen: GeneratedArticle = generate_article(index, spec.seed or spec.domain, categories=self.ncat)
        cat_pos = gen.category
        cat_slug, cat_name = CATEGORIES[spec.categories[cat_pos]]
        published = self._fixed.get(index) or self._date(index)
        modified = published + timedelta(days=1, hours=2, minutes=10) if index % 5 == 0 else None
        title, paragraphs, version = gen.title, gen.paragraphs, 1
        if self.state >= 2 and index == spec.edited_in_state2:
            title = f"{gen.title}: khởi tố thêm 2 bị can"
            paragraphs = (
                *gen.paragraphs,
                (
                    "Ngày 02/07/2025, Cơ quan Cảnh sát điều tra Công an tỉnh đã ra quyết định khởi tố bổ sung "
                    "2 bị can liên quan đến vụ án."
                ),
            )
            modified = _parse("2025-07-02 10:20")
            version = 2
        return Article(
            site=spec.domain,
            index=index,
            id=spec.id_base + index * spec.id_stride,
            slug=slugify(gen.title),
            cat_slug=cat_slug,
            cat_name=cat_name,
            cat_pos=cat_pos + 1,
            title=title,
            summary=gen.summary,
            paragraphs=paragraphs,
            published=published,
            show_time=index % 7 != 3,
            modified=modified,
            author=gen.author,
            tags=gen.tags,
            captions=gen.captions,
            attachment_titles=gen.attachment_titles,
            version=version,
        )

    def _date(self, index: int) -> datetime:
        day = self._first + self._step * index
        minutes = (index * 37) % 12 * 5
        hour = 7 + (index * 5) % 13
        return day.replace(hour=hour, minute=minutes, second=0, microsecond=0)
