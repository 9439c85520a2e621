"""Reading the search index: searches (hits, exact total, exact facets), records, export.

tantivy finds and orders the page of matches shown, and counts all of them (total and
facets, :mod:`archive.search.counts`) in a second pass that runs at the same time in
another thread; SQLite gives the text of the page of hits shown.
"""

from __future__ import annotations

import difflib
import json
import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

import tantivy

from .counts import Counter, Counts
from .normalise import province_key
from .query import Query
from .ranking import Plan, plan
from .results import Hit, SearchResults
from .rows import FIELD_ORDER, HIT_SQL, OWN_COLUMNS
from .snippets import Snippet, highlight, make_snippet
from .store import REBUILD_HINT, SearchIndexError, SearchStore

logger = logging.getLogger(__name__)

#: hits whose text is read in one query, and hits fetched per page when exporting
HIT_BATCH = 200
EXPORT_PAGE = 5000


class SearchReader(SearchStore):
    """Answers queries (``search``, ``iter_hits``) and returns records (``get``)."""

    _hidden: tuple[str, ...] | None = None
    _known: dict[str, dict[str, str]] | None = None
    _counter: Counter | None = None

    def close(self) -> None:
        if self._counter is not None:
            self._counter.close()
            self._counter = None
        super().close()

    def known_values(self) -> dict[str, dict[str, str]]:
        """Filter keys the index holds, with a name to show: ``site`` and ``province``."""
        if self._known is None:
            known: dict[str, dict[str, str]] = {"site": {}, "province": {}}
            for site, province, unit in self.conn.execute("SELECT DISTINCT site, province, province_2025 FROM combos"):
                if site:
                    known["site"][site] = site
                for name in (province, unit):
                    if name:
                        known["province"][province_key(name)] = name
            self._known = known
        return self._known

    def notices(self, query: Query) -> tuple[str, ...]:
        """An unknown --site or --province, with the closest known value."""
        found = []
        known = self.known_values()
        for label, kind, values in (("site", "site", query.sites), ("province", "province", query.provinces)):
            for value in values:
                if value in known[kind]:
                    continue
                close = difflib.get_close_matches(value, list(known[kind]), n=1, cutoff=0.6)
                hint = f"; did you mean {known[kind][close[0]]!r}?" if close else ""
                found.append(f"no {label} {value!r} in the index{hint}")
        return tuple(found)

    def hidden_ids(self) -> tuple[str, ...]:
        """Articles the access rules hide (found once per reader: rules are few, articles many)."""
        if self.access is None:
            return ()
        if self._hidden is None:
            rows = self.conn.execute("SELECT id FROM articles WHERE NOT congan_allowed(url, capture_ts)")
            self._hidden = tuple(r[0] for r in rows)
        return self._hidden

    def get(self, article_id: str) -> dict[str, Any] | None:
        """The record as indexed (without body_html), or None."""
        row = self.conn.execute(
            f"SELECT d.record, a.capture_ts, {', '.join(OWN_COLUMNS)}"
            " FROM articles a JOIN documents d ON d.n = a.n WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        found = dict(zip(OWN_COLUMNS, row[2:], strict=False))
        if not self._allowed(found["url"], row[1]):
            return None
        found.update(json.loads(row[0]))
        ordered = {k: found[k] for k in FIELD_ORDER if k in found}
        ordered.update((k, v) for k, v in found.items() if k not in ordered)
        return ordered

    def _searcher(self) -> tantivy.Searcher:
        try:
            self.text.reload()
            return self.text.searcher()
        except ValueError as exc:
            raise SearchIndexError(f"cannot read the text index of {self.path} ({exc}): {REBUILD_HINT}") from None

    def removed_ids(self) -> tuple[str, ...]:
        """Articles their portal took down (SPEC §7 ``removed``): few, so a filter by id."""
        rows = self.conn.execute(
            "SELECT a.id FROM articles a JOIN documents d ON d.n = a.n"
            " WHERE json_extract(d.record, '$.removed') IS NOT NULL"
        )
        return tuple(r[0] for r in rows)

    def _plan(self, query: Query, searcher: tantivy.Searcher, *, relaxed: bool = False) -> Plan:
        only = self.removed_ids() if query.removed else None
        return plan(query, self.text.schema, searcher, hidden_ids=self.hidden_ids(), only_ids=only, relaxed=relaxed)

    def _top(self, searcher: tantivy.Searcher, query: Query, found: Plan, limit: int, offset: int) -> Any:
        """A page of (score or date key, address): ranked without counting (the count is
        :mod:`archive.search.counts`' pass)."""
        try:
            if query.sort == "date" or not query.parsed.positive:
                return searcher.search(found.query, limit=limit, offset=offset, count=False, order_by_field="order",
                                       order=tantivy.Order.Desc)
            return searcher.search(found.query, limit=limit, offset=offset, count=False)
        except (ValueError, OverflowError) as exc:
            logger.error("search index: query %r failed: %s", query.text, exc)
            raise SearchIndexError(f"the search index could not run this query ({exc})") from None

    def search(self, query: Query) -> SearchResults:
        """One page of hits with snippets, the total and (unless off) the facets."""
        try:
            return self._search(query)
        except sqlite3.DatabaseError as exc:
            raise SearchIndexError(f"cannot read the search index at {self.path} ({exc}): {REBUILD_HINT}") from None

    def _search(self, query: Query) -> SearchResults:
        searcher = self._searcher()
        if self._counter is None:
            self._counter = Counter()
        found = self._plan(query, searcher)
        counting = self._counter.start(searcher, found.query, facets=query.facets)
        page = self._top(searcher, query, found, query.limit, query.offset).hits
        if not page and found.words_required and counting.result().total == 0:
            found = self._plan(query, searcher, relaxed=True)  # no article has those words: syllables
            counting = self._counter.start(searcher, found.query, facets=query.facets)
            page = self._top(searcher, query, found, query.limit, query.offset).hits
        hits = tuple(self._hits(searcher, query, page, snippets=True))
        counts: Counts = counting.result()
        return SearchResults(query=query, hits=hits, total=counts.total, facets=counts.facets,
                             notices=self.notices(query))

    def iter_hits(self, query: Query, *, limit: int | None = None, snippets: bool = False) -> Iterator[Hit]:
        """Every hit of a query in order (for export), page by page."""
        searcher = self._searcher()
        found = self._plan(query, searcher)
        offset, wanted = 0, limit if limit is not None else -1
        if not self._top(searcher, query, found, 1, 0).hits and found.words_required:
            found = self._plan(query, searcher, relaxed=True)
        while wanted:
            size = EXPORT_PAGE if wanted < 0 else min(EXPORT_PAGE, wanted)
            page = self._top(searcher, query, found, size, offset).hits
            if not page:
                return
            yield from self._hits(searcher, query, page, snippets=snippets)
            offset += len(page)
            wanted = wanted - len(page) if wanted > 0 else wanted

    def _hits(
        self, searcher: tantivy.Searcher, query: Query, page: list[tuple[Any, tantivy.DocAddress]], *, snippets: bool
    ) -> Iterator[Hit]:
        """The hits of a page of (score, address), their text read from SQLite."""
        relevance = not (query.sort == "date" or not query.parsed.positive)
        for start in range(0, len(page), HIT_BATCH):
            chunk = page[start : start + HIT_BATCH]
            numbers = searcher.fast_field_values("n", [address for _key, address in chunk])
            rows = {
                row[0]: row[1:]
                for row in self.conn.execute(HIT_SQL.format(", ".join("?" * len(numbers))), numbers)
            }
            ordered = [(key, n) for (key, _address), n in zip(chunk, numbers, strict=False) if n in rows]
            if relevance:  # equal scores: by id, whatever the segment layout or row numbers
                ordered.sort(key=lambda item: (-round(item[0], 3), rows[item[1]][0]))
            for key, n in ordered:
                if n not in rows:  # written to the text index by an update not committed to SQLite
                    continue
                (id_, url, published, site, province, p2025, category, title, summary, replay, version, body) = rows[n]
                yield Hit(
                    id=id_, url=url, title=title, published=published, site=site, province=province,
                    province_2025=p2025, category=category, summary=summary, replay_url=replay,
                    version=version, score=round(key, 2) if relevance else None,
                    snippet=make_snippet([body, summary], query.parsed) if snippets else Snippet(),
                    title_highlight=highlight(title, query.parsed) if snippets else Snippet(),
                )
