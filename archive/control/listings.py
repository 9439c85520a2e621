"""What listing pages showed, crawl by crawl (``DataDir.listings_db``): the memory that lets a
re-crawl fetch only what may have changed (SPEC §5 Incremental).

* ``labels``: every (article URL, link text) pair a listing page ever showed. An article a
  listing shows under a text seen before is *listed unchanged*; a new text (an edited
  headline) means the article may have changed and is fetched again.
* ``pages``: one row per listing page and crawl: ``parsed`` (fetched and read in that crawl,
  with the article URLs it listed, in page order) or ``cut`` (a next page the listing
  watermark did not fetch). ``fetched(crawl_id)`` tells which listing pages a crawl really
  read, so a rule such as "gone from every listing of a live portal" only reasons on those.
* ``vanished(crawl_id)``: articles an earlier crawl saw on a page this crawl read again, and
  that no page of this crawl listed: deleted, or pushed past the pages read; the re-crawl
  checks them (``scrapers.crawl.revisit``).
* ``shells``: pages found to be script shells whose article the portal's adapter reads at
  another address (its API): a re-crawl need not fetch them again (``scrapers.crawl.watermarks``).
* ``lastmod``: per portal, whether sitemap ``<lastmod>`` dates matched what the pages did
  (``record_lastmod`` / ``lastmod_trusted``).

Rows are written as each page is parsed (one short transaction), so a crawl killed at any
moment keeps what it read; a resumed crawl rewrites its own rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from ..migrations import Migration, connect
from ..paths import DataDir

PARSED = "parsed"
CUT = "cut"

MIGRATIONS = (
    Migration(1, "listing labels and pages", """
    CREATE TABLE labels (
        article  TEXT NOT NULL,
        label    TEXT NOT NULL,
        crawl_id TEXT NOT NULL,
        PRIMARY KEY (article, label)
    );
    CREATE TABLE pages (
        crawl_id TEXT NOT NULL,
        url      TEXT NOT NULL,
        site     TEXT NOT NULL,
        outcome  TEXT NOT NULL,
        articles TEXT NOT NULL DEFAULT '[]',
        at       TEXT NOT NULL,
        PRIMARY KEY (crawl_id, url)
    );
    CREATE INDEX pages_url ON pages(url, at);
    CREATE TABLE lastmod (
        site       TEXT PRIMARY KEY,
        matched    INTEGER NOT NULL DEFAULT 0,
        mismatched INTEGER NOT NULL DEFAULT 0
    )
    """),
    Migration(2, "script shells read by the adapter", """
    CREATE TABLE shells (
        url      TEXT PRIMARY KEY,
        site     TEXT NOT NULL,
        crawl_id TEXT NOT NULL,
        at       TEXT NOT NULL
    )
    """),
)

#: a portal's ``<lastmod>`` is trusted while at most this share of the checks contradicted it
LASTMOD_TOLERANCE = 0.05


@dataclass(frozen=True)
class ListingPage:
    """One listing page of one crawl: read (``parsed``, with its articles) or cut."""

    crawl_id: str
    url: str
    site: str
    outcome: str
    articles: tuple[str, ...]


def label_key(text: str) -> str:
    """A link text as compared between crawls (spaces collapsed)."""
    return " ".join(text.split())


class ListingLedger:
    def __init__(self, data: DataDir) -> None:
        self._db = connect(data.listings_db, MIGRATIONS)
        # WAL + NORMAL: a commit survives kill -9 (not a power cut), without one fsync per page
        self._db.execute("PRAGMA synchronous=NORMAL")

    def close(self) -> None:
        self._db.close()

    # -- writing ---------------------------------------------------------------------------
    def record_page(
        self, crawl_id: str, url: str, site: str, articles: Iterable[tuple[str, str]], *, outcome: str = PARSED,
    ) -> None:
        """A listing page this crawl read (``articles``: (URL, link text) in page order), or cut."""
        entries = list(articles)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        urls = list(dict.fromkeys(url for url, _ in entries))
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            if outcome == CUT:  # never overwrite what the crawl read with a cut
                self._db.execute(
                    "INSERT OR IGNORE INTO pages VALUES (?, ?, ?, ?, '[]', ?)", (crawl_id, url, site, CUT, now)
                )
                return
            self._db.execute(
                "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?)",
                (crawl_id, url, site, PARSED, json.dumps(urls, ensure_ascii=False), now),
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO labels VALUES (?, ?, ?)",
                [(article, label_key(text), crawl_id) for article, text in entries if label_key(text)],
            )

    def record_lastmod(self, site: str, *, matched: bool) -> None:
        column = "matched" if matched else "mismatched"
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("INSERT OR IGNORE INTO lastmod (site) VALUES (?)", (site,))
            self._db.execute(f"UPDATE lastmod SET {column} = {column} + 1 WHERE site = ?", (site,))

    def record_shell(self, crawl_id: str, url: str, site: str) -> None:
        """A page this crawl found to be a script shell whose article the adapter reads elsewhere."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("INSERT OR REPLACE INTO shells VALUES (?, ?, ?, ?)", (url, site, crawl_id, now))

    # -- reading ---------------------------------------------------------------------------
    def label_seen(self, article: str, text: str, *, before_crawl: str) -> bool:
        """Whether an earlier crawl saw ``article`` listed under this text."""
        row = self._db.execute(
            "SELECT 1 FROM labels WHERE article = ? AND label = ? AND crawl_id != ?",
            (article, label_key(text), before_crawl),
        ).fetchone()
        return row is not None

    def fetched(self, crawl_id: str) -> list[ListingPage]:
        """Every listing page of a crawl: read (``parsed``) or cut by the watermark."""
        rows = self._db.execute(
            "SELECT crawl_id, url, site, outcome, articles FROM pages WHERE crawl_id = ? ORDER BY url", (crawl_id,)
        ).fetchall()
        return [ListingPage(r[0], r[1], r[2], r[3], tuple(json.loads(r[4]))) for r in rows]

    def previous(self, url: str, crawl_id: str) -> tuple[str, ...]:
        """The articles the latest earlier crawl that read ``url`` saw there."""
        row = self._db.execute(
            "SELECT articles FROM pages WHERE url = ? AND crawl_id != ? AND outcome = ? ORDER BY at DESC LIMIT 1",
            (url, crawl_id, PARSED),
        ).fetchone()
        return tuple(json.loads(row[0])) if row else ()

    def vanished(self, crawl_id: str) -> dict[str, set[str]]:
        """Per portal, the articles earlier crawls saw on pages this crawl read, listed by no
        page of this crawl."""
        pages = [p for p in self.fetched(crawl_id) if p.outcome == PARSED]
        listed: dict[str, set[str]] = {}
        for page in pages:
            listed.setdefault(page.site, set()).update(page.articles)
        gone: dict[str, set[str]] = {}
        for page in pages:
            missing = set(self.previous(page.url, crawl_id)) - listed[page.site]
            if missing:
                gone.setdefault(page.site, set()).update(missing)
        return gone

    def shell_since(self, url: str, *, before_crawl: str) -> datetime | None:
        """When an earlier crawl last found ``url`` to be a script shell (None: never)."""
        row = self._db.execute(
            "SELECT at FROM shells WHERE url = ? AND crawl_id != ?", (url, before_crawl)
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def lastmod_trusted(self, site: str) -> bool:
        """True until a portal's ``<lastmod>`` dates were found wrong more than the tolerance."""
        row = self._db.execute("SELECT matched, mismatched FROM lastmod WHERE site = ?", (site,)).fetchone()
        if row is None or not row[1]:
            return True
        return bool(row[1] <= LASTMOD_TOLERANCE * (row[0] + row[1]))


def open_ledger(data: DataDir) -> ListingLedger:
    return ListingLedger(data)


__all__ = ["CUT", "PARSED", "ListingLedger", "ListingPage", "label_key", "open_ledger"]
