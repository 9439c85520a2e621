"""Numbered schema migrations: the one runner every SQLite database of the project uses.

Each database lists its migrations as ``Migration(number, name, sql)``; the ones not yet
recorded in its ledger table are applied in order, each in its own ``BEGIN IMMEDIATE``
transaction (the check included, so two processes opening a database at once apply each
migration once), so a database written by an older version of the project is upgraded the
first time a newer one opens it. A ledger naming a migration this code does not know
(written by a newer version) can be refused instead of touched (``Ledger.newer_hint``).

The state databases (crawl history, schedules, ...) use :func:`connect` and the default
ledger ``_migrations``; the search index keeps its own ledger ``search_migrations``
(``archive.search.migrations``).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .errors import DataDirError

logger = logging.getLogger(__name__)

#: how long a writer waits for another process's lock before giving up (seconds)
BUSY_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str  # plain DDL/DML statements separated by ``;`` (no ``;`` inside literals or triggers)


@dataclass(frozen=True)
class Ledger:
    """Where a database records the migrations applied to it."""

    table: str = "_migrations"
    applied_column: str = "applied"  # when it was applied (ISO 8601 UTC)
    #: refuse a database with migrations newer than the code, telling the user this; None: ignore them
    newer_hint: str | None = None


STATE_LEDGER = Ledger()


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


def ensure_ledger(conn: sqlite3.Connection, ledger: Ledger = STATE_LEDGER) -> list[int]:
    """Create the ledger table if needed; return the migration numbers it records, in order."""
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {ledger.table} ("
        f" number INTEGER PRIMARY KEY, name TEXT NOT NULL, {ledger.applied_column} TEXT NOT NULL)"
    )
    return recorded(conn, ledger)


def recorded(conn: sqlite3.Connection, ledger: Ledger = STATE_LEDGER) -> list[int]:
    """The migration numbers a database records, without creating anything (a database
    opened read-only, or one without a ledger yet: ``[]``)."""
    try:
        return [row[0] for row in conn.execute(f"SELECT number FROM {ledger.table} ORDER BY number")]
    except sqlite3.OperationalError:
        return []


def apply_migrations(
    conn: sqlite3.Connection, migrations: Sequence[Migration], ledger: Ledger = STATE_LEDGER
) -> list[int]:
    """Apply the migrations not yet recorded; returns the numbers applied now.

    ``conn`` must be in autocommit mode (``isolation_level=None``)."""
    numbers = [m.number for m in migrations]
    if numbers != sorted(set(numbers)):
        raise ValueError("migrations must have unique, increasing numbers")
    done = ensure_ledger(conn, ledger)
    if ledger.newer_hint is not None and done and numbers and max(done) > numbers[-1]:
        raise DataDirError(f"{ledger.newer_hint} (migration {max(done)} is newer than this congan knows)")
    applied_now: list[int] = []
    for migration in migrations:
        conn.execute("BEGIN IMMEDIATE")
        try:
            found = conn.execute(
                f"SELECT 1 FROM {ledger.table} WHERE number = ?", (migration.number,)
            ).fetchone()
            if found is None:
                logger.info("%s: migration %s (%s)", ledger.table, migration.number, migration.name)
                for statement in statements(migration.sql):
                    conn.execute(statement)
                conn.execute(
                    f"INSERT INTO {ledger.table} (number, name, {ledger.applied_column}) VALUES (?, ?, ?)",
                    (migration.number, migration.name, datetime.now(UTC).isoformat()),
                )
                applied_now.append(migration.number)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return applied_now


def statements(sql: str) -> list[str]:
    """Split a migration's script on ``;`` (migrations hold plain statements, no triggers)."""
    return [part.strip() for part in sql.split(";") if part.strip()]
