"""The total and the facet counts of a search, from tantivy's columnar aggregations.

Counting needs no score, so it runs as its own pass over the matches (scoring off: only
the clauses that decide what matches are read) beside the pass that ranks the page of
hits: :class:`Counter` starts it in a thread (tantivy releases the GIL while it
searches), so on two cores the slowest of the two passes, not their sum, is what a
search costs (docs/search.md "Engine").

Totals are exact. Facet counts are exact while a facet has at most ``FACET_SIZE`` values
(there are about 70 portals and provinces, 11 years, a dozen categories).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import tantivy

from .results import FACETS, FacetValue
from .store import SearchIndexError
from .textindex import MISSING

#: facet buckets asked of tantivy: counts are exact while a facet has at most this many values
FACET_SIZE = 10_000
#: every document has a year (0 when undated): the sum of its buckets is the total
TOTAL_FACET = "year"
#: threads counting beside the ranking pass (one per search in flight, for a server)
COUNT_THREADS = 2

Facets = dict[str, tuple[FacetValue, ...]]


@dataclass(frozen=True)
class Counts:
    total: int
    facets: Facets = field(default_factory=dict)


def count(searcher: tantivy.Searcher, query: tantivy.Query, *, facets: bool) -> Counts:
    """The number of matches of ``query`` and, if ``facets``, the counts per facet value."""
    try:
        if not facets:
            raw = searcher.aggregate(query, {"total": {"value_count": {"field": "n"}}})
            return Counts(int(raw["total"]["value"] or 0))
        raw = searcher.aggregate(query, {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACETS})
    except ValueError as exc:
        raise SearchIndexError(f"the search index could not count this query ({exc})") from None
    found = {}
    for name in FACETS:
        counts: dict[str | None, int] = {}
        for bucket in raw.get(name, {}).get("buckets", []):
            value = _facet_value(name, bucket["key"])
            counts[value] = counts.get(value, 0) + bucket["doc_count"]
        found[name] = tuple(FacetValue(v, c) for v, c in sorted(counts.items(), key=_facet_order(name)))
    every = raw.get(TOTAL_FACET, {})
    total = sum(b["doc_count"] for b in every.get("buckets", [])) + int(every.get("sum_other_doc_count") or 0)
    return Counts(total, found)


class Counter:
    """Counts in threads of its own: ``start(...)`` returns a future of :class:`Counts`."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None

    def start(self, searcher: tantivy.Searcher, query: tantivy.Query, *, facets: bool) -> Future[Counts]:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=COUNT_THREADS, thread_name_prefix="search-count")
        return self._pool.submit(count, searcher, query, facets=facets)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


def _facet_value(name: str, key: Any) -> str | None:
    if name == "year":
        return str(int(key)) if key else None
    return None if key == MISSING else str(key)


def _facet_order(name: str) -> Callable[[tuple[str | None, int]], tuple[bool | int | str, ...]]:
    if name == "year":  # newest year first
        return lambda item: (item[0] is None, -int(item[0] or 0))
    return lambda item: (-item[1], item[0] is None, str(item[0]))
