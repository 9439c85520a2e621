"""Moving the damaged bytes of a WARC file into a side file, keeping every intact record.

``congan warc repair`` calls :func:`set_aside_damage` on a sealed file with damaged gzip
members (``archive.warc.resync``): the intact members are copied, in order, to a new file
that replaces the old one atomically; the damaged byte ranges are appended to
``<name>.damaged`` beside it (never read by any command, kept for forensics), so no byte is
lost. Offsets of the records after the damage change: the caller re-indexes the file.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from archive.warc.resync import Damage, scan_members

logger = logging.getLogger(__name__)

DAMAGED_SUFFIX = ".damaged"


@dataclass(frozen=True)
class SetAside:
    """What was moved out of one file: the side file and the ranges, as offsets of the old file."""

    path: Path
    side_file: Path | None
    damage: list[Damage] = field(default_factory=list)
    records_kept: int = 0

    @property
    def bytes_moved(self) -> int:
        return sum(item.length for item in self.damage)


def side_file(path: Path) -> Path:
    return path.with_name(path.name + DAMAGED_SUFFIX)


def append_side(path: Path, data: bytes) -> Path:
    """Append ``data`` to the side file of ``path`` (durably)."""
    side = side_file(path)
    with side.open("ab") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return side


def set_aside_damage(path: Path) -> SetAside:
    """Rewrite ``path`` without its damaged ranges, which go to its side file."""
    damage: list[Damage] = []
    kept = 0
    tmp = path.with_name(path.name + ".tmp")
    with path.open("rb") as src, tmp.open("wb") as out:
        for item in scan_members(path):
            if isinstance(item, Damage):
                damage.append(item)
                continue
            src.seek(item.offset)
            out.write(src.read(item.length))
            kept += 1
        out.flush()
        os.fsync(out.fileno())
    if not damage:
        tmp.unlink()
        return SetAside(path, None, [], kept)
    side = None
    with path.open("rb") as src:
        for item in damage:
            src.seek(item.start)
            side = append_side(path, src.read(item.length))
    os.replace(tmp, path)
    logger.warning("%s: moved %s damaged byte range(s) into %s, kept %s records",
                   path.name, len(damage), side.name if side else "-", kept)
    return SetAside(path, side, damage, kept)
