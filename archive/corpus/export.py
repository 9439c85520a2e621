"""Exporting the corpus: latest version of each article, filtered, as JSON lines or CSV.

The three formats have the same columns (``CSV_COLUMNS``; ``congan export``, ``congan search
--export`` and the web interface's export of a query): CSV starts with a UTF-8 byte order
mark (so that Excel reads Vietnamese right), XLSX is written by XlsxWriter. Every time in a
CSV or XLSX has one form, ISO 8601 in Vietnam time (``2024-03-05T08:00:00+07:00``; a date
without a time stays ``2024-03-05``); JSON lines are the corpus records as they are.

Dates given by the user (``--since``/``--until``) are ``YYYY-MM-DD`` or day-first
``DD/MM/YYYY``; they compare with the article's ``published`` date (Vietnam time), bounds
included. Articles without a date are left out when a date filter is given. Records the
access rules block or exclude (``archive.access``) are never exported.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, BinaryIO, TextIO

from archive.errors import UserInputError
from archive.times import VN_TZ

if TYPE_CHECKING:
    from archive.access import AccessRules

from .record import ArticleRecord

#: CSV columns, in order; lists and objects are written as JSON text
CSV_COLUMNS = (
    "id", "url", "site", "province", "province_2025", "title", "summary", "published", "modified",
    "author", "category", "tags", "body", "images", "attachments", "aliases", "content_hash",
    "version", "first_seen", "last_seen", "removed", "removal", "capture_replay_url", "capture_warc_file",
    "capture_offset", "capture_record_id", "extraction_method",
)

#: columns holding a time (written in one form, Vietnam time)
TIME_COLUMNS = frozenset({"published", "modified", "first_seen", "last_seen"})
#: the byte order mark a CSV export starts with
BOM = "\ufeff"
#: the longest text an XLSX cell holds (Excel's limit); longer bodies are cut there
XLSX_CELL_LIMIT = 32767

_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VN_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_user_date(text: str, option: str) -> date:
    """``2024-03-12`` or ``12/03/2024`` (day first), else a UserInputError naming the option."""
    value = text.strip()
    iso, vn = _ISO_DAY.match(value), _VN_DAY.match(value)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if vn:
            return date(int(vn.group(3)), int(vn.group(2)), int(vn.group(1)))
    except ValueError:
        pass
    raise UserInputError(f"{option}: {text!r} is not a date; write YYYY-MM-DD or DD/MM/YYYY (day first)")


@dataclass(frozen=True)
class ExportFilter:
    site: str | None = None
    since: date | None = None
    until: date | None = None
    #: only articles taken down by their portal
    removed: bool = False

    def accepts(self, record: ArticleRecord) -> bool:
        if self.site and record.site != self.site:
            return False
        if self.removed and not record.removed:
            return False
        if self.since or self.until:
            published = record.published
            if not published:
                return False
            day = date.fromisoformat(published[:10])
            if self.since and day < self.since:
                return False
            if self.until and day > self.until:
                return False
        return True


def select_records(
    records: Iterable[ArticleRecord], selection: ExportFilter, access: AccessRules | None = None
) -> Iterator[ArticleRecord]:
    """Records the filter accepts and the access rules (``AccessRules.allows``) allow."""
    for record in records:
        if not selection.accepts(record):
            continue
        if access is not None and not access.allows(record.url, record.capture.timestamp):
            continue
        yield record


def write_jsonl(records: Iterable[ArticleRecord], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(record.to_line() + "\n")
        count += 1
    return count


def export_time(value: str | None) -> str | None:
    """``2024-03-05T01:00:00Z`` -> ``2024-03-05T08:00:00+07:00``; a bare day stays as it is."""
    if not value or len(value) <= 10:
        return value
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def csv_row(record: ArticleRecord) -> list[str]:
    capture = record.capture
    flat = {
        **record.to_json(),
        "capture_replay_url": capture.replay_url,
        "capture_warc_file": capture.warc_file,
        "capture_offset": capture.offset,
        "capture_record_id": capture.record_id,
        "extraction_method": record.extraction.method,
    }
    row = []
    for column in CSV_COLUMNS:
        value = flat.get(column)
        if column in TIME_COLUMNS and isinstance(value, str):
            value = export_time(value)
        if isinstance(value, (list, dict)):
            value = json.dumps(value, ensure_ascii=False)
        row.append("" if value is None else str(value))
    return row


def write_csv(records: Iterable[ArticleRecord], out: TextIO) -> int:
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for record in records:
        writer.writerow(csv_row(record))
        count += 1
    return count


def write_xlsx(records: Iterable[ArticleRecord], out: BinaryIO) -> int:
    """One sheet, the CSV columns, every cell text (ids and offsets stay exact)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet("articles")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, CSV_COLUMNS, bold)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, record in enumerate(records, start=1):
        for column, value in enumerate(csv_row(record)):
            sheet.write_string(count, column, value[:XLSX_CELL_LIMIT])
    workbook.close()
    return count
