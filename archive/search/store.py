"""The two files of the search index, opened together: SQLite (records, facts, migrations)
and the tantivy text index beside it (docs/search.md "Engine").

``SearchStore`` is what the writer (:mod:`archive.search.writer`) and the reader
(:mod:`archive.search.reader`) share: opening, migrating, meta values, and the text
index's directory, which a rebuild replaces by writing a new one and pointing the SQLite
file at it (``search_meta.text_dir``), so one ``os.replace`` swaps both.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Self

import tantivy

from archive.access import AccessRules
from archive.errors import DataDirError

from . import migrations
from .normalise import NORMALISER_VERSION
from .textindex import open_text_index

logger = logging.getLogger(__name__)

#: page cache per connection, and how much of the file is memory-mapped
CACHE_KIB = 65536
MMAP_BYTES = 1 << 30
REBUILD_HINT = "run `congan index rebuild`"


class SearchIndexError(DataDirError):
    """The search index is missing, stale or unreadable; rebuilding it fixes it."""


class SearchStore:
    """Open (and, unless ``readonly``, create or migrate) the index at ``path``."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        readonly: bool = False,
        access: AccessRules | None = None,
    ) -> None:
        self.path = Path(path)
        self.readonly = readonly
        #: block/exclude rules (archive.access): hidden articles are never found nor shown
        self.access = access if access is not None and len(access) else None
        self._text: tantivy.Index | None = None
        if readonly:
            if not self.path.exists():
                raise SearchIndexError(f"no search index at {self.path}: {REBUILD_HINT} (or a crawl) first")
            self.conn = sqlite3.connect(
                self.path.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None,
                check_same_thread=False,
            )
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        if self.access is not None:
            self.conn.create_function("congan_allowed", 2, self._allowed, deterministic=True)
        try:
            self.conn.execute("PRAGMA busy_timeout=10000")
            self.conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            self.conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
            if readonly:
                done = migrations.applied_readonly(self.conn)
                if not done or max(done) != migrations.LATEST:
                    raise SearchIndexError(f"the search index at {self.path} has an old schema: {REBUILD_HINT}")
            else:
                self.conn.execute("PRAGMA journal_mode=DELETE")
                migrations.migrate(self.conn)
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise SearchIndexError(f"cannot read the search index at {self.path} ({exc}): {REBUILD_HINT}") from None
        except SearchIndexError:
            self.conn.close()
            raise
        if readonly:
            self.text  # noqa: B018 - a damaged text index is reported when opening, not on the first query

    def _allowed(self, url: str | None, timestamp: str | None) -> bool:
        return url is None or self.access is None or self.access.allows(url, timestamp)

    # -- state --------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()
        self._text = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def meta(self, name: str) -> str | None:
        try:
            row = self.conn.execute("SELECT value FROM search_meta WHERE key = ?", (name,)).fetchone()
        except sqlite3.DatabaseError as exc:
            raise SearchIndexError(f"cannot read the search index at {self.path} ({exc}): {REBUILD_HINT}") from None
        return row[0] if row else None

    def set_meta(self, name: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO search_meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    @property
    def stale(self) -> bool:
        """True when rows were indexed by another normaliser version: rebuild needed."""
        version = self.meta("normaliser_version")
        return version is not None and version != str(NORMALISER_VERSION)

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    # -- the text index -----------------------------------------------------------------
    def text_dir(self) -> Path | None:
        name = self.meta("text_dir")
        return self.path.parent / name if name else None

    @property
    def text(self) -> tantivy.Index:
        """The tantivy index this SQLite file points at."""
        if self._text is None:
            directory = self.text_dir()
            if directory is None or not directory.is_dir():
                raise SearchIndexError(f"the text index of {self.path} is missing: {REBUILD_HINT}")
            try:
                self._text = open_text_index(directory, create=False)
            except (ValueError, OSError) as exc:
                raise SearchIndexError(f"cannot read the text index {directory} ({exc}): {REBUILD_HINT}") from None
        return self._text
