"""The durable crawl frontier: requests waiting to be fetched, with lease/ack semantics.

A request is *added* (unless its fingerprint was seen before), *leased* when it is handed
to a worker, and *acked* once its response (or final failure) has been fully processed,
children added included. Nothing is durable until :meth:`Frontier.commit` (``ack`` commits
too), so after a crash (``kill -9`` included) the store holds, for each request, either its
pending entry or its ack together with every child it produced. :meth:`Frontier.recover`
puts the leases of dead workers back in the queue: resuming re-issues only unacked work.

The store knows nothing of Scrapy: entries are opaque payload bytes with a host, a
priority and a URL (for people reading the file). ``scrapers.crawl.frontier_scheduler`` is the
bridge.

:class:`Frontier` is the interface; :class:`SqliteFrontier` the single-machine backend
(``DataDir.frontier_dir/<crawl_id>.sqlite3``, one process at a time, enforced with a lock
file). A Redis backend shared by several machines fits the same interface: one sorted set
per host for pending entries (score from priority and arrival), a hash of leases with an
owner and a deadline (``recover`` re-queues expired ones instead of all foreign ones), a
set of fingerprints for ``add``, and ``commit`` a no-op because every call is atomic.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import time
from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from archive.errors import ArchiveError

logger = logging.getLogger(__name__)

PENDING, LEASED, DONE = 0, 1, 2

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id          INTEGER PRIMARY KEY,
    host        TEXT    NOT NULL,
    priority    INTEGER NOT NULL,
    state       INTEGER NOT NULL DEFAULT 0,  -- 0 pending, 1 leased, 2 done
    url         TEXT    NOT NULL,
    payload     BLOB,                        -- dropped once done
    lease_owner TEXT,
    leased_at   REAL,
    attempts    INTEGER NOT NULL DEFAULT 0   -- leases so far (> 1 after a recovery)
);
CREATE INDEX IF NOT EXISTS entries_pending ON entries (host, priority DESC, id) WHERE state = 0;
CREATE INDEX IF NOT EXISTS entries_leased ON entries (lease_owner) WHERE state = 1;
CREATE TABLE IF NOT EXISTS seen (fingerprint BLOB PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS run_stats (      -- counters of each run, saved with the acks
    worker  TEXT PRIMARY KEY,
    started REAL NOT NULL,
    stats   TEXT NOT NULL                   -- JSON object of numbers
);
"""


class FrontierError(ArchiveError):
    """The frontier store cannot be used."""


class FrontierBusy(FrontierError):
    """Another process is working on the same crawl."""


@dataclass(frozen=True)
class FrontierEntry:
    """One leased request."""

    id: int
    host: str
    priority: int
    url: str
    payload: bytes
    attempts: int


@dataclass(frozen=True)
class FrontierCounts:
    pending: int
    leased: int
    done: int
    seen: int

    @property
    def issued(self) -> int:
        """Distinct entries ever handed out (leased now or done)."""
        return self.leased + self.done


