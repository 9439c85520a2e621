"""Listing membership: which listing pages each crawl fetched, and which addresses each held.

A *listing* is a sequence of pages a portal lists its articles on (a section and its next
pages, the home page, a sitemap, a feed, a JSON listing API); its key is the sequence the
crawl followed (``scrapers.discovery.adapter.Target.sequence``: the first page's canonical
URL, or an adapter's name for an API). One ``ListingPage`` is one fetched page of a listing:
the addresses it held (``items``: the in-site links the adapter found in it, canonical) and
the next pages it pointed to (``next``), when (``at``, UTC) and in which crawl.

The crawl writes each into the page's WARC outlinks record (``to_fields``), so ``congan
reextract`` reads the same pages back (``from_fields``), and into ``corpus/listings.sqlite3``
(``ListingStore``), a file of its own beside the corpus index: rebuilding that index from
``articles.jsonl`` leaves it alone. Kept there:

- ``held``: per address and listing, the last time a fetched page of the listing held it
  (once a crawl is finished, only for addresses of corpus articles);
- ``pages``: the pages of crawls not finished yet, with their items (dropped by ``finish``);
- ``walks``: per listing and crawl, when it was fetched and its *horizon* (``horizon_of``):
  only articles published after it can be judged missing from that walk
  (``archive.corpus.vanished``), and ``finished``: the crawls turned into walks.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

LISTINGS_NAME = "listings.sqlite3"

LISTING_FIELD = "congan-listing"
PAGE_FIELD = "congan-listing-page"
SITE_FIELD = "congan-listing-site"
CRAWL_FIELD = "congan-listing-crawl"
AT_FIELD = "congan-listing-at"
VANISHED_AFTER_FIELD = "congan-vanished-after"
ITEM_FIELD = "congan-listed"
NEXT_FIELD = "congan-listing-next"

SCHEMA = """
CREATE TABLE IF NOT EXISTS held (url TEXT NOT NULL, listing TEXT NOT NULL, last_at TEXT NOT NULL,
    PRIMARY KEY (url, listing));
CREATE TABLE IF NOT EXISTS pages (crawl TEXT NOT NULL, listing TEXT NOT NULL, page TEXT NOT NULL,
    site TEXT NOT NULL, at TEXT NOT NULL, items TEXT NOT NULL, next TEXT NOT NULL, vanished_after REAL NOT NULL,
    PRIMARY KEY (crawl, listing, page));
CREATE TABLE IF NOT EXISTS walks (listing TEXT NOT NULL, crawl TEXT NOT NULL, site TEXT NOT NULL,
    first_at TEXT NOT NULL, first_page TEXT NOT NULL, horizon TEXT, vanished_after REAL NOT NULL,
    PRIMARY KEY (listing, crawl));
