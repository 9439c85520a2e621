"""Export of a result set: stable ids and replay URLs, every hit of a query (not just a page).

By default the rows are the corpus records of the hits, with the columns and formats of
``congan export`` (``archive.corpus.export``: CSV with a byte order mark, JSON lines, XLSX);
``write_export`` writes chosen fields instead (CSV or JSONL).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO, TextIO

from archive.corpus.export import BOM, write_csv, write_jsonl, write_xlsx
from archive.corpus.record import ArticleRecord
from archive.errors import UserInputError

from .index import SearchIndex
from .query import Query
from .results import Hit, replay_link

FORMATS = ("csv", "jsonl")
#: formats of a whole-record export (the columns of ``congan export``)
RECORD_FORMATS = ("csv", "jsonl", "xlsx")
DEFAULT_FIELDS = ("id", "url", "title", "published", "site", "province", "province_2025", "category", "replay_url")
#: fields read from the hit itself
HIT_FIELDS = (
    "id", "url", "title", "published", "site", "province", "province_2025", "category",
    "summary", "replay_url", "version", "score", "snippet",
)
#: fields read from the indexed record (one lookup per row)
RECORD_FIELDS = (
    "author", "tags", "body", "modified", "aliases", "images", "attachments",
    "content_hash", "first_seen", "last_seen", "capture",
)
FIELDS = HIT_FIELDS + RECORD_FIELDS


def parse_fields(text: str | None) -> tuple[str, ...]:
    """``a,b,c`` -> the field names, checked."""
    if not text:
        return DEFAULT_FIELDS
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    unknown = [n for n in names if n not in FIELDS]
    if unknown or not names:
        raise UserInputError(
            f"unknown field(s) {', '.join(unknown) or '(none given)'}: choose from {', '.join(FIELDS)}"
        )
    return names


def _rows(index: SearchIndex, query: Query, fields: tuple[str, ...], replay_base: str | None,
          limit: int | None) -> Iterable[dict[str, Any]]:
    need_record = any(f in RECORD_FIELDS for f in fields)
    for hit in index.iter_hits(query, limit=limit, snippets="snippet" in fields):
        record = index.get(hit.id) if need_record else None
        yield {f: _value(hit, record, f, replay_base) for f in fields}


def _value(hit: Hit, record: dict[str, Any] | None, name: str, replay_base: str | None) -> Any:
    if name == "replay_url":
        return replay_link(hit.replay_url, replay_base)
    if name == "snippet":
        return hit.snippet.plain()
    if name in HIT_FIELDS:
        return getattr(hit, name)
    return (record or {}).get(name)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return " | ".join(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_export(index: SearchIndex, query: Query, out: TextIO, *, fmt: str,
                 fields: tuple[str, ...] = DEFAULT_FIELDS, replay_base: str | None = None,
                 limit: int | None = None) -> int:
    """Write every hit of ``query`` (up to ``limit``) to ``out``; the number of rows."""
    if fmt not in FORMATS:
        raise UserInputError(f"unknown export format {fmt!r}: use {' or '.join(FORMATS)}")
    count = 0
    writer: Callable[[dict[str, Any]], Any]
    if fmt == "csv":
        out.write(BOM)
        table = csv.writer(out, lineterminator="\n")
        table.writerow(fields)
        writer = lambda row: table.writerow([_csv_cell(row[f]) for f in fields])  # noqa: E731
    else:
        writer = lambda row: out.write(json.dumps(row, ensure_ascii=False) + "\n")  # noqa: E731
    for row in _rows(index, query, fields, replay_base, limit):
        writer(row)
        count += 1
    return count


def iter_records(index: SearchIndex, query: Query, limit: int | None = None) -> Iterator[ArticleRecord]:
    """The corpus record (latest version) of every hit, in the query's order."""
    for hit in index.iter_hits(query, limit=limit):
        found = index.get(hit.id)
        if found is not None:
            yield ArticleRecord.from_json(found | {"body_html": found.get("body_html") or ""})


def write_records(index: SearchIndex, query: Query, fmt: str, *, text: TextIO | None = None,
                  binary: BinaryIO | None = None, limit: int | None = None) -> int:
    """Every hit of ``query`` as ``congan export`` writes it: ``csv``/``jsonl`` to ``text``,
    ``xlsx`` to ``binary``; the number of rows."""
    records = iter_records(index, query, limit)
    if fmt == "xlsx" and binary is not None:
        return write_xlsx(records, binary)
    if fmt in ("csv", "jsonl") and text is not None:
        return (write_csv if fmt == "csv" else write_jsonl)(records, text)
    raise UserInputError(f"unknown export format {fmt!r}: use {', '.join(RECORD_FORMATS)}")
