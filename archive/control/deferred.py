"""Work deferred from a paused portal, kept for a later crawl (``state/registry.sqlite3``).

A portal that asks to be left alone for longer than a crawl should wait (``Retry-After``),
that failed too often in a row (backoff) or whose robots.txt is unreachable must not hold
the crawl: its pending requests are *deferred* here, with the time before which the portal
must not be asked again and why. The next crawl of the portal takes them back
(:meth:`DeferredStore.claim`) once that time has passed, and honours the time itself
(:meth:`DeferredStore.pauses`), so a ``Retry-After`` holds across crawls too.

Requests are opaque payload bytes (the crawl's own serialisation); one row per portal and
URL, the latest deferral winning. Times are Unix seconds.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..paths import DataDir
from .connections import ThreadConnections, wal_connect

SCHEMA = """
CREATE TABLE IF NOT EXISTS deferred_requests (
    domain   TEXT NOT NULL,
    url      TEXT NOT NULL,
    payload  BLOB NOT NULL,
    until    REAL NOT NULL,   -- not before this time (Unix seconds)
    reason   TEXT NOT NULL,
    crawl_id TEXT,
    at       REAL NOT NULL,
    PRIMARY KEY (domain, url)
);
CREATE TABLE IF NOT EXISTS portal_pauses (
    domain   TEXT PRIMARY KEY,
    until    REAL NOT NULL,
    reason   TEXT NOT NULL,
    crawl_id TEXT
);
"""


@dataclass(frozen=True)
class DeferredRequest:
    domain: str
    url: str
    payload: bytes
    until: float
    reason: str


@dataclass(frozen=True)
class PortalPause:
    """No request to ``domain`` before ``until``, because of ``reason``."""

    domain: str
    until: float
    reason: str


@dataclass(frozen=True)
class DeferredSummary:
    """What is deferred of one portal: how many requests, until when, why."""

    domain: str
    count: int
    until: float
    reason: str


class DeferredStore:
    """Cheap to open; every method is one short transaction (on the thread's one connection,
    ``archive.control.connections``)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connections = ThreadConnections(self.path, wal_connect)
        with self._connect() as db:
            db.executescript(SCHEMA)

    @classmethod
    def open(cls, data: DataDir) -> DeferredStore:
        return cls(data.registry_db)

    def _connect(self) -> sqlite3.Connection:
        return self._connections.get()

    def close(self) -> None:
        self._connections.close()

    # -- writing ------------------------------------------------------------------------------
    def defer(self, requests: Iterable[DeferredRequest], *, crawl_id: str | None = None) -> int:
        """Keep ``requests`` for a later crawl; how many."""
        now = time.time()
        rows = [(r.domain, r.url, r.payload, r.until, r.reason, crawl_id, now) for r in requests]
        if not rows:
            return 0
        with self._connect() as db:
            db.executemany("INSERT OR REPLACE INTO deferred_requests VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        return len(rows)

    def pause(self, domain: str, until: float, reason: str, *, crawl_id: str | None = None) -> None:
        """No request to ``domain`` before ``until`` (never shortens a longer pause)."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO portal_pauses VALUES (?, ?, ?, ?) ON CONFLICT (domain) DO UPDATE SET "
                "until = excluded.until, reason = excluded.reason, crawl_id = excluded.crawl_id "
                "WHERE excluded.until > portal_pauses.until",
                (domain, until, reason, crawl_id),
            )

    def claim(self, domains: Iterable[str] | None = None, *, now: float | None = None) -> list[DeferredRequest]:
        """The deferred requests (of ``domains``, all when None) whose time has come; they
        stay stored until :meth:`forget` (so a crash between the two loses nothing; at
        worst a request comes back twice, and the frontier drops the second)."""
        now = time.time() if now is None else now
        wanted = None if domains is None else set(domains)
        db = self._connect()
        rows = db.execute(
            "SELECT domain, url, payload, until, reason FROM deferred_requests WHERE until <= ? "
            "ORDER BY domain, at, url",
            (now,),
        ).fetchall()
        return [
            DeferredRequest(domain=row[0], url=row[1], payload=bytes(row[2]), until=row[3], reason=row[4])
            for row in rows
            if wanted is None or row[0] in wanted
        ]

    def forget(self, requests: Iterable[DeferredRequest]) -> None:
        """Claimed requests are safely elsewhere (the next crawl's frontier)."""
        keys = [(r.domain, r.url) for r in requests]
        with self._connect() as db:
            db.executemany("DELETE FROM deferred_requests WHERE domain = ? AND url = ?", keys)

    # -- reading ------------------------------------------------------------------------------
    def pauses(self, *, now: float | None = None) -> dict[str, PortalPause]:
        """Portals that must not be asked before a time still to come."""
        now = time.time() if now is None else now
        db = self._connect()
        rows = db.execute("SELECT domain, until, reason FROM portal_pauses WHERE until > ?", (now,)).fetchall()
        return {row[0]: PortalPause(domain=row[0], until=row[1], reason=row[2]) for row in rows}

    def summary(self, *, crawl_id: str | None = None) -> dict[str, DeferredSummary]:
        """Per portal: deferred requests (by ``crawl_id`` when given), the latest time and its reason."""
        query = "SELECT domain, COUNT(*), MAX(until) FROM deferred_requests"
        params: tuple[str, ...] = ()
        if crawl_id is not None:
            query += " WHERE crawl_id = ?"
            params = (crawl_id,)
        db = self._connect()
        counts = db.execute(query + " GROUP BY domain ORDER BY domain", params).fetchall()
        found: dict[str, DeferredSummary] = {}
        for domain, count, until in counts:
            reason = db.execute(
                "SELECT reason FROM deferred_requests WHERE domain = ? ORDER BY until DESC, at DESC LIMIT 1",
                (domain,),
            ).fetchone()[0]
            found[domain] = DeferredSummary(domain=domain, count=count, until=until, reason=reason)
        return found