CREATE TABLE IF NOT EXISTS finished (crawl TEXT PRIMARY KEY, at TEXT NOT NULL);
"""


def page_id(url: str, formdata: Iterable[tuple[str, str]] = ()) -> str:
    """A listing page's identity: its URL, and for a postback the hash of its form fields
    (the pages of an ASP.NET listing share one URL)."""
    fields = tuple(formdata)
    if not fields:
        return url
    digest = hashlib.sha1(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]
    return f"{url}#post:{digest}"


def page_url(page: str) -> str:
    return page.split("#post:", 1)[0]


@dataclass(frozen=True)
class ListingPage:
    """One fetched page of a listing: what it held and where the listing went on."""

    listing: str
    page: str
    site: str
    items: tuple[str, ...] = ()
    next: tuple[str, ...] = ()
    crawl: str = ""
    at: str = ""  # UTC, ``YYYY-MM-DDTHH:MM:SSZ`` (the capture of the page)
    #: the crawl's ``CONGAN_VANISHED_AFTER``, seconds
    vanished_after: float = 0.0

    def to_fields(self) -> list[tuple[str, str]]:
        fields = [(LISTING_FIELD, self.listing), (PAGE_FIELD, self.page), (SITE_FIELD, self.site),
                  (CRAWL_FIELD, self.crawl), (AT_FIELD, self.at),
                  (VANISHED_AFTER_FIELD, repr(float(self.vanished_after)))]
        fields += [(ITEM_FIELD, url) for url in self.items]
        fields += [(NEXT_FIELD, url) for url in self.next]
        return fields

    @classmethod
    def from_fields(cls, fields: list[tuple[str, str]]) -> ListingPage | None:
        """The listing page an outlinks record describes, or None (no listing fields)."""
        one = dict(reversed(fields))  # the first of each name
        if LISTING_FIELD not in one or PAGE_FIELD not in one:
            return None
        try:
            after = float(one.get(VANISHED_AFTER_FIELD, "0"))
        except ValueError:
            after = 0.0
        return cls(
            listing=one[LISTING_FIELD], page=one[PAGE_FIELD], site=one.get(SITE_FIELD, ""),
            crawl=one.get(CRAWL_FIELD, ""), at=one.get(AT_FIELD, ""), vanished_after=after,
            items=tuple(v for k, v in fields if k == ITEM_FIELD), next=tuple(v for k, v in fields if k == NEXT_FIELD),
        )


@dataclass(frozen=True)
class Walk:
    """One crawl's fetch of one listing."""

    listing: str
    crawl: str
    site: str
    first_at: str
    first_page: str
    horizon: str | None
    vanished_after: float


def comparable(published: str, *, late: bool) -> str:
    """A ``published`` value (ISO with ``+07:00``, or a bare date) as ``YYYY-MM-DDTHH:MM:SS``
    Vietnam time; a bare date is its last second (``late``) or its first."""
    if len(published) >= 19:
        return published[:19]
    return published[:10] + ("T23:59:59" if late else "T00:00:00")


def horizon_of(pages: list[ListingPage], published: Callable[[str], str | None]) -> str | None:
    """Only articles published after this can be judged absent from a walk of these pages.

    A walk that reached the end of its listing (no page points to a next page the walk did
    not fetch) holds everything the listing shows: its horizon is its oldest dated item (what
    slid off the end of a home page or a feed is not gone). A walk cut short (watermark,
    budget, a kill) showed only the top of the listing: its horizon is the newest dated item
    of each page it stopped at (whatever is older may sit on the pages not fetched). None when
    a page it stopped at, or the whole walk, holds no dated article: it judges nothing."""
    fetched = {p.page for p in pages}
    cut = [p for p in pages if any(n not in fetched for n in p.next)]
    if not cut:
        dates = [comparable(d, late=True) for p in pages for d in (published(u) for u in p.items) if d]
        return min(dates) if dates else None
    tops = []
    for page in cut:
        dates = [comparable(d, late=True) for d in (published(u) for u in page.items) if d]
        if not dates:
            return None
        tops.append(max(dates))
    return max(tops)


