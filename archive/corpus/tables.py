"""The corpus lookup index (``corpus/index.sqlite3``): its tables, created by ``CorpusStore``.

The JSONL file is the corpus; these tables only find lines in it fast (ids, aliases,
versions, captures) and can be rebuilt from it (``congan index rebuild``)."""

from __future__ import annotations

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    site TEXT NOT NULL,
    published TEXT,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS versions (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    offset INTEGER NOT NULL,
    length INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE TABLE IF NOT EXISTS aliases (alias TEXT PRIMARY KEY, id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS captures (record_id TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (record_id, id));
-- URLs whose captured payload an article was extracted from (for 304s: seen_again)
CREATE TABLE IF NOT EXISTS fetched (url TEXT PRIMARY KEY, id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS articles_site ON articles (site);
-- where each version's line starts: the search index reads the versions written since its
-- last update (archive.search.sync) without scanning every version
CREATE INDEX IF NOT EXISTS versions_offset ON versions (offset);
-- normalised title -> articles filed with it (same_content: one article under two URLs)
CREATE TABLE IF NOT EXISTS titles (site TEXT NOT NULL, title TEXT NOT NULL, id TEXT NOT NULL,
    PRIMARY KEY (site, title, id));
"""
