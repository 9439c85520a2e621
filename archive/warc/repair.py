"""Sealing ``*.warc.gz.open`` files left behind by a crashed writer.

A writer killed mid-record leaves a file whose last gzip member is torn, or whose last
exchange is incomplete (a response without its request or page metadata). Repair keeps the
longest prefix made of complete gzip members, each one complete WARC record, ending after the
warcinfo record, after the page metadata record that closes an exchange, or after an outlinks
metadata record (a unit by itself); it cuts the rest (kept in the side file ``<name>.damaged``),
then renames the file to its closed name. A file with no complete record is removed.

Files another live writer holds (an exclusive ``flock``) are left alone.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from archive.warc.naming import OPEN_SUFFIX
from archive.warc.records import UNIT_CLOSING_FIELDS

logger = logging.getLogger(__name__)

_CHUNK = 1 << 16
_LENGTH_RX = re.compile(rb"^content-length:\s*(\d+)\s*$", re.IGNORECASE | re.MULTILINE)
_TYPE_RX = re.compile(rb"^warc-type:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Member:
    """One complete gzip member: where it is and what it holds."""

    offset: int
    length: int
    data: bytes


@dataclass(frozen=True)
class RepairResult:
    """What repair did to one ``.open`` file: the sealed path (None when the file held no
    complete record and was removed), records kept and bytes cut."""

    source: Path
    sealed: Path | None
    records_kept: int
    bytes_cut: int


def iter_members(stream: BinaryIO) -> Iterator[Member]:
    """Complete gzip members of ``stream`` in order; stops quietly at a torn or corrupt one."""
    offset = 0
    pending = b""
    while True:
        decomp = zlib.decompressobj(zlib.MAX_WBITS | 16)
        parts: list[bytes] = []
        consumed = 0
        while not decomp.eof:
            if not pending:
                pending = stream.read(_CHUNK)
                if not pending:
                    return
            try:
                parts.append(decomp.decompress(pending))
            except zlib.error:
                return
            used = len(pending) - len(decomp.unused_data)
            consumed += used
            pending = decomp.unused_data
        yield Member(offset, consumed, b"".join(parts))
        offset += consumed


def record_type(data: bytes) -> str | None:
    """The WARC-Type of a whole record's bytes, or None if they are not one complete record."""
    if not data.startswith(b"WARC/"):
        return None
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = data[:end]
    length = _LENGTH_RX.search(head)
    kind = _TYPE_RX.search(head)
    if not length or not kind:
        return None
    if len(data) != end + 4 + int(length.group(1)) + 4 or not data.endswith(b"\r\n\r\n"):
        return None
    return kind.group(1).decode("ascii", errors="replace").lower()


def _closes_exchange(data: bytes) -> bool:
    end = data.find(b"\r\n\r\n")
    block = data[end + 4 :]
    return any(block.startswith(name.encode("ascii") + b":") for name in UNIT_CLOSING_FIELDS)


def sound_length(stream: BinaryIO) -> tuple[int, int]:
    """Byte length of the longest sound prefix of a WARC file and how many records it holds."""
    keep = 0
    kept_records = 0
    for records, member in enumerate(iter_members(stream), start=1):
        kind = record_type(member.data)
        if kind is None:
            break
        if kind == "warcinfo" or (kind == "metadata" and _closes_exchange(member.data)):
            keep = member.offset + member.length
            kept_records = records
    return keep, kept_records


def is_locked(path: Path) -> bool:
    """True when a live writer holds ``path`` (exclusive flock)."""
    try:
        with path.open("rb") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            return False
    except FileNotFoundError:
        return True


def repair_file(path: Path) -> RepairResult:
    """Cut the torn tail of one ``.open`` file and rename it to its closed name."""
    with path.open("r+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        size = os.fstat(fh.fileno()).st_size
        keep, records = sound_length(fh)
        if keep < size:
            from archive.warc.set_aside import append_side  # set_aside reads through resync, which uses us

            fh.seek(keep)
            append_side(path.with_name(path.name[: -len(".open")]), fh.read())  # cut, never lost
            fh.truncate(keep)
            fh.flush()
            os.fsync(fh.fileno())
    cut = size - keep
    if keep == 0:
        path.unlink()
        logger.warning("removed %s: no complete WARC record in %s bytes", path.name, size)
        return RepairResult(path, None, 0, cut)
    sealed = path.with_name(path.name[: -len(".open")])
    os.replace(path, sealed)
    if cut:
        logger.warning("repaired %s: cut %s torn bytes, kept %s records", sealed.name, cut, records)
    else:
        logger.info("sealed %s: %s records, nothing torn", sealed.name, records)
    return RepairResult(path, sealed, records, cut)


def repair_directory(directory: Path) -> list[RepairResult]:
    """Repair and seal every ``*.warc.gz.open`` file in ``directory`` no live writer holds."""
    results = []
    for path in sorted(directory.glob("*" + OPEN_SUFFIX)):
        if is_locked(path):
            logger.info("left %s alone: another writer holds it", path.name)
            continue
        try:
            results.append(repair_file(path))
        except BlockingIOError:
            logger.info("left %s alone: another writer took it", path.name)
    return results
