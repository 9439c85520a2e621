"""The total and the facet counts of a search, from tantivy's columnar aggregations.

Counting needs no score, so it runs as its own pass over the matches (scoring off: only
the clauses that decide what matches are read) beside the pass that ranks the page of
hits: :class:`Counter` starts it in a thread (tantivy releases the GIL while it
searches), so on two cores the slowest of the two passes, not their sum, is what a
search costs (docs/search.md "Engine").

The facet counts come from two aggregations over columns that each hold several facet
values of a document (``textindex.FACET_GROUPS``: province, 2025 unit and site in one,
category and year in the other), whose buckets are added up per facet: two columns read
per match instead of five, a third less CPU for a common word (docs/search.md "Engine"). One column
of all five would have (categories × years × portals) values and cost more than five.

Totals are exact. Facet counts are exact while each group column has at most
``COMBO_SIZE`` values among the matches; beyond that the five facets are counted apart,
each exact while it has at most ``FACET_SIZE`` values.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import tantivy

from .results import FACETS, FacetValue
from .store import SearchIndexError
from .textindex import FACET_GROUPS, MISSING, facet_values

#: facet buckets asked of tantivy: counts are exact while a facet has at most this many values
FACET_SIZE = 10_000
#: values of a group column asked of tantivy; when the matches hold more (some left out),
#: the facets are counted apart (tantivy refuses more than 65,000 buckets a request)
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
    request = {group: {"terms": {"field": group, "size": COMBO_SIZE}} for group in FACET_GROUPS}
    raw = _aggregate(searcher, query, request)
    if any(raw[g].get("sum_other_doc_count") or raw[g].get("doc_count_error_upper_bound") for g in FACET_GROUPS):
        return count_apart(searcher, query)  # more values than asked for
    per_facet: dict[str, dict[str | None, int]] = {name: {} for name in FACETS}
    for group, names in FACET_GROUPS.items():
        columns = [per_facet[name] for name in names]
        for bucket in raw[group]["buckets"]:
            matches = bucket["doc_count"]
            for counts, value in zip(columns, _combination(group, bucket["key"]), strict=True):
                counts[value] = counts.get(value, 0) + matches
    total = sum(b["doc_count"] for b in raw[next(iter(FACET_GROUPS))]["buckets"])
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


#: (group column, term) -> its facet values as shown (decoded once per distinct term)
_COMBINATIONS: dict[tuple[str, str], tuple[str | None, ...]] = {}


def _combination(group: str, key: str) -> tuple[str | None, ...]:
    found = _COMBINATIONS.get((group, key))
    if found is None:
        if len(_COMBINATIONS) >= 4 * COMBO_SIZE:
            _COMBINATIONS.clear()
        found = _COMBINATIONS[group, key] = tuple(map(_facet_value, FACET_GROUPS[group], facet_values(key)))
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