class ListingStore:
    """``corpus/listings.sqlite3``: membership, pages of unfinished crawls, walks."""

    def __init__(self, corpus_dir: Path) -> None:
        corpus_dir.mkdir(parents=True, exist_ok=True)
        self.path = corpus_dir / LISTINGS_NAME
        self.db = sqlite3.connect(self.path, timeout=30)
        # a crawl records every listing page it fetches: WAL with synchronous=NORMAL commits
        # without an fsync each (as the frontier; a killed process loses no commit)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ListingStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record(self, page: ListingPage) -> None:
        """A fetched listing page (the same page fetched again in a crawl replaces it)."""
        self.db.execute(
            "INSERT OR REPLACE INTO pages (crawl, listing, page, site, at, items, next, vanished_after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (page.crawl, page.listing, page.page, page.site, page.at, json.dumps(page.items, ensure_ascii=False),
             json.dumps(page.next, ensure_ascii=False), page.vanished_after),
        )
        self.db.executemany(
            "INSERT INTO held (url, listing, last_at) VALUES (?, ?, ?) ON CONFLICT (url, listing)"
            " DO UPDATE SET last_at = max(last_at, excluded.last_at)",
            [(url, page.listing, page.at) for url in dict.fromkeys(page.items)],
        )
        self.db.commit()

    def unfinished(self) -> list[str]:
        """Crawls with recorded pages not finished yet, oldest first."""
        rows = self.db.execute(
            "SELECT crawl, MIN(at) FROM pages WHERE crawl NOT IN (SELECT crawl FROM finished)"
            " GROUP BY crawl ORDER BY MIN(at), crawl"
        )
        return [row[0] for row in rows]

    def pages_of(self, crawl: str) -> list[ListingPage]:
        rows = self.db.execute(
            "SELECT listing, page, site, at, items, next, vanished_after FROM pages WHERE crawl = ?"
            " ORDER BY listing, at, page", (crawl,),
        )
        return [ListingPage(listing=r[0], page=r[1], site=r[2], at=r[3], items=tuple(json.loads(r[4])),
                            next=tuple(json.loads(r[5])), crawl=crawl, vanished_after=r[6]) for r in rows]

    def finish(self, crawl: str, published: Callable[[str], str | None]) -> list[Walk]:
        """Turn the crawl's pages into walks with their horizons, and drop the pages."""
        by_listing: dict[str, list[ListingPage]] = {}
        for page in self.pages_of(crawl):
            by_listing.setdefault(page.listing, []).append(page)
        walks = []
        for listing, pages in sorted(by_listing.items()):
            first = min(pages, key=lambda p: (p.at, p.page))
            walk = Walk(listing, crawl, first.site, first.at, page_url(first.page), horizon_of(pages, published),
                        max(p.vanished_after for p in pages))
            walks.append(walk)
            self.db.execute(
                "INSERT OR REPLACE INTO walks (listing, crawl, site, first_at, first_page, horizon, vanished_after)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (walk.listing, crawl, walk.site, walk.first_at, walk.first_page, walk.horizon, walk.vanished_after),
            )
        last = max((p.at for ps in by_listing.values() for p in ps), default="")
        self.db.execute("INSERT OR REPLACE INTO finished (crawl, at) VALUES (?, ?)", (crawl, last))
        self.db.execute("DELETE FROM pages WHERE crawl = ?", (crawl,))
        self.db.commit()
        return walks

    def held(self, urls: Iterable[str]) -> dict[str, str]:
        """Listing -> the last time one of its pages held one of ``urls``."""
        found: dict[str, str] = {}
        for url in set(urls):
            for listing, last_at in self.db.execute("SELECT listing, last_at FROM held WHERE url = ?", (url,)):
                found[listing] = max(found.get(listing, ""), last_at)
        return found

    def walks(self, listings: Iterable[str], *, after: str) -> list[Walk]:
        """Walks of ``listings`` that began after ``after`` (those of finished crawls)."""
        out = []
        for listing in sorted(set(listings)):
            rows = self.db.execute(
                "SELECT listing, crawl, site, first_at, first_page, horizon, vanished_after FROM walks"
                " WHERE listing = ? AND first_at > ? ORDER BY first_at", (listing, after),
            )
            out += [Walk(*row) for row in rows]
        return out

    def keep_only(self, addresses: set[str]) -> int:
        """Forget the membership of addresses that are no article of the corpus (menus, section
        links): what is kept stays proportional to the corpus. How many were dropped."""
        urls = [row[0] for row in self.db.execute("SELECT DISTINCT url FROM held")]
        gone = [(url,) for url in urls if url not in addresses]
        self.db.executemany("DELETE FROM held WHERE url = ?", gone)
        self.db.commit()
        return len(gone)

def stamped(page: ListingPage, *, crawl: str, at: str, vanished_after: float) -> ListingPage:
    return replace(page, crawl=crawl, at=at, vanished_after=vanished_after)
