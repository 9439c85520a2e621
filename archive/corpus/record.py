"""One corpus record (SPEC §7, schema version 2): ids, hashes, capture links, takedown.

Schema 2 adds ``removed`` and ``removal`` (``archive.corpus.removals``); a version-1 line
(without them) reads as a record that was never removed, and is written back as version 2.

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
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from archive.capture import StoredRecord
from archive.times import parse_timestamp14

from .article import Attachment, ExtractedArticle, Extraction, Image

SCHEMA_VERSION = 2
#: schema versions :meth:`ArticleRecord.from_json` reads
READABLE_VERSIONS = (1, 2)
#: a record's JSON object, as one line of ``articles.jsonl`` holds it (SPEC §7)
RecordJson = dict[str, object]

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
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def timestamp_to_datetime(timestamp: str) -> datetime:
    """A 14-digit WARC/CDX timestamp as an aware UTC datetime."""
    return parse_timestamp14(timestamp)


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

    @property
    def link(self) -> CaptureLink:
        """What a corpus record keeps of this capture (its ``capture`` object)."""
        return CaptureLink(
            timestamp=self.timestamp,
            warc_file=self.warc_file,
            offset=self.offset,
            length=self.length,
            record_id=self.record_id,
            replay_url=self.replay_url,
        )

    def to_json(self) -> dict[str, str | int]:
        return self.link.to_json()


@dataclass(frozen=True)
class CaptureLink:
    """The ``capture`` object of a record: where in the WARCs this version came from."""

    timestamp: str  # 14 digits, UTC
    warc_file: str
    offset: int
    length: int
    record_id: str
    replay_url: str  # /<collection>/<timestamp>/<url>, relative to the replay server

    def to_json(self) -> dict[str, str | int]:
        return {
            "timestamp": self.timestamp,
            "warc_file": self.warc_file,
            "offset": self.offset,
            "length": self.length,
            "record_id": self.record_id,
            "replay_url": self.replay_url,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> CaptureLink:
        return cls(
            timestamp=str(data["timestamp"]),
            warc_file=str(data["warc_file"]),
            offset=_int(data["offset"]),
            length=_int(data["length"]),
            record_id=str(data["record_id"]),
            replay_url=str(data["replay_url"]),
        )


@dataclass(frozen=True)
class ArticleRecord:
    """One version of one article: a line of the corpus (SPEC §7, schema version 2).

    Fields in SPEC order; :meth:`to_json` gives the JSON object with its keys in that order,
    and :meth:`from_json` reads it back (``from_json(r.to_json()) == r``), so records that
    go through the corpus, export, search and the web keep every byte."""

    id: str
    url: str
    site: str
    title: str | None
    body: str
    body_html: str
    content_hash: str
    version: int
    first_seen: str  # UTC, YYYY-MM-DDTHH:MM:SSZ
    last_seen: str
    capture: CaptureLink
    extraction: Extraction
    schema_version: int = SCHEMA_VERSION
    aliases: tuple[str, ...] = ()
    province: str | None = None
    province_2025: str | None = None
    summary: str | None = None
    published: str | None = None  # the page's own dates, +07:00 or a day
    modified: str | None = None
    author: str | None = None
    affiliation: str | None = None  # what follows the author's name in the byline
    category: str | None = None
    tags: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    #: when the article was first found gone from its live portal (UTC), or None; the evidence
    removed: str | None = None
    removal: dict[str, object] | None = None

    def to_json(self) -> RecordJson:
        """The JSON object of this version, keys in SPEC §7 order."""
        return {
            "id": self.id,
            "schema_version": self.schema_version,
            "url": self.url,
            "aliases": list(self.aliases),
            "site": self.site,
            "province": self.province,
            "province_2025": self.province_2025,
            "title": self.title,
            "summary": self.summary,
            "published": self.published,
            "modified": self.modified,
            "author": self.author,
            "affiliation": self.affiliation,
            "category": self.category,
            "tags": list(self.tags),
            "body": self.body,
            "body_html": self.body_html,
            "images": [image.to_json() for image in self.images],
            "attachments": [attachment.to_json() for attachment in self.attachments],
            "content_hash": self.content_hash,
            "version": self.version,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "removed": self.removed,
            "removal": self.removal,
            "capture": self.capture.to_json(),
            "extraction": self.extraction.to_json(),
        }

    def to_line(self) -> str:
        """The record as one line of ``articles.jsonl`` (UTF-8 text, diacritics as they are)."""
        return json.dumps(self.to_json(), ensure_ascii=False)

    @classmethod
    def from_json(cls, data: object) -> ArticleRecord:
        """A record from its JSON object; ValueError (saying which field) when it is not one."""
        if not isinstance(data, dict):
            raise ValueError(f"a corpus record is a JSON object, not {type(data).__name__}")
        version = _int(data.get("schema_version", SCHEMA_VERSION))
        if version not in READABLE_VERSIONS:
            raise ValueError(f"corpus record {data.get('id')!r} has schema_version {version}; this congan reads "
                             f"{', '.join(map(str, READABLE_VERSIONS))}")
        removal = data.get("removal")
        try:
            return cls(
                id=str(data["id"]),
                url=str(data["url"]),
                aliases=tuple(str(a) for a in _list(data.get("aliases"))),
                site=str(data["site"]),
                province=_opt(data.get("province")),
                province_2025=_opt(data.get("province_2025")),
                title=_opt(data.get("title")),
                summary=_opt(data.get("summary")),
                published=_opt(data.get("published")),
                modified=_opt(data.get("modified")),
                author=_opt(data.get("author")),
                affiliation=_opt(data.get("affiliation")),
                category=_opt(data.get("category")),
                tags=tuple(str(t) for t in _list(data.get("tags"))),
                body=str(data.get("body") or ""),
                body_html=str(data.get("body_html") or ""),
                images=tuple(Image.from_json(i) for i in _list(data.get("images")) if isinstance(i, dict)),
                attachments=tuple(
                    Attachment.from_json(a) for a in _list(data.get("attachments")) if isinstance(a, dict)
                ),
                content_hash=str(data["content_hash"]),
                version=_int(data["version"]),
                first_seen=str(data["first_seen"]),
                last_seen=str(data["last_seen"]),
                removed=_opt(data.get("removed")),
                removal=dict(removal) if isinstance(removal, dict) else None,
                capture=CaptureLink.from_json(_dict(data["capture"])),
                extraction=Extraction.from_json(_dict(data.get("extraction") or {})),
            )
        except KeyError as exc:
            raise ValueError(f"corpus record {data.get('id')!r} has no {exc.args[0]!r}") from None

    @property
    def captured_at(self) -> datetime:
        """When the capture of this version was made (UTC)."""
        return timestamp_to_datetime(self.capture.timestamp)


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"expected a whole number, got {value!r}")
    return int(value)


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _dict(value: object) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, got {value!r}")
    return value


def build_record(
    article: ExtractedArticle,
    capture: CaptureRef,
    *,
    record_id: str,
    version: int,
    aliases: list[str],
    first_seen: str,
    last_seen: str,
) -> ArticleRecord:
    """One article version from an extraction and the capture it came from."""
    link = capture.to_json()
    return ArticleRecord(
        id=record_id,
        url=article.url,
        aliases=tuple(aliases),
        site=article.site,
        province=article.province,
        province_2025=article.province_2025,
        title=article.title,
        summary=article.summary,
        published=article.published,
        modified=article.modified,
        author=article.author,
        affiliation=article.affiliation,
        category=article.category,
        tags=tuple(article.tags),
        body=article.body,
        body_html=article.body_html,
        images=tuple(article.images),
        attachments=tuple(article.attachments),
        content_hash=content_hash(article.title, article.body),
        version=version,
        first_seen=first_seen,
        last_seen=last_seen,
        capture=CaptureLink.from_json(link),
        extraction=article.extraction,
    )


SCHEMA_FILE = f"article-v{SCHEMA_VERSION}.schema.json"


def load_schema(version: int = SCHEMA_VERSION) -> dict[str, Any]:
    """The published JSON Schema of a corpus record (``archive/schemas/``), of one version."""
    # importlib.resources: the schema also loads from a zipped egg (scrapyd)
    name = f"article-v{version}.schema.json"
    schema: dict[str, Any] = json.loads((resources.files("archive") / "schemas" / name).read_text("utf-8"))
    return schema
