"""Is the corpus of a data directory readable, and how big is it, without changing it.

``article_count`` answers for the shrink check of ``congan reextract`` (None when there is
no corpus or its index cannot be read: then nothing is compared); ``repair_index`` is what
``congan index rebuild`` does to a corpus whose SQLite index is damaged: the index is moved
aside and rebuilt from ``articles.jsonl``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from archive.storage_errors import StorageError, is_damaged_db

logger = logging.getLogger(__name__)

INDEX_NAME = "index.sqlite3"
DAMAGED_SUFFIX = ".damaged"


def article_count(corpus_dir: Path) -> int | None:
    """Articles in the corpus at ``corpus_dir``, read-only; None when there is none or its
    index is unreadable."""
    path = corpus_dir / INDEX_NAME
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        logger.warning("the corpus index %s is unreadable (%s); not compared", path, exc)
        return None


def index_damaged(corpus_dir: Path) -> str | None:
    """Why the corpus index is damaged (SQLite's integrity check), or None when it is sound."""
    path = corpus_dir / INDEX_NAME
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            conn.execute("SELECT COUNT(*) FROM articles").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if result == "ok" else str(result).splitlines()[0]


def repair_index(corpus_dir: Path) -> bool:
    """Move a damaged corpus index aside (``index.sqlite3.damaged``) so the store re-indexes
    every line of ``articles.jsonl`` when it next opens. True when it was damaged."""
    problem = index_damaged(corpus_dir)
    if problem is None:
        return False
    path = corpus_dir / INDEX_NAME
    os.replace(path, path.with_name(path.name + DAMAGED_SUFFIX))
    for extra in ("-journal", "-wal", "-shm"):
        Path(str(path) + extra).unlink(missing_ok=True)
    logger.warning("the corpus index was damaged (%s); rebuilding it from articles.jsonl", problem)
    return True


def open_error(path: Path, exc: sqlite3.DatabaseError) -> StorageError | None:
    """The error to raise when opening the corpus index at ``path`` failed, or None."""
    if is_damaged_db(exc):
        return StorageError(f"the corpus index {path} is damaged ({exc}): run `congan index rebuild`")
    return None
