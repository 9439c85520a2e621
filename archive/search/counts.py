"""The total and the facet counts of a search, from tantivy's columnar aggregations.

Counting needs no score, so it runs as its own pass over the matches (scoring off: only
the clauses that decide what matches are read) beside the pass that ranks the page of
hits: :class:`Counter` starts it in a thread (tantivy releases the GIL while it
searches), so on two cores the slowest of the two passes, not their sum, is what a
search costs (docs/search.md "Engine").

The facet counts come from one aggregation over the ``facets`` column, which holds the
five facet values of a document together (one term per combination of province, 2025
unit, site, category and year): its buckets are added up per facet. One column read
per match instead of five, about 2.4 times cheaper (docs/search.md "Engine").

Totals are exact. Facet counts are exact while there are at most ``COMBO_SIZE``
combinations among the matches (a portal has one province, so about 70 portals × 11 years
× a dozen categories at most); beyond that the five facets are counted apart, each exact
while it has at most ``FACET_SIZE`` values.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import tantivy

from .results import FACETS, FacetValue
from .store import SearchIndexError
from .textindex import FACET_KEY, MISSING, facet_values

#: facet buckets asked of tantivy: counts are exact while a facet has at most this many values
FACET_SIZE = 10_000
#: combinations asked of tantivy in one aggregation; when the matches hold more (some left
#: out), the facets are counted apart (tantivy refuses more than 65,000 buckets a request)
COMBO_SIZE = 20_000
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
    if not facets:
        raw = _aggregate(searcher, query, {"total": {"value_count": {"field": "n"}}})
        return Counts(int(raw["total"]["value"] or 0))
    combos = _aggregate(searcher, query, {"c": {"terms": {"field": FACET_KEY, "size": COMBO_SIZE}}})["c"]
    if combos.get("sum_other_doc_count") or combos.get("doc_count_error_upper_bound"):
        return count_apart(searcher, query)  # more combinations than asked for
    per_facet: dict[str, dict[str | None, int]] = {name: {} for name in FACETS}
    total = 0
    for bucket in combos.get("buckets", []):
        matches = bucket["doc_count"]
        total += matches
        for counts, key in zip(per_facet.values(), _combination(bucket["key"]), strict=True):
            counts[key] = counts.get(key, 0) + matches
    return Counts(total, _ordered(per_facet))


def count_apart(searcher: tantivy.Searcher, query: tantivy.Query) -> Counts:
    """Total and facets from one aggregation per facet column (exact while a facet has at
    most ``FACET_SIZE`` values)."""
    raw = _aggregate(searcher, query, {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACETS})
    per_facet: dict[str, dict[str | None, int]] = {}
    for name in FACETS:
        counts = per_facet[name] = {}
        for bucket in raw.get(name, {}).get("buckets", []):
            value = _facet_value(name, bucket["key"])
            counts[value] = counts.get(value, 0) + bucket["doc_count"]
    every = raw.get(TOTAL_FACET, {})
    total = sum(b["doc_count"] for b in every.get("buckets", [])) + int(every.get("sum_other_doc_count") or 0)
    return Counts(total, _ordered(per_facet))


def _aggregate(searcher: tantivy.Searcher, query: tantivy.Query, request: dict[str, Any]) -> dict[str, Any]:
    try:
        raw: dict[str, Any] = searcher.aggregate(query, request)
    except ValueError as exc:
        raise SearchIndexError(f"the search index could not count this query ({exc})") from None
    return raw


def _ordered(per_facet: dict[str, dict[str | None, int]]) -> Facets:
    return {
        name: tuple(FacetValue(v, c) for v, c in sorted(counts.items(), key=_facet_order(name)))
        for name, counts in per_facet.items()
    }


#: a combination term -> its five facet values as shown (decoded once per distinct term)
_COMBINATIONS: dict[str, tuple[str | None, ...]] = {}


def _combination(key: str) -> tuple[str | None, ...]:
    found = _COMBINATIONS.get(key)
    if found is None:
        if len(_COMBINATIONS) >= 4 * COMBO_SIZE:
            _COMBINATIONS.clear()
        found = _COMBINATIONS[key] = tuple(map(_facet_value, FACETS, facet_values(key)))
    return found


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
