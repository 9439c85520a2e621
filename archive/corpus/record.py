"""One corpus record (SPEC §7, schema version 1): ids, hashes, capture links.

Times of capture (``first_seen``, ``last_seen``) are UTC, ``YYYY-MM-DDTHH:MM:SSZ``, like
WARC-Date; ``published``/``modified`` are the page's own dates in Vietnam time (+07:00).

``capture.replay_url`` is ``/<collection>/<14-digit timestamp>/<url>``, relative to the
replay server (``congan replay``): prefix it with the server's origin to open the capture.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from typing import Any

from archive.capture import StoredRecord

from .article import ExtractedArticle

SCHEMA_VERSION = 1
#: a corpus record: the JSON object of one article version (validated by the schema)
CorpusRecord = dict[str, Any]

_SPACE = re.compile(r"\s+")


def article_id(canonical_url: str) -> str:
    """Stable id of an article: the first 20 hex digits of SHA-256 of its canonical URL."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:20]


def normalise(text: str | None) -> str:
    """What a version compares on: NFC, whitespace collapsed, edges trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def content_hash(title: str | None, body: str) -> str:
    """``sha256:<hex>`` of the normalised title and body: equal hashes, same version."""
    payload = normalise(title) + "\n\n" + normalise(body)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


def utc_stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def timestamp_to_datetime(timestamp: str) -> datetime:
    """A 14-digit WARC/CDX timestamp as an aware UTC datetime."""
    return datetime.strptime(timestamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class CaptureRef:
    """The exact WARC record an article version was extracted from."""

    timestamp: str  # 14 digits, UTC
    warc_file: str
    offset: int
    length: int
    record_id: str
    url: str
    collection: str = "congan"

    @classmethod
    def from_stored(cls, stored: StoredRecord, collection: str = "congan") -> CaptureRef:
        return cls(
            timestamp=stored.timestamp,
            warc_file=stored.warc_file,
            offset=stored.offset,
            length=stored.length,
            record_id=stored.record_id,
            url=stored.url,
            collection=collection,
        )

    @property
    def replay_url(self) -> str:
        return f"/{self.collection}/{self.timestamp}/{self.url}"

    @property
    def captured_at(self) -> datetime:
        return timestamp_to_datetime(self.timestamp)

    def to_json(self) -> dict[str, Any]:
        return {
            "timestamp": self.timestamp,
            "warc_file": self.warc_file,
            "offset": self.offset,
            "length": self.length,
            "record_id": self.record_id,
            "replay_url": self.replay_url,
        }


def build_record(
    article: ExtractedArticle,
    capture: CaptureRef,
    *,
    record_id: str,
    version: int,
    aliases: list[str],
    first_seen: str,
    last_seen: str,
) -> CorpusRecord:
    """The JSON object of one article version, fields in SPEC §7 order."""
    return {
        "id": record_id,
        "schema_version": SCHEMA_VERSION,
        "url": article.url,
        "aliases": aliases,
        "site": article.site,
        "province": article.province,
        "province_2025": article.province_2025,
        "title": article.title,
        "summary": article.summary,
        "published": article.published,
        "modified": article.modified,
        "author": article.author,
        "affiliation": article.affiliation,
        "category": article.category,
        "tags": list(article.tags),
        "body": article.body,
        "body_html": article.body_html,
        "images": [image.to_json() for image in article.images],
        "attachments": [attachment.to_json() for attachment in article.attachments],
        "content_hash": content_hash(article.title, article.body),
        "version": version,
        "first_seen": first_seen,
        "last_seen": last_seen,
        "capture": capture.to_json(),
        "extraction": article.extraction.to_json(),
    }


SCHEMA_FILE = "article-v1.schema.json"


def load_schema() -> dict[str, Any]:
    """The published JSON Schema of a corpus record (``archive/schemas/``)."""
    # importlib.resources: the schema also loads from a zipped egg (scrapyd)
    return json.loads((resources.files("archive") / "schemas" / SCHEMA_FILE).read_text("utf-8"))
