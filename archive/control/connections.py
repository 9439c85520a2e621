"""One SQLite connection per thread for a store of many short transactions.

Opening a connection costs little, but closing the last one of a WAL database checkpoints it
and removes its ``-wal`` file (disk writes, an ``fsync``): a store that opened and closed a
connection per call paid that on every call (a crawl records every portal failure, deferral
and pause this way). :class:`ThreadConnections` keeps one open connection per thread and
store; each call is still its own transaction (``with connections.get() as db:`` commits),
so what a call wrote is as durable as before and other processes see it at once.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path


class ThreadConnections:
    """The connection of the calling thread to ``path``, made by ``connect`` on first use."""

    def __init__(self, path: Path, connect: Callable[[Path], sqlite3.Connection]) -> None:
        self.path = path
        self._connect = connect
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def get(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = self._connect(self.path)
            self._local.db = db
            with self._lock:
                self._all.append(db)
        return db

    def close(self) -> None:
        """Close the calling thread's connection (others close when their thread's store goes)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is not None:
            self._local.db = None
            with self._lock:
                self._all.remove(db)
            db.close()


def wal_connect(path: Path, *, rows: bool = False) -> sqlite3.Connection:
    """A connection for a store of short transactions: WAL, ``synchronous=NORMAL`` (a commit
    survives kill -9 without an fsync of its own), rows as ``sqlite3.Row`` when asked."""
    db = sqlite3.connect(path, timeout=30)
    if rows:
        db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    return db
