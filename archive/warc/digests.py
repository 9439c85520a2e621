"""What was captured before, across crawls (``DataDir.digest_db``).

Two questions, one SQLite file:

* *Was this exact payload stored already?* payload digest -> first capture (URI, WARC-Date,
  record id). The WARC writer turns a hit into an identical-payload-digest ``revisit``.
* *What did the last capture of this URL say?* URL -> latest capture (date, status, ETag,
  Last-Modified, payload digest). The crawler sends conditional requests from it
  (``CaptureIndex.latest(url)``) and a ``304`` becomes a server-not-modified revisit.

Rows are scoped by collection: a revisit must point to a record that the same collection
(and so the same replay index) holds. The writer updates the index only after every
record of an exchange is flushed, so a crash never leaves the index pointing into a torn
record.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from archive.paths import DEFAULT_COLLECTION, DataDir

logger = logging.getLogger(__name__)

_MIGRATIONS: tuple[str, ...] = (
    # 1: payload digests and latest capture per URL
    """
    CREATE TABLE first_capture (
        collection TEXT NOT NULL,
        digest TEXT NOT NULL,
        uri TEXT NOT NULL,
        date TEXT NOT NULL,
        record_id TEXT NOT NULL,
        warc_file TEXT NOT NULL,
        PRIMARY KEY (collection, digest)
    );
    CREATE TABLE latest_capture (
        collection TEXT NOT NULL,
        url TEXT NOT NULL,
        date TEXT NOT NULL,
        status INTEGER NOT NULL,
        etag TEXT,
        last_modified TEXT,
        payload_digest TEXT,
        record_id TEXT NOT NULL,
        PRIMARY KEY (collection, url)
    );
    """,
)


@dataclass(frozen=True)
class FirstCapture:
    """The first stored capture of a payload: what a revisit refers to."""

    digest: str
    uri: str
    date: str  # WARC-Date, ISO 8601 UTC
    record_id: str
    warc_file: str


@dataclass(frozen=True)
class LatestCapture:
    """The latest capture of a URL, with the validators the server gave."""

    url: str
    date: str  # WARC-Date, ISO 8601 UTC
    status: int
    etag: str | None
    last_modified: str | None
    payload_digest: str | None
    record_id: str


class CaptureIndex:
    """Persistent digest and latest-capture index of one collection."""

    def __init__(self, path: Path, *, collection: str = DEFAULT_COLLECTION) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.collection = collection
        self._db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._migrate()

    @classmethod
    def open(cls, data: DataDir, collection: str = DEFAULT_COLLECTION) -> CaptureIndex:
        return cls(data.digest_db, collection=collection)

    def _migrate(self) -> None:
        self._db.execute("CREATE TABLE IF NOT EXISTS migrations (number INTEGER PRIMARY KEY)")
        done = {row[0] for row in self._db.execute("SELECT number FROM migrations")}
        for number, script in enumerate(_MIGRATIONS, start=1):
            if number in done:
                continue
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if self._db.execute("SELECT 1 FROM migrations WHERE number=?", (number,)).fetchone():
                    self._db.execute("COMMIT")
                    continue
                for statement in script.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute("INSERT INTO migrations (number) VALUES (?)", (number,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    # -- payload digests ----------------------------------------------------------------
    def first(self, digest: str) -> FirstCapture | None:
        row = self._db.execute(
            "SELECT digest, uri, date, record_id, warc_file FROM first_capture"
            " WHERE collection=? AND digest=?",
            (self.collection, digest),
        ).fetchone()
        return FirstCapture(*row) if row else None

    # -- latest capture per URL ---------------------------------------------------------
    def latest(self, url: str) -> LatestCapture | None:
        """The latest capture of ``url`` in this collection, or None if never captured."""
        row = self._db.execute(
            "SELECT url, date, status, etag, last_modified, payload_digest, record_id"
            " FROM latest_capture WHERE collection=? AND url=?",
            (self.collection, url),
        ).fetchone()
        return LatestCapture(*row) if row else None

    # -- updates (one transaction per exchange) -----------------------------------------
    def record(self, *, first: FirstCapture | None, latest: LatestCapture | None) -> None:
        """Remember a first capture (kept if one exists) and/or the latest capture of a URL."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            if first is not None:
                self._db.execute(
                    "INSERT OR IGNORE INTO first_capture VALUES (?, ?, ?, ?, ?, ?)",
                    (self.collection, first.digest, first.uri, first.date, first.record_id, first.warc_file),
                )
            if latest is not None:
                self._db.execute(
                    "INSERT OR REPLACE INTO latest_capture VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        self.collection,
                        latest.url,
                        latest.date,
                        latest.status,
                        latest.etag,
                        latest.last_modified,
                        latest.payload_digest,
                        latest.record_id,
                    ),
                )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def clear(self) -> None:
        """Forget everything about this collection (before rebuilding it from the WARCs)."""
        self._db.execute("BEGIN IMMEDIATE")
        self._db.execute("DELETE FROM first_capture WHERE collection=?", (self.collection,))
        self._db.execute("DELETE FROM latest_capture WHERE collection=?", (self.collection,))
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> CaptureIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
