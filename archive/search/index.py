"""The search index as one object: a writer and a reader over the same two files.

:class:`archive.search.writer.SearchWriter` writes (upserts, deletes, rebuilds),
:class:`archive.search.reader.SearchReader` reads (search, get, export); code that only
serves queries opens ``SearchReader(path, readonly=True)``. ``SearchIndex`` is both, for
callers that do both (tests, the benchmark) and for ``SearchIndex.rebuild``.
"""

from __future__ import annotations

from .reader import SearchReader
from .store import SearchIndexError
from .writer import SearchWriter

__all__ = ["SearchIndex", "SearchIndexError"]


class SearchIndex(SearchWriter, SearchReader):
    """Open (and create or migrate) the index at ``path``; ``readonly`` for serving."""
