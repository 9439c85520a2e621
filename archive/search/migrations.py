"""Numbered schema migrations of the search index, recorded in ``search_migrations``.

Applied by the project's one runner (``archive.migrations``): each migration runs once, in
order, inside a transaction; a database built by a newer version of the code (a migration
number we do not know) is refused rather than damaged.
"""

from __future__ import annotations

import sqlite3

from archive.migrations import Ledger, Migration, apply_migrations, ensure_ledger, recorded, statements

LEDGER = Ledger(
    table="search_migrations",
    applied_column="applied_at",
    newer_hint="the search index was written by a newer congan; upgrade congan or run `congan index rebuild`",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "articles (narrow: filters, facets, order), documents (text), full-text index",
        """
        CREATE TABLE articles (
            n INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            url TEXT,
            site TEXT,
            province TEXT,
            province_2025 TEXT,
            province_key TEXT,
            province_2025_key TEXT,
            category TEXT,
            category_key TEXT,
            published TEXT,
            day TEXT,
            year INTEGER,
            capture_ts TEXT
        );
        CREATE INDEX articles_published ON articles(published);
        CREATE INDEX articles_day ON articles(day);
        CREATE INDEX articles_site ON articles(site, day);
        CREATE INDEX articles_province ON articles(province_key, day);
        CREATE INDEX articles_province_2025 ON articles(province_2025_key, day);
        CREATE INDEX articles_category ON articles(category_key, day);
        CREATE TABLE documents (
            n INTEGER PRIMARY KEY REFERENCES articles(n),
            title TEXT,
            summary TEXT,
            body TEXT,
            replay_url TEXT,
            version INTEGER,
            record TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            t, s, b, tf, sf, bf,
            content='',
            tokenize='unicode61 remove_diacritics 0'
        );
        CREATE TABLE search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
    ),
    Migration(
        2,
        "facet combinations: one small integer per (province, unit, site, category, year)",
        # Facet counts group every match; grouping on one integer instead of five text
        # columns roughly halves their cost on large result sets.
        """
        CREATE TABLE combos (
            id INTEGER PRIMARY KEY,
            k TEXT NOT NULL UNIQUE,
            province TEXT,
            province_2025 TEXT,
            site TEXT,
            category TEXT,
            year INTEGER
        );
        ALTER TABLE articles ADD COLUMN combo INTEGER;
        INSERT INTO combos (k, province, province_2025, site, category, year)
            SELECT DISTINCT json_array(province, province_2025, site, category, year),
                   province, province_2025, site, category, year
            FROM articles;
        UPDATE articles SET combo = (
            SELECT id FROM combos
            WHERE k = json_array(articles.province, articles.province_2025, articles.site,
                                 articles.category, articles.year)
        );
        """,
    ),
    Migration(
        3,
        "text moves to a tantivy index beside the file (search_meta.text_dir); FTS5 table dropped",
        # FTS5 computes bm25 for, and counts, every match: linear in the matches, about
        # 2.5 s for a common word at 1,000,000 articles (docs/search.md "Engine").
        """
        DROP TABLE IF EXISTS articles_fts;
        """,
    ),
    Migration(
        4,
        "the filter indexes of articles dropped: filters, facets and date order are tantivy's",
        # Unused since migration 3; each cost a B-tree insert per article (indexing rate).
        """
        DROP INDEX IF EXISTS articles_published;
        DROP INDEX IF EXISTS articles_day;
        DROP INDEX IF EXISTS articles_site;
        DROP INDEX IF EXISTS articles_province;
        DROP INDEX IF EXISTS articles_province_2025;
        DROP INDEX IF EXISTS articles_category;
        """,
    ),
    Migration(
        5,
        "the text index gains the facet group columns (where, what_when): a writer rewrites it from the rows",
        # Two aggregations over the group columns replace five (docs/search.md "Engine").
        # A reader of an index not yet migrated asks for `congan index rebuild`; a writer
        # (a crawl's update) writes a new text index from the SQLite rows, then removes the
        # old one (search_meta.retired_text_dir).
        """
        INSERT OR REPLACE INTO search_meta (key, value)
            SELECT 'retired_text_dir', value FROM search_meta WHERE key = 'text_dir';
        DELETE FROM search_meta WHERE key = 'text_dir';
        """,
    ),
)

LATEST = MIGRATIONS[-1].number


def applied(conn: sqlite3.Connection) -> list[int]:
    """The migrations the index records (creating the ledger if needed)."""
    return ensure_ledger(conn, LEDGER)


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply the migrations this database lacks; return the numbers applied.

    ``conn`` must be in autocommit mode (``isolation_level=None``)."""
    return apply_migrations(conn, MIGRATIONS, LEDGER)


def _statements(sql: str) -> list[str]:
    return statements(sql)


def applied_readonly(conn: sqlite3.Connection) -> list[int]:
    """The migrations recorded in a database opened read-only (nothing is created)."""
    return recorded(conn, LEDGER)
