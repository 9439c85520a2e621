"""The rows of one article in the search index: narrow facts, wide text, FTS values.

Pure functions of a corpus record (SPEC §7 dict), shared by incremental updates
(:mod:`archive.search.index`) and bulk builds (:mod:`archive.search.build`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from .normalise import fold, key, normalise, province_key

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


def facet_values(facts: tuple[Any, ...]) -> tuple[Any, ...]:
    """(province, province_2025, site, category, year) of an articles row."""
    return (facts[3], facts[4], facts[2], facts[7], facts[11])
FTS_INSERT = "INSERT INTO articles_fts (rowid, t, s, b, tf, sf, bf) VALUES (?, ?, ?, ?, ?, ?, ?)"
FTS_DELETE = (
    "INSERT INTO articles_fts (articles_fts, rowid, t, s, b, tf, sf, bf)"
    " VALUES ('delete', ?, ?, ?, ?, ?, ?, ?)"
)
HIT_SQL = (
    "SELECT a.n, a.id, a.url, a.published, a.site, a.province, a.province_2025, a.category,"
    " d.title, d.summary, d.replay_url, d.version, d.body"
    " FROM articles a JOIN documents d ON d.n = a.n WHERE a.n IN ({})"
)


def fts_values(title: str | None, summary: str | None, body: str | None) -> tuple[str, ...]:
    exact = (normalise(title or ""), normalise(summary or ""), normalise(body or ""))
    return exact + tuple(fold(v) for v in exact)


def article_rows(record: dict[str, Any]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The (articles, documents) rows of a record, in FACT_COLUMNS/DOC_COLUMNS order."""
    published = record.get("published") or None
    day = published[:10] if published and _DAY.match(published) else None
    capture = record.get("capture")
    capture = capture if isinstance(capture, dict) else {}
    stored = {k: v for k, v in record.items() if k not in OWN_COLUMNS + _DROPPED}
    province, province_2025 = record.get("province"), record.get("province_2025")
    category = record.get("category")
    facts = (
        record["id"],
        record.get("url"),
        record.get("site"),
        province,
        province_2025,
        province_key(province) if province else None,
        province_key(province_2025) if province_2025 else None,
        category,
        key(category) if category else None,
        published,
        day,
        int(day[:4]) if day else None,
        capture.get("timestamp"),
    )
    doc = (
        record.get("title"),
        record.get("summary"),
        record.get("body"),
        capture.get("replay_url"),
        record.get("version"),
        json.dumps(stored, ensure_ascii=False),
    )
    return facts, doc
