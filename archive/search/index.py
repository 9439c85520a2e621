"""The search index: one SQLite file with an FTS5 table (SPEC §8, docs/DESIGN.md).

``articles`` keeps the latest version of each article as published (for snippets, article
pages and export); ``articles_fts`` is a contentless FTS5 table holding, for the same rowid,
the exact-normalised and the folded words of title, summary and body. Queries reach it only
through :func:`archive.search.matchexpr.match_expression` as one bound parameter.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from archive.access import AccessRules
from archive.errors import DataDirError

from . import migrations
from .matchexpr import WEIGHTS, match_expression
from .normalise import NORMALISER_VERSION
from .rows import (
    COMBO_INSERT, COMBO_SELECT, DOC_COLUMNS, DOCS_INSERT, FACT_COLUMNS, FACTS_INSERT, FACTS_UPDATE, FIELD_ORDER,
    FTS_DELETE, FTS_INSERT, HIT_SQL, OWN_COLUMNS, article_rows, facet_values, fts_values,
    marks,
)
from .query import Query
from .results import FACETS, FacetValue, Hit, SearchResults
from .snippets import Snippet, highlight, make_snippet

logger = logging.getLogger(__name__)

#: hits whose text is read in one query
HIT_BATCH = 200
#: records per transaction in upsert_many (each one is a complete article: a crash
#: between transactions leaves a consistent index that the next update completes)
UPSERT_BATCH = 1000
#: page cache per connection, and how much of the file is memory-mapped (large indexes
#: are read through the OS page cache instead of copied into SQLite's)
CACHE_KIB = 65536
MMAP_BYTES = 1 << 30
#: fields kept in their own columns, not repeated in the stored record JSON
class SearchIndexError(DataDirError):
    """The search index is missing, stale or unreadable; rebuilding it fixes it."""



class SearchIndex:
    """Open (and create or migrate) the index at ``path``; ``readonly`` for serving."""

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
        self._combos: dict[tuple[Any, ...], int] = {}  # facet values -> combos.id
        if readonly:
            if not self.path.exists():
                raise SearchIndexError(
                    f"no search index at {self.path}: run `congan index rebuild` (or a crawl) first"
                )
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
                    raise SearchIndexError(
                        f"the search index at {self.path} has an old schema: run `congan index rebuild`"
                    )
            else:
                self.conn.execute("PRAGMA journal_mode=DELETE")
                migrations.migrate(self.conn)
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise SearchIndexError(
                f"cannot read the search index at {self.path} ({exc}): run `congan index rebuild`"
            ) from None

    def _allowed(self, url: str | None, timestamp: str | None) -> bool:
        return url is None or self.access is None or self.access.allows(url, timestamp)

    # -- state --------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "SearchIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def meta(self, name: str) -> str | None:
        row = self.conn.execute("SELECT value FROM search_meta WHERE key = ?", (name,)).fetchone()
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
        return self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    # -- writing ------------------------------------------------------------------------
    def upsert(self, record: dict[str, Any]) -> bool:
        """Index one record (latest version of an article); True if anything changed."""
        return self.upsert_many([record]) > 0

    def upsert_many(self, records: Iterable[dict[str, Any]]) -> int:
        """Index records, replacing older versions of the same ids; the number changed."""
        if self.stale:
            raise SearchIndexError(
                f"the search index at {self.path} was built by another normaliser: "
                "run `congan index rebuild`"
            )
        changed = 0
        self.conn.execute("BEGIN")
        try:
            for done, record in enumerate(records, 1):
                changed += self._upsert_one(record)
                if done % UPSERT_BATCH == 0:  # let readers in between batches
                    self.conn.execute("COMMIT")
                    self.conn.execute("BEGIN")
            self.set_meta("normaliser_version", str(NORMALISER_VERSION))
        except BaseException:
            self.conn.execute("ROLLBACK")
            self.forget_combos()
            raise
        self.conn.execute("COMMIT")
        return changed

    def _upsert_one(self, record: dict[str, Any]) -> int:
        if not record.get("id"):
            logger.warning("search index: skipped a record without id (%s)", record.get("url"))
            return 0
        facts, doc = article_rows(record)
        old = self.conn.execute(
            f"SELECT a.n, {', '.join('a.' + c for c in FACT_COLUMNS)}, {', '.join('d.' + c for c in DOC_COLUMNS)}"
            " FROM articles a LEFT JOIN documents d ON d.n = a.n WHERE a.id = ?",
            (facts[0],),
        ).fetchone()
        if old is None:
            n = self.conn.execute(FACTS_INSERT, (None, *facts, self.combo_id(facts))).lastrowid
            self.conn.execute(DOCS_INSERT, (n, *doc))
            self.conn.execute(FTS_INSERT, (n, *fts_values(*doc[:3])))
            return 1
        n = old[0]
        old_facts, old_doc = tuple(old[1 : 1 + len(FACT_COLUMNS)]), tuple(old[1 + len(FACT_COLUMNS) :])
        if (old_facts, old_doc) == (facts, doc):
            return 0
        self.conn.execute(FACTS_UPDATE, (*facts, self.combo_id(facts), n))
        self.conn.execute(DOCS_INSERT, (n, *doc))
        if old_doc[:3] != doc[:3]:
            self.conn.execute(FTS_DELETE, (n, *fts_values(*old_doc[:3])))
            self.conn.execute(FTS_INSERT, (n, *fts_values(*doc[:3])))
        return 1

    def combo_id(self, facts: tuple[Any, ...]) -> int:
        """The id of the facet combination of an articles row (created when new)."""
        values = facet_values(facts)
        found = self._combos.get(values)
        if found is None:
            self.conn.execute(COMBO_INSERT, (*values, *values))
            found = self.conn.execute(COMBO_SELECT, values).fetchone()[0]
            self._combos[values] = found
        return found

    def forget_combos(self) -> None:
        """Drop the combination cache (after a rollback that may have undone new ones)."""
        self._combos.clear()

    def delete(self, article_id: str) -> bool:
        old = self.conn.execute(
            "SELECT a.n, d.title, d.summary, d.body FROM articles a JOIN documents d ON d.n = a.n"
            " WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if old is None:
            return False
        n, title, summary, body = old
        self.conn.execute("BEGIN")
        self.conn.execute(FTS_DELETE, (n, *fts_values(title, summary, body)))
        self.conn.execute("DELETE FROM documents WHERE n = ?", (n,))
        self.conn.execute("DELETE FROM articles WHERE n = ?", (n,))
        self.conn.execute("COMMIT")
        return True

    @classmethod
    def rebuild(cls, path: str | os.PathLike[str], records: Iterable[dict[str, Any]], *,
                workers: int | None = None) -> int:
        """Build a fresh index from ``records`` beside ``path`` and swap it in atomically
        (readers keep the old file until they reopen). Returns the number of articles.
        See :func:`archive.search.build.rebuild`."""
        from .build import rebuild

        return rebuild(cls, Path(path), records, workers=workers)

    # -- reading ------------------------------------------------------------------------
    def get(self, article_id: str) -> dict[str, Any] | None:
        """The record as indexed (without body_html), or None."""
        row = self.conn.execute(
            f"SELECT d.record, a.capture_ts, {', '.join(OWN_COLUMNS)}"
            " FROM articles a JOIN documents d ON d.n = a.n WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        found = dict(zip(OWN_COLUMNS, row[2:]))
        if not self._allowed(found["url"], row[1]):
            return None
        found.update(json.loads(row[0]))
        ordered = {k: found[k] for k in FIELD_ORDER if k in found}
        ordered.update((k, v) for k, v in found.items() if k not in ordered)
        return ordered

    def _from(self, query: Query) -> tuple[str, list[Any], bool]:
        """FROM/WHERE of a query with its parameters, and whether it uses FTS."""
        match = match_expression(query.parsed)
        where: list[str] = []
        params: list[Any] = []
        if match:
            sql = "FROM articles_fts JOIN articles a ON a.n = articles_fts.rowid WHERE articles_fts MATCH ?"
            params.append(match)
        else:
            sql = "FROM articles a WHERE 1"
        if query.sites:
            where.append(f"a.site IN ({', '.join('?' * len(query.sites))})")
            params += query.sites
        if query.provinces:
            slots = ", ".join("?" * len(query.provinces))
            where.append(f"(a.province_key IN ({slots}) OR a.province_2025_key IN ({slots}))")
            params += list(query.provinces) * 2
        if query.categories:
            where.append(f"a.category_key IN ({', '.join('?' * len(query.categories))})")
            params += query.categories
        if query.since:
            where.append("a.day >= ?")
            params.append(query.since)
        if query.until:
            where.append("a.day <= ?")
            params.append(query.until)
        if self.access is not None:
            where.append("congan_allowed(a.url, a.capture_ts)")
        for clause in where:
            sql += " AND " + clause
        return sql, params, bool(match)

    def _order(self, query: Query, fts: bool) -> tuple[str, str]:
        """(score expression, ORDER BY) for the query. In SQLite NULL sorts lowest, so
        undated articles come last when sorting by date."""
        if fts and query.sort == "relevance":
            score = f"bm25(articles_fts, {', '.join(str(w) for w in WEIGHTS)})"
            return score, "ORDER BY score, a.n DESC"
        return "NULL", "ORDER BY a.published DESC, a.n DESC"

    def search(self, query: Query) -> SearchResults:
        """One page of hits with snippets, the total and (unless off) the facets."""
        sql, params, fts = self._from(query)
        try:
            if query.facets:
                facets, total = self._facets(sql, params)
            else:
                facets, total = {}, self.conn.execute(f"SELECT count(*) {sql}", params).fetchone()[0]
            hits = tuple(self._hits(query, sql, params, fts, query.limit, query.offset, snippets=True))
        except sqlite3.OperationalError as exc:
            logger.error("search index: query %r failed: %s", query.text, exc)
            raise SearchIndexError(f"the search index could not run this query ({exc})") from None
        except sqlite3.DatabaseError as exc:  # garbage pages: "database disk image is malformed"
            raise SearchIndexError(
                f"the search index at {self.path} is damaged ({exc}): run `congan index rebuild`"
            ) from None
        if not total:
            self.check_sound()  # nothing found: make sure it is not damaged pages that hide the hits
        return SearchResults(query=query, hits=hits, total=total, facets=facets)

    def check_sound(self) -> None:
        """Raise SearchIndexError when SQLite finds the index damaged (``PRAGMA quick_check``)."""
        try:
            verdict = self.conn.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            verdict = str(exc)
        if verdict != "ok":
            first = str(verdict).splitlines()[0]
            raise SearchIndexError(f"the search index at {self.path} is damaged ({first}): run `congan index rebuild`")

    def iter_hits(self, query: Query, *, limit: int | None = None, snippets: bool = False) -> Iterator[Hit]:
        """Every hit of a query in order (for export), from one cursor."""
        sql, params, fts = self._from(query)
        yield from self._hits(query, sql, params, fts, limit if limit is not None else -1, 0, snippets=snippets)

    def _hits(self, query, sql, params, fts, limit, offset, *, snippets: bool) -> Iterator[Hit]:
        """Rank on the narrow tables, then read the text of the hits only."""
        score, order = self._order(query, fts)
        cursor = self.conn.execute(
            f"SELECT a.n, {score} AS score {sql} {order} LIMIT ? OFFSET ?", [*params, limit, offset]
        )
        while True:
            page = cursor.fetchmany(HIT_BATCH)
            if not page:
                return
            rows = {
                row[0]: row[1:]
                for row in self.conn.execute(HIT_SQL.format(marks(tuple(page))), [n for n, _ in page])
            }
            for n, rank in page:
                (id_, url, published, site, province, p2025, category, title, summary, replay, version, body) = rows[n]
                yield Hit(
                    id=id_, url=url, title=title, published=published, site=site, province=province,
                    province_2025=p2025, category=category, summary=summary, replay_url=replay,
                    version=version, score=round(-rank, 6) if rank is not None else None,
                    snippet=make_snippet([body, summary], query.parsed) if snippets else Snippet(),
                    title_highlight=highlight(title, query.parsed) if snippets else Snippet(),
                )

    def _facets(self, sql: str, params: list[Any]) -> tuple[dict[str, tuple[FacetValue, ...]], int]:
        """Counts per facet value over all matches, and the total (their sum)."""
        counters: dict[str, Counter] = {name: Counter() for name in FACETS}
        total = 0
        rows = self.conn.execute(
            "SELECT c.province, c.province_2025, c.site, c.category, c.year, x.count"
            f" FROM (SELECT a.combo AS combo, count(*) AS count {sql} GROUP BY a.combo) x"
            " LEFT JOIN combos c ON c.id = x.combo",
            params,
        )
        for province, p2025, site, category, year, count in rows:
            total += count
            for name, value in zip(FACETS, (province, p2025, site, category, year)):
                counters[name][value] += count
        facets = {
            name: tuple(
                FacetValue(None if v is None else str(v), c)
                for v, c in sorted(counter.items(), key=_facet_order(name))
            )
            for name, counter in counters.items()
        }
        return facets, total


def _facet_order(name: str):
    if name == "year":  # newest year first
        return lambda item: (item[0] is None, -(item[0] or 0))
    return lambda item: (-item[1], item[0] is None, str(item[0]))
