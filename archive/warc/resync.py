"""Reading a WARC file past damage: every intact record, and exactly what was skipped.

A WARC file is a run of gzip members, one record each. A flipped bit, a zeroed range or a
cut makes one member unreadable; warcio stops there and loses every record after it. Here
each member is decompressed on its own (its CRC checked); when one fails, the reader looks
for the next gzip header (``1f 8b 08``) whose member decompresses to one whole WARC record,
and goes on from there. What lies between is a :class:`Damage`: the file, the byte range,
and how many records it held (the gzip headers found in it, at least one).

Nothing is repaired here; ``archive.warc.repair`` moves damaged ranges aside.
"""

from __future__ import annotations

import io
import logging
import mmap
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from archive.warc.repair import record_type

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b\x08"
#: bytes fed to the decompressor at a time
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Damage:
    """A byte range of one file that holds no readable record."""

    file: str
    start: int
    end: int
    #: records lost in the range (gzip member headers found in it; at least one)
    records_lost: int
    reason: str

    @property
    def length(self) -> int:
        return self.end - self.start

    def __str__(self) -> str:
        return (f"{self.file}: bytes {self.start}-{self.end} ({self.length} bytes) unreadable, "
                f"{self.records_lost} record(s) lost ({self.reason})")

    def to_json(self) -> dict[str, object]:
        return {"file": self.file, "start": self.start, "end": self.end,
                "records_lost": self.records_lost, "reason": self.reason}


@dataclass(frozen=True)
class SoundMember:
    """One gzip member that holds one whole WARC record: where it is and the record's bytes."""

    offset: int
    length: int
    data: bytes


def member_at(view: memoryview, pos: int) -> SoundMember | str:
    """The whole gzip member starting at ``pos``, or why there is none."""
    decomp = zlib.decompressobj(zlib.MAX_WBITS | 16)
    parts: list[bytes] = []
    cursor = pos
    size = len(view)
    try:
        while not decomp.eof:
            if cursor >= size:
                return "cut short (end of file inside a gzip member)"
            chunk = view[cursor:cursor + _CHUNK]
            parts.append(decomp.decompress(chunk))
            cursor += len(chunk) - len(decomp.unused_data)
    except zlib.error as exc:
        return f"not a readable gzip member: {exc}"
    data = b"".join(parts)
    if record_type(data) is None:
        return "gzip member is not exactly one whole WARC record"
    return SoundMember(pos, cursor - pos, data)


def _next_sound(view: memoryview, raw: bytes | mmap.mmap, start: int) -> SoundMember | None:
    """The first sound member after ``start`` (a gzip header followed by one whole record)."""
    pos = start
    while True:
        pos = raw.find(GZIP_MAGIC, pos)
        if pos < 0:
            return None
        found = member_at(view, pos)
        if isinstance(found, SoundMember):
            return found
        pos += 1


def scan_members(path: Path) -> Iterator[SoundMember | Damage]:
    """Every sound member of ``path`` in order, with a :class:`Damage` for each unreadable range."""
    size = path.stat().st_size
    if size == 0:
        return
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as raw:
        view = memoryview(raw)
        try:
            pos = 0
            while pos < size:
                found = member_at(view, pos)
                if isinstance(found, SoundMember):
                    yield found
                    pos += found.length
                    continue
                following = _next_sound(view, raw, pos + 1)
                end = following.offset if following is not None else size
                lost = max(1, raw[pos:end].count(GZIP_MAGIC))
                damage = Damage(path.name, pos, end, lost, found)
                logger.debug("%s", damage)
                yield damage
                if following is None:
                    return
                yield following
                pos = following.offset + following.length
        finally:
            view.release()


def parse_record(member: SoundMember, *, check_digests: bool = False) -> ArcWarcRecord:
    """The record of a sound member, parsed by warcio (its stream not yet read)."""
    return next(iter(ArchiveIterator(io.BytesIO(member.data), check_digests=check_digests)))


@dataclass(frozen=True)
class SoundRecord:
    """A record read from a sound member, with the member's place in the file."""

    offset: int
    length: int
    record: ArcWarcRecord


def iter_sound_records(
    path: Path, damage: list[Damage] | None = None, *, check_digests: bool = False
) -> Iterator[SoundRecord]:
    """Every intact record of ``path``; unreadable ranges are appended to ``damage``."""
    for item in scan_members(path):
        if isinstance(item, Damage):
            if damage is not None:
                damage.append(item)
            continue
        yield SoundRecord(item.offset, item.length, parse_record(item, check_digests=check_digests))


def sound_runs(path: Path) -> tuple[list[tuple[int, int]], list[Damage]]:
    """The byte ranges ``(start, end)`` made only of sound members, and the damage between."""
    runs: list[tuple[int, int]] = []
    damage: list[Damage] = []
    for item in scan_members(path):
        if isinstance(item, Damage):
            damage.append(item)
        elif runs and runs[-1][1] == item.offset:
            runs[-1] = (runs[-1][0], item.offset + item.length)
        else:
            runs.append((item.offset, item.offset + item.length))
    return runs, damage
