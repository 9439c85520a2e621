"""The rows of one article in the search index: narrow facts, wide text, text document.

Pure functions of a corpus record (SPEC §7 dict), shared by incremental updates
(:mod:`archive.search.index`) and bulk builds (:mod:`archive.search.build`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .normalise import key, province_key
from .textindex import Forms, TextDoc, TextFields

#: SPEC §7 fields kept in their own columns, not repeated in the stored record JSON
OWN_COLUMNS = (
    "id", "url", "site", "province", "province_2025", "published", "category",
    "title", "summary", "body", "version",
)
#: SPEC §7 field order, for records read back
FIELD_ORDER = (
    "id", "schema_version", "url", "aliases", "site", "province", "province_2025", "title", "summary",
    "published", "modified", "author", "category", "tags", "body", "images", "attachments",
    "content_hash", "version", "first_seen", "last_seen", "capture", "extraction",
)
#: fields of the corpus record never stored in the index
_DROPPED = ("body_html",)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")

#: the narrow table: what filters, facets and ordering read for every match
FACT_COLUMNS = (
    "id", "url", "site", "province", "province_2025", "province_key", "province_2025_key",
    "category", "category_key", "published", "day", "year", "capture_ts",
)
#: the wide table: text, read only for the hits shown
DOC_COLUMNS = ("title", "summary", "body", "replay_url", "version", "record")


def marks(columns: tuple[str, ...]) -> str:
    return ", ".join("?" * len(columns))


FACTS_INSERT = f"INSERT INTO articles (n, {', '.join(FACT_COLUMNS)}, combo) VALUES (?, {marks(FACT_COLUMNS)}, ?)"
DOCS_INSERT = f"INSERT OR REPLACE INTO documents (n, {', '.join(DOC_COLUMNS)}) VALUES (?, {marks(DOC_COLUMNS)})"
FACTS_UPDATE = f"UPDATE articles SET {', '.join(c + ' = ?' for c in FACT_COLUMNS)}, combo = ? WHERE n = ?"
#: the facet values of an articles row, as the combos table keys them
COMBO_KEY = "json_array(?, ?, ?, ?, ?)"
COMBO_INSERT = (
    f"INSERT OR IGNORE INTO combos (k, province, province_2025, site, category, year) VALUES ({COMBO_KEY}, "
    f"?, ?, ?, ?, ?)"
)
COMBO_SELECT = f"SELECT id FROM combos WHERE k = {COMBO_KEY}"


def facet_values(facts: Facts) -> tuple[Any, ...]:
    """(province, province_2025, site, category, year) of an articles row: the combos key."""
    return (facts.province, facts.province_2025, facts.site, facts.category, facts.year)


HIT_SQL = (
    "SELECT a.n, a.id, a.url, a.published, a.site, a.province, a.province_2025, a.category,"
    " d.title, d.summary, d.replay_url, d.version, d.body"
    " FROM articles a JOIN documents d ON d.n = a.n WHERE a.n IN ({})"
)


@dataclass(frozen=True)
class Facts:
    """The narrow row of an article (FACT_COLUMNS): what filters, facets and order read."""

    id: str
    url: str | None
    site: str | None
    province: str | None
    province_2025: str | None
    province_key: str | None
    province_2025_key: str | None
    category: str | None
    category_key: str | None
    published: str | None
    day: str | None
    year: int | None
    capture_ts: str | None

    def values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, c) for c in FACT_COLUMNS)


@dataclass(frozen=True)
class Document:
    """The wide row of an article (DOC_COLUMNS): text, read only for the hits shown."""

    title: str | None
    summary: str | None
    body: str | None
    replay_url: str | None
    version: int | None
    record: str

    def values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, c) for c in DOC_COLUMNS)


@dataclass(frozen=True)
class ArticleRows:
    facts: Facts
    doc: Document

    def text_fields(self) -> TextFields:
        """The normalised words of this article (the costly part of its text document)."""
        f = self.facts
        return TextFields.of(self.doc.title, self.doc.summary, self.doc.body, (f.province, f.province_2025, f.category))

    def text_doc(self, n: int, text: TextFields | None = None) -> TextDoc:
        """The tantivy document of this article, stored under row number ``n`` (``text``:
        its :meth:`text_fields`, when already made, e.g. by a worker process)."""
        f = self.facts
        return TextDoc(
            n=n, id=f.id, text=self.text_fields() if text is None else text,
            site=f.site, province=f.province, province_2025=f.province_2025, province_key=f.province_key,
            province_2025_key=f.province_2025_key, category=f.category, category_key=f.category_key,
            published=f.published, day=f.day,
        )


#: keys of the few distinct province and category names, computed once each
_PROVINCE_KEYS = Forms(province_key)
_KEYS = Forms(key)


def article_rows(record: dict[str, Any]) -> ArticleRows:
    """The articles and documents rows of a record."""
    return ArticleRows(article_facts(record), article_document(record, stored_json(record)))


def stored_json(record: dict[str, Any]) -> str:
    """The fields of a record without columns of their own, as the documents row keeps them."""
    return json.dumps({k: v for k, v in record.items() if k not in OWN_COLUMNS + _DROPPED}, ensure_ascii=False)


def article_facts(record: dict[str, Any]) -> Facts:
    """The articles row of a record."""
    published = record.get("published") or None
    day = published[:10] if published and _DAY.match(published) else None
    capture = record.get("capture")
    capture = capture if isinstance(capture, dict) else {}
    province, province_2025 = record.get("province"), record.get("province_2025")
    category = record.get("category")
    return Facts(
        record["id"],
        record.get("url"),
        record.get("site"),
        province,
        province_2025,
        _PROVINCE_KEYS[province] if province else None,
        _PROVINCE_KEYS[province_2025] if province_2025 else None,
        category,
        _KEYS[category] if category else None,
        published,
        day,
        int(day[:4]) if day else None,
        capture.get("timestamp"),
    )


def article_document(record: dict[str, Any], stored: str) -> Document:
    """The documents row of a record whose other fields are ``stored`` (:func:`stored_json`)."""
    capture = record.get("capture")
    return Document(
        record.get("title"),
        record.get("summary"),
        record.get("body"),
        capture.get("replay_url") if isinstance(capture, dict) else None,
        record.get("version"),
        stored,
    )
