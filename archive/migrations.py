"""Numbered schema migrations for the project's small SQLite state databases.

Each database lists its migrations as ``(number, name, sql)``; the ones not yet recorded in
its ``_migrations`` table are applied in order, each in its own transaction, so a database
written by an older version of the project is upgraded the first time a newer one opens it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .errors import DataDirError

#: how long a writer waits for another process's lock before giving up (seconds)
BUSY_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str


def connect(path: Path, migrations: Sequence[Migration]) -> sqlite3.Connection:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date.

    The connection is in autocommit mode (``isolation_level=None``): callers open explicit
    ``BEGIN IMMEDIATE`` transactions where several statements must stay together."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise DataDirError(f"cannot open {path}: {exc}; check the data directory (--data)") from exc
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    apply_migrations(conn, migrations)
    return conn


def apply_migrations(conn: sqlite3.Connection, migrations: Sequence[Migration]) -> list[int]:
    """Apply the migrations not yet recorded; returns the numbers applied now."""
    numbers = [m.number for m in migrations]
    if numbers != sorted(set(numbers)):
        raise ValueError("migrations must have unique, increasing numbers")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS _migrations ("
        " number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)"
    )
    applied_now: list[int] = []
    for migration in migrations:
        conn.execute("BEGIN IMMEDIATE")
        try:
            done = conn.execute(
                "SELECT 1 FROM _migrations WHERE number = ?", (migration.number,)
            ).fetchone()
            if done is None:
                for statement in _statements(migration.sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO _migrations (number, name, applied) VALUES (?, ?, ?)",
                    (migration.number, migration.name, datetime.now(timezone.utc).isoformat()),
                )
                applied_now.append(migration.number)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return applied_now


def _statements(sql: str) -> list[str]:
    """Split a migration's script on ``;`` (migrations hold plain DDL, no triggers)."""
    return [part.strip() for part in sql.split(";") if part.strip()]
