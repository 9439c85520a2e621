"""Reading captures back: streaming over files, one record by offset, one capture by URL.

Reading goes through warcio's ``ArchiveIterator``, one gzip member at a time
(``archive.warc.resync``), so every intact record after a damaged member is still read.
``find_capture`` looks a URL up in the collection's CDXJ indexes and picks the capture closest
to a timestamp (the latest when none is given), as replay does.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.timeutils import timestamp_to_datetime

from archive.cdxj import CdxjLine, lookup
from archive.errors import UserInputError
from archive.warc.resync import Damage, scan_members

_CHUNK = 1 << 16


@dataclass(frozen=True)
class RecordRef:
    """One record seen while streaming a file: its position and main headers."""

    offset: int
    length: int
    rec_type: str
    record_id: str
    url: str | None
    date: str | None
    payload: bytes | None = None  # kept only for the record types asked for


def iter_records(
    path: Path, *, check_digests: bool = False, payload_of: frozenset[str] = frozenset(),
    damage: list[Damage] | None = None,
) -> Iterator[tuple[RecordRef, ArcWarcRecord]]:
    """Every intact record of a WARC file with its offset and length, read past damaged
    gzip members (``archive.warc.resync``; the unreadable ranges are appended to ``damage``).
    The record's payload is read to its end (as stored, no decompression) before it is
    yielded, so digests, when checked, are known; it is kept in ``RecordRef.payload`` for the
    record types in ``payload_of``."""
    for member in scan_members(path):
        if isinstance(member, Damage):
            if damage is not None:
                damage.append(member)
            continue
        it = ArchiveIterator(io.BytesIO(member.data), check_digests=check_digests)
        record = next(iter(it))
        parts = []
        while chunk := record.raw_stream.read(_CHUNK):
            if record.rec_type in payload_of:
                parts.append(chunk)
        it.read_to_end(record)
        yield RecordRef(
            offset=member.offset,
            length=member.length,
            rec_type=record.rec_type,
            record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
            url=record.rec_headers.get_header("WARC-Target-URI"),
            date=record.rec_headers.get_header("WARC-Date"),
            payload=b"".join(parts) if record.rec_type in payload_of else None,
        ), record


def record_bytes(path: Path, offset: int, length: int) -> bytes:
    """The exact stored record at ``offset``: its gzip member, decompressed."""
    with path.open("rb") as fh:
        fh.seek(offset)
        member = fh.read(length)
    try:
        return gzip.decompress(member)
    except (OSError, EOFError, zlib.error) as exc:
        raise UserInputError(
            f"{path.name} at offset {offset}: not a whole gzip member ({exc}); run `congan warc verify`"
        ) from exc


def load_record(path: Path, offset: int) -> tuple[ArcWarcRecord, bytes]:
    """The record at ``offset`` parsed by warcio, with its raw (content-coded) payload."""
    with path.open("rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        payload = record.raw_stream.read()
        return record, payload


def find_capture(index_dir: Path, url: str, timestamp: str | None = None) -> CdxjLine:
    """The capture of ``url`` closest to ``timestamp`` (14 digits, or a prefix of them), else
    the latest. Raises UserInputError naming what was looked for when nothing matches."""
    matches = lookup(index_dir, url)
    if not matches:
        raise UserInputError(f"no capture of {url} in {index_dir}; check the URL or run `congan index rebuild`")
    if not timestamp:
        return max(matches, key=lambda line: line.timestamp)
    if not timestamp.isdigit() or len(timestamp) > 14:
        raise UserInputError(f"--timestamp must be up to 14 digits (YYYYmmddHHMMSS), not {timestamp!r}")
    target = timestamp_to_datetime(timestamp)
    return min(matches, key=lambda line: abs((timestamp_to_datetime(line.timestamp) - target).total_seconds()))


def original_of(index_dir: Path, record: ArcWarcRecord) -> CdxjLine | None:
    """The capture an identical-payload revisit refers to (by target URI and date)."""
    uri = record.rec_headers.get_header("WARC-Refers-To-Target-URI")
    date = record.rec_headers.get_header("WARC-Refers-To-Date")
    if not uri or not date:
        return None
    stamp = "".join(ch for ch in date if ch.isdigit())[:14]
    for line in lookup(index_dir, uri):
        if line.timestamp == stamp and line.mime != "warc/revisit":
            return line
    return None