class Frontier(ABC):
    """What a frontier backend offers. Every method is called from one thread."""

    @abstractmethod
    def add(self, payload: bytes, *, url: str, host: str, priority: int = 0, fingerprint: bytes | None = None) -> bool:
        """Queue a request; ``False`` (and nothing stored) when ``fingerprint`` was seen
        before. ``None`` as fingerprint means: never deduplicate (``dont_filter``)."""

    @abstractmethod
    def lease(self, host: str | None = None) -> FrontierEntry | None:
        """Hand out the best pending entry (of ``host`` if given): highest priority, then
        first in."""

    @abstractmethod
    def ack(self, entry_id: int) -> None:
        """The entry's work is complete; make it and everything added so far durable."""

    @abstractmethod
    def release(self, entry_id: int) -> None:
        """Give a leased entry back to the queue without completing it."""

    @abstractmethod
    def recover(self) -> int:
        """Put the leases of workers that are gone back in the queue; how many."""

    @abstractmethod
    def pending_hosts(self) -> dict[str, int]:
        """Hosts with pending entries, and how many each."""

    @abstractmethod
    def counts(self) -> FrontierCounts: ...

    @abstractmethod
    def commit(self) -> None:
        """Make every change so far durable."""

    @abstractmethod
    def close(self) -> None: ...

    def save_run_stats(self, stats_json: str) -> None:  # noqa: B027 - optional for a backend
        """Keep this run's counters (JSON) with the frontier, durable at the next commit, so a
        resume after ``kill -9`` adds up every run (the SQLite backend; others may not)."""

    def done_hosts(self) -> set[str] | None:
        """Hosts with at least one request done in any run; None when the backend cannot say."""
        return None

    def __enter__(self) -> Frontier:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class SqliteFrontier(Frontier):
    """Single-machine frontier in one SQLite file (WAL journal).

    Writes accumulate in one open transaction that :meth:`ack` and :meth:`commit` close,
    so a crash loses only work whose lease was never acked, which :meth:`recover` re-queues.
    WAL with ``synchronous=NORMAL`` survives a killed process (not a power cut between two
    checkpoints, which would roll back to an earlier consistent state).
    """

    def __init__(self, path: str | os.PathLike[str], *, worker: str | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.worker = worker or f"{os.uname().nodename}:{os.getpid()}:{time.time_ns()}"
        self._lock_file = self._acquire_lock(self.path.with_name(self.path.name + ".lock"))
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._in_tx = False
        self._pending_by_host: Counter[str] = Counter()
        self._state_counts: Counter[int] = Counter()
        for host, n in self._db.execute("SELECT host, COUNT(*) FROM entries WHERE state = 0 GROUP BY host"):
            self._pending_by_host[host] = n
        for state, n in self._db.execute("SELECT state, COUNT(*) FROM entries GROUP BY state"):
            self._state_counts[state] = n
        self._seen = self._db.execute("SELECT COUNT(*) FROM seen").fetchone()[0]

    @staticmethod
    def _acquire_lock(lock_path: Path) -> object:
        handle = open(lock_path, "a+")  # noqa: SIM115 - held for the frontier's lifetime
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise FrontierBusy(
                f"the frontier {lock_path.with_suffix('')} is in use by {holder}; "
                "wait for that crawl to finish or stop it first"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        return handle

    # -- transactions ------------------------------------------------------------------------
    def _begin(self) -> None:
        if not self._in_tx:
            self._db.execute("BEGIN")
            self._in_tx = True

    def commit(self) -> None:
        if self._in_tx:
            self._db.execute("COMMIT")
            self._in_tx = False

    # -- the interface ------------------------------------------------------------------------
    def add(self, payload: bytes, *, url: str, host: str, priority: int = 0, fingerprint: bytes | None = None) -> bool:
        self._begin()
        if fingerprint is not None:
            cursor = self._db.execute("INSERT OR IGNORE INTO seen (fingerprint) VALUES (?)", (fingerprint,))
            if cursor.rowcount == 0:
                return False
            self._seen += 1
        self._db.execute(
            "INSERT INTO entries (host, priority, url, payload) VALUES (?, ?, ?, ?)",
            (host, priority, url, payload),
        )
        self._pending_by_host[host] += 1
        self._state_counts[PENDING] += 1
        return True

    def lease(self, host: str | None = None) -> FrontierEntry | None:
        if host is None:
            row = self._db.execute(
                "SELECT id, host, priority, url, payload, attempts FROM entries WHERE state = 0 "
                "ORDER BY priority DESC, id LIMIT 1"
            ).fetchone()
        else:
            row = self._db.execute(
                "SELECT id, host, priority, url, payload, attempts FROM entries WHERE state = 0 AND host = ? "
                "ORDER BY priority DESC, id LIMIT 1",
                (host,),
            ).fetchone()
        if row is None:
            return None
        self._begin()
        self._db.execute(
            "UPDATE entries SET state = 1, lease_owner = ?, leased_at = ?, attempts = attempts + 1 WHERE id = ?",
            (self.worker, time.time(), row[0]),
        )
        self._move(row[1], PENDING, LEASED)
        return FrontierEntry(id=row[0], host=row[1], priority=row[2], url=row[3], payload=row[4], attempts=row[5] + 1)

    def ack(self, entry_id: int) -> None:
        self._begin()
        row = self._db.execute("SELECT host, state FROM entries WHERE id = ?", (entry_id,)).fetchone()
        if row is None or row[1] != LEASED:
            logger.warning("frontier: ack of entry %s which is not leased", entry_id)
        else:
            self._db.execute("UPDATE entries SET state = 2, payload = NULL WHERE id = ?", (entry_id,))
            self._move(row[0], LEASED, DONE)
        self.commit()

    def release(self, entry_id: int) -> None:
        self._begin()
        row = self._db.execute("SELECT host, state FROM entries WHERE id = ?", (entry_id,)).fetchone()
        if row is not None and row[1] == LEASED:
            self._db.execute("UPDATE entries SET state = 0, lease_owner = NULL WHERE id = ?", (entry_id,))
            self._move(row[0], LEASED, PENDING)

    def recover(self) -> int:
        # The lock file guarantees no other worker is alive: every foreign lease is stale.
        self._begin()
        rows = self._db.execute(
            "SELECT host, COUNT(*) FROM entries WHERE state = 1 AND lease_owner IS NOT ? GROUP BY host",
            (self.worker,),
        ).fetchall()
        self._db.execute(
            "UPDATE entries SET state = 0, lease_owner = NULL WHERE state = 1 AND lease_owner IS NOT ?",
            (self.worker,),
        )
        total = 0
        for host, n in rows:
            self._pending_by_host[host] += n
            self._state_counts[LEASED] -= n
            self._state_counts[PENDING] += n
            total += n
        self.commit()
        return total

    def pending_hosts(self) -> dict[str, int]:
        return {host: n for host, n in self._pending_by_host.items() if n > 0}

    def counts(self) -> FrontierCounts:
        return FrontierCounts(
            pending=self._state_counts[PENDING],
            leased=self._state_counts[LEASED],
            done=self._state_counts[DONE],
            seen=self._seen,
        )

    def close(self) -> None:
        if self._db is None:
            return
        self.commit()
        self._db.close()
        self._db = None  # type: ignore[assignment]
        self._lock_file.close()  # type: ignore[attr-defined]

    # -- helpers ---------------------------------------------------------------------------------
    def _move(self, host: str, old: int, new: int) -> None:
        self._state_counts[old] -= 1
        self._state_counts[new] += 1
        if old == PENDING:
            self._pending_by_host[host] -= 1
            if self._pending_by_host[host] <= 0:
                del self._pending_by_host[host]
        elif new == PENDING:
            self._pending_by_host[host] += 1

    def save_run_stats(self, stats_json: str) -> None:
        self._begin()
        self._db.execute(
            "INSERT INTO run_stats (worker, started, stats) VALUES (?, ?, ?) "
            "ON CONFLICT (worker) DO UPDATE SET stats = excluded.stats",
            (self.worker, time.time(), stats_json),
        )

    def done_hosts(self) -> set[str] | None:
        return {row[0] for row in self._db.execute("SELECT DISTINCT host FROM entries WHERE state = 2")}

    def leased_urls(self) -> list[str]:
        """URLs leased and not acked (what a resume will re-issue), oldest lease first."""
        return [row[0] for row in self._db.execute("SELECT url FROM entries WHERE state = 1 ORDER BY leased_at, id")]


def read_run_stats(path: str | os.PathLike[str]) -> list[str]:
    """The counters (JSON) each earlier run saved in a frontier file, oldest run first,
    without locking it; empty when there is none."""
    path = Path(path)
    if not path.exists():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in db.execute("SELECT stats FROM run_stats ORDER BY started, worker")]
    except sqlite3.OperationalError:  # a frontier from before run_stats
        return []
    finally:
        db.close()


def read_counts(path: str | os.PathLike[str]) -> FrontierCounts | None:
    """Counts of a frontier file without locking it (for `congan crawls show` while a crawl
    runs); None when the file does not exist."""
    path = Path(path)
    if not path.exists():
        return None
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        by_state = dict(db.execute("SELECT state, COUNT(*) FROM entries GROUP BY state").fetchall())
        seen = db.execute("SELECT COUNT(*) FROM seen").fetchone()[0]
    finally:
        db.close()
    return FrontierCounts(
        pending=by_state.get(PENDING, 0), leased=by_state.get(LEASED, 0), done=by_state.get(DONE, 0), seen=seen
    )
