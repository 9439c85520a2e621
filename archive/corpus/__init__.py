"""The article corpus: versions as JSON lines, a lookup index, export.

``CorpusStore(DataDir.corpus_dir).add(article, capture, seen_at)`` files one extracted
article from one capture; see :mod:`.store` for when a new version is made.
"""

from __future__ import annotations

from .article import Attachment, ExtractedArticle, Extraction, Image, site_of
from .record import SCHEMA_VERSION, ArticleRecord, CaptureLink, CaptureRef, article_id, content_hash
from .store import AddResult, CorpusStore

__all__ = [
    "SCHEMA_VERSION",
    "AddResult",
    "ArticleRecord",
    "Attachment",
    "CaptureLink",
    "CaptureRef",
    "CorpusStore",
    "ExtractedArticle",
    "Extraction",
    "Image",
    "article_id",
    "content_hash",
    "site_of",
]
