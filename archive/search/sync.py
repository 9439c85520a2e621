"""Keep the search index in step with the corpus store (docs/DESIGN.md "Corpus -> search").

``update_from_corpus(data_dir)`` is what a crawl calls when it ends: only the articles
with a version written to the corpus since the last update are read and (re)indexed (the
index keeps the corpus file offset it has read up to, ``search_meta.corpus_end``), so the
cost follows the number of changed articles, not the size of the corpus. ``rebuild_from_corpus``
is what ``congan index rebuild`` calls: a fresh index swapped in atomically.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from archive.access import AccessRules
from archive.corpus import ArticleRecord, CorpusStore
from archive.paths import DataDir

from .index import SearchIndex
from .writer import SearchWriter

logger = logging.getLogger(__name__)


def corpus_records(data_dir: DataDir) -> Iterator[dict[str, Any]]:
    """The latest version of every article in the corpus store, as JSON objects."""
    with CorpusStore.open(data_dir) as store:
        for record in store.latest():
            yield record.to_json()
        skipped = store.bad_lines.summary()  # corrupt lines: counted and named, never a traceback
        if skipped:
            logger.warning("%s", skipped)


#: the corpus's index of versions by offset (``versions_offset``) answers both without
#: reading every version: an update costs the changed articles, not the corpus
CORPUS_END_SQL = "SELECT offset + length FROM versions ORDER BY offset DESC LIMIT 1"
CHANGED_SINCE_SQL = "SELECT id FROM versions WHERE offset >= ? ORDER BY offset"


def corpus_end(store: CorpusStore) -> int:
    """How far the corpus file holds versions (the offset after the last one)."""
    row = store.db.execute(CORPUS_END_SQL).fetchone()
    return int(row[0]) if row else 0


def rebuild_from_corpus(data_dir: DataDir) -> int:
    """Rebuild the search index from the corpus; the number of articles indexed."""
    with CorpusStore.open(data_dir) as store:
        end = corpus_end(store)  # read first: versions added meanwhile are indexed next time
        event_end = events_end(store)
    total = SearchIndex.rebuild(data_dir.search_db, corpus_records(data_dir))
    with SearchWriter(data_dir.search_db) as index:
        index.conn.execute("BEGIN")
        index.set_meta("corpus_end", str(end))
        index.set_meta("events_end", str(event_end))
        index.conn.execute("COMMIT")
    logger.info("search index: %s articles from the corpus", total)
    return total


def events_end(store: CorpusStore) -> int:
    """How far the corpus's change events go (removals and restores change no version line)."""
    row = store.db.execute("SELECT coalesce(max(rowid), 0) FROM events").fetchone()
    return int(row[0])


def changed_records(store: CorpusStore, since: int, since_event: int | None = None) -> Iterator[dict[str, Any]]:
    """The latest version of every article with a version written at or after ``since``, or
    (``since_event``) taken down or restored since that change event."""
    ids = list(dict.fromkeys(row[0] for row in store.db.execute(CHANGED_SINCE_SQL, (since,))))
    if since_event is not None:
        seen = set(ids)
        for (ident,) in store.db.execute(
            "SELECT DISTINCT id FROM events WHERE rowid > ? AND kind IN ('removed', 'restored')", (since_event,)
        ):
            if ident not in seen:
                seen.add(ident)
                ids.append(ident)
    for ident in ids:
        record = store.get(ident)
        if record is not None:
            yield record.to_json()


def update_from_corpus(data_dir: DataDir) -> int:
    """Index what changed in the corpus since the last update; the number of articles
    added or changed. Rebuilds instead when the index is missing or stale."""
    path = data_dir.search_db
    if not path.exists():
        return rebuild_from_corpus(data_dir)
    with SearchWriter(path) as index:
        if index.stale:
            index.close()
            return rebuild_from_corpus(data_dir)
        known = index.meta("corpus_end")
        known_event = index.meta("events_end")
        with CorpusStore.open(data_dir) as store:
            end, event_end = corpus_end(store), events_end(store)
            if known is None or int(known) > end:  # an index from before the watermark, or another corpus
                changed = index.upsert_many(r.to_json() for r in store.latest())
            else:
                since_event = int(known_event) if known_event is not None else 0
                changed = index.upsert_many(changed_records(store, int(known), since_event))
        index.conn.execute("BEGIN")
        index.set_meta("corpus_end", str(end))
        index.set_meta("events_end", str(event_end))
        index.conn.execute("COMMIT")
    logger.info("search index: %s articles added or changed", changed)
    return changed


def open_index(data_dir: DataDir, *, readonly: bool = True) -> SearchIndex:
    """The data directory's index with its access rules applied (for search and serve)."""
    return SearchIndex(data_dir.search_db, readonly=readonly, access=AccessRules.load(data_dir))


def article_versions(data_dir: DataDir, index: SearchIndex, article_id: str) -> list[ArticleRecord]:
    """Every version of an article, oldest first, as the corpus keeps them (full records,
    body_html included); the indexed version alone when the corpus is not there. Empty when
    the article is unknown or hidden by an access rule."""
    indexed = index.get(article_id)  # None also when access rules hide it
    if indexed is None:
        return []
    if data_dir.corpus_dir.exists():
        with CorpusStore.open(data_dir) as store:
            versions = store.versions(article_id)
        if versions:
            return versions
    return [ArticleRecord.from_json(indexed)]
