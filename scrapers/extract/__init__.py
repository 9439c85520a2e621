"""Article extraction: pure functions, no Scrapy.

``extract_article(body, url, headers=..., profile=...)`` runs the cascade described in
:mod:`.cascade` and returns an :class:`ExtractedArticle` (defined in
``archive.corpus.article`` so the corpus store can consume it without importing this
package).
"""

from __future__ import annotations

from archive.corpus.article import Attachment, ExtractedArticle, Extraction, Image
from scrapers.errors import UnknownProfileError
from scrapers.families import PROFILE_NAMES, get_profile

from .cascade import extract_article, software_version
from .profile import Profile

__all__ = [
    "PROFILE_NAMES",
    "Attachment",
    "ExtractedArticle",
    "Extraction",
    "Image",
    "Profile",
    "UnknownProfileError",
    "extract_article",
    "get_profile",
    "software_version",
]
