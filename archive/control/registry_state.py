"""What crawls learn about each portal (``DataDir.registry_db``).

The registry CSV says what is publicly known; this store says what the crawler saw:

* ``live``         the portal answered with pages of its own;
* ``redirecting``  its home page (or every page) sends the crawler to another domain, usually
                   the portal of the 2025 unit that absorbed the province (``redirect_to``);
* ``down``         it could not be reached (DNS, connection, 5xx on the home page);
* ``merged``       an archivist or the registry declared it absorbed into another portal.

Each portal has one current row (status, since when, first and last seen, last error, the
evidence of the latest change) and an append-only list of events, so that lifecycle views
(``congan crawls``, "at risk" portals) can show when a portal changed and why.
All times are stored as ISO 8601 UTC strings; ``since`` only moves when the status changes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from ..errors import UserInputError
from ..paths import DataDir
from .connections import ThreadConnections, wal_connect

LIVE = "live"
REDIRECTING = "redirecting"
DOWN = "down"
MERGED = "merged"
STATUSES = (LIVE, REDIRECTING, DOWN, MERGED)

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE portal_state (
        domain      TEXT PRIMARY KEY,
        status      TEXT NOT NULL,
        since       TEXT NOT NULL,
        redirect_to TEXT,
        first_seen  TEXT,
        last_seen   TEXT,
        last_error  TEXT,
        last_error_at TEXT,
        evidence    TEXT NOT NULL DEFAULT '',
        crawl_id    TEXT,
        updated     TEXT NOT NULL
    );
    CREATE TABLE portal_event (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        domain   TEXT NOT NULL,
        at       TEXT NOT NULL,
        status   TEXT NOT NULL,
        detail   TEXT NOT NULL DEFAULT '',
        crawl_id TEXT
    );
    CREATE INDEX portal_event_domain ON portal_event(domain, at);
    """,
    # failures of the portal itself are marked, so "at risk" can count them (archive.control.lifecycle)
    "ALTER TABLE portal_event ADD COLUMN failure INTEGER NOT NULL DEFAULT 0;",
)


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _iso(at: datetime | str | None) -> str:
    if at is None:
        return utc_now()
    if isinstance(at, str):
        return at
    if at.tzinfo is None:
        raise ValueError("registry_state needs timezone-aware datetimes")
    return at.astimezone(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class PortalState:
    domain: str
    status: str
    since: str
    redirect_to: str | None
    first_seen: str | None
    last_seen: str | None
    last_error: str | None
    last_error_at: str | None
    evidence: str
    crawl_id: str | None

    def to_json(self) -> dict[str, object]:
        return {
            "domain": self.domain,
            "status": self.status,
            "since": self.since,
            "redirect_to": self.redirect_to,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at,
            "evidence": self.evidence,
            "crawl_id": self.crawl_id,
        }


@dataclass(frozen=True)
class PortalEvent:
    domain: str
    at: str
    status: str
    detail: str
    crawl_id: str | None
    failure: bool = False  # a failure of the portal itself (record_down, record_error)


class RegistryState:
    """The SQLite store. Cheap to open; every method is one short transaction, so the
    spider and the command line can use it at the same time."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connections = ThreadConnections(self.path, partial(wal_connect, rows=True))
        with self._connect() as db:
            self._migrate(db)

    @classmethod
    def open(cls, data: DataDir) -> RegistryState:
        return cls(data.registry_db)

    def _connect(self) -> sqlite3.Connection:
        return self._connections.get()

    def close(self) -> None:
        self._connections.close()

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE IF NOT EXISTS migrations (n INTEGER PRIMARY KEY, applied TEXT NOT NULL)")
        done = {row[0] for row in db.execute("SELECT n FROM migrations")}
        for n, script in enumerate(MIGRATIONS, start=1):
            if n not in done:
                db.executescript(script)
                db.execute("INSERT INTO migrations (n, applied) VALUES (?, ?)", (n, utc_now()))

    # -- writing ----------------------------------------------------------------------------
    def _set(
        self,
        domain: str,
        status: str,
        at: str,
        *,
        detail: str,
        crawl_id: str | None,
        redirect_to: str | None = None,
        error: str | None = None,
        seen: bool = False,
    ) -> PortalState:
        domain = domain.lower()
        with self._connect() as db:
            row = db.execute("SELECT * FROM portal_state WHERE domain = ?", (domain,)).fetchone()
            changed = row is None or row["status"] != status or (row["redirect_to"] or None) != redirect_to
            since = at if changed else row["since"]
            first_seen = (row["first_seen"] if row else None) or (at if seen else None)
            last_seen = at if seen else (row["last_seen"] if row else None)
            last_error = error if error is not None else (row["last_error"] if row else None)
            last_error_at = at if error is not None else (row["last_error_at"] if row else None)
            evidence = detail if changed else row["evidence"]
            db.execute(
                """INSERT INTO portal_state (domain, status, since, redirect_to, first_seen, last_seen,
                       last_error, last_error_at, evidence, crawl_id, updated)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(domain) DO UPDATE SET status=excluded.status, since=excluded.since,
                       redirect_to=excluded.redirect_to, first_seen=excluded.first_seen,
                       last_seen=excluded.last_seen, last_error=excluded.last_error,
                       last_error_at=excluded.last_error_at, evidence=excluded.evidence,
                       crawl_id=excluded.crawl_id, updated=excluded.updated""",
                (domain, status, since, redirect_to, first_seen, last_seen, last_error,
                 last_error_at, evidence, crawl_id, utc_now()),
            )
            if changed or error is not None:
                db.execute(
                    "INSERT INTO portal_event (domain, at, status, detail, crawl_id, failure)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (domain, at, status, detail, crawl_id, int(error is not None)),
                )
        return self.get(domain)  # type: ignore[return-value]

    def record_live(
        self, domain: str, at: datetime | str | None = None, *, evidence: str = "", crawl_id: str | None = None
    ) -> PortalState:
        """The portal answered with a page of its own. A portal declared merged stays merged
        (an absorbed portal may keep serving its old pages); only ``last_seen`` moves."""
        current = self.get(domain)
        if current is not None and current.status == MERGED:
            return self._set(
                domain, MERGED, _iso(at), detail=current.evidence, crawl_id=crawl_id,
                redirect_to=current.redirect_to, seen=True,
            )
        return self._set(domain, LIVE, _iso(at), detail=evidence or "answered", crawl_id=crawl_id, seen=True)

    def record_redirect(
        self,
        domain: str,
        target: str,
        at: datetime | str | None = None,
        *,
        evidence: str = "",
        crawl_id: str | None = None,
    ) -> PortalState:
        """The portal sends visitors to another domain (``target``, a host name)."""
        return self._set(
            domain, REDIRECTING, _iso(at), detail=evidence or f"redirects to {target}",
            crawl_id=crawl_id, redirect_to=target.lower(), seen=True,
        )

    def record_down(
        self, domain: str, error: str, at: datetime | str | None = None, *, crawl_id: str | None = None
    ) -> PortalState:
        """The portal could not be reached; ``error`` says how (kept as ``last_error``)."""
        return self._set(domain, DOWN, _iso(at), detail=error, crawl_id=crawl_id, error=error)

    def record_error(
        self, domain: str, error: str, at: datetime | str | None = None, *, crawl_id: str | None = None
    ) -> PortalState | None:
        """A failure that does not change the status (one page failed on a live portal)."""
        current = self.get(domain)
        if current is None:
            return None
        return self._set(
            domain, current.status, _iso(at), detail=error, crawl_id=crawl_id, error=error,
            redirect_to=current.redirect_to,
        )

    def record_merged(
        self, domain: str, into: str, at: datetime | str | None = None, *, evidence: str = "",
        crawl_id: str | None = None,
    ) -> PortalState:
        if not into:
            raise UserInputError("a merged portal needs the domain it was merged into")
        return self._set(
            domain, MERGED, _iso(at), detail=evidence or f"merged into {into}", crawl_id=crawl_id,
            redirect_to=into.lower(),
        )

    # -- reading ----------------------------------------------------------------------------
    @staticmethod
    def _state(row: sqlite3.Row) -> PortalState:
        return PortalState(
            domain=row["domain"], status=row["status"], since=row["since"], redirect_to=row["redirect_to"],
            first_seen=row["first_seen"], last_seen=row["last_seen"], last_error=row["last_error"],
            last_error_at=row["last_error_at"], evidence=row["evidence"], crawl_id=row["crawl_id"],
        )

    def get(self, domain: str) -> PortalState | None:
        db = self._connect()
        row = db.execute("SELECT * FROM portal_state WHERE domain = ?", (domain.lower(),)).fetchone()
        return self._state(row) if row else None

    def all(self) -> list[PortalState]:
        db = self._connect()
        rows = db.execute("SELECT * FROM portal_state ORDER BY domain").fetchall()
        return [self._state(r) for r in rows]

    def history(self, domain: str) -> list[PortalEvent]:
        db = self._connect()
        rows = db.execute(
            "SELECT * FROM portal_event WHERE domain = ? ORDER BY at, id", (domain.lower(),)
        ).fetchall()
        return [
            PortalEvent(r["domain"], r["at"], r["status"], r["detail"], r["crawl_id"], bool(r["failure"])) for r in rows
        ]
