"""Full-text search of the corpus (SPEC §8): SQLite for the records, tantivy for the text.

``SearchWriter(path).upsert_many(records)`` / ``SearchIndex.rebuild(path, records)`` build it
from corpus records (SPEC §7 dicts); ``SearchReader(path, readonly=True).search(Query.build(
"cong an"))`` returns ``SearchResults(hits, total, facets)``; ``SearchIndex`` is both. :mod:`archive.search.sync` keeps it in
step with the corpus store.
"""

from __future__ import annotations

from .index import SearchIndex, SearchIndexError
from .normalise import fold, normalise, province_key
from .query import ParsedQuery, Query, parse_date, parse_query
from .reader import SearchReader
from .results import FACETS, FacetValue, Hit, SearchResults
from .snippets import Snippet
from .writer import SearchWriter

__all__ = [
    "FACETS",
    "FacetValue",
    "Hit",
    "ParsedQuery",
    "Query",
    "SearchIndex",
    "SearchIndexError",
    "SearchReader",
    "SearchResults",
    "SearchWriter",
    "Snippet",
    "fold",
    "normalise",
    "parse_date",
    "parse_query",
    "province_key",
]
