"""The corpus's record of takedowns and of the change feed, in its SQLite index.

Tables (created by ``CorpusStore``): ``removals`` (the articles removed now: when first found
gone, the evidence) and ``events`` (every new, changed, removed and restored event; a
restored article leaves its ``removals`` row but keeps both events). Writes are idempotent
(the same capture twice is one event), so a resumed crawl or a rebuild never doubles one.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

from .changes import ChangeEvent, ChangeKind, day_bounds
from .record import ArticleRecord, CaptureLink
from .removals import Removal, RemovalEvidence

SCHEMA = """
CREATE TABLE IF NOT EXISTS removals (id TEXT PRIMARY KEY, removed TEXT NOT NULL, evidence TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    version INTEGER NOT NULL,
    title TEXT,
    replay_url TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (id, kind, at)
);
CREATE INDEX IF NOT EXISTS events_at ON events (at);
"""

_COLUMNS = "id, kind, at, site, url, version, title, replay_url, detail"


def stamp_of(capture: CaptureLink) -> str:
    """A capture's 14-digit timestamp as ``YYYY-MM-DDTHH:MM:SSZ``."""
    t = capture.timestamp.ljust(14, "0")
    return f"{t[0:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}Z"


def _event(db: sqlite3.Connection, kind: ChangeKind, record: ArticleRecord, at: str, replay: str,
           detail: dict[str, object]) -> None:
    db.execute(
        f"INSERT OR IGNORE INTO events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (record.id, kind, at, record.site, record.url, record.version, record.title, replay,
         json.dumps(detail, ensure_ascii=False, sort_keys=True)),
    )


def version_event(db: sqlite3.Connection, record: ArticleRecord) -> None:
    """The event of a version just filed: ``new`` for the first, ``changed`` for the others."""
    _event(db, "new" if record.version == 1 else "changed", record, stamp_of(record.capture),
           record.capture.replay_url, {})


def restore(db: sqlite3.Connection, record: ArticleRecord, seen: str) -> bool:
    """The article of ``record`` was captured again at ``seen``: if it was removed before
    that, it is back (``restored`` event; the ``removed`` event stays)."""
    row = db.execute("SELECT removed, evidence FROM removals WHERE id = ?", (record.id,)).fetchone()
    if row is None or seen <= row[0]:
        return False
    db.execute("DELETE FROM removals WHERE id = ?", (record.id,))
    _event(db, "restored", record, seen, record.capture.replay_url, {"removed": row[0], "removal": json.loads(row[1])})
    return True


def mark_removed(db: sqlite3.Connection, record: ArticleRecord, evidence: RemovalEvidence) -> bool:
    """Record that the article of ``record`` (its latest version) was found gone; False when it
    is already removed, or was seen alive at or after the evidence (a late, stale answer)."""
    at = stamp_of(evidence.capture.link)
    if at <= record.last_seen:
        return False
    if db.execute("SELECT 1 FROM removals WHERE id = ?", (record.id,)).fetchone():
        return False
    text = evidence.to_text()
    db.execute("INSERT INTO removals (id, removed, evidence) VALUES (?, ?, ?)", (record.id, at, text))
    _event(db, "removed", record, at, evidence.capture.replay_url, json.loads(text))
    return True


def removal_of(db: sqlite3.Connection, ident: str) -> Removal | None:
    row = db.execute("SELECT removed, evidence FROM removals WHERE id = ?", (ident,)).fetchone()
    return Removal.from_row(row[0], row[1]) if row else None


def all_removals(db: sqlite3.Connection) -> dict[str, Removal]:
    rows = db.execute("SELECT id, removed, evidence FROM removals")
    return {row[0]: Removal.from_row(row[1], row[2]) for row in rows}


def read_events(
    db: sqlite3.Connection, *, since: date | None = None, until: date | None = None, site: str | None = None,
    kinds: tuple[str, ...] = (),
) -> list[ChangeEvent]:
    """Events in (time, id, kind) order, of the Vietnam-time days ``since``..``until``."""
    low, high = day_bounds(since, until)
    clauses, params = [], []
    for clause, value in (("at >= ?", low), ("at < ?", high), ("site = ?", site)):
        if value:
            clauses.append(clause)
            params.append(value)
    if kinds:
        clauses.append(f"kind IN ({', '.join('?' for _ in kinds)})")
        params.extend(kinds)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = db.execute(f"SELECT {_COLUMNS} FROM events{where} ORDER BY at, id, kind", params).fetchall()
    return [ChangeEvent.from_row(row) for row in rows]


def backfill(db: sqlite3.Connection, jsonl: Path) -> int:
    """The version events of a corpus written before the feed existed (every line of
    ``articles.jsonl``, once: only when ``events`` is empty and ``versions`` is not)."""
    if db.execute("SELECT 1 FROM events LIMIT 1").fetchone() or not db.execute(
        "SELECT 1 FROM versions LIMIT 1"
    ).fetchone():
        return 0
    count = 0
    with open(jsonl, "rb") as handle:
        for raw in handle:
            version_event(db, ArticleRecord.from_json(json.loads(raw)))
            count += 1
    db.commit()
    return count
