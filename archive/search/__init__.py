"""Full-text search of the corpus (SPEC §8): SQLite for the records, tantivy for the text.

``SearchWriter(path).upsert_many(records)`` / ``SearchIndex.rebuild(path, records)`` build it
from corpus records (SPEC §7 dicts); ``SearchReader(path, readonly=True).search(Query.build(
"cong an"))`` returns ``SearchResults(hits, total, facets)``; ``SearchIndex`` is both. :mod:`archive.search.sync` keeps it in
step with the corpus store.
"""

from __future__ import annotations

from .index import SearchIndex, SearchIndexError
from .reader import SearchReader
from .writer import SearchWriter
from .normalise import fold, normalise, province_key
from .query import ParsedQuery, Query, parse_date, parse_query
from .results import FACETS, FacetValue, Hit, SearchResults
from .snippets import Snippet

__all__ = [
    "FACETS",
    "FacetValue",
    "Hit",
    "ParsedQuery",
    "Query",
    "SearchIndex",
    "SearchIndexError",
    "SearchReader",
    "SearchWriter",
    "SearchResults",
    "Snippet",
    "fold",
    "normalise",
    "parse_date",
    "parse_query",
    "province_key",
]
