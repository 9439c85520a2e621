"""The corpus: every article version as one JSON line, and a SQLite lookup index.

Layout under ``DataDir.corpus_dir``::

    articles.jsonl     one record per article version, append-only (SPEC §7)
    index.sqlite3      id -> latest version, hashes, aliases, first/last seen, line offsets
    ledger.sqlite3     takedowns and the change feed (``archive.corpus.ledger``), kept apart
                       so that rebuilding the index from the lines keeps them

``add`` decides: ``new`` (first time this article is seen), ``changed`` (normalised title or
body differ from the latest version: a new version is appended), ``unchanged`` (only
``last_seen`` and aliases move, in the index). Adding the same capture twice changes
nothing, so a resumed crawl never duplicates. A line is written and fsynced before the
index commits; on open, lines past the indexed end (a crash between the two) are indexed
and a torn last line is cut.

Records read back (``get``, ``latest``) carry the index's current ``last_seen`` and
``aliases``; ``versions`` gives every version as written (the latest with the same overlay).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

from archive.paths import DataDir

from . import ledger
from .article import ExtractedArticle, site_of
from .changes import ChangeEvent
from .diff import same_version
from .health import open_error
from .lines import BadLines
from .record import ArticleRecord, CaptureRef, article_id, build_record, content_hash, normalise, utc_stamp
from .removals import Removal, RemovalEvidence
from .sameness import same_content
from .tables import SCHEMA

logger = logging.getLogger(__name__)

JSONL_NAME = "articles.jsonl"
INDEX_NAME = "index.sqlite3"

AddKind = Literal["new", "changed", "unchanged"]



@dataclass(frozen=True)
class _Resolved:
    ident: str
    #: found by ``same_content`` (another URL of the article), not by one of its URLs
    by_content: bool = False


@dataclass(frozen=True)
class AddResult:
    kind: AddKind
    record: ArticleRecord


class CorpusStore:
    """Article versions of one data directory. Not thread-safe; one writer at a time."""

    def __init__(self, directory: str | os.PathLike[str], *, durable: bool = True) -> None:
        """``durable=False`` (a rebuild into a fresh directory) syncs the lines to disk once,
        on close, instead of after every line."""
        self.directory = Path(directory)
        self.durable = durable
        self.directory.mkdir(parents=True, exist_ok=True)
        self.jsonl_path = self.directory / JSONL_NAME
        #: corrupt lines readers skipped (``archive.corpus.lines``)
        self.bad_lines = BadLines(self.jsonl_path)
        self.db = sqlite3.connect(self.directory / INDEX_NAME, timeout=30)
        try:
            self.db.executescript(SCHEMA)
            ledger.attach(self.db, self.directory)
            if not durable:
                self.db.execute("PRAGMA synchronous = OFF")
            self.db.commit()
            self._recover()
            ledger.backfill(self.db, self.jsonl_path)  # a corpus from before the change feed
        except sqlite3.DatabaseError as exc:
            self.db.close()
            error = open_error(self.directory / INDEX_NAME, exc)
            if error is None:
                raise
            raise error from None

    @classmethod
    def open(cls, data: DataDir) -> CorpusStore:
        """The corpus of a data directory."""
        return cls(data.corpus_dir)

    def close(self) -> None:
        if not self.durable and self.jsonl_path.exists():
            with open(self.jsonl_path, "ab") as handle:
                os.fsync(handle.fileno())
        self.db.close()

    def __enter__(self) -> CorpusStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    # -- writing ------------------------------------------------------------------------
    def resolve_id(self, article: ExtractedArticle) -> str:
        """The id an article is filed under: its own URL's, or that of an article it is an
        alias of (seen under that URL before, declared by ``<link rel=canonical>``, or the
        same article under another URL of the portal: ``same_content``)."""
        return self._resolve(article).ident

    def _resolve(self, article: ExtractedArticle) -> _Resolved:
        for url in (article.url, article.fetched_url, article.declared_canonical):
            if not url:
                continue
            row = self.db.execute("SELECT id FROM aliases WHERE alias = ?", (url,)).fetchone()
            if row:
                return _Resolved(str(row[0]))
            candidate = article_id(url)
            if self.db.execute("SELECT 1 FROM articles WHERE id = ?", (candidate,)).fetchone():
                return _Resolved(candidate)
        same = self.same_content(article)
        return _Resolved(same, by_content=True) if same else _Resolved(article_id(article.url))

    def same_content(self, article: ExtractedArticle) -> str | None:
        """The id of the article that ``article`` repeats under another URL, or None
        (``archive.corpus.sameness.same_content``)."""
        return same_content(self.db, article, self.get)

    def add(self, article: ExtractedArticle, capture: CaptureRef, seen_at: datetime) -> AddResult:
        resolved = self._resolve(article)
        ident = resolved.ident
        seen = utc_stamp(seen_at)
        row = self.db.execute(
            "SELECT url, version, content_hash, first_seen, last_seen, aliases FROM articles WHERE id = ?", (ident,)
        ).fetchone()
        already = self.db.execute(
            "SELECT 1 FROM captures WHERE record_id = ? AND id = ?", (capture.record_id, ident)
        ).fetchone()
        if row is not None and already:
            return AddResult("unchanged", self._require(ident))
        digest = content_hash(article.title, article.body)
        if row is None:
            record = build_record(
                article, capture, record_id=ident, version=1,
                aliases=self._aliases(article.url, [], article), first_seen=seen, last_seen=seen,
            )
            self._append(record, ident, new_article=True)
            self._remember(ident, article, record.url, capture)
            self.db.commit()
            return AddResult("new", record)
        url, version, old_hash, first_seen, last_seen, aliases_json = row
        aliases = self._aliases(url, json.loads(aliases_json), article)
        first_seen, last_seen = min(first_seen, seen), max(last_seen, seen)
        if digest != old_hash and same_version(self.get(ident), article.title, article.body):
            digest = old_hash  # whitespace, NFC or tone placement only: the same version
        if digest == old_hash or resolved.by_content:
            # another URL of the article (by content): its text is no new version of it
            self.db.execute(
                "UPDATE articles SET first_seen = ?, last_seen = ?, aliases = ? WHERE id = ?",
                (first_seen, last_seen, json.dumps(aliases, ensure_ascii=False), ident),
            )
            self._remember(ident, article, url, capture)
            ledger.restore(self.db, self._require(ident), seen)
            self.db.commit()
            return AddResult("unchanged", self._require(ident))
        record = build_record(
            article, capture, record_id=ident, version=version + 1,
            aliases=aliases, first_seen=first_seen, last_seen=last_seen,
        )
        record = replace(record, url=url)  # the article keeps the URL it was first filed under
        self._append(record, ident, new_article=False)
        self._remember(ident, article, url, capture)
        ledger.restore(self.db, record, seen)
        self.db.commit()
        return AddResult("changed", record)

    def seen_again(self, url: str, capture: CaptureRef, seen_at: datetime) -> str | None:
        """Record that the article at ``url`` was captured again unchanged without being
        extracted (an HTTP 304 to a conditional request): ``last_seen`` moves, nothing else.
        Only a URL an article was extracted from counts (a page that held no article, such as
        a script-rendered shell, does not), as in ``congan reextract``. Returns the article id,
        or None when no article was extracted from that URL."""
        row = self.db.execute("SELECT id FROM fetched WHERE url = ?", (url,)).fetchone()
        if row is None:
            return None
        ident = str(row[0])
        found = self.db.execute("SELECT last_seen FROM articles WHERE id = ?", (ident,)).fetchone()
        if found is None:
            return None
        self.db.execute(
            "UPDATE articles SET last_seen = ? WHERE id = ?", (max(found[0], utc_stamp(seen_at)), ident)
        )
        self.db.execute("INSERT OR IGNORE INTO captures (record_id, id) VALUES (?, ?)", (capture.record_id, ident))
        record = self.get(ident)
        if record is not None:
            ledger.restore(self.db, record, utc_stamp(seen_at))
        self.db.commit()
        return ident

    # -- takedowns and the change feed (archive.corpus.ledger) -----------------------------
    def mark_removed(self, url: str, evidence: RemovalEvidence) -> str | None:
        """The article whose own URL (no alias) is ``url`` was found gone (``archive.corpus.removals``):
        its id when this is news (first evidence since it was last seen alive)."""
        record = self.get(article_id(url))  # an article's id is that of the URL it is filed under
        if record is None or record.url != url or not ledger.mark_removed(self.db, record, evidence):
            return None
        self.db.commit()
        return record.id

    def removal(self, ident: str) -> Removal | None:
        return ledger.removal_of(self.db, ident)

    def removals(self) -> dict[str, Removal]:  # every article removed now, by id
        return ledger.all_removals(self.db)

    def events(self, **bounds: object) -> list[ChangeEvent]:  # since, until, site, kinds
        return ledger.read_events(self.db, **bounds)  # type: ignore[arg-type]

    def add_aliases(self, record_id: str, aliases: Iterable[str]) -> str | None:
        """Merge other URLs seen for the article filed from the capture ``record_id`` (links
        found after it was filed) into its ``aliases``: same-site URLs other than its own,
        sorted. Returns the article id, or None when no article came from that capture."""
        row = self.db.execute(
            "SELECT a.id, a.url, a.aliases FROM captures c JOIN articles a ON a.id = c.id WHERE c.record_id = ?",
            (record_id,),
        ).fetchone()
        if row is None:
            return None
        ident, url, known_json = str(row[0]), row[1], row[2]
        found = set(json.loads(known_json))
        found.update(a for a in aliases if a and a != url and site_of(a) == site_of(url))
        self.db.execute(
            "UPDATE articles SET aliases = ? WHERE id = ?", (json.dumps(sorted(found), ensure_ascii=False), ident)
        )
        self.db.commit()
        return ident

    @staticmethod
    def _aliases(url: str, known: list[str], article: ExtractedArticle) -> list[str]:
        found = list(known)
        for candidate in (article.url, article.fetched_url, article.declared_canonical, *article.declared_aliases):
            if candidate and candidate != url and candidate not in found:
                found.append(candidate)
        return sorted(found)  # whatever order captures were filed in (crawl, reextract)

    def _remember(self, ident: str, article: ExtractedArticle, url: str, capture: CaptureRef) -> None:
        if normalise(article.title):
            self.db.execute("INSERT OR IGNORE INTO titles (site, title, id) VALUES (?, ?, ?)",
                            (article.site or site_of(url), normalise(article.title), ident))
        for alias in {article.url, article.fetched_url, article.declared_canonical, url}:
            if alias:
                self.db.execute("INSERT OR IGNORE INTO aliases (alias, id) VALUES (?, ?)", (alias, ident))
        self.db.execute("INSERT OR IGNORE INTO captures (record_id, id) VALUES (?, ?)", (capture.record_id, ident))
        if article.fetched_url:
            self.db.execute("INSERT OR REPLACE INTO fetched (url, id) VALUES (?, ?)", (article.fetched_url, ident))

    def _append(self, record: ArticleRecord, ident: str, *, new_article: bool) -> None:
        line = (record.to_line() + "\n").encode("utf-8")
        with open(self.jsonl_path, "ab") as handle:
            offset = handle.tell()
            handle.write(line)
            handle.flush()
            if self.durable:
                os.fsync(handle.fileno())
        self._index_line(record, offset, len(line))

    def _index_line(self, record: ArticleRecord, offset: int, length: int) -> None:
        ledger.version_event(self.db, record)
        self.db.execute(
            "INSERT OR REPLACE INTO versions (id, version, offset, length, content_hash) VALUES (?, ?, ?, ?, ?)",
            (record.id, record.version, offset, length, record.content_hash),
        )
        self.db.execute(
            "INSERT INTO articles (id, url, site, published, version, content_hash, first_seen, last_seen, aliases)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET version = excluded.version, content_hash = excluded.content_hash,"
            " published = excluded.published, first_seen = min(first_seen, excluded.first_seen),"
            " last_seen = max(last_seen, excluded.last_seen), aliases = excluded.aliases",
            (
                record.id, record.url, record.site, record.published, record.version,
                record.content_hash, record.first_seen, record.last_seen,
                json.dumps(list(record.aliases), ensure_ascii=False),
            ),
        )
        self.db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('jsonl_end', ?)", (str(offset + length),)
        )

    def _recover(self) -> None:
        """Index lines written after the last commit; cut a torn last line."""
        if not self.jsonl_path.exists():
            return
        row = self.db.execute("SELECT value FROM meta WHERE key = 'jsonl_end'").fetchone()
        end = int(row[0]) if row else 0
        size = self.jsonl_path.stat().st_size
        if size <= end:
            return
        with open(self.jsonl_path, "r+b") as handle:
            handle.seek(end)
            offset = end
            for raw in handle:
                if not raw.endswith(b"\n"):
                    logger.warning("corpus: cutting a torn last line at byte %s of %s", offset, self.jsonl_path)
                    handle.truncate(offset)
                    break
                try:
                    record = ArticleRecord.from_json(json.loads(raw))
                except (ValueError, KeyError, TypeError):
                    logger.warning("corpus: cutting an unreadable line at byte %s of %s", offset, self.jsonl_path)
                    handle.truncate(offset)
                    break
                self._index_line(record, offset, len(raw))
                offset += len(raw)
        self.db.commit()

    # -- reading ------------------------------------------------------------------------
    def _read(self, offset: int, length: int, ident: str | None = None) -> ArticleRecord | None:
        """The line at ``offset``; None when it is corrupt (skipped and counted in ``bad_lines``)."""
        with open(self.jsonl_path, "rb") as handle:
            handle.seek(offset)
            return self.bad_lines.parse(handle.read(length), offset, ident)

    def _overlay(
        self, record: ArticleRecord, last_seen: str, first_seen: str, aliases_json: str,
        removed: str | None = None, evidence: str | None = None,
    ) -> ArticleRecord:
        removal = Removal.from_row(removed, evidence) if removed and evidence else None
        return replace(
            record, last_seen=last_seen, first_seen=first_seen, aliases=tuple(json.loads(aliases_json)),
            removed=removal.removed if removal else None, removal=removal.evidence if removal else None,
        )

    def _require(self, ident: str) -> ArticleRecord:
        record = self.get(ident)
        if record is None:  # pragma: no cover - the caller has just written it
            raise KeyError(ident)
        return record

    def get(self, ident: str) -> ArticleRecord | None:
        """The latest version of article ``ident``, or None."""
        row = self.db.execute(
            "SELECT v.offset, v.length, a.last_seen, a.first_seen, a.aliases, r.removed, r.evidence FROM articles a"
            " JOIN versions v ON v.id = a.id AND v.version = a.version"
            " LEFT JOIN removals r ON r.id = a.id WHERE a.id = ?",
            (ident,),
        ).fetchone()
        if row is None:
            return None
        record = self._read(row[0], row[1], ident)
        return None if record is None else self._overlay(record, *row[2:])

    def versions(self, ident: str) -> list[ArticleRecord]:
        """Every version of article ``ident``, oldest first (empty if unknown)."""
        rows = self.db.execute(
            "SELECT offset, length FROM versions WHERE id = ? ORDER BY version", (ident,)
        ).fetchall()
        records = [r for r in (self._read(offset, length, ident) for offset, length in rows) if r is not None]
        latest = self.get(ident)
        if records and latest is not None:
            records[-1] = latest
        return records

    def latest(self, *, site: str | None = None) -> Iterator[ArticleRecord]:
        """The latest version of every article (of one site), in id order."""
        query = (
            "SELECT v.offset, v.length, a.id, a.last_seen, a.first_seen, a.aliases, r.removed, r.evidence"
            " FROM articles a JOIN versions v ON v.id = a.id AND v.version = a.version"
            " LEFT JOIN removals r ON r.id = a.id"
        )
        params: tuple[str, ...] = ()
        if site:
            query += " WHERE a.site = ?"
            params = (site,)
        rows = self.db.execute(query + " ORDER BY a.id", params).fetchall()
        if not rows:
            return
        with open(self.jsonl_path, "rb") as handle:
            for offset, length, ident, *overlay in rows:
                handle.seek(offset)
                record = self.bad_lines.parse(handle.read(length), offset, ident)
                if record is not None:
                    yield self._overlay(record, *overlay)

    def version_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM versions").fetchone()[0])
